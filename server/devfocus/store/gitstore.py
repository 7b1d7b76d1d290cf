"""Reading and writing git history: repositories, commits with their files, checkouts, tasks.

Reads are plain SQL (:mod:`devfocus.store.sqlrows`): they run through sqlite3 alone or an
engine, so a report or an import with nothing new to write never loads SQLAlchemy. Writes go
through SQLAlchemy Core, imported by the functions that write.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devfocus.activity.records import TaskMark
from devfocus.git.model import Checkout, Commit, FileChange, RepoCheckout, RepoCommit
from devfocus.store.engine import writing
from devfocus.store.sqlrows import Source, reading
from devfocus.timeutil import epoch_ms

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

_COMMIT_COLUMNS = (
    "c.repo_id, c.sha, c.parents, c.branch, c.author_name, c.author_email, c.authored_ms, "
    "c.author_offset, c.committer_name, c.committer_email, c.committed_ms, c.committer_offset, "
    "c.message, c.reachable, r.root"
)


@dataclass(frozen=True)
class RepositoryState:
    id: int
    root: str
    user_email: str | None
    tips: dict[str, str]  # branch → sha at the last ingestion


def repository_state(source: Source, root: str) -> RepositoryState | None:
    with reading(source) as query:
        rows = query(
            "SELECT id, user_email, tips FROM repositories WHERE root = :root", {"root": root}
        )
    if not rows:
        return None
    repo_id, user_email, tips = rows[0]
    return RepositoryState(repo_id, root, user_email, _tips(tips))


def _tips(raw: str) -> dict[str, str]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def ensure_repository(
    engine: Engine, root: str, git_dir: str, user_email: str | None, now: float
) -> RepositoryState:
    """The repository's row, created (with no tips: nothing ingested) when new."""
    from sqlalchemy import insert, update

    from devfocus.store.tables import REPOSITORIES

    state = repository_state(engine, root)
    if state is not None:
        if user_email is not None and user_email != state.user_email:
            with writing(engine) as conn:
                conn.execute(
                    update(REPOSITORIES)
                    .where(REPOSITORIES.c.id == state.id)
                    .values(user_email=user_email, git_dir=git_dir)
                )
            state = RepositoryState(state.id, root, user_email, state.tips)
        return state
    with writing(engine) as conn:
        conn.execute(
            insert(REPOSITORIES).values(
                root=root, git_dir=git_dir, user_email=user_email, tips="{}", imported_ms=0
            )
        )
    state = repository_state(engine, root)
    assert state is not None
    return state


def save_tips(engine: Engine, repo_id: int, tips: Mapping[str, str], now: float) -> None:
    from sqlalchemy import update

    from devfocus.store.tables import REPOSITORIES

    with writing(engine) as conn:
        conn.execute(
            update(REPOSITORIES)
            .where(REPOSITORIES.c.id == repo_id)
            .values(tips=json.dumps(dict(sorted(tips.items()))), imported_ms=epoch_ms(now))
        )


def write_commits(
    engine: Engine, repo_id: int, commits: Sequence[Commit], branches: Mapping[str, str]
) -> int:
    """Store commits and their files in one transaction. A commit stored before (reachable again
    after a reset) is marked reachable; its files are not written twice. Returns how many were
    new."""
    from sqlalchemy import update

    from devfocus.store.tables import COMMIT_FILES, COMMITS

    if not commits:
        return 0
    with writing(engine) as conn:
        shas = [c.sha for c in commits]
        existing = _existing(conn, repo_id, shas)
        if existing:
            conn.execute(
                update(COMMITS)
                .where(COMMITS.c.repo_id == repo_id, COMMITS.c.sha.in_(list(existing)))
                .values(reachable=True)
            )
        fresh = [c for c in commits if c.sha not in existing]
        if not fresh:
            return 0
        insert_rows(
            conn,
            COMMITS,
            _COMMIT_ROW,
            [_commit_row(repo_id, c, branches.get(c.sha)) for c in fresh],
        )
        files = [
            (repo_id, c.sha, f.path, f.old_path, f.added, f.deleted) for c in fresh for f in c.files
        ]
        if files:
            insert_rows(conn, COMMIT_FILES, _FILE_ROW, files)
    return len(fresh)


def insert_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows (tuples of ``columns``) through the driver's own ``executemany``: for
    history's tens of thousands of rows SQLAlchemy's per-row parameter processing costs more than
    the database. Only plain values (str, int, bool, None) go this way."""
    mark = _positional_mark(conn)
    if mark is None:
        from sqlalchemy import insert

        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(mark for _ in columns)})"
    )
    conn.exec_driver_sql(sql, list(rows))


def _positional_mark(conn: Connection) -> str | None:
    """The driver's positional placeholder (``?`` or ``%s``), None for other paramstyles."""
    paramstyle = conn.dialect.paramstyle
    if paramstyle == "qmark":
        return "?"
    return "%s" if paramstyle in ("format", "pyformat") else None


