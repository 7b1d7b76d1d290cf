"""devfocus.export and devfocus.data.delete: the user's data from the editor, through the real
server and its real SQLite file."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import stat
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import Session, _poll
from tests.lsp.test_storage import read_only


def commits_stored(session: Session) -> int:
    if not session.db_path.exists():
        return 0
    with sqlite3.connect(session.db_path, timeout=10) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM commits").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


async def test_export_json_has_everything_typed_so_far_and_the_history(
    session: Session, tmp_path: Path
) -> None:
    await _poll(lambda: commits_stored(session) > 0, "the history was never imported", 20)
    session.type_lines(session.open("app.py"), line=0, count=3)  # buffered, not yet written
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "export.json"
    result = await session.command("devfocus.export", {"format": "json", "path": str(target)})
    exported = json.loads(target.read_text())
    assert result == {"path": str(target), "format": "json", "events": len(exported["events"])}
    assert exported["format"] == "devfocus-export"
    assert sum(e["linesAdded"] or 0 for e in exported["events"]) == 3
    assert {e["path"] for e in exported["events"] if e["path"]} == {"app.py"}
    assert len(exported["commits"]) == commits_stored(session)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["export.json"]  # no temporary file


async def test_export_csv_to_a_file_uri(session: Session, tmp_path: Path) -> None:
    session.type_lines(session.open("app.py"), line=0, count=2)
    target = tmp_path / "export.csv"
    result = await session.command("devfocus.export", {"format": "csv", "path": target.as_uri()})
    rows = list(csv.DictReader(target.read_text().splitlines()))
    assert result["events"] == len(rows) > 0
    assert sum(int(r["linesAdded"] or 0) for r in rows) == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "arguments, complaint",
    [
        ({"format": "xml", "path": "/tmp/x.xml"}, "format must be one of csv, json"),
        ({"format": "json"}, "path must be an absolute file path"),
        ({"format": "json", "path": "relative.json"}, "path must be an absolute file path"),
        ({"format": "json", "path": "/nonexistent-dir/x.json"}, "does not exist"),
    ],
)
async def test_bad_export_arguments_get_a_clear_error_and_write_nothing(
    session: Session, arguments, complaint
) -> None:
    with pytest.raises(JsonRpcException, match=complaint):
        await session.command("devfocus.export", arguments)
    assert (await session.command("devfocus.status"))["state"] in {"idle", "active"}


async def test_an_export_the_system_refuses_leaves_nothing_behind(
    session: Session, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    with read_only(locked):
        with pytest.raises(JsonRpcException, match="cannot write"):
            await session.command(
                "devfocus.export", {"format": "json", "path": str(locked / "x.json")}
            )
        assert list(locked.iterdir()) == []
    assert (await session.command("devfocus.status"))["state"] in {"idle", "active"}


async def test_delete_needs_confirmation(session: Session) -> None:
    session.type_lines(session.open("app.py"), line=0, count=2)
    await session.command("devfocus.report", {"period": "today", "format": "json"})  # writes
    for arguments in ({}, {"confirm": "yes"}):
        with pytest.raises(JsonRpcException, match=re.escape('pass {"confirm": true}')):
            await session.command("devfocus.data.delete", arguments)
    with pytest.raises(JsonRpcException, match="expected one object"):
        await session.command("devfocus.data.delete")
    assert session.events(), "the data was deleted without confirmation"


async def test_delete_erases_events_history_and_buffered_activity(session: Session) -> None:
    await _poll(lambda: commits_stored(session) > 0, "the history was never imported", 20)
    uri = session.open("app.py")
    session.type_lines(uri, line=0, count=2)
    await session.command("devfocus.report", {"period": "today", "format": "json"})  # written
    session.type_lines(uri, line=2, count=2, version=4)  # still buffered
    result = await session.command("devfocus.data.delete", {"confirm": True})
    assert result["events"] >= 1 and result["commits"] >= 1
    assert session.events() == [] and commits_stored(session) == 0
    status = await session.command("devfocus.status")
    assert status["todaySeconds"] == 0
    report = await session.command("devfocus.report", {"period": "today", "format": "json"})
    assert report["linesAdded"] == 0
    # Still serving: new activity is recorded again.
    session.type_lines(uri, line=0, count=1, version=6)
    report = await session.command("devfocus.report", {"period": "today", "format": "json"})
    assert report["linesAdded"] == 1
