"""Git history as a service of the language server: imported once, then watched.

Git work runs on one git thread. After start-up each workspace repository is imported (only
what is new since the last run); then every :data:`POLL_INTERVAL` seconds a watch thread compares
a few file stamps (HEAD, its reflog, the current branch's ref, packed refs) and hands the git
thread an import only when one changed. A commit or checkout is visible within seconds, and
while nothing happens the cost is a handful of ``stat`` calls: the event loop never wakes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from devfocus.config import Settings, database_url
from devfocus.git.head import head_ref

if TYPE_CHECKING:
    from devfocus.app.gitsync import ImportResult, Ingester, Progress
    from devfocus.app.trustgate import TrustGate
    from devfocus.git.filestamp import Stamp
    from devfocus.git.repository import Repository

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")

POLL_INTERVAL = 2.0  # seconds between looks at the repositories' files


def stamp(repo: Repository) -> Stamp:
    """(mtime, size) of the files any commit, checkout, reset or fetch into a branch changes."""
    # Here, not at the top: the watch thread needs it, answering `initialize` does not.
    from devfocus.git.filestamp import stamp as stamp_files

    paths = [repo.git_dir / "HEAD", repo.git_dir / "logs" / "HEAD", repo.common_dir / "packed-refs"]
    paths.append(repo.common_dir / "refs" / "heads")
    ref = head_ref(repo.git_dir)
    if ref is not None:
        paths.append(repo.common_dir / ref)
    return stamp_files(paths)


class GitService:
    def __init__(
        self,
        settings: Settings,
        *,
        on_change: Callable[[list[ImportResult]], None] = lambda results: None,
        on_problem: Callable[[str], None] = lambda message: None,
        clock: Callable[[], float] = time.time,
        trust: TrustGate | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        if trust is None:
            from devfocus.app.trustgate import TrustGate

            trust = TrustGate()
        self.trust = trust  # only repositories it allows are imported and watched
        self._trust_generation = trust.generation
        self.on_change = on_change
        self.on_problem = on_problem
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="devfocus-git")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watcher: threading.Thread | None = None
        self._stop = threading.Event()
        self._roots: tuple[str, ...] = ()
        self._closed = False
        self._pending = threading.Event()  # a poll is queued on the git thread
        self._retry = threading.Event()  # an import failed on the database: poll again
        # Git-thread state.
        self._repos: list[Repository] | None = None  # None: discover again
        self._stamps: dict[str, Stamp] = {}
        self._ingester: Ingester | None = None
        self._problems: set[str] = set()

    # -- event loop ----------------------------------------------------------------------------
    def start(self, settings: Settings, roots: Iterable[str]) -> None:
        self.settings = settings
        self._roots = tuple(roots)
        self._trust_generation = self.trust.generation
        self._loop = asyncio.get_running_loop()
        self._queue_poll()  # the first poll imports what is new since the last run
        self._watcher = threading.Thread(target=self._watch, name="devfocus-git-watch", daemon=True)
        self._watcher.start()

    def configure(self, settings: Settings, roots: Iterable[str]) -> None:
        roots = tuple(roots)
        changed_url = database_url(settings) != database_url(self.settings)
        enabled_changed = settings.git.enabled != self.settings.git.enabled
        trust_changed = self.trust.generation != self._trust_generation
        self._trust_generation = self.trust.generation
        self.settings = settings
        if roots != self._roots or changed_url or enabled_changed or trust_changed:
            self._submit(self._forget, changed_url)
            if trust_changed and self._loop is not None:
                self._queue_poll()  # trust just granted: import now, not on the next round
        self._roots = roots

    @property
    def enabled(self) -> bool:
        """Whether history is read at all: the setting, and the workspace's trust."""
        return self.settings.git.enabled and self.trust.any_allowed

    async def import_all(self, progress: Progress | None = None) -> list[ImportResult]:
        """Import every workspace repository now (the ``devfocus.git.import`` command)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._import_all, progress)

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` on the git thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    @contextlib.asynccontextmanager
    async def erasing(self) -> AsyncIterator[None]:
        """Around erasing the stored git history: an import under way stops at its next commit
        and no other runs until the block ends. Then what this process read of the repositories
        (reflog positions, whose ``user.email`` was recorded) is forgotten, so that each one is
        read again in full on its next change, or by :meth:`import_all`; not at once, since the
        user has just asked for their history to go."""
        loop = asyncio.get_running_loop()
        held: asyncio.Future[None] = loop.create_future()
        release = threading.Event()
        ingester = self._ingester
        if ingester is not None:
            ingester.stopping.set()

        def hold() -> None:
            loop.call_soon_threadsafe(_resolve, held)
            try:
                release.wait()
            finally:
                self._drop_ingester()

        finished = loop.run_in_executor(self._executor, hold)
        try:
            await asyncio.wait({held, finished}, return_when=asyncio.FIRST_COMPLETED)
            if not held.done():  # the git thread failed before holding: say why
                await finished
            yield
        finally:
            release.set()
            await finished

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._ingester is not None:
            self._ingester.stopping.set()  # an import in progress ends at its next commit
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        self._executor.submit(self._close_database)
        self._executor.shutdown(wait=True, cancel_futures=True)

    # -- watch thread --------------------------------------------------------------------------
    def _watch(self) -> None:
        """Compare stamps on a thread of its own: while nothing changes, neither the event loop
        nor the git thread wakes up."""
        seen: dict[str, Stamp] = {}
        while not self._stop.wait(POLL_INTERVAL):
            repos = self._repos
            if not self.enabled or self._pending.is_set():
                continue
            if self._retry.is_set():  # the database failed during an import: try again
                self._retry.clear()
                seen = {}
            if self.trust.refresh():  # a refused repository is now the user's or safe
                self._submit(self._forget, False)
                self._queue_poll()
                continue
            if repos is None:  # not discovered yet (or forgotten after a settings change)
                self._queue_poll()
                continue
            current = {repo.key: stamp(repo) for repo in repos}
            if current != seen:
                seen = current
                self._queue_poll()

    def _queue_poll(self) -> None:
        self._pending.set()
        self._submit(self._poll_and_report)

    def _poll_and_report(self) -> None:
        self._pending.clear()
        try:
            results = self._poll()
        except Exception:
            log.exception("watching git repositories failed; trying again")
            return
        if results and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.on_change, results)

    def _submit(self, fn: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> None:
        if not self._closed:
            with contextlib.suppress(RuntimeError):  # shut down meanwhile
                self._executor.submit(fn, *args, **kwargs)

    # -- git thread ----------------------------------------------------------------------------
    def _ensure_ingester(self) -> Ingester:
        if self._ingester is None:
            from devfocus.app.gitsync import Ingester
            from devfocus.store.database import Database

            self._ingester = Ingester(Database(database_url(self.settings)), self.clock)
        return self._ingester

    def _close_database(self) -> None:
        if self._ingester is not None:
            self._ingester.database.close()

    def _drop_ingester(self) -> None:
        self._close_database()
        self._ingester = None

    def _forget(self, database_changed: bool) -> None:
        self._repos = None
        self._stamps.clear()
        if database_changed:
            self._drop_ingester()

    def repositories(self) -> list[Repository]:
        """The workspace's repositories that may be read (none while the workspace is not
        trusted); the others are named in the status by the trust gate."""
        if self._repos is None:
            if not self.trust.any_allowed:
                return []
            from devfocus.git.repository import find_repositories

            found = find_repositories([Path(r) for r in self._roots])
            self._repos = [r for r in found if self.trust.verdict(r.root, r.git_dir).allowed]
            refused = len(found) - len(self._repos)
            log.info(
                "git: %d repositories in the workspace%s",
                len(self._repos),
                f" ({refused} not read)" if refused else "",
            )
        return self._repos

    def _poll(self) -> list[ImportResult]:
        if not self.enabled:
            return []
        changed = []
        for repo in self.repositories():
            now = stamp(repo)
            if self._stamps.get(repo.key) != now:
                changed.append(repo)
                self._stamps[repo.key] = now
        return self._import(changed, None)

    def _import_all(self, progress: Progress | None) -> list[ImportResult]:
        repos = self.repositories()
        for repo in repos:
            self._stamps[repo.key] = stamp(repo)
        return self._import(repos, progress)

    def _import(self, repos: Sequence[Repository], progress: Progress | None) -> list[ImportResult]:
        from devfocus.git.runner import GitMissing, git_executable
        from devfocus.store.errors import StoreError

        if not repos:
            return []
        if git_executable() is None:
            self._problem(GitMissing().message)
            return []
        ingester = self._ensure_ingester()
        results = []
        for repo in repos:
            if ingester.stopping.is_set():  # exiting, or the history is being erased
                break
            try:
                result = ingester.ingest(repo, progress)
            except StoreError as error:
                # The activity side already tells the user about the database, once.
                self._stamps.pop(repo.key, None)
                self._retry.set()  # the watch asks again on its next round
                self._problem(f"git history of {repo.key} not saved: {error.message}", show=False)
                continue
            if ingester.stopping.is_set():
                break
            if result.problem is not None:
                self._problem(f"{repo.key}: {result.problem}")
            results.append(result)
        return results

    def _problem(self, message: str, *, show: bool = True) -> None:
        """Log a problem (and show it) once per distinct message."""
        if message in self._problems:
            return
        self._problems.add(message)
        log.warning("%s", message)
        if show and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.on_problem, message)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
