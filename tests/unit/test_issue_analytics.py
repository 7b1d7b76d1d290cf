"""Issue analytics: weeks, time to close, bug spikes, likely duplicates, scopes, and the issue
report in every format.

Data (Europe/Berlin, no DST change in it; the window is the three weeks of Monday 2 March 2026
to Monday 23 March, ``now`` at its end), all of acme/app:

====  =======  ====================  ====================  ==========  ===========
key   kind     created               closed                took        labels
====  =======  ====================  ====================  ==========  ===========
#1    bug      Fri 20 Feb 12:00      Tue 3 Mar 12:00       11 d        bug
#2    feature  Mon 2 Mar 12:00       Wed 4 Mar 12:00       2 d         ui
#3    bug      Tue 3 Mar 12:00       Tue 3 Mar 18:00       6 h         bug, ui
#4    bug      Tue 10 Mar 12:00      open
#5    bug      Tue 10 Mar 13:00      open
#6    bug      Wed 11 Mar 12:00      Tue 17 Mar 12:00      6 d         bug
#7    –        Wed 25 Feb 12:00      open
====  =======  ====================  ====================  ==========  ===========

Weeks: 2 Mar opened 2 (#2 #3), closed 3 (#1 #2 #3), open at its end 1 (#7), 1 new bug;
9 Mar opened 3, closed 0, open 4 (#7 #4 #5 #6), 3 new bugs; 16 Mar opened 0, closed 1 (#6),
open 3. Times to close: 0.25, 2, 6, 11 days: median 4 d, 90th percentile (nearest rank, the
4th of 4) 11 d. Bugs 0.25, 6, 11: median 6 d, p90 11 d. Label ui: 0.25, 2: median 1.125 d,
p90 2 d. The week of 9 March is a spike: 3 new bugs, and the weeks before it since the first
issue (16 Feb, 23 Feb, 2 Mar) had 1, 0 and 1: a mean of 2/3.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import random
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from devfocus.insights.issuereport import FORMATS, render_issue_report
from devfocus.trackers.analytics import (
    CloseTime,
    IssueReport,
    Spike,
    WeekCounts,
    issue_analytics,
    median,
    percentile,
)
from devfocus.trackers.duplicates import THRESHOLD, cosine, likely_duplicates, vectors, words
from devfocus.trackers.imported import TrackerIssue

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
DAY = 86400.0
HOSTILE = '=cmd|"/c calc"!A1 <script>alert(1)</script> | pipe & more'


def t(day: int, hour: int = 12, month: int = 3, tz: object = BERLIN) -> float:
    return datetime(2026, month, day, hour, tzinfo=tz).timestamp()  # type: ignore[arg-type]


def _word(key: str) -> str:
    """A word of the key's own (digits are not words), so titles differ."""
    return "topic" + "".join(
        "abcdefghij"[int(c)] if c.isdigit() else c.lower() for c in key if c.isalnum()
    )


def issue(
    key: str,
    created: float,
    closed: float | None = None,
    *,
    kind: str | None = "bug",
    labels: tuple[str, ...] = (),
    title: str = "",
    body: str = "",
    scope: str = "acme/app",
    tracker: str = "github",
) -> TrackerIssue:
    number = key.lstrip("#")
    return TrackerIssue(
        tracker=tracker,
        scope=scope,
        key=key,
        title=title or f"Issue {key} about {_word(key)}",
        url=f"https://github.com/{scope}/issues/{number}",
        kind=kind,
        priority=None,
        state="closed" if closed is not None else "open",
        assigned_to_me=False,
        labels=labels,
        created=created,
        updated=closed if closed is not None else created,
        closed=closed,
        body=body,
    )


def data() -> list[TrackerIssue]:
    return [
        issue("#1", t(20, month=2), t(3), labels=("bug",)),
        issue("#2", t(2), t(4), kind="feature", labels=("ui",)),
        issue("#3", t(3), t(3, 18), labels=("bug", "ui")),
        issue("#4", t(10)),
        issue("#5", t(10, 13)),
        issue("#6", t(11), t(17), labels=("bug",)),
        issue("#7", t(25, month=2), kind=None),
    ]


START, END = t(2, 0), t(23, 0)


