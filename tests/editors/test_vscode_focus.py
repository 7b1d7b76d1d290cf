"""A focus block in a real VS Code (code-server, headless Chromium), from the .vsix that
``npm run package`` builds: Start Focus Block from the palette puts a countdown with its own
look in the status bar, the tooltip says when the block ends, and Stop Focus Block takes it away.

Each step leaves a screenshot in ``.test-artifacts/vscode/test_vscode_focus/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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
from tests.repos import init_repo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="code-server runs on Linux here")

COUNTDOWN = re.compile(r"^(\d+):(\d\d) focus\b")


@pytest.fixture(scope="module")
def page(
    browser: Any,
    vscode_install: VSCodeInstall,
    vscode_artifacts: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Any, Steps]]:
    """A VS Code window on a git repository holding ``app.py``."""
    home = tmp_path_factory.mktemp("vscode-focus")
    workspace = init_repo(home / "shop", files={"app.py": "def total(prices):\n    return 0\n"})
    env = {**os.environ, "DEVFOCUS_DATA_DIR": str(home / "data"), "HOME": str(home)}
    steps = Steps(vscode_artifacts)
    with vscode_window(browser, vscode_install, workspace, home, env, steps) as window:
        yield window, steps


def test_a_focus_block_counts_down_in_the_status_bar(page: tuple[Any, Steps]) -> None:
    window, steps = page
    step = steps.step
    with step("the DevFocus item is in the status bar"):
        window.locator(STATUS_ITEM).wait_for()
        # A status from the server: the session clock (the window has focus) or today's total.
        wait_for(
            lambda: CLOCK.match(item_text(window)) or "today" in item_text(window),
            lambda: f"no status in the status bar: {item_text(window)!r}",
            60,
        )
    with step("run Start Focus Block from the palette"):
        palette(window, "DevFocus: Start Focus Block")
    with step("a 25-minute countdown shows, with the block's own look"):
        first = wait_for(
            lambda: COUNTDOWN.match(item_text(window)),
            lambda: f"no focus countdown in the status bar: {item_text(window)!r}",
            30,
        )
        assert 24 * 60 < _seconds(first) <= 25 * 60  # devfocus.focusBlock.minutes: 25
        assert window.locator(f"{STATUS_ITEM} .codicon-target").count() == 1
        assert "color" in _label_style(window)  # its own colour (charts.blue)
    with step("the countdown goes down"):
        later = wait_for(
            lambda: (
                (match := COUNTDOWN.match(item_text(window)))
                and _seconds(match) < _seconds(first)
                and match
            ),
            "the countdown did not go down",
            5,
        )
        assert _seconds(later) < _seconds(first)
    with step("the tooltip says until when"):
        hover = status_tooltip(window, "Focus block")
        assert re.search(r"Focus block until \d\d:\d\d", hover.inner_text())
    with step("run Stop Focus Block from the palette"):
        window.mouse.move(700, 450)  # away from the item: its hover would cover the palette
        palette(window, "DevFocus: Stop Focus Block")
        wait_for(
            lambda: not COUNTDOWN.match(item_text(window)),
            "the countdown stayed after Stop Focus Block",
            15,
        )
        assert window.locator(f"{STATUS_ITEM} .codicon-target").count() == 0


def _label_style(window: Any) -> str:
    """The inline style VS Code gives the item's label: its colour, when the item has one."""
    return str(window.locator(f"{STATUS_ITEM} .statusbar-item-label").get_attribute("style") or "")


def _seconds(match: re.Match[str]) -> int:
    return int(match.group(1)) * 60 + int(match.group(2))
