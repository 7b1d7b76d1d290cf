"""Focus by hour of day and weekday, as a heatmap (pure)."""

from __future__ import annotations

from collections.abc import Callable

from devfocus.insights.charts.svg import ACCENT, WIDTH, Chart, document, duration, num, text
from devfocus.insights.focusreport import HourMatrix, Report
from devfocus.text import plural

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LEFT = 48
TOP = 44
CELL_HEIGHT = 22
GAP = 2


def heatmap_chart(report: Report) -> Chart | None:
    """None when there is no focus, or the report is of one day (its timeline says more). Deep
    work is the stronger signal; a period without any shows its focus."""
    if len(report.period.days) < 2:
        return None
    deep = sum(map(sum, report.deep_work_by_hour)) > 0
    matrix: HourMatrix = report.deep_work_by_hour if deep else report.focus_by_hour
    what = "deep work" if deep else "focus"
    peak = max(max(row) for row in matrix)
    if peak <= 0:
        return None
    parts, best = hour_grid(
        matrix,
        peak,
        lambda day, hour, seconds: (
            f"{WEEKDAYS[day]} {hour:02d}:00–{hour + 1:02d}:00: {what} {duration(seconds)}"
        ),
    )
    height = TOP + 7 * CELL_HEIGHT + 16
    day, hour = best
    total = sum(map(sum, matrix))
    active = sum(1 for row in matrix for s in row if s > 0)
    desc = (
        f"{what.capitalize()} by hour of day (columns, 00 to 23) and weekday (rows, Monday "
        f"first): {duration(total)} over {plural(active, 'hour')} of the week; the most on "
        f"{WEEKDAYS[day]} {hour:02d}:00–{hour + 1:02d}:00 ({duration(peak)}). Darker is more."
    )
    title = f"When {what} happens: hour × weekday"
    return document("heatmap", WIDTH, height, title, desc, "".join(parts))


def hour_grid(
    matrix: HourMatrix, peak: float, tip: Callable[[int, int, float], str]
) -> tuple[list[str], tuple[int, int]]:
    """The SVG of a weekday × hour grid (hour labels, weekday labels, one cell per hour, darker
    for more, ``tip(day, hour, seconds)`` on hover) and the (day, hour) of its busiest cell."""
    cell = (WIDTH - LEFT - 20) / 24
    parts = []
    for hour in range(0, 24, 3):
        parts.append(
            f'<text class="muted" x="{num(LEFT + hour * cell + cell / 2)}" y="{TOP - 4}" '
            f'text-anchor="middle">{hour:02d}</text>'
        )
    best = (0, 0)
    for day, row in enumerate(matrix):
        y = TOP + day * CELL_HEIGHT
        parts.append(
            f'<text x="{LEFT - 8}" y="{num(y + CELL_HEIGHT / 2 + 2)}" '
            f'text-anchor="end">{WEEKDAYS[day]}</text>'
        )
        for hour, seconds in enumerate(row):
            x = LEFT + hour * cell
            if seconds > matrix[best[0]][best[1]]:
                best = (day, hour)
            box = (
                f'x="{num(x + GAP / 2)}" y="{num(y + GAP / 2)}" width="{num(cell - GAP)}" '
                f'height="{CELL_HEIGHT - GAP}" rx="2"'
            )
            if seconds <= 0:
                parts.append(f'<rect class="empty" {box}/>')
                continue
            strength = 0.15 + 0.85 * seconds / peak
            parts.append(
                f'<rect class="cell" {box} fill="{ACCENT}" fill-opacity="{strength:.2f}">'
                f"<title>{text(tip(day, hour, seconds))}</title></rect>"
            )
    return parts, best
