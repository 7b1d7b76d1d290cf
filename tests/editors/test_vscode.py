"""The extension in a real VS Code (code-server, headless Chromium), installed from the .vsix that
``npm run package`` builds: the timer appears and advances while typing, the palette shows today's
report, the lightbulb writes a docstring to disk, and pausing changes the item's look.

The tests run in order on one window, as a person would use it. Each step leaves a screenshot
in ``.test-artifacts/vscode/test_vscode/``; a failing one names its step and its screenshot.
The lightbulb's menu is also saved in ``.test-artifacts/vscode/marketplace/`` for the extension's
README (scripts/update_screenshots.py).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.artifacts import artifacts_dir
from tests.editors.vscode import (
    CLOCK,
    STATUS_ITEM,
    Steps,
    VSCodeInstall,
    go_to_line,
    item_text,
    open_file,
    palette,
    server_pids,
    vscode_window,
    wait_for,
)
from tests.repos import git, init_repo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="code-server runs on Linux here")

APP = '''"""Checkout arithmetic."""


def total(prices, discount=0.0):
    return sum(prices) * (1 - discount)
'''


@dataclass(frozen=True)
class Workbench:
    page: Any
    workspace: Path
    data: Path  # DevFocus's data directory
    steps: Steps


@pytest.fixture(scope="module")
def workbench(
    browser: Any,
    vscode_install: VSCodeInstall,
    vscode_artifacts: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Workbench]:
    """A VS Code window on a git repository holding ``app.py``."""
    home = tmp_path_factory.mktemp("vscode")
    workspace = init_repo(home / "shop", files={"app.py": APP})
    git(workspace, "commit", "-q", "--allow-empty", "-m", "Add checkout", date="2026-11-20T10:00Z")
    data = home / "data"
    env = {**os.environ, "DEVFOCUS_DATA_DIR": str(data), "HOME": str(home)}
    steps = Steps(vscode_artifacts)
    # The LSP messages in the output channel, whose tail a failing step quotes: which request
    # was sent, and whether and when it was answered.
    settings = {"devfocus.trace.server": "messages"}
    with vscode_window(
        browser, vscode_install, workspace, home, env, steps, settings=settings
    ) as page:
        yield Workbench(page, workspace, data, steps)


@pytest.fixture
def workbench_without_python(
    browser: Any, vscode_install: VSCodeInstall, vscode_artifacts: Path, tmp_path: Path
) -> Iterator[Workbench]:
    """A VS Code window whose PATH has no python3 (and no Python extension)."""
    workspace = init_repo(tmp_path / "shop", files={"app.py": APP})
    bin_dir = tmp_path / "bin"  # git and node, but no Python
    bin_dir.mkdir()
    for tool in ("git", "node", "sh"):
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    # VS Code reads PATH from a login shell (which would find python3 again): this "shell"
    # runs the command it is given without reading any profile.
    shell = bin_dir / "plain-shell"
    shell.write_text('#!/bin/sh\nfor last; do :; done\nexec /bin/sh -c "$last"\n')
    shell.chmod(0o755)
    env = {
        **os.environ,
        "PATH": str(bin_dir),
        "SHELL": str(shell),
        "DEVFOCUS_DATA_DIR": str(tmp_path / "data"),
        "HOME": str(tmp_path),
    }
    steps = Steps(vscode_artifacts, prefix="no-python-")
    with vscode_window(browser, vscode_install, workspace, tmp_path, env, steps) as page:
        yield Workbench(page, workspace, tmp_path / "data", steps)


def test_the_timer_appears_and_advances_while_typing(workbench: Workbench) -> None:
    page, step = workbench.page, workbench.steps.step
    with step("the DevFocus item is in the status bar"):
        page.locator(STATUS_ITEM).wait_for()
    with step("type at the end of line 5 of app.py"):
        open_file(page, "app.py")
        go_to_line(page, 5)  # return sum(...)
        page.keyboard.press("End")
        page.keyboard.type("  # checked")
    with step("a session clock with the branch shows"):
        # The first status can come before the editor's document gives it a context (the
        # branch).
        first = wait_for(
            lambda: CLOCK.match(text := item_text(page)) and "main" in text and text,
            lambda: f"no session clock with the branch in the status bar: {item_text(page)!r}",
            60,
        )
    with step("the clock advances"):
        later = wait_for(
            lambda: (text := item_text(page)) != first and CLOCK.match(text) and text,
            f"the clock did not advance from {first!r}",
            5,
        )
        assert _seconds(later) > _seconds(first)
        tooltip = page.locator(STATUS_ITEM).get_attribute("aria-label") or ""
        assert "DevFocus" in tooltip


def test_todays_report_opens_from_the_palette(workbench: Workbench) -> None:
    page, step = workbench.page, workbench.steps.step
    with step("run Show Today's Report from the palette"):
        palette(page, "DevFocus: Show Today's Report")
        page.locator('.tab[aria-label^="DevFocus — Today"]').first.wait_for()
    with step("the report is rendered in its panel and shows today's project"):
        frame = wait_for(
            lambda: next((f for f in page.frames if _has_heading(f)), None),
            "the report panel did not render the report",
            30,
        )
        assert "shop" in frame.inner_text("body")
        assert page.locator('.tab[aria-label*=".md"]').count() == 0  # rendered, not source


def test_the_lightbulb_writes_a_docstring_to_disk(workbench: Workbench) -> None:
    page, workspace, step = workbench.page, workbench.workspace, workbench.steps.step
    with step("the lightbulb shows on the line of def total"):
        open_file(page, "app.py")
        palette(page, "View: Close Editors in Other Groups")  # the report's panel
        go_to_line(page, 4)  # def total(...)
        bulb = page.locator(".lightBulbWidget")
        bulb.wait_for()
    with step("the lightbulb offers Generate docstring"):
        bulb.click(force=True)  # it sits in the gutter, over the line numbers
        action = page.locator(".action-widget .monaco-list-row", has_text="Generate docstring for")
        action.first.wait_for()
        # The README's picture of the quick fix: the top of the editor (its tab, the code)
        # down to the menu.
        editor = page.locator(".part.editor").bounding_box()
        menu = page.locator(".action-widget").first.bounding_box()
        top_left = {"x": editor["x"] + 12, "y": editor["y"] + 12, "width": 620, "height": 0}
        # A hover the pointer left behind on its way (a tab's, a breadcrumb's) is not the
        # picture's subject.
        clip = region(page, top_left, menu, pad=12)
        marketplace_shot(page, "quick-fix", clip, hide=WORKBENCH_HOVERS)
    with step("apply Generate docstring and save"):
        docstring = page.locator(".monaco-editor .view-line", has_text='"""').nth(1)
        choose_generate_docstring(page)
        try:
            # Resolving the action waits at most the docs parser's first-call bound (libcst's
            # import), 90 s.
            docstring.wait_for(timeout=95_000)
        except Exception:
            # Seen only in a full CI run, twice: the chosen fix closed its menu and changed
            # nothing. A person would choose it again; so does the test, once, from the
            # keyboard (the failure then says the second choice did nothing either).
            if docstring.count() == 0:
                go_to_line(page, 4)
                page.keyboard.press("Control+.")
                page.locator(
                    ".action-widget .monaco-list-row", has_text="Generate docstring for"
                ).first.wait_for()
                choose_generate_docstring(page)
                docstring.wait_for(timeout=95_000)
        page.keyboard.press("Control+S")
    with step("the docstring is in the file on disk"):
        source = wait_for(
            lambda: (text := (workspace / "app.py").read_text()).count('"""') >= 4 and text,
            "the docstring did not reach the file on disk",
            20,
        )
        function = ast.parse(source).body[1]
        assert isinstance(function, ast.FunctionDef) and function.name == "total"
        docstring = ast.get_docstring(function) or ""
        assert "prices" in docstring and "discount" in docstring
        assert "# checked" in source  # the earlier typing is saved too, untouched


