"""Charts of a report, drawn as SVG by the project itself (pure; no drawing library)."""

from __future__ import annotations

from datetime import tzinfo

from devfocus.insights.charts.daytimeline import timeline_chart
from devfocus.insights.charts.deepwork import deep_work_chart
from devfocus.insights.charts.heatmap import heatmap_chart
from devfocus.insights.charts.projects import projects_chart
from devfocus.insights.charts.svg import Chart
from devfocus.insights.focusreport import Report

__all__ = ["Chart", "report_charts"]


def report_charts(report: Report, tz: tzinfo | None = None) -> list[Chart]:
    """The charts that have something to show, in reading order: the day's timeline, focus per
    day by project, the hour × weekday heatmap, deep work per week."""
    drawn = (
        timeline_chart(report, tz),
        projects_chart(report),
        heatmap_chart(report),
        deep_work_chart(report),
    )
    return [chart for chart in drawn if chart is not None]
