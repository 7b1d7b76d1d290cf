"""Erasing all of the user's data: every event, all git history, focus blocks, nudges and the
figures derived from them, in one transaction."""

from __future__ import annotations

from sqlalchemy import Engine, delete

from devfocus.store.engine import writing
from devfocus.store.tables import (
    AI_CACHE,
    CHECKOUTS,
    COMMIT_FILES,
    COMMITS,
    DAY_FIGURES,
    DOCSTRING_DEBT,
    EVENTS,
    FOCUS_BLOCKS,
    NUDGES,
    REPOSITORIES,
    SWITCH_NOTES,
    TASK_LINKS,
    TASKS,
    TEAM_OUTBOX,
    TEAM_STATE,
    TRACKER_ISSUES,
    TRACKER_PULLS,
    TRACKER_SYNCS,
)

_TABLES = (
    ("events", EVENTS),
    ("commits", COMMITS),
    ("commitFiles", COMMIT_FILES),
    ("checkouts", CHECKOUTS),
    ("tasks", TASKS),
    ("repositories", REPOSITORIES),
    ("focusBlocks", FOCUS_BLOCKS),
    ("nudges", NUDGES),
    # Derived from what is above (baselines, docstring debt), but still a record of the days.
    ("dayFigures", DAY_FIGURES),
    ("docstringDebt", DOCSTRING_DEBT),
    # Prose models wrote from the user's code and activity.
    ("aiAnswers", AI_CACHE),
    # Imported from issue trackers, and what the user attached to tasks and switches.
    ("trackerIssues", TRACKER_ISSUES),
    ("trackerPulls", TRACKER_PULLS),
    ("trackerSyncs", TRACKER_SYNCS),
    ("taskLinks", TASK_LINKS),
    ("switchNotes", SWITCH_NOTES),
    # The aggregates waiting for (or already in) a team database, and where sharing stood.
    ("teamOutbox", TEAM_OUTBOX),
    ("teamState", TEAM_STATE),
)


def erase_all(engine: Engine) -> dict[str, int]:
    """Erase every event, repository, commit with its files, checkout, hand-set task, focus block,
    nudge, day figure, docstring-debt row, cached AI answer, imported issue and pull request,
    sync record, task link, switch note and team aggregate; returns
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
