"""Tracker records become stored rows: placed, filtered, buffered and retried."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devfocus.activity.records import Activity, Context, Kind
from devfocus.activity.tracker import Record
from devfocus.app.locate import Locator
from devfocus.app.recorder import Recorder
from devfocus.config import DEFAULT_EXCLUDES
from devfocus.store.database import Database
from devfocus.store.errors import StoreError
from devfocus.store.events import iter_events
from tests.repos import git, init_repo

SOURCE = "window-1"
EDITOR = "vscode"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "shop")
    for relative in ("src/cart.py", "node_modules/lib/index.js"):
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text("x\n")
    os.utime(repo / ".git" / "HEAD", ns=(1_700_000_000 * 10**9,) * 2)
    return repo


@pytest.fixture
def cart(repo: Path) -> str:
    return (repo / "src" / "cart.py").as_uri()


@pytest.fixture
def excluded(repo: Path) -> str:
    return (repo / "node_modules" / "lib" / "index.js").as_uri()


@pytest.fixture
def locator() -> Locator:
    return Locator([], DEFAULT_EXCLUDES)


@pytest.fixture
def recorder(locator: Locator) -> Recorder:
    return Recorder(locator, source=SOURCE, editor=EDITOR)


@pytest.fixture
def db(tmp_path: Path):
    database = Database(f"sqlite:///{tmp_path / 'data' / 'devfocus.db'}")
    yield database
    database.close()


def stored(db: Database) -> list[dict]:
    return db.run(lambda engine: list(iter_events(engine)))


def placed_row(repo: Path, id: int, start_ms: int, end_ms: int, kind: str, **values) -> dict:
    base = {
        "id": id,
        "start_ms": start_ms,
        "end_ms": end_ms,
        "kind": kind,
        "project": repo.as_posix(),
        "path": "src/cart.py",
        "language": "python",
        "branch": "main",
        "editor": EDITOR,
        "source": SOURCE,
        "lines_added": 0,
        "lines_removed": 0,
        "lines_bulk": 0,
    }
    base.update(values)
    return base


def unplaced_row(id: int, at_ms: int, kind: str) -> dict:
    return {
        "id": id,
        "start_ms": at_ms,
        "end_ms": at_ms,
        "kind": kind,
        "project": None,
        "path": None,
        "language": None,
        "branch": None,
        "editor": EDITOR,
        "source": SOURCE,
        "lines_added": 0,
        "lines_removed": 0,
        "lines_bulk": 0,
    }


def test_rows_are_placed_by_the_locator(recorder: Recorder, db: Database, repo, cart) -> None:
    recorder.add(
        [
            Record(1, Kind.OPEN, cart, "python", 100.0, 100.0),
            Record(2, Kind.EDIT, cart, "python", 101.0, 105.5, 3, 1),
            Record(3, Kind.PAUSE, None, None, 108.25, 108.25),
        ]
    )
    assert len(recorder) == 3
    assert recorder.write(db) == 3
    assert len(recorder) == 0
    assert recorder.unwritten() == []
    assert stored(db) == [
        placed_row(repo, 1, 100_000, 100_000, "open"),
        placed_row(repo, 2, 101_000, 105_500, "edit", lines_added=3, lines_removed=1),
        unplaced_row(3, 108_250, "pause"),
    ]


def test_nothing_to_write(recorder: Recorder, db: Database) -> None:
    assert recorder.write(db) == 0


def test_document_events_of_excluded_files_are_dropped(
    recorder: Recorder, db: Database, excluded
) -> None:
    recorder.add(
        [
            Record(1, Kind.OPEN, excluded, "javascript", 100.0, 100.0),
            Record(2, Kind.EDIT, excluded, "javascript", 101.0, 102.0, 1, 0),
            Record(3, Kind.SAVE, excluded, "javascript", 103.0, 103.0),
            Record(4, Kind.CLOSE, excluded, "javascript", 104.0, 104.0),
            Record(5, Kind.OPEN, "untitled:Untitled-1", "python", 105.0, 105.0),
        ]
    )
    assert len(recorder) == 0
    assert recorder.write(db) == 0


def test_focus_changes_on_excluded_files_are_kept_without_a_place(
    recorder: Recorder, db: Database, excluded
) -> None:
    recorder.add(
        [
            Record(1, Kind.BLUR, excluded, None, 200.0, 200.0),
            Record(2, Kind.FOCUS, excluded, None, 260.0, 260.0),
        ]
    )
    assert recorder.write(db) == 2
    assert stored(db) == [unplaced_row(1, 200_000, "blur"), unplaced_row(2, 260_000, "focus")]


def test_a_growing_span_keeps_its_first_place_and_ends_as_one_row(
    recorder: Recorder, locator: Locator, db: Database, repo: Path, cart: str
) -> None:
    recorder.add([Record(10, Kind.EDIT, cart, "python", 200.0, 201.0, 1, 0, final=False)])
    assert recorder.write(db) == 1

    # Placed now, the file would be excluded, and on another branch.
    locator.configure([], [*DEFAULT_EXCLUDES, "src/**"])
    git(repo, "checkout", "-q", "-b", "other")
    os.utime(repo / ".git" / "HEAD", ns=(1_700_000_100 * 10**9,) * 2)

    recorder.add([Record(10, Kind.EDIT, cart, "python", 200.0, 230.0, 4, 1, final=False)])
    assert recorder.write(db) == 1
    recorder.add([Record(10, Kind.EDIT, cart, "python", 200.0, 250.0, 6, 2, final=True)])
    assert recorder.write(db) == 1
    assert stored(db) == [
        placed_row(repo, 10, 200_000, 250_000, "edit", lines_added=6, lines_removed=2)
    ]

    # Spans started after the first one ended are placed afresh.
    recorder.add([Record(11, Kind.EDIT, cart, "python", 300.0, 301.0, 1, 0, final=False)])
    assert len(recorder) == 0
    locator.configure([], DEFAULT_EXCLUDES)
    recorder.add([Record(12, Kind.EDIT, cart, "python", 400.0, 401.0, 1, 0, final=False)])
    assert recorder.write(db) == 1
    assert stored(db)[-1] == placed_row(
        repo, 12, 400_000, 401_000, "edit", branch="other", lines_added=1
    )


def test_a_span_grown_twice_before_a_write_is_one_row(
    recorder: Recorder, db: Database, repo, cart
) -> None:
    recorder.add([Record(10, Kind.EDIT, cart, "python", 200.0, 201.0, 1, 0, final=False)])
    recorder.add([Record(10, Kind.EDIT, cart, "python", 200.0, 220.0, 2, 0, final=False)])
    assert len(recorder) == 1
    assert recorder.write(db) == 1
    assert stored(db) == [placed_row(repo, 10, 200_000, 220_000, "edit", lines_added=2)]


def test_a_failed_write_keeps_the_rows_for_the_next_write(
    recorder: Recorder, db: Database, tmp_path: Path, repo: Path, cart: str
) -> None:
    corrupt_path = tmp_path / "corrupt.db"
    corrupt_path.write_bytes(b"definitely not a database\n" * 100)
    corrupt = Database(f"sqlite:///{corrupt_path}")

    recorder.add([Record(1, Kind.OPEN, cart, "python", 100.0, 100.0)])
    with pytest.raises(StoreError) as error:
        recorder.write(corrupt)
    assert error.value.kind == "corrupt"
    assert len(recorder) == 1

    recorder.add([Record(2, Kind.SAVE, cart, "python", 110.0, 110.0)])
    with pytest.raises(StoreError):
        recorder.write(corrupt)
    assert len(recorder) == 2

    assert recorder.write(db) == 2
    assert len(recorder) == 0
    assert stored(db) == [
        placed_row(repo, 1, 100_000, 100_000, "open"),
        placed_row(repo, 2, 110_000, 110_000, "save"),
    ]


def test_a_full_buffer_drops_the_oldest_rows(locator: Locator, db: Database, cart: str) -> None:
    recorder = Recorder(locator, source=SOURCE, editor=EDITOR, limit=3)
    recorder.add([Record(i, Kind.SAVE, cart, "python", 100.0 + i, 100.0 + i) for i in range(1, 6)])
    assert len(recorder) == 3
    assert recorder.dropped == 2
    assert [a.start for a in recorder.unwritten()] == [103.0, 104.0, 105.0]

    recorder.add([Record(i, Kind.SAVE, cart, "python", 100.0 + i, 100.0 + i) for i in (6, 7)])
    assert recorder.dropped == 4
    assert [a.start for a in recorder.unwritten()] == [105.0, 106.0, 107.0]

    assert recorder.write(db) == 3
    assert [r["id"] for r in stored(db)] == [5, 6, 7]
    assert recorder.dropped == 4


def test_unwritten_rows_as_activity(
    recorder: Recorder, db: Database, tmp_path: Path, repo: Path, cart: str, excluded: str
) -> None:
    recorder.add(
        [
            Record(1, Kind.EDIT, cart, "python", 100.25, 130.5, 7, 2),
            Record(2, Kind.BLUR, excluded, None, 131.0, 131.0),
        ]
    )
    main = Context(repo.as_posix(), "main")
    assert recorder.unwritten() == [
        Activity(100.25, 130.5, Kind.EDIT, main, "python", "src/cart.py", EDITOR, SOURCE, 7, 2),
        Activity(131.0, 131.0, Kind.BLUR, None, None, None, EDITOR, SOURCE, 0, 0),
    ]
    recorder.write(db)
    assert recorder.unwritten() == []


def test_editor_defaults_to_none(locator: Locator, db: Database, repo, cart) -> None:
    recorder = Recorder(locator, source="cli")
    recorder.add([Record(1, Kind.OPEN, cart, "python", 100.0, 100.0)])
    recorder.write(db)
    assert stored(db) == [placed_row(repo, 1, 100_000, 100_000, "open", editor=None, source="cli")]
