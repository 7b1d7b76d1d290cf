"""Merging the git history of an export (``devfocus export``'s JSON, made on another machine
say) into this database's tables: repositories by their root, commits by their sha (with their
files), checkouts by moment and target, tasks by their content. Idempotent: a row already here
is counted, not written again.

SQLAlchemy is imported by the functions that write, as in :mod:`devfocus.store.gitstore`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

MAX_ID = 2**63 - 1  # the largest value of a 64-bit integer column
# The git-history tables of a JSON export that are merged, in the order export writes them.
MERGED_TABLES = ("repositories", "commits", "commitFiles", "checkouts", "tasks")


class Tally(Protocol):
    """Where the rows of one table are counted, by what the merge did with them."""

    new: int
    present: int

    def refuse(self, reason: str) -> None: ...


class _InvalidRow(ValueError):
    """A row of the export that does not fit its table: what is wrong with it."""


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


class HistoryMerge:
    """The git-history tables merged idempotently: repositories by root, commits by (repository,
    sha), the files of a commit that has none here, checkouts by (repository, moment, target),
    tasks by their content. Repository ids differ between databases: the export's are mapped to
    this database's."""

    def __init__(self, max_text: int) -> None:
        self.max_text = max_text  # characters, in a text column of no length of its own
        self.repos: dict[int, int] = {}  # the export's repository id → this database's
        self.files_wanted: dict[tuple[int, str], bool] = {}  # (repo here, sha) → take its files

    def merge(self, engine: Engine, table: str, items: list[Any], counts: Tally) -> None:
        from devfocus.store import tables
        from devfocus.store.engine import writing

        target = {
            "repositories": tables.REPOSITORIES,
            "commits": tables.COMMITS,
            "commitFiles": tables.COMMIT_FILES,
            "checkouts": tables.CHECKOUTS,
            "tasks": tables.TASKS,
        }[table]
        rows: list[dict[str, Any]] = []
        for item in items:
            try:
                rows.append(_table_row(target, item, self.max_text))
            except _InvalidRow as invalid:
                counts.refuse(f"{table}: {invalid}")
        if not rows:
            return
        with writing(engine) as conn:
            getattr(self, f"_{_snake(table)}")(conn, target, rows, counts)

    def _local(self, row: dict[str, Any], counts: Tally, what: str) -> int | None:
        repo = self.repos.get(row["repo_id"])
        if repo is None:
            counts.refuse(f"{what}: its repository (id {row['repo_id']}) is not in the export")
        return repo

    def _repositories(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Tally
    ) -> None:
        from sqlalchemy import insert, select

        for row in rows:
            if row["id"] is None:
                counts.refuse(f"repository {row['root']}: id is missing")
                continue
            found = conn.execute(select(table.c.id).where(table.c.root == row["root"])).scalar()
            if found is None:
                # No tips: the next ingestion here reads the repository's history whole (the
                # commits merged now are found stored, not written twice).
                values = {k: row[k] for k in ("root", "git_dir", "user_email")}
                inserted = conn.execute(insert(table).values(**values, tips="{}", imported_ms=0))
                found = inserted.inserted_primary_key[0]  # type: ignore[index]
                counts.new += 1
            else:
                counts.present += 1
            self.repos[row["id"]] = int(found)

    def _commits(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Tally
    ) -> None:
        from devfocus.store.gitstore import insert_rows

        keyed: dict[tuple[int, str], dict[str, Any]] = {}
        for row in rows:
            repo = self._local(row, counts, f"commit {row['sha']}")
            if repo is not None:
                keyed[(repo, row["sha"])] = {**row, "repo_id": repo}
        stored = _stored_keys(conn, table, list(keyed))
        columns = [c.name for c in table.columns]
        fresh = [tuple(row[c] for c in columns) for k, row in keyed.items() if k not in stored]
        if fresh:
            insert_rows(conn, table, columns, fresh)
        counts.new += len(fresh)
        counts.present += len(keyed) - len(fresh)

    def _commit_files(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Tally
    ) -> None:
        from devfocus.store.gitstore import insert_rows
        from devfocus.store.tables import COMMITS

        keyed: list[tuple[tuple[int, str], dict[str, Any]]] = []
        for row in rows:
            repo = self._local(row, counts, f"a file of commit {row['sha']}")
            if repo is not None:
                keyed.append(((repo, row["sha"]), row))
        undecided = list({key for key, _ in keyed if key not in self.files_wanted})
        if undecided:
            commits = _stored_keys(conn, COMMITS, undecided)
            with_files = _stored_keys(conn, table, undecided)
            for key in undecided:
                self.files_wanted[key] = key in commits and key not in with_files
        columns = [c.name for c in table.columns if c.name != "id"]
        fresh = []
        for key, row in keyed:
            if self.files_wanted[key]:
                fresh.append(tuple({**row, "repo_id": key[0]}[c] for c in columns))
            else:
                counts.present += 1
        if fresh:
            insert_rows(conn, table, columns, fresh)
        counts.new += len(fresh)

    def _checkouts(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Tally
    ) -> None:
        from sqlalchemy import insert, select

        mine = []
        for row in rows:
            repo = self._local(row, counts, f"checkout of {row['to_ref']}")
            if repo is not None:
                mine.append({**row, "repo_id": repo})
        seen: set[tuple[Any, ...]] = set()
        moments = sorted({r["at_ms"] for r in mine})
        for i in range(0, len(moments), 500):
            seen.update(
                tuple(found)
                for found in conn.execute(
                    select(table.c.repo_id, table.c.at_ms, table.c.to_ref).where(
                        table.c.at_ms.in_(moments[i : i + 500])
                    )
                )
            )
        fresh = []
        for row in mine:
            key = (row["repo_id"], row["at_ms"], row["to_ref"])
            if key in seen:
                counts.present += 1
                continue
            seen.add(key)
            fresh.append({c: row[c] for c in ("repo_id", "at_ms", "from_ref", "to_ref", "sha")})
        if fresh:
            conn.execute(insert(table), fresh)
        counts.new += len(fresh)

    def _tasks(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Tally
    ) -> None:
        from sqlalchemy import insert, select

        content = ("set_ms", "project", "branch", "title", "kind", "ref")
        seen: set[tuple[Any, ...]] = set()
        moments = sorted({r["set_ms"] for r in rows})
        for i in range(0, len(moments), 500):
            found = conn.execute(
                select(*(table.c[c] for c in content)).where(
                    table.c.set_ms.in_(moments[i : i + 500])
                )
            )
            seen.update(tuple(v or None for v in row) for row in found)
        fresh = []
        for row in rows:
            key = tuple(row[c] or None for c in content)
            if key in seen:
                counts.present += 1
                continue
            seen.add(key)
            fresh.append({c: row[c] for c in content})
        if fresh:
            conn.execute(insert(table), fresh)
        counts.new += len(fresh)


