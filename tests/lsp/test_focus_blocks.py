"""Focus blocks with the real server: the countdown in the status, shared by every window (each
its own server process on one database), switches counted against the block, and one notice
across all windows when it ends."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.lsp.conftest import Session, end_session, expose_client, start_session

START = "devfocus.focus.start"
STOP = "devfocus.focus.stop"
OVER = "focus block is over"


def blocks(session: Session) -> list[sqlite3.Row]:
    """The focus blocks in the real database file, as another process sees them."""
    with sqlite3.connect(session.db_path, timeout=10) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM focus_blocks ORDER BY start_ms").fetchall()


def did_open(session: Session, path: Path) -> str:
    uri = path.as_uri()
    session.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text="")
        )
    )
    return uri


async def quiet_point(session: Session) -> None:
    """Until the status loop has finished what it began before now (its notices and nudges):
    pausing and resuming take two more turns of the loop, each announced in order."""
    await session.command("devfocus.tracking.pause")
    paused = await session.statuses.wait_for(lambda s: s.state == "paused")
    await session.command("devfocus.tracking.resume")
    await session.statuses.wait_for(lambda s: s.state != "paused" and s is not paused)


async def test_a_block_counts_down_in_the_status_until_it_is_stopped(session: Session) -> None:
    started = await session.command(START, {"minutes": 10})
    assert 595 <= started["remainingSeconds"] <= 600
    shown = await session.statuses.wait_for(lambda s: s.focusBlock is not None)
    assert shown.focusBlock.start == started["start"] and shown.focusBlock.end == started["end"]
    assert 590 <= shown.focusBlock.remainingSeconds <= 600

    status = await session.command("devfocus.status")
    assert status["focusBlock"]["end"] == started["end"]

    stopped = await session.command(STOP)
    assert stopped["remainingSeconds"] == 0
    await session.statuses.wait_for(lambda s: s.focusBlock is None and s is not shown)
    assert await session.command(STOP) is None  # nothing runs: nothing to stop
    (row,) = blocks(session)
    assert row["stopped"] == 1


async def test_the_default_length_is_the_setting_and_bad_minutes_are_refused(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> None:
    s = await start_session(
        repo, data_dir, preset, initialization_options={"focusBlock": {"minutes": 50}}
    )
    expose_client(request, s.client)
    try:
        started = await s.command(START)
        assert 2995 <= started["remainingSeconds"] <= 3000
        for bad in ({"minutes": 0}, {"minutes": 481}, {"minutes": "soon"}):
            with pytest.raises(Exception, match="minutes"):
                await s.command(START, bad)
        assert len(blocks(s)) == 1  # the refused ones started nothing
    finally:
        await end_session(s)


async def test_a_block_started_in_one_window_shows_in_the_other(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> None:
    first = await start_session(repo, data_dir, preset)
    second = await start_session(repo, data_dir, preset)
    expose_client(request, first.client)
    try:
        await second.statuses.wait_for(lambda s: True)  # the other window is up, idle
        started = await first.command(START, {"minutes": 5})
        # Nothing happens in the second window: it finds the block on its own.
        seen = await second.statuses.wait_for(lambda s: s.focusBlock is not None)
        assert seen.focusBlock.end == started["end"]
        assert 0 < seen.focusBlock.remainingSeconds <= 300
        # Stopped from the second window, it is gone from the first.
        await second.command(STOP)
        shown = await first.statuses.wait_for(lambda s: s.focusBlock is not None)
        await first.statuses.wait_for(lambda s: s.focusBlock is None and s is not shown)
    finally:
        await end_session(second)
        await end_session(first)


async def test_a_context_switch_during_a_block_is_counted_against_it(
    request: pytest.FixtureRequest,
    make_repo: Callable[..., Path],
    data_dir: Path,
    preset: str,
) -> None:
    api, web = make_repo("api"), make_repo("web", branch="develop")
    s = await start_session(api, data_dir, preset)
    expose_client(request, s.client)
    try:
        s.type_lines(s.open("app.py"), line=0, count=1)
        await s.statuses.wait_for(lambda st: st.state == "active" and st.context.project == "api")
        await s.command(START, {"minutes": 20})
        before = await s.statuses.wait_for(lambda st: st.focusBlock is not None)
        assert before.focusBlock.switches == 0

        s.type_lines(did_open(s, web / "app.py"), line=0, count=1)
        switched = await s.statuses.wait_for(
            lambda st: st.focusBlock is not None and st.focusBlock.switches == 1, 25
        )
        assert switched.context.project == "web"
        (row,) = blocks(s)  # recorded in the database, where reports read it
        assert row["switches"] == 1
    finally:
        await end_session(s)


async def test_a_short_block_ends_with_one_notice_across_two_windows(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> None:
    first = await start_session(repo, data_dir, preset)
    second = await start_session(repo, data_dir, preset)
    expose_client(request, first.client)
    try:
        await first.statuses.wait_for(lambda s: True)
        await second.statuses.wait_for(lambda s: True)
        await first.command(START, {"minutes": 0.15})  # nine seconds
        # Both windows know of the block, so both wake at its end and race for the notice.
        running = [
            await window.statuses.wait_for(lambda s: s.focusBlock is not None)
            for window in (first, second)
        ]
        await _any_message([first, second], OVER)
        for window, seen in zip((first, second), running, strict=True):
            await _after(window, seen, lambda s: s.focusBlock is None)  # the end reached it
        await quiet_point(first)
        await quiet_point(second)
        assert first.shown(OVER) + second.shown(OVER) == 1
        (row,) = blocks(first)
        assert row["notified_ms"] is not None
    finally:
        await end_session(second)
        await end_session(first)


async def _after(session: Session, seen: object, predicate: Callable[[Any], bool]) -> Any:
    """The first status after ``seen`` that matches ``predicate``."""
    items = session.statuses.items
    position = next(i for i, item in enumerate(items) if item is seen)
    return await session.statuses.wait_for(
        lambda s: predicate(s) and any(item is s for item in items[position + 1 :])
    )


async def _any_message(sessions: list[Session], text: str, timeout: float = 20.0) -> None:
    """Until one of ``sessions`` has been shown a message containing ``text``."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not any(s.shown(text) for s in sessions):
        assert loop.time() < deadline, f"no window showed {text!r}"
        await asyncio.sleep(0.05)  # pytest-lsp keeps messages in a list: poll it, bounded
