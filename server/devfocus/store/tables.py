"""The current schema. Migrations (store/migrations.py) create and evolve it; a test checks that
migrating an empty database yields exactly these tables.

Plain SQLAlchemy Core tables: nothing maps rows to objects, so the ORM (a third of SQLAlchemy's
import time) is never loaded.
"""

from __future__ import annotations

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

# SQLite's 64-bit rowid is the id itself; elsewhere a BIGINT.
EventId = BigInteger().with_variant(Integer, "sqlite")

METADATA = MetaData()

# One activity event: an instant, or a span of coalesced edits (``start_ms < end_ms``). Ids are
# random 63-bit integers chosen by the writing process, so several processes write without
# coordination and a growing span is rewritten under the same id.
EVENTS = Table(
    "events",
    METADATA,
    Column("id", EventId, primary_key=True, autoincrement=False),
    Column("start_ms", BigInteger, nullable=False),  # UTC epoch milliseconds
    Column("end_ms", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("project", Text),  # project root, POSIX path
    Column("path", Text),  # relative to the project
    Column("language", String(64)),
    Column("branch", Text),
    Column("editor", String(64)),
    Column("source", String(32)),  # the writing server process
    Column("lines_added", Integer, nullable=False, default=0),
    Column("lines_removed", Integer, nullable=False, default=0),
    Index("ix_events_start_ms", "start_ms"),
)

# A git working tree whose history is ingested, and how far the ingestion got.
REPOSITORIES = Table(
    "repositories",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("root", Text, nullable=False, unique=True),  # POSIX path
    Column("git_dir", Text, nullable=False),
    Column("user_email", Text),  # `git config user.email` there
    Column("tips", Text, nullable=False),  # JSON {branch: sha} last ingested
    Column("imported_ms", BigInteger, nullable=False),
)

# One commit. Commits no longer reachable from a branch (rebased, force-pushed) are kept with
# ``reachable`` false.
COMMITS = Table(
    "commits",
    METADATA,
    Column("repo_id", Integer, primary_key=True, autoincrement=False),
    Column("sha", String(64), primary_key=True),
    Column("parents", Text, nullable=False),  # space-separated
    Column("branch", Text),  # the branch it was made on, when known
    Column("author_name", Text, nullable=False),
    Column("author_email", Text, nullable=False),
    Column("authored_ms", BigInteger, nullable=False),
    Column("author_offset", Integer, nullable=False),  # minutes east of UTC
    Column("committer_name", Text, nullable=False),
    Column("committer_email", Text, nullable=False),
    Column("committed_ms", BigInteger, nullable=False),
    Column("committer_offset", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Column("files", Integer, nullable=False),
    Column("additions", Integer, nullable=False),
    Column("deletions", Integer, nullable=False),
    Column("reachable", Boolean, nullable=False),
    Index("ix_commits_authored_ms", "authored_ms"),
)

# One file of a commit; ``added``/``deleted`` are NULL for a binary file.
COMMIT_FILES = Table(
    "commit_files",
    METADATA,
    Column("id", EventId, primary_key=True, autoincrement=True),
    Column("repo_id", Integer, nullable=False),
    Column("sha", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("old_path", Text),  # before a rename
    Column("added", Integer),
    Column("deleted", Integer),
    Index("ix_commit_files_commit", "repo_id", "sha"),
)

# A branch switch, from the reflog or seen live.
CHECKOUTS = Table(
    "checkouts",
    METADATA,
    Column("id", EventId, primary_key=True, autoincrement=True),
    Column("repo_id", Integer, nullable=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("from_ref", Text, nullable=False),
    Column("to_ref", Text, nullable=False),
    Column("sha", String(64)),
    UniqueConstraint("repo_id", "at_ms", "to_ref", name="uq_checkouts_moment"),
    Index("ix_checkouts_at_ms", "at_ms"),
)

# A task set by hand (``devfocus.task.set``): it holds in its project until the branch changes.
TASKS = Table(
    "tasks",
    METADATA,
    Column("id", EventId, primary_key=True, autoincrement=True),
    Column("set_ms", BigInteger, nullable=False),
    Column("project", Text),
    Column("branch", Text),
    Column("title", Text, nullable=False),
    Column("kind", String(16)),
    Index("ix_tasks_set_ms", "set_ms"),
)

SCHEMA_VERSIONS = Table(
    "devfocus_schema",
    METADATA,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_ms", BigInteger, nullable=False),
)
