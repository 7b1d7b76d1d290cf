"""Reading and writing activity events: rows stay plain tuples and dicts.

Activity is read in plain SQL (:mod:`devfocus.store.sqlrows`), through sqlite3 alone or an
engine; everything else goes through SQLAlchemy Core, imported by the functions that use it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
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
