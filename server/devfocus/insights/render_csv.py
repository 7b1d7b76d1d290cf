"""A report as one CSV file for spreadsheets (pure): one row per record, its kind in the first
column (``record``), the columns each kind uses filled and the others empty. docs/report-json.md
lists them.

Sessions, days and projects each add up to the period's focus (the ``period`` row's
``seconds``). Text that a spreadsheet would take for a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is prefixed with ``'``: a commit subject is data.
"""

from __future__ import annotations

import csv
import io
from datetime import tzinfo
from typing import Any

from devfocus.activity.records import Context
from devfocus.insights.focusreport import Report
from devfocus.insights.render_parts import COMPARED, evidence_text
from devfocus.timeutil import iso_local

COLUMNS = (
    "record",  # period, comparison, day, project, session, deep_work, switch, switch_reason,
    # commit, insight
    "start",  # ISO 8601 local time with offset (a day: its date)
    "end",
    "seconds",  # focus seconds
    "project",  # a project's name, or a context's label (name @ branch)
    "root",
    "branch",
    "task",
    "count",  # sessions (period, day), switches (session, switch_reason)
    "additions",
    "deletions",
    "score",
    "id",  # a commit's id, an insight's id
    "kind",  # an insight's kind
    "severity",
    "text",  # a commit's subject, an insight's message, a session's contexts, a switch's origin
    "evidence",  # an insight's key figures
    "value",  # comparison: this period
    "before",  # comparison: the period before
)
_TEXT = ("project", "branch", "task", "text", "evidence")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _context(context: Context | None) -> dict[str, Any]:
    if context is None:
        return {"project": "(no project)"}
    return {"project": context.name, "root": context.project, "branch": context.branch}


def render_csv(report: Report, tz: tzinfo | None = None, previous: Report | None = None) -> str:
    def t(x: float) -> str:
        return iso_local(x, tz)

    rows: list[dict[str, Any]] = [
        {
            "record": "period",
            "start": t(report.period.start),
            "end": t(report.period.end),
            "seconds": round(report.focus_seconds),
            "count": len(report.sessions),
            "additions": report.lines_added,
            "deletions": report.lines_removed,
            "text": report.period.name,
        }
    ]
    if previous is not None:
        rows += [
            {
                "record": "comparison",
                "text": label,
                "value": round(read(report)),
                "before": round(read(previous)),
            }
            for label, read, _ in COMPARED
        ]
    rows += [
        {
            "record": "day",
            "start": d.day.isoformat(),
            "seconds": round(d.focus_seconds),
            "count": d.sessions,
        }
        for d in report.by_day
    ]
    rows += [
        {"record": "project", "seconds": round(s.seconds), "project": s.label, "root": s.project}
        for s in report.by_project
    ]
    rows += [
        {
            "record": "session",
            "start": t(s.start),
            "end": t(s.end),
            "seconds": round(s.focus_seconds),
            "project": s.contexts[0] if s.contexts else "",
            "task": s.task or "",
            "count": s.switches,
            "text": "; ".join(s.contexts),
        }
        for s in report.sessions
    ]
    rows += [
        {
            "record": "deep_work",
            "start": t(b.start),
            "end": t(b.end),
            "seconds": round(b.focus_seconds),
            **_context(b.context),
        }
        for b in report.deep_work
    ]
    rows += [
        {
            "record": "switch",
            "start": t(s.at),
            **_context(s.after),
            "text": f"from {s.before.label()}",
        }
        for s in report.switches
    ]
    rows += [
        {"record": "switch_reason", "count": count, "text": reason}
        for reason, count in report.switch_reasons
    ]
    rows += [
        {
            "record": "commit",
            "start": t(c.at),
            **_context(c.context),
            "task": c.task.label if c.task else "",
            "additions": c.additions,
            "deletions": c.deletions,
            "score": "" if c.score is None else round(c.score, 2),
            "id": c.sha,
            "text": c.subject,
        }
        for c in report.commits
    ]
    rows += [
        {
            "record": "insight",
            "start": t(i.start),
            "end": t(i.end),
            "id": i.id,
            "kind": i.kind,
            "severity": i.severity,
            "text": i.message,
            "evidence": evidence_text(i),
        }
        for i in report.insights
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe(v) if k in _TEXT else v for k, v in row.items()})
    return out.getvalue()
