"""Issue reports in every format of the focus reports (pure): text, Markdown with charts, HTML
with charts, JSON and CSV, from one :class:`~devfocus.trackers.analytics.IssueReport`. This
module names the formats, holds what they share and writes the text one; Markdown and HTML are
in :mod:`.issuereport_docs`, JSON and CSV in :mod:`.issuereport_data`."""

from __future__ import annotations

import importlib
import json
from datetime import date

from devfocus.text import clip, plural
from devfocus.trackers.analytics import CloseTime, IssueReport, IssueStats

TOP_LABELS = 8  # labels listed under time to close
# format → (its module, its renderer); JSON's gives data, the others text.
_RENDERERS: dict[str, tuple[str, str]] = {
    "text": ("issuereport", "render_issues_text"),
    "markdown": ("issuereport_docs", "render_issues_markdown"),
    "html": ("issuereport_docs", "render_issues_html"),
    "json": ("issuereport_data", "issues_json"),
    "csv": ("issuereport_data", "render_issues_csv"),
}
FORMATS = tuple(_RENDERERS)


def render_issue_report(report: IssueReport, fmt: str) -> str:
    """``report`` in ``fmt`` (one of :data:`FORMATS`) as text, JSON included."""
    module, function = _RENDERERS[fmt]
    rendered = getattr(importlib.import_module(f"devfocus.insights.{module}"), function)(report)
    if fmt == "json":
        return json.dumps(rendered, indent=2, ensure_ascii=False) + "\n"
    return str(rendered)


# -- what the formats share -----------------------------------------------------------------


def title(report: IssueReport) -> str:
    first, last = report.days
    when = f"{first:%a %d %b %Y}" if first == last else f"{first:%a %d %b} – {last:%a %d %b %Y}"
    return f"Issues ({when})"


def scope_line(report: IssueReport) -> str | None:
    return report.scope


def empty_message(report: IssueReport) -> str:
    where = f" for {report.scope}" if report.scope else ""
    return (
        f"No issues imported{where}. `devfocus issues sync` imports the issues of the "
        "repository's GitHub remotes and of the configured Jira site."
    )


def span(seconds: float) -> str:
    """A time to close: ``40m``, ``5.5 h`` below two days, ``3.2 d`` from there."""
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def sections(report: IssueReport) -> list[tuple[str | None, IssueStats]]:
    """The blocks of the report: every scope together, then each scope when there are several
    (with its name as heading; every scope together is then "All scopes")."""
    total = "All scopes" if report.scopes else None
    return [(total, report.total), *((s.scope, s) for s in report.scopes)]


def summary_rows(stats: IssueStats) -> list[tuple[str, str]]:
    closing = stats.close_time
    return [
        ("Opened", str(stats.opened)),
        ("Closed", str(stats.closed)),
        ("Open now", f"{stats.open_now} of {plural(stats.issues, 'issue')} known"),
        (
            "Time to close",
            "–"
            if closing is None
            else f"median {span(closing.median)}, 90th percentile {span(closing.p90)} "
            f"({plural(closing.count, 'issue')})",
        ),
    ]


def close_rows(stats: IssueStats) -> list[tuple[str, CloseTime]]:
    """(group, figures): all, each kind, the labels with the most closed issues."""
    rows: list[tuple[str, CloseTime]] = []
    if stats.close_time is not None:
        rows.append(("all", stats.close_time))
    rows += [("kind", c) for c in stats.by_kind]
    rows += [("label", c) for c in stats.by_label[:TOP_LABELS]]
    return rows


def spike_text(week: date, bugs: int, mean: float, weeks: int) -> str:
    return (
        f"week of {week:%d %b %Y}: {plural(bugs, 'new bug')}, "
        f"{mean:.1f} a week over the {plural(weeks, 'week')} before"
    )


# -- text -----------------------------------------------------------------------------------


def render_issues_text(report: IssueReport) -> str:
    lines = [f"DevFocus — {title(report)}"]
    if report.scope:
        lines.append(f"Scope: {report.scope}")
    lines.append("")
    if report.empty:
        lines.append(empty_message(report).replace("`", ""))
        return "\n".join(lines) + "\n"
    for heading, stats in sections(report):
        if heading is not None:
            lines += ["", heading, "=" * len(heading)]
        width = max(len(k) for k, _ in summary_rows(stats))
        lines += [f"{k.ljust(width)}  {v}" for k, v in summary_rows(stats)]
        lines += ["", "By week (week of, opened, closed, open at its end, new bugs)"]
        lines += [
            f"  {w.week:%d %b %Y}  {w.opened:5d}  {w.closed:5d}  {w.backlog:6d}  {w.bugs:4d}"
            for w in stats.weeks
        ]
        if stats.close_time is not None:
            lines += ["", "Time to close (closed, median, 90th percentile)"]
            for group, c in close_rows(stats):
                name = c.label if group == "all" else f"{group} {c.label}"
                lines.append(
                    f"  {name[:32].ljust(32)}  {c.count:5d}  {span(c.median).rjust(7)}  "
                    f"{span(c.p90).rjust(7)}"
                )
        if stats.spikes:
            lines += ["", "Bug spikes"]
            lines += [
                f"  {spike_text(s.week, s.bugs, s.trailing_mean, s.trailing_weeks)}"
                for s in stats.spikes
            ]
        if stats.duplicates:
            lines += ["", "Likely duplicates (score, issues)"]
            for d in stats.duplicates:
                lines.append(f"  {d.score:.2f}  {d.first.key} {clip(d.first.title, 80)}")
                lines.append(f"        {d.second.key} {clip(d.second.title, 80)}")
    return "\n".join(lines) + "\n"