def choose_generate_docstring(page: Any) -> None:
    """Pick "Generate docstring for…" in the open quick-fix menu with the keyboard (while the
    menu opens, an overlay takes the pointer's clicks) and wait for the menu to close."""
    focused = page.locator(".action-widget .monaco-list-row.focused")
    for _ in range(10):
        if "Generate docstring for" in (focused.get_attribute("aria-label") or ""):
            break
        page.keyboard.press("ArrowDown")
    chosen = focused.get_attribute("aria-label") or ""
    assert "Generate docstring for" in chosen, f"the menu's keyboard focus is on {chosen!r}"
    page.keyboard.press("Enter")
    page.locator(".action-widget").first.wait_for(state="hidden", timeout=10_000)


def test_pausing_shows_the_paused_look(workbench: Workbench) -> None:
    page, step = workbench.page, workbench.steps.step
    with step("Pause Tracking shows Paused"):
        palette(page, "DevFocus: Pause Tracking")
        wait_for(lambda: item_text(page) == "Paused", "the item did not show Paused", 15)
        item = page.locator(STATUS_ITEM)
        assert "warning-kind" in (item.get_attribute("class") or "")
    with step("Resume Tracking leaves Paused"):
        palette(page, "DevFocus: Resume Tracking")
        wait_for(lambda: item_text(page) != "Paused", "the item stayed Paused after resuming", 15)


