"""A report as Markdown, for an editor's preview (pure).

The charts are ``<img>`` elements whose source is the SVG itself (a ``data:`` URI): the file
stays one self-contained document, VS Code's Markdown preview shows them (its content security
allows ``data:`` images, and an image cannot run anything), and so does any browser showing the
Markdown converted to HTML. Markdown's own image syntax is not used because markdown-it, the
engine of VS Code's preview, accepts no ``data:image/svg+xml`` link. GitHub drops ``data:``
images from Markdown: there the chart's text alternative stands in its place, and the tables
below it carry the same figures.
"""

from __future__ import annotations

import base64
from datetime import tzinfo
from html import escape

from devfocus.insights.charts import Chart, report_charts
from devfocus.insights.focusreport import Report
from devfocus.insights.render_parts import (
    LATEST_COMMITS,
    SWITCH_REASONS_TITLE,
    TOP_ROWS,
    IdleDays,
    breakdowns,
    comparison_rows,
    day_rows,
    duration,
    empty_message,
    evidence_text,
    heading,
    idle_label,
    idle_text,
    previous_title,
    project_line,
    reason_rows,
    span_text,
    summary_rows,
    when,
)
from devfocus.text import clip


def md_escape(text: str) -> str:
    """``text`` as literal text in a table cell: no HTML of its own, no column break."""
    return escape(text, quote=False).replace("|", "\\|")


def chart_image(chart: Chart) -> str:
    """The chart as an ``<img>`` that carries its SVG (see the module's docstring)."""
    data = base64.b64encode(chart.svg.encode()).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{escape(chart.description)}" '
        f'title="{escape(chart.title)}" width="720">'
    )


def render_markdown(
    report: Report, tz: tzinfo | None = None, previous: Report | None = None, *, charts: bool = True
) -> str:
    lines = [f"# DevFocus — {heading(report, tz)}", ""]
    if (project := project_line(report)) is not None:
        lines += [f"Project: **{md_escape(project)}**", ""]
    if report.empty:
        lines.append(empty_message(report))
        return "\n".join(lines) + "\n"
    lines += ["| | |", "|---|---|"]
    lines += [f"| **{k}** | {md_escape(v)} |" for k, v in summary_rows(report)]
    if previous is not None:
        lines += [
            "",
            f"## Compared with {previous_title(previous, tz)}",
            "",
            "| | this period | before | change |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {label} | {now} | {before} | {change} |"
            for label, now, before, change in comparison_rows(report, previous)
        ]
    if report.narrative is not None:
        lines += ["", *narrative_markdown(report, tz)]
    drawn = report_charts(report, tz) if charts else []
    if drawn:
        lines += ["", "## Charts"]
        for chart in drawn:
            lines += ["", chart_image(chart)]
    if report.insights:
        lines += ["", "## Insights", ""]
        for insight in report.insights:
            figures = evidence_text(insight)
            lines.append(
                f"- **{insight.severity}**: {md_escape(insight.message)}"
                + (f" ({md_escape(figures)})" if figures else "")
            )
    for title, rows in breakdowns(report):
        lines += ["", f"## {title}", "", "| | time | share |", "|---|---:|---:|"]
        lines += [
            f"| {md_escape(r.label)} | {duration(r.seconds)} | {r.share:.0%} |"
            for r in rows[:TOP_ROWS]
        ]
    if report.switch_reasons:
        lines += ["", f"## {SWITCH_REASONS_TITLE}", "", "| reason | switches | share |"]
        lines += ["|---|---:|---:|"]
        lines += [
            f"| {reason} | {count} | {share} |" for reason, count, share in reason_rows(report)
        ]
    multi_day = len(report.period.days) > 1
    if multi_day:
        lines += [
            "",
            "## By day",
            "",
            "| day | focus | deep work | sessions | switches |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {idle_label(d)} | {idle_text(d)} | | | |"
            if isinstance(d, IdleDays)
            else f"| {d.day:%a %d %b} | {duration(d.focus_seconds)} "
            f"| {duration(d.deep_work_seconds)} | {d.sessions} | {d.switches} |"
            for d in day_rows(report)
        ]
    lines += [
        "",
        "## Sessions",
        "",
        "| when | focus | where | task | commits | switches |",
        "|---|---:|---|---|---:|---:|",
    ]
    lines += [
        f"| {span_text(s.start, s.end, tz, multi_day)} | {duration(s.focus_seconds)} "
        f"| {md_escape(', '.join(s.contexts[:3]))}{' (git history)' if s.from_history else ''} "
        f"| {md_escape(s.task or '')} | {s.commits} | {s.switches} |"
        for s in report.sessions
    ]
    if report.deep_work:
        lines += ["", "## Deep work", "", "| when | focus | where |", "|---|---:|---|"]
        lines += [
            f"| {span_text(b.start, b.end, tz, multi_day)} | {duration(b.focus_seconds)} "
            f"| {md_escape(b.context.label())} |"
            for b in report.deep_work
        ]
    if report.commits:
        lines += [
            "",
            "## Commits",
            "",
            "| when | commit | score | subject | task | where |",
            "|---|---|---:|---|---|---|",
        ]
        lines += [
            f"| {when(c.at, tz, multi_day)} | `{c.sha[:7]}` "
            f"| {f'{c.score:.1f}' if c.score is not None else '–'} "
            f"| {md_escape(clip(c.subject, 72))} | {md_escape(c.task.label if c.task else '')} "
            f"| {md_escape(c.context.label())} |"
            for c in report.commits[-LATEST_COMMITS:]
        ]
        if len(report.commits) > LATEST_COMMITS:
            lines.append(f"\n… and {len(report.commits) - LATEST_COMMITS} earlier commits.")
    if len(report.coaching) > 1:
        lines += ["", "## Commit message score by week", "", "| week of | score | commits |"]
        lines += ["|---|---:|---:|"]
        lines += [f"| {w.week:%d %b %Y} | {w.score:.1f} | {w.commits} |" for w in report.coaching]
    return "\n".join(lines) + "\n"


def narrative_markdown(report: Report, tz: tzinfo | None = None) -> list[str]:
    """The report's narrative: where it comes from, the period, the standup, each session
    beside its time and focus. The texts are escaped: a model's words make no markup."""
    narrative = report.narrative
    if narrative is None:
        return []
    lines = ["## Narrative", "", f"*{md_escape(narrative.provenance())}*", ""]
    lines.append(md_escape(narrative.summary))
    if narrative.standup is not None:
        told = narrative.standup
        lines += ["", "### Standup", ""]
        lines += [
            f"- **{title}**: {md_escape(text)}"
            for title, text in (
                ("Yesterday", told.yesterday),
                ("Today", told.today),
                ("Blockers", told.blockers),
            )
        ]
    multi_day = len(report.period.days) > 1
    told_sessions = list(zip(report.sessions, narrative.sessions, strict=False))
    if told_sessions:
        lines += ["", "| when | focus | narrative |", "|---|---:|---|"]
        lines += [
            f"| {span_text(s.start, s.end, tz, multi_day)} | {duration(s.focus_seconds)} "
            f"| {md_escape(text)} |"
            for s, text in told_sessions
        ]
    return lines
