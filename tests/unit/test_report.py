"""Reports over a period: totals, breakdowns, project filter, days, and their renderings.

Idle timeout 15 minutes, deep work 25 minutes. The main data set, in UTC, is one day of work:

* 2026-01-06 23:50 to 2026-01-07 00:10, alpha @ main (one session across midnight),
* 09:00 to 09:30 alpha @ main, 09:30 to 09:40 beta @ main (Rust, Neovim), 09:40 to 09:45
  alpha @ feature (one session, two switches, a 30-minute deep-work block in alpha @ main).

For "today" (2026-01-07, to 18:00) that is 600 + 1800 + 600 + 300 = 3300 s of focus.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from devfocus.activity.records import Activity, Context, Kind
from devfocus.insights.focusreport import (
    DayTotal,
    DeepWorkSummary,
    Report,
    SessionSummary,
    build_report,
)
from devfocus.insights.periods import Period, resolve_period
from devfocus.insights.render import FORMATS, renderer
from devfocus.insights.render_json import report_json
from devfocus.insights.render_markdown import render_markdown
from devfocus.insights.render_parts import duration
from devfocus.insights.render_text import render_text

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
ALPHA = Context("/src/alpha", "main")
ALPHA_FEATURE = Context("/src/alpha", "feature")
BETA = Context("/src/beta", "main")
IDLE = 900.0
DEEP = 1500.0


def at(day: int, hour: int, minute: int = 0, *, month: int = 1, tz: object = UTC) -> float:
    return datetime(2026, month, day, hour, minute, tzinfo=tz).timestamp()  # type: ignore[arg-type]


def edit(
    start: float,
    end: float,
    context: Context | None,
    *,
    language: str | None = "python",
    editor: str | None = "vscode",
    added: int = 0,
    removed: int = 0,
) -> Activity:
    return Activity(
        start, end, Kind.EDIT, context, language, "app.py", editor, None, added, removed
    )


NOW = at(7, 18)


def day_of_work() -> list[Activity]:
    return [
        edit(at(6, 23, 50), at(7, 0, 0), ALPHA, added=5),
        edit(at(7, 0, 0), at(7, 0, 10), ALPHA, added=1, removed=1),
        edit(at(7, 9, 0), at(7, 9, 30), ALPHA, added=10, removed=2),
        edit(at(7, 9, 30), at(7, 9, 40), BETA, language="rust", editor="neovim", added=3),
        edit(at(7, 9, 40), at(7, 9, 45), ALPHA_FEATURE, added=4, removed=4),
    ]


def report(
    acts: list[Activity],
    name: str = "today",
    *,
    now: float = NOW,
    tz: object = UTC,
    project: str | None = None,
) -> Report:
    period = resolve_period(name, now, tz)  # type: ignore[arg-type]
    return build_report(
        acts,
        period,
        idle_timeout=IDLE,
        deep_work=DEEP,
        now=now,
        tz=tz,  # type: ignore[arg-type]
        project=project,
    )


def rows(shares: list) -> list[tuple]:
    return [(s.label, s.seconds, round(s.share, 4), s.project) for s in shares]


# -- periods ----------------------------------------------------------------------------------


def test_today_runs_from_local_midnight_to_now() -> None:
    now = at(29, 12, month=3, tz=BERLIN)
    period = resolve_period("today", now, BERLIN)
    midnight = datetime(2026, 3, 28, 23, 0, tzinfo=UTC).timestamp()  # 00:00 CET
    assert period == Period("today", midnight, now, (date(2026, 3, 29),))
    assert period.title == "Today"


def test_a_week_is_the_last_seven_local_days_including_today() -> None:
    now = at(30, 12, month=3, tz=BERLIN)
    period = resolve_period("week", now, BERLIN)
    assert period.start == datetime(2026, 3, 23, 23, 0, tzinfo=UTC).timestamp()  # 24th, CET
    assert period.end == now
    assert period.days == tuple(date(2026, 3, d) for d in range(24, 31))
    assert period.title == "Last 7 days"


def test_thirty_days_reach_back_into_the_previous_year() -> None:
    period = resolve_period("30d", NOW, UTC)
    assert period.start == datetime(2025, 12, 9, tzinfo=UTC).timestamp()
    assert len(period.days) == 30
    assert (period.days[0], period.days[-1]) == (date(2025, 12, 9), date(2026, 1, 7))
    assert period.title == "Last 30 days"


# -- totals and breakdowns --------------------------------------------------------------------


def test_today_counts_focus_from_midnight_only() -> None:
    r = report(day_of_work())
    assert r.focus_seconds == 3300.0
    assert r.deep_work_seconds == 1800.0
    assert not r.empty
    assert r.generated_at == NOW


def test_lines_count_edits_that_start_inside_the_period() -> None:
    r = report(day_of_work())
    # The 23:50 edit (+5) started yesterday.
    assert (r.lines_added, r.lines_removed) == (1 + 10 + 3 + 4, 1 + 2 + 4)


def test_breakdowns_by_project_branch_language_and_editor() -> None:
    r = report(day_of_work())
    assert rows(r.by_project) == [
        ("alpha", 2700.0, 0.8182, "/src/alpha"),
        ("beta", 600.0, 0.1818, "/src/beta"),
    ]
    assert rows(r.by_branch) == [
        ("alpha @ main", 2400.0, 0.7273, "/src/alpha"),
        ("beta @ main", 600.0, 0.1818, "/src/beta"),
        ("alpha @ feature", 300.0, 0.0909, "/src/alpha"),
    ]
    assert rows(r.by_language) == [("python", 2700.0, 0.8182, None), ("rust", 600.0, 0.1818, None)]
    assert rows(r.by_editor) == [("vscode", 2700.0, 0.8182, None), ("neovim", 600.0, 0.1818, None)]


def test_shares_of_each_breakdown_add_up_to_the_whole() -> None:
    r = report(day_of_work())
    for shares in (r.by_project, r.by_branch, r.by_language, r.by_editor):
        assert sum(s.seconds for s in shares) == r.focus_seconds
        assert sum(s.share for s in shares) == pytest.approx(1.0)


def test_switches_in_the_period() -> None:
    r = report(day_of_work())
    assert [(s.at, s.before, s.after) for s in r.switches] == [
        (at(7, 9, 30), ALPHA, BETA),
        (at(7, 9, 40), BETA, ALPHA_FEATURE),
    ]


def test_sessions_are_clipped_to_the_period_and_list_contexts_by_time() -> None:
    r = report(day_of_work())
    assert r.sessions == [
        SessionSummary(at(7, 0, 0), at(7, 0, 10), 600.0, ("alpha @ main",), 0),
        SessionSummary(
            at(7, 9, 0),
            at(7, 9, 45),
            2700.0,
            ("alpha @ main", "beta @ main", "alpha @ feature"),
            2,
        ),
    ]


def test_deep_work_blocks_in_the_period() -> None:
    r = report(day_of_work())
    assert r.deep_work == [DeepWorkSummary(at(7, 9, 0), at(7, 9, 30), 1800.0, ALPHA)]


def test_a_deep_work_block_crossing_the_period_start_counts_only_its_part_inside() -> None:
    r = report([edit(at(6, 23, 40), at(7, 0, 10), ALPHA)])
    assert r.deep_work == [DeepWorkSummary(at(7, 0, 0), at(7, 0, 10), 600.0, ALPHA)]
    assert r.deep_work_seconds == 600.0
    assert r.focus_seconds == 600.0


def test_today_has_one_day_total() -> None:
    r = report(day_of_work())
    assert r.by_day == [DayTotal(date(2026, 1, 7), 3300.0, 1800.0, 2, 2)]


def test_the_period_ends_now() -> None:
    r = report(day_of_work(), now=at(7, 9, 35))
    # 600 after midnight + 1800 in alpha + 300 of beta up to 09:35.
    assert r.focus_seconds == 2700.0
    assert rows(r.by_project) == [
        ("alpha", 2400.0, 0.8889, "/src/alpha"),
        ("beta", 300.0, 0.1111, "/src/beta"),
    ]
    assert (r.lines_added, r.lines_removed) == (1 + 10 + 3, 1 + 2)


def test_a_week_covers_yesterday_too() -> None:
    r = report(day_of_work(), "week")
    assert r.focus_seconds == 1200.0 + 2700.0
    assert (r.lines_added, r.lines_removed) == (5 + 1 + 10 + 3 + 4, 1 + 2 + 4)
    assert r.sessions[0] == SessionSummary(
        at(6, 23, 50), at(7, 0, 10), 1200.0, ("alpha @ main",), 0
    )
    assert [d.day for d in r.by_day] == [date(2026, 1, d) for d in range(1, 8)]
    assert r.by_day[5] == DayTotal(date(2026, 1, 6), 600.0, 0.0, 1, 0)
    assert r.by_day[6] == DayTotal(date(2026, 1, 7), 3300.0, 1800.0, 1, 2)
    assert all(d == DayTotal(d.day, 0.0, 0.0, 0, 0) for d in r.by_day[:5])


def test_activity_without_a_project_language_or_editor_gets_placeholder_labels() -> None:
    r = report([edit(at(7, 10), at(7, 10, 10), None, language=None, editor=None)])
    assert rows(r.by_project) == [("(no project)", 600.0, 1.0, None)]
    assert rows(r.by_branch) == [("(no project)", 600.0, 1.0, None)]  # rows add up to focus
    assert rows(r.by_language) == [("(unknown)", 600.0, 1.0, None)]
    assert rows(r.by_editor) == [("(unknown)", 600.0, 1.0, None)]
    assert r.sessions[0].contexts == ("(no project)",)


def test_a_project_without_a_branch_is_labelled_so() -> None:
    r = report([edit(at(7, 10), at(7, 10, 10), Context("/src/alpha"))])
    assert rows(r.by_branch) == [("alpha @ (no branch)", 600.0, 1.0, "/src/alpha")]
    assert r.sessions[0].contexts == ("alpha",)


def test_no_activity_gives_an_empty_report() -> None:
    r = report([])
    assert r.empty
    assert r.focus_seconds == 0.0
    assert r.sessions == []
    assert r.by_project == []
    assert r.by_day == [DayTotal(date(2026, 1, 7), 0.0, 0.0, 0, 0)]


def test_activity_only_before_the_period_gives_an_empty_report() -> None:
    assert report([edit(at(6, 10), at(6, 10, 30), ALPHA)]).empty


# -- project filter ---------------------------------------------------------------------------


def test_a_project_report_counts_only_time_in_that_project() -> None:
    r = report(day_of_work(), project="/src/alpha")
    assert r.project == "/src/alpha"
    assert r.focus_seconds == 2700.0
    assert rows(r.by_project) == [("alpha", 2700.0, 1.0, "/src/alpha")]
    assert rows(r.by_branch) == [
        ("alpha @ main", 2400.0, 0.8889, "/src/alpha"),
        ("alpha @ feature", 300.0, 0.1111, "/src/alpha"),
    ]
    assert rows(r.by_language) == [("python", 2700.0, 1.0, None)]
    assert (r.lines_added, r.lines_removed) == (1 + 10 + 4, 1 + 2 + 4)
    assert len(r.switches) == 2
    assert r.deep_work_seconds == 1800.0
    assert r.sessions == [
        SessionSummary(at(7, 0, 0), at(7, 0, 10), 600.0, ("alpha @ main",), 0),
        SessionSummary(at(7, 9, 0), at(7, 9, 45), 2100.0, ("alpha @ main", "alpha @ feature"), 2),
    ]


def test_a_project_report_of_the_other_project() -> None:
    r = report(day_of_work(), project="/src/beta")
    assert r.focus_seconds == 600.0
    assert r.deep_work == []
    assert (r.lines_added, r.lines_removed) == (3, 0)
    assert r.sessions == [SessionSummary(at(7, 9, 30), at(7, 9, 40), 600.0, ("beta @ main",), 2)]
    assert r.by_day == [DayTotal(date(2026, 1, 7), 600.0, 0.0, 1, 2)]


def test_a_pause_spent_in_another_project_is_not_bridged_into_the_filtered_one() -> None:
    acts = [
        edit(at(7, 10, 0), at(7, 10, 1), ALPHA),
        edit(at(7, 10, 5), at(7, 10, 6), BETA),
        edit(at(7, 10, 10), at(7, 10, 11), ALPHA),
    ]
    # All: 10:00 to 10:11. Alpha: 10:00-10:05 and 10:10-10:11; beta: 10:05-10:10.
    assert report(acts).focus_seconds == 660.0
    assert report(acts, project="/src/alpha").focus_seconds == 360.0
    assert report(acts, project="/src/beta").focus_seconds == 300.0


def test_a_project_includes_its_subfolders_but_not_lookalike_names() -> None:
    acts = [
        edit(at(7, 10, 0), at(7, 10, 10), Context("/src/alpha/sub", "main")),
        edit(at(7, 10, 10), at(7, 10, 20), Context("/src/alphabet", "main")),
    ]
    assert report(acts, project="/src/alpha").focus_seconds == 600.0
    assert report(acts, project="/src/alpha/").focus_seconds == 600.0
    assert report(acts, project="/src/alphabet").focus_seconds == 600.0


def test_time_without_a_project_is_not_in_a_project_report() -> None:
    acts = [edit(at(7, 10), at(7, 10, 10), None), edit(at(7, 11), at(7, 11, 10), ALPHA)]
    assert report(acts, project="/src/alpha").focus_seconds == 600.0


# -- days and daylight saving time ------------------------------------------------------------


def test_days_follow_local_midnight_on_the_23_hour_spring_day() -> None:
    acts = [
        # 01:50 CET to 03:10 CEST on 2026-03-29: 20 real minutes (the clock skips 02:00-03:00).
        edit(at(29, 1, 50, month=3, tz=BERLIN), at(29, 1, 59, month=3, tz=BERLIN), ALPHA),
        edit(at(29, 3, 0, month=3, tz=BERLIN), at(29, 3, 10, month=3, tz=BERLIN), ALPHA),
        # 23:50 on the 29th to 00:10 on the 30th (both CEST).
        edit(at(29, 23, 50, month=3, tz=BERLIN), at(30, 0, 10, month=3, tz=BERLIN), ALPHA),
    ]
    r = report(acts, "week", now=at(30, 12, month=3, tz=BERLIN), tz=BERLIN)
    days = {d.day: d for d in r.by_day}
    assert days[date(2026, 3, 29)] == DayTotal(date(2026, 3, 29), 1200.0 + 600.0, 0.0, 2, 0)
    assert days[date(2026, 3, 30)] == DayTotal(date(2026, 3, 30), 600.0, 0.0, 0, 0)
    assert r.focus_seconds == 2400.0


def test_days_follow_local_midnight_on_the_25_hour_autumn_day() -> None:
    acts = [
        edit(at(25, 0, 10, month=10, tz=BERLIN), at(25, 0, 20, month=10, tz=BERLIN), ALPHA),
        # 23:50 on the 25th to 00:10 on the 26th (both CET).
        edit(at(25, 23, 50, month=10, tz=BERLIN), at(26, 0, 10, month=10, tz=BERLIN), ALPHA),
    ]
    r = report(acts, "week", now=at(26, 12, month=10, tz=BERLIN), tz=BERLIN)
    days = {d.day: d for d in r.by_day}
    assert days[date(2026, 10, 25)] == DayTotal(date(2026, 10, 25), 1200.0, 0.0, 2, 0)
    assert days[date(2026, 10, 26)] == DayTotal(date(2026, 10, 26), 600.0, 0.0, 0, 0)


def test_deep_work_across_midnight_is_split_between_the_days() -> None:
    acts = [edit(at(6, 23, 40), at(7, 0, 10), ALPHA)]
    r = report(acts, "week")
    days = {d.day: d for d in r.by_day}
    assert days[date(2026, 1, 6)].deep_work_seconds == 1200.0
    assert days[date(2026, 1, 7)].deep_work_seconds == 600.0
    assert r.deep_work_seconds == 1800.0


# -- rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (40, "40s"),
        (59.4, "59s"),
        (59.6, "1m"),
        (60, "1m"),
        (754, "12m"),
        (3599, "59m"),
        (3600, "1h 00m"),
        (3900, "1h 05m"),
        (36000 + 59 * 60, "10h 59m"),
    ],
)
def test_durations_read_as_hours_and_minutes(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_text_report_shows_the_key_numbers() -> None:
    text = render_text(report(day_of_work()), UTC)
    lines = text.splitlines()
    assert lines[0] == "DevFocus — Today (Wed 07 Jan 2026, 00:00–18:00 UTC)"
    assert "55m in 2 sessions (longest 45m)" in text
    assert "30m in 1 block, 55% of focus" in text
    assert "2 (2.2 per focus hour)" in text
    assert "+18 −7" in text
    assert f"  alpha  {'45m':>7}  {'█' * 16}{'░' * 4}   82%" in lines
    assert f"  beta   {'10m':>7}  {'█' * 4}{'░' * 16}   18%" in lines
    assert f"  00:00–00:10  {'10m':>7}  alpha @ main" in lines
    assert (
        f"  09:00–09:45  {'45m':>7}  alpha @ main, beta @ main, alpha @ feature  2 switches"
        in lines
    )
    assert f"  09:00–09:30  {'30m':>7}  alpha @ main" in lines
    assert "By day" not in lines


def test_text_report_of_a_week_has_a_line_per_day_of_work() -> None:
    text = render_text(report(day_of_work(), "week"), UTC)
    lines = text.splitlines()
    assert lines[0] == "DevFocus — Last 7 days (Thu 01 Jan – Wed 07 Jan 2026, to 18:00 UTC)"
    start = lines.index("By day")
    assert lines[start + 1] == "  Thu 01 Jan – Mon 05 Jan  no activity (5 days)"
    assert f"  Tue 06 Jan  {'10m':>7}  deep {'0s':>7}  1 session, 0 switches" in lines
    assert f"  Wed 07 Jan  {'55m':>7}  deep {'30m':>7}  1 session, 2 switches" in lines
    assert f"  Tue 06 Jan 23:50–00:10  {'20m':>7}  alpha @ main" in lines


def test_text_report_of_a_project_names_it() -> None:
    text = render_text(report(day_of_work(), project="/src/alpha"), UTC)
    assert "Project: alpha (/src/alpha)" in text.splitlines()
    assert "45m in 2 sessions (longest 35m)" in text


def test_an_empty_text_report_says_there_is_no_activity() -> None:
    text = render_text(report([]), UTC)
    assert "No activity recorded today." in text
    assert "`" not in text
    assert not any(line.startswith("Focus") for line in text.splitlines())


def test_an_empty_week_report_names_the_period() -> None:
    text = render_text(report([], "week", project="/src/alpha"), UTC)
    assert "No activity recorded in the last 7 days in alpha (/src/alpha)." in text


def test_markdown_report_shows_the_key_numbers() -> None:
    md = render_markdown(report(day_of_work()), UTC)
    lines = md.splitlines()
    assert lines[0] == "# DevFocus — Today (Wed 07 Jan 2026, 00:00–18:00 UTC)"
    assert "| **Focus** | 55m in 2 sessions (longest 45m) |" in lines
    assert "| **Deep work** | 30m in 1 block, 55% of focus |" in lines
    assert "| **Switches** | 2 (2.2 per focus hour) |" in lines
    assert "| **Lines** | +18 −7 |" in lines
    assert "| alpha | 45m | 82% |" in lines
    assert "| alpha @ feature | 5m | 9% |" in lines
    assert "| 09:00–09:45 | 45m | alpha @ main, beta @ main, alpha @ feature |  | 0 | 2 |" in lines
    assert "| 09:00–09:30 | 30m | alpha @ main |" in lines


def test_an_empty_markdown_report_points_to_the_server() -> None:
    md = render_markdown(report([]), UTC)
    assert "No activity recorded today." in md
    assert "`devfocus serve`" in md


def test_json_report_has_the_documented_keys_and_values() -> None:
    data = report_json(report(day_of_work()), UTC)
    assert set(data) == {
        "period",
        "generatedAt",
        "project",
        "focusSeconds",
        "deepWorkSeconds",
        "sessionCount",
        "switchCount",
        "linesAdded",
        "linesRemoved",
        "byProject",
        "byBranch",
        "byLanguage",
        "byEditor",
        "byTask",
        "byDay",
        "sessions",
        "deepWork",
        "switches",
        "commitCount",
        "commitScore",
        "commits",
        "commitScoreByWeek",
        # report schema 2 (issue 14): docs/report-json.md
        "schema",
        "bulkLinesAdded",
        "byWeek",
        "focusByHour",
        "deepWorkByHour",
        "timeline",
        "insights",
    }
    assert data["period"] == {
        "name": "today",
        "start": "2026-01-07T00:00:00+00:00",
        "end": "2026-01-07T18:00:00+00:00",
    }
    assert data["generatedAt"] == "2026-01-07T18:00:00+00:00"
    assert data["project"] is None
    assert (data["focusSeconds"], data["deepWorkSeconds"]) == (3300, 1800)
    assert (data["sessionCount"], data["switchCount"]) == (2, 2)
    assert (data["linesAdded"], data["linesRemoved"]) == (18, 7)
    assert data["byProject"] == [
        {"label": "alpha", "seconds": 2700, "share": 0.8182, "root": "/src/alpha"},
        {"label": "beta", "seconds": 600, "share": 0.1818, "root": "/src/beta"},
    ]
    assert data["byLanguage"] == [
        {"label": "python", "seconds": 2700, "share": 0.8182},
        {"label": "rust", "seconds": 600, "share": 0.1818},
    ]
    assert data["byDay"] == [
        {
            "date": "2026-01-07",
            "focusSeconds": 3300,
            "deepWorkSeconds": 1800,
            "sessions": 2,
            "switches": 2,
            "byProject": [
                {"label": "alpha", "root": "/src/alpha", "seconds": 2700},
                {"label": "beta", "root": "/src/beta", "seconds": 600},
            ],
        }
    ]
    assert data["sessions"][1] == {
        "start": "2026-01-07T09:00:00+00:00",
        "end": "2026-01-07T09:45:00+00:00",
        "focusSeconds": 2700,
        "contexts": ["alpha @ main", "beta @ main", "alpha @ feature"],
        "switches": 2,
        "task": None,  # mostly on main, which names no task
        "commits": 0,
        "fromHistory": False,
    }
    alpha = {"project": "alpha", "root": "/src/alpha", "branch": "main"}
    beta = {"project": "beta", "root": "/src/beta", "branch": "main"}
    assert data["deepWork"] == [
        {
            "start": "2026-01-07T09:00:00+00:00",
            "end": "2026-01-07T09:30:00+00:00",
            "focusSeconds": 1800,
            "context": alpha,
        }
    ]
    assert data["switches"][0] == {"at": "2026-01-07T09:30:00+00:00", "from": alpha, "to": beta}


def test_json_report_round_trips_through_json() -> None:
    data = report_json(report(day_of_work(), "week"), UTC)
    assert json.loads(json.dumps(data)) == data


def test_json_report_uses_local_times_with_their_offset() -> None:
    now = at(30, 12, month=3, tz=BERLIN)
    data = report_json(report([], "week", now=now, tz=BERLIN), BERLIN)
    assert data["period"]["start"] == "2026-03-24T00:00:00+01:00"
    assert data["period"]["end"] == "2026-03-30T12:00:00+02:00"


def test_every_format_has_a_renderer() -> None:
    r = report(day_of_work())
    assert set(FORMATS) == {"text", "markdown", "html", "json", "csv"}
    assert renderer("text")(r, UTC, None) == render_text(r, UTC)
    assert renderer("json")(r, UTC, None) == report_json(r, UTC)


# -- idle days and comparisons ------------------------------------------------------------------


def test_days_with_nothing_collapse_into_one_line() -> None:

    monday = datetime(2026, 1, 5, tzinfo=UTC)
    first = Activity(monday.timestamp() + 9 * 3600, monday.timestamp() + 10 * 3600, Kind.EDIT)
    last_day = monday.timestamp() + 6 * 86400
    second = Activity(last_day + 9 * 3600, last_day + 9.5 * 3600, Kind.EDIT)
    now = last_day + 12 * 3600
    period = resolve_period("week", now, UTC)
    report = build_report(
        [first, second], period, idle_timeout=900, deep_work=1500, now=now, tz=UTC
    )
    text = render_text(report, UTC)
    assert "  Tue 06 Jan – Sat 10 Jan  no activity (5 days)" in text
    assert "Wed 07 Jan" not in text
    assert "  Mon 05 Jan   1h 00m  deep      0s  1 session, 0 switches" in text
    markdown = render_markdown(report, UTC)
    assert "| Tue 06 Jan – Sat 10 Jan | no activity (5 days) | | | |" in markdown


def test_compare_sets_the_period_before_beside_it() -> None:
    from devfocus.insights.periods import previous_period

    day = datetime(2026, 1, 6, tzinfo=UTC).timestamp()
    acts = [
        Activity(day - 86400 + 9 * 3600, day - 86400 + 10 * 3600, Kind.EDIT),  # yesterday: 1 h
        Activity(day + 9 * 3600, day + 10.5 * 3600, Kind.EDIT),  # today: 1 h 30 m
    ]
    now = day + 12 * 3600
    period = resolve_period("today", now, UTC)
    report = build_report(acts, period, idle_timeout=900, deep_work=1500, now=now, tz=UTC)
    before = previous_period(period, UTC)
    previous = build_report(acts, before, idle_timeout=900, deep_work=1500, now=now, tz=UTC)
    assert (report.focus_seconds, previous.focus_seconds) == (5400, 3600)
    text = render_text(report, UTC, previous)
    assert "Compared with Mon 05 Jan, to 12:00" in text
    assert "  Focus         1h 30m   1h 00m  +30m (+50%)" in text
    assert "| Focus | 1h 30m | 1h 00m | +30m (+50%) |" in render_markdown(report, UTC, previous)
    data = report_json(report, UTC, previous)
    assert data["previous"]["focusSeconds"] == 3600
    assert data["change"]["focusSeconds"] == 1800
    assert "previous" not in report_json(report, UTC)


def test_time_with_no_file_open_belongs_to_the_last_file() -> None:
    """A focused window with no file open (after an editor change to nothing, or a focus with
    no editor) counts for the last file's project and language, not "(no project)"."""
    day = datetime(2026, 1, 6, tzinfo=UTC).timestamp()
    alpha = Context("/src/alpha", "main")

    def at(minute: float) -> float:
        return day + 9 * 3600 + minute * 60

    acts = [
        Activity(at(0), at(10), Kind.EDIT, alpha, "python", "a.py", "vscode", "w1"),
        Activity(at(10), at(10), Kind.ACTIVATE, None, None, None, "vscode", "w1"),
        Activity(at(14), at(20), Kind.EDIT, alpha, "python", "a.py", "vscode", "w1"),
        Activity(at(20), at(20), Kind.BLUR, None, None, None, "vscode", "w1"),
        # Back 40 minutes later (a new session), the window focused with no file open.
        Activity(at(60), at(60), Kind.FOCUS, None, None, None, "vscode", "w1"),
        Activity(at(65), at(70), Kind.EDIT, alpha, "python", "a.py", "vscode", "w1"),
    ]
    now = at(120)
    period = resolve_period("today", now, UTC)
    report = build_report(acts, period, idle_timeout=900, deep_work=1500, now=now, tz=UTC)
    assert report.focus_seconds == 30 * 60
    assert [(s.label, round(s.seconds)) for s in report.by_project] == [("alpha", 30 * 60)]
    assert [s.label for s in report.by_language] == ["python"]
    assert report.switches == []


def test_whole_days_are_named_by_their_dates_and_an_empty_one_by_its_name() -> None:
    from devfocus.insights.periods import custom_period

    now = datetime(2026, 1, 7, 18, 0, tzinfo=UTC).timestamp()
    yesterday = build_report(
        [], resolve_period("yesterday", now, UTC), idle_timeout=900, deep_work=1500, now=now
    )
    text = render_text(yesterday, UTC)
    assert text.startswith("DevFocus — Yesterday (Tue 06 Jan 2026)")
    assert "No activity recorded yesterday." in text
    last_week = build_report(
        [], resolve_period("lastweek", now, UTC), idle_timeout=900, deep_work=1500, now=now
    )
    assert render_text(last_week, UTC).startswith(
        "DevFocus — Last week (Mon 29 Dec – Sun 04 Jan 2026)"
    )
    ranged = build_report(
        [],
        custom_period(date(2026, 1, 1), date(2026, 1, 3), now, UTC),
        idle_timeout=900,
        deep_work=1500,
        now=now,
    )
    assert "No activity recorded in 01 Jan – 03 Jan 2026." in render_text(ranged, UTC)
