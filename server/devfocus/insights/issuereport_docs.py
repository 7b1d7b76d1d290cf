"""An issue report as Markdown (an editor's preview) and as one self-contained HTML file (pure),
with its charts, as the focus reports make them: issue titles are escaped the same way."""

from __future__ import annotations

from html import escape

from devfocus.insights.issuereport import (
    close_rows,
    empty_message,
    sections,
    span,
    spike_text,
    summary_rows,
    title,
)
from devfocus.insights.issuereport_charts import issue_charts
from devfocus.insights.render_html import STYLE, _table
from devfocus.insights.render_markdown import chart_image, md_escape
from devfocus.text import clip
from devfocus.trackers.analytics import IssueReport, IssueStats


def _link(key: str, url: str) -> str:
    """An issue's key linking to its page (only web addresses become links)."""
    if url.startswith(("https://", "http://")):
        return f'<a href="{escape(url, quote=True)}">{escape(key)}</a>'
    return escape(key)


def render_issues_markdown(report: IssueReport, *, charts: bool = True) -> str:
    lines = [f"# DevFocus — {title(report)}", ""]
    if report.scope:
        lines += [f"Scope: **{md_escape(report.scope)}**", ""]
    if report.empty:
        lines.append(empty_message(report))
        return "\n".join(lines) + "\n"
    for heading, stats in sections(report):
        if heading is not None:
            lines += ["", f"## {md_escape(heading)}", ""]
        lines += _markdown_stats(stats, "##" if heading is None else "###", charts)
    return "\n".join(lines) + "\n"


def _markdown_stats(stats: IssueStats, level: str, charts: bool) -> list[str]:
    lines = ["| | |", "|---|---|"]
    lines += [f"| **{k}** | {md_escape(v)} |" for k, v in summary_rows(stats)]
    drawn = issue_charts(stats) if charts and stats.scope is None else []
    if drawn:
        lines += ["", f"{level} Charts"]
        for chart in drawn:
            lines += ["", chart_image(chart)]
    lines += [
        "",
        f"{level} By week",
        "",
        "| week of | opened | closed | open at its end | new bugs |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {w.week:%d %b %Y} | {w.opened} | {w.closed} | {w.backlog} | {w.bugs} |"
        for w in stats.weeks
    ]
    if stats.close_time is not None:
        lines += [
            "",
            f"{level} Time to close",
            "",
            "| | closed | median | 90th percentile |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {md_escape(c.label if group == 'all' else f'{group}: {c.label}')} | {c.count} "
            f"| {span(c.median)} | {span(c.p90)} |"
            for group, c in close_rows(stats)
        ]
    if stats.spikes:
        lines += ["", f"{level} Bug spikes", ""]
        lines += [
            f"- {spike_text(s.week, s.bugs, s.trailing_mean, s.trailing_weeks)}"
            for s in stats.spikes
        ]
    if stats.duplicates:
        lines += [
            "",
            f"{level} Likely duplicates",
            "",
            "| score | issue | likely the same as |",
            "|---:|---|---|",
        ]
        lines += [
            f"| {d.score:.2f} | {_link(d.first.key, d.first.url)} "
            f"{md_escape(clip(d.first.title, 72))} "
            f"| {_link(d.second.key, d.second.url)} {md_escape(clip(d.second.title, 72))} |"
            for d in stats.duplicates
        ]
    return lines


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def render_issues_html(report: IssueReport, *, charts: bool = True) -> str:
    heading = f"DevFocus — {title(report)}"
    out = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{_e(heading)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{_e(heading)}</h1>",
    ]
    if report.scope:
        out.append(f'<p class="muted">Scope: <strong>{_e(report.scope)}</strong></p>')
    if report.empty:
        out.append(f"<p>{_e(empty_message(report).replace('`', ''))}</p>")
        return "".join(out) + "</main></body></html>\n"
    for name, stats in sections(report):
        if name is not None:
            out.append(f"<h2>{_e(name)}</h2>")
        out += _html_stats(stats, "h2" if name is None else "h3", charts)
    return "".join(out) + "</main></body></html>\n"


def _html_stats(stats: IssueStats, h: str, charts: bool) -> list[str]:
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in summary_rows(stats))
    out = [f'<table class="summary"><tbody>{rows}</tbody></table>']
    drawn = issue_charts(stats) if charts and stats.scope is None else []
    if drawn:
        out.append(f"<{h}>Charts</{h}>")
        out += [f'<figure class="chart">{chart.inline()}</figure>' for chart in drawn]
    out.append(f"<{h}>By week</{h}>")
    out.append(
        _table(
            ("week of", "opened", "closed", "open at its end", "new bugs"),
            [(f"{w.week:%d %b %Y}", w.opened, w.closed, w.backlog, w.bugs) for w in stats.weeks],
            numeric=(1, 2, 3, 4),
        )
    )
    if stats.close_time is not None:
        out.append(f"<{h}>Time to close</{h}>")
        out.append(
            _table(
                ("", "closed", "median", "90th percentile"),
                [
                    (
                        c.label if group == "all" else f"{group}: {c.label}",
                        c.count,
                        span(c.median),
                        span(c.p90),
                    )
                    for group, c in close_rows(stats)
                ],
                numeric=(1, 2, 3),
            )
        )
    if stats.spikes:
        out.append(f"<{h}>Bug spikes</{h}><ul>")
        out += [
            f"<li>{_e(spike_text(s.week, s.bugs, s.trailing_mean, s.trailing_weeks))}</li>"
            for s in stats.spikes
        ]
        out.append("</ul>")
    if stats.duplicates:
        out.append(f"<{h}>Likely duplicates</{h}>")
        body = "".join(
            f'<tr><td class="n">{d.score:.2f}</td>'
            f"<td>{_link(d.first.key, d.first.url)} {_e(d.first.title)}</td>"
            f"<td>{_link(d.second.key, d.second.url)} {_e(d.second.title)}</td></tr>"
            for d in stats.duplicates
        )
        out.append(
            '<table><thead><tr><th class="n">score</th><th>issue</th>'
            f"<th>likely the same as</th></tr></thead><tbody>{body}</tbody></table>"
        )
    return out
