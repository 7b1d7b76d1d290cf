"""The extension in a real VS Code (code-server, headless Chromium), installed from the .vsix that
``npm run package`` builds: the timer appears and advances while typing, the palette shows today's
report, the lightbulb writes a docstring to disk, and pausing changes the item's look.

The steps run in order on one window, as a person would use it. Each one leaves a screenshot in
``.test-artifacts/vscode/``.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.editors.vscode import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    CLOCK,
    code_server,
    packaged_extension,
    running_code_server,
    wait_for,
)
from tests.repos import git, init_repo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="code-server runs on Linux here")

APP = '''"""Checkout arithmetic."""


def total(prices, discount=0.0):
    return sum(prices) * (1 - discount)
'''
STATUS_ITEM = '[id="devfocus.devfocus.status"]'
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium; one per module (Playwright's sync API runs one at a time)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def window(browser: Any, url: str, workspace: Path, last_shot: str) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}?folder={workspace}")
    page.wait_for_selector(".statusbar")
    try:
        yield page
    finally:
        page.screenshot(path=str(ARTIFACTS / f"{last_shot}.png"))
        page.close()


@pytest.fixture(scope="module")
def workbench(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, Path, Path]]:
    """The page of a VS Code window on a git repository holding ``app.py``; the workspace; the
    DevFocus data directory."""
    vsix, binary = packaged_extension(), code_server()
    home = tmp_path_factory.mktemp("vscode")
    workspace = init_repo(home / "shop", files={"app.py": APP})
    git(workspace, "commit", "-q", "--allow-empty", "-m", "Add checkout", date="2026-11-20T10:00Z")
    data = home / "data"
    env = {**os.environ, "DEVFOCUS_DATA_DIR": str(data), "HOME": str(home)}
    with (
        running_code_server(binary, vsix, workspace, home, env) as url,
        window(browser, url, workspace, "last") as page,
    ):
        yield page, workspace, data


@pytest.fixture
def workbench_without_python(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A VS Code window whose PATH has no python3 (and no Python extension)."""
    vsix, binary = packaged_extension(), code_server()
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
    with (
        running_code_server(binary, vsix, workspace, tmp_path, env) as url,
        window(browser, url, workspace, "last-no-python") as page,
    ):
        yield page


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def palette(page: Any, title: str) -> None:
    """Runs ``title`` from the command palette."""
    page.keyboard.press("F1")
    box = page.locator(".quick-input-widget input")
    box.wait_for()
    box.fill(f">{title}")
    page.locator(".quick-input-list .monaco-list-row", has_text=title).first.wait_for()
    page.keyboard.press("Enter")


def open_file(page: Any, name: str) -> None:
    tab = page.locator(f'.tab[aria-label^="{name}"]')
    if tab.count():
        # Its tab, not Quick Open: keys go nowhere while a webview (the preview) has focus.
        tab.first.click()
        page.locator(".monaco-editor .view-lines").first.wait_for()
        return
    page.keyboard.press("Control+P")
    box = page.locator(".quick-input-widget input")
    box.wait_for()
    box.fill(name)
    page.locator(".quick-input-list .monaco-list-row", has_text=name).first.wait_for()
    page.keyboard.press("Enter")
    page.locator(f'.tab[aria-label^="{name}"]').first.wait_for()
    page.locator(".monaco-editor .view-lines").first.wait_for()


def go_to_line(page: Any, line: int) -> None:
    page.keyboard.press("Control+G")
    box = page.locator(".quick-input-widget input")
    box.wait_for()
    box.fill(f":{line}")
    page.keyboard.press("Enter")
    page.locator(".monaco-editor .current-line").first.wait_for()


def item_text(page: Any) -> str:
    return str(page.locator(STATUS_ITEM).inner_text()).strip()


def test_the_timer_appears_and_advances_while_typing(workbench: tuple[Any, Path, Path]) -> None:
    page, _, _ = workbench
    page.locator(STATUS_ITEM).wait_for()
    shot(page, "01-workbench")
    open_file(page, "app.py")
    go_to_line(page, 5)  # return sum(...)
    page.keyboard.press("End")
    page.keyboard.type("  # checked")
    shot(page, "02-typing")
    # The first status can come before the editor's document gives it a context (the branch).
    first = wait_for(
        lambda: CLOCK.match(text := item_text(page)) and "main" in text and text,
        lambda: f"no session clock with the branch in the status bar: {item_text(page)!r}",
        60,
    )
    later = wait_for(
        lambda: (text := item_text(page)) != first and CLOCK.match(text) and text,
        f"the clock did not advance from {first!r}",
        5,
    )
    assert _seconds(later) > _seconds(first)
    shot(page, "03-timer")
    tooltip = page.locator(STATUS_ITEM).get_attribute("aria-label") or ""
    assert "DevFocus" in tooltip


