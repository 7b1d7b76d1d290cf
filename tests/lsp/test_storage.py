"""Storage through the real server: several windows on one file, kill -9, a locked, read-only
or corrupt database, and an upgrade that keeps existing data."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcException

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
            # (The last 7 days: ten minutes ago may be yesterday.)
            report = await s.command("devfocus.report", {"period": "week", "format": "json"})
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
        # The report says why it has nothing, in the same words, not a Python error.
        with pytest.raises(JsonRpcException, match=r"devfocus.report: .*not a readable") as failed:
            await s.command("devfocus.report", {"period": "today", "format": "json"})
        assert "Traceback" not in str(failed.value) and "StoreError" not in str(failed.value)
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


# -- a database file that is not what it was --------------------------------------------------
def lines_in(path: Path) -> int:
    """Lines typed, as stored in the database file at ``path`` opened on its own."""
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT COALESCE(SUM(lines_added), 0) FROM events").fetchone()[0])


def another_programs_database(path: Path) -> bytes:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
        conn.commit()
    return path.read_bytes()


async def replaced(session: Session, tmp_path: Path) -> tuple[Path, bytes]:
    """Moves the database away (to ``moved.db``) and puts another program's database in its
    place, as a user restoring the wrong file would; returns the moved file and what now is
    at the path."""
    other = tmp_path / "notes.db"
    content = another_programs_database(other)
    moved = session.data_dir / "moved.db"
    os.replace(session.db_path, moved)
    os.replace(other, session.db_path)
    return moved, content


async def test_a_database_replaced_while_running_is_left_as_it_is(
    session: Session, tmp_path: Path
) -> None:
    uri = session.open("app.py")
    session.type_lines(uri, line=0, count=3)
    await session.wait_for_events(lambda rows: sum(r["lines_added"] for r in rows) == 3)
    moved, content = await replaced(session, tmp_path)

    session.type_lines(uri, line=3, count=2, version=10)
    warning = await session.wait_for_message("was replaced while DevFocus was running")
    assert str(session.db_path) in warning.message
    assert "another program (tables notes)" in warning.message
    status = await session.command("devfocus.status")  # still serving, from memory
    assert status["state"] == "active"
    await session.client.shutdown_session()
    await session.client.stop()

    # The replacement is as it was put there, and nothing beside it claims to be its log.
    assert session.db_path.read_bytes() == content
    assert sorted(p.name for p in session.data_dir.iterdir()) == ["devfocus.db", "moved.db"]
    with closing(sqlite3.connect(session.db_path)) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
    # The file DevFocus had open holds everything written to it, on its own.
    assert lines_in(moved) == 3
    assert session.shown("was replaced") == 1


async def test_the_database_put_back_gets_what_was_kept_in_memory(
    session: Session, tmp_path: Path
) -> None:
    uri = session.open("app.py")
    session.type_lines(uri, line=0, count=3)
    await session.wait_for_events(lambda rows: sum(r["lines_added"] for r in rows) == 3)
    moved, _ = await replaced(session, tmp_path)
    session.type_lines(uri, line=3, count=2, version=10)
    await session.wait_for_message("was replaced while DevFocus was running")

    os.replace(moved, session.db_path)  # the user puts it back
    await session.wait_for_log("activity database available again", timeout=40)
    rows = await session.wait_for_events(lambda rows: sum(r["lines_added"] for r in rows) == 5)
    assert {r["path"] for r in rows} == {"app.py"}
    with closing(sqlite3.connect(session.db_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_a_database_deleted_while_running_is_created_again(session: Session) -> None:
    uri = session.open("app.py")
    session.type_lines(uri, line=0, count=3)
    await session.wait_for_events(lambda rows: sum(r["lines_added"] for r in rows) == 3)
    shutil.rmtree(session.data_dir)  # "you can also simply delete the directory"

    session.type_lines(uri, line=3, count=2, version=10)
    # The span being typed in is saved whole; what was stored before does not come back.
    rows = await session.wait_for_events(lambda rows: sum(r["lines_added"] for r in rows) == 5)
    assert [r["kind"] for r in rows] == ["edit"]
    await session.wait_for_log("was deleted while DevFocus was running: a new database")
    assert stat.S_IMODE(session.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(session.db_path.stat().st_mode) == 0o600
    assert session.shown("DevFocus can't save activity") == 0


async def test_a_database_replaced_by_another_devfocus_database_is_used(
    session: Session, tmp_path: Path
) -> None:
    uri = session.open("app.py")
    session.type_lines(uri, line=0, count=3)
    await session.wait_for_events(lambda rows: sum(r["lines_added"] for r in rows) == 3)
    # A DevFocus database from elsewhere (another machine's, a backup), moved into place.
    elsewhere = tmp_path / "elsewhere"
    seed_edits(elsewhere, session.repo, "main", start=time.time() - 7200, minutes=7)
    os.replace(elsewhere / "devfocus.db", session.db_path)

    session.type_lines(uri, line=3, count=2, version=10)
    # Not read before the server has let go of the file it had open: until then its log is
    # at the path, where any program opening the new file would take it for that file's.
    await session.wait_for_log("was replaced by a DevFocus database")
    # Its own rows, and the span being typed in (saved whole) after them.
    rows = await session.wait_for_events(lambda rows: sum(r["lines_added"] for r in rows) == 12)
    assert sum(r["lines_added"] for r in rows if r["source"] == "seed") == 7
    await end_session(session)
    assert lines_in(session.db_path) == 12
    with closing(sqlite3.connect(session.db_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert session.shown("DevFocus can't save activity") == 0


async def test_another_programs_database_is_never_written(request, repo, data_dir, preset) -> None:
    data_dir.mkdir(mode=0o700)
    database = data_dir / "devfocus.db"
    content = another_programs_database(database)
    s = await start_session(repo, data_dir, preset)
    expose_client(request, s.client)
    try:
        warning = await s.wait_for_message("not a DevFocus database", timeout=20)
        assert str(database) in warning.message and "(tables notes)" in warning.message
        s.type_lines(s.open("app.py"), line=0, count=2)
        assert (await s.command("devfocus.status"))["state"] == "active"
    finally:
        await end_session(s)
    assert database.read_bytes() == content
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]


# -- who may read the data ---------------------------------------------------------------------
async def test_with_umask_0_the_data_directory_and_its_new_parents_are_private(
    request, repo, tmp_path: Path, preset
) -> None:
    data_dir = tmp_path / "home" / ".local" / "share" / "devfocus"
    previous = os.umask(0)  # the server inherits it
    try:
        s = await start_session(repo, data_dir, preset)
    finally:
        os.umask(previous)
    expose_client(request, s.client)
    try:
        s.type_lines(s.open("app.py"), line=0, count=1)
        await s.wait_for_events(lambda rows: len(rows) >= 2)
        for folder in (tmp_path / "home", *(data_dir.parents[i] for i in range(2)), data_dir):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        files = list(data_dir.iterdir())
        assert {p.name for p in files} >= {"devfocus.db", "devfocus.db-wal", "devfocus.db-shm"}
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        await end_session(s)
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700  # existing folders are not changed


async def test_a_data_directory_open_to_others_is_made_private(
    request, repo, tmp_path: Path, preset
) -> None:
    parent = tmp_path / "shared"  # a folder of the user's choosing: left as it is
    parent.mkdir()
    data_dir = parent / "devfocus"
    seed_edits(data_dir, repo, "main", start=time.time() - 600, minutes=3)
    holder = sqlite3.connect(data_dir / "devfocus.db")  # keeps -wal and -shm in place
    try:
        holder.execute("SELECT count(*) FROM events").fetchone()
        for path in (parent, data_dir):
            path.chmod(0o777)
        for path in data_dir.iterdir():
            path.chmod(0o644)
        s = await start_session(repo, data_dir, preset)
        expose_client(request, s.client)
        try:
            # Opened by now. The last 7 days: ten minutes ago may be yesterday.
            report = await s.command("devfocus.report", {"period": "week", "format": "json"})
            assert report["linesAdded"] == 3
            assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
            for name in ("devfocus.db", "devfocus.db-wal", "devfocus.db-shm"):
                assert stat.S_IMODE((data_dir / name).stat().st_mode) == 0o600, name
            assert stat.S_IMODE(parent.stat().st_mode) == 0o777
            await s.wait_for_log("made DevFocus's data private")
        finally:
            await end_session(s)
    finally:
        holder.close()
