"""The charts of an issue report: issues opened and closed per week (bars) and the open backlog
over time (a line), drawn as the focus report's charts are (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from devfocus.insights.charts.svg import PALETTE, WIDTH, Chart, document, legend, num, text
from devfocus.text import plural
from devfocus.trackers.analytics import IssueStats, WeekCounts

LEFT = 56
RIGHT = 20
TOP = 44
PLOT_HEIGHT = 160
OPENED, CLOSED, BACKLOG = PALETTE[0], PALETTE[1], PALETTE[2]


def issue_charts(stats: IssueStats) -> list[Chart]:
    """The charts that have something to show: none without weeks or issues."""
    weeks = stats.weeks
    if not weeks or not any(w.opened or w.closed or w.backlog for w in weeks):
        return []
    return [flow_chart(weeks), backlog_chart(weeks)]


def _step(top: int) -> int:
    """A round step that gives the axis at most five ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 5:
            return step
    return 10000


def _axis(top: int, plot: float) -> tuple[int, float, str]:
    """The axis' top, the scale (pixels per issue) and its grid lines."""
    step = _step(max(top, 1))
    ceiling = step * max(1, -(-top // step))
    scale = PLOT_HEIGHT / ceiling
    base = TOP + PLOT_HEIGHT
    parts = []
    for tick in range(0, ceiling + 1, step):
        y = base - tick * scale
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{num(y)}" x2="{num(LEFT + plot)}" y2="{num(y)}"/>'
            f'<text class="muted" x="{LEFT - 6}" y="{num(y + 4)}" text-anchor="end">{tick}</text>'
        )
    return ceiling, scale, "".join(parts)


def _week_labels(weeks: Sequence[WeekCounts], slot: float, plot: float) -> str:
    base = TOP + PLOT_HEIGHT
    every = max(1, -(-len(weeks) * 52 // int(plot)))  # a label every n weeks, ~52 px apart
    return "".join(
        f'<text class="muted" x="{num(LEFT + i * slot + slot / 2)}" y="{base + 16}" '
        f'text-anchor="middle">{w.week:%d %b}</text>'
        for i, w in enumerate(weeks)
        if i % every == 0
    )


def flow_chart(weeks: Sequence[WeekCounts]) -> Chart:
    plot = WIDTH - LEFT - RIGHT
    slot = plot / len(weeks)
    bar = max(1.0, min(20.0, slot * 0.35))
    _, scale, grid = _axis(max(max(w.opened, w.closed) for w in weeks), plot)
    base = TOP + PLOT_HEIGHT
    parts = [grid]
    for i, w in enumerate(weeks):
        middle = LEFT + i * slot + slot / 2
        for x, count, colour, what in (
            (middle - bar, w.opened, OPENED, "opened"),
            (middle, w.closed, CLOSED, "closed"),
        ):
            tip = f"Week of {w.week:%d %b %Y}: {count} {what}"
            parts.append(
                f'<rect class="bar" x="{num(x)}" y="{num(base - count * scale)}" '
                f'width="{num(bar)}" height="{num(count * scale)}" fill="{colour}">'
                f"<title>{text(tip)}</title></rect>"
            )
    parts.append(_week_labels(weeks, slot, plot))
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{num(LEFT + plot)}" y2="{base}"/>'
    )
    legend_svg, legend_height = legend(
        [("opened", OPENED), ("closed", CLOSED)], LEFT, base + 40, plot
    )
    parts.append(legend_svg)
    opened = sum(w.opened for w in weeks)
    closed = sum(w.closed for w in weeks)
    busiest = max(weeks, key=lambda w: w.opened)
    desc = (
        f"Issues opened and closed in each of {plural(len(weeks), 'week')}: {opened} opened, "
        f"{closed} closed; the most opened in the week of {busiest.week:%d %b %Y} "
        f"({busiest.opened})."
    )
    height = base + 40 + legend_height + 4
    return document(
        "issueflow", WIDTH, height, "Issues opened and closed per week", desc, "".join(parts)
    )


def backlog_chart(weeks: Sequence[WeekCounts]) -> Chart:
    plot = WIDTH - LEFT - RIGHT
    slot = plot / len(weeks)
    _, scale, grid = _axis(max(w.backlog for w in weeks), plot)
    base = TOP + PLOT_HEIGHT
    points = [(LEFT + i * slot + slot / 2, base - w.backlog * scale) for i, w in enumerate(weeks)]
    parts = [grid]
    parts.append(
        f'<polyline fill="none" stroke="{BACKLOG}" stroke-width="2" '
        f'points="{" ".join(f"{num(x)},{num(y)}" for x, y in points)}"/>'
    )
    for (x, y), w in zip(points, weeks, strict=True):
        tip = f"End of the week of {w.week:%d %b %Y}: {w.backlog} open"
        parts.append(
            f'<circle cx="{num(x)}" cy="{num(y)}" r="3" fill="{BACKLOG}">'
            f"<title>{text(tip)}</title></circle>"
        )
    parts.append(_week_labels(weeks, slot, plot))
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{num(LEFT + plot)}" y2="{base}"/>'
    )
    first, last = weeks[0], weeks[-1]
    peak = max(weeks, key=lambda w: w.backlog)
    desc = (
        f"Open issues at the end of each week: {first.backlog} in the week of "
        f"{first.week:%d %b %Y}, {last.backlog} in the week of {last.week:%d %b %Y}, "
        f"at most {peak.backlog} (week of {peak.week:%d %b %Y})."
    )
    return document("backlog", WIDTH, base + 28, "Open backlog", desc, "".join(parts))
