"""Imported issues, pull requests, sync cursors, task links and switch notes in the database.

Re-syncs update issues in place (an upsert keyed by tracker, scope and key), so nothing is ever
duplicated; several windows syncing at once write the same rows. Reads go through
:func:`~devfocus.store.sqlrows.reading`, so a report reads them without loading SQLAlchemy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devfocus.activity.tasks import TaskLink
from devfocus.store.engine import writing
from devfocus.store.sqlrows import Source, reading
from devfocus.timeutil import epoch_ms
from devfocus.trackers.imported import PullRequest, TrackerIssue

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

    from devfocus.activity.records import SwitchNote

# The drivers' own placeholders, by DB-API paramstyle (SQLite's ?, psycopg's %s).
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_ISSUE_COLUMNS = (
    "tracker, scope, key, project, title, url, kind, priority, state, assigned_to_me, labels, "
    "created_ms, updated_ms, closed_ms, body"
)


@dataclass(frozen=True)
class SyncRecord:
    """Where the sync of one tracker scope got (a row of ``tracker_syncs``)."""

    tracker: str
    scope: str
    project: str | None
    synced: float | None  # the last sync that finished
    attempted: float
    items: int
    rate_remaining: int | None
    rate_limit: int | None
    rate_reset: float | None
    error: str | None
    cursor: dict[str, Any]


def _ms(value: float | None) -> int | None:
    return None if value is None else epoch_ms(value)


def _issue_row(issue: TrackerIssue) -> dict[str, Any]:
    return {
        "tracker": issue.tracker,
        "scope": issue.scope,
        "key": issue.key,
        "project": issue.project,
        "title": issue.title,
        "url": issue.url,
        "kind": issue.kind,
        "priority": issue.priority,
        "state": issue.state,
        "assigned_to_me": issue.assigned_to_me,
        "labels": json.dumps(list(issue.labels)),
        "created_ms": epoch_ms(issue.created),
        "updated_ms": epoch_ms(issue.updated),
        "closed_ms": _ms(issue.closed),
        "body": issue.body,
    }


def _upsert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows``, replacing those whose primary key exists, in one statement."""
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    mark = _PLACEHOLDERS.get(conn.dialect.paramstyle)
    if conn.dialect.name in ("sqlite", "postgresql") and mark is not None:
        # Plain SQL both speak (SQLite 3.24+, PostgreSQL 9.5+), run as the driver's own
        # executemany: SQLAlchemy's processing of each row's parameters would cost more than
        # the database's work on a page of issues.
        columns = list(rows[0])
        changed = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "
            f"VALUES ({', '.join(mark for _ in columns)}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {changed}"
        )
        conn.exec_driver_sql(sql, [tuple(row[c] for c in columns) for row in rows])
        return
    from sqlalchemy import and_, delete, insert

    for row in rows:  # any other database: replace row by row, in the one transaction
        conn.execute(delete(table).where(and_(*(table.c[k] == row[k] for k in keys))))
        conn.execute(insert(table).values(dict(row)))


def write_issues(
    engine: Engine, issues: Sequence[TrackerIssue], pulls: Sequence[PullRequest] = ()
) -> None:
    """Store a page of imported issues and pull requests (new or changed)."""
    from devfocus.store.tables import TRACKER_ISSUES, TRACKER_PULLS

    pull_rows = [
        {
            "scope": p.scope,
            "number": p.number,
            "title": p.title,
            "url": p.url,
            "state": p.state,
            "created_ms": epoch_ms(p.created),
            "updated_ms": epoch_ms(p.updated),
            "closed_ms": _ms(p.closed),
            "issues": json.dumps(list(p.issues)),
        }
        for p in pulls
    ]
    with writing(engine) as conn:
        _upsert(conn, TRACKER_ISSUES, [_issue_row(i) for i in issues])
        _upsert(conn, TRACKER_PULLS, pull_rows)


def _issue(row: Sequence[Any]) -> TrackerIssue:
    (tracker, scope, key, project, title, url, kind, priority, state, mine, labels) = row[:11]
    created, updated, closed, body = row[11:]
    return TrackerIssue(
        tracker,
        scope,
        key,
        title,
        url,
        kind,
        priority,
        state,
        bool(mine),
        tuple(json.loads(labels)),
        created / 1000,
        updated / 1000,
        None if closed is None else closed / 1000,
        body,
        project,
    )


def load_issues(source: Source, *, with_body: bool = True) -> list[TrackerIssue]:
    """Every imported issue (``with_body`` False: their texts left out, for tasks)."""
    columns = _ISSUE_COLUMNS if with_body else _ISSUE_COLUMNS.replace(", body", ", ''")
    with reading(source) as query:
        rows = query(f"SELECT {columns} FROM tracker_issues", {})
    return [_issue(row) for row in rows]


def count_issues(source: Source, tracker: str, scope: str) -> int:
    with reading(source) as query:
        rows = query(
            "SELECT count(*) FROM tracker_issues WHERE tracker = :tracker AND scope = :scope",
            {"tracker": tracker, "scope": scope},
        )
    return int(rows[0][0])


