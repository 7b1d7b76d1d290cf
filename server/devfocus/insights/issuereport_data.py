"""An issue report as JSON data and as CSV for spreadsheets (pure).

JSON: the schema ``devfocus.issues/1``, camelCase keys, local ISO 8601 times with offsets, weeks
by their Monday's date (and ISO week, ``2026-W10``), durations in seconds (and days, rounded,
for reading). CSV: one row per record, its kind in the first column (``record``: ``summary``,
``week``, ``close_time``, ``spike``, ``duplicate``), the columns each kind uses filled and the
others empty; text a spreadsheet would take for a formula is prefixed with ``'``, as in the
focus report's CSV.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from devfocus.insights.issuereport import close_rows, sections
from devfocus.timeutil import iso_local
from devfocus.trackers.analytics import CloseTime, IssueReport, IssueStats
from devfocus.trackers.imported import TrackerIssue

SCHEMA = "devfocus.issues/1"


def _close_json(c: CloseTime) -> dict[str, Any]:
    return {
        "label": c.label,
        "count": c.count,
        "medianSeconds": round(c.median),
        "p90Seconds": round(c.p90),
        "medianDays": round(c.median / 86400, 2),
        "p90Days": round(c.p90 / 86400, 2),
    }


def _issue_json(issue: TrackerIssue) -> dict[str, Any]:
    return {
        "tracker": issue.tracker,
        "scope": issue.scope,
        "key": issue.key,
        "title": issue.title,
        "url": issue.url,
    }


def _stats_json(stats: IssueStats) -> dict[str, Any]:
    return {
        "scope": stats.scope,
        "issues": stats.issues,
        "opened": stats.opened,
        "closed": stats.closed,
        "openNow": stats.open_now,
        "weeks": [
            {
                "week": w.week.isoformat(),
                "isoWeek": "{}-W{:02d}".format(*w.week.isocalendar()[:2]),
                "opened": w.opened,
                "closed": w.closed,
                "backlog": w.backlog,
                "bugs": w.bugs,
            }
            for w in stats.weeks
        ],
        "timeToClose": None if stats.close_time is None else _close_json(stats.close_time),
        "timeToCloseByKind": [_close_json(c) for c in stats.by_kind],
        "timeToCloseByLabel": [_close_json(c) for c in stats.by_label],
        "spikes": [
            {
                "week": s.week.isoformat(),
                "bugs": s.bugs,
                "trailingMean": round(s.trailing_mean, 2),
                "trailingWeeks": s.trailing_weeks,
            }
            for s in stats.spikes
        ],
        "duplicates": [
            {
                "score": round(d.score, 3),
                "first": _issue_json(d.first),
                "second": _issue_json(d.second),
            }
            for d in stats.duplicates
        ],
    }


def issues_json(report: IssueReport) -> dict[str, Any]:
    """The report as plain JSON data."""
    return {
        "schema": SCHEMA,
        "start": iso_local(report.start, report.tz),
        "end": iso_local(report.end, report.tz),
        "generatedAt": iso_local(report.generated_at, report.tz),
        **_stats_json(report.total),
        "scope": report.scope,  # the totals' own is none: they are every scope's
        "byScope": [_stats_json(s) for s in report.scopes],
    }


COLUMNS = (
    "record",  # summary, week, close_time, spike, duplicate
    "scope",  # empty: every scope together
    "week",  # the Monday
    "opened",
    "closed",
    "backlog",  # open at the week's end (summary: open now)
    "bugs",  # new bugs (week, spike)
    "group",  # close_time: all, kind, label
    "label",
    "count",  # close_time: issues closed; summary: issues known
    "median_days",
    "p90_days",
    "trailing_mean",  # spike: new bugs a week before it
    "score",  # duplicate: 0..1
    "key",
    "title",
    "url",
    "other_key",
    "other_title",
    "other_url",
)
_TEXT = ("scope", "label", "title", "other_title", "key", "other_key", "url", "other_url")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _rows(stats: IssueStats) -> list[dict[str, Any]]:
    scope = stats.scope or ""
    rows: list[dict[str, Any]] = [
        {
            "record": "summary",
            "opened": stats.opened,
            "closed": stats.closed,
            "backlog": stats.open_now,
            "count": stats.issues,
        }
    ]
    rows += [
        {
            "record": "week",
            "week": w.week.isoformat(),
            "opened": w.opened,
            "closed": w.closed,
            "backlog": w.backlog,
            "bugs": w.bugs,
        }
        for w in stats.weeks
    ]
    rows += [
        {
            "record": "close_time",
            "group": group,
            "label": c.label,
            "count": c.count,
            "median_days": round(c.median / 86400, 2),
            "p90_days": round(c.p90 / 86400, 2),
        }
        for group, c in close_rows(stats)
    ]
    rows += [
        {
            "record": "spike",
            "week": s.week.isoformat(),
            "bugs": s.bugs,
            "trailing_mean": round(s.trailing_mean, 2),
        }
        for s in stats.spikes
    ]
    rows += [
        {
            "record": "duplicate",
            "score": round(d.score, 3),
            "key": d.first.key,
            "title": d.first.title,
            "url": d.first.url,
            "other_key": d.second.key,
            "other_title": d.second.title,
            "other_url": d.second.url,
        }
        for d in stats.duplicates
    ]
    return [{"scope": scope, **row} for row in rows]


def render_issues_csv(report: IssueReport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for _, stats in sections(report):
        for row in _rows(stats):
            writer.writerow({k: _safe(v) if k in _TEXT else v for k, v in row.items()})
    return out.getvalue()