def analytics(issues: list[TrackerIssue], **kwargs: object) -> IssueReport:
    options: dict[str, object] = {"start": START, "end": END, "tz": BERLIN, "now": END}
    options.update(kwargs)
    return issue_analytics(issues, **options)  # type: ignore[arg-type]


# -- figures ------------------------------------------------------------------------------------


def test_median_and_nearest_rank_percentile() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0  # the 9th of 10
    assert percentile([float(n) for n in range(1, 12)], 0.9) == 10.0  # ⌈9.9⌉ = the 10th of 11
    assert percentile([5.0], 0.9) == 5.0


def test_weeks_count_opened_closed_and_the_backlog_at_their_end() -> None:
    stats = analytics(data()).total
    assert stats.weeks == (
        WeekCounts(date(2026, 3, 2), opened=2, closed=3, backlog=1, bugs=1),
        WeekCounts(date(2026, 3, 9), opened=3, closed=0, backlog=4, bugs=3),
        WeekCounts(date(2026, 3, 16), opened=0, closed=1, backlog=3, bugs=0),
    )
    assert (stats.issues, stats.opened, stats.closed, stats.open_now) == (7, 5, 4, 3)
    assert analytics(data()).scopes == ()  # one scope: no breakdown


def test_time_to_close_overall_by_kind_and_by_label() -> None:
    stats = analytics(data()).total
    assert stats.close_time == CloseTime("all", 4, 4 * DAY, 11 * DAY)
    assert stats.by_kind == (
        CloseTime("bug", 3, 6 * DAY, 11 * DAY),
        CloseTime("feature", 1, 2 * DAY, 2 * DAY),
    )
    assert stats.by_label == (
        CloseTime("bug", 3, 6 * DAY, 11 * DAY),
        CloseTime("ui", 2, 1.125 * DAY, 2 * DAY),
    )


def test_a_spike_needs_three_new_bugs_and_twice_the_trailing_mean() -> None:
    stats = analytics(data()).total
    assert stats.spikes == (Spike(date(2026, 3, 9), 3, 2 / 3, 3),)
    # Two bugs a week in the four weeks before: 3 is not twice the mean, 4 is.
    steady = [issue(f"#{w}{n}", t(2 + 7 * w, month=2)) for w in range(4) for n in range(2)]
    week = [issue(f"#9{n}", t(3 + n)) for n in range(3)]
    assert analytics(steady + week).total.spikes == ()
    fourth = issue("#99", t(6))
    assert analytics([*steady, *week, fourth]).total.spikes == (Spike(date(2026, 3, 2), 4, 2.0, 4),)


def test_no_spike_without_a_week_on_record_before() -> None:
    first_week = [issue(f"#{n}", t(3 + n)) for n in range(5)]
    assert analytics(first_week).total.spikes == ()


def test_weeks_are_local_weeks_of_the_time_zone() -> None:
    # Monday 9 March 00:30 in Berlin is Sunday 8 March 23:30 in UTC.
    late = [issue("#1", t(9, 0) + 1800, kind="feature")]
    berlin = analytics(late).total.weeks
    assert [(w.week, w.opened) for w in berlin] == [
        (date(2026, 3, 2), 0),
        (date(2026, 3, 9), 1),
        (date(2026, 3, 16), 0),
    ]
    utc = issue_analytics(
        late, start=t(2, 0, tz=UTC), end=t(23, 0, tz=UTC), tz=UTC, now=t(23, 0, tz=UTC)
    ).total.weeks
    assert [(w.week, w.opened) for w in utc] == [
        (date(2026, 3, 2), 1),
        (date(2026, 3, 9), 0),
        (date(2026, 3, 16), 0),
    ]


def test_a_week_with_a_clock_change_ends_at_local_midnight() -> None:
    # Clocks go forward on Sunday 29 March: that week has 167 hours.
    sunday_night = t(29, 23, month=3) + 1800  # 21:30 UTC
    monday = t(30, 0, month=3) + 1800  # 22:30 UTC on Sunday
    issues = [issue("#1", sunday_night), issue("#2", monday), issue("#3", monday + 60)]
    stats = analytics(issues, start=t(23, 0), end=t(6, 0, month=4), now=t(6, 0, month=4)).total
    assert [(w.week, w.opened, w.backlog) for w in stats.weeks] == [
        (date(2026, 3, 23), 1, 1),
        (date(2026, 3, 30), 2, 3),
    ]


