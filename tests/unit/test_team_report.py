"""The team report: its analytics from a team database's figures, and every format.

Data: the two UTC weeks of Monday 2 March 2026 to Monday 16 March, minimum group size 3.

- Visible days: the ten weekdays; the weekends (7, 8, 14, 15 March) are hidden by the database.
  Each visible day: 4 members (Wednesday 4 March: 5), 10 h of focus, 5 h of deep work,
  20 switches; the two Mondays 50 switches each.
  Totals: 100 h of focus (360 000 s), 50 h deep (50 %), 260 switches: 2.6 per focused hour;
  41 member-days: 8 780.5 s (2 h 26 m) of focus per member-day.
  Mondays: 100 switches over 20 h = 5.0 per focused hour; the other days 160 over 80 h = 2.0.
- The period before (16 Feb to 2 Mar): ten days of 4 members, 12.5 h of focus (45 000 s),
  7.5 h deep (60 %), 30 switches each: 11 250 s per member-day, 300 switches over 125 h = 2.4.
  Trends: focus per member-day −21.95 %, deep share −10 points, switches per focused hour
  +8.33 %.
- Labels: project api 10 000 s on three days (30 000 s, 8.3 % of the team's focus), project web
  5 000 s on two days, task ``=SUM(A1)`` 3 600 s on one day.
- By name: ``Zoë`` (two days of 7 200 s, 3 600 s deep, 4 switches) and ``alice <b>`` (one day).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from devfocus.team.figures import (
    MyPlace,
    NamedDay,
    TeamDay,
    TeamFigures,
    TeamHour,
    TeamLabelDay,
)
from devfocus.team.teamreport import FORMATS, render_team_report
from devfocus.team.teamreport_charts import team_charts
from devfocus.team.teamstats import (
    DEEP_SHARE_DROP_POINTS,
    FOCUS_CHANGE_PERCENT,
    SWITCH_WEEKDAY_FACTOR,
    SWITCH_WEEKDAY_MIN_DAYS,
    TeamReport,
    team_analytics,
)

START = date(2026, 3, 2)  # a Monday
HOUR = 3600


def t(day: date, hour: int = 0) -> float:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc).timestamp()


def d(n: int) -> date:
    return START + timedelta(days=n)


PLACE = MyPlace(
    my_focus_seconds=72000,
    my_deep_seconds=36000,
    members=4,
    focus_p25=50000,
    focus_p50=80000,
    focus_p75=100000,
    deep_share_p50=0.45,
    focus_rank_percent=25.0,
)


def figures(place: MyPlace | None = PLACE) -> TeamFigures:
    days = []
    for n in range(14):
        day = d(n)
        if day.weekday() >= 5:
            continue  # hidden
        switches = 50 if day.weekday() == 0 else 20
        members = 5 if n == 2 else 4
        days.append(TeamDay(day, members, 10 * HOUR, 5 * HOUR, switches, 8))
    hours = (
        TeamHour(t(d(0), 9), 4, 3600, 1800, 5),
        TeamHour(t(d(1), 14), 3, 7200, 3600, 2),
        TeamHour(t(d(7), 9), 3, 3000, 1200, 4),
    )
    labels = (
        *(TeamLabelDay(d(n), "project", "api", 3, 10000, 4000) for n in (0, 1, 2)),
        *(TeamLabelDay(d(n), "project", "web", 3, 5000, 1000) for n in (3, 4)),
        TeamLabelDay(d(9), "task", "=SUM(A1)", 3, 3600, 0),
    )
    named = (
        NamedDay(d(0), "Zoë", 7200, 3600, 4, 2),
        NamedDay(d(1), "Zoë", 7200, 3600, 4, 2),
        NamedDay(d(2), "alice <b>", 3600, 0, 9, 1),
    )
    return TeamFigures(t(d(0)), t(d(14)), 3, tuple(days), hours, labels, named, place)


def previous_figures() -> TeamFigures:
    first = START - timedelta(days=14)
    days = tuple(
        TeamDay(first + timedelta(days=n), 4, 45000, 27000, 30, 8)
        for n in range(14)
        if (first + timedelta(days=n)).weekday() < 5
    )
    return TeamFigures(t(first), t(START), 3, days)


def report(place: MyPlace | None = PLACE) -> TeamReport:
    return team_analytics(figures(place), previous_figures())


# -- analytics ---------------------------------------------------------------------------------


def test_days_totals_and_hidden_days() -> None:
    r = report()
    assert len(r.days) == 14
    assert r.first_day == date(2026, 3, 2) and r.last_day == date(2026, 3, 15)
    assert r.hidden_days == (d(5), d(6), d(12), d(13))
    assert all(day.hidden == (day.day.weekday() >= 5) for day in r.days)
    assert r.totals.focus_seconds == 360000
    assert r.totals.deep_seconds == 180000
    assert r.totals.deep_share == 0.5
    assert r.totals.switches == 260
    assert r.totals.switches_per_focused_hour == pytest.approx(2.6)
    assert r.totals.member_days == 41
    assert r.totals.members == 5
    assert r.totals.focus_per_member_day == pytest.approx(360000 / 41)
    monday = r.days[0]
    assert monday.switches_per_focused_hour == pytest.approx(5.0)
    assert r.days[5].deep_share is None  # hidden: unknown, not zero


def test_trends_against_the_period_before() -> None:
    trends = {tr.key: tr for tr in report().trends}
    focus = trends["focusPerMemberDay"]
    assert focus.previous == pytest.approx(11250)
    assert focus.change == pytest.approx((360000 / 41 / 11250 - 1) * 100)  # −21.95 %
    assert focus.unit == "percent"
    deep = trends["deepShare"]
    assert (deep.value, deep.previous) == (0.5, pytest.approx(0.6))
    assert deep.change == pytest.approx(-10.0)
    assert deep.unit == "points"
    switching = trends["switchesPerFocusedHour"]
    assert switching.previous == pytest.approx(2.4)
    assert switching.change == pytest.approx(100 / 12)


def test_no_previous_data() -> None:
    for previous in (None, TeamFigures(t(d(-14)), t(d(0)), 3)):
        r = team_analytics(figures(), previous)
        assert r.previous is None
        assert all(tr.previous is None and tr.change is None for tr in r.trends)
        assert [i.key for i in r.insights] == ["switchWeekday"]
        text = render_team_report(r, "text")
        assert text.count("no previous data") == 3


def test_weekday_hour_picture_labels_and_named() -> None:
    r = report()
    assert r.focus_by_hour[0][9] == 6600  # two Mondays at 09 UTC
    assert r.deep_by_hour[0][9] == 3000
    assert r.switches_by_hour[0][9] == 9
    assert r.focus_by_hour[1][14] == 7200
    assert sum(map(sum, r.focus_by_hour)) == 13800
    assert [(lb.kind, lb.label, lb.focus_seconds, lb.days) for lb in r.labels] == [
        ("project", "api", 30000, 3),
        ("project", "web", 10000, 2),
        ("task", "=SUM(A1)", 3600, 1),
    ]
    assert r.labels[0].share == pytest.approx(30000 / 360000)
    assert [(n.name, n.days, n.focus_seconds, n.switches) for n in r.named] == [
        ("alice <b>", 1, 3600, 9),
        ("Zoë", 2, 14400, 8),
    ]


def test_days_not_begun_are_left_out() -> None:
    r = team_analytics(figures(), previous_figures(), now=t(d(3), 12))
    assert [x.day for x in r.days] == [d(0), d(1), d(2), d(3)]
    assert r.last_day == d(3)


# -- insights at their thresholds --------------------------------------------------------------


def period(
    rates: dict[int, tuple[int, int]], *, weeks: int = 2, focus: int = 10 * HOUR
) -> TeamFigures:
    """``weeks`` weeks from START where weekday w has (members, switches) ``rates[w]``;
    other weekdays are hidden."""
    days = tuple(
        TeamDay(d(n), rates[d(n).weekday()][0], focus, focus // 2, rates[d(n).weekday()][1], 4)
        for n in range(7 * weeks)
        if d(n).weekday() in rates
    )
    return TeamFigures(t(d(0)), t(d(7 * weeks)), 3, days)


def keys(r: TeamReport) -> list[str]:
    return [i.key for i in r.insights]


def test_switching_weekday_fires_at_the_factor_only() -> None:
    # Tuesdays 26 switches over 10 h = 2.6 per focused hour; the others 20 over 10 h = 2.0.
    at = {0: (3, 20), 1: (3, 26), 2: (3, 20)}
    r = team_analytics(period(at))
    assert SWITCH_WEEKDAY_FACTOR == 1.3
    assert keys(r) == ["switchWeekday"]
    assert r.insights[0].text == (
        "Switching is up across the team on Tuesdays: 2.6 per focused hour vs 2.0 on other days."
    )
    below = {0: (3, 20), 1: (3, 25), 2: (3, 20)}
    assert keys(team_analytics(period(below))) == []


def test_switching_weekday_needs_two_such_days() -> None:
    assert SWITCH_WEEKDAY_MIN_DAYS == 2
    rates = {0: (3, 20), 1: (3, 60), 2: (3, 20)}
    assert keys(team_analytics(period(rates, weeks=1))) == []  # one Tuesday only
    assert keys(team_analytics(period(rates, weeks=2))) == ["switchWeekday"]


def test_deep_share_fell_fires_from_ten_points() -> None:
    assert DEEP_SHARE_DROP_POINTS == 10.0
    now = TeamFigures(t(d(0)), t(d(1)), 3, (TeamDay(d(0), 3, 10000, 5000, 0, 1),))

    def before(deep: int) -> TeamFigures:
        return TeamFigures(t(d(-1)), t(d(0)), 3, (TeamDay(d(-1), 3, 10000, deep, 0, 1),))

    r = team_analytics(now, before(6000))  # 60 % → 50 %
    assert keys(r) == ["deepShareFell"]
    assert r.insights[0].text == "Deep work share fell from 60% to 50%."
    assert keys(team_analytics(now, before(5990))) == []  # 9.9 points
    assert keys(team_analytics(now, before(4000))) == []  # it rose


def test_focus_per_member_fires_from_twenty_percent() -> None:
    assert FOCUS_CHANGE_PERCENT == 20.0

    def one_day(day: date, members: int, focus: int) -> TeamFigures:
        row = TeamDay(day, members, focus, focus // 2, 0, 1)
        return TeamFigures(t(day), t(day + timedelta(days=1)), 3, (row,))

    before = one_day(d(-1), 4, 40000)  # 10 000 s per member
    up = team_analytics(one_day(d(0), 4, 48000), before)
    assert keys(up) == ["focusPerMember"]
    assert up.insights[0].text == "Focus per member is up 20% on the period before."
    down = team_analytics(one_day(d(0), 5, 40000), before)  # 8 000 s per member
    assert down.insights[0].text == "Focus per member is down 20% on the period before."
    assert keys(team_analytics(one_day(d(0), 4, 47960), before)) == []  # +19.9 %
    # More members, the same focus each: no change.
    assert keys(team_analytics(one_day(d(0), 8, 80000), before)) == []


def test_the_full_report_insights() -> None:
    assert [i.text for i in report().insights] == [
        # Over both periods' days: Mondays 160 switches in 45 focused hours, the rest 400 in 180.
        "Switching is up across the team on Mondays: 3.6 per focused hour vs 2.2 on other days.",
        "Deep work share fell from 60% to 50%.",
        "Focus per member is down 22% on the period before.",
    ]


# -- formats -----------------------------------------------------------------------------------


def test_every_format_renders() -> None:
    r = report()
    assert set(FORMATS) == {"text", "markdown", "html", "json", "csv"}
    for fmt in FORMATS:
        assert render_team_report(r, fmt)


def test_text() -> None:
    text = render_team_report(report(), "text")
    assert text.startswith("Team report — Mon 02 Mar 2026 to Sun 15 Mar 2026\n")
    assert "Figures of up to 5 members a day (UTC days)." in text
    assert "fewer than 3 members is hidden" in text
    assert "Focus                      100h 00m" in text
    assert "Deep work                  50h 00m (50% of focus)" in text
    assert "Switches per focused hour  2.6" in text
    assert "Focus per member-day       2h 26m" in text
    assert "Member-days                41" in text
    assert "Days                       10 days shown, 4 hidden: fewer than 3 members" in text
    assert "  Sat 07 Mar  hidden: fewer than 3 members\n" in text
    assert "  Mon 02 Mar        4  10h 00m     5h 00m         50%                   5.0\n" in text
    assert "  Wed 04 Mar        5  10h 00m" in text
    assert "  Focus per member-day       2h 26m  3h 07m     −22%\n" in text
    assert "  Deep-work share               50%     60%  −10 pts\n" in text
    assert "  Switches per focused hour     2.6     2.4      +8%\n" in text
    assert "  project  api       8h 20m                   8%         40%     3\n" in text
    assert "Only members who chose to share by name are listed." in text
    assert "  Zoë           2  4h 00m     2h 00m         50%                   2.0\n" in text
    assert "Your place (visible only to you)" in text
    assert "Your focus: 20h 00m; the team's middle half 13h 53m to 27h 46m, median 22h 13m" in text
    assert "You had more focus than 25% of members." in text
    assert "Your deep-work share: 50%; the team's median 45%." in text
    assert "  - Deep work share fell from 60% to 50%." in text


def test_place_rendered_only_when_present() -> None:
    without = report(place=None)
    for fmt in ("text", "markdown", "html", "csv"):
        assert "visible only to you" not in render_team_report(without, fmt)
        assert "visible only to you" in render_team_report(report(), fmt)
    assert json.loads(render_team_report(without, "json"))["place"] is None


def test_json() -> None:
    data = json.loads(render_team_report(report(), "json"))
    assert data["schema"] == "devfocus.team/1"
    assert data["period"] == {
        "start": "2026-03-02T00:00:00Z",
        "end": "2026-03-16T00:00:00Z",
        "firstDay": "2026-03-02",
        "lastDay": "2026-03-15",
    }
    assert data["minGroupSize"] == 3
    assert data["members"] == 5
    assert data["empty"] is False
    assert len(data["days"]) == 14
    assert data["days"][0] == {
        "day": "2026-03-02",
        "hidden": False,
        "members": 4,
        "focusSeconds": 36000,
        "deepSeconds": 18000,
        "switches": 50,
        "sessions": 8,
        "deepShare": 0.5,
        "switchesPerFocusedHour": 5.0,
    }
    assert data["days"][5]["hidden"] is True
    assert data["days"][5]["focusSeconds"] is None
    totals = data["totals"]
    assert totals["focusSeconds"] == 360000
    assert totals["deepSeconds"] == 180000
    assert totals["deepShare"] == 0.5
    assert totals["switchesPerFocusedHour"] == 2.6
    assert totals["memberDays"] == 41
    assert data["previous"]["focusSeconds"] == 450000
    trends = {tr["key"]: tr for tr in data["trends"]}
    assert trends["deepShare"] == {
        "key": "deepShare",
        "label": "Deep-work share",
        "value": 0.5,
        "previous": 0.6,
        "change": -10.0,
        "unit": "points",
    }
    assert trends["focusPerMemberDay"]["change"] == -21.95
    assert trends["switchesPerFocusedHour"]["change"] == 8.33
    assert data["hours"]["focusSeconds"][0][9] == 6600
    assert len(data["hours"]["switches"]) == 7
    assert all(len(row) == 24 for row in data["hours"]["deepSeconds"])
    assert data["labels"][0] == {
        "kind": "project",
        "label": "api",
        "focusSeconds": 30000,
        "deepSeconds": 12000,
        "deepShare": 0.4,
        "days": 3,
        "share": 0.0833,
    }
    assert [n["name"] for n in data["named"]] == ["alice <b>", "Zoë"]
    assert data["named"][1]["switchesPerFocusedHour"] == 2.0
    assert data["place"]["focusP50"] == 80000
    assert data["place"]["myDeepShare"] == 0.5
    assert data["place"]["focusRankPercent"] == 25.0
    assert [i["key"] for i in data["insights"]] == [
        "switchWeekday",
        "deepShareFell",
        "focusPerMember",
    ]


def test_csv() -> None:
    rows = list(csv.DictReader(io.StringIO(render_team_report(report(), "csv"))))
    summary = rows[0]
    assert summary["record"] == "summary"
    assert (summary["focus_seconds"], summary["member_days"], summary["members"]) == (
        "360000",
        "41",
        "5",
    )
    assert summary["switches_per_focused_hour"] == "2.6"
    assert summary["min_group_size"] == "3"
    days = [r for r in rows if r["record"] == "day"]
    assert len(days) == 14
    assert (days[0]["day"], days[0]["focus_seconds"], days[0]["switches"]) == (
        "2026-03-02",
        "36000",
        "50",
    )
    assert (days[5]["hidden"], days[5]["note"], days[5]["focus_seconds"]) == (
        "1",
        "hidden: fewer than 3 members",
        "",
    )
    trends = {r["metric"]: r for r in rows if r["record"] == "trend"}
    assert (trends["deepShare"]["change"], trends["deepShare"]["unit"]) == ("-10.0", "points")
    hours = [(r["weekday"], r["hour"], r["focus_seconds"]) for r in rows if r["record"] == "hour"]
    assert hours == [("Monday", "9", "6600"), ("Tuesday", "14", "7200")]
    labels = [(r["kind"], r["label"], r["share"]) for r in rows if r["record"] == "label"]
    assert labels[0] == ("project", "api", "0.0833")
    assert labels[2][1] == "'=SUM(A1)"  # not a formula
    named = [(r["name"], r["focus_seconds"]) for r in rows if r["record"] == "named"]
    assert named == [("alice <b>", "3600"), ("Zoë", "14400")]
    place = next(r for r in rows if r["record"] == "place")
    assert (place["focus_seconds"], place["focus_p50"], place["rank_percent"]) == (
        "72000",
        "80000",
        "25.0",
    )
    assert len([r for r in rows if r["record"] == "insight"]) == 3


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in ("meta", "rect", "line", "circle", "br", "img", "polyline"):
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("rect", "line", "circle", "polyline"):
            return
        assert self.open and self.open[-1] == tag, (self.open[-5:], tag)
        self.open.pop()


def test_html_has_the_charts_and_escapes_names() -> None:
    html = render_team_report(report(), "html")
    parser = _Parser()
    parser.feed(html)
    assert parser.open == []  # every element closed, in order
    assert "script" not in parser.tags
    assert parser.tags.count("svg") == 2
    assert 'id="df-teamdays"' in html
    assert 'id="df-teamhours"' in html
    assert "<h1>Team report — Mon 02 Mar 2026 to Sun 15 Mar 2026</h1>" in html
    assert "alice &lt;b&gt;" in html
    assert "<b>" not in html
    assert '<td>Sat 07 Mar</td><td class="n">hidden: fewer than 3 members</td>' in html
    assert "<h2>Your place (visible only to you)</h2>" in html
    assert "<li>Deep work share fell from 60% to 50%.</li>" in html


def test_markdown_has_the_charts_as_images() -> None:
    markdown = render_team_report(report(), "markdown")
    assert markdown.startswith("# Team report — Mon 02 Mar 2026 to Sun 15 Mar 2026\n")
    assert markdown.count('<img src="data:image/svg+xml;base64,') == 2
    assert "| **Focus** | 100h 00m |" in markdown
    assert "| **Switches per focused hour** | 2.6 |" in markdown
    assert "| Deep-work share | 50% | 60% | −10 pts |" in markdown
    assert "| Sat 07 Mar | hidden: fewer than 3 members |  |  |  |  |" in markdown
    assert "| Mon 02 Mar | 4 | 10h 00m | 5h 00m | 50% | 5.0 |" in markdown
    assert "| alice &lt;b&gt; | 1 | 1h 00m | 0s | 0% | 9.0 |" in markdown
    assert "## Your place (visible only to you)" in markdown
    assert "- Switching is up across the team on Mondays" in markdown


def test_the_charts_are_well_formed_svg() -> None:
    charts = team_charts(report())
    assert [c.key for c in charts] == ["teamdays", "teamhours"]
    for chart in charts:
        root = ET.fromstring(chart.svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    days, hours = charts
    assert "100h 00m of focus, 50h 00m of it deep work" in days.description
    assert "4 hidden: fewer than 3 members" in days.description
    assert days.svg.count("hidden: fewer than 3 members") >= 4
    # Deep work is drawn when there is some: Tuesday 14 UTC has the most (1 h), the two
    # Mondays at 09 UTC 50 minutes together.
    assert "1h 50m in all; the most on Tue 14:00–15:00 (1h 00m)" in hours.description
    assert "Mon 09:00–10:00 UTC: team deep work 50m" in hours.svg
    assert "UTC" in hours.title


def test_the_heatmap_shows_focus_without_deep_work() -> None:
    hours = (TeamHour(t(d(2), 16), 3, 1800, 0, 1),)
    f = TeamFigures(t(d(0)), t(d(7)), 3, (TeamDay(d(2), 3, 1800, 0, 1, 1),), hours)
    charts = team_charts(team_analytics(f))
    assert charts[1].title == "When the team's focus happens: hour × weekday (UTC)"
    assert "the most on Wed 16:00–17:00 (30m)" in charts[1].description


def test_every_day_hidden() -> None:
    f = TeamFigures(t(d(0)), t(d(7)), 4, named=(NamedDay(d(1), "Zoë", 3600, 0, 1, 1),))
    r = team_analytics(f)
    assert not r.empty
    assert len(r.hidden_days) == 7
    text = render_team_report(r, "text")
    assert "Every day is hidden: fewer than 4 members." in text
    assert "No day of the period was shared by enough members to show" in text
    assert team_charts(r) == []
    assert json.loads(render_team_report(r, "json"))["totals"]["deepShare"] is None
    for fmt in FORMATS:
        assert render_team_report(r, fmt)


def test_an_empty_report_in_every_format() -> None:
    r = team_analytics(TeamFigures(t(d(0)), t(d(7)), 3), TeamFigures(t(d(-7)), t(d(0)), 3))
    assert r.empty
    for fmt in ("text", "markdown", "html"):
        out = render_team_report(r, fmt)
        assert "Nothing has been shared with the team for this period yet." in out
        assert "Team report — Mon 02 Mar 2026 to Sun 08 Mar 2026" in out
    data = json.loads(render_team_report(r, "json"))
    assert data["empty"] is True
    assert data["days"][0]["hidden"] is True
    assert data["totals"]["focusSeconds"] == 0
    assert data["place"] is None and data["insights"] == []
    rows = list(csv.DictReader(io.StringIO(render_team_report(r, "csv"))))
    assert rows[0]["record"] == "summary" and rows[0]["focus_seconds"] == "0"


def test_a_weeks_report_finds_a_weekday_habit_with_the_week_before() -> None:
    def week(first: date, monday_switches: int) -> TeamFigures:
        days = tuple(
            TeamDay(
                first + timedelta(days=n), 4, 10 * 3600, 3600, monday_switches if n == 0 else 10, 4
            )
            for n in range(5)
        )
        return TeamFigures(t(first), t(first + timedelta(days=7)), 3, days)

    this_week, last_week = week(START, 40), week(START - timedelta(days=7), 40)
    assert team_analytics(this_week).insights == ()  # one Monday alone is no habit
    found = team_analytics(this_week, last_week).insights
    assert [i.key for i in found] == ["switchWeekday"]
    assert "Mondays: 4.0 per focused hour vs 1.0 on other days" in found[0].text
