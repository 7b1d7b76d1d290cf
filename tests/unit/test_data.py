"""All of the user's data at once (devfocus.app.userdata): the export's progress and its refusals,
and erasing every table without leaving a copy in the SQLite file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from devfocus.activity.records import SwitchNote, TaskMark
from devfocus.activity.tasks import TaskLink
from devfocus.app.userdata import ExportRefused, delete_all, export_to_file
from devfocus.store.blockstore import silence_nudge, start_block
from devfocus.store.database import Database
from devfocus.store.events import count_events, write_events
from devfocus.store.gitstore import ensure_repository, write_task
from devfocus.store.insighthistory import save_day_rows, save_debt
from devfocus.store.trackerstore import add_link, add_switch_note, write_issues
from devfocus.trackers.imported import TrackerIssue
from tests.unit.test_store import row


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'data' / 'devfocus.db'}")
    db.run(lambda engine: write_events(engine, [row(i, 1_000 * i) for i in range(1, 251)]))
    yield db
    db.close()


def test_progress_goes_from_zero_to_all(database: Database, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    exported = export_to_file(database, "csv", tmp_path / "x.csv", lambda d, t: seen.append((d, t)))
    assert exported.events == 250 and exported.history == {}
    assert seen[0] == (0, 250) and seen[-1] == (250, 250)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) <= 102  # about one per percent, not one per event
    assert stat.S_IMODE((tmp_path / "x.csv").stat().st_mode) == 0o600


def test_a_progress_that_raises_stops_the_export_and_leaves_nothing(
    database: Database, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "x.json"
    target.parent.mkdir()
    target.write_text("kept\n")

    def stop(done: int, total: int) -> None:
        if done >= 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_to_file(database, "json", target, stop)
    assert [p.name for p in target.parent.iterdir()] == ["x.json"]
    assert target.read_text() == "kept\n"


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_database_is_never_an_export_target(
    database: Database, tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / "data" / f"devfocus.db{suffix}"
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    for path in (target, link):
        with pytest.raises(ExportRefused, match="is the DevFocus database itself"):
            export_to_file(database, "csv", path)
    assert database.run(count_events) == 250


def test_delete_all_erases_every_table_and_leaves_no_copy(
    database: Database, tmp_path: Path
) -> None:
    database.run(lambda engine: ensure_repository(engine, "/src/shop", "/src/shop/.git", None, 0))
    database.run(
        lambda engine: write_task(engine, TaskMark(5.0, "/src/shop", "main", "zebra-7781", None))
    )
    database.run(lambda engine: start_block(engine, 10.0, 1510.0, "window-1"))
    database.run(lambda engine: silence_nudge(engine, "longStretch", 86_400.0))
    database.run(lambda engine: save_debt(engine, "/home/dev/shop", "2026-01-05", 9.0, 3, 10))
    figures = {"day": "2026-01-05", "events": 250, "commits": 0, "figures": "{}", "made_ms": 1}
    database.run(lambda engine: save_day_rows(engine, "rules", [figures]))
    issue = TrackerIssue(
        "github",
        "acme/shop",
        "#7",
        "zebra-7781 crash",
        "https://github.com/acme/shop/issues/7",
        "bug",
        "high",
        "open",
        True,
        ("bug",),
        1.0,
        2.0,
        None,
        "zebra-7781 steps",
    )
    database.run(lambda engine: write_issues(engine, [issue]))
    link = TaskLink("https://docs.example.org/zebra-7781", "notes", "user", 3.0)
    database.run(lambda engine: add_link(engine, "/src/shop", "#7", link))
    note = SwitchNote(4.0, "/src/shop", "other", "zebra-7781 call")
    database.run(lambda engine: add_switch_note(engine, note, 4.0))
    # Aggregates staged for a team database, and where sharing stood.
    from devfocus.store.teamoutbox import stage, write_state
    from devfocus.team.figures import HourRow

    hour = HourRow(3600.0, "project", "zebra-7781", 1800, 900, 0, 0)
    database.run(lambda engine: stage(engine, [hour], 0.0, 7200.0, now=5.0))
    database.run(lambda engine: write_state(engine, {"share": "totals+projects"}))
    erased = delete_all(database)
    assert erased.counts == {
        "events": 250,
        "commits": 0,
        "commitFiles": 0,
        "checkouts": 0,
        "tasks": 1,
        "repositories": 1,
        "focusBlocks": 1,
        "nudges": 1,
        "dayFigures": 1,
        "docstringDebt": 1,
        "aiAnswers": 0,
        "trackerIssues": 1,
        "trackerPulls": 0,
        "trackerSyncs": 0,
        "taskLinks": 1,
        "switchNotes": 1,
        "teamOutbox": 1,
        "teamState": 1,
    }
    assert (erased.events, erased.commits) == (250, 0)
    assert database.run(count_events) == 0
    files = sorted((tmp_path / "data").glob("devfocus.db*"))
    assert files and not any(b"zebra-7781" in f.read_bytes() for f in files)
    assert not any(b"/home/dev/shop" in f.read_bytes() for f in files)


def test_a_hard_link_to_the_database_is_refused_too(database: Database, tmp_path: Path) -> None:
    link = tmp_path / "export.csv"
    os.link(tmp_path / "data" / "devfocus.db", link)
    with pytest.raises(ExportRefused, match="is the DevFocus database itself"):
        export_to_file(database, "csv", link)


def test_a_target_that_changes_during_the_export_is_not_replaced(
    database: Database, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "x.csv"
    target.parent.mkdir()

    def becomes_a_pipe(done: int, total: int) -> None:
        if done == total and not target.exists():
            os.mkfifo(target)

    with pytest.raises(ExportRefused, match="is a named pipe"):
        export_to_file(database, "csv", target, becomes_a_pipe)
    assert [p.name for p in target.parent.iterdir()] == ["x.csv"]
    assert stat.S_ISFIFO(target.lstat().st_mode)