def test_a_window_starting_mid_week_counts_from_its_start() -> None:
    stats = analytics(data(), start=t(4, 0)).total  # Wednesday 4 March
    assert stats.weeks[0] == WeekCounts(date(2026, 3, 2), opened=0, closed=1, backlog=1, bugs=0)


def test_a_week_not_over_reads_its_backlog_now() -> None:
    now = t(10) + 1800  # after #4 was opened, before #5
    stats = analytics(data(), end=t(16, 0), now=now).total
    assert stats.weeks[-1].backlog == 2  # #7 and #4
    assert stats.weeks[-1].opened == 3  # opened in the week, whatever ``now`` says


def test_several_scopes_get_a_breakdown_and_a_scope_can_be_chosen() -> None:
    jira = [
        issue("ABC-1", t(3), t(5), tracker="jira", scope="acme.atlassian.net", kind="chore"),
        issue("ABC-2", t(12), tracker="jira", scope="acme.atlassian.net"),
    ]
    report = analytics(data() + jira)
    assert [s.scope for s in report.scopes] == ["acme.atlassian.net", "acme/app"]
    site, repo = report.scopes
    assert (site.opened, site.closed, site.open_now) == (2, 1, 1)
    assert (repo.opened, repo.closed, repo.open_now) == (5, 4, 3)
    assert report.total.opened == 7
    assert [w.backlog for w in report.total.weeks] == [1, 5, 4]
    only = analytics(data() + jira, scope="acme.atlassian.net")
    assert only.scope == "acme.atlassian.net"
    assert only.scopes == ()
    assert only.total.issues == 2


def test_empty_input() -> None:
    report = analytics([])
    assert report.empty
    assert report.total.close_time is None
    assert [w.opened for w in report.total.weeks] == [0, 0, 0]
    assert report.total.spikes == ()
    assert report.total.duplicates == ()


# -- likely duplicates --------------------------------------------------------------------------


def test_words_drop_stop_words_numbers_and_short_tokens() -> None:
    text = "The editor crashes on line 42 when a file_name has é-accents: see https://x.org"
    assert words(text) == ["editor", "crashes", "line", "file", "name", "accents", "see"]
    assert words("Ünïcode ÉTÉ naïve") == ["ünïcode", "été", "naïve"]


def test_the_score_is_the_tf_idf_cosine() -> None:
    # Titles "alpha beta" and "alpha gamma": tf 3 (a title word counts three times), the same
    # (1 + ln 3) for every word; idf of alpha ln(3/3) + 1 = 1, of beta and gamma ln(3/2) + 1.
    a = issue("#1", t(2), title="alpha beta", kind=None)
    b = issue("#2", t(3), title="alpha gamma", kind=None)
    found = likely_duplicates([a, b], threshold=0.3)
    assert len(found) == 1
    assert found[0].first == a
    assert found[0].second == b
    assert found[0].score == pytest.approx(1 / (1 + (math.log(1.5) + 1) ** 2))
    assert likely_duplicates([a, b]) == []  # 0.34: below the default threshold of 0.5


NEAR = (
    "Crash when saving a file with an emoji in its name",
    "Saving a file whose name contains an emoji crashes the editor with UnicodeEncodeError.",
)
NEAR_TOO = (
    "Editor crashes saving file named with emoji",
    "UnicodeEncodeError when saving: the file name had an emoji in it and the editor crashed.",
)
UNRELATED = [
    ("Dark theme colours in the chart legend", "The legend text is unreadable on dark themes."),
    ("Add CSV export of the weekly report", "Spreadsheets would like the weekly figures."),
    ("Jira sync ignores nextPageToken", "Only the first page of issues is imported from Jira."),
    ("Status bar shows the wrong branch", "After a checkout the status item keeps the old one."),
    ("Slow startup on large repositories", "Reading the git history takes a minute at start."),
]