def _existing(conn: Connection, repo_id: int, shas: Sequence[str]) -> set[str]:
    from sqlalchemy import select

    from devfocus.store.tables import COMMITS

    found: set[str] = set()
    for i in range(0, len(shas), 500):  # below every database's bound-parameter limit
        chunk = shas[i : i + 500]
        found.update(
            conn.execute(
                select(COMMITS.c.sha).where(COMMITS.c.repo_id == repo_id, COMMITS.c.sha.in_(chunk))
            ).scalars()
        )
    return found


# Rows are built as tuples in these column orders: no mapping per commit or file.
_COMMIT_ROW = (
    "repo_id",
    "sha",
    "parents",
    "branch",
    "author_name",
    "author_email",
    "authored_ms",
    "author_offset",
    "committer_name",
    "committer_email",
    "committed_ms",
    "committer_offset",
    "message",
    "files",
    "additions",
    "deletions",
    "reachable",
)
_FILE_ROW = ("repo_id", "sha", "path", "old_path", "added", "deleted")


def _commit_row(repo_id: int, c: Commit, branch: str | None) -> tuple[Any, ...]:
    return (
        repo_id,
        c.sha,
        " ".join(c.parents),
        branch,
        c.author_name,
        c.author_email,
        epoch_ms(c.authored_at),
        c.author_offset,
        c.committer_name,
        c.committer_email,
        epoch_ms(c.committed_at),
        c.committer_offset,
        c.message,
        len(c.files),
        c.additions,
        c.deletions,
        True,
    )


def mark_unreachable(engine: Engine, repo_id: int, shas: Iterable[str]) -> int:
    from sqlalchemy import update

    from devfocus.store.tables import COMMITS

    shas = list(shas)
    count = 0
    with writing(engine) as conn:
        for i in range(0, len(shas), 500):
            result = conn.execute(
                update(COMMITS)
                .where(COMMITS.c.repo_id == repo_id, COMMITS.c.sha.in_(shas[i : i + 500]))
                .values(reachable=False)
            )
            count += int(result.rowcount or 0)
    return count


def write_checkouts(engine: Engine, repo_id: int, checkouts: Sequence[Checkout]) -> int:
    """Store checkouts not stored yet (the same reflog line read twice is one checkout)."""
    from sqlalchemy import insert, select

    from devfocus.store.tables import CHECKOUTS

    if not checkouts:
        return 0
    with writing(engine) as conn:
        lo = epoch_ms(min(c.at for c in checkouts))
        seen = {
            (at, to)
            for at, to in conn.execute(
                select(CHECKOUTS.c.at_ms, CHECKOUTS.c.to_ref).where(
                    CHECKOUTS.c.repo_id == repo_id, CHECKOUTS.c.at_ms >= lo
                )
            ).all()
        }
        rows = []
        for c in checkouts:
            key = (epoch_ms(c.at), c.to_ref)
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "repo_id": repo_id,
                    "at_ms": key[0],
                    "from_ref": c.from_ref,
                    "to_ref": c.to_ref,
                    "sha": c.sha,
                }
            )
        if rows:
            conn.execute(insert(CHECKOUTS), rows)
    return len(rows)


def unseen_checkouts(source: Source, repo_id: int, checkouts: Sequence[Checkout]) -> list[Checkout]:
    """The checkouts not stored yet, read only: an import that finds none writes nothing."""
    if not checkouts:
        return []
    with reading(source) as query:
        seen = set(
            query(
                "SELECT at_ms, to_ref FROM checkouts WHERE repo_id = :repo AND at_ms >= :lo",
                {"repo": repo_id, "lo": epoch_ms(min(c.at for c in checkouts))},
            )
        )
    return [c for c in checkouts if (epoch_ms(c.at), c.to_ref) not in seen]


def load_commits(
    source: Source, start: float, end: float, *, with_files: bool = True
) -> list[RepoCommit]:
    """Commits authored in [start, end) in every repository, oldest first."""
    params = {"lo": epoch_ms(start), "hi": epoch_ms(end)}
    files: dict[tuple[int, str], list[FileChange]] = defaultdict(list)
    with reading(source) as query:
        rows = query(
            f"SELECT {_COMMIT_COLUMNS} FROM commits c JOIN repositories r ON r.id = c.repo_id "
            "WHERE c.authored_ms >= :lo AND c.authored_ms < :hi ORDER BY c.authored_ms, c.sha",
            params,
        )
        if with_files and rows:
            file_rows = query(
                "SELECT f.repo_id, f.sha, f.path, f.old_path, f.added, f.deleted "
                "FROM commit_files f JOIN commits c ON c.repo_id = f.repo_id AND c.sha = f.sha "
                "WHERE c.authored_ms >= :lo AND c.authored_ms < :hi ORDER BY f.id",
                params,
            )
            for repo_id, sha, path, old_path, added, deleted in file_rows:
                files[(repo_id, sha)].append(FileChange(path, added, deleted, old_path))
    return [_stored(row, tuple(files.get((row[0], row[1]), ()))) for row in rows]