def load_pulls(source: Source, naming: int | None = None) -> list[PullRequest]:
    """The pull requests stored (``naming``: only those that name issue number ``naming``)."""
    sql = (
        "SELECT scope, number, title, url, state, created_ms, updated_ms, closed_ms, issues "
        "FROM tracker_pulls"
    )
    params: dict[str, Any] = {}
    if naming is not None:
        sql += " WHERE issues LIKE :digits"  # narrows the rows; the numbers are checked below
        params["digits"] = f"%{naming}%"
    with reading(source) as query:
        rows = query(sql, params)
    pulls = [
        PullRequest(
            scope,
            int(number),
            title,
            url,
            state,
            created / 1000,
            updated / 1000,
            None if closed is None else closed / 1000,
            tuple(json.loads(issues)),
        )
        for scope, number, title, url, state, created, updated, closed, issues in rows
    ]
    return pulls if naming is None else [p for p in pulls if naming in p.issues]


# -- syncs --------------------------------------------------------------------------------------
def load_syncs(source: Source) -> list[SyncRecord]:
    with reading(source) as query:
        rows = query(
            "SELECT tracker, scope, project, synced_ms, attempted_ms, items, rate_remaining, "
            "rate_limit, rate_reset_ms, error, cursor FROM tracker_syncs ORDER BY tracker, scope",
            {},
        )
    return [
        SyncRecord(
            tracker,
            scope,
            project,
            None if synced is None else synced / 1000,
            attempted / 1000,
            int(items),
            remaining,
            limit,
            None if reset is None else reset / 1000,
            error,
            json.loads(cursor),
        )
        for (
            tracker,
            scope,
            project,
            synced,
            attempted,
            items,
            remaining,
            limit,
            reset,
            error,
            cursor,
        ) in rows
    ]


def write_sync(engine: Engine, record: SyncRecord) -> None:
    from devfocus.store.tables import TRACKER_SYNCS

    row = {
        "tracker": record.tracker,
        "scope": record.scope,
        "project": record.project,
        "synced_ms": _ms(record.synced),
        "attempted_ms": epoch_ms(record.attempted),
        "items": record.items,
        "rate_remaining": record.rate_remaining,
        "rate_limit": record.rate_limit,
        "rate_reset_ms": _ms(record.rate_reset),
        "error": record.error,
        "cursor": json.dumps(record.cursor),
    }
    with writing(engine) as conn:
        _upsert(conn, TRACKER_SYNCS, [row])


# -- links --------------------------------------------------------------------------------------
def add_link(engine: Engine, project: str | None, task: str, link: TaskLink) -> bool:
    """Attach ``link`` to ``task`` (its ref, or its title); False when it was attached already."""
    from sqlalchemy import insert, select

    from devfocus.store.tables import TASK_LINKS

    with writing(engine) as conn:
        known = conn.execute(
            select(TASK_LINKS.c.id).where(TASK_LINKS.c.task == task, TASK_LINKS.c.url == link.url)
        ).first()
        if known is not None:
            return False
        conn.execute(
            insert(TASK_LINKS).values(
                project=project,
                task=task,
                url=link.url,
                title=link.title,
                source=link.source,
                added_ms=epoch_ms(link.added),
            )
        )
    return True


def load_links(source: Source, tasks: Iterable[str] | None = None) -> dict[str, list[TaskLink]]:
    """Links by task (every task's, or those of ``tasks``), oldest first."""
    sql = "SELECT task, url, title, source, added_ms FROM task_links"
    params: dict[str, Any] = {}
    if tasks is not None:
        params = {f"t{i}": task for i, task in enumerate(tasks)}
        if not params:
            return {}
        sql += f" WHERE task IN ({', '.join(':' + name for name in params)})"
    with reading(source) as query:
        rows = query(sql + " ORDER BY id", params)
    out: dict[str, list[TaskLink]] = {}
    for task, url, title, link_source, added in rows:
        out.setdefault(task, []).append(TaskLink(url, title, link_source, added / 1000))
    return out


# -- switch notes -------------------------------------------------------------------------------
def add_switch_note(engine: Engine, note: SwitchNote, made: float) -> None:
    from sqlalchemy import insert

    from devfocus.store.tables import SWITCH_NOTES

    with writing(engine) as conn:
        conn.execute(
            insert(SWITCH_NOTES).values(
                at_ms=epoch_ms(note.at),
                project=note.project,
                reason=note.reason,
                note=note.note,
                made_ms=epoch_ms(made),
            )
        )


def load_switch_notes(source: Source, start: float, end: float) -> list[SwitchNote]:
    """Notes of switches in [start - 5 min, end + 5 min), in the order they were made."""
    from devfocus.activity.records import SwitchNote

    with reading(source) as query:
        rows = query(
            "SELECT at_ms, project, reason, note FROM switch_notes "
            "WHERE at_ms >= :lo AND at_ms < :hi ORDER BY made_ms, id",
            {"lo": epoch_ms(start - 300), "hi": epoch_ms(end + 300)},
        )
    return [SwitchNote(at / 1000, project, reason, note) for at, project, reason, note in rows]
