"""Tasks from GitHub in a real VS Code (code-server, headless Chromium), with the packaged
extension and a local server speaking GitHub's REST API: the token is typed into **Connect
GitHub**, kept in VS Code's secret storage and handed to a restarted DevFocus server, which
syncs the repository's issues on start; the branch ``fix/1-crash`` then shows issue #1 in the
status item's tooltip, with its page; **Pick Task** sets another issue as the task.

Each step leaves a screenshot in ``.test-artifacts/vscode/test_vscode_tasks/``.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.editors.vscode import (
    STATUS_ITEM,
    Steps,
    VSCodeInstall,
    new_server,
    open_file,
    palette,
    server_environment,
    server_pids,
    tooltip,
    vscode_window,
    wait_for,
)
from tests.repos import git, init_repo
from tests.trackerservers import GitHubServer, github_issues

pytestmark = pytest.mark.skipif(os.name != "posix", reason="code-server runs on Linux here")

TOKEN = "ghp_e2eVSCodeToken5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e"
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")


@pytest.fixture
def github() -> Iterator[GitHubServer]:
    with GitHubServer(token=TOKEN, prefix="/api/v3") as server:
        server.repos["acme/app"] = github_issues(30, pulls_every=5, host=server.url)
        yield server


def issues_stored(data: Path) -> int:
    db = data / "devfocus.db"
    if not db.exists():
        return 0
    with closing(sqlite3.connect(db, timeout=10)) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM tracker_issues").fetchone()[0])
        except sqlite3.OperationalError:
            return 0  # not created yet


def test_connect_github_syncs_the_issues_and_pick_task_sets_one(
    browser: Any,
    vscode_install: VSCodeInstall,
    vscode_artifacts: Path,
    tmp_path: Path,
    github: GitHubServer,
) -> None:
    workspace = init_repo(tmp_path / "shop", files={"app.py": "total = 1\n"})
    git(workspace, "remote", "add", "origin", f"{github.url}/acme/app.git")
    git(workspace, "checkout", "-q", "-b", "fix/1-crash")
    data = tmp_path / "data"
    # No token from this machine's environment: the one typed in the palette is the only one.
    inherited = {k: v for k, v in os.environ.items() if k not in TOKEN_VARIABLES}
    env = {**inherited, "DEVFOCUS_DATA_DIR": str(data), "HOME": str(tmp_path)}
    # A machine setting: code-server takes it from the user settings.
    settings = {"devfocus.issues.github.apiUrl": github.api_url}
    steps = Steps(vscode_artifacts)
    step = steps.step
    with vscode_window(
        browser, vscode_install, workspace, tmp_path, env, steps, settings=settings
    ) as page:
        with step("before Connect GitHub, nothing is sent to GitHub"):
            page.locator(STATUS_ITEM).wait_for()
            (first,) = wait_for(lambda: server_pids(data), "no DevFocus server started", 60)
            assert not set(TOKEN_VARIABLES) & set(server_environment(first))
            assert github.requests == []

        with step("run Connect GitHub and type the token"):
            palette(page, "DevFocus: Connect GitHub")
            box = page.locator('.quick-input-widget input[type="password"]')
            box.wait_for()
            assert "GitHub token" in page.locator(".quick-input-widget").inner_text()
            page.keyboard.type(TOKEN)
            page.keyboard.press("Enter")
        with step("the server starts again with the token, and syncs the issues"):
            second = new_server(data, first)
            assert server_environment(second)["GITHUB_TOKEN"] == TOKEN
            wait_for(lambda: issues_stored(data) == 24, "the issues were not synced", 60)
            assert all(r.headers.get("authorization") == "<valid>" for r in github.requests)
            # code-server keeps what an extension writes to the user settings as the remote
            # machine's (user-data/Machine), beside the browser side's own (user-data/User);
            # VS Code writes them on its own schedule: wait for the file.
            files = [
                tmp_path / "user-data" / part / "settings.json" for part in ("Machine", "User")
            ]

            def settings_text() -> str:
                return "\n".join(f.read_text() for f in files if f.exists())

            written = wait_for(
                lambda: (
                    '"devfocus.issues.github.enabled": true' in (text := settings_text()) and text
                ),
                lambda: f"Connect GitHub did not turn GitHub on: {settings_text()}",
                30,
            )
            assert TOKEN not in written

        with step("an edit on fix/1-crash shows issue #1 in the tooltip, with its page"):
            open_file(page, "app.py")
            page.keyboard.type("# crash fixed\n")
            shown = wait_for(
                lambda: (
                    "#1 Crash when saving file 1 (bug, high)" in (text := tooltip(page)) and text
                ),
                lambda: f"the tooltip never showed issue #1: {tooltip(page)!r}",
                60,
            )
            assert "Open #1" in shown

        with step("Pick Task lists the issues and sets #2"):
            palette(page, "DevFocus: Pick Task")
            rows = page.locator(".quick-input-list .monaco-list-row")
            rows.filter(has_text="Crash when saving file 2").first.wait_for()
            page.keyboard.type("saving file 2")
            # "file 2" is also in "file 21" and "file 22": move to the row of #2 itself.
            wanted = re.compile(r"#2 Crash when saving file 2(?!\d)")
            focused = page.locator(".quick-input-list .monaco-list-row.focused")
            for _ in range(12):
                focused.first.wait_for()
                if wanted.search(focused.first.inner_text()):
                    break
                page.keyboard.press("ArrowDown")
            assert wanted.search(focused.first.inner_text()), focused.first.inner_text()
            page.keyboard.press("Enter")
            wait_for(
                lambda: "#2 Crash when saving file 2" in tooltip(page),
                lambda: f"the tooltip never showed the picked task: {tooltip(page)!r}",
                30,
            )
