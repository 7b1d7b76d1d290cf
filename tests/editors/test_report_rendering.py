"""The HTML and Markdown reports in a real browser (headless Chromium), light and dark: the
charts are drawn, the text is readable, and the page asks for nothing from the network.

The reports are made the way a user makes them: two real repositories (``shop`` on main and on
``feature/cart``, ``site`` on main) with commits over the last days, imported with ``devfocus
import`` and reported with ``devfocus report --period week --format html|markdown`` into an empty
data directory. The Markdown becomes HTML through markdown-it (the engine of VS Code's Markdown
preview) with raw HTML allowed, as the preview allows it, in a page that only says it supports
both colour schemes. Screenshots of every page and chart are kept in
``.test-artifacts/reports/``.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from devfocus.insights.charts.svg import PALETTE
from tests.artifacts import artifacts_dir
from tests.cli.test_cli import devfocus as run_devfocus
from tests.repos import git

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Chromium runs on Linux here")

SCHEMES = ("light", "dark")
CHARTS = ("timeline", "projects", "heatmap", "deepwork")
MIN_CONTRAST = 4.5  # WCAG AA for body text
SCHEME = "matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'"


# -- the reports --------------------------------------------------------------------------------
def at(days_back: int, clock: str) -> datetime:
    day = datetime.now(timezone.utc).date() - timedelta(days=days_back)
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=timezone.utc)


def commits(repo: Path, day: int, start: str, count: int, every: int = 12) -> None:
    """``count`` commits ``every`` minutes apart from ``start`` on day ``-day``: one session."""
    first = at(day, start)
    for i in range(count):
        moment = first + timedelta(minutes=i * every)
        with (repo / "notes.txt").open("a") as out:
            out.write(f"{moment:%H:%M}\n")
        git(repo, "add", "notes.txt")
        git(repo, "commit", "-q", "-m", f"Work on step {i} of the day", date=moment.isoformat())


def devfocus(data_dir: Path, *args: str) -> str:
    """What the CLI prints, run as a user runs it; it must succeed."""
    done = run_devfocus(data_dir, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def artifacts() -> Path:
    return artifacts_dir("reports", fresh=True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> dict[str, Path]:
    """The two reports as pages a browser opens (``html``, ``markdown``), and the data
    directory they were made from (``data``)."""
    root = tmp_path_factory.mktemp("reports")
    shop, site = root / "shop", root / "site"
    for repo in (shop, site):
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        git(repo, "config", "user.email", "dev@example.com")
    commits(shop, 4, "09:00", 10)  # 09:00-10:48 plus the half hour before: deep work
    git(shop, "checkout", "-q", "-b", "feature/cart", date=at(3, "08:00").isoformat())
    commits(shop, 3, "09:00", 6)
    commits(site, 3, "14:00", 8)
    commits(site, 2, "10:00", 5)
    git(shop, "checkout", "-q", "main", date=at(2, "12:00").isoformat())
    commits(shop, 2, "13:00", 9)
    data = root / "data"
    for repo in (shop, site):
        devfocus(data, "import", str(repo))
    html = devfocus(data, "report", "--period", "week", "--format", "html")
    markdown = devfocus(data, "report", "--period", "week", "--format", "markdown")
    (artifacts / "report.html").write_text(html)
    (artifacts / "report.md").write_text(markdown)

    from markdown_it import MarkdownIt  # the test extra; VS Code's preview uses markdown-it

    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    preview = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="color-scheme" content="light dark"><title>preview</title>'
        # The theme's own colours, as a preview has them: the system colours of the scheme.
        "<style>html{background:Canvas;color:CanvasText}</style></head>"
        f"<body>{body}</body></html>"
    )
    out = {
        "html": root / "report.html",
        "markdown": root / "report-markdown.html",
        "data": data,
    }
    out["html"].write_text(html)
    out["markdown"].write_text(preview)
    return out


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in the scheme the test asks for, refusing (and remembering) every request that
    is not for a local file."""
    context = browser.new_context(
        color_scheme=request.param, viewport={"width": 900, "height": 900}
    )
    page = context.new_page()
    page.network = []  # type: ignore[attr-defined]

    def refuse(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            page.network.append(url)
            route.abort()

    page.route("**/*", refuse)
    try:
        yield page
    finally:
        context.close()


# -- pixels and colours -------------------------------------------------------------------------
def pixels(png: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        chunk = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and interlace == 0 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        kind, data = line[0], bytearray(line[1:])
        for x in range(stride):
            left = data[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                data[x] = (data[x] + left) & 255
            elif kind == 2:
                data[x] = (data[x] + up) & 255
            elif kind == 3:
                data[x] = (data[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                near = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                data[x] = (data[x] + near) & 255
        rows.append(data)
        previous = data
    out = [(row[x], row[x + 1], row[x + 2]) for row in rows for x in range(0, stride, channels)]
    return width, height, out


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def css_rgb(value: str) -> tuple[int, int, int]:
    """``rgb(31, 35, 40)`` (a computed colour) as a tuple."""
    inside = value[value.index("(") + 1 : value.index(")")]
    r, g, b = (round(float(part)) for part in inside.replace(",", " ").split()[:3])
    return r, g, b


def hex_rgb(value: str) -> tuple[int, int, int]:
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def check_drawn(png: bytes, scheme: str, name: str, coloured: bool) -> None:
    """The chart's card follows the scheme, and on it there is ink: the marks in their colours,
    and text that stands out from the card."""
    width, height, image = pixels(png)
    card, _ = Counter(image).most_common(1)[0]
    if scheme == "dark":
        assert luminance(card) < 0.05, f"{name}: a light card {card} in the dark scheme"
    else:
        assert luminance(card) > 0.85, f"{name}: a dark card {card} in the light scheme"
    ink = [p for p in image if max(abs(a - b) for a, b in zip(p, card, strict=True)) > 40]
    # A card with its title alone is about 0.2% ink; a chart with its axes and marks far more.
    assert len(ink) > 0.01 * width * height, f"{name}: almost nothing drawn ({len(ink)} pixels)"
    best = max(contrast(p, card) for p in ink)
    assert best >= MIN_CONTRAST, f"{name}: the text reaches only {best:.1f}:1 on its card"
    if coloured:
        present = {
            colour
            for colour in PALETTE
            if any(
                max(abs(a - b) for a, b in zip(p, hex_rgb(colour), strict=True)) < 10
                for p in ink[::7]
            )
        }
        assert len(present) >= 2, f"{name}: the series colours are missing ({present})"


# -- the tests ----------------------------------------------------------------------------------
@pytest.mark.parametrize("page", SCHEMES, indirect=True)
def test_html_report_draws_its_charts_readably(
    page: Any, pages: dict[str, Path], artifacts: Path
) -> None:
    page.goto(pages["html"].as_uri())
    scheme = page.evaluate(SCHEME)
    page.screenshot(path=str(artifacts / f"html-{scheme}.png"), full_page=True)
    assert page.network == []
    keys = page.eval_on_selector_all("svg.devfocus-chart", "all => all.map(s => s.id)")
    assert keys == [f"df-{key}" for key in CHARTS]
    # Body text on the page's background.
    fg = css_rgb(page.eval_on_selector("body", "e => getComputedStyle(e).color"))
    bg = css_rgb(page.eval_on_selector("html", "e => getComputedStyle(e).backgroundColor"))
    assert contrast(fg, bg) >= MIN_CONTRAST
    assert (luminance(bg) < 0.05) == (scheme == "dark")
    for key in CHARTS:
        chart = page.locator(f"#df-{key}")
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, key
        # Every label of the chart on its card, as the browser computed them.
        text = css_rgb(chart.locator("text").first.evaluate("e => getComputedStyle(e).fill"))
        card = css_rgb(chart.locator("rect.card").evaluate("e => getComputedStyle(e).fill"))
        assert contrast(text, card) >= MIN_CONTRAST, key
        marks = chart.locator("rect.span, rect.bar, rect.cell").count()
        assert marks > 0, key
        png = chart.screenshot(path=str(artifacts / f"html-{scheme}-{key}.png"))
        check_drawn(png, scheme, key, coloured=key in ("timeline", "projects"))


@pytest.mark.parametrize("page", SCHEMES, indirect=True)
def test_markdown_report_draws_its_charts_readably(
    page: Any, pages: dict[str, Path], artifacts: Path
) -> None:
    page.goto(pages["markdown"].as_uri())
    scheme = page.evaluate(SCHEME)
    page.screenshot(path=str(artifacts / f"markdown-{scheme}.png"), full_page=True)
    assert page.network == []
    images = page.locator("img")
    assert images.count() == len(CHARTS)
    fg = css_rgb(page.eval_on_selector("body", "e => getComputedStyle(e).color"))
    bg = css_rgb(page.eval_on_selector("html", "e => getComputedStyle(e).backgroundColor"))
    assert contrast(fg, bg) >= MIN_CONTRAST
    for i, key in enumerate(CHARTS):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        loaded = image.evaluate("e => e.complete && e.naturalWidth")
        assert loaded == 720, f"{key}: the image did not load ({loaded})"
        assert image.get_attribute("alt"), key
        png = image.screenshot(path=str(artifacts / f"markdown-{scheme}-{key}.png"))
        check_drawn(png, scheme, key, coloured=key in ("timeline", "projects"))
    # The tables of the report are there too, as tables.
    assert page.locator("table").count() >= 3


def test_every_format_from_the_command_line_tells_the_same_totals(pages: dict[str, Path]) -> None:
    import csv
    import io
    import json

    data = pages["data"]
    as_json = json.loads(devfocus(data, "report", "--period", "week", "--format", "json"))
    rows = list(
        csv.DictReader(io.StringIO(devfocus(data, "report", "--period", "week", "--format", "csv")))
    )
    text = devfocus(data, "report", "--period", "week", "--format", "text")
    assert as_json["schema"] == "devfocus.report/2"
    focus = as_json["focusSeconds"]
    assert focus > 4 * 3600
    assert int(rows[0]["seconds"]) == focus
    for kind in ("day", "project", "session"):
        assert sum(int(r["seconds"]) for r in rows if r["record"] == kind) == focus, kind
    assert sum(1 for r in rows if r["record"] == "commit") == as_json["commitCount"] == 38
    assert sum(map(sum, as_json["focusByHour"])) == focus
    assert [p["label"] for p in as_json["byProject"]] == ["shop", "site"]
    assert "<svg" not in text and "shop" in text
