"""Focus per day, stacked by project (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from devfocus.insights.charts.svg import (
    OTHER,
    WIDTH,
    Chart,
    colours,
    document,
    duration,
    legend,
    num,
    text,
)
from devfocus.insights.focusreport import Report
from devfocus.text import plural

LEFT = 56
RIGHT = 20
TOP = 44
PLOT_HEIGHT = 180
NICE_HOURS = (0.5, 1, 2, 3, 4, 6, 8, 12, 24)


def tick_step(top_hours: float) -> float:
    """A round step in hours that gives the axis three to six ticks."""
    for step in NICE_HOURS:
        if top_hours / step <= 5:
            return step
    return 48.0


@dataclass(frozen=True)
class DayBars:
    """The frame of a chart of one bar per day, in hours: the plot's width, each day's slot and
    bar, seconds to pixels, the baseline, and the axis's round top and step (seconds)."""

    plot: float
    slot: float
    bar: float
    scale: float
    base: float
    top: float
    step: float

    @classmethod
    def of(cls, tallest: float, days: int) -> DayBars:
        """For ``days`` bars, the tallest ``tallest`` seconds."""
        step = tick_step(tallest / 3600) * 3600
        top = step * max(1, -(-tallest // step))  # the next tick at or above
        plot = WIDTH - LEFT - RIGHT
        slot = plot / days
        bar = max(1.0, min(36.0, slot * 0.7))
        return cls(plot, slot, bar, PLOT_HEIGHT / top, TOP + PLOT_HEIGHT, top, step)

    def grid(self) -> list[str]:
        """A grid line and its label in hours at each step of the axis."""
        parts = []
        tick = 0.0
        while tick <= self.top + 1e-6:
            y = self.base - tick * self.scale
            parts.append(
                f'<line class="grid" x1="{LEFT}" y1="{num(y)}" x2="{num(LEFT + self.plot)}" '
                f'y2="{num(y)}"/><text class="muted" x="{LEFT - 6}" y="{num(y + 4)}" '
                f'text-anchor="end">{tick / 3600:g}h</text>'
            )
            tick += self.step
        return parts


def projects_chart(report: Report) -> Chart | None:
    """None for a report of one day (its timeline says more) or one without focus."""
    days = report.by_day
    if len(days) < 2 or report.focus_seconds <= 0:
        return None
    projects = report.by_project
    palette = colours(len(projects))
    tallest = max(d.focus_seconds for d in days) or 1.0
    frame = DayBars.of(tallest, len(days))
    plot, slot, bar, scale, base = frame.plot, frame.slot, frame.bar, frame.scale, frame.base
    parts = frame.grid()
    every = max(1, -(-len(days) * 46 // plot))  # a day label every n bars, ~46 px apart
    for i, d in enumerate(days):
        x = LEFT + i * slot + (slot - bar) / 2
        y = base
        for p, seconds in enumerate(d.projects):
            if seconds <= 0:
                continue
            height = seconds * scale
            y -= height
            tip = f"{d.day:%a %d %b}: {projects[p].label} {duration(seconds)}"
            parts.append(
                f'<rect class="bar" x="{num(x)}" y="{num(y)}" width="{num(bar)}" '
                f'height="{num(height)}" fill="{palette[p]}"><title>{text(tip)}</title></rect>'
            )
        if i % every == 0:
            label = f"{d.day:%a %d}" if len(days) <= 14 else f"{d.day:%d %b}"
            parts.append(
                f'<text class="muted" x="{num(LEFT + i * slot + slot / 2)}" y="{base + 16}" '
                f'text-anchor="middle">{label}</text>'
            )
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{num(LEFT + plot)}" y2="{base}"/>'
    )
    items = [(s.label, palette[i]) for i, s in enumerate(projects) if palette[i] != OTHER]
    if OTHER in palette:
        items.append(("other projects", OTHER))
    legend_svg, legend_height = legend(items, LEFT, base + 40, plot)
    parts.append(legend_svg)
    height = base + 40 + legend_height + 4
    busiest = max(days, key=lambda d: d.focus_seconds)
    active = sum(1 for d in days if d.focus_seconds > 0)
    ranked = ", ".join(f"{s.label} {duration(s.seconds)}" for s in projects[:3])
    desc = (
        f"Focus on each of {len(days)} days, stacked by project: "
        f"{plural(active, 'day')} with focus, "
        f"the most on {busiest.day:%a %d %b} ({duration(busiest.focus_seconds)}). "
        f"Projects: {ranked}."
    )
    return document("projects", WIDTH, height, "Focus per day, by project", desc, "".join(parts))
