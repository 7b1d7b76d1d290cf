"""Git history into the store: one streaming ``git log`` per repository, incremental afterwards.

The first import reads every commit reachable from a local branch (and a detached HEAD). Later
imports pass the tips stored last time to ``git log --not``, so only new commits are read; when a
branch moved somewhere that does not contain its old tip (rebase, reset, force-push), the commits
no branch reaches any more are marked unreachable, never deleted. Checkouts come from the
``logs/HEAD`` reflog, read from where the last import stopped.

What is stored is read first without SQLAlchemy (:meth:`Database.read`); ``git log`` starts
before anything is written, so loading SQLAlchemy and opening the database overlap with git's
walk, and an import that finds nothing new never loads SQLAlchemy at all. Progress counts the
commits as they are read: no second walk of the history to count them first.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from devfocus.git.branches import Node, label_commits, main_branch
from devfocus.git.logstream import started_log
from devfocus.git.model import Commit
from devfocus.git.reflog import checkouts, commits_made_on_branches, parse_reflog, read_from
from devfocus.git.repository import Refs, Repository, read_refs, user_email
from devfocus.git.runner import GitError, run_git
from devfocus.store.database import Database
from devfocus.store.gitstore import (
    RepositoryState,
    ensure_repository,
    mark_unreachable,
    repository_state,
    save_tips,
    unseen_checkouts,
    write_checkouts,
    write_commits,
)

log = logging.getLogger(__name__)

BATCH = 1000  # commits per transaction: the write lock is never held for long
Progress = Callable[[int, int | None], None]  # (commits read, total if known)


class _Moved(Exception):
    """What is stored changed between reading it and writing (another import): start again."""


@dataclass
class ImportResult:
    root: str
    new_commits: int = 0
    unreachable: int = 0
    checkouts: int = 0
    seconds: float = 0.0
    problem: str | None = None


@dataclass
class _Seen:
    """What this process already read of a repository, so a poll costs next to nothing."""

    reflog_offset: int = 0
    tips: dict[str, str] = field(default_factory=dict)


class Ingester:
    """Imports repositories into one database; keeps per-repository reading positions."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self.clock = clock
        self._seen: dict[str, _Seen] = {}
        # Set from another thread: an import under way ends at its next commit, and no new one
        # reads commits (the server is exiting, or the stored history is being erased).
        self.stopping = threading.Event()

    def ingest(self, repo: Repository, progress: Progress | None = None) -> ImportResult:
        """Bring the store up to date with ``repo``; git and store failures end up in
        ``problem`` (the store's as a :class:`~devfocus.store.errors.StoreError` raised)."""
        started = time.perf_counter()
        result = ImportResult(repo.key)
        try:
            self._ingest(repo, result, progress)
        except GitError as error:
            result.problem = error.message
            log.warning("git history of %s not read: %s", repo.key, error.message)
        result.seconds = time.perf_counter() - started
        return result

    def _ingest(self, repo: Repository, result: ImportResult, progress: Progress | None) -> None:
        first_time = repo.key not in self._seen  # user.email is read once per process
        refs = read_refs(repo)
        tips = refs.tips()
        email = user_email(repo) if first_time else None
        known = self.database.read(
            lambda source: repository_state(source, repo.key), missing=lambda: None
        )
        if tips != (known.tips if known is not None else {}):
            repo_id = self._read_commits(repo, known, email, refs, result, progress)
            self.database.run(lambda engine: save_tips(engine, repo_id, tips, self.clock()))
        elif known is None or (email is not None and email != known.user_email):
            repo_id = self._ensure(repo, email).id
        else:
            repo_id = known.id  # nothing to write
        # Only once it is stored: a database locked at this moment must not lose user.email.
        seen = self._seen.setdefault(repo.key, _Seen())
        seen.tips = tips
        self._read_checkouts(repo, repo_id, seen, result)

    def _ensure(self, repo: Repository, email: str | None) -> RepositoryState:
        return self.database.run(
            lambda engine: ensure_repository(
                engine, repo.key, repo.git_dir.as_posix(), email, self.clock()
            )
        )

    def _read_commits(
        self,
        repo: Repository,
        known: RepositoryState | None,
        email: str | None,
        refs: Refs,
        result: ImportResult,
        progress: Progress | None,
    ) -> int:
        """Read and store the commits no stored tip reaches; returns the repository's id."""
        tips = refs.tips()
        revisions = ["--branches"] + (["HEAD"] if "HEAD" in tips else [])
        old_tips = known.tips if known is not None else {}
        while True:
            old = sorted(set(old_tips.values()))
            args = [*revisions, "--ignore-missing", "--not", *old] if old else revisions
            try:
                with started_log(repo.root, args) as commits:
                    # git walks the history meanwhile: the engine is set up (SQLAlchemy loaded,
                    # the schema checked or created) while it does.
                    state = self._ensure(repo, email)
                    if state.tips != old_tips:
                        raise _Moved  # leaving the block stops git
                    graph = self._store(state.id, commits, result, progress)
            except _Moved:
                log.info("%s: imported meanwhile by another process; reading again", repo.key)
                old_tips = state.tips
                continue
            break
        if graph:
            self._name_branches(repo, state.id, graph, refs)
        moved = [sha for name, sha in old_tips.items() if tips.get(name) != sha]
        if moved:
            gone = _unreachable(repo, moved, revisions)
            if gone:
                result.unreachable = self.database.run(
                    lambda engine: mark_unreachable(engine, state.id, gone)
                )
                log.info("%s: %d commits no longer on any branch", repo.key, result.unreachable)
        return state.id

    def _store(
        self,
        repo_id: int,
        commits: Iterator[Commit],
        result: ImportResult,
        progress: Progress | None,
    ) -> dict[str, Node]:
        """Write ``commits`` in batches; returns their graph (to name their branches)."""
        graph: dict[str, Node] = {}
        batch: list[Commit] = []
        done = 0

        def flush() -> None:
            nonlocal done
            result.new_commits += self.database.run(
                lambda engine: write_commits(engine, repo_id, batch, {})
            )
            done += len(batch)
            batch.clear()
            if progress is not None:
                progress(done, None)  # the total is not known: counting it is another walk

        try:
            for commit in commits:
                if self.stopping.is_set():
                    raise GitError("stopped before the end (the next import goes on)")
                graph[commit.sha] = Node.of(commit)
                batch.append(commit)
                if len(batch) >= BATCH:
                    flush()
        except GitError:
            if batch:  # what git read before failing (a corrupt object further back) is kept
                flush()
            raise
        if batch or progress is not None:
            flush()
        return graph

    def _name_branches(
        self, repo: Repository, repo_id: int, graph: dict[str, Node], refs: Refs
    ) -> None:
        from devfocus.store.gitstore import write_branches

        main = main_branch(sorted(refs.branches), refs.head_branch)
        known = commits_made_on_branches(repo.common_dir)
        labels = label_commits(graph, refs.branches, main=main, known=known)
        if labels:
            self.database.run(lambda engine: write_branches(engine, repo_id, labels))

    def _read_checkouts(
        self, repo: Repository, repo_id: int, seen: _Seen, result: ImportResult
    ) -> None:
        data, offset = read_from(repo.git_dir / "logs" / "HEAD", seen.reflog_offset)
        seen.reflog_offset = offset
        found = checkouts(list(parse_reflog(data)))
        if found:
            # Read first: the reflog read from its start again (a new process) is mostly stored.
            found = self.database.read(lambda source: unseen_checkouts(source, repo_id, found))
        if found:
            result.checkouts = self.database.run(
                lambda engine: write_checkouts(engine, repo_id, found)
            )


def _unreachable(repo: Repository, old: list[str], current: list[str]) -> list[str]:
    """Commits reachable from the old tips that no branch (or detached HEAD) reaches now."""
    out = run_git(repo.root, "rev-list", "--ignore-missing", *old, "--not", *current, "--")
    return out.decode("ascii", "replace").split()


def ingest_path(
    database: Database, path: Path | str, progress: Progress | None = None
) -> list[ImportResult]:
    """Import every repository at or under ``path`` (the CLI's ``devfocus import``)."""
    from devfocus.git.repository import find_repositories

    ingester = Ingester(database)
    return [ingester.ingest(repo, progress) for repo in find_repositories([Path(path)])]
