"""What insights keep over time: the figures of past days (for baselines) and docstring debt.

Both are derived data, rows of plain values: the app layer turns them into the pure core's
objects. Reads are plain SQL (:mod:`devfocus.store.sqlrows`), so a report reads them through
sqlite3 alone; writes go through SQLAlchemy Core.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from devfocus.store.engine import writing
from devfocus.store.sqlrows import Source, reading
from devfocus.timeutil import epoch_ms

if TYPE_CHECKING:
    from sqlalchemy import Engine

_DAYS_SQL = (
    "SELECT day, events, commits, figures FROM day_figures "
    "WHERE rules = :rules AND day >= :first AND day <= :last"
)
_COUNT_SQL = "SELECT COUNT(*) FROM events WHERE start_ms >= :lo AND start_ms < :hi"
_DEBT_SQL = (
    "SELECT project, at_ms, undocumented, definitions FROM docstring_debt "
    "WHERE at_ms >= :lo AND at_ms < :hi ORDER BY at_ms"
)


def load_day_rows(
    source: Source, first: str, last: str, rules: str
) -> dict[str, tuple[int, int, str]]:
    """day → (events, commits, figures JSON) of the days ``first`` to ``last`` (YYYY-MM-DD)
    kept under ``rules``."""
    params = {"rules": rules, "first": first, "last": last}
    with reading(source) as query:
        rows = query(_DAYS_SQL, params)
    return {day: (int(events), int(commits), figures) for day, events, commits, figures in rows}


def count_events(source: Source, spans: Sequence[tuple[float, float]]) -> list[int]:
    """How many events start in each of ``spans`` ([start, end) in epoch seconds); the index
    on start_ms answers each without reading a row."""
    with reading(source) as query:
        return [
            int(query(_COUNT_SQL, {"lo": epoch_ms(lo), "hi": epoch_ms(hi)})[0][0])
            for lo, hi in spans
        ]


def save_day_rows(engine: Engine, rules: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Keep ``rows`` (day, events, commits, figures, made_ms) under ``rules``, replacing what was
    kept for those days."""
    from sqlalchemy import delete, insert

    from devfocus.store.tables import METADATA

    if not rows:
        return
    table = METADATA.tables["day_figures"]
    with writing(engine) as conn:
        days = [row["day"] for row in rows]
        conn.execute(delete(table).where(table.c.rules == rules, table.c.day.in_(days)))
        conn.execute(insert(table), [{**row, "rules": rules} for row in rows])


def load_debt(source: Source, start: float, end: float) -> list[tuple[str, float, int, int]]:
    """(project, at, undocumented, definitions) of the snapshots in [start, end), oldest first."""
    params = {"lo": epoch_ms(start), "hi": epoch_ms(end)}
    with reading(source) as query:
        rows = query(_DEBT_SQL, params)
    return [(p, at / 1000, int(u), int(d)) for p, at, u, d in rows]


def save_debt(
    engine: Engine, project: str, day: str, at: float, undocumented: int, definitions: int
) -> None:
    """Keep the docstring debt of ``project`` on ``day`` (the last one of the day wins)."""
    from sqlalchemy import delete, insert

    from devfocus.store.tables import METADATA

    table = METADATA.tables["docstring_debt"]
    row = {
        "project": project,
        "day": day,
        "at_ms": epoch_ms(at),
        "undocumented": undocumented,
        "definitions": definitions,
    }
    with writing(engine) as conn:
        conn.execute(delete(table).where(table.c.project == project, table.c.day == day))
        conn.execute(insert(table), [row])
