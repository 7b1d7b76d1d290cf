"""devfocus.export and devfocus.data.delete: the user's data from the editor, through the real
server and its real SQLite file.

The workspace is a real git repository (tests.repos) whose one commit has a fixed date; the
server imports it at start-up. Nothing sleeps: expectations wait for a notification, a log line
or the database file, with a bound.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import random
import re
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from devfocus.app.userdata import EXPORT_FIELDS
from devfocus.store.database import Database
from devfocus.store.events import write_events
from tests.lsp.conftest import (
    TIMEOUT,
    Session,
    _poll,
    end_session,
    expose_client,
    server_env,
    start_session,
)
from tests.lsp.test_status import seed_edits
from tests.repos import GIT_DATE, git

INVALID_PARAMS = -32602
REQUEST_CANCELLED = -32800
HISTORY_TABLES = {
    "repositories": "repositories",
    "commits": "commits",
    "commitFiles": "commit_files",
    "checkouts": "checkouts",
    "tasks": "tasks",
    "focusBlocks": "focus_blocks",  # exported with the history
    # What came from issue trackers, and what the user attached to tasks and switches.
    "trackerIssues": "tracker_issues",
    "trackerPulls": "tracker_pulls",
    "taskLinks": "task_links",
    "switchNotes": "switch_notes",
}
# What the days' activity made (nudge memory, baselines, docstring debt): erased with it.
DERIVED_TABLES = ("nudges", "day_figures", "docstring_debt")


# -- the database file, as another process sees it ----------------------------------------------
def count(session: Session, table: str) -> int:
    if not session.db_path.exists():
        return 0
    with closing(sqlite3.connect(session.db_path, timeout=10)) as conn:
        try:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.OperationalError:
            return 0  # not created yet


def repository_email(session: Session) -> str | None:
    with closing(sqlite3.connect(session.db_path, timeout=10)) as conn:
        row = conn.execute("SELECT user_email FROM repositories").fetchone()
    return row[0] if row else None


def file_holds(session: Session, text: bytes) -> bool:
    """Whether the database file or its write-ahead log holds ``text``, anywhere."""
    wal = session.data_dir / "devfocus.db-wal"
    data = session.db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    return text in data


async def history_imported(session: Session) -> None:
    await _poll(lambda: count(session, "commits") > 0, "the history was never imported", TIMEOUT)


# -- folders, the CLI, progress bars ------------------------------------------------------------
@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """A folder this process cannot create files in: chmod, or the immutable flag for root."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


