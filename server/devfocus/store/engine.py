"""Engines set up for safe concurrent use by several editor windows.

SQLite: the file (and its missing folders) are created readable by their owner only, whatever
the umask; WAL journal, a busy timeout, and ``BEGIN IMMEDIATE`` where a transaction must not be
upgraded mid-way. ``on_connect`` runs before anything is read from a new connection (it may refuse
the file the connection found). Other databases: connections checked before use, so a restarted
server is picked up again.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devfocus.store.sqlitefile import create_private_file, make_private_dirs

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

BUSY_TIMEOUT_MS = 5000
CONNECT_TIMEOUT_S = 5
# The usual SQLite URL, a plain file path: read without SQLAlchemy, whose import a command that
# only reads a report would otherwise pay for. Anything else (a query, %-escapes, another
# driver) goes through SQLAlchemy's own parser.
_PLAIN_SQLITE_URL = re.compile(r"sqlite(?:\+pysqlite)?:///([^?%]*)")


def display_url(url: str | URL) -> str:
    """The URL with any password hidden, for messages and logs."""
    if isinstance(url, str) and _PLAIN_SQLITE_URL.fullmatch(url):
        return url  # no password to hide
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"


def sqlite_file_of(url_text: str) -> Path | None:
    """The file of an SQLite URL, or None for memory, ``file:`` URIs and other databases.

    Raises what SQLAlchemy raises for an unparseable URL."""
    plain = _PLAIN_SQLITE_URL.fullmatch(url_text)
    if plain is None:
        from sqlalchemy.engine import make_url

        return sqlite_file(make_url(url_text))
    database = plain.group(1)
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite URL, or None for memory and ``file:`` URI databases."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def prepare_sqlite_file(path: Path) -> None:
    """Create the directory and its missing parents (0700) and an empty database file (0600)
    unless they exist."""
    make_private_dirs(path.parent)
    create_private_file(path)


def writing(engine: Engine) -> AbstractContextManager[Connection]:
    """A transaction that writes: on SQLite it takes the write lock at its start. A deferred
    one that reads first and then writes fails at once ("database is locked", no busy wait)
    when another connection (the tracker, the git import, another window) wrote in between."""
    return engine.execution_options(immediate=True).begin()


def create(url_text: str, on_connect: Callable[[], None] | None = None) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(url_text)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, on_connect)
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_engine(url: URL, on_connect: Callable[[], None] | None) -> Engine:
    from sqlalchemy import create_engine, event

    path = sqlite_file(url)
    if path is not None:
        prepare_sqlite_file(path)
    connect_args: dict[str, Any] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    if (url.database or "").startswith("file:"):
        connect_args["uri"] = True
    engine = create_engine(url, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        if on_connect is not None:
            on_connect()
        # Transactions are begun explicitly below, so pysqlite must not begin its own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _use_wal(cursor)
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _use_wal(cursor: Any) -> None:
    """Switch a new database to WAL. The switch needs the file to itself, and SQLite answers
    "locked" at once instead of waiting when another connection is reading it (two windows, or
    the tracker and the history import, opening a new database together): try again within the
    busy timeout, unless one of them has switched it meanwhile."""
    import sqlite3

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        mode = cursor.execute("PRAGMA journal_mode").fetchone()
        if mode and str(mode[0]).lower() in {"wal", "memory"}:
            return
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(0.005)  # a retry's back-off: SQLite offers nothing to wait on here
