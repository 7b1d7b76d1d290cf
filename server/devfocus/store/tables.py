"""The current schema: what the migrations (store/migrations.py) add up to, as SQLAlchemy Core
tables. A test checks that migrating an empty database yields exactly these tables; the columns
are described where they are declared, in their migration.

Plain Core tables: nothing maps rows to objects, so the ORM (a third of SQLAlchemy's import
time) is never loaded.
"""

from __future__ import annotations

from sqlalchemy import MetaData, Table

from devfocus.store.migrations import MIGRATIONS, VERSION_TABLE

METADATA = MetaData()
for _migration in MIGRATIONS:
    _migration.schema(METADATA)


def _table(name: str) -> Table:
    return METADATA.tables[name]


EVENTS = _table("events")
REPOSITORIES = _table("repositories")
COMMITS = _table("commits")
COMMIT_FILES = _table("commit_files")
CHECKOUTS = _table("checkouts")
TASKS = _table("tasks")
FOCUS_BLOCKS = _table("focus_blocks")
NUDGES = _table("nudges")
DAY_FIGURES = _table("day_figures")
DOCSTRING_DEBT = _table("docstring_debt")
AI_CACHE = _table("ai_cache")
TRACKER_ISSUES = _table("tracker_issues")
TRACKER_PULLS = _table("tracker_pulls")
TRACKER_SYNCS = _table("tracker_syncs")
TASK_LINKS = _table("task_links")
SWITCH_NOTES = _table("switch_notes")
TEAM_OUTBOX = _table("team_outbox")
TEAM_STATE = _table("team_state")
SCHEMA_VERSIONS = _table(VERSION_TABLE)
