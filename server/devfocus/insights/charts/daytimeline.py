"""The day as a timeline: one row per day, the sessions' spans coloured by context (pure)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import Any

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
from devfocus.insights.focusreport import Report, Share
from devfocus.timeutil import day_bounds

MAX_DAYS = 14  # rows drawn; a longer period shows its last active days
ROW = 24
BAR = 16
LEFT = 96
RIGHT = 20
TOP = 44


def _hour_of(t: float, tz: tzinfo | None, day: date) -> float:
    """Hours since ``day``'s midnight as the clock reads them (24 for the next midnight)."""
    moment = datetime.fromtimestamp(t, tz)
    if moment.date() != day:
        return 24.0
    return moment.hour + moment.minute / 60 + (moment.second + moment.microsecond / 1e6) / 3600


def timeline_chart(report: Report, tz: tzinfo | None = None) -> Chart | None:
    """None when the report has no session to draw."""
    if not report.spans:
        return None
    days = list(report.period.days)
    bounds = [day_bounds(d, tz) for d in days]
    rows: dict[int, list[Piece]] = defaultdict(list)
    d = 0
    for span in report.spans:
        start = span.start
        while d < len(days) - 1 and bounds[d][1] <= start:
            d += 1
        i = d
        while i < len(days) and start < span.end:  # a span across midnight: one piece a day
            cut = min(span.end, bounds[i][1])
            share = (cut - start) / (span.end - span.start) if span.end > span.start else 1.0
            day = days[i]
            rows[i].append(
                (
                    _hour_of(start, tz, day),
                    _hour_of(cut, tz, day),
                    span.branch,
                    span.focus_seconds * share,
                )
            )
            start = cut
            i += 1
    shown = sorted(rows)[-MAX_DAYS:]
    first = min(p[0] for i in shown for p in rows[i])
    last = max(p[1] for i in shown for p in rows[i])
    lo, hi = math.floor(first), math.ceil(last)
    if hi - lo < 4:  # a short day still gets a readable axis
        lo, hi = max(0, min(lo, hi - 4)), max(hi, min(24, lo + 4))
    plot = WIDTH - LEFT - RIGHT
    scale = plot / (hi - lo)

    branches = report.by_branch
    palette = colours(len(branches))
    used: dict[int | None, float] = defaultdict(float)
    parts = []
    step = 1 if hi - lo <= 12 else 2 if hi - lo <= 24 else 4
    axis_y = TOP + len(shown) * ROW
    for h in range(lo, hi + 1, step):
        x = LEFT + (h - lo) * scale
        parts.append(
            f'<line class="grid" x1="{num(x)}" y1="{TOP - 4}" x2="{num(x)}" y2="{num(axis_y)}"/>'
            f'<text class="muted" x="{num(x)}" y="{num(axis_y + 16)}" '
            f'text-anchor="middle">{h:02d}:00</text>'
        )
    for row, i in enumerate(shown):
        y = TOP + row * ROW
        parts.append(
            f'<text x="{LEFT - 10}" y="{num(y + BAR - 3)}" text-anchor="end">'
            f"{days[i]:%a %d %b}</text>"
        )
        for _, _, branch, seconds in rows[i]:
            used[branch] += seconds
        for start_h, end_h, branch, seconds in _runs(rows[i], 1 / scale):
            colour = OTHER if branch is None else palette[branch]
            label = "(no project)" if branch is None else branches[branch].label
            x = LEFT + (start_h - lo) * scale
            width = max(1.0, (end_h - start_h) * scale)
            tip = f"{_clock(start_h)}–{_clock(end_h)} {label}, {duration(seconds)}"
            parts.append(
                f'<rect class="span" x="{num(x)}" y="{num(y)}" width="{num(width)}" '
                f'height="{BAR}" fill="{colour}"><title>{text(tip)}</title></rect>'
            )
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{num(axis_y)}" x2="{num(LEFT + plot)}" '
        f'y2="{num(axis_y)}"/>'
    )
    items = _legend_items(used, branches, palette)
    legend_svg, legend_height = legend(items, LEFT, axis_y + 40, plot)
    parts.append(legend_svg)
    height = axis_y + 40 + legend_height + 4

    top = sorted(((s, b) for b, s in used.items()), key=lambda p: -p[0])[:3]
    named = ", ".join(
        f"{'(no project)' if b is None else branches[b].label} {duration(s)}" for s, b in top
    )
    busiest = max(shown, key=lambda i: sum(p[3] for p in rows[i]))
    days_text = f"{len(shown)} day" + ("s" if len(shown) != 1 else "")
    desc = (
        f"Sessions of {days_text} from {lo:02d}:00 to {hi:02d}:00, coloured by project and "
        f"branch. Most time: {named}. Busiest day: {days[busiest]:%a %d %b}, "
        f"{duration(sum(p[3] for p in rows[busiest]))}."
    )
    if len(rows) > len(shown):
        desc += f" The last {len(shown)} of {len(rows)} active days are shown."
    return document("timeline", WIDTH, height, "The day, session by session", desc, "".join(parts))


Piece = tuple[float, float, int | None, float]  # start and end hour, branch row, seconds


def _runs(pieces: Sequence[Piece], pixel: float) -> list[Piece]:
    """The bars of one day: pieces of the same context less than a pixel (``pixel`` hours)
    apart drawn as one bar, and a piece thinner than a pixel beside another context's bar left
    out (its time still counts in the legend and the text alternative). A week of two editor
    windows is thousands of pieces; the picture is a few dozen bars."""
    runs: list[list[Any]] = []
    for start, end, branch, seconds in pieces:
        last = runs[-1] if runs else None
        near = last is not None and start - last[1] < pixel
        if last is not None and near and last[2] == branch:
            last[1], last[3] = max(last[1], end), last[3] + seconds
        elif end - start >= pixel or not near:
            runs.append([start, end, branch, seconds])
    return [(a, b, c, d) for a, b, c, d in runs]


def _clock(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _legend_items(
    used: dict[int | None, float], branches: Sequence[Share], palette: Sequence[str]
) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    other = False
    for b in sorted(k for k in used if k is not None):
        if palette[b] == OTHER:
            other = True
        else:
            items.append((branches[b].label, palette[b]))
    if other or None in used:
        items.append(("other" if None not in used else "other / no project", OTHER))
    return items