def test_a_near_duplicate_pair_is_found_and_unrelated_issues_are_not() -> None:
    issues = [issue("#1", t(2), title=NEAR[0], body=NEAR[1])]
    issues += [
        issue(f"#{n}", t(3 + n), title=title, body=body)
        for n, (title, body) in enumerate(UNRELATED, start=2)
    ]
    issues.append(issue("#9", t(12), title=NEAR_TOO[0], body=NEAR_TOO[1]))
    # The same text closed, and open in another repository: neither pairs with #1.
    issues.append(issue("#10", t(5), t(6), title=NEAR[0], body=NEAR[1]))
    issues.append(issue("#1", t(4), title=NEAR[0], body=NEAR[1], scope="acme/other"))
    report = analytics(issues)
    pairs = [(d.first.key, d.second.key, d.first.scope) for d in report.total.duplicates]
    assert pairs == [("#1", "#9", "acme/app")]
    assert 0.5 <= report.total.duplicates[0].score < 1.0
    repo = next(s for s in report.scopes if s.scope == "acme/app")
    assert repo.duplicates == report.total.duplicates
    assert next(s for s in report.scopes if s.scope == "acme/other").duplicates == ()


def test_at_most_twenty_pairs_best_first() -> None:
    issues = [
        issue(f"#{n}", t(2) + n, title="Export fails for the report", body=f"export {name}")
        for n, name in enumerate(
            ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")
        )
    ]
    found = analytics(issues).total.duplicates
    assert len(found) == 20  # of 28 pairs
    scores = [d.score for d in found]
    assert scores == sorted(scores, reverse=True)


def test_the_pairs_found_are_those_comparing_every_pair_finds() -> None:
    """Issues made of sentences shared among them, so that many pairs score above the threshold
    through words of every frequency: the index finds each pair an exhaustive comparison finds,
    with the same score."""
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(300)]
    sentences = [" ".join(rng.sample(vocabulary, 6)) for _ in range(60)]
    issues = [
        issue(
            f"#{n}",
            t(2) + n,
            title=rng.choice(sentences),
            body=" ".join(rng.sample(sentences, rng.randint(1, 4))),
        )
        for n in range(400)
    ]
    ordered = sorted(issues, key=lambda i: (i.created, i.key))
    vecs = vectors(ordered)
    exhaustive = {
        (ordered[a].key, ordered[b].key): cosine(vecs[a], vecs[b])
        for a in range(len(vecs))
        for b in range(a + 1, len(vecs))
        if cosine(vecs[a], vecs[b]) >= THRESHOLD - 1e-9
    }
    found = {(d.first.key, d.second.key): d.score for d in likely_duplicates(issues, top=10**6)}
    assert len(exhaustive) > 100
    assert found.keys() == exhaustive.keys()
    assert all(found[pair] == pytest.approx(score) for pair, score in exhaustive.items())


