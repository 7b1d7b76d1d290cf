"""Versioned schema migrations, applied in order in one transaction.

Each migration declares what it adds to the schema, and a shipped step is never edited, so it
keeps meaning what it meant; the current schema (store/tables.py) is what the steps add up to.
A step that changes a table will declare the change on the metadata as well as in the database,
and the test that migrates an empty database and compares it with the current schema keeps the
two in step. Several processes may start at once: SQLite takes the write lock
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
    from sqlalchemy import Connection, Engine, MetaData
    from sqlalchemy.types import TypeEngine

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
    # What the step adds to or changes in the schema, declared on the MetaData of the steps
    # before it: summed over every step, the current schema (store/tables.py).
    schema: Callable[[MetaData], None]
    # How the database gets there, where creating the tables the step declares is not enough
    # (a column added to an existing table).
    ddl: Callable[[Connection], None] | None = None

    def apply(self, conn: Connection) -> None:
        if self.ddl is not None:
            self.ddl(conn)
            return
        from sqlalchemy import MetaData

        meta = MetaData()
        self.schema(meta)
        meta.create_all(conn)


def _v1_events(meta: MetaData) -> None:
    from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

    Table(
        VERSION_TABLE,
        meta,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("description", Text, nullable=False),
        Column("applied_ms", BigInteger, nullable=False),
    )
    # One activity event: an instant, or a span of coalesced edits (``start_ms < end_ms``). Ids
    # are random 63-bit integers chosen by the writing process, so several processes write
    # without coordination and a growing span is rewritten under the same id.
    Table(
        "events",
        meta,
        Column("id", _event_id(), primary_key=True, autoincrement=False),
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


def _v2_git(meta: MetaData) -> None:
    from sqlalchemy import (
        BigInteger,
        Boolean,
        Column,
        Index,
        Integer,
        String,
        Table,
        Text,
        UniqueConstraint,
    )

    # A git working tree whose history is ingested, and how far the ingestion got.
    Table(
        "repositories",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("root", Text, nullable=False, unique=True),  # POSIX path
        Column("git_dir", Text, nullable=False),
        Column("user_email", Text),  # `git config user.email` there
        Column("tips", Text, nullable=False),  # JSON {branch: sha} last ingested
        Column("imported_ms", BigInteger, nullable=False),
    )
    # One commit. Commits no longer reachable from a branch (rebased, force-pushed) are kept
    # with ``reachable`` false.
    Table(
        "commits",
        meta,
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
    Table(
        "commit_files",
        meta,
        Column("id", _event_id(), primary_key=True, autoincrement=True),
        Column("repo_id", Integer, nullable=False),
        Column("sha", String(64), nullable=False),
        Column("path", Text, nullable=False),
        Column("old_path", Text),  # before a rename
        Column("added", Integer),
        Column("deleted", Integer),
        Index("ix_commit_files_commit", "repo_id", "sha"),
    )
    # A branch switch, from the reflog or seen live.
    Table(
        "checkouts",
        meta,
        Column("id", _event_id(), primary_key=True, autoincrement=True),
        Column("repo_id", Integer, nullable=False),
        Column("at_ms", BigInteger, nullable=False),
        Column("from_ref", Text, nullable=False),
        Column("to_ref", Text, nullable=False),
        Column("sha", String(64)),
        UniqueConstraint("repo_id", "at_ms", "to_ref", name="uq_checkouts_moment"),
        Index("ix_checkouts_at_ms", "at_ms"),
    )
    # A task set by hand (``devfocus.task.set``): it holds in its project until the branch
    # changes.
    Table(
        "tasks",
        meta,
        Column("id", _event_id(), primary_key=True, autoincrement=True),
        Column("set_ms", BigInteger, nullable=False),
        Column("project", Text),
        Column("branch", Text),
        Column("title", Text, nullable=False),
        Column("kind", String(16)),
        Index("ix_tasks_set_ms", "set_ms"),
    )


def _v3_bulk_lines(meta: MetaData) -> None:
    from sqlalchemy import Column, Integer

    # Of lines_added: the lines added by single changes of at least devfocus.insights.bulkLines
    # lines (a paste, a completion, generated code). Rows from before it count none.
    meta.tables["events"].append_column(
        Column("lines_bulk", Integer, nullable=False, default=0, server_default="0")
    )


def _v3_add_bulk_lines(conn: Connection) -> None:
    from sqlalchemy import text

    conn.execute(text("ALTER TABLE events ADD COLUMN lines_bulk INTEGER NOT NULL DEFAULT 0"))


def _v4_focus_blocks(meta: MetaData) -> None:
    from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table

    # A focus block (devfocus.focus.start), shared by every window. Windows claim its end notice
    # with a conditional UPDATE of notified_ms, so exactly one announces it.
    Table(
        "focus_blocks",
        meta,
        Column("id", _event_id(), primary_key=True, autoincrement=True),
        Column("start_ms", BigInteger, nullable=False),
        Column("end_ms", BigInteger, nullable=False),  # as planned; when stopped, if it was
        Column("stopped", Boolean, nullable=False, default=False),
        Column("switches", Integer, nullable=False, default=0),  # context switches during it
        Column("source", String(32)),  # the server process (window) that started it
        Column("notified_ms", BigInteger),  # when its end was announced
        Index("ix_focus_blocks_end_ms", "end_ms"),
    )
    # One row per kind of nudge: when one was last shown (claimed by one window) and until when
    # "Not today" silenced it.
    Table(
        "nudges",
        meta,
        Column("kind", String(32), primary_key=True),
        Column("shown_ms", BigInteger),
        Column("silenced_until_ms", BigInteger),
        Column("source", String(32)),
    )


def _v5_insight_history(meta: MetaData) -> None:
    from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

    # The figures of one past local day (focus and deep work by hour, switches, session
    # lengths), kept so a baseline of 4 weeks reads 28 rows, not 80,000 events. Derived data:
    # ``events`` counts the day's events when it was made, and a day whose count changed is
    # made again. ``rules`` keys what the figures depend on (timeouts, time zone, git authors).
    Table(
        "day_figures",
        meta,
        Column("day", String(10), primary_key=True),  # YYYY-MM-DD, local
        Column("rules", String(32), primary_key=True),
        Column("events", Integer, nullable=False),
        Column("commits", Integer, nullable=False),
        Column("figures", Text, nullable=False),  # JSON
        Column("made_ms", BigInteger, nullable=False),
    )
    # Docstring debt of a project, one row a day: its undocumented public definitions.
    Table(
        "docstring_debt",
        meta,
        Column("project", Text, primary_key=True),
        Column("day", String(10), primary_key=True),  # YYYY-MM-DD, local
        Column("at_ms", BigInteger, nullable=False),
        Column("undocumented", Integer, nullable=False),
        Column("definitions", Integer, nullable=False),
        Index("ix_docstring_debt_at_ms", "at_ms"),
    )


def _v6_ai_cache(meta: MetaData) -> None:
    from sqlalchemy import BigInteger, Column, Index, String, Table, Text

    # What a model answered, keyed by a hash of everything the answer depends on (the
    # definition's source, the style, the provider and the model, or a period's facts): asking
    # again is instant and costs nothing. Holds prose the user may not want kept: erased with
    # the rest of their data.
    Table(
        "ai_cache",
        meta,
        Column("key", String(64), primary_key=True),  # sha256, hex
        Column("kind", String(16), nullable=False),  # docstring, commit, narrative
        Column("answer", Text, nullable=False),  # the answer's JSON object
        Column("provider", String(32), nullable=False),
        Column("model", Text, nullable=False),
        Column("made_ms", BigInteger, nullable=False),
        Index("ix_ai_cache_made_ms", "made_ms"),
    )


def _v7_trackers(meta: MetaData) -> None:
    from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

    # An issue imported from a tracker (devfocus.trackers.imported.TrackerIssue). Re-syncs update
    # the row in place. ``body`` is the first characters of its text (for likely duplicates).
    Table(
        "tracker_issues",
        meta,
        Column("tracker", String(16), primary_key=True),  # github | jira
        Column("scope", String(255), primary_key=True),  # owner/name | the Jira site's host
        Column("key", String(64), primary_key=True),  # #123 | ABC-42
        Column("project", Text),  # the repository root it was synced for, POSIX path
        Column("title", Text, nullable=False),
        Column("url", Text, nullable=False),
        Column("kind", String(16)),
        Column("priority", String(32)),
        Column("state", String(8), nullable=False),  # open | closed
        Column("assigned_to_me", Boolean, nullable=False),
        Column("labels", Text, nullable=False),  # JSON array
        Column("created_ms", BigInteger, nullable=False),
        Column("updated_ms", BigInteger, nullable=False),
        Column("closed_ms", BigInteger),
        Column("body", Text, nullable=False),
        Index("ix_tracker_issues_updated_ms", "updated_ms"),
    )
    # A GitHub pull request seen among the issues: not a task; linked to the issues it names.
    Table(
        "tracker_pulls",
        meta,
        Column("scope", String(255), primary_key=True),
        Column("number", Integer, primary_key=True, autoincrement=False),
        Column("title", Text, nullable=False),
        Column("url", Text, nullable=False),
        Column("state", String(8), nullable=False),
        Column("created_ms", BigInteger, nullable=False),
        Column("updated_ms", BigInteger, nullable=False),
        Column("closed_ms", BigInteger),
        Column("issues", Text, nullable=False),  # JSON array of issue numbers
    )
    # Where a sync of one tracker scope got: when, what it found, the rate limit it saw, the
    # last error, and the cursor of the next sync (ETags by page, ``since``).
    Table(
        "tracker_syncs",
        meta,
        Column("tracker", String(16), primary_key=True),
        Column("scope", String(255), primary_key=True),
        Column("project", Text),
        Column("synced_ms", BigInteger),  # the last sync that finished
        Column("attempted_ms", BigInteger, nullable=False),
        Column("items", Integer, nullable=False, default=0),
        Column("rate_remaining", Integer),
        Column("rate_limit", Integer),
        Column("rate_reset_ms", BigInteger),
        Column("error", Text),
        Column("cursor", Text, nullable=False),  # JSON
    )
    # A page attached to a task (devfocus.task.link; the importer's issue and pull request
    # pages). ``task`` is the task's ref, or its title when it has none.
    Table(
        "task_links",
        meta,
        Column("id", _event_id(), primary_key=True, autoincrement=True),
        Column("project", Text),
        Column("task", Text, nullable=False),
        Column("url", Text, nullable=False),
        Column("title", Text, nullable=False),
        Column("source", String(16), nullable=False),  # user | tracker | pull
        Column("added_ms", BigInteger, nullable=False),
        Index("ix_task_links_task", "task"),
    )
    # Why the developer switched context (devfocus.switch.annotate), at the switch's moment.
    Table(
        "switch_notes",
        meta,
        Column("id", _event_id(), primary_key=True, autoincrement=True),
        Column("at_ms", BigInteger, nullable=False),  # the switch
        Column("project", Text),  # where attention went
        Column("reason", String(16), nullable=False),  # interrupt | meeting | ... | other
        Column("note", Text),  # free text
        Column("made_ms", BigInteger, nullable=False),
        Index("ix_switch_notes_at_ms", "at_ms"),
    )


def _v8_task_refs(meta: MetaData) -> None:
    from sqlalchemy import Column, Text

    # The issue a task set by hand is (``#123``, ``ABC-42``): Pick Task sets imported issues.
    meta.tables["tasks"].append_column(Column("ref", Text))


def _v8_add_task_refs(conn: Connection) -> None:
    from sqlalchemy import text

    conn.execute(text("ALTER TABLE tasks ADD COLUMN ref TEXT"))


def _v9_team_outbox(meta: MetaData) -> None:
    from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

    # The aggregates computed for a team database (devfocus.team.figures.HourRow) and whether
    # they reached it: ``pending`` rows go up, ``pushed`` ones are there, ``gone`` ones are
    # to be deleted there (their hour no longer has them). Kept until pushed, so a crash, an
    # outage or a retry loses nothing; the team database's upsert makes a push idempotent.
    Table(
        "team_outbox",
        meta,
        Column("hour_ms", BigInteger, primary_key=True, autoincrement=False),  # UTC hour start
        Column("label_kind", String(8), primary_key=True),  # "" | project | task
        Column("label", Text, primary_key=True),
        Column("focus_s", Integer, nullable=False),
        Column("deep_s", Integer, nullable=False),
        Column("switches", Integer, nullable=False),
        Column("sessions", Integer, nullable=False),
        Column("state", String(8), nullable=False),  # pending | pushed | gone
        Column("changed_ms", BigInteger, nullable=False),
        Index("ix_team_outbox_state", "state"),
    )
    # Where sharing stands: the team database last pushed to, the share level, how far the
    # aggregates were computed, the last push and its error.
    Table(
        "team_state",
        meta,
        Column("key", String(32), primary_key=True),
        Column("value", Text, nullable=False),
    )


def _event_id() -> TypeEngine[int]:
    """SQLite's 64-bit rowid is the id itself; elsewhere a BIGINT."""
    from sqlalchemy import BigInteger, Integer

    return BigInteger().with_variant(Integer, "sqlite")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "activity events and the schema version table", _v1_events),
    Migration(2, "git history: repositories, commits, files, checkouts; tasks", _v2_git),
    Migration(3, "events: lines added in bulk", _v3_bulk_lines, _v3_add_bulk_lines),
    Migration(4, "focus blocks and nudges", _v4_focus_blocks),
    Migration(5, "insight history: day figures for baselines, docstring debt", _v5_insight_history),
    Migration(6, "answers of AI models, by what they depend on", _v6_ai_cache),
    Migration(
        7, "issue trackers: issues, pull requests, syncs; task links; switch notes", _v7_trackers
    ),
    Migration(8, "tasks: the issue a task set by hand is", _v8_task_refs, _v8_add_task_refs),
    Migration(9, "team sharing: the outbox of hourly aggregates, its state", _v9_team_outbox),
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
