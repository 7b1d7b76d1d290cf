"""The database the settings name, for commands that open or remove it (SQLAlchemy is loaded
by the first that needs it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from devfocus.config import Settings, database_url

if TYPE_CHECKING:
    from devfocus.store.database import Database as Database  # the type callers hold

JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")


def open_database(settings: Settings) -> Database:
    """The database of ``settings`` (opened lazily, on its first operation)."""
    from devfocus.store.database import Database  # SQLAlchemy: for the commands that use it

    return Database(database_url(settings))


def database_file(settings: Settings) -> Path | None:
    """The SQLite file of ``settings``' database; None for a database server or memory."""
    # SQLAlchemy parses the URL: for the commands that use it.
    from sqlalchemy.engine import make_url

    from devfocus.store.engine import sqlite_file

    return sqlite_file(make_url(database_url(settings)))


def remove_database_file(path: Path) -> None:
    """Remove an SQLite file with its journal files (the database must be closed)."""
    for suffix in ("", *JOURNAL_SUFFIXES):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