def test_todays_report_opens_from_the_palette(workbench: tuple[Any, Path, Path]) -> None:
    page, _, _ = workbench
    palette(page, "DevFocus: Show Today's Report")
    page.locator('.tab[aria-label^="DevFocus today.md"]').first.wait_for()
    page.locator('.tab[aria-label^="Preview DevFocus today.md"]').first.wait_for()
    source = page.locator(".monaco-editor .view-lines", has_text="DevFocus — Today").first
    source.wait_for()
    frame = wait_for(
        lambda: next((f for f in page.frames if _has_heading(f)), None),
        "the Markdown preview did not render the report",
        30,
    )
    assert "shop" in frame.inner_text("body")
    shot(page, "04-report")


def test_the_lightbulb_writes_a_docstring_to_disk(workbench: tuple[Any, Path, Path]) -> None:
    page, workspace, _ = workbench
    open_file(page, "app.py")
    palette(page, "View: Close Editors in Other Groups")  # the report's preview
    go_to_line(page, 4)  # def total(...)
    bulb = page.locator(".lightBulbWidget")
    bulb.wait_for()
    shot(page, "05-lightbulb")
    bulb.click(force=True)  # it sits in the gutter, over the line numbers
    action = page.locator(".action-widget .monaco-list-row", has_text="Generate docstring for")
    action.first.wait_for()
    shot(page, "06-quick-fix")
    # Pick it with the keyboard: while the menu opens, an overlay takes the pointer's clicks.
    focused = page.locator(".action-widget .monaco-list-row.focused")
    for _ in range(10):
        if "Generate docstring for" in (focused.get_attribute("aria-label") or ""):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator(".monaco-editor .view-line", has_text='"""').nth(1).wait_for()
    page.keyboard.press("Control+S")
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
    shot(page, "07-docstring-saved")


def test_pausing_shows_the_paused_look(workbench: tuple[Any, Path, Path]) -> None:
    page, _, _ = workbench
    palette(page, "DevFocus: Pause Tracking")
    wait_for(lambda: item_text(page) == "Paused", "the item did not show Paused", 15)
    item = page.locator(STATUS_ITEM)
    assert "warning-kind" in (item.get_attribute("class") or "")
    shot(page, "08-paused")
    palette(page, "DevFocus: Resume Tracking")
    wait_for(lambda: item_text(page) != "Paused", "the item stayed Paused after resuming", 15)


def test_a_crashed_server_is_started_again(workbench: tuple[Any, Path, Path]) -> None:
    page, _, data = workbench
    (before,) = wait_for(lambda: server_pids(data), "no DevFocus server is running", 10)
    os.kill(before, signal.SIGKILL)
    after = wait_for(
        lambda: [p for p in server_pids(data) if p != before], "the server was not restarted", 30
    )
    assert len(after) == 1
    wait_for(
        lambda: re.search(r"\d:\d\d|today", item_text(page)), "no status after the restart", 30
    )
    assert page.locator(".notification-toast", has_text="DevFocus").count() == 0
    shot(page, "09-restarted")


def server_pids(data: Path) -> list[int]:
    """The DevFocus servers that write to ``data``."""
    found = []
    marker = f"DEVFOCUS_DATA_DIR={data}".encode()
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            env = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue  # not a process, or gone
        if b"devfocus" in command and b"serve" in command and marker in env:
            found.append(int(proc.name))
    return found


def test_no_python_gives_one_clear_notification(workbench_without_python: Any) -> None:
    page = workbench_without_python
    toast = page.locator(".notification-toast", has_text="DevFocus could not find Python")
    toast.wait_for()
    assert toast.locator(".monaco-button", has_text="Show output").count() == 1
    assert toast.locator(".monaco-button", has_text="Open settings").count() == 1
    item = page.locator(STATUS_ITEM)
    assert item_text(page) == "DevFocus"
    assert "error-kind" in (item.get_attribute("class") or "")
    shot(page, "10-no-python")
    toast.locator(".monaco-button", has_text="Open settings").click()
    page.locator(".settings-editor").wait_for()
    # DevFocus's settings; in a remote window such as this one, devfocus.server.command (a
    # machine setting) is on the Remote tab.
    page.locator(".setting-item-title", has_text="Devfocus ›").first.wait_for()
    shot(page, "11-settings")
    assert page.locator(".notification-toast", has_text="DevFocus").count() == 0


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
