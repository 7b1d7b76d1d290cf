"""Workspace Trust in a real VS Code (code-server, headless Chromium), with the packaged extension:
a folder opened in Restricted Mode gets no git at all (no history, no branch, and no git process
started by DevFocus), and the status item's tooltip says git features wait for trust; trusting
the folder through VS Code's own Workspace Trust editor brings the history, the branch and the
history on hover, in the same server process.

Each step leaves a screenshot in ``.test-artifacts/vscode/test_vscode_trust/``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

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
    tooltip,
    vscode_window,
    wait_for,
)
from tests.repos import git, init_repo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="code-server runs on Linux here")

APP = '''"""Checkout arithmetic."""


def total(prices, discount=0.0):
    return sum(prices) * (1 - discount)
'''
WAITING = "Git features wait for trust"
# Restricted Mode without the start-up question: the folder is simply not trusted yet.
TRUST_SETTINGS = {"security.workspace.trust.startupPrompt": "never"}


def recording_git(folder: Path, calls: Path) -> Path:
    """A ``git`` that writes down each call a DevFocus server makes (its parent's command line
    names devfocus), then runs the real one. VS Code's own git use is not written down."""
    real = shutil.which("git")
    assert real is not None
    folder.mkdir()
    wrapper = folder / "git"
    wrapper.write_text(
        "#!/bin/sh\n"
        "if tr '\\0' ' ' < /proc/$PPID/cmdline 2>/dev/null | grep -q devfocus; then\n"
        f'  printf "%s\\n" "$*" >> {shlex.quote(str(calls))}\n'
        "fi\n"
        f'exec {shlex.quote(real)} "$@"\n'
    )
    wrapper.chmod(0o755)
    # VS Code reads PATH from a login shell, whose profile would drop this folder from it: this
    # "shell" runs the command it is given without reading any profile.
    shell = folder / "plain-shell"
    shell.write_text('#!/bin/sh\nfor last; do :; done\nexec /bin/sh -c "$last"\n')
    shell.chmod(0o755)
    return shell


def commits(data: Path) -> int:
    """Commits in DevFocus's database file, as another process sees them."""
    db = data / "devfocus.db"
    if not db.exists():
        return 0
    with closing(sqlite3.connect(db, timeout=10)) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM commits").fetchone()[0])
        except sqlite3.OperationalError:
            return 0  # not created yet


def editor_hover(page: Any) -> Any:
    """The hover on the name of ``def total`` (line 4), opened from the keyboard."""
    open_file(page, "app.py")
    go_to_line(page, 4)
    page.keyboard.press("Home")
    for _ in range(6):  # "def t|otal"
        page.keyboard.press("ArrowRight")
    palette(page, "Show or Focus Hover")
    return page.locator(".monaco-editor .monaco-hover")


def history_hover(page: Any, attempts: int = 3) -> Any:
    """The hover with the history of ``def total``. On a loaded machine the keyboard can land
    before the editor has focus again (the hover never opens), so it is asked for again, a few
    times, each bounded."""
    for attempt in range(attempts):
        shown = editor_hover(page).filter(has_text="Last change").first
        try:
            shown.wait_for(timeout=30_000)
            return shown
        except Exception:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
    raise AssertionError("unreachable")


def test_git_waits_for_trust_and_comes_without_a_restart(
    browser: Any,
    vscode_install: VSCodeInstall,
    vscode_artifacts: Path,
    tmp_path: Path,
) -> None:
    workspace = init_repo(tmp_path / "shop", files={"app.py": APP})
    git(workspace, "config", "user.email", "dev@example.com")
    git(workspace, "commit", "-q", "--allow-empty", "-m", "Add checkout", date="2026-11-20T10:00Z")
    data, calls = tmp_path / "data", tmp_path / "git-calls"
    shell = recording_git(tmp_path / "bin", calls)
    env = {
        **os.environ,
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "SHELL": str(shell),
        "DEVFOCUS_DATA_DIR": str(data),
        "HOME": str(tmp_path),
    }
    steps = Steps(vscode_artifacts)
    step = steps.step
    with vscode_window(
        browser,
        vscode_install,
        workspace,
        tmp_path,
        env,
        steps,
        settings=TRUST_SETTINGS,
        workspace_trust=True,
    ) as page:
        with step("the window is in Restricted Mode and DevFocus runs"):
            page.locator(".statusbar-item", has_text="Restricted Mode").first.wait_for()
            page.locator(STATUS_ITEM).wait_for()
            wait_for(lambda: server_pids(data), "no DevFocus server started", 60)
        with step("typing starts a session named after the project, with no branch"):
            open_file(page, "app.py")
            go_to_line(page, 5)
            page.keyboard.press("End")
            page.keyboard.type("  # checked")
            first = wait_for(
                lambda: CLOCK.match(text := item_text(page)) and "shop" in text and text,
                lambda: f"no session clock with the project: {item_text(page)!r}",
                60,
            )
            assert "main" not in first
        with step("the tooltip says git features wait for trust"):
            text = wait_for(
                lambda: WAITING in (shown := tooltip(page)) and shown,
                "the tooltip never said that git features wait for trust",
                30,
            )
            assert "Manage Workspace Trust" in text
        with step("DevFocus ran no git and imported no history"):
            assert commits(data) == 0
            assert not calls.exists(), calls.read_text()
            (server,) = server_pids(data)

        with step("trust the folder in VS Code's Workspace Trust editor"):
            palette(page, "Workspaces: Manage Workspace Trust")
            editor = page.locator(".workspace-trust-editor")
            editor.wait_for()
            editor.locator(".monaco-button", has_text="Trust").first.click()
            page.locator(".statusbar-item", has_text="Restricted Mode").first.wait_for(
                state="detached"
            )
        with step("the history is imported by the same server"):
            wait_for(lambda: commits(data) == 2, "the git history was not imported", 60)
            assert server_pids(data) == [server]
            assert calls.exists()
        with step("the next edit shows the branch"):
            open_file(page, "app.py")
            page.keyboard.type(" again")
            wait_for(
                lambda: "main" in item_text(page),
                lambda: f"no branch in the status item: {item_text(page)!r}",
                30,
            )
            assert WAITING not in tooltip(page)
        with step("the hover on def total shows its history"):
            shown = history_hover(page)
            assert "Add checkout" in str(shown.inner_text()) or "Start" in str(shown.inner_text())
            page.keyboard.press("Escape")
        with step("still the same server"):
            assert server_pids(data) == [server]
