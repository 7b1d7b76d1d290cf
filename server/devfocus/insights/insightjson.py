"""Insights as JSON data: what ``devfocus.insights`` answers and ``devfocus insights --format
json`` prints (pure). Times are ISO 8601 local times with their offsets, as in the report's JSON;
keys are camelCase."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from devfocus.insights.focusreport import Report
from devfocus.insights.insight import Insight
from devfocus.timeutil import iso_local


def insight_json(insight: Insight, tz: tzinfo | None = None) -> dict[str, Any]:
    evidence = insight.evidence
    return {
        "id": insight.id,
        "kind": insight.kind,
        "severity": insight.severity,
        "start": iso_local(insight.start, tz),
        "end": iso_local(insight.end, tz),
        "message": insight.message,
        "path": insight.path,
        "definition": insight.definition,
        "evidence": {
            "numbers": dict(evidence.numbers),
            "sessions": [
                {"start": iso_local(a, tz), "end": iso_local(b, tz)} for a, b in evidence.sessions
            ],
            "files": list(evidence.files),
            "commits": list(evidence.commits),
        },
    }


def insights_json(
    report: Report, tz: tzinfo | None = None, insights: Sequence[Insight] | None = None
) -> dict[str, Any]:
    """``{"period": {name, start, end}, "insights": [...]}`` of ``report`` (or of ``insights``
    found in it)."""
    period = report.period
    return {
        "period": {
            "name": period.name,
            "start": iso_local(period.start, tz),
            "end": iso_local(period.end, tz),
        },
        "insights": [
            insight_json(i, tz) for i in (report.insights if insights is None else insights)
        ],
    }
