"""Reading and writing activity events: rows stay plain tuples and dicts.

Activity is read in plain SQL (:mod:`devfocus.store.sqlrows`), through sqlite3 alone or an
engine; everything else goes through SQLAlchemy Core, imported by the functions that use it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from devfocus.activity.records import Activity, Context, Kind
from devfocus.store.engine import writing
from devfocus.store.sqlrows import Source, reading
from devfocus.timeutil import epoch_ms

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Columns a growing edit span changes when it is written again.
_GROWING = ("end_ms", "lines_added", "lines_removed", "lines_bulk")
_KINDS = {k.value: k for k in Kind}
# The columns of ``events`` in table order (a test holds it to store.tables.EVENTS).
COLUMNS = (
    "id",
    "start_ms",
    "end_ms",
    "kind",
    "project",
    "path",
    "language",
    "branch",
    "editor",
    "source",
    "lines_added",
    "lines_removed",
    "lines_bulk",
)
_ACTIVITY_SQL = (
    "SELECT start_ms, end_ms, kind, project, branch, language, path, editor, source, "
    "lines_added, lines_removed, lines_bulk "
    "FROM events WHERE start_ms >= :lo AND start_ms < :hi ORDER BY start_ms"
)


def write_events(engine: Engine, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows, or update them where their id exists (a span written before grew)."""
    from sqlalchemy import insert, update

    from devfocus.store.tables import EVENTS

    if not rows:
        return
    with writing(engine) as conn:
        stmt = _upsert(engine.dialect.name)
        if stmt is not None:
            conn.execute(stmt, list(rows))
            return
        for row in rows:  # any other database: one row at a time, still in one transaction
            # A row from before lines_bulk existed leaves that column at its default.
            values = {name: row[name] for name in _GROWING if name in row}
            changed = conn.execute(update(EVENTS).where(EVENTS.c.id == row["id"]).values(values))
            if changed.rowcount == 0:
                conn.execute(insert(EVENTS).values(dict(row)))


def _upsert(dialect: str) -> Any:
    """An insert that grows the row when its id exists, where the dialect has one."""
    from devfocus.store.tables import EVENTS

    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(EVENTS)
        return lite.on_conflict_do_update(
            index_elements=[EVENTS.c.id], set_={c: lite.excluded[c] for c in _GROWING}
        )
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(EVENTS)
        return pg.on_conflict_do_update(
            index_elements=[EVENTS.c.id], set_={c: pg.excluded[c] for c in _GROWING}
        )
    if dialect in {"mysql", "mariadb"}:
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        my = mysql_insert(EVENTS)
        return my.on_duplicate_key_update({c: my.inserted[c] for c in _GROWING})
    return None


def load_activities(source: Source, start: float, end: float) -> list[Activity]:
    """Activity that starts in [start, end), oldest first."""
    params = {"lo": epoch_ms(start), "hi": epoch_ms(end)}
    with reading(source) as query:
        rows = query(_ACTIVITY_SQL, params)  # one fetchall, far cheaper than row by row
    kinds = _KINDS
    contexts: dict[tuple[str, str | None], Context] = {}
    out: list[Activity] = []
    append = out.append
    for s, e, kind, project, branch, language, path, editor, src, added, removed, bulk in rows:
        k = kinds.get(kind)
        if k is None:
            continue  # written by a newer version
        context = None
        if project is not None:
            context = contexts.get((project, branch))
            if context is None:
                context = contexts[(project, branch)] = Context(project, branch)
        append(
            Activity(
                s / 1000,
                e / 1000,
                k,
                context,
                language,
                path,
                editor,
                src,
                added,
                removed,
                bulk,
            )
        )
    return out