async def cli_export(data_dir: Path, fmt: str) -> bytes:
    """What ``devfocus export --format fmt`` prints for the same database."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "devfocus",
        "export",
        "--format",
        fmt,
        env=server_env(data_dir),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return out


def export_bars(session: Session) -> list[list[Any]]:
    return [
        reports
        for token, reports in session.client.progress_reports.items()
        if str(token).startswith("devfocus-export")
    ]


def on_progress(session: Session, hook: Callable[[types.ProgressParams], None]) -> None:
    """Call ``hook`` with every $/progress as it arrives (pytest-lsp keeps its own handler)."""
    protocol = session.client.protocol
    handle = protocol._handle_notification

    def notification(method: str, params: Any) -> None:
        if method == types.PROGRESS:
            hook(params)
        handle(method, params)

    protocol._handle_notification = notification  # type: ignore[method-assign]


def seconds_today() -> float:
    return time.time() % 86400  # the server runs with TZ=UTC


# -- export ------------------------------------------------------------------------------------
async def test_export_json_has_everything_typed_so_far_and_the_history(
    session: Session, tmp_path: Path
) -> None:
    await history_imported(session)
    session.type_lines(session.open("app.py"), line=0, count=3)  # buffered, not yet written
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "export.json"

    result = await session.command("devfocus.export", {"format": "json", "path": str(target)})

    exported = json.loads(target.read_text())
    history = {name: len(exported[name]) for name in HISTORY_TABLES}
    assert result == {
        "path": str(target),
        "format": "json",
        "events": len(exported["events"]),
        "history": history,
    }
    assert history == {name: count(session, table) for name, table in HISTORY_TABLES.items()}
    assert exported["format"] == "devfocus-export" and exported["version"] == 1
    # Every event typed up to the command, though the server had not written it yet.
    assert sum(e["linesAdded"] or 0 for e in exported["events"]) == 3
    assert {e["path"] for e in exported["events"] if e["path"]} == {"app.py"}
    assert all(list(e) == list(EXPORT_FIELDS) for e in exported["events"])
    # The workspace's git history, with its real date.
    [start] = exported["commits"]
    assert start["message"].strip() == "Start"
    assert start["authoredMs"] == int(datetime.fromisoformat(GIT_DATE).timestamp() * 1000)
    assert exported["repositories"][0]["root"] == session.repo.as_posix()
    # Readable by its owner only, and no temporary file next to it.
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["export.json"]
    # Written through the database: what was buffered is stored now.
    assert len(session.events()) == len(exported["events"])


async def test_export_csv_to_a_file_uri_replaces_a_readable_file(
    session: Session, tmp_path: Path
) -> None:
    session.type_lines(session.open("app.py"), line=0, count=2)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "export.csv"
    target.write_text("an older export\n")
    target.chmod(0o644)

    result = await session.command("devfocus.export", {"format": "csv", "path": target.as_uri()})

    text = target.read_text()
    rows = list(csv.DictReader(text.splitlines()))
    assert result == {"path": str(target), "format": "csv", "events": len(rows)}
    assert text.splitlines()[0] == ",".join(EXPORT_FIELDS)
    assert sum(int(r["linesAdded"] or 0) for r in rows) == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["export.csv"]


async def test_the_export_is_what_the_cli_writes(session: Session, tmp_path: Path) -> None:
    await history_imported(session)
    session.type_lines(session.open("app.py"), line=0, count=2)
    for fmt in ("csv", "json"):
        target = tmp_path / f"export.{fmt}"
        await session.command("devfocus.export", {"format": fmt, "path": str(target)})
        # The server wrote everything first, so another process reads the same database.
        printed = await cli_export(session.data_dir, fmt)
        if fmt == "csv":
            assert target.read_bytes() == printed
        else:
            ours, theirs = json.loads(target.read_bytes()), json.loads(printed)
            assert ours.pop("exportedAt") <= theirs.pop("exportedAt")
            assert ours == theirs
    assert (await session.command("devfocus.status"))["state"] == "active"


async def test_the_export_shows_progress(session: Session, tmp_path: Path) -> None:
    session.type_lines(session.open("app.py"), line=0, count=2)
    target = tmp_path / "export.json"
    result = await session.command("devfocus.export", {"format": "json", "path": str(target)})
    # Both presets announce window.workDoneProgress: one progress bar, ended.
    [bar] = export_bars(session)
    kinds = [r.kind for r in bar]
    assert (kinds[0], kinds[-1]) == ("begin", "end") and set(kinds[1:-1]) == {"report"}
    assert bar[0].title == "Exporting DevFocus data" and bar[0].cancellable is True
    assert bar[-2].message == f"{result['events']} of {result['events']} events"
    assert bar[-2].percentage == 100
    assert bar[-1].message == "Done"


@pytest.mark.parametrize(
    "arguments, complaint",
    [
        ([{"format": "xml", "path": "{tmp}/x.xml"}], "format must be one of csv, json"),
        ([{"path": "{tmp}/x.json"}], "format must be one of csv, json; got None"),
        ([{"format": "json"}], "path must be an absolute file path or a file URI"),
        ([{"format": "json", "path": ""}], "path must be an absolute file path"),
        ([{"format": "json", "path": 42}], "path must be an absolute file path"),
        ([{"format": "json", "path": "relative.json"}], "path must be an absolute file path"),
        ([{"format": "json", "path": "{tmp}/missing/x.json"}], "does not exist"),
        ([{"format": "json", "path": "{tmp}"}], "is a folder; give a file name"),
        (["json", "{tmp}/x.json"], "expected one object argument"),
        ([], "expected one object argument"),
    ],
)
async def test_bad_export_arguments_get_a_clear_error_and_write_nothing(
    session: Session, tmp_path: Path, arguments: list[Any], complaint: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()

    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("{tmp}", str(folder))
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    with pytest.raises(JsonRpcException, match=complaint) as refused:
        await session.command("devfocus.export", *[fill(a) for a in arguments])
    assert refused.value.code == INVALID_PARAMS
    assert list(folder.iterdir()) == []
    assert export_bars(session) == []  # refused before any work began
    assert (await session.command("devfocus.status"))["state"] == "idle"


async def test_the_database_itself_is_never_an_export_target(session: Session) -> None:
    session.type_lines(session.open("app.py"), line=0, count=1)
    await session.wait_for_events(lambda rows: len(rows) >= 2)
    for name in ("devfocus.db", "devfocus.db-wal"):
        with pytest.raises(JsonRpcException, match="is the DevFocus database itself") as refused:
            await session.command(
                "devfocus.export", {"format": "csv", "path": str(session.data_dir / name)}
            )
        assert refused.value.code == INVALID_PARAMS
    assert len(session.events()) >= 2
    assert (await session.command("devfocus.status"))["state"] == "active"


async def test_an_export_the_system_refuses_leaves_nothing_behind(
    session: Session, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    session.type_lines(session.open("app.py"), line=0, count=1)
    with unwritable(locked):
        with pytest.raises(JsonRpcException, match=r"cannot write .*; nothing was written"):
            await session.command(
                "devfocus.export", {"format": "json", "path": str(locked / "x.json")}
            )
        assert list(locked.iterdir()) == []
    [bar] = export_bars(session)
    assert bar[-1].kind == "end"
    # Still serving, and the activity is safe in the database.
    assert (await session.command("devfocus.status"))["state"] == "active"
    assert sum(row["lines_added"] or 0 for row in session.events()) == 1


async def test_cancelling_the_progress_stops_the_export_and_writes_nothing(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, tmp_path: Path
) -> None:
    start = time.time() - 90 * 86400
    rows = [
        {
            "id": random.getrandbits(63),
            "start_ms": int((start + i) * 1000),
            "end_ms": int((start + i) * 1000) + 500,
            "kind": "edit",
            "project": repo.as_posix(),
            "path": "app.py",
            "language": "python",
            "branch": "main",
            "editor": "seed",
            "source": "seed",
            "lines_added": 1,
            "lines_removed": 0,
        }
        for i in range(60_000)
    ]
    database = Database(f"sqlite:///{data_dir / 'devfocus.db'}")
    database.run(lambda engine: write_events(engine, rows))
    database.close()
    s = await start_session(repo, data_dir, "visual-studio-code")
    expose_client(request, s.client)
    try:
        cancelled: list[Any] = []

        def cancel_at_first_report(params: types.ProgressParams) -> None:
            value = params.value if isinstance(params.value, dict) else {}
            token = params.token
            if str(token).startswith("devfocus-export") and value.get("kind") == "report":
                if cancelled:  # the user clicks Cancel on the first export only
                    return
                cancelled.append(token)
                s.client.window_work_done_progress_cancel(
                    types.WorkDoneProgressCancelParams(token=params.token)
                )

        on_progress(s, cancel_at_first_report)
        target = tmp_path / "out" / "export.json"
        target.parent.mkdir()
        with pytest.raises(JsonRpcException, match="cancelled; nothing was written") as stopped:
            await s.command("devfocus.export", {"format": "json", "path": str(target)})
        assert stopped.value.code == REQUEST_CANCELLED
        assert list(target.parent.iterdir()) == []
        bar = s.client.progress_reports[cancelled[0]]
        assert bar[-1].kind == "end" and bar[-1].message == "Cancelled"
        # Not cancelled: the whole of it.
        result = await s.command("devfocus.export", {"format": "csv", "path": str(target)})
        assert result["events"] == 60_000
    finally:
        await end_session(s)


# -- delete ------------------------------------------------------------------------------------
async def test_delete_needs_confirmation(session: Session) -> None:
    await history_imported(session)
    session.type_lines(session.open("app.py"), line=0, count=2)
    await session.command("devfocus.report", {"period": "today", "format": "json"})  # writes
    for arguments in ({}, {"confirm": "yes"}, {"confirm": 1}, {"confirm": False}):
        with pytest.raises(JsonRpcException, match=re.escape('pass {"confirm": true}')) as refused:
            await session.command("devfocus.data.delete", arguments)
        assert refused.value.code == INVALID_PARAMS
        assert "nothing was deleted" in str(refused.value)
    for arguments in ((), (True,), ({"confirm": True}, {"confirm": True})):
        with pytest.raises(JsonRpcException, match="expected one object argument"):
            await session.command("devfocus.data.delete", *arguments)
    assert session.events(), "the data was deleted without confirmation"
    assert count(session, "commits") == 1
    report = await session.command("devfocus.report", {"period": "today", "format": "json"})
    assert report["linesAdded"] == 2  # what was buffered was kept too


async def test_delete_erases_everything_and_the_status_shows_it(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> None:
    if seconds_today() < 600:
        pytest.skip("the seeded activity of the last 10 minutes would be yesterday's")
    seed_edits(data_dir, repo, "main", start=time.time() - 600, minutes=5)
    s = await start_session(repo, data_dir, preset)
    expose_client(request, s.client)
    try:
        await history_imported(s)
        await s.command("devfocus.task.set", {"title": "Plan the zebra-7781 launch"})
        await s.command("devfocus.focus.start", {"minutes": 25})
        await s.command("devfocus.task.link", {"url": "https://docs.example.org/zebra-7781"})
        note = {"reason": "other", "note": "zebra-7781 call", "at": "2026-12-01T10:00:00Z"}
        await s.command("devfocus.switch.annotate", note)
        uri = s.open("app.py")
        s.type_lines(uri, line=0, count=2)
        await s.command("devfocus.report", {"period": "today", "format": "json"})  # written
        s.type_lines(uri, line=2, count=2, version=4)  # still buffered
        before = await s.command("devfocus.status")
        assert before["todaySeconds"] > 0
        assert before["task"]["title"] == "Plan the zebra-7781 launch"
        stored = len(s.events())

        result = await s.command("devfocus.data.delete", {"confirm": True})

        assert result == {
            "events": result["events"],
            "commits": 1,
            "commitFiles": result["commitFiles"],
            "checkouts": 0,
            "tasks": 1,
            "repositories": 1,
            "focusBlocks": 1,
            "nudges": 0,
            "dayFigures": result["dayFigures"],
            "docstringDebt": result["docstringDebt"],
            "aiAnswers": 0,
            "trackerIssues": 0,
            "trackerPulls": 0,
            "trackerSyncs": 0,
            "taskLinks": 1,
            "switchNotes": 1,
            "teamOutbox": 0,
            "teamState": 0,
        }
        assert result["events"] >= stored  # what was buffered is counted too
        for table in ("events", *HISTORY_TABLES.values(), *DERIVED_TABLES):
            assert count(s, table) == 0, table
        # Overwritten, not just unlinked from the tables: the file keeps no copy.
        assert not file_holds(s, b"zebra-7781")
        # The live status says so without being asked.
        await s.statuses.wait_for(lambda status: status.todaySeconds == 0)
        status = await s.command("devfocus.status")
        assert (status["todaySeconds"], status["sessionSeconds"], status["task"]) == (0, 0, None)
        report = await s.command("devfocus.report", {"period": "today", "format": "json"})
        assert report["linesAdded"] == 0
        await s.wait_for_log("deleted all data")
        # Still serving: new activity is recorded again.
        s.type_lines(uri, line=0, count=1, version=6)
        report = await s.command("devfocus.report", {"period": "today", "format": "json"})
        assert report["linesAdded"] == 1
        assert count(s, "events") >= 1
    finally:
        await end_session(s)


async def test_after_a_delete_git_history_is_read_again_in_full(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> None:
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "checkout", "-q", "-b", "feature/ABC-1")
    s = await start_session(repo, data_dir, preset)
    expose_client(request, s.client)
    try:
        await _poll(
            lambda: count(s, "checkouts") == 1 and count(s, "commits") == 1,
            "the start-up import never finished",
            TIMEOUT,
        )
        assert repository_email(s) == "dev@example.com"

        await s.command("devfocus.data.delete", {"confirm": True})
        assert count(s, "commits") == count(s, "repositories") == count(s, "checkouts") == 0

        # The import command reads it all again: commits, the reflog from its start, user.email.
        [entry] = (await s.command("devfocus.git.import"))["repositories"]
        assert (entry["newCommits"], entry["checkouts"], entry["problem"]) == (1, 1, None)
        assert repository_email(s) == "dev@example.com"

        # Deleted again, then the next commit: the watch reads the whole history again.
        await s.command("devfocus.data.delete", {"confirm": True})
        (repo / "app.py").write_text("x = 1\n")
        git(repo, "commit", "-q", "-am", "Change")
        await _poll(
            lambda: count(s, "commits") == 2 and count(s, "checkouts") == 1,
            "the watch did not read the history again after a delete",
            TIMEOUT,
        )
        assert repository_email(s) == "dev@example.com"
    finally:
        await end_session(s)


# -- what an export may replace ------------------------------------------------------------------
def special_files(folder: Path) -> dict[str, Path]:
    """Things at a path that are not regular files, each also reached through a symbolic link.
    The device is a copy of /dev/null's node where this process may make one (root), so that
    a failing export cannot harm the real one."""
    found: dict[str, Path] = {}
    if os.geteuid() == 0:
        os.mknod(folder / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        found["device"] = folder / "null"
    else:
        found["device"] = Path("/dev/null")
    os.mkfifo(folder / "pipe")
    found["fifo"] = folder / "pipe"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "sock"))
    listener.close()  # the socket file stays
    found["socket"] = folder / "sock"
    (folder / "dir").mkdir()
    found["folder"] = folder / "dir"
    for name, target in list(found.items()):
        link = folder / f"link-to-{name}"
        link.symlink_to(target)
        found[f"link to a {name}"] = link
    return found


def file_types(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IFMT(p.lstat().st_mode) for p in folder.iterdir()}


REFUSALS = {
    "device": "is a device, not a file",
    "fifo": "is a named pipe (FIFO), not a file",
    "socket": "is a socket, not a file",
    "folder": "is a folder; give a file name",
}


async def test_an_export_replaces_only_a_regular_file_or_makes_a_new_one(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    targets = special_files(folder)
    before = file_types(folder)
    device = os.stat(targets["device"])
    for name, path in targets.items():
        for fmt in ("csv", "json"):
            for given in (str(path), path.as_uri()):
                complaint = re.escape(REFUSALS[name.split()[-1]])
                with pytest.raises(JsonRpcException, match=complaint) as refused:
                    await session.command("devfocus.export", {"format": fmt, "path": given})
                assert refused.value.code == INVALID_PARAMS, (name, given)
    # Nothing replaced, nothing left beside them, no work begun.
    assert file_types(folder) == before
    after = os.stat(targets["device"])
    assert (after.st_mode, after.st_rdev) == (device.st_mode, device.st_rdev)
    assert export_bars(session) == []
    assert (await session.command("devfocus.status"))["state"] == "idle"


async def test_a_path_with_a_nul_character_is_refused_clearly(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    for path in (f"{folder}/x\x00.json", f"{folder.as_uri()}/x%00.json"):
        with pytest.raises(JsonRpcException, match="contains a NUL character") as refused:
            await session.command("devfocus.export", {"format": "json", "path": path})
        assert refused.value.code == INVALID_PARAMS
        assert "Traceback" not in str(refused.value)
    assert list(folder.iterdir()) == []
    assert (await session.command("devfocus.status"))["state"] == "idle"


async def test_a_long_file_name_is_written_and_a_too_long_one_refused(
    session: Session, tmp_path: Path
) -> None:
    session.type_lines(session.open("app.py"), line=0, count=2)
    folder = tmp_path / "out"
    folder.mkdir()
    long = folder / ("e" * 245 + ".json")  # 250 bytes: the longest names file systems allow
    result = await session.command("devfocus.export", {"format": "json", "path": str(long)})
    assert result["path"] == str(long)
    assert sum(e["linesAdded"] or 0 for e in json.loads(long.read_text())["events"]) == 2
    assert [p.name for p in folder.iterdir()] == [long.name]

    too_long = folder / ("e" * 251 + ".json")
    with pytest.raises(JsonRpcException, match="File name too long") as refused:
        await session.command("devfocus.export", {"format": "json", "path": str(too_long)})
    assert refused.value.code == INVALID_PARAMS
    assert [p.name for p in folder.iterdir()] == [long.name]


async def test_an_export_through_a_link_replaces_the_file_and_keeps_the_link(
    session: Session, tmp_path: Path
) -> None:
    session.type_lines(session.open("app.py"), line=0, count=1)
    (tmp_path / "out" / "real").mkdir(parents=True)
    real = tmp_path / "out" / "real" / "export.csv"
    real.write_text("an older export\n")
    link = tmp_path / "out" / "latest.csv"
    link.symlink_to(real)
    await session.command("devfocus.export", {"format": "csv", "path": str(link)})
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text().splitlines()[0] == ",".join(EXPORT_FIELDS)
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert sorted(p.name for p in link.parent.iterdir()) == ["latest.csv", "real"]
    assert [p.name for p in real.parent.iterdir()] == ["export.csv"]


async def test_the_database_is_refused_however_the_path_reaches_it(
    session: Session, tmp_path: Path
) -> None:
    session.type_lines(session.open("app.py"), line=0, count=1)
    await session.wait_for_events(lambda rows: len(rows) >= 2)
    data = session.data_dir
    (tmp_path / "alias").symlink_to(data)
    spellings = [
        f"{data}/./devfocus.db",
        f"{data}//devfocus.db-wal",
        f"{data}/../{data.name}/devfocus.db-shm",
        f"{tmp_path}/alias/devfocus.db-journal",
        (data / "devfocus.db").as_uri(),
    ]
    files = {p.name for p in data.iterdir()}
    for path in spellings:
        with pytest.raises(JsonRpcException, match="is the DevFocus database itself") as refused:
            await session.command("devfocus.export", {"format": "json", "path": path})
        assert refused.value.code == INVALID_PARAMS
    assert export_bars(session) == []
    assert not (data / "devfocus.db-journal").exists()
    assert {p.name for p in data.iterdir()} >= files  # nothing replaced or removed
    assert len(session.events()) >= 2
