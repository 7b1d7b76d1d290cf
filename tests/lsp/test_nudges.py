"""Nudges with the real server: a window/showMessageRequest when the live figures call for one,
its buttons, "Not today" respected by every window, one window at a time, none when off."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.lsp.conftest import Collected, Session, end_session, expose_client, start_session
from tests.lsp.test_focus_blocks import did_open, quiet_point
from tests.lsp.test_status import seed_edits

SWITCHING = {"nudges": {"contextSwitching": True, "switchesPerHour": 1}}


def answering(session: Session, title: str | None) -> Collected:
    """Every nudge the server shows, each answered with the button ``title`` (None: dismissed)."""
    asked = Collected()

    @session.client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
    def show(params: types.ShowMessageRequestParams) -> types.MessageActionItem | None:
        asked.add(params)
        return types.MessageActionItem(title) if title is not None else None

    return asked


def nudge_rows(session: Session) -> dict[str, sqlite3.Row]:
    with sqlite3.connect(session.db_path, timeout=10) as conn:
        conn.row_factory = sqlite3.Row
        try:
            return {r["kind"]: r for r in conn.execute("SELECT * FROM nudges").fetchall()}
        except sqlite3.OperationalError:
            return {}


async def switch_projects(session: Session, first: Path, second: Path) -> None:
    """Edits in ``first``, then in ``second``: one context switch, seen in the status."""
    session.type_lines(did_open(session, first / "app.py"), line=0, count=1)
    await session.statuses.wait_for(
        lambda s: s.context is not None and s.context.project == first.name
    )
    session.type_lines(did_open(session, second / "app.py"), line=0, count=1)
    await session.statuses.wait_for(lambda s: s.switchesLastHour >= 1)


async def wait_rows(session: Session, check: Callable[[dict[str, sqlite3.Row]], bool]) -> None:
    """Until the nudge memory in the database passes ``check`` (another process writes it)."""
    import asyncio

    deadline = time.monotonic() + 15
    while not check(nudge_rows(session)):
        assert time.monotonic() < deadline, f"nudge memory never matched: {nudge_rows(session)}"
        await asyncio.sleep(0.1)  # another process's file: there is no event to await


async def test_switching_brings_a_nudge_whose_button_starts_a_focus_block(
    request: pytest.FixtureRequest,
    make_repo: Callable[..., Path],
    data_dir: Path,
    preset: str,
) -> None:
    api, web = make_repo("api"), make_repo("web")
    s = await start_session(api, data_dir, preset, initialization_options=SWITCHING)
    expose_client(request, s.client)
    asked = answering(s, "Start focus block")
    try:
        await switch_projects(s, api, web)
        nudge = await asked.wait_for(lambda p: True)
        assert "context switch" in nudge.message and "in the last hour" in nudge.message
        assert [a.title for a in nudge.actions] == ["Start focus block", "Not today"]
        started = await s.statuses.wait_for(lambda st: st.focusBlock is not None)
        assert 24 * 60 < started.focusBlock.remainingSeconds <= 25 * 60  # the default length
        assert nudge_rows(s)["contextSwitching"]["shown_ms"] is not None
        await quiet_point(s)
        assert len(asked.items) == 1  # no second one within two hours
    finally:
        await end_session(s)


async def test_not_today_silences_that_kind_in_every_window_until_midnight(
    request: pytest.FixtureRequest,
    make_repo: Callable[..., Path],
    data_dir: Path,
    preset: str,
) -> None:
    api, web = make_repo("api"), make_repo("web")
    # Fifteen minutes of work without a break already, stored by an earlier window.
    seed_edits(data_dir, api, "main", start=time.time() - 15 * 60, minutes=14)
    first = await start_session(api, data_dir, preset, initialization_options=SWITCHING)
    expose_client(request, first.client)
    first_asked = answering(first, "Not today")
    second: Session | None = None
    try:
        await switch_projects(first, api, web)
        said = await first_asked.wait_for(lambda p: True)
        assert "context switch" in said.message
        # The server's local time is UTC (TZ=UTC): silenced until the next midnight there.
        tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
        midnight_ms = int(datetime(*tomorrow.timetuple()[:3], tzinfo=timezone.utc).timestamp())
        await wait_rows(
            first,
            lambda rows: (
                "contextSwitching" in rows
                and rows["contextSwitching"]["silenced_until_ms"] == midnight_ms * 1000
            ),
        )
        # Two hours on, as far as the limit of one per two hours knows.
        with sqlite3.connect(first.db_path, timeout=10) as conn:
            conn.execute("UPDATE nudges SET shown_ms = shown_ms - 7300000")

        # Another window with both kinds on: the stretch nudges, the silenced switching not.
        both = {
            "nudges": {
                "contextSwitching": True,
                "switchesPerHour": 1,
                "longStretch": True,
                "stretchMinutes": 10,
            }
        }
        second = await start_session(api, data_dir, preset, initialization_options=both)
        second_asked = answering(second, None)
        second.type_lines(second.open("app.py"), line=5, count=1)
        stretch = await second_asked.wait_for(lambda p: True)
        assert "minutes without a break" in stretch.message
        await quiet_point(second)
        await quiet_point(first)
        assert all("context switch" not in p.message for p in second_asked.items)
        assert len(first_asked.items) == 1
    finally:
        if second is not None:
            await end_session(second)
        await end_session(first)


async def test_one_window_nudges_not_both(
    request: pytest.FixtureRequest,
    make_repo: Callable[..., Path],
    data_dir: Path,
    preset: str,
) -> None:
    api, web = make_repo("api"), make_repo("web")
    first = await start_session(api, data_dir, preset, initialization_options=SWITCHING)
    second = await start_session(api, data_dir, preset, initialization_options=SWITCHING)
    expose_client(request, first.client)
    asked = [answering(first, None), answering(second, None)]
    try:
        await switch_projects(first, api, web)
        # The other window sees the same switch in the shared activity.
        await second.statuses.wait_for(lambda s: s.switchesLastHour >= 1, 20)
        await _any(asked)
        await quiet_point(first)
        await quiet_point(second)
        assert len(asked[0].items) + len(asked[1].items) == 1
    finally:
        await end_session(second)
        await end_session(first)


async def test_with_nudges_off_nothing_is_asked(
    request: pytest.FixtureRequest,
    make_repo: Callable[..., Path],
    data_dir: Path,
    preset: str,
) -> None:
    api, web = make_repo("api"), make_repo("web")
    seed_edits(data_dir, api, "main", start=time.time() - 200 * 60, minutes=199)
    s = await start_session(api, data_dir, preset)  # the defaults: every kind off
    expose_client(request, s.client)
    asked = answering(s, "Start focus block")
    try:
        await switch_projects(s, api, web)
        status = await s.statuses.wait_for(lambda st: st.state == "active")
        assert status.sessionSeconds > 150 * 60  # a long stretch, and a switch: both would nudge
        await quiet_point(s)
        await quiet_point(s)
        assert asked.items == []
        assert nudge_rows(s) == {}
    finally:
        await end_session(s)


async def _any(asked: list[Collected], timeout: float = 15.0) -> Any:
    import asyncio

    deadline = time.monotonic() + timeout
    while not any(a.items for a in asked):
        assert time.monotonic() < deadline, "no window nudged"
        await asyncio.sleep(0.05)  # two clients' lists: poll them, bounded