def test_five_thousand_issues_with_planted_duplicates() -> None:
    """Issues of random words from a vocabulary of 20,000 (as a repository's issues use many
    names of their own), with ten pairs of one issue reworded: the ten are found, first."""
    rng = random.Random(17)
    vocabulary = [f"w{n}" for n in range(20000)]
    cumulative = list(itertools.accumulate(1 / (r + 1) for r in range(len(vocabulary))))
    issues = []
    for n in range(5000):
        title = " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=8))
        body = " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(20, 150)))
        issues.append(issue(f"#{n}", t(2) + n, title=title, body=body))
    planted = []
    for n in range(10):
        source = issues[rng.randrange(5000)]
        shuffled = source.title.split()
        rng.shuffle(shuffled)
        half = source.body.split()[: len(source.body.split()) // 2]
        copy = issue(f"#x{n}", t(20) + n, title=" ".join(shuffled), body=" ".join(half))
        issues.append(copy)
        planted.append((source.key, copy.key))
    found = [(d.first.key, d.second.key) for d in analytics(issues).total.duplicates]
    assert set(found[:10]) == set(planted)


# -- the report in every format -----------------------------------------------------------------


def full_report() -> IssueReport:
    issues = data()
    issues.append(issue("#8", t(12), title=HOSTILE, body=NEAR[1], kind="feature"))
    issues.append(issue("#11", t(13), title=HOSTILE + " again", body=NEAR[1], kind="feature"))
    return analytics(issues)


def test_every_format_renders() -> None:
    report = full_report()
    assert report.total.duplicates  # the hostile pair
    for fmt in FORMATS:
        assert render_issue_report(report, fmt)
    assert set(FORMATS) == {"text", "markdown", "html", "json", "csv"}


def test_json() -> None:
    data_ = json.loads(render_issue_report(full_report(), "json"))
    assert data_["schema"] == "devfocus.issues/1"
    assert data_["start"] == "2026-03-02T00:00:00+01:00"
    assert [w["opened"] for w in data_["weeks"]] == [2, 5, 0]
    assert [w["isoWeek"] for w in data_["weeks"]] == ["2026-W10", "2026-W11", "2026-W12"]
    assert data_["timeToClose"]["medianDays"] == 4.0
    assert data_["timeToClose"]["p90Seconds"] == 11 * 86400
    assert data_["spikes"] == [
        {"week": "2026-03-09", "bugs": 3, "trailingMean": 0.67, "trailingWeeks": 3}
    ]
    assert data_["duplicates"][0]["first"]["title"] == HOSTILE
    assert data_["byScope"] == []


def test_csv() -> None:
    rows = list(csv.DictReader(io.StringIO(render_issue_report(full_report(), "csv"))))
    weeks = [
        (r["week"], r["opened"], r["closed"], r["backlog"]) for r in rows if r["record"] == "week"
    ]
    assert weeks == [
        ("2026-03-02", "2", "3", "1"),
        ("2026-03-09", "5", "0", "6"),
        ("2026-03-16", "0", "1", "5"),
    ]
    closing = [
        (r["group"], r["label"], r["median_days"]) for r in rows if r["record"] == "close_time"
    ]
    assert closing[0] == ("all", "all", "4.0")
    duplicate = next(r for r in rows if r["record"] == "duplicate")
    assert duplicate["title"] == "'" + HOSTILE  # not a formula
    assert [r["week"] for r in rows if r["record"] == "spike"] == ["2026-03-09"]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_html_has_the_charts_and_escapes_titles() -> None:
    html = render_issue_report(full_report(), "html")
    parser = _Parser()
    parser.feed(html)
    assert "script" not in parser.tags
    assert parser.tags.count("svg") == 2
    assert 'id="df-issueflow"' in html
    assert 'id="df-backlog"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<h2>Likely duplicates</h2>" in html


def test_markdown_has_the_charts_as_images_and_escapes_titles() -> None:
    markdown = render_issue_report(full_report(), "markdown")
    assert markdown.count('<img src="data:image/svg+xml;base64,') == 2
    assert "<script>" not in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| pipe &amp; more" in markdown
    assert "| **Time to close** | median 4.0 d, 90th percentile 11.0 d (4 issues) |" in markdown
    assert "| 09 Mar 2026 | 5 | 0 | 6 | 3 |" in markdown
    assert "- week of 09 Mar 2026: 3 new bugs, 0.7 a week over the 3 weeks before" in markdown


def test_the_charts_are_well_formed_svg() -> None:
    from devfocus.insights.issuereport_charts import issue_charts

    charts = issue_charts(full_report().total)
    assert [c.key for c in charts] == ["issueflow", "backlog"]
    for chart in charts:
        root = ET.fromstring(chart.svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "at most 6 (week of 09 Mar 2026)" in charts[1].description


def test_text() -> None:
    text = render_issue_report(full_report(), "text")
    assert text.startswith("DevFocus — Issues (Mon 02 Mar – Sun 22 Mar 2026)\n")
    assert "  09 Mar 2026      5      0       6     3" in text
    assert "Bug spikes\n  week of 09 Mar 2026: 3 new bugs" in text


def test_several_scopes_render_a_section_each() -> None:
    jira = [issue("ABC-1", t(3), t(5), tracker="jira", scope="acme.atlassian.net")]
    report = analytics(data() + jira)
    markdown = render_issue_report(report, "markdown")
    assert "\n## acme.atlassian.net\n" in markdown
    assert "\n### By week\n" in markdown
    data_ = json.loads(render_issue_report(report, "json"))
    assert [s["scope"] for s in data_["byScope"]] == ["acme.atlassian.net", "acme/app"]
    html = render_issue_report(report, "html")
    assert html.count("<svg") == 2  # the charts of all scopes together only


def test_an_empty_report_in_every_format() -> None:
    report = analytics([])
    for fmt in ("text", "markdown", "html"):
        assert "No issues imported" in render_issue_report(report, fmt)
    assert json.loads(render_issue_report(report, "json"))["issues"] == 0
    rows = list(csv.DictReader(io.StringIO(render_issue_report(report, "csv"))))
    assert rows[0]["record"] == "summary"
