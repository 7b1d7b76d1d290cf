"""Reading and writing git history: repositories, commits with their files, checkouts, tasks."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, func, insert, select, update

from devfocus.activity.records import TaskMark
from devfocus.config import camel_case
from devfocus.git.model import Checkout, Commit, FileChange, RepoCheckout, RepoCommit
from devfocus.store.tables import CHECKOUTS, COMMIT_FILES, COMMITS, REPOSITORIES, TASKS
from devfocus.timeutil import epoch_ms


@dataclass(frozen=True)
class RepositoryState:
    id: int
    root: str
    user_email: str | None
    tips: dict[str, str]  # branch → sha at the last ingestion


def repository_state(engine: Engine, root: str) -> RepositoryState | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(REPOSITORIES.c.id, REPOSITORIES.c.user_email, REPOSITORIES.c.tips).where(
                REPOSITORIES.c.root == root
            )
        ).first()
    if row is None:
        return None
    return RepositoryState(row.id, root, row.user_email, _tips(row.tips))


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
    state = repository_state(engine, root)
    if state is not None:
        if user_email is not None and user_email != state.user_email:
            with engine.begin() as conn:
                conn.execute(
                    update(REPOSITORIES)
                    .where(REPOSITORIES.c.id == state.id)
                    .values(user_email=user_email, git_dir=git_dir)
                )
            state = RepositoryState(state.id, root, user_email, state.tips)
        return state
    with engine.begin() as conn:
        conn.execute(
            insert(REPOSITORIES).values(
                root=root, git_dir=git_dir, user_email=user_email, tips="{}", imported_ms=0
            )
        )
    state = repository_state(engine, root)
    assert state is not None
    return state


def save_tips(engine: Engine, repo_id: int, tips: Mapping[str, str], now: float) -> None:
    with engine.begin() as conn:
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
    if not commits:
        return 0
    with engine.begin() as conn:
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
        insert_rows(conn, COMMITS, [_commit_row(repo_id, c, branches.get(c.sha)) for c in fresh])
        files = [_file_row(repo_id, c.sha, f) for c in fresh for f in c.files]
        if files:
            insert_rows(conn, COMMIT_FILES, files)
    return len(fresh)


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows through the driver's own ``executemany``: for history's tens of
    thousands of rows SQLAlchemy's per-row parameter processing costs more than the database.
    Only plain values (str, int, bool, None) go this way."""
    columns = list(rows[0])
    mark = _positional_mark(conn)
    if mark is None:
        conn.execute(insert(table), list(rows))
        return
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(mark for _ in columns)})"
    )
    conn.exec_driver_sql(sql, [tuple(row[c] for c in columns) for row in rows])


def _positional_mark(conn: Connection) -> str | None:
    """The driver's positional placeholder (``?`` or ``%s``), None for other paramstyles."""
    paramstyle = conn.dialect.paramstyle
    if paramstyle == "qmark":
        return "?"
    return "%s" if paramstyle in ("format", "pyformat") else None


def _existing(conn: Connection, repo_id: int, shas: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(shas), 500):  # below every database's bound-parameter limit
        chunk = shas[i : i + 500]
        found.update(
            conn.execute(
                select(COMMITS.c.sha).where(COMMITS.c.repo_id == repo_id, COMMITS.c.sha.in_(chunk))
            ).scalars()
        )
    return found


def _commit_row(repo_id: int, c: Commit, branch: str | None) -> dict[str, Any]:
    return {
        "repo_id": repo_id,
        "sha": c.sha,
        "parents": " ".join(c.parents),
        "branch": branch,
        "author_name": c.author_name,
        "author_email": c.author_email,
        "authored_ms": epoch_ms(c.authored_at),
        "author_offset": c.author_offset,
        "committer_name": c.committer_name,
        "committer_email": c.committer_email,
        "committed_ms": epoch_ms(c.committed_at),
        "committer_offset": c.committer_offset,
        "message": c.message,
        "files": len(c.files),
        "additions": c.additions,
        "deletions": c.deletions,
        "reachable": True,
    }


def _file_row(repo_id: int, sha: str, f: FileChange) -> dict[str, Any]:
    return {
        "repo_id": repo_id,
        "sha": sha,
        "path": f.path,
        "old_path": f.old_path,
        "added": f.added,
        "deleted": f.deleted,
    }


def mark_unreachable(engine: Engine, repo_id: int, shas: Iterable[str]) -> int:
    shas = list(shas)
    count = 0
    with engine.begin() as conn:
        for i in range(0, len(shas), 500):
            result = conn.execute(
                update(COMMITS)
                .where(COMMITS.c.repo_id == repo_id, COMMITS.c.sha.in_(shas[i : i + 500]))
                .values(reachable=False)
            )
            count += int(result.rowcount or 0)
    return count


