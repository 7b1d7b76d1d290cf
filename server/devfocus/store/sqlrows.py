"""Reads in plain SQL that run alike through the sqlite3 module and through an SQLAlchemy engine.

A command that only reads (a report, the check an import makes before starting ``git log``)
reads an up-to-date SQLite file through sqlite3 alone, without loading SQLAlchemy (see
:meth:`devfocus.store.database.Database.read`); everything else reads through the engine. One
SQL text serves both: named parameters (``:name``), which sqlite3 takes as they are and
SQLAlchemy's ``text()`` turns into each driver's own style. Rows come back as tuples (or tuple-like
rows), so reading 20,000 events builds no mapping per row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy import Engine

Source: TypeAlias = "Engine | sqlite3.Connection"
Params: TypeAlias = Mapping[str, Any]
Query: TypeAlias = Callable[[str, Params], Sequence[Sequence[Any]]]


@contextmanager
def reading(source: Source) -> Iterator[Query]:
    """A function running one SELECT after another in one read transaction (one snapshot)."""
    if isinstance(source, sqlite3.Connection):
        yield from _snapshot(source)
        return
    if source.dialect.name == "sqlite":
        # The pool's own sqlite3 connection (set up, and checked, by the engine's connect hook):
        # SQLAlchemy's result rows cost more than the query for 20,000 events.
        raw = source.raw_connection()
        try:
            driver = raw.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            yield from _snapshot(driver)
        finally:
            raw.close()
        return
    from sqlalchemy import text

    with source.connect() as conn:
        yield lambda sql, params: conn.execute(text(sql), params).all()


def _snapshot(conn: sqlite3.Connection) -> Iterator[Query]:
    """SELECTs on ``conn`` between BEGIN and ROLLBACK (the engine's connections run in
    autocommit mode and begin their transactions themselves, as this one does)."""
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")
    try:
        yield lambda sql, params: conn.execute(sql, params).fetchall()
    finally:
        if began and conn.in_transaction:
            conn.execute("ROLLBACK")
