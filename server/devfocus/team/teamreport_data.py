"""A team report as JSON data and as CSV for spreadsheets (pure).

JSON, the schema ``devfocus.team/1`` (a public interface; camelCase keys; times in UTC, ISO 8601;
days as ``YYYY-MM-DD`` UTC days; durations in seconds; shares 0..1; a figure that cannot be
computed, such as a share without focus, is ``null``)::

    schema          "devfocus.team/1"
    title           the report's title
    empty           true when nothing was shared for the period
    period          {start, end: the window [start, end), firstDay, lastDay: its UTC days}
    minGroupSize    a day, hour or label with fewer members is hidden by the team database
    members         the most members sharing on one day of the period
    days[]          {day, hidden, members, focusSeconds, deepSeconds, switches, sessions,
                     deepShare, switchesPerFocusedHour}: every day of the period; a hidden day
                     has ``hidden: true`` and null figures (not zero: they are unknown)
    totals          {focusSeconds, deepSeconds, deepShare, switches, sessions,
                     switchesPerFocusedHour, memberDays, focusPerMemberDaySeconds, days}
                     over the visible days
    previous        the same totals for the period before, or null without data
    trends[]        {key: focusPerMemberDay | deepShare | switchesPerFocusedHour, label, value,
                     previous, change, unit: percent | points}; previous and change null when
                     the period before has no data
    hours           {focusSeconds, deepSeconds, switches}: 7 rows (Monday first) of 24 UTC
                     hours each, summed over the period's visible hours
    labels[]        {kind: project | task, label, focusSeconds, deepSeconds, deepShare, days,
                     share}: the top labels of each kind; share is of the team's focus
    named[]         {name, days, focusSeconds, deepSeconds, deepShare, switches, sessions,
                     switchesPerFocusedHour}: members who share by name only
    place           {myFocusSeconds, myDeepSeconds, myDeepShare, members, focusP25, focusP50,
                     focusP75, deepShareP50, focusRankPercent, visibleOnlyTo: "you"} or null:
                     the reader's own place, which no one else sees
    insights[]      {key, text}

CSV: one row per record, its kind in the first column (``record``: ``summary``, ``day``,
``trend``, ``hour``, ``label``, ``named``, ``place``, ``insight``), the columns each kind uses
filled and the others empty; text a spreadsheet would take for a formula is prefixed with ``'``,
as in the other reports' CSV.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from devfocus.team.teamreport import hidden_text, title
from devfocus.team.teamstats import WEEKDAY_NAMES, DayFigures, TeamReport, Totals
from devfocus.timeutil import iso_utc

SCHEMA = "devfocus.team/1"


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _totals_json(t: Totals) -> dict[str, Any]:
    return {
        "focusSeconds": t.focus_seconds,
        "deepSeconds": t.deep_seconds,
        "deepShare": _r(t.deep_share),
        "switches": t.switches,
        "sessions": t.sessions,
        "switchesPerFocusedHour": _r(t.switches_per_focused_hour, 2),
        "memberDays": t.member_days,
        "focusPerMemberDaySeconds": _r(t.focus_per_member_day, 1),
        "days": t.days,
    }


def _day_json(d: DayFigures) -> dict[str, Any]:
    if d.hidden:
        figures: dict[str, Any] = dict.fromkeys(
            (
                "members",
                "focusSeconds",
                "deepSeconds",
                "switches",
                "sessions",
                "deepShare",
                "switchesPerFocusedHour",
            )
        )
    else:
        figures = {
            "members": d.members,
            "focusSeconds": d.focus_seconds,
            "deepSeconds": d.deep_seconds,
            "switches": d.switches,
            "sessions": d.sessions,
            "deepShare": _r(d.deep_share),
            "switchesPerFocusedHour": _r(d.switches_per_focused_hour, 2),
        }
    return {"day": d.day.isoformat(), "hidden": d.hidden, **figures}


def team_json(report: TeamReport) -> dict[str, Any]:
    """The report as plain JSON data (the schema is in the module's docstring)."""
    place = report.place
    return {
        "schema": SCHEMA,
        "title": title(report),
        "empty": report.empty,
        "period": {
            "start": iso_utc(report.start),
            "end": iso_utc(report.end),
            "firstDay": report.first_day.isoformat(),
            "lastDay": report.last_day.isoformat(),
        },
        "minGroupSize": report.min_group_size,
        "members": report.totals.members,
        "days": [_day_json(d) for d in report.days],
        "totals": _totals_json(report.totals),
        "previous": None if report.previous is None else _totals_json(report.previous),
        "trends": [
            {
                "key": t.key,
                "label": t.label,
                "value": _r(t.value),
                "previous": _r(t.previous),
                "change": _r(t.change, 2),
                "unit": t.unit,
            }
            for t in report.trends
        ],
        "hours": {
            "focusSeconds": [list(row) for row in report.focus_by_hour],
            "deepSeconds": [list(row) for row in report.deep_by_hour],
            "switches": [list(row) for row in report.switches_by_hour],
        },
        "labels": [
            {
                "kind": lb.kind,
                "label": lb.label,
                "focusSeconds": lb.focus_seconds,
                "deepSeconds": lb.deep_seconds,
                "deepShare": _r(lb.deep_share),
                "days": lb.days,
                "share": _r(lb.share),
            }
            for lb in report.labels
        ],
        "named": [
            {
                "name": n.name,
                "days": n.days,
                "focusSeconds": n.focus_seconds,
                "deepSeconds": n.deep_seconds,
                "deepShare": _r(n.deep_share),
                "switches": n.switches,
                "sessions": n.sessions,
                "switchesPerFocusedHour": _r(n.switches_per_focused_hour, 2),
            }
            for n in report.named
        ],
        "place": None
        if place is None
        else {
            "myFocusSeconds": place.my_focus_seconds,
            "myDeepSeconds": place.my_deep_seconds,
            "myDeepShare": _r(
                place.my_deep_seconds / place.my_focus_seconds
                if place.my_focus_seconds > 0
                else None
            ),
            "members": place.members,
            "focusP25": place.focus_p25,
            "focusP50": place.focus_p50,
            "focusP75": place.focus_p75,
            "deepShareP50": _r(place.deep_share_p50),
            "focusRankPercent": _r(place.focus_rank_percent, 1),
            "visibleOnlyTo": "you",
        },
        "insights": [{"key": i.key, "text": i.text} for i in report.insights],
    }


COLUMNS = (
    "record",  # summary, day, trend, hour, label, named, place, insight
    "day",  # UTC day (day); summary: the first day
    "last_day",  # summary
    "hidden",  # day: 1 when fewer than min_group_size members shared it
    "note",  # day: why it is hidden; insight: its text
    "members",  # day; summary: the most on a day; place: members compared with
    "member_days",  # summary
    "focus_seconds",  # place: yours
    "deep_seconds",
    "deep_share",
    "switches",
    "sessions",
    "switches_per_focused_hour",
    "min_group_size",  # summary
    "metric",  # trend: its key; insight: its key
    "value",
    "previous",
    "change",
    "unit",  # trend: percent or points
    "weekday",  # hour: Monday..Sunday
    "hour",  # hour: 0..23 UTC
    "kind",  # label: project or task
    "label",
    "share",  # label: of the team's focus
    "name",  # named
    "days",  # label, named: days with a row
    "focus_p25",  # place
    "focus_p50",
    "focus_p75",
    "deep_share_p50",
    "rank_percent",
)
_TEXT = ("label", "name", "note")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _rows(report: TeamReport) -> list[dict[str, Any]]:
    t = report.totals
    rows: list[dict[str, Any]] = [
        {
            "record": "summary",
            "day": report.first_day.isoformat(),
            "last_day": report.last_day.isoformat(),
            "members": t.members,
            "member_days": t.member_days,
            "focus_seconds": t.focus_seconds,
            "deep_seconds": t.deep_seconds,
            "deep_share": _r(t.deep_share),
            "switches": t.switches,
            "sessions": t.sessions,
            "switches_per_focused_hour": _r(t.switches_per_focused_hour, 2),
            "min_group_size": report.min_group_size,
            "days": t.days,
        }
    ]
    for d in report.days:
        if d.hidden:
            rows.append(
                {
                    "record": "day",
                    "day": d.day.isoformat(),
                    "hidden": 1,
                    "note": hidden_text(report),
                }
            )
            continue
        rows.append(
            {
                "record": "day",
                "day": d.day.isoformat(),
                "hidden": 0,
                "members": d.members,
                "focus_seconds": d.focus_seconds,
                "deep_seconds": d.deep_seconds,
                "deep_share": _r(d.deep_share),
                "switches": d.switches,
                "sessions": d.sessions,
                "switches_per_focused_hour": _r(d.switches_per_focused_hour, 2),
            }
        )
    rows += [
        {
            "record": "trend",
            "metric": tr.key,
            "value": _r(tr.value),
            "previous": _r(tr.previous),
            "change": _r(tr.change, 2),
            "unit": tr.unit,
        }
        for tr in report.trends
    ]
    for weekday, name in enumerate(WEEKDAY_NAMES):
        for hour in range(24):
            focus = report.focus_by_hour[weekday][hour]
            switches = report.switches_by_hour[weekday][hour]
            if focus or switches:
                rows.append(
                    {
                        "record": "hour",
                        "weekday": name,
                        "hour": hour,
                        "focus_seconds": focus,
                        "deep_seconds": report.deep_by_hour[weekday][hour],
                        "switches": switches,
                    }
                )
    rows += [
        {
            "record": "label",
            "kind": lb.kind,
            "label": lb.label,
            "focus_seconds": lb.focus_seconds,
            "deep_seconds": lb.deep_seconds,
            "deep_share": _r(lb.deep_share),
            "share": _r(lb.share),
            "days": lb.days,
        }
        for lb in report.labels
    ]
    rows += [
        {
            "record": "named",
            "name": n.name,
            "days": n.days,
            "focus_seconds": n.focus_seconds,
            "deep_seconds": n.deep_seconds,
            "deep_share": _r(n.deep_share),
            "switches": n.switches,
            "sessions": n.sessions,
            "switches_per_focused_hour": _r(n.switches_per_focused_hour, 2),
        }
        for n in report.named
    ]
    if (p := report.place) is not None:
        rows.append(
            {
                "record": "place",
                "note": "visible only to you",
                "members": p.members,
                "focus_seconds": p.my_focus_seconds,
                "deep_seconds": p.my_deep_seconds,
                "focus_p25": p.focus_p25,
                "focus_p50": p.focus_p50,
                "focus_p75": p.focus_p75,
                "deep_share_p50": _r(p.deep_share_p50),
                "rank_percent": _r(p.focus_rank_percent, 1),
            }
        )
    rows += [{"record": "insight", "metric": i.key, "note": i.text} for i in report.insights]
    return rows


def render_team_csv(report: TeamReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in _rows(report):
        writer.writerow({k: _safe(v) if k in _TEXT else v for k, v in row.items()})
    return out.getvalue()
