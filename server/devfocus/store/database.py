"""One database, opened lazily; every failure surfaces as a :class:`StoreError`.

An SQLite file can be moved, deleted or replaced while DevFocus has it open. Its connections
would go on writing the file they opened, and SQLite would leave its write-ahead log at the
path, where the next program to open whatever is there takes it for its own. So before each
operation (one ``stat``) the file at the path is compared with the one the engine opened. When
they differ, what was written is checkpointed into the file the engine opened (wherever it is
now), its log files are removed from the path, and the engine is closed. Then:

- nothing at the path (deleted): a new database is created there;
- another DevFocus database, or an empty file: it is used, as a restart would;
- anything else: nothing is written to it, and every operation fails with a ``replaced``
  :class:`StoreError` until the path holds one of the above (the original put back, say).

A new SQLite file is never opened on another program's database (tables, but no DevFocus
schema): DevFocus would add its tables to it.

Reading only (:meth:`Database.read`), a DevFocus SQLite file at the current schema is read
through the sqlite3 module, read-only, and SQLAlchemy is imported when something is first
written: a report on the terminal, or an import that finds nothing new, never loads it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from devfocus.store.engine import BUSY_TIMEOUT_MS, display_url, sqlite_file_of
from devfocus.store.errors import StoreError, classify
from devfocus.store.sqlitefile import (
    VERSION_TABLE,
    FileId,
    describe,
    file_id,
    holds,
    journal,
    tighten,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from devfocus.store.sqlrows import Source

T = TypeVar("T")
log = logging.getLogger(__name__)


class _NotDirectly(Exception):
    """The file cannot be read through sqlite3 alone: the engine reads it (and says why not)."""


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.display = display_url(url)
        self.file = _sqlite_path(url)
        self._engine: Engine | None = None
        self._opened: FileId | None = None  # the SQLite file the engine's connections use
        self._logs: set[FileId] = set()  # its -wal and -shm files, as its connections found them

    def engine(self) -> Engine:
        """The engine, created and migrated on first use (and again after a failure)."""
        if self._engine is None:
            if self.file is not None:
                self._before_opening(self.file)
            # Deferred: SQLAlchemy loads with the first engine, not with the module.
            from devfocus.store.engine import create
            from devfocus.store.migrations import upgrade

            opened = self._opened
            engine = None
            try:
                engine = create(self.url, self._connected if self.file else None)
                upgrade(engine)
            except Exception as exc:
                if engine is not None:
                    engine.dispose()
                self._opened = opened  # only a file that was opened counts as the one it had
                raise classify(exc, self.display) from exc
            self._engine = engine
            self._note_logs()
        return self._engine

    def run(self, operation: Callable[[Engine], T]) -> T:
        """``operation(engine)``, with any failure classified."""
        try:
            engine = self.engine()
            if self.file is not None and file_id(self.file) != self._opened:
                self._let_go(self.file)
                engine = self.engine()
            return operation(engine)
        except StoreError:
            raise
        except Exception as exc:
            raise classify(exc, self.display) from exc

    def read(
        self, operation: Callable[[Source], T], *, missing: Callable[[], T] | None = None
    ) -> T:
        """``operation(source)`` for an operation that only reads.

        While this object has no engine open, a DevFocus SQLite file at the current schema is
        read through its own read-only sqlite3 connection; every other case (a database
        server, an older schema to migrate, a file that is not DevFocus's, one replaced while
        it was read) goes through :meth:`run`, which creates, migrates or refuses it as usual.
        ``missing``: the answer when the SQLite file does not exist (None: create it).
        """
        if self._engine is None and self.file is not None:
            try:
                return self._read_file(self.file, operation, missing)
            except _NotDirectly:
                pass
        return self.run(operation)

    def _read_file(
        self, path: Path, operation: Callable[[Source], T], missing: Callable[[], T] | None
    ) -> T:
        from devfocus.store.migrations import head

        before = file_id(path)
        if before is None:
            if missing is None:
                raise _NotDirectly
            return missing()
        if self._opened is not None and before != self._opened:
            raise _NotDirectly  # replaced since the engine had it: run() decides what to do
        if _is_own(path):
            for change in tighten(path):
                log.info("made DevFocus's data private: %s", change)
        try:
            # mode=ro: never creates the file (deleted meanwhile) and never writes to it.
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as error:
            raise _NotDirectly from error
        try:
            try:
                found = conn.execute(f"SELECT MAX(version) FROM {VERSION_TABLE}").fetchone()
            except sqlite3.Error as error:
                raise _NotDirectly from error  # not a DevFocus database, or not readable now
            if found is None or found[0] != head():
                raise _NotDirectly  # to migrate (or too new): the engine says so
            result = operation(conn)
        except sqlite3.Error as error:
            raise _NotDirectly from error
        finally:
            conn.close()
        if file_id(path) != before:
            raise _NotDirectly  # replaced while it was read: read what is there now
        return result

    def close(self) -> None:
        if self._engine is None:
            return
        if self.file is not None and file_id(self.file) != self._opened:
            self._let_go(self.file)  # never leave what it wrote for the file now at the path
            return
        self._engine.dispose()
        self._engine = None

    # -- the SQLite file ---------------------------------------------------------------------
    def _before_opening(self, path: Path) -> None:
        """Decide whether the file at ``path`` may be opened (see the module's docstring)."""
        if _is_own(path):
            for change in tighten(path):
                log.info("made DevFocus's data private: %s", change)
        kind, tables = holds(path)
        if self._opened is None:  # the first time
            if kind == "foreign":
                raise StoreError(
                    "foreign",
                    f"{self.display} is {describe(kind, tables)}, not a DevFocus database; "
                    "DevFocus does not write to it. Move it away, or choose another file "
                    "(devfocus.database.url or DEVFOCUS_DATA_DIR)",
                )
            return
        if file_id(path) == self._opened and kind in ("empty", "devfocus"):
            return  # the file it had open, back at its place
        if kind == "missing":
            log.warning(
                "%s was deleted while DevFocus was running: a new database is created", path
            )
        elif kind in ("empty", "devfocus"):
            log.warning(
                "%s was replaced by %s while DevFocus was running: activity is saved in it "
                "from now on",
                path,
                describe(kind, tables),
            )
        else:
            raise StoreError(
                "replaced",
                f"{self.display} was replaced while DevFocus was running, by "
                f"{describe(kind, tables)}; DevFocus leaves that file as it is and writes nothing "
                "to it. Put the DevFocus database back, or remove that file to start a new one",
            )
        self._opened = None

    def _connected(self) -> None:
        """A new connection: it must have found the file the others use (or be the first)."""
        current = file_id(self.file) if self.file is not None else None
        if self._opened is None:
            self._opened = current
        elif current != self._opened:
            raise StoreError("replaced", f"{self.display} is no longer the file DevFocus opened")

    def _note_logs(self) -> None:
        if self.file is not None:
            for suffix in ("-wal", "-shm"):
                found = file_id(journal(self.file, suffix))
                if found is not None:
                    self._logs.add(found)

    def _let_go(self, path: Path) -> None:
        """The file the engine opened is no longer at ``path``: finish it where it is, and leave
        nothing of it at ``path``."""
        engine, self._engine = self._engine, None
        if engine is None:
            return
        moved = "deleted" if file_id(path) is None else "moved or replaced"
        log.warning(
            "%s was %s while DevFocus had it open: DevFocus no longer writes to it", path, moved
        )
        try:
            # Through a connection the engine already has: a new one would open the path. No
            # waiting for other connections (an import still writing, say): what they write
            # later, they checkpoint when they let go in turn.
            raw = engine.raw_connection()
            try:
                driver = raw.driver_connection
                assert isinstance(driver, sqlite3.Connection)  # only SQLite files get here
                busy = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                raw.close()
            if busy and busy[0]:
                log.warning("%s: busy; not all of its log was written into it", path)
        except Exception as exc:
            log.debug("no checkpoint of the file %s had open: %s", path, exc)
        engine.dispose()
        for suffix in ("-wal", "-shm"):
            log_file = journal(path, suffix)
            if file_id(log_file) in self._logs:
                try:
                    log_file.unlink(missing_ok=True)
                except OSError as error:
                    log.warning("could not remove %s: %s", log_file, error)
        self._logs.clear()


def _sqlite_path(url: str) -> Path | None:
    try:
        return sqlite_file_of(url)
    except Exception:
        return None  # an unparseable URL: reported when the engine is created


def _is_own(path: Path) -> bool:
    """DevFocus's own file in its data directory (never a file chosen by URL elsewhere)."""
    from devfocus.config import default_database_file

    return os.path.abspath(path) == os.path.abspath(default_database_file())
