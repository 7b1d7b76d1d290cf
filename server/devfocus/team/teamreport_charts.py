"""The charts of a team report, drawn as the focus report's charts are (pure): the team's focus
and deep work per UTC day (hidden days marked as such), and when the team works as an hour ×
weekday heatmap."""

from __future__ import annotations

from devfocus.insights.charts.heatmap import CELL_HEIGHT, WEEKDAYS, hour_grid
from devfocus.insights.charts.heatmap import TOP as HEAT_TOP
from devfocus.insights.charts.projects import LEFT, PLOT_HEIGHT, TOP, DayBars
from devfocus.insights.charts.svg import (
    ACCENT,
    OTHER,
    WIDTH,
    Chart,
    document,
    duration,
    legend,
    num,
    text,
)
from devfocus.team.teamstats import HourMatrix, TeamReport
from devfocus.text import plural

FOCUS, DEEP = OTHER, ACCENT


def team_charts(report: TeamReport) -> list[Chart]:
    """The charts that have something to show, in reading order."""
    drawn = (days_chart(report), heatmap_chart(report))
    return [chart for chart in drawn if chart is not None]


def days_chart(report: TeamReport) -> Chart | None:
    """Focus per day with its deep work over it; None without focus on a visible day."""
    days = report.days
    if report.totals.focus_seconds <= 0:
        return None
    tallest = max(d.focus_seconds for d in days)
    frame = DayBars.of(tallest, len(days))
    plot, slot, bar, scale, base = frame.plot, frame.slot, frame.bar, frame.scale, frame.base
    parts = frame.grid()
    hidden_rule = f"hidden: fewer than {plural(report.min_group_size, 'member')}"
    every = max(1, -(-len(days) * 46 // plot))  # a day label every n bars, ~46 px apart
    for i, d in enumerate(days):
        x = LEFT + i * slot + (slot - bar) / 2
        if d.hidden:
            tip = f"{d.day:%a %d %b}: {hidden_rule}"
            parts.append(
                f'<rect class="empty" x="{num(x)}" y="{TOP}" width="{num(bar)}" '
                f'height="{PLOT_HEIGHT}"><title>{text(tip)}</title></rect>'
            )
        else:
            for seconds, colour, what in (
                (d.focus_seconds, FOCUS, "focus"),
                (d.deep_seconds, DEEP, "deep work"),
            ):
                tip = (
                    f"{d.day:%a %d %b}: {what} {duration(seconds)} ({plural(d.members, 'member')})"
                )
                parts.append(
                    f'<rect class="bar" x="{num(x)}" y="{num(base - seconds * scale)}" '
                    f'width="{num(bar)}" height="{num(seconds * scale)}" fill="{colour}">'
                    f"<title>{text(tip)}</title></rect>"
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
    legend_svg, legend_height = legend(
        [("focus", FOCUS), ("of it deep work", DEEP)], LEFT, base + 40, plot
    )
    parts.append(legend_svg)
    height = base + 40 + legend_height + 4
    if report.hidden_days:  # the pale columns, said in words (a swatch of them would not show)
        parts.append(
            f'<text class="muted" x="{LEFT}" y="{num(height + 8)}">Pale columns: '
            f"{text(hidden_rule)}</text>"
        )
        height += 22
    visible = [d for d in days if not d.hidden]
    busiest = max(visible, key=lambda d: d.focus_seconds)
    t = report.totals
    desc = (
        f"Team focus on each of {plural(len(days), 'UTC day')}, with its deep work: "
        f"{duration(t.focus_seconds)} of focus, {duration(t.deep_seconds)} of it deep work; "
        f"the most on {busiest.day:%a %d %b} ({duration(busiest.focus_seconds)}). "
        f"{len(report.hidden_days)} {hidden_rule}."
    )
    return document(
        "teamdays", WIDTH, height, "Team focus and deep work per day", desc, "".join(parts)
    )


def heatmap_chart(report: TeamReport) -> Chart | None:
    """When the team works: hour of day (UTC) × weekday, as the focus report draws it. Deep work
    is the stronger signal; figures without any show focus. None without either."""
    deep = sum(map(sum, report.deep_by_hour)) > 0
    matrix: HourMatrix = report.deep_by_hour if deep else report.focus_by_hour
    what = "deep work" if deep else "focus"
    peak = max(max(row) for row in matrix)
    if peak <= 0:
        return None
    parts, best = hour_grid(
        matrix,
        peak,
        lambda day, hour, seconds: (
            f"{WEEKDAYS[day]} {hour:02d}:00–{hour + 1:02d}:00 UTC: team {what} {duration(seconds)}"
        ),
    )
    height = HEAT_TOP + 7 * CELL_HEIGHT + 16
    day, hour = best
    total = sum(map(sum, matrix))
    desc = (
        f"Team {what} by hour of day (columns, 00 to 23 UTC) and weekday (rows, Monday first): "
        f"{duration(total)} in all; the most on {WEEKDAYS[day]} {hour:02d}:00–{hour + 1:02d}:00 "
        f"({duration(peak)}). Darker is more; hours shared by fewer than "
        f"{plural(report.min_group_size, 'member')} are left out."
    )
    title = f"When the team's {what} happens: hour × weekday (UTC)"
    return document("teamhours", WIDTH, height, title, desc, "".join(parts))
