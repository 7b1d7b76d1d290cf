"""Storage through the real server: several windows on one file, kill -9, a locked, read-only
or corrupt database, and an upgrade that keeps existing data."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devfocus.store.migrations import head
from tests.lsp.conftest import Session, end_session, expose_client, start_session
from tests.lsp.test_status import seed_edits


async def schema_ready(session: Session) -> None:
    """The server opens and migrates the database as soon as it starts."""

    def migrated() -> bool:
        if not session.db_path.exists():
            return False
        with sqlite3.connect(session.db_path) as conn:
            try:
                return (
                    conn.execute("SELECT MAX(version) FROM devfocus_schema").fetchone()[0] == head()
                )
            except sqlite3.OperationalError:
                return False

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    while not migrated():
        assert loop.time() < deadline, "the server never created its database"
        await asyncio.sleep(0.05)


async def test_the_database_file_is_private(session: Session) -> None:
    session.type_lines(session.open("app.py"), line=0, count=1)
    await session.wait_for_events(lambda rows: len(rows) >= 2)
    assert stat.S_IMODE(session.data_dir.stat().st_mode) == 0o700
    for path in session.data_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    with sqlite3.connect(session.db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_several_windows_write_one_database_and_lose_nothing(
    request, make_repo, data_dir, preset
) -> None:
    repos = [make_repo(f"project{i}") for i in range(3)]
    sessions = await asyncio.gather(*(start_session(r, data_dir, preset) for r in repos))
    expose_client(request, sessions[0].client)
    try:
        # Each window types 120 lines in bursts, all at the same time, across several flushes.
        for burst in range(4):
            for s in sessions:
                uri = s.open("app.py") if burst == 0 else s.uri("app.py")
                s.type_lines(uri, line=burst * 30, count=30, version=2 + burst * 30)
            await asyncio.gather(*(s.command("devfocus.status") for s in sessions))
    finally:
        await asyncio.gather(*(end_session(s) for s in sessions))
    rows = sessions[0].events()
    for repo in repos:
        edits = [r for r in rows if r["project"] == repo.as_posix() and r["kind"] == "edit"]
        assert sum(r["lines_added"] for r in edits) == 120, repo.name
    assert len({r["source"] for r in rows}) == 3
    with sqlite3.connect(sessions[0].db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_kill_9_loses_at_most_the_last_five_seconds(session: Session) -> None:
    uri = session.open("app.py")
    session.type_lines(uri, line=0, count=5)
    typed_at = time.monotonic()
    await session.wait_for_events(lambda rows: sum(r["lines_added"] for r in rows) == 5)
    assert time.monotonic() - typed_at <= 5.0, "activity took longer than 5 s to reach the disk"

    os.kill(session.client._server.pid, signal.SIGKILL)
    await session.client._server.wait()
    with sqlite3.connect(session.db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        added = conn.execute("SELECT SUM(lines_added) FROM events").fetchone()[0]
    assert added == 5


async def test_terminate_writes_everything(session: Session) -> None:
    session.type_lines(session.open("app.py"), line=0, count=7)
    await session.command("devfocus.status")  # the notifications above have been handled
    session.client._server.terminate()  # SIGTERM: what editors send when they close
    await session.client._server.wait()
    assert sum(r["lines_added"] for r in session.events()) == 7


async def test_locked_database_warns_once_and_catches_up(session: Session) -> None:
    await schema_ready(session)
    holder = sqlite3.connect(session.db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        uri = session.open("app.py")
        session.type_lines(uri, line=0, count=3)
        warning = await session.wait_for_message("locked", timeout=20)
        assert "DevFocus can't save activity" in warning.message
        # Editor features keep working while tracking is degraded.
        status = await session.command("devfocus.status")
        assert status["state"] == "active"
        session.type_lines(uri, line=3, count=2, version=10)
        await session.command("devfocus.status")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    rows = await session.wait_for_events(
        lambda rows: sum(r["lines_added"] for r in rows) == 5, timeout=40
    )
    assert {r["path"] for r in rows} == {"app.py"}
    assert session.shown("locked") == 1


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file unwritable for this process: chmod, or the immutable flag for root."""
    if os.geteuid() != 0:
        path.chmod(0o400)
        try:
            yield
        finally:
            path.chmod(0o600)
        return
    subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


async def test_read_only_database_gives_one_clear_message(request, repo, data_dir, preset) -> None:
    seed_edits(data_dir, repo, "main", start=time.time() - 600, minutes=5)
    database = data_dir / "devfocus.db"
    with read_only(database):
        s = await start_session(repo, data_dir, preset)
        expose_client(request, s.client)
        try:
            s.type_lines(s.open("app.py"), line=0, count=2)
            warning = await s.wait_for_message("read-only", timeout=20)
            assert str(database) in warning.message
            # Reading still works: the report shows the stored history and what is in memory.
            report = await s.command("devfocus.report", {"format": "json"})
            assert report["linesAdded"] == 5 + 2
            s.type_lines(s.uri("app.py"), line=2, count=1, version=10)
            await s.command("devfocus.status")
            assert s.shown("read-only") == 1
        finally:
            await end_session(s)


async def test_corrupt_database_gives_one_clear_message(request, repo, data_dir, preset) -> None:
    data_dir.mkdir(mode=0o700)
    database = data_dir / "devfocus.db"
    database.write_bytes(b"this is not an SQLite database, it is a plain text file\n" * 100)
    s = await start_session(repo, data_dir, preset)
    expose_client(request, s.client)
    try:
        warning = await s.wait_for_message("not a readable", timeout=20)
        assert str(database) in warning.message and "devfocus doctor" in warning.message
        s.type_lines(s.open("app.py"), line=0, count=4)
        status = await s.command("devfocus.status")
        assert status["state"] == "active"
        assert status["context"]["project"] == repo.name
    finally:
        await end_session(s)
    assert database.read_bytes().startswith(b"this is not an SQLite database")  # left as found
    assert s.shown("not a readable") == 1


async def test_upgrade_keeps_existing_data(request, repo, data_dir, preset) -> None:
    """A database written by an earlier run is used as it is: nothing is lost or rewritten."""
    seed_edits(data_dir, repo, "main", start=time.time() - 3600, minutes=10)
    with sqlite3.connect(data_dir / "devfocus.db") as conn:
        before = conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    s = await start_session(repo, data_dir, preset)
    expose_client(request, s.client)
    try:
        s.type_lines(s.open("app.py"), line=0, count=1)
        await s.wait_for_events(lambda rows: len(rows) >= len(before) + 2)
    finally:
        await end_session(s)
    with sqlite3.connect(data_dir / "devfocus.db") as conn:
        after = conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    assert set(before) <= set(after)
