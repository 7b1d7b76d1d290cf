"""The store: SQLite files set up safely, migrations, event reads and writes, error kinds."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, inspect, text

from devfocus.activity.records import Activity, Context, Kind
from devfocus.git.model import Commit
from devfocus.store import engine as engine_module
from devfocus.store.database import Database
from devfocus.store.engine import create, writing
from devfocus.store.errors import StoreError, classify
from devfocus.store.events import (
    COLUMNS,
    count_events,
    delete_events,
    event_range,
    iter_events,
    load_activities,
    write_events,
)
from devfocus.store.gitstore import ensure_repository, write_commits
from devfocus.store.migrations import (
    MIGRATIONS,
    VERSION_TABLE,
    Migration,
    SchemaTooNew,
    current_version,
    head,
    upgrade,
)
from devfocus.store.sqlrows import Source
from devfocus.store.tables import METADATA


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def row(id: int, start_ms: int, end_ms: int | None = None, **values) -> dict:
    base = {
        "id": id,
        "start_ms": start_ms,
        "end_ms": start_ms if end_ms is None else end_ms,
        "kind": "edit",
        "project": "/home/dev/shop",
        "path": "src/cart.py",
        "language": "python",
        "branch": "main",
        "editor": "vscode",
        "source": "window-1",
        "lines_added": 0,
        "lines_removed": 0,
        "lines_bulk": 0,
    }
    base.update(values)
    return base


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def db(tmp_path: Path):
    database = Database(sqlite_url(tmp_path / "data" / "devfocus.db"))
    yield database
    database.close()


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the SQLite file ---------------------------------------------------------------------------


def test_sqlite_file_and_directory_are_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "devfocus" / "devfocus.db"
    database = Database(sqlite_url(path))
    try:
        database.engine()
        assert mode(path.parent) == 0o700
        assert mode(path) == 0o600
        database.run(lambda e: write_events(e, [row(1, 1_000)]))
        wal = path.with_name(path.name + "-wal")
        assert wal.exists()
        assert mode(wal) == 0o600
    finally:
        database.close()


def test_sqlite_uses_wal_and_a_busy_timeout(db: Database) -> None:
    raw = db.engine().raw_connection()
    try:
        cursor = raw.cursor()
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        cursor.close()
    finally:
        raw.close()
    # WAL is a property of the file: another program opening it sees it too.
    other = sqlite3.connect(db.engine().url.database)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    finally:
        other.close()


def test_windows_opening_a_new_database_together_all_open_it(tmp_path: Path) -> None:
    """Two editor windows (or the tracker and the history import) opening a database that does
    not exist yet: SQLite refuses the switch to WAL with "locked" instead of waiting, and that
    must not reach the user as a database problem."""
    failures: list[str] = []
    for round_ in range(60):
        url = f"sqlite:///{tmp_path / f'{round_}.db'}"
        start = threading.Barrier(3)

        def open_it(url: str = url, start: threading.Barrier = start) -> None:
            database = Database(url)
            start.wait()
            try:
                database.run(lambda engine: engine.connect().close())
            except StoreError as error:
                failures.append(error.message)
            finally:
                database.close()

        threads = [threading.Thread(target=open_it) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []


def test_a_write_takes_the_lock_at_its_start(db: Database) -> None:
    """A write that reads first (which commits are new) then writes would fail at once, with no
    busy wait, if another connection wrote in between: so it holds the write lock from its
    start, and the other writer waits its turn."""
    engine = db.engine()
    other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
    try:
        with writing(engine) as conn:
            conn.execute(text("SELECT count(*) FROM events"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once it ended
        other.execute("ROLLBACK")
    finally:
        other.close()


def commit(n: int) -> Commit:
    return Commit(
        f"{n:040x}", (), "Dev", "dev@example.com", n, 0, "Dev", "dev@example.com", n, 0, f"c{n}"
    )


def test_the_git_import_and_the_tracker_write_together_without_failing(tmp_path: Path) -> None:
    """The history import (which reads, then writes) and the tracker, each with a connection
    of its own, writing the same file at the same moments: neither sees "locked"."""
    url = sqlite_url(tmp_path / "devfocus.db")
    importer, tracker = Database(url), Database(url)
    repo_id = importer.run(lambda e: ensure_repository(e, "/home/dev/shop", "/g", None, 0)).id
    tracker.engine()
    failures: list[str] = []
    start = threading.Barrier(2)

    def import_commits() -> None:
        start.wait()
        for n in range(200):
            try:
                importer.run(lambda e, n=n: write_commits(e, repo_id, [commit(n)], {}))
            except StoreError as error:
                failures.append(f"import: {error.message}")

    def track() -> None:
        start.wait()
        for n in range(200):
            try:
                tracker.run(lambda e, n=n: write_events(e, [row(n, n * 1_000)]))
            except StoreError as error:
                failures.append(f"tracker: {error.message}")

    threads = [threading.Thread(target=import_commits), threading.Thread(target=track)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        importer.close()
        tracker.close()
    assert failures == []


def test_database_can_be_closed_and_reopened(db: Database) -> None:
    db.run(lambda e: write_events(e, [row(1, 1_000)]))
    db.close()
    assert db.run(count_events) == 1


# -- migrations --------------------------------------------------------------------------------


def test_upgrade_from_empty_then_again_is_a_no_op(tmp_path: Path) -> None:
    engine = create(sqlite_url(tmp_path / "m.db"))
    try:
        assert upgrade(engine) == (0, head())
        assert upgrade(engine) == (head(), head())
        with engine.connect() as conn:
            assert current_version(conn) == head()
            versions = conn.execute(text(f"SELECT version FROM {VERSION_TABLE}")).scalars().all()
        assert versions == [m.version for m in MIGRATIONS]
    finally:
        engine.dispose()


def test_migrated_schema_equals_the_models(tmp_path: Path) -> None:
    engine = create(sqlite_url(tmp_path / "m.db"))
    try:
        upgrade(engine)
        inspector = inspect(engine)
        assert set(inspector.get_table_names()) == set(METADATA.tables)
        for name, table in METADATA.tables.items():
            reflected = inspector.get_columns(name)
            assert [(c["name"], c["nullable"]) for c in reflected] == [
                (c.name, c.nullable) for c in table.columns
            ], name
            assert [str(c["type"]) for c in reflected] == [
                c.type.compile(dialect=engine.dialect) for c in table.columns
            ], name
            assert inspector.get_pk_constraint(name)["constrained_columns"] == [
                c.name for c in table.primary_key
            ]
            assert {
                (ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
                for ix in inspector.get_indexes(name)
            } == {
                (ix.name, tuple(c.name for c in ix.columns), bool(ix.unique))
                for ix in table.indexes
            }
        assert [ix["name"] for ix in inspector.get_indexes("events")] == ["ix_events_start_ms"]
        assert inspector.get_indexes("events")[0]["column_names"] == ["start_ms"]
    finally:
        engine.dispose()


def _declare_note_column_and_tags(meta: MetaData) -> None:
    meta.tables["events"].append_column(Column("note", Text))
    Table("tags", meta, Column("event_id", Integer, nullable=False), Column("tag", Text))


def _add_note_column_and_tags(conn) -> None:
    conn.execute(text("ALTER TABLE events ADD COLUMN note TEXT"))
    conn.execute(text("CREATE TABLE tags (event_id INTEGER NOT NULL, tag TEXT NOT NULL)"))


def test_a_new_migration_keeps_existing_rows(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    database = Database(sqlite_url(path))
    rows = [row(i, 1_000 * i, 1_000 * i + 500, lines_added=i) for i in range(1, 51)]
    try:
        database.run(lambda e: write_events(e, rows))
    finally:
        database.close()

    engine = create(sqlite_url(path))
    known = head()
    nxt = known + 1
    migrations = [
        *MIGRATIONS,
        Migration(nxt, "notes and tags", _declare_note_column_and_tags, _add_note_column_and_tags),
    ]
    try:
        assert upgrade(engine, migrations) == (known, nxt)
        assert upgrade(engine, migrations) == (nxt, nxt)
        assert list(iter_events(engine)) == rows
        inspector = inspect(engine)
        assert "note" in [c["name"] for c in inspector.get_columns("events")]
        assert "tags" in inspector.get_table_names()
        with engine.connect() as conn:
            assert current_version(conn) == nxt
            recorded = conn.execute(
                text(f"SELECT version, description FROM {VERSION_TABLE} ORDER BY version")
            ).all()
            notes = conn.execute(text("SELECT COUNT(*) FROM events WHERE note IS NULL")).scalar()
        assert [tuple(r) for r in recorded] == [
            *((m.version, m.description) for m in MIGRATIONS),
            (nxt, "notes and tags"),
        ]
        assert notes == 50

        # This version of the code knows only up to `known` now.
        with pytest.raises(SchemaTooNew) as raised:
            upgrade(engine)
        assert (raised.value.found, raised.value.known) == (nxt, known)
    finally:
        engine.dispose()

    newer = Database(sqlite_url(path))
    try:
        with pytest.raises(StoreError) as error:
            newer.engine()
        assert error.value.kind == "schema"
    finally:
        newer.close()


def test_migration_3_adds_bulk_lines_to_a_version_2_database_and_keeps_its_events(
    tmp_path: Path,
) -> None:
    engine = create(sqlite_url(tmp_path / "v2.db"))
    try:
        assert upgrade(engine, MIGRATIONS[:2]) == (0, 2)
        with engine.begin() as conn:  # rows as version 2 wrote them: no lines_bulk
            for i in range(1, 31):
                conn.execute(
                    text(
                        "INSERT INTO events (id, start_ms, end_ms, kind, project, path, "
                        "language, branch, editor, source, lines_added, lines_removed) VALUES "
                        "(:id, :s, :e, 'edit', '/home/dev/shop', 'src/cart.py', 'python', "
                        "'main', 'vscode', 'window-1', :added, 1)"
                    ),
                    {"id": i, "s": 1_000 * i, "e": 1_000 * i + 500, "added": i},
                )
        found, known = upgrade(engine)
        assert (found, known) == (2, head())
        kept = list(iter_events(engine))
        assert len(kept) == 30
        assert [(r["id"], r["lines_added"], r["lines_bulk"]) for r in kept] == [
            (i, i, 0) for i in range(1, 31)
        ]
        column = {c["name"]: c for c in inspect(engine).get_columns("events")}["lines_bulk"]
        assert (str(column["type"]), column["nullable"]) == ("INTEGER", False)
        # The migrated database takes the new figure and grows it like the other line counts.
        write_events(engine, [row(31, 40_000, lines_added=12, lines_bulk=10)])
        write_events(engine, [row(31, 40_000, 45_000, lines_added=20, lines_bulk=18)])
        (grown,) = load_activities(engine, 39, 41)
        assert (grown.end, grown.lines_added, grown.lines_bulk) == (45.0, 20, 18)
    finally:
        engine.dispose()


def test_rows_written_without_bulk_lines_count_none(db: Database) -> None:
    engine = db.engine()
    legacy = {k: v for k, v in row(5, 10_000, lines_added=3).items() if k != "lines_bulk"}
    write_events(engine, [legacy])
    assert [(a.lines_added, a.lines_bulk) for a in load_activities(engine, 0, 20)] == [(3, 0)]


def test_schema_newer_than_known_is_refused(tmp_path: Path) -> None:
    engine = create(sqlite_url(tmp_path / "m.db"))
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(
                text(f"INSERT INTO {VERSION_TABLE} VALUES (:v, 'from the future', 0)"),
                {"v": head() + 1},
            )
        with pytest.raises(SchemaTooNew) as raised:
            upgrade(engine)
        assert raised.value.found == head() + 1
        assert raised.value.known == head()
    finally:
        engine.dispose()


# -- events ------------------------------------------------------------------------------------


def test_write_inserts_then_updates_the_same_id(db: Database) -> None:
    engine = db.engine()
    first = row(42, 10_000, 10_000, lines_added=1, lines_removed=0)
    write_events(engine, [first])
    assert list(iter_events(engine)) == [first]

    grown = {**first, "end_ms": 25_000, "lines_added": 4, "lines_removed": 2}
    write_events(engine, [grown])
    assert list(iter_events(engine)) == [grown]
    assert count_events(engine) == 1


def test_rewriting_an_id_changes_only_the_growing_columns(db: Database) -> None:
    engine = db.engine()
    first = row(7, 10_000, 11_000, lines_added=1)
    write_events(engine, [first])
    rewritten = row(
        7,
        99_000,
        30_000,
        kind="save",
        project="/elsewhere",
        path="other.py",
        language="rust",
        branch="dev",
        editor="vim",
        source="window-2",
        lines_added=5,
        lines_removed=3,
    )
    write_events(engine, [rewritten])
    expected = {**first, "end_ms": 30_000, "lines_added": 5, "lines_removed": 3}
    assert list(iter_events(engine)) == [expected]


def test_write_nothing(db: Database) -> None:
    write_events(db.engine(), [])
    assert count_events(db.engine()) == 0


def test_load_activities_in_a_range(db: Database) -> None:
    engine = db.engine()
    rows = [
        row(5, 1_020_000, kind="edit", branch="dev", path="b.py"),
        row(1, 1_000_000, 1_005_500, lines_added=3, lines_removed=1),
        row(3, 999_999, kind="open"),  # before the range
        row(2, 1_002_000, kind="focus", project=None, path=None, branch=None, language=None),
        row(6, 1_030_000, kind="teleport"),  # a kind this version does not know
        row(4, 1_010_000, kind="save"),
        row(7, 1_060_000, kind="close"),  # at the end of the range: excluded
    ]
    write_events(engine, rows)

    found = load_activities(engine, 1000.0, 1060.0)

    main = Context("/home/dev/shop", "main")
    dev = Context("/home/dev/shop", "dev")
    common = {"editor": "vscode", "source": "window-1"}
    assert found == [
        Activity(
            1000.0,
            1005.5,
            Kind.EDIT,
            main,
            "python",
            "src/cart.py",
            **common,
            lines_added=3,
            lines_removed=1,
        ),
        Activity(1002.0, 1002.0, Kind.FOCUS, None, None, None, **common),
        Activity(1010.0, 1010.0, Kind.SAVE, main, "python", "src/cart.py", **common),
        Activity(1020.0, 1020.0, Kind.EDIT, dev, "python", "b.py", **common),
    ]
    assert all(type(a.start) is float and type(a.end) is float for a in found)
    assert found[0].context is found[2].context
    assert found[3].context is not found[0].context


def test_load_activities_bounds_are_exact_to_the_millisecond(db: Database) -> None:
    engine = db.engine()
    write_events(engine, [row(1, 1_004, kind="open"), row(2, 1_005, kind="save")])
    # 1.004 s starts before 1.005 s; 1.005 s does not start before 1.005 s.
    assert [a.kind for a in load_activities(engine, 0.0, 1.005)] == [Kind.OPEN]
    assert [a.kind for a in load_activities(engine, 1.005, 2.0)] == [Kind.SAVE]


def test_count_range_iterate_and_delete(db: Database) -> None:
    engine = db.engine()
    assert count_events(engine) == 0
    assert event_range(engine) is None
    rows = [
        row(30, 3_000, 9_500),
        row(10, 1_500, 2_000),
        row(20, 2_000, 2_250),
        row(11, 1_500, 1_500),
        row(40, 4_000, 4_000),
    ]
    write_events(engine, rows)
    assert count_events(engine) == 5
    assert event_range(engine) == (1.5, 9.5)
    # Oldest first, ties broken by id, however small the batches.
    assert [r["id"] for r in iter_events(engine, batch=2)] == [10, 11, 20, 30, 40]
    assert all(tuple(r) == COLUMNS for r in iter_events(engine))
    assert delete_events(engine) == 5
    assert count_events(engine) == 0
    assert event_range(engine) is None
    assert list(iter_events(engine)) == []


# -- errors ------------------------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is certainly not an SQLite database file\n" * 200)
    database = Database(sqlite_url(path))
    with pytest.raises(StoreError) as error:
        database.engine()
    assert error.value.kind == "corrupt"
    assert database.display in error.value.message
    # Still failing, still classified, when tried again.
    with pytest.raises(StoreError) as again:
        database.run(count_events)
    assert again.value.kind == "corrupt"


def test_writing_a_read_only_database(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    writable = Database(sqlite_url(path))
    writable.run(lambda e: write_events(e, [row(1, 1_000)]))
    writable.close()

    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        # Reading works: the schema is current, so opening only reads.
        assert read_only.run(count_events) == 1
        with pytest.raises(StoreError) as error:
            read_only.run(lambda e: write_events(e, [row(2, 2_000)]))
        assert error.value.kind == "readonly"
    finally:
        read_only.close()


def test_a_database_locked_by_another_program(tmp_path: Path, monkeypatch) -> None:
    # The real busy timeout is 5 s; a short one keeps the test quick.
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "locked.db"
    database = Database(sqlite_url(path))
    other = sqlite3.connect(path, isolation_level=None)
    try:
        database.engine()
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError) as error:
            database.run(lambda e: write_events(e, [row(1, 1_000)]))
        assert error.value.kind == "locked"
        other.execute("ROLLBACK")
        database.run(lambda e: write_events(e, [row(1, 1_000)]))
        assert database.run(count_events) == 1
    finally:
        other.close()
        database.close()


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not apply to root")
def test_a_directory_that_cannot_be_written(tmp_path: Path) -> None:
    locked_dir = tmp_path / "no-write"
    locked_dir.mkdir(mode=0o500)
    database = Database(sqlite_url(locked_dir / "devfocus.db"))
    try:
        with pytest.raises(StoreError) as error:
            database.engine()
        assert error.value.kind == "readonly"
    finally:
        locked_dir.chmod(0o700)


def test_a_server_that_is_not_listening_is_unreachable() -> None:
    database = Database(f"postgresql+psycopg://dev:hunter2@127.0.0.1:{closed_port()}/devfocus")
    try:
        with pytest.raises(StoreError) as error:
            database.engine()
        assert error.value.kind == "unreachable"
        assert "hunter2" not in error.value.message
        assert "hunter2" not in database.display
    finally:
        database.close()


def test_classify_other_failures() -> None:
    error = StoreError("locked", "already classified")
    assert classify(error, "db") is error
    assert classify(SchemaTooNew(3, 1), "db").kind == "schema"
    assert classify(ValueError("something unexpected"), "db").kind == "other"


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("database is locked", "locked"),
        ("attempt to write a readonly database", "readonly"),
        ("file is not a database", "corrupt"),
        ("database disk image is malformed", "corrupt"),
    ],
)
def test_classify_sqlite_messages(message: str, kind: str) -> None:
    assert classify(sqlite3.OperationalError(message), "db").kind == kind


# -- a file that is not what it was -------------------------------------------------------------
def test_a_replaced_file_is_never_written_and_the_original_keeps_everything(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "devfocus.db"
    db = Database(sqlite_url(path))
    db.run(lambda e: write_events(e, [row(i, 1_000 * i) for i in range(1, 51)]))
    moved = tmp_path / "moved.db"
    os.replace(path, moved)
    path.write_bytes(b"a plain text file\n" * 10)
    with pytest.raises(StoreError) as failure:
        db.run(lambda e: write_events(e, [row(99, 99_000)]))
    assert failure.value.kind == "replaced"
    assert "a file that is not an SQLite database" in failure.value.message
    db.close()
    assert path.read_bytes() == b"a plain text file\n" * 10
    assert sorted(p.name for p in path.parent.iterdir()) == ["devfocus.db"]
    with sqlite3.connect(moved) as conn:  # complete on its own: its log was checkpointed
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 50

    os.replace(moved, path)  # put back: used again
    db.run(lambda e: write_events(e, [row(99, 99_000)]))
    assert db.run(count_events) == 51
    db.close()


def test_missing_folders_are_private_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "devfocus.db"
    previous = os.umask(0)
    try:
        database = Database(sqlite_url(path))
        database.run(count_events)
        database.close()
    finally:
        os.umask(previous)
    assert (mode(tmp_path / "a"), mode(path.parent), mode(path)) == (0o700, 0o700, 0o600)


def test_only_devfocus_own_file_is_made_private(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DEVFOCUS_DATA_DIR", str(tmp_path / "own"))
    for folder in ("own", "chosen"):
        path = tmp_path / folder / "devfocus.db"
        first = Database(sqlite_url(path))
        first.run(count_events)
        first.close()
        path.parent.chmod(0o755)
        path.chmod(0o644)
        database = Database(sqlite_url(path))
        database.run(count_events)
        database.close()
    assert (mode(tmp_path / "own"), mode(tmp_path / "own" / "devfocus.db")) == (0o700, 0o600)
    chosen = tmp_path / "chosen"
    assert (mode(chosen), mode(chosen / "devfocus.db")) == (0o755, 0o644)


def test_a_file_unreadable_from_the_start_stays_corrupt_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "devfocus.db"
    path.write_bytes(b"not a database\n" * 100)
    db = Database(sqlite_url(path))
    for _ in range(2):  # the retries see the same problem
        with pytest.raises(StoreError) as failure:
            db.run(count_events)
        assert failure.value.kind == "corrupt"
    assert path.read_bytes() == b"not a database\n" * 100


def test_event_columns_follow_the_table() -> None:
    from devfocus.store.tables import EVENTS

    assert tuple(c.name for c in EVENTS.columns) == COLUMNS


def test_read_takes_an_up_to_date_file_through_sqlite3_alone(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "r.db")
    writer = Database(url)
    writer.run(lambda engine: write_events(engine, [row(1, 1_000, 5_000)]))
    writer.close()
    reader = Database(url)
    sources: list[object] = []

    def read(source: Source) -> list[Activity]:
        sources.append(source)
        return load_activities(source, 0, 10)

    found = reader.read(read)
    assert [(a.start, a.end) for a in found] == [(1.0, 5.0)]
    assert isinstance(sources[0], sqlite3.Connection)
    assert reader._engine is None  # no engine (and no SQLAlchemy) was needed
    assert found == writer.run(lambda engine: load_activities(engine, 0, 10))
    writer.close()


def test_read_of_a_missing_file_creates_nothing_when_told(tmp_path: Path) -> None:
    path = tmp_path / "none" / "r.db"
    assert Database(sqlite_url(path)).read(lambda source: 1, missing=lambda: 0) == 0
    assert not path.exists()
    database = Database(sqlite_url(path))
    assert database.read(lambda source: load_activities(source, 0, 10)) == []
    assert path.exists()  # without ``missing``: created and migrated, as run() does
    database.close()


def test_read_of_an_older_schema_migrates_it_through_the_engine(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "old.db")
    engine = create(url)
    upgrade(engine, MIGRATIONS[:1])
    engine.dispose()
    database = Database(url)
    assert database.read(lambda source: load_activities(source, 0, 10)) == []
    assert database._engine is not None
    with database.engine().connect() as conn:
        assert current_version(conn) == head()
    database.close()