def iter_events(engine: Engine, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Every stored event as a dict of its columns, oldest first, streamed in batches."""
    from sqlalchemy import select

    from devfocus.store.tables import EVENTS

    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(
            select(EVENTS).order_by(EVENTS.c.start_ms, EVENTS.c.id)
        )
        for row in result.mappings():
            yield dict(row)


def count_events(engine: Engine) -> int:
    from sqlalchemy import func, select

    from devfocus.store.tables import EVENTS

    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(EVENTS)).scalar() or 0)


def event_range(engine: Engine) -> tuple[float, float] | None:
    from sqlalchemy import func, select

    from devfocus.store.tables import EVENTS

    with engine.connect() as conn:
        lo, hi = conn.execute(select(func.min(EVENTS.c.start_ms), func.max(EVENTS.c.end_ms))).one()
    return None if lo is None else (lo / 1000, hi / 1000)


def delete_events(engine: Engine) -> int:
    from sqlalchemy import delete

    from devfocus.store.tables import EVENTS

    with writing(engine) as conn:
        return int(conn.execute(delete(EVENTS)).rowcount or 0)


# -- merging events from elsewhere (``devfocus import FILE``) -----------------------------------
# What makes two rows with the same id the same event: a growing span keeps these.
_IDENTITY = ("start_ms", "kind", "project", "path")


class MergedEvents:
    """What :func:`merge_events` did with a batch: ``clashes`` are the ids already used by a
    different event (nothing written for them)."""

    __slots__ = ("clashes", "new", "present", "updated")

    def __init__(self) -> None:
        self.new = 0
        self.present = 0
        self.updated = 0
        self.clashes: list[int] = []


_as_tuple = itemgetter(*COLUMNS)


def _same(a: Any, b: Any) -> bool:
    return (a or None) == (b or None) if isinstance(a, str) or isinstance(b, str) else a == b


def merge_events(engine: Engine, rows: Sequence[Mapping[str, Any]]) -> MergedEvents:
    """Merge rows (every column of :data:`COLUMNS`) written elsewhere, in one transaction: a row
    whose id is absent is inserted; one stored with the same content is left alone (present, as
    is one stored as long or longer); one whose span grew (same start, kind, project and path,
    a later end) is rewritten as :func:`write_events` rewrites a growing span (updated); one
    whose id holds a different event is a clash, and is left alone."""
    from sqlalchemy import bindparam, update

    from devfocus.store.gitstore import insert_rows
    from devfocus.store.tables import EVENTS

    merged = MergedEvents()
    if not rows:
        return merged
    with writing(engine) as conn:
        known = _stored_events(conn, [row["id"] for row in rows])
        fresh: dict[int, tuple[Any, ...]] = {}
        grown: dict[int, dict[str, Any]] = {}
        for row in rows:
            event_id = row["id"]
            stored = known.get(event_id)
            try:
                incoming = _as_tuple(row)
            except KeyError:  # a row from before lines_bulk existed
                incoming = tuple(row.get(c, 0 if c == "lines_bulk" else None) for c in COLUMNS)
            if stored is None:
                fresh[event_id] = incoming
                known[event_id] = incoming
                merged.new += 1
                continue
            old = dict(zip(COLUMNS, stored, strict=True))
            if not all(_same(old[c], row[c]) for c in _IDENTITY):
                merged.clashes.append(event_id)
            elif row["end_ms"] > old["end_ms"]:
                known[event_id] = incoming
                if event_id in fresh:  # the same id twice in one batch: insert the longer
                    fresh[event_id] = incoming
                else:
                    grown[event_id] = {c: row[c] for c in _GROWING}
                merged.updated += 1
            else:
                merged.present += 1
        if fresh:
            insert_rows(conn, EVENTS, COLUMNS, list(fresh.values()))
        if grown:
            conn.execute(
                update(EVENTS)
                .where(EVENTS.c.id == bindparam("b_id"))
                .values({c: bindparam(f"b_{c}") for c in _GROWING}),
                [
                    {"b_id": i, **{f"b_{c}": v for c, v in values.items()}}
                    for i, values in grown.items()
                ],
            )
    return merged


def _stored_events(conn: Any, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """id → the stored row (a tuple in :data:`COLUMNS` order) of those of ``ids`` stored."""
    from sqlalchemy import select

    from devfocus.store.tables import EVENTS

    columns = [EVENTS.c[name] for name in COLUMNS]
    unique = list(dict.fromkeys(ids))
    found: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(unique), 500):  # below every database's bound-parameter limit
        chunk = unique[i : i + 500]
        for row in conn.execute(select(*columns).where(EVENTS.c.id.in_(chunk))):
            found[row[0]] = tuple(row)
    return found
