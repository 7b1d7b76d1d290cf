"""Team mode in a real VS Code (code-server, headless Chromium), with the packaged extension and a
team database on the tests' PostgreSQL: the administrator runs ``devfocus team init`` and
``devfocus team add`` and hands the printed URL to a member, who types it into **Connect Team
Database**; it is kept in VS Code's secret storage and handed to a restarted DevFocus server as
``DEVFOCUS_TEAM_URL``. Three other members already shared today's totals, so the team is large
enough to show: the status item's tooltip gives the team's deep-work share today, and **Team
Report** opens the team's week rendered. The URL's password is in no settings, log or database
file afterwards.

Each step leaves a screenshot in ``.test-artifacts/vscode/test_vscode_team/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.editors.test_vscode_ai import files_holding
from tests.editors.test_vscode_reports import report_frame
from tests.editors.vscode import (
    STATUS_ITEM,
    Steps,
    VSCodeInstall,
    new_server,
    palette,
    server_environment,
    server_pids,
    tooltip,
    vscode_window,
    wait_for,
)
from tests.repos import init_repo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="code-server runs on Linux here")

# What could hand the server a team database other than the URL typed in the palette.
TEAM_VARIABLES = ("DEVFOCUS_TEAM_URL", "DEVFOCUS_TEAM_ADMIN_URL", "PGPASSWORD", "PGPASSFILE")
MEMBER_URL = re.compile(r"postgres(?:ql)?(?:\+psycopg)?://\S+")
SHARE_LINE = re.compile(r"Team deep work today: (\d+)%")
# Each of the three others: 50 minutes of focus this hour, half of it deep work.
OTHERS_FOCUS, OTHERS_DEEP = 3000, 1500


def devfocus(*args: str, data: Path) -> str:
    """``devfocus ARGS`` (this checkout's command line) with its own data directory; its
    output."""
    inherited = {k: v for k, v in os.environ.items() if k not in TEAM_VARIABLES}
    env = {**inherited, "DEVFOCUS_DATA_DIR": str(data)}
    done = subprocess.run(
        [sys.executable, "-m", "devfocus", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, f"devfocus {args[:2]} failed: {done.stdout}\n{done.stderr}"
    return done.stdout


def add_member(admin_url: str, name: str, data: Path) -> str:
    """``devfocus team add NAME --role member``: the connection URL it prints to hand out."""
    printed = devfocus(
        "team", "add", name, "--role", "member", "--database-url", admin_url, data=data
    )
    found = MEMBER_URL.search(printed)
    assert found, f"devfocus team add printed no connection URL: {printed!r}"
    url = found.group(0).rstrip(".,;")
    assert urlsplit(url).password, "the URL to hand out has no password"
    return url


def share_today(url: str) -> None:
    """What a member's push sends for this hour: the totals row, as that member (the team
    database's policies let a member write only its own rows)."""
    from devfocus.store import teamdb
    from devfocus.team.figures import HourRow

    hour = float(int(time.time()) // 3600 * 3600)
    row = HourRow(hour, "", "", OTHERS_FOCUS, OTHERS_DEEP, 2, 1)
    with teamdb.connect(url) as conn:
        teamdb.upsert_hours(conn, [row], share="totals", by_name=False)


def last_push(admin_url: str, member: str) -> object:
    """When ``member`` last pushed, as the team database recorded it (None: never)."""
    import psycopg

    from devfocus.store import teamdb

    with psycopg.connect(teamdb.plain_url(admin_url)) as conn:
        found = conn.execute(
            "SELECT last_push FROM devfocus_team.members WHERE member = %s", (member,)
        ).fetchone()
    assert found is not None, f"{member} is not in the team"
    return found[0]


def test_connect_team_database_shows_the_team_in_the_tooltip_and_its_report(
    browser: Any,
    vscode_install: VSCodeInstall,
    vscode_artifacts: Path,
    tmp_path: Path,
    postgres_server: Any,
) -> None:
    steps = Steps(vscode_artifacts)
    step = steps.step
    with step("the administrator makes the team and hands out four member URLs"):
        admin_url = postgres_server.create_database()
        admin = tmp_path / "admin"  # the administrator's machine
        team = f"vs{uuid.uuid4().hex[:8]}"  # group roles are the cluster's: a name of its own
        devfocus("team", "init", "--database-url", admin_url, "--team", team, data=admin)
        others = [
            add_member(admin_url, f"{team}_{name}", admin) for name in ("bob", "carol", "dave")
        ]
        member_url = add_member(admin_url, f"{team}_alice", admin)
        password = urlsplit(member_url).password
        assert password
    with step("three members share today's totals"):
        for url in others:
            share_today(url)

    workspace = init_repo(tmp_path / "shop", files={"app.py": "total = 1\n"})
    data = tmp_path / "data"
    # No team database from this machine's environment: the URL typed in the palette is the only
    # one.
    inherited = {k: v for k, v in os.environ.items() if k not in TEAM_VARIABLES}
    env = {**inherited, "DEVFOCUS_DATA_DIR": str(data), "HOME": str(tmp_path)}
    # Every LSP message in the output channel: the password must not be in any of them.
    settings = {"devfocus.git.enabled": False, "devfocus.trace.server": "verbose"}
    with vscode_window(
        browser, vscode_install, workspace, tmp_path, env, steps, settings=settings
    ) as page:
        with step("before Connect Team Database, the server has no team and says nothing of one"):
            page.locator(STATUS_ITEM).wait_for()
            (first,) = wait_for(lambda: server_pids(data), "no DevFocus server started", 60)
            assert "DEVFOCUS_TEAM_URL" not in server_environment(first)
            shown = wait_for(
                lambda: "Today's focus" in (text := tooltip(page)) and text,
                "the tooltip never showed today's focus",
                60,
            )
            assert "Team deep work" not in shown

        with step("run Connect Team Database and type the URL the administrator handed out"):
            palette(page, "DevFocus: Connect Team Database")
            box = page.locator('.quick-input-widget input[type="password"]')
            box.wait_for()
            assert "team database URL" in page.locator(".quick-input-widget").inner_text()
            page.keyboard.type(member_url)
            page.keyboard.press("Enter")
        with step("the server starts again with the URL as DEVFOCUS_TEAM_URL"):
            second = new_server(data, first)
            assert server_environment(second)["DEVFOCUS_TEAM_URL"] == member_url
            toast = page.locator(".notification-toast", has_text="connected to the team database")
            toast.first.wait_for()
            assert password not in toast.first.inner_text()

        with step("nothing of this member goes before Start Sharing, which pushes it"):
            # The server does not push for a member who has not chosen to (the toast says so).
            assert "Nothing is pushed until you choose Start Sharing" in toast.first.inner_text()
            assert last_push(admin_url, f"{team}_alice") is None
            toast.first.get_by_role("button", name="Start Sharing").click()
            done = re.compile(r"pushed .* to the team database|team database is up to date")
            page.locator(".notification-toast", has_text=done).first.wait_for()
            assert last_push(admin_url, f"{team}_alice") is not None

        with step("the tooltip shows the team's deep work today"):
            # Today's team figures: the three others' half of focus in deep work, and this
            # member's few seconds of none.
            shown = wait_for(
                lambda: SHARE_LINE.search(text := tooltip(page)) and text,
                lambda: f"the tooltip never showed the team's deep work: {tooltip(page)!r}",
                90,
            )
            found = SHARE_LINE.search(shown)
            assert found and 45 <= int(found.group(1)) <= 50, shown

        with step("run Team Report: the team's week opens rendered, under its heading"):
            palette(page, "DevFocus: Team Report")
            page.locator('.tab[aria-label^="Team report"]').first.wait_for()
            frame = report_frame(page, "Team report")
            assert frame.locator("h1").first.inner_text().startswith("Team report")
            policy = frame.locator('meta[http-equiv="Content-Security-Policy"]').first
            assert "default-src 'none'" in (policy.get_attribute("content") or "")
            assert page.locator('.tab[aria-label*=".md"]').count() == 0

        with step("Disconnect Team Database: the server starts again without it"):
            palette(page, "DevFocus: Disconnect Team Database")
            third = new_server(data, second)
            assert "DEVFOCUS_TEAM_URL" not in server_environment(third)
            page.locator(".notification-toast", has_text="URL was removed").first.wait_for()

    with step("the password is in no settings, log, trace or database file"):
        user_data = tmp_path / "user-data"
        logs = vscode_artifacts / "logs"
        shutil.rmtree(logs, ignore_errors=True)
        shutil.copytree(user_data / "logs", logs)
        output = [p for p in logs.rglob("*.log") if "DevFocus" in p.name]
        assert output, f"no DevFocus output channel log under {logs}"
        text = "\n".join(p.read_text(errors="replace") for p in output)
        assert "DEVFOCUS_TEAM_URL" in text  # it says where the URL went...
        assert "[Trace" in text or "Sending request" in text  # ...and the trace was on
        roots = [logs, user_data / "User", data, tmp_path / "code-server.log"]
        if (user_data / "Machine").exists():
            roots.append(user_data / "Machine")
        leaks = files_holding(password, *roots)
        assert not leaks, f"the password is in {leaks}"
