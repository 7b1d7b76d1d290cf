"""Erasing all of the user's data: every event and all git history, in one transaction."""

from __future__ import annotations

from sqlalchemy import Engine, delete

from devfocus.store.engine import writing
from devfocus.store.tables import CHECKOUTS, COMMIT_FILES, COMMITS, EVENTS, REPOSITORIES, TASKS

_TABLES = (
    ("events", EVENTS),
    ("commits", COMMITS),
    ("commitFiles", COMMIT_FILES),
    ("checkouts", CHECKOUTS),
    ("tasks", TASKS),
    ("repositories", REPOSITORIES),
)


def erase_all(engine: Engine) -> dict[str, int]:
    """Erase every event, repository, commit with its files, checkout and hand-set task; returns
    the rows erased per table. On SQLite the erased content is overwritten (``secure_delete``)
    and the write-ahead log emptied, so the file keeps no readable copy of it."""
    sqlite = engine.dialect.name == "sqlite"
    counts: dict[str, int] = {}
    with writing(engine) as conn:
        if sqlite:
            # For this connection from now on (it costs a little on later writes only).
            conn.exec_driver_sql("PRAGMA secure_delete = ON")
        for name, table in _TABLES:
            counts[name] = int(conn.execute(delete(table)).rowcount or 0)
    if sqlite:
        with engine.connect() as conn:
            # Best effort: another window reading at this moment keeps the log until it is done.
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts
