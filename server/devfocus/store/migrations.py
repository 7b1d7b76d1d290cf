"""Versioned schema migrations, applied in order in one transaction.

Each migration describes its own tables (not the current models), so old steps keep meaning what
they meant when they shipped. Several processes may start at once: SQLite takes the write lock
up front (``BEGIN IMMEDIATE``), PostgreSQL an advisory lock, and the version is re-read under it.

SQLAlchemy is imported by the steps that use it, not here: the newest version (:func:`head`) is
all a command that reads an up-to-date SQLite file needs to know.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

VERSION_TABLE = "devfocus_schema"
_PG_LOCK_KEY = 0x6465_7666_6F63  # "devfoc"


class SchemaTooNew(Exception):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"the database has schema version {found}, written by a newer DevFocus; this "
            f"version knows up to {known}. Upgrade DevFocus to use it."
        )
        self.found = found
        self.known = known


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_events(conn: Connection) -> None:
    from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

    from devfocus.store.tables import EventId

    meta = MetaData()
    Table(
        VERSION_TABLE,
        meta,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("description", Text, nullable=False),
        Column("applied_ms", BigInteger, nullable=False),
    )
    events = Table(
        "events",
        meta,
        Column("id", EventId, primary_key=True, autoincrement=False),
        Column("start_ms", BigInteger, nullable=False),
        Column("end_ms", BigInteger, nullable=False),
        Column("kind", String(16), nullable=False),
        Column("project", Text),
        Column("path", Text),
        Column("language", String(64)),
        Column("branch", Text),
        Column("editor", String(64)),
        Column("source", String(32)),
        Column("lines_added", Integer, nullable=False),
        Column("lines_removed", Integer, nullable=False),
    )
    Index("ix_events_start_ms", events.c.start_ms)
    meta.create_all(conn)


def _v2_git(conn: Connection) -> None:
    from sqlalchemy import (
        BigInteger,
        Boolean,
        Column,
        Index,
        Integer,
        MetaData,
        String,
        Table,
        Text,
        UniqueConstraint,
    )

    from devfocus.store.tables import EventId

    meta = MetaData()
    Table(
        "repositories",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("root", Text, nullable=False, unique=True),
        Column("git_dir", Text, nullable=False),
        Column("user_email", Text),
        Column("tips", Text, nullable=False),
        Column("imported_ms", BigInteger, nullable=False),
    )
    commits = Table(
        "commits",
        meta,
        Column("repo_id", Integer, primary_key=True, autoincrement=False),
        Column("sha", String(64), primary_key=True),
        Column("parents", Text, nullable=False),
        Column("branch", Text),
        Column("author_name", Text, nullable=False),
        Column("author_email", Text, nullable=False),
        Column("authored_ms", BigInteger, nullable=False),
        Column("author_offset", Integer, nullable=False),
        Column("committer_name", Text, nullable=False),
        Column("committer_email", Text, nullable=False),
        Column("committed_ms", BigInteger, nullable=False),
        Column("committer_offset", Integer, nullable=False),
        Column("message", Text, nullable=False),
        Column("files", Integer, nullable=False),
        Column("additions", Integer, nullable=False),
        Column("deletions", Integer, nullable=False),
        Column("reachable", Boolean, nullable=False),
    )
    Index("ix_commits_authored_ms", commits.c.authored_ms)
    files = Table(
        "commit_files",
        meta,
        Column("id", EventId, primary_key=True, autoincrement=True),
        Column("repo_id", Integer, nullable=False),
        Column("sha", String(64), nullable=False),
        Column("path", Text, nullable=False),
        Column("old_path", Text),
        Column("added", Integer),
        Column("deleted", Integer),
    )
    Index("ix_commit_files_commit", files.c.repo_id, files.c.sha)
    checkouts = Table(
        "checkouts",
        meta,
        Column("id", EventId, primary_key=True, autoincrement=True),
        Column("repo_id", Integer, nullable=False),
        Column("at_ms", BigInteger, nullable=False),
        Column("from_ref", Text, nullable=False),
        Column("to_ref", Text, nullable=False),
        Column("sha", String(64)),
        UniqueConstraint("repo_id", "at_ms", "to_ref", name="uq_checkouts_moment"),
    )
    Index("ix_checkouts_at_ms", checkouts.c.at_ms)
    tasks = Table(
        "tasks",
        meta,
        Column("id", EventId, primary_key=True, autoincrement=True),
        Column("set_ms", BigInteger, nullable=False),
        Column("project", Text),
        Column("branch", Text),
        Column("title", Text, nullable=False),
        Column("kind", String(16)),
    )
    Index("ix_tasks_set_ms", tasks.c.set_ms)
    meta.create_all(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "activity events and the schema version table", _v1_events),
    Migration(2, "git history: repositories, commits, files, checkouts; tasks", _v2_git),
)


def head(migrations: Sequence[Migration] = MIGRATIONS) -> int:
    return migrations[-1].version


def current_version(conn: Connection) -> int:
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table(VERSION_TABLE):
        return 0
    found = conn.execute(text(f"SELECT MAX(version) FROM {VERSION_TABLE}")).scalar()
    return int(found or 0)


def upgrade(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> tuple[int, int]:
    """Bring the schema to the newest version; returns (version before, version after).

    A database already at the newest version is only read, so a read-only one still works.
    """
    from sqlalchemy import text

    known = head(migrations)
    with engine.connect() as conn:
        found = current_version(conn)
        conn.rollback()
    if found > known:
        raise SchemaTooNew(found, known)
    if found == known:
        return found, found
    with engine.connect() as conn:
        conn = conn.execution_options(immediate=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            found = current_version(conn)  # another process may have migrated meanwhile
            if found > known:
                raise SchemaTooNew(found, known)
            for migration in migrations:
                if migration.version <= found:
                    continue
                migration.apply(conn)
                conn.execute(
                    text(
                        f"INSERT INTO {VERSION_TABLE} (version, description, applied_ms) "
                        "VALUES (:v, :d, :t)"
                    ),
                    {"v": migration.version, "d": migration.description, "t": _now_ms()},
                )
    return found, known


def _now_ms() -> int:
    return int(time.time() * 1000)