def _stored(row: Sequence[Any], files: tuple[FileChange, ...]) -> RepoCommit:
    (
        _,
        sha,
        parents,
        branch,
        author_name,
        author_email,
        authored_ms,
        author_offset,
        committer_name,
        committer_email,
        committed_ms,
        committer_offset,
        message,
        reachable,
        root,
    ) = row
    commit = Commit(
        sha=sha,
        parents=tuple(parents.split()),
        author_name=author_name,
        author_email=author_email,
        authored_at=authored_ms / 1000,
        author_offset=author_offset,
        committer_name=committer_name,
        committer_email=committer_email,
        committed_at=committed_ms / 1000,
        committer_offset=committer_offset,
        message=message,
        files=files,
    )
    return RepoCommit(root, branch, bool(reachable), commit)


def load_checkouts(source: Source, start: float, end: float) -> list[RepoCheckout]:
    with reading(source) as query:
        rows = query(
            "SELECT r.root, c.at_ms, c.from_ref, c.to_ref, c.sha FROM checkouts c "
            "JOIN repositories r ON r.id = c.repo_id "
            "WHERE c.at_ms >= :lo AND c.at_ms < :hi ORDER BY c.at_ms",
            {"lo": epoch_ms(start), "hi": epoch_ms(end)},
        )
    return [
        RepoCheckout(root, Checkout(at / 1000, old, new, sha)) for root, at, old, new, sha in rows
    ]


def repository_emails(source: Source) -> dict[str, str | None]:
    """root → ``user.email`` of every ingested repository."""
    with reading(source) as query:
        rows = query("SELECT root, user_email FROM repositories", {})
    return {row[0]: row[1] for row in rows}


def write_task(engine: Engine, task: TaskMark) -> None:
    from sqlalchemy import insert

    from devfocus.store.tables import TASKS

    with writing(engine) as conn:
        conn.execute(
            insert(TASKS).values(
                set_ms=epoch_ms(task.set_at),
                project=task.project,
                branch=task.branch,
                title=task.title,
                kind=task.kind,
                ref=task.ref,
            )
        )


def load_tasks(source: Source, end: float) -> list[TaskMark]:
    """Tasks set by hand before ``end``, oldest first."""
    with reading(source) as query:
        rows = query(
            "SELECT set_ms, project, branch, title, kind, ref FROM tasks WHERE set_ms < :end "
            "ORDER BY set_ms",
            {"end": epoch_ms(end)},
        )
    return [TaskMark(s / 1000, p, b, title, kind, ref) for s, p, b, title, kind, ref in rows]


def write_branches(engine: Engine, repo_id: int, labels: Mapping[str, str]) -> None:
    """Name the branch commits were made on (inferred after their rows were written)."""
    with writing(engine) as conn:
        mark = _positional_mark(conn)
        if mark is None:
            from sqlalchemy import bindparam, update

            from devfocus.store.tables import COMMITS

            conn.execute(
                update(COMMITS)
                .where(COMMITS.c.repo_id == repo_id, COMMITS.c.sha == bindparam("b_sha"))
                .values(branch=bindparam("b_branch")),
                [{"b_sha": sha, "b_branch": branch} for sha, branch in labels.items()],
            )
            return
        conn.exec_driver_sql(
            f"UPDATE commits SET branch = {mark} WHERE repo_id = {mark} AND sha = {mark}",
            [(branch, repo_id, sha) for sha, branch in labels.items()],
        )


def history_export(engine: Engine) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every git-history table, the focus blocks, the imported issues, task links and switch
    notes, row by row, for ``devfocus export`` (camelCase keys)."""
    from sqlalchemy import select

    from devfocus.config import camel_case
    from devfocus.store.tables import (
        CHECKOUTS,
        COMMIT_FILES,
        COMMITS,
        FOCUS_BLOCKS,
        REPOSITORIES,
        SWITCH_NOTES,
        TASK_LINKS,
        TASKS,
        TRACKER_ISSUES,
        TRACKER_PULLS,
    )

    out = []
    with engine.connect() as conn:
        for name, table in (
            ("repositories", REPOSITORIES),
            ("commits", COMMITS),
            ("commitFiles", COMMIT_FILES),
            ("checkouts", CHECKOUTS),
            ("tasks", TASKS),
            ("focusBlocks", FOCUS_BLOCKS),
            ("trackerIssues", TRACKER_ISSUES),
            ("trackerPulls", TRACKER_PULLS),
            ("taskLinks", TASK_LINKS),
            ("switchNotes", SWITCH_NOTES),
        ):
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            out.append((name, [{camel_case(k): v for k, v in row.items()} for row in rows]))
    return out
