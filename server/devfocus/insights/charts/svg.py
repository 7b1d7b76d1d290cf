"""What every chart shares: escaping, numbers, the palette and the frame (pure).

A chart is a standalone SVG document: a ``<title>`` and a ``<desc>`` (its text alternative), no
external reference, the same bytes for the same report. It is drawn on its own card: the card's
background and the text colour (``currentColor``) change together with ``prefers-color-scheme``,
so the text stays readable whether the page around it is light or dark, and whether the chart is
inline in an HTML page or an image in a Markdown preview. The series colours are mid-tones that
hold on both backgrounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 720
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"  # the reader's own fonts
# Tableau 10: distinct hues of middle lightness, legible on white and on near-black.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#9c755f",
)
OTHER = "#8c8c8c"  # the rest, and time outside any project
ACCENT = "#3b82f6"  # the heatmap's one hue and the deep-work bars
LEGEND_MAX = len(PALETTE)  # series with a colour of their own; the rest are "other"


@dataclass(frozen=True)
class Chart:
    key: str  # "timeline", "projects", "heatmap", "deepwork": also the id of its SVG
    title: str
    description: str  # the text alternative: what the chart shows, in words and figures
    svg: str  # a standalone SVG document (with its namespace)

    def inline(self) -> str:
        """The SVG for an HTML page: the HTML parser knows the namespace, so it is left out
        (an HTML report names no address at all)."""
        return self.svg.replace(f' xmlns="{SVG_NS}"', "", 1)


def text(value: str) -> str:
    """``value`` safe as element text or an attribute value."""
    return escape(value, quote=True)


def num(value: float) -> str:
    """A coordinate: one decimal, no trailing zero, never ``-0``."""
    rounded = round(value, 1)
    if rounded == 0:
        return "0"
    return f"{rounded:.1f}".rstrip("0").rstrip(".")


def clip_label(label: str, width: int = 36) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def style(key: str) -> str:
    """The card and its colours, scoped to this chart's id (an inline SVG's style sheet applies
    to the whole page it is in)."""
    root = f"#df-{key}"
    return (
        f"<style>{root}{{color:#1f2328}}"
        f"{root} .card{{fill:#ffffff;stroke:#d0d7de}}"
        f"{root} text{{fill:currentColor;font-family:{FONT};font-size:12px}}"
        f"{root} .muted{{fill-opacity:.75}}"
        f"{root} .axis{{stroke:currentColor;stroke-opacity:.35;fill:none}}"
        f"{root} .grid{{stroke:currentColor;stroke-opacity:.12;fill:none}}"
        f"{root} .empty{{fill:currentColor;fill-opacity:.06}}"
        "@media (prefers-color-scheme: dark){"
        f"{root}{{color:#e6edf3}}{root} .card{{fill:#0d1117;stroke:#30363d}}}}"
        "</style>"
    )


def document(key: str, width: float, height: float, title: str, desc: str, body: str) -> Chart:
    """The chart ``key``: its SVG document around ``body``."""
    svg = (
        f'<svg xmlns="{SVG_NS}" id="df-{key}" class="devfocus-chart" role="img" '
        f'width="{num(width)}" height="{num(height)}" viewBox="0 0 {num(width)} {num(height)}" '
        f'aria-labelledby="df-{key}-title df-{key}-desc">'
        f'<title id="df-{key}-title">{text(title)}</title>'
        f'<desc id="df-{key}-desc">{text(desc)}</desc>'
        f"{style(key)}"
        f'<rect class="card" x="0.5" y="0.5" width="{num(width - 1)}" '
        f'height="{num(height - 1)}" rx="6"/>'
        f'<text x="16" y="24" font-weight="600" style="font-size:14px">{text(title)}</text>'
        f"{body}</svg>"
    )
    return Chart(key, title, desc, svg)


def legend(items: list[tuple[str, str]], x: float, y: float, width: float) -> tuple[str, float]:
    """Swatches and labels in rows from (x, y) within ``width``; returns the SVG and the height
    it took."""
    parts = []
    cx, cy = x, y
    for label, colour in items:
        shown = clip_label(label, 32)
        advance = 18 + 7 * len(shown) + 16  # a swatch, the label at ~7 px a character, a gap
        if cx > x and cx + advance > x + width:
            cx, cy = x, cy + 18
        parts.append(
            f'<rect x="{num(cx)}" y="{num(cy - 9)}" width="10" height="10" rx="2" '
            f'fill="{colour}"/><text x="{num(cx + 14)}" y="{num(cy)}">{text(shown)}</text>'
        )
        cx += advance
    return "".join(parts), (cy - y + 18 if items else 0)


def colours(count: int) -> list[str]:
    """The colour of each of ``count`` series, in rank order: the first ones get the palette,
    the rest are "other"."""
    return [
        PALETTE[i] if i < LEGEND_MAX - 1 or count <= LEGEND_MAX else OTHER for i in range(count)
    ]


def duration(seconds: float) -> str:
    """``1h 05m``, ``12m``, ``40s`` (as the reports write it)."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
