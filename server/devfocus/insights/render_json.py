"""A report as JSON data for other tools (pure): the versioned schema of docs/report-json.md
(``docs/report.schema.json`` is its JSON Schema)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Any

from devfocus.insights.focusreport import HourMatrix, Narrative, Report, Share
from devfocus.insights.insightjson import insight_json
from devfocus.timeutil import iso_local

# The schema's name and version: a new version when a field changes meaning or goes away (new
# fields may come within a version).
SCHEMA = "devfocus.report/2"


def _share_json(share: Share) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": share.label,
        "seconds": round(share.seconds),
        "share": round(share.share, 4),
    }
    if share.project is not None:
        out["root"] = share.project
    return out


def report_json(
    report: Report, tz: tzinfo | None = None, previous: Report | None = None
) -> dict[str, Any]:
    """The report as plain JSON data (camelCase keys, ISO 8601 local times with offsets)."""

    def t(x: float) -> str:
        return iso_local(x, tz)

    def ctx(c: Any) -> dict[str, Any]:
        return {"project": c.name, "root": c.project, "branch": c.branch}

    out: dict[str, Any] = {"schema": SCHEMA} | _summary_json(report, t)
    if previous is not None:
        before = _summary_json(previous, t)
        out["previous"] = before
        out["change"] = {
            key: out[key] - value
            for key, value in before.items()
            if isinstance(value, int) and not isinstance(value, bool)
        }
    whole = out | {
        "generatedAt": t(report.generated_at),
        "project": report.project,
        "byProject": [_share_json(s) for s in report.by_project],
        "byBranch": [_share_json(s) for s in report.by_branch],
        "byLanguage": [_share_json(s) for s in report.by_language],
        "byEditor": [_share_json(s) for s in report.by_editor],
        "byTask": [_share_json(s) for s in report.by_task],
        "byDay": [
            {
                "date": d.day.isoformat(),
                "focusSeconds": round(d.focus_seconds),
                "deepWorkSeconds": round(d.deep_work_seconds),
                "sessions": d.sessions,
                "switches": d.switches,
                "byProject": _day_projects(report.by_project, d.projects),
            }
            for d in report.by_day
        ],
        "byWeek": [
            {
                "week": w.week.isoformat(),
                "focusSeconds": round(w.focus_seconds),
                "deepWorkSeconds": round(w.deep_work_seconds),
                "deepWorkShare": round(w.deep_work_share, 4),
            }
            for w in report.by_week
        ],
        "focusByHour": _hours(report.focus_by_hour),
        "deepWorkByHour": _hours(report.deep_work_by_hour),
        "timeline": [
            {
                "start": t(s.start),
                "end": t(s.end),
                "focusSeconds": round(s.focus_seconds),
                "context": None if s.branch is None else report.by_branch[s.branch].label,
                "root": None if s.branch is None else report.by_branch[s.branch].project,
            }
            for s in report.spans
        ],
        "sessions": [
            {
                "start": t(s.start),
                "end": t(s.end),
                "focusSeconds": round(s.focus_seconds),
                "contexts": list(s.contexts),
                "switches": s.switches,
                "task": s.task,
                "commits": s.commits,
                "fromHistory": s.from_history,
            }
            for s in report.sessions
        ],
        "deepWork": [
            {
                "start": t(b.start),
                "end": t(b.end),
                "focusSeconds": round(b.focus_seconds),
                "context": ctx(b.context),
            }
            for b in report.deep_work
        ],
        "switches": [
            {"at": t(s.at), "from": ctx(s.before), "to": ctx(s.after)} for s in report.switches
        ],
        "commitScore": None if report.commit_score is None else round(report.commit_score, 2),
        "commits": [
            {
                "sha": c.sha,
                "at": t(c.at),
                "subject": c.subject,
                "author": c.author,
                "root": c.root,
                "branch": c.branch,
                "files": c.files,
                "additions": c.additions,
                "deletions": c.deletions,
                "merge": c.merge,
                "reachable": c.reachable,
                "task": None
                if c.task is None
                else {"title": c.task.title, "kind": c.task.kind, "ref": c.task.ref},
                "score": None if c.score is None else round(c.score, 2),
            }
            for c in report.commits
        ],
        "insights": [insight_json(i, tz) for i in report.insights],  # as devfocus.insights
        "commitScoreByWeek": [
            {"week": w.week.isoformat(), "score": round(w.score, 2), "commits": w.commits}
            for w in report.coaching
        ],
    }
    if report.narrative is not None:  # with --narrate only
        whole["narrative"] = narrative_json(report, tz)
    if report.switch_reasons:  # when a switch of the period was annotated
        whole["switchReasons"] = [
            {"reason": reason, "count": count} for reason, count in report.switch_reasons
        ]
    return whole


def _summary_json(report: Report, t: Callable[[float], str]) -> dict[str, Any]:
    """The period and its totals (what ``previous`` and ``change`` hold with ``--compare``)."""
    return {
        "period": {
            "name": report.period.name,
            "start": t(report.period.start),
            "end": t(report.period.end),
        },
        "focusSeconds": round(report.focus_seconds),
        "deepWorkSeconds": round(report.deep_work_seconds),
        "sessionCount": len(report.sessions),
        "switchCount": len(report.switches),
        "linesAdded": report.lines_added,
        "linesRemoved": report.lines_removed,
        "bulkLinesAdded": report.bulk_lines_added,
        "commitCount": len(report.commits),
    }


def _day_projects(projects: Sequence[Share], seconds: Sequence[float]) -> list[dict[str, Any]]:
    """A day's focus per project (those with any), in the order of byProject."""
    return [
        {"label": projects[i].label, "root": projects[i].project, "seconds": round(s)}
        for i, s in enumerate(seconds)
        if round(s) > 0
    ]


def _hours(matrix: HourMatrix) -> list[list[int]]:
    return [[round(s) for s in row] for row in matrix]


def narrative_json(report: Report, tz: tzinfo | None = None) -> dict[str, Any] | None:
    """The report's narrative (with ``--narrate``): its texts, where they come from, and each
    session's text with the session's start and end."""
    narrative = report.narrative
    if narrative is None:
        return None
    sessions = [
        {"start": iso_local(s.start, tz), "end": iso_local(s.end, tz), "text": text}
        for s, text in zip(report.sessions, narrative.sessions, strict=False)
    ]
    return {**narrative_texts_json(narrative), "sessions": sessions}


def narrative_texts_json(narrative: Narrative) -> dict[str, Any]:
    """A narrative's texts and where they come from (the standup's ``narrative`` is this)."""
    told = narrative.standup
    return {
        "source": narrative.source,
        "note": narrative.note,
        "provider": narrative.provider,
        "model": narrative.model,
        "provenance": narrative.provenance(),
        "summary": narrative.summary,
        "standup": None
        if told is None
        else {"yesterday": told.yesterday, "today": told.today, "blockers": told.blockers},
    }
