"""Reading and writing activity events (SQLAlchemy Core: rows stay plain tuples and dicts)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update

from devfocus.activity.records import Activity, Context, Kind
from devfocus.store.tables import EVENTS
from devfocus.timeutil import epoch_ms

# Columns a growing edit span changes when it is written again.
_GROWING = ("end_ms", "lines_added", "lines_removed")
_KINDS = {k.value: k for k in Kind}
COLUMNS = tuple(c.name for c in EVENTS.columns)


def write_events(engine: Engine, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows, or update them where their id exists (a span written before grew)."""
    if not rows:
        return
    with engine.begin() as conn:
        stmt = _upsert(engine.dialect.name)
        if stmt is not None:
            conn.execute(stmt, list(rows))
            return
        for row in rows:  # any other database: one row at a time, still in one transaction
            values = {name: row[name] for name in _GROWING}
            changed = conn.execute(update(EVENTS).where(EVENTS.c.id == row["id"]).values(values))
            if changed.rowcount == 0:
                conn.execute(insert(EVENTS).values(dict(row)))


def _upsert(dialect: str) -> Any:
    if dialect in {"sqlite", "postgresql"}:
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        stmt = dialect_insert(EVENTS)
        return stmt.on_conflict_do_update(
            index_elements=[EVENTS.c.id], set_={c: stmt.excluded[c] for c in _GROWING}
        )
    if dialect in {"mysql", "mariadb"}:
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        stmt = mysql_insert(EVENTS)
        return stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in _GROWING})
    return None


def load_activities(engine: Engine, start: float, end: float) -> list[Activity]:
    """Activity that starts in [start, end), oldest first."""
    c = EVENTS.c
    stmt = (
        select(
            c.start_ms,
            c.end_ms,
            c.kind,
            c.project,
            c.branch,
            c.language,
            c.path,
            c.editor,
            c.source,
            c.lines_added,
            c.lines_removed,
        )
        .where(c.start_ms >= epoch_ms(start), c.start_ms < epoch_ms(end))
        .order_by(c.start_ms)
    )
    contexts: dict[tuple[str, str | None], Context] = {}
    out: list[Activity] = []
    with engine.connect() as conn:
        for (
            s,
            e,
            kind,
            project,
            branch,
            language,
            path,
            editor,
            source,
            added,
            removed,
        ) in conn.execute(stmt).all():  # one fetchall, far cheaper than row by row
            k = _KINDS.get(kind)
            if k is None:
                continue  # written by a newer version
            context = None
            if project is not None:
                key = (project, branch)
                context = contexts.get(key)
                if context is None:
                    context = contexts[key] = Context(project, branch)
            out.append(
                Activity(
                    s / 1000, e / 1000, k, context, language, path, editor, source, added, removed
                )
            )
    return out


def iter_events(engine: Engine, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Every stored event as a dict of its columns, oldest first, streamed in batches."""
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(
            select(EVENTS).order_by(EVENTS.c.start_ms, EVENTS.c.id)
        )
        for row in result.mappings():
            yield dict(row)


def count_events(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(EVENTS)).scalar() or 0)


def event_range(engine: Engine) -> tuple[float, float] | None:
    with engine.connect() as conn:
        lo, hi = conn.execute(select(func.min(EVENTS.c.start_ms), func.max(EVENTS.c.end_ms))).one()
    return None if lo is None else (lo / 1000, hi / 1000)


def delete_events(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(conn.execute(delete(EVENTS)).rowcount or 0)
