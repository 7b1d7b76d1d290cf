"""A report as one self-contained HTML file, to keep or share (pure).

Everything is inside the file: the style sheet, the charts (inline SVG), no script, no font, no
address of anything outside it, so it opens the same with no network. Light and dark follow the
reader's ``prefers-color-scheme``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from html import escape

from devfocus.insights.charts import report_charts
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

STYLE = """
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#ffffff;--line:#d0d7de;
--accent:#0969da;--warn:#9a6700}
@media (prefers-color-scheme: dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;
--line:#30363d;--accent:#4493f8;--warn:#d29922}}
html{background:var(--bg);color:var(--fg)}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:760px;padding:24px 16px 48px}
h1{font-size:1.5em;margin:0 0 .25em}h2{font-size:1.15em;margin:1.6em 0 .5em;
border-bottom:1px solid var(--line);padding-bottom:.2em}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600}td.n,th.n{text-align:right}
.muted{color:var(--muted)}figure{margin:16px 0}svg{max-width:100%;height:auto}
ul.insights{padding-left:1.2em}.sev{font-weight:600;color:var(--warn)}code{font-size:.9em}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[int] = ()
) -> str:
    """A table; the columns in ``numeric`` are right-aligned."""

    def cell(tag: str, i: int, value: object) -> str:
        cls = ' class="n"' if i in numeric else ""
        return f"<{tag}{cls}>{_e(value)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(
    report: Report, tz: tzinfo | None = None, previous: Report | None = None, *, charts: bool = True
) -> str:
    title = f"DevFocus — {heading(report, tz)}"
    out = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
    ]
    if (project := project_line(report)) is not None:
        out.append(f'<p class="muted">Project: <strong>{_e(project)}</strong></p>')
    if report.empty:
        out.append(f"<p>{_e(empty_message(report).replace('`', ''))}</p>")
        return "".join(out) + "</main></body></html>\n"
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in summary_rows(report))
    out.append(f'<table class="summary"><tbody>{rows}</tbody></table>')
    if previous is not None:
        out.append(f"<h2>Compared with {_e(previous_title(previous, tz))}</h2>")
        out.append(
            _table(
                ("", "this period", "before", "change"),
                comparison_rows(report, previous),
                numeric=(1, 2, 3),
            )
        )
    if report.narrative is not None:
        out.append(narrative_html(report, tz))
    drawn = report_charts(report, tz) if charts else []
    if drawn:
        out.append("<h2>Charts</h2>")
        out += [f'<figure class="chart">{chart.inline()}</figure>' for chart in drawn]
    if report.insights:
        out.append('<h2>Insights</h2><ul class="insights">')
        for insight in report.insights:
            figures = evidence_text(insight)
            out.append(
                f'<li><span class="sev">{_e(insight.severity)}</span> {_e(insight.message)}'
                + (f' <span class="muted">({_e(figures)})</span>' if figures else "")
                + "</li>"
            )
        out.append("</ul>")
    for name, shares in breakdowns(report):
        out.append(f"<h2>{_e(name)}</h2>")
        out.append(
            _table(
                ("", "time", "share"),
                [(r.label, duration(r.seconds), f"{r.share:.0%}") for r in shares[:TOP_ROWS]],
                numeric=(1, 2),
            )
        )
        if len(shares) > TOP_ROWS:
            out.append(f'<p class="muted">… and {len(shares) - TOP_ROWS} more</p>')
    if report.switch_reasons:
        out.append(f"<h2>{_e(SWITCH_REASONS_TITLE)}</h2>")
        out.append(_table(("reason", "switches", "share"), reason_rows(report), numeric=(1, 2)))
    multi_day = len(report.period.days) > 1
    if multi_day:
        out.append("<h2>By day</h2>")
        out.append(
            _table(
                ("day", "focus", "deep work", "sessions", "switches"),
                [
                    (idle_label(d), idle_text(d), "", "", "")
                    if isinstance(d, IdleDays)
                    else (
                        f"{d.day:%a %d %b}",
                        duration(d.focus_seconds),
                        duration(d.deep_work_seconds),
                        d.sessions,
                        d.switches,
                    )
                    for d in day_rows(report)
                ],
                numeric=(1, 2, 3, 4),
            )
        )
    out.append("<h2>Sessions</h2>")
    out.append(
        _table(
            ("when", "focus", "where", "task", "commits", "switches"),
            [
                (
                    span_text(s.start, s.end, tz, multi_day),
                    duration(s.focus_seconds),
                    ", ".join(s.contexts[:3]) + (" (git history)" if s.from_history else ""),
                    s.task or "",
                    s.commits,
                    s.switches,
                )
                for s in report.sessions
            ],
            numeric=(1, 4, 5),
        )
    )
    if report.deep_work:
        out.append("<h2>Deep work</h2>")
        out.append(
            _table(
                ("when", "focus", "where"),
                [
                    (
                        span_text(b.start, b.end, tz, multi_day),
                        duration(b.focus_seconds),
                        b.context.label(),
                    )
                    for b in report.deep_work
                ],
                numeric=(1,),
            )
        )
    if report.commits:
        out.append("<h2>Commits</h2>")
        out.append(
            _table(
                ("when", "commit", "score", "subject", "task", "where"),
                [
                    (
                        when(c.at, tz, multi_day),
                        c.sha[:7],
                        f"{c.score:.1f}" if c.score is not None else "–",
                        c.subject,
                        c.task.label if c.task else "",
                        c.context.label(),
                    )
                    for c in report.commits[-LATEST_COMMITS:]
                ],
                numeric=(2,),
            )
        )
        if len(report.commits) > LATEST_COMMITS:
            earlier = len(report.commits) - LATEST_COMMITS
            out.append(f'<p class="muted">… and {earlier} earlier commits.</p>')
    if len(report.coaching) > 1:
        out.append("<h2>Commit message score by week</h2>")
        out.append(
            _table(
                ("week of", "score", "commits"),
                [(f"{w.week:%d %b %Y}", f"{w.score:.1f}", w.commits) for w in report.coaching],
                numeric=(1, 2),
            )
        )
    return "".join(out) + "</main></body></html>\n"


def narrative_html(report: Report, tz: tzinfo | None = None) -> str:
    """The report's narrative: where it comes from, the period, the standup, each session
    beside its time and focus (every text escaped)."""
    narrative = report.narrative
    if narrative is None:
        return ""
    out = [
        '<section class="narrative"><h2>Narrative</h2>',
        f'<p class="muted">{_e(narrative.provenance())}</p>',
        f"<p>{_e(narrative.summary)}</p>",
    ]
    if narrative.standup is not None:
        told = narrative.standup
        out.append("<h3>Standup</h3><ul>")
        out += [
            f"<li><strong>{title}</strong>: {_e(text)}</li>"
            for title, text in (
                ("Yesterday", told.yesterday),
                ("Today", told.today),
                ("Blockers", told.blockers),
            )
        ]
        out.append("</ul>")
    multi_day = len(report.period.days) > 1
    told_sessions = list(zip(report.sessions, narrative.sessions, strict=False))
    if told_sessions:
        out.append(
            _table(
                ("when", "focus", "narrative"),
                [
                    (span_text(s.start, s.end, tz, multi_day), duration(s.focus_seconds), text)
                    for s, text in told_sessions
                ],
                numeric=(1,),
            )
        )
    return "".join(out) + "</section>"