def _stored_keys(
    conn: Connection, table: Table, keys: list[tuple[int, str]]
) -> set[tuple[int, str]]:
    """Those of the (repo_id, sha) ``keys`` that ``table`` has a row of."""
    from sqlalchemy import select

    by_repo: dict[int, list[str]] = {}
    for repo, sha in keys:
        by_repo.setdefault(repo, []).append(sha)
    found: set[tuple[int, str]] = set()
    for repo, shas in by_repo.items():
        for i in range(0, len(shas), 500):  # below every database's bound-parameter limit
            query = (
                select(table.c.sha)
                .where(table.c.repo_id == repo, table.c.sha.in_(shas[i : i + 500]))
                .distinct()
            )
            found.update((repo, sha) for sha in conn.execute(query).scalars())
    return found


def _table_row(table: Table, item: Any, max_text: int) -> dict[str, Any]:
    """A history row of the export (camelCase keys) as the table's row, its values checked
    against the columns' types (``max_text`` characters at most in a column of no length of its
    own); ``_InvalidRow`` when one is missing or of the wrong type."""
    from sqlalchemy import Boolean, Integer, String, Text

    if not isinstance(item, Mapping):
        raise _InvalidRow("a row that is not an object")
    row: dict[str, Any] = {}
    for column in table.columns:
        key = _camel(column.name)
        value = item.get(key)
        if value is None:
            if not column.nullable and not (column.primary_key and column.autoincrement is True):
                raise _InvalidRow(f"{key} is missing")
        elif isinstance(column.type, Boolean):
            if value not in (True, False, 0, 1):
                raise _InvalidRow(f"{key} is not true or false")
            value = bool(value)
        elif isinstance(column.type, Integer):
            if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_ID:
                raise _InvalidRow(f"{key} is not an integer")
        elif isinstance(column.type, (String, Text)):
            limit = getattr(column.type, "length", None) or max_text
            if not isinstance(value, str) or len(value) > limit or "\x00" in value:
                raise _InvalidRow(f"{key} is not text of at most {limit:,} characters")
        row[column.name] = value
    return row


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
