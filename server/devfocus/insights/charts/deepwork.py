"""The share of focus that was deep work, week by week (pure)."""

from __future__ import annotations

from devfocus.insights.charts.svg import ACCENT, WIDTH, Chart, document, duration, num, text
from devfocus.insights.focusreport import Report

LEFT = 56
RIGHT = 20
TOP = 44
PLOT_HEIGHT = 140


def deep_work_chart(report: Report) -> Chart | None:
    """None when no week of the report had focus, or the report is of one day."""
    weeks = report.by_week
    if len(report.period.days) < 2:
        return None
    if not any(w.focus_seconds > 0 for w in weeks):
        return None
    plot = WIDTH - LEFT - RIGHT
    slot = plot / len(weeks)
    bar = max(2.0, min(48.0, slot * 0.6))
    base = TOP + PLOT_HEIGHT
    parts = []
    for share in (0, 25, 50, 75, 100):
        y = base - share / 100 * PLOT_HEIGHT
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{num(y)}" x2="{num(LEFT + plot)}" y2="{num(y)}"/>'
            f'<text class="muted" x="{LEFT - 6}" y="{num(y + 4)}" text-anchor="end">{share}%</text>'
        )
    every = max(1, -(-len(weeks) * 60 // plot))
    labelled = len(weeks) <= 16  # room for the percentage over each bar
    for i, w in enumerate(weeks):
        x = LEFT + i * slot + (slot - bar) / 2
        height = w.deep_work_share * PLOT_HEIGHT
        tip = (
            f"Week of {w.week:%d %b %Y}: {w.deep_work_share:.0%} deep work "
            f"({duration(w.deep_work_seconds)} of {duration(w.focus_seconds)})"
        )
        parts.append(
            f'<rect class="empty" x="{num(x)}" y="{TOP}" width="{num(bar)}" '
            f'height="{PLOT_HEIGHT}"/>'
            f'<rect class="bar" x="{num(x)}" y="{num(base - height)}" width="{num(bar)}" '
            f'height="{num(height)}" fill="{ACCENT}"><title>{text(tip)}</title></rect>'
        )
        if labelled and w.focus_seconds > 0:
            parts.append(
                f'<text x="{num(x + bar / 2)}" y="{num(base - height - 4)}" '
                f'text-anchor="middle">{w.deep_work_share:.0%}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text class="muted" x="{num(x + bar / 2)}" y="{base + 16}" '
                f'text-anchor="middle">{w.week:%d %b}</text>'
            )
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{num(LEFT + plot)}" y2="{base}"/>'
    )
    height = base + 28
    focus = sum(w.focus_seconds for w in weeks)
    deep = sum(w.deep_work_seconds for w in weeks)
    shares = ", ".join(f"week of {w.week:%d %b} {w.deep_work_share:.0%}" for w in weeks[-4:])
    desc = (
        f"Deep work as a share of focus, per week (Monday first): {deep / focus:.0%} over the "
        f"period ({duration(deep)} of {duration(focus)}). Latest weeks: {shares}."
    )
    return document(
        "deepwork", WIDTH, height, "Deep work, share of focus per week", desc, "".join(parts)
    )