def test_a_crashed_server_is_started_again(workbench: Workbench) -> None:
    page, data, step = workbench.page, workbench.data, workbench.steps.step
    with step("kill the server with SIGKILL"):
        (before,) = wait_for(lambda: server_pids(data), "no DevFocus server is running", 10)
        os.kill(before, signal.SIGKILL)
    with step("one new server runs and the status comes back without a notification"):
        after = wait_for(
            lambda: [p for p in server_pids(data) if p != before],
            "the server was not restarted",
            30,
        )
        assert len(after) == 1
        wait_for(
            lambda: re.search(r"\d:\d\d|today", item_text(page)),
            "no status after the restart",
            30,
        )
        assert page.locator(".notification-toast", has_text="DevFocus").count() == 0


def test_no_python_gives_one_clear_notification(workbench_without_python: Workbench) -> None:
    page, step = workbench_without_python.page, workbench_without_python.steps.step
    with step("one notification says Python was not found"):
        toast = page.locator(".notification-toast", has_text="DevFocus could not find Python")
        toast.wait_for()
        assert toast.locator(".monaco-button", has_text="Show output").count() == 1
        assert toast.locator(".monaco-button", has_text="Open settings").count() == 1
        item = page.locator(STATUS_ITEM)
        assert item_text(page) == "DevFocus"
        assert "error-kind" in (item.get_attribute("class") or "")
    with step("Open settings shows DevFocus's settings"):
        toast.locator(".monaco-button", has_text="Open settings").click()
        page.locator(".settings-editor").wait_for()
        # DevFocus's settings; in a remote window such as this one, devfocus.server.command (a
        # machine setting) is on the Remote tab.
        page.locator(".setting-item-title", has_text="Devfocus ›").first.wait_for()
        assert page.locator(".notification-toast", has_text="DevFocus").count() == 0


WORKBENCH_HOVERS = ".workbench-hover-container, .workbench-hover"


def marketplace_shot(page: Any, name: str, clip: dict[str, float], *, hide: str = "") -> Path:
    """Saves the part ``clip`` of the window as ``.test-artifacts/vscode/marketplace/<name>.png``:
    the pictures of the extension's README, which scripts/update_screenshots.py copies into
    client-vscode/images/. What the CSS selector ``hide`` matches is left out of the picture
    (and only of the picture)."""
    path = artifacts_dir("vscode", "marketplace") / f"{name}.png"
    # Fade-ins (a hover, a menu) drawn at their end: no half-transparent picture.
    page.screenshot(
        path=str(path),
        clip=clip,
        animations="disabled",
        style=f"{hide} {{ visibility: hidden !important; }}" if hide else None,
        timeout=10_000,
    )
    return path


def region(page: Any, *boxes: dict[str, float], pad: float = 12) -> dict[str, float]:
    """The smallest clip holding ``boxes`` (bounding boxes) with ``pad`` around, within the
    window."""
    view = page.viewport_size
    left = max(0.0, min(b["x"] for b in boxes) - pad)
    top = max(0.0, min(b["y"] for b in boxes) - pad)
    right = min(float(view["width"]), max(b["x"] + b["width"] for b in boxes) + pad)
    bottom = min(float(view["height"]), max(b["y"] + b["height"] for b in boxes) + pad)
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def _seconds(text: str) -> int:
    parts = [int(p) for p in re.split(r"[: ]", text)[:3] if p.isdigit()]
    value = 0
    for part in parts:
        value = value * 60 + part
    return value


def _has_heading(frame: Any) -> bool:
    try:
        return bool(frame.locator("h1", has_text="DevFocus — Today").count())
    except Exception:  # a frame that navigated away or is not ready yet
        return False