def known_shas(engine: Engine, repo_id: int) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(select(COMMITS.c.sha).where(COMMITS.c.repo_id == repo_id)).scalars()
        )


def write_checkouts(engine: Engine, repo_id: int, checkouts: Sequence[Checkout]) -> int:
    """Store checkouts not stored yet (the same reflog line read twice is one checkout)."""
    if not checkouts:
        return 0
    with engine.begin() as conn:
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


def load_commits(
    engine: Engine, start: float, end: float, *, with_files: bool = True
) -> list[RepoCommit]:
    """Commits authored in [start, end) in every repository, oldest first."""
    c, r = COMMITS.c, REPOSITORIES.c
    stmt = (
        select(COMMITS, r.root)
        .join(REPOSITORIES, r.id == c.repo_id)
        .where(c.authored_ms >= epoch_ms(start), c.authored_ms < epoch_ms(end))
        .order_by(c.authored_ms, c.sha)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
        files: dict[tuple[int, str], list[FileChange]] = defaultdict(list)
        if with_files and rows:
            f = COMMIT_FILES.c
            lo, hi = epoch_ms(start), epoch_ms(end)
            file_rows = conn.execute(
                select(f.repo_id, f.sha, f.path, f.old_path, f.added, f.deleted)
                .join(COMMITS, and_(c.repo_id == f.repo_id, c.sha == f.sha))
                .where(c.authored_ms >= lo, c.authored_ms < hi)
                .order_by(f.id)
            ).all()
            for repo_id, sha, path, old_path, added, deleted in file_rows:
                files[(repo_id, sha)].append(FileChange(path, added, deleted, old_path))
    return [_stored(row, tuple(files.get((row["repo_id"], row["sha"]), ()))) for row in rows]


def _stored(row: Mapping[str, Any], files: tuple[FileChange, ...]) -> RepoCommit:
    commit = Commit(
        sha=row["sha"],
        parents=tuple(row["parents"].split()),
        author_name=row["author_name"],
        author_email=row["author_email"],
        authored_at=row["authored_ms"] / 1000,
        author_offset=row["author_offset"],
        committer_name=row["committer_name"],
        committer_email=row["committer_email"],
        committed_at=row["committed_ms"] / 1000,
        committer_offset=row["committer_offset"],
        message=row["message"],
        files=files,
    )
    return RepoCommit(row["root"], row["branch"], bool(row["reachable"]), commit)


def load_checkouts(engine: Engine, start: float, end: float) -> list[RepoCheckout]:
    c, r = CHECKOUTS.c, REPOSITORIES.c
    stmt = (
        select(r.root, c.at_ms, c.from_ref, c.to_ref, c.sha)
        .join(REPOSITORIES, r.id == c.repo_id)
        .where(c.at_ms >= epoch_ms(start), c.at_ms < epoch_ms(end))
        .order_by(c.at_ms)
    )
    with engine.connect() as conn:
        return [
            RepoCheckout(root, Checkout(at / 1000, old, new, sha))
            for root, at, old, new, sha in conn.execute(stmt).all()
        ]


def repository_emails(engine: Engine) -> dict[str, str | None]:
    """root → ``user.email`` of every ingested repository."""
    with engine.connect() as conn:
        return dict(conn.execute(select(REPOSITORIES.c.root, REPOSITORIES.c.user_email)).all())


def write_task(engine: Engine, task: TaskMark) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(TASKS).values(
                set_ms=epoch_ms(task.set_at),
                project=task.project,
                branch=task.branch,
                title=task.title,
                kind=task.kind,
            )
        )


def load_tasks(engine: Engine, end: float) -> list[TaskMark]:
    """Tasks set by hand before ``end``, oldest first."""
    t = TASKS.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.set_ms, t.project, t.branch, t.title, t.kind)
            .where(t.set_ms < epoch_ms(end))
            .order_by(t.set_ms)
        ).all()
    return [TaskMark(s / 1000, p, b, title, kind) for s, p, b, title, kind in rows]


def history_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
            for name, table in (
                ("repositories", REPOSITORIES),
                ("commits", COMMITS),
                ("checkouts", CHECKOUTS),
                ("tasks", TASKS),
            )
        }


def write_branches(engine: Engine, repo_id: int, labels: Mapping[str, str]) -> None:
    """Name the branch commits were made on (inferred after their rows were written)."""
    with engine.begin() as conn:
        mark = _positional_mark(conn)
        if mark is None:
            from sqlalchemy import bindparam

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
    """Every git-history table, row by row, for ``devfocus export`` (camelCase keys)."""
    out = []
    with engine.connect() as conn:
        for name, table in (
            ("repositories", REPOSITORIES),
            ("commits", COMMITS),
            ("commitFiles", COMMIT_FILES),
            ("checkouts", CHECKOUTS),
            ("tasks", TASKS),
        ):
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            out.append((name, [{camel_case(k): v for k, v in row.items()} for row in rows]))
    return out
