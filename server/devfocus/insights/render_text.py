"""A report as text, for a terminal (pure): no charts, the same figures."""

from __future__ import annotations

import textwrap
from datetime import tzinfo

from devfocus.insights.focusreport import Report
from devfocus.insights.render_parts import (
    LATEST_COMMITS,
    SWITCH_REASONS_TITLE,
    TOP_ROWS,
    IdleDays,
    bar,
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
    task_suffix,
    when,
)
from devfocus.text import clip, plural


def render_text(report: Report, tz: tzinfo | None = None, previous: Report | None = None) -> str:
    lines = [f"DevFocus — {heading(report, tz)}"]
    if (project := project_line(report)) is not None:
        lines.append(f"Project: {project}")
    lines.append("")
    if report.empty:
        lines.append(empty_message(report).replace("`", ""))
        return "\n".join(lines) + "\n"
    width = max(len(k) for k, _ in summary_rows(report))
    lines += [f"{k.ljust(width)}  {v}" for k, v in summary_rows(report)]
    if previous is not None:
        lines += ["", f"Compared with {previous_title(previous, tz)}"]
        for label, now, before, change in comparison_rows(report, previous):
            lines.append(f"  {label.ljust(11)}  {now.rjust(7)}  {before.rjust(7)}  {change}")
    if report.narrative is not None:
        lines += ["", *narrative_lines(report, tz)]
    if report.insights:
        lines += ["", "Insights"]
        for insight in report.insights:
            figures = evidence_text(insight)
            lines.append(f"  [{insight.severity}] {insight.message}")
            if figures:
                lines.append(f"      {figures}")
    for title, rows in breakdowns(report):
        lines += ["", title]
        label_width = min(max(len(r.label) for r in rows[:TOP_ROWS]), 32)
        for r in rows[:TOP_ROWS]:
            label = clip(r.label, label_width)
            lines.append(
                f"  {label.ljust(label_width)}  {duration(r.seconds).rjust(7)}  {bar(r.share)}"
                f"  {r.share:4.0%}"
            )
        if len(rows) > TOP_ROWS:
            lines.append(f"  … and {len(rows) - TOP_ROWS} more")
    if report.switch_reasons:
        lines += ["", SWITCH_REASONS_TITLE]
        lines += [
            f"  {reason.ljust(11)}  {count:5d}  {share.rjust(4)}"
            for reason, count, share in reason_rows(report)
        ]
    multi_day = len(report.period.days) > 1
    if multi_day:
        lines += ["", "By day"]
        for d in day_rows(report):
            if isinstance(d, IdleDays):
                lines.append(f"  {idle_label(d)}  {idle_text(d)}")
                continue
            lines.append(
                f"  {d.day:%a %d %b}  {duration(d.focus_seconds).rjust(7)}  "
                f"deep {duration(d.deep_work_seconds).rjust(7)}  "
                f"{plural(d.sessions, 'session')}, {plural(d.switches, 'switch', 'switches')}"
            )
    lines += ["", "Sessions"]
    for s in report.sessions:
        extra = f"  {plural(s.switches, 'switch', 'switches')}" if s.switches else ""
        lines.append(
            f"  {span_text(s.start, s.end, tz, multi_day)}  {duration(s.focus_seconds).rjust(7)}  "
            f"{', '.join(s.contexts[:3])}{extra}{task_suffix(s)}"
        )
    if report.deep_work:
        lines += ["", "Deep work"]
        for b in report.deep_work:
            when_text = span_text(b.start, b.end, tz, multi_day)
            lines.append(
                f"  {when_text}  {duration(b.focus_seconds).rjust(7)}  {b.context.label()}"
            )
    if report.commits:
        lines += ["", "Commits"]
        for c in report.commits[-LATEST_COMMITS:]:
            score = f"{c.score:4.1f}" if c.score is not None else "   –"
            lines.append(
                f"  {when(c.at, tz, multi_day)}  {c.sha[:7]}  {score}  "
                f"{clip(c.subject, 60)}  [{c.context.label()}]"
            )
        if len(report.commits) > LATEST_COMMITS:
            lines.append(f"  … and {len(report.commits) - LATEST_COMMITS} earlier")
    if len(report.coaching) > 1:
        lines += ["", "Commit message score by week"]
        for w in report.coaching:
            score_bar = bar(w.score / 10)
            lines.append(
                f"  {w.week:%d %b %Y}  {w.score:4.1f}  {score_bar}  {plural(w.commits, 'commit')}"
            )
    return "\n".join(lines) + "\n"


def narrative_lines(report: Report, tz: tzinfo | None = None) -> list[str]:
    """The report's narrative: where it comes from, the period, the standup, each session
    beside its time and focus."""
    narrative = report.narrative
    if narrative is None:
        return []

    def para(text: str, indent: str) -> list[str]:
        return textwrap.wrap(text, 96, initial_indent=indent, subsequent_indent=indent)

    lines = ["Narrative", *para(narrative.provenance(), "  "), "", *para(narrative.summary, "  ")]
    if narrative.standup is not None:
        told = narrative.standup
        lines += ["", "  Standup"]
        for title, text in (
            ("Yesterday", told.yesterday),
            ("Today", told.today),
            ("Blockers", told.blockers),
        ):
            lines += para(f"{title}: {text}", "    ")
    multi_day = len(report.period.days) > 1
    told_sessions = list(zip(report.sessions, narrative.sessions, strict=False))
    if told_sessions:
        lines += ["", "  Sessions"]
    for s, text in told_sessions:
        lines.append(
            f"    {span_text(s.start, s.end, tz, multi_day)}  {duration(s.focus_seconds).rjust(7)}"
        )
        lines += para(text, "      ")
    return lines
