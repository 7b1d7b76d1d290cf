"""Reports and insights in a real VS Code (code-server, headless Chromium), with the extension
installed from the .vsix that ``npm run package`` builds: the week report opens rendered in a
webview with its charts drawn, not as Markdown source; the insights open in a quick pick, and
picking one shows its evidence.

The data directory holds, before VS Code starts, half an hour of edits in the workspace on each
of the five days before today and two hours without a break ending five minutes ago (a long
stretch: an insight), and a daily focus goal is set. Each step leaves a screenshot in
``.test-artifacts/vscode/test_vscode_reports/``; the item's tooltip and the report are also saved
in ``.test-artifacts/vscode/marketplace/`` for the extension's README
(scripts/update_screenshots.py).
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.editors.test_vscode import marketplace_shot, region
from tests.editors.vscode import (
    CLOCK,
    STATUS_ITEM,
    Steps,
    VSCodeInstall,
    item_text,
    palette,
    status_tooltip,
    vscode_window,
    wait_for,
)
from tests.lsp.test_status import seed_edits
from tests.repos import init_repo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="code-server runs on Linux here")

# What a drawn chart is made of: an SVG with a size and shapes in it.
DRAWN_SVGS = """svgs => svgs.map(svg => {
  const box = svg.getBoundingClientRect();
  return {
    width: box.width,
    height: box.height,
    shapes: svg.querySelectorAll('rect, path, circle, line, polyline, polygon').length,
    title: (svg.querySelector('title') || {}).textContent || '',
  };
})"""


@dataclass(frozen=True)
class Workbench:
    page: Any
    workspace: Path
    data: Path
    steps: Steps


@pytest.fixture(scope="module")
def workbench(
    browser: Any,
    vscode_install: VSCodeInstall,
    vscode_artifacts: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Workbench]:
    home = tmp_path_factory.mktemp("vscode-reports")
    workspace = init_repo(home / "shop", files={"app.py": "def total(prices):\n    return 0\n"})
    data = home / "data"
    now = time.time()
    for days_back in range(1, 6):
        seed_edits(data, workspace, "main", start=now - days_back * 86400, minutes=30)
    seed_edits(data, workspace, "main", start=now - 125 * 60, minutes=120)
    env = {**os.environ, "DEVFOCUS_DATA_DIR": str(data), "HOME": str(home)}
    steps = Steps(vscode_artifacts)
    # A daily goal, so the README's picture of the tooltip shows one.
    goal = {"devfocus.goals.dailyFocusMinutes": 240}
    with vscode_window(browser, vscode_install, workspace, home, env, steps, settings=goal) as page:
        yield Workbench(page, workspace, data, steps)


def report_frame(page: Any, heading: str) -> Any:
    """The webview frame whose page is headed ``heading``."""

    def has_heading(frame: Any) -> bool:
        try:
            return bool(frame.locator("h1", has_text=heading).count())
        except Exception:  # a frame that navigated away or is not ready yet
            return False

    return wait_for(
        lambda: next((f for f in page.frames if has_heading(f)), None),
        f"no webview shows a page headed {heading!r}",
        60,
    )


def test_the_week_report_opens_rendered_with_its_charts(workbench: Workbench) -> None:
    page, step = workbench.page, workbench.steps.step
    with step("the DevFocus server is running"):
        # The session seeded until five minutes ago is still on: the item shows its clock once
        # the server answered (the palette offers the report commands from then on).
        page.locator(STATUS_ITEM).wait_for()
        wait_for(
            lambda: CLOCK.match(item_text(page)),
            lambda: f"the DevFocus item shows no session clock: {item_text(page)!r}",
            90,
        )
    with step("hovering the item shows today's focus in its tooltip"):
        item = page.locator(STATUS_ITEM)
        tooltip = status_tooltip(page, "Today's focus")
        # The README's picture of the status bar: its left end and the tooltip above it. VS
        # Code draws the hover again now and then (the item's text changes every second), so
        # the picture counts when the tooltip was in place before and after it.
        left_end = {"x": 12, "y": page.viewport_size["height"] - 12, "width": 0, "height": 0}

        def picture_taken() -> bool:
            box = tooltip.bounding_box()
            if box is None:
                return False
            clip = region(page, left_end, item.bounding_box(), box, pad=12)
            marketplace_shot(page, "status-bar", clip)
            return tooltip.bounding_box() == box

        wait_for(picture_taken, "the tooltip did not stay in place for a picture", 15)
        page.mouse.move(700, 400)  # away, so the tooltip closes before the palette opens
        page.keyboard.press("Escape")
        tooltip.wait_for(state="hidden")
    with step("run Show Weekly Report from the palette"):
        palette(page, "DevFocus: Show Weekly Report")
        page.locator('.tab[aria-label^="DevFocus — Last 7 days"]').first.wait_for()
    with step("the report is rendered in a webview, its charts drawn"):
        frame = report_frame(page, "DevFocus — Last 7 days")
        frame.locator("svg").first.wait_for()
        charts = frame.locator("svg").evaluate_all(DRAWN_SVGS)
        drawn = [c for c in charts if c["width"] > 0 and c["height"] > 0 and c["shapes"] > 0]
        assert len(drawn) >= 2, charts
        assert "shop" in frame.inner_text("body")
        policy = frame.locator('meta[http-equiv="Content-Security-Policy"]').first
        assert "default-src 'none'" in (policy.get_attribute("content") or "")
        # The README's picture of a report: the panel, from its tab down to the first chart.
        panel = page.locator(".part.editor").bounding_box()
        chart = frame.locator("figure.chart").first.bounding_box()
        bottom = min(chart["y"] + chart["height"] + 16, panel["y"] + panel["height"])
        marketplace_shot(page, "report", {**panel, "height": bottom - panel["y"]})
    with step("no Markdown source, no browser was asked for"):
        assert page.locator('.tab[aria-label*=".md"]').count() == 0
        assert not page.locator(".monaco-dialog-box").is_visible()
    with step("the report file is private"):
        [report] = (workbench.data / "reports").glob("devfocus-report-week-*.html")
        assert stat.S_IMODE(report.stat().st_mode) == 0o600


def test_the_insights_open_in_a_quick_pick_with_their_evidence(workbench: Workbench) -> None:
    page, step = workbench.page, workbench.steps.step
    with step("run Show Insights from the palette"):
        palette(page, "DevFocus: Show Insights")
        row = page.locator(".quick-input-list .monaco-list-row", has_text="without a break")
        row.first.wait_for()
        assert page.locator(".quick-input-title", has_text="DevFocus: Insights").is_visible()
    with step("pick the long stretch: its evidence opens"):
        row.first.click()
        page.locator('.tab[aria-label^="long-stretch.md"]').first.wait_for()
        text = page.locator(".monaco-editor .view-lines", has_text="long-stretch").first
        text.wait_for()
        shown = text.inner_text().replace("\xa0", " ")  # the editor renders spaces as nbsp
        assert "## Numbers" in shown and "thresholdMinutes" in shown
