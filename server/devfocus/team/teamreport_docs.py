"""A team report as Markdown (an editor's preview) and as one self-contained HTML file (pure),
with its charts, as the focus and issue reports make them: labels and names are escaped the
same way."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from devfocus.insights.render_html import STYLE, _table
from devfocus.insights.render_markdown import chart_image, md_escape
from devfocus.team.teamreport import (
    DAY_HEADERS,
    LABEL_HEADERS,
    NAMED_HEADERS,
    NAMED_NOTE,
    PLACE_HEADING,
    coverage_line,
    day_cells,
    empty_message,
    label_cells,
    named_cells,
    place_lines,
    summary_rows,
    title,
    trend_rows,
)
from devfocus.team.teamreport_charts import team_charts
from devfocus.team.teamstats import TeamReport

TREND_HEADERS = ("", "this period", "the period before", "change")


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: int = 1) -> list[str]:
    align = "|".join("---:" if i >= numeric else "---" for i in range(len(headers)))
    return [
        "| " + " | ".join(md_escape(h) for h in headers) + " |",
        f"|{align}|",
        *("| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows),
    ]


def render_team_markdown(report: TeamReport, *, charts: bool = True) -> str:
    lines = [f"# {md_escape(title(report))}", ""]
    if report.empty:
        lines.append(empty_message(report))
        return "\n".join(lines) + "\n"
    lines += [md_escape(coverage_line(report)), "", "| | |", "|---|---|"]
    lines += [f"| **{k}** | {md_escape(v)} |" for k, v in summary_rows(report)]
    if report.insights:
        lines += ["", "## Insights", ""]
        lines += [f"- {md_escape(i.text)}" for i in report.insights]
    lines += ["", "## Trends", ""]
    lines += _md_table(TREND_HEADERS, trend_rows(report))
    drawn = team_charts(report) if charts else []
    if drawn:
        lines += ["", "## Charts"]
        for chart in drawn:
            lines += ["", chart_image(chart)]
    lines += ["", "## By day (UTC)", ""]
    lines += _md_table(DAY_HEADERS, [day_cells(report, d) for d in report.days])
    if report.labels:
        lines += ["", "## Projects and tasks", ""]
        lines += _md_table(LABEL_HEADERS, [label_cells(lb) for lb in report.labels], numeric=2)
    if report.named:
        lines += ["", "## By name", "", NAMED_NOTE, ""]
        lines += _md_table(NAMED_HEADERS, [named_cells(r) for r in report.named])
    if report.place is not None:
        lines += ["", f"## {PLACE_HEADING}", ""]
        lines += [f"- {md_escape(line)}" for line in place_lines(report.place)]
    return "\n".join(lines) + "\n"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def render_team_html(report: TeamReport, *, charts: bool = True) -> str:
    heading = title(report)
    out = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{_e(heading)}</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{_e(heading)}</h1>",
    ]
    if report.empty:
        out.append(f"<p>{_e(empty_message(report).replace('`', ''))}</p>")
        return "".join(out) + "</main></body></html>\n"
    out.append(f'<p class="muted">{_e(coverage_line(report))}</p>')
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in summary_rows(report))
    out.append(f'<table class="summary"><tbody>{rows}</tbody></table>')
    if report.insights:
        out.append('<h2>Insights</h2><ul class="insights">')
        out += [f"<li>{_e(i.text)}</li>" for i in report.insights]
        out.append("</ul>")
    out.append("<h2>Trends</h2>")
    out.append(_table(TREND_HEADERS, trend_rows(report), numeric=(1, 2, 3)))
    drawn = team_charts(report) if charts else []
    if drawn:
        out.append("<h2>Charts</h2>")
        out += [f'<figure class="chart">{chart.inline()}</figure>' for chart in drawn]
    out.append("<h2>By day (UTC)</h2>")
    out.append(
        _table(DAY_HEADERS, [day_cells(report, d) for d in report.days], numeric=(1, 2, 3, 4, 5))
    )
    if report.labels:
        out.append("<h2>Projects and tasks</h2>")
        out.append(
            _table(LABEL_HEADERS, [label_cells(lb) for lb in report.labels], numeric=(2, 3, 4, 5))
        )
    if report.named:
        out.append(f'<h2>By name</h2><p class="muted">{_e(NAMED_NOTE)}</p>')
        out.append(
            _table(NAMED_HEADERS, [named_cells(r) for r in report.named], numeric=(1, 2, 3, 4, 5))
        )
    if report.place is not None:
        out.append(f'<h2>{_e(PLACE_HEADING)}</h2><ul class="place">')
        out += [f"<li>{_e(line)}</li>" for line in place_lines(report.place)]
        out.append("</ul>")
    return "".join(out) + "</main></body></html>\n"
