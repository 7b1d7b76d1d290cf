"""Activity tracking as a service: the tracker on the event loop, the rest on one store thread.

The event loop only touches the :class:`Tracker` (O(1) per notification). Every few seconds its
records go to the store thread, which places them, writes them and answers status and report
queries. The database is opened (SQLAlchemy imported, schema migrated) on that thread after
``initialize`` has been answered, so start-up costs little more than a bare pygls server's.

A database that fails (locked, read-only, corrupt, unreachable) is reported once through
``on_problem``; tracking carries on in memory (bounded) and writes are retried with backoff until
they succeed, which is reported through ``on_recovered``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ParamSpec, TypedDict, TypeVar

from devfocus.activity.tracker import COALESCE_GAP, Record, Tracker
from devfocus.config import Settings, database_url

if TYPE_CHECKING:
    from devfocus.activity.records import Activity, TaskMark
    from devfocus.activity.status import Status
    from devfocus.activity.timeline import Timeline
    from devfocus.app.focusblocks import LiveFocus
    from devfocus.app.recorder import Recorder
    from devfocus.app.taskbook import CatalogCache
    from devfocus.app.trustgate import TrustGate
    from devfocus.app.userdata import Erased, Exported
    from devfocus.insights.focusreport import Report
    from devfocus.insights.periods import Period
    from devfocus.store.database import Database
    from devfocus.store.errors import StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")

FLUSH_INTERVAL = 2.0  # seconds between writes while there is activity (kill -9 loses at most this)
RETRY_MAX = 30.0  # seconds: the longest wait between attempts on a failing database
STATUS_LOOKBACK = 12 * 3600  # how far back the live status looks for the current session


class TaskSet(TypedDict):
    """The task :meth:`TrackingService.set_task` set, and where (the command's result)."""

    title: str | None  # None: the task was cleared
    kind: str | None
    project: str | None
    branch: str | None


class TrackingService:
    def __init__(
        self,
        settings: Settings,
        *,
        on_problem: Callable[[StoreError], None] = lambda error: None,
        on_recovered: Callable[[int], None] = lambda written: None,
        clock: Callable[[], float] = time.time,
        trust: TrustGate | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.trust = trust  # branch names are read only from repositories it allows
        self.source = os.urandom(8).hex()
        self.editor: str | None = None
        self.tracker = Tracker()
        self._on_problem = on_problem
        self._on_recovered = on_recovered
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="devfocus-store")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._roots: tuple[str, ...] = ()
        self._catalog: CatalogCache | None = None
        self._closed = False
        # Store-thread state: touched only by functions running on self._executor.
        self._database: Database | None = None
        self._recorder: Recorder | None = None
        self.problem: StoreError | None = None
        self._failures = 0
        self._retry_at = 0.0
        self.prime(settings, ())

    # -- lifecycle (event loop) -------------------------------------------------------------
    def prime(self, settings: Settings, roots: Iterable[str]) -> None:
        """Settings and workspace roots known before :meth:`start` (from ``initialize``)."""
        self.settings = settings
        self._roots = tuple(roots)
        self.tracker.coalesce_gap = min(settings.sessions.idle_timeout_minutes * 60, COALESCE_GAP)
        self.tracker.bulk_lines = settings.insights.bulk_lines  # applies from the next change

    def start(self) -> None:
        """Begin periodic writing; call from the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._flush_periodically())
        self._executor.submit(self._open_database)

    def close(self, timeout: float = 10.0) -> None:
        """Write everything still in memory; safe to call more than once and off the loop."""
        if self._closed:
            return
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.tracker.window_state(False, self.clock())  # the window is going away
        records = self.tracker.drain(self.clock())
        try:
            self._executor.submit(self._write, records, True).result(timeout)
        except Exception:
            log.exception("could not write the last activity before exiting")
        self._executor.submit(self._close_database)
        self._executor.shutdown(wait=True, cancel_futures=False)

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_INTERVAL)
            if self.tracker.has_records() or self._retry_due():
                try:
                    await self.flush()
                except RuntimeError:  # the executor shut down under us: exiting
                    return

    def _retry_due(self) -> bool:
        recorder = self._recorder
        return recorder is not None and len(recorder) > 0 and self.clock() >= self._retry_at

    # -- from the event loop -----------------------------------------------------------------
    async def flush(self) -> None:
        await self._in_store(self._write, self.tracker.drain(self.clock()))

    async def status(self) -> Status:
        now = self.clock()
        return await self._in_store(self._status, self.tracker.drain(now), now, self.tracker.paused)

    async def report(
        self,
        period: str | Period,
        *,
        project: str | None = None,
        compare: bool = False,
        redact: bool = False,
    ) -> tuple[Report, Report | None]:
        """The report of ``period`` (a name or resolved dates), and with ``compare`` the report
        of the period of as many days before it; ``redact``: names behind aliases."""
        now = self.clock()
        records = self.tracker.drain(now)
        return await self._in_store(
            self._report, records, now, period, project, compare=compare, redact=redact
        )

    async def on_store(self, fn: Callable[[Database, list[Activity], float], T]) -> T:
        """``fn(database, unwritten activity, now)`` on the store thread, once what the tracker
        holds is written (tasks, links and switch notes are read and written this way)."""
        now = self.clock()

        def run(records: list[Record]) -> T:
            self._write(records)
            return fn(self._ensure_database(), self._unwritten(), now)

        return await self._in_store(run, self.tracker.drain(now))

    def project_of(self, path: str | None) -> str | None:
        """The project root of ``path``, else of the first workspace folder."""
        locator = self._ensure_recorder().locator
        root = locator.project_root(path) if path else None
        if root is None and self._roots:
            root = locator.project_root(self._roots[0])
        return root

    async def configure(self, settings: Settings, roots: Iterable[str] | None = None) -> None:
        """Apply new settings (and workspace roots): exclusions, timeouts, database."""
        self.prime(settings, self._roots if roots is None else roots)
        await self._in_store(self._reconfigure, settings, self._roots)

    async def _in_store(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def _notify(self, callback: Callable[[], None]) -> None:
        """Runs ``callback`` on the event loop (from the store thread)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(callback)

    # -- store thread ------------------------------------------------------------------------
    def _ensure_recorder(self) -> Recorder:
        if self._recorder is None:
            from devfocus.app.locate import Locator
            from devfocus.app.recorder import Recorder

            may_read = self.trust.allows if self.trust is not None else None
            locator = Locator(self._roots, self.settings.tracking.exclude, may_read=may_read)
            self._recorder = Recorder(locator, source=self.source, editor=self.editor)
        return self._recorder

    def _ensure_database(self) -> Database:
        if self._database is None:
            from devfocus.store.database import Database

            self._database = Database(database_url(self.settings))
        return self._database

    def _open_database(self) -> None:
        """Open (and migrate) early, so a broken database is reported before the first write."""
        self._ensure_recorder()
        self._attempt(lambda db: db.engine())

    def _close_database(self) -> None:
        unsaved = len(self._recorder) if self._recorder is not None else 0
        if unsaved and self.problem is not None:
            log.warning(
                "%d activity records were not saved before exiting: %s",
                unsaved,
                self.problem.message,
            )
        if self._database is not None:
            self._database.close()

    def _reconfigure(self, settings: Settings, roots: tuple[str, ...]) -> None:
        recorder = self._ensure_recorder()
        recorder.locator.configure(roots, settings.tracking.exclude)
        url = database_url(settings)
        if self._database is not None and self._database.url != url:
            log.info("activity database changed to %s", _display(url))
            self._database.close()
            self._database = None
            self.problem = None
            self._failures = 0
            self._retry_at = 0.0
            self._open_database()

    def _write(self, records: list[Record], force: bool = False) -> None:
        recorder = self._ensure_recorder()
        recorder.editor = self.editor
        recorder.add(records)
        if len(recorder) and (force or self.clock() >= self._retry_at):
            self._attempt(recorder.write)

    def _attempt(self, operation: Callable[[Database], object]) -> bool:
        from devfocus.store.errors import StoreError

        database = self._ensure_database()
        try:
            result = operation(database)
        except StoreError as error:
            self._failures += 1
            self._retry_at = self.clock() + min(RETRY_MAX, 2.0**self._failures)
            if self.problem is None or self.problem.kind != error.kind:
                log.warning("activity database problem: %s", error.message)
                self._notify(functools.partial(self._on_problem, error))
            self.problem = error
            return False
        if self.problem is not None:
            written = result if isinstance(result, int) else 0
            log.info("activity database available again: %s", database.display)
            self._notify(functools.partial(self._on_recovered, written))
        self.problem = None
        self._failures = 0
        self._retry_at = 0.0
        return True

    def _unwritten(self) -> list[Activity]:
        return self._recorder.unwritten() if self._recorder is not None else []

    def _status(self, records: list[Record], now: float, paused: bool) -> Status:
        from devfocus.activity.status import compute_status
        from devfocus.insights.commitfacts import current_task
        from devfocus.timeutil import local_date, midnight

        day_start = midnight(local_date(now))
        since = min(day_start, now - STATUS_LOOKBACK)
        timeline = self._timeline(records, since, now, "status")
        sessions = self.settings.sessions
        status = compute_status(
            timeline,
            now=now,
            day_start=day_start,
            idle_timeout=sessions.idle_timeout_minutes * 60,
            deep_work=sessions.deep_work_minutes * 60,
            paused=paused,
        )
        status = replace(status, task=current_task(status.context, self._task_marks(now)))
        return self.focus.extend(self._task_details(status), timeline, now, day_start)

    @property
    def catalog(self) -> CatalogCache:
        """The imported issues, for the status's task (made with the first use: the server's
        start-up does not load the task rules)."""
        if self._catalog is None:
            from devfocus.app.taskbook import CatalogCache

            self._catalog = CatalogCache()
        return self._catalog

    def _task_details(self, status: Status) -> Status:
        """The status's task as the imported issue it names, with its links; the reason given
        for the last switch."""
        from devfocus.app.taskbook import with_task_details
        from devfocus.store.errors import StoreError

        if not self._readable() or (status.task is None and status.last_switch is None):
            return status
        try:
            return self._ensure_database().run(
                lambda engine: with_task_details(engine, status, self.catalog)
            )
        except StoreError as error:
            log.debug("status without imported tasks: %s", error.message)
            return status

    def _timeline(self, records: list[Record], since: float, now: float, what: str) -> Timeline:
        """All activity from ``since`` to ``now`` after ``records`` are written: what is stored
        and what is not written yet. Without the stored part (logged, for ``what``) when the
        database cannot be read."""
        from devfocus.activity.timeline import build_timeline
        from devfocus.store.errors import StoreError
        from devfocus.store.events import load_activities

        self._write(records)
        stored: list[Activity] = []
        if self._readable():
            try:
                stored = self._ensure_database().run(
                    lambda engine: load_activities(engine, since, now + 1)
                )
            except StoreError as error:
                log.debug("%s without stored activity: %s", what, error.message)
        sessions = self.settings.sessions
        return build_timeline(
            [*stored, *self._unwritten()],
            idle_timeout=sessions.idle_timeout_minutes * 60,
            deep_work=sessions.deep_work_minutes * 60,
        )

    def _readable(self) -> bool:
        """Whether to try reading the database: one that cannot be written can often still be
        read; one out of reach would only add its connect timeout to every status."""
        return self.problem is None or self.problem.kind != "unreachable"

    def _task_marks(self, now: float) -> list[TaskMark]:
        from devfocus.store.errors import StoreError
        from devfocus.store.gitstore import load_tasks

        if not self._readable():
            return []
        try:
            return self._ensure_database().run(lambda engine: load_tasks(engine, now + 1))
        except StoreError as error:
            log.debug("status without hand-set tasks: %s", error.message)
            return []

    def _report(
        self,
        records: list[Record],
        now: float,
        period: str | Period,
        project: str | None,
        *,
        compare: bool,
        redact: bool,
    ) -> tuple[Report, Report | None]:
        from devfocus.app.reporting import make_reports
        from devfocus.insights.periods import resolve_period

        recorder = self._ensure_recorder()
        self._write(records)
        return make_reports(
            self._ensure_database(),
            period if not isinstance(period, str) else resolve_period(period, now),
            self.settings,
            now=now,
            project=recorder.locator.project_root(project) if project else None,
            unwritten=self._unwritten(),
            compare=compare,
            redact=redact,
        )

    # -- all of the user's data ----------------------------------------------------------------
    async def check_export(self, path: str) -> None:
        """Raises :class:`~devfocus.app.userdata.ExportRefused` for a path no export may write."""
        from devfocus.app.userdata import check_target

        await self._in_store(lambda: check_target(self._ensure_database(), path))

    async def export(
        self, fmt: str, path: str, progress: Callable[[int, int], object] | None = None
    ) -> Exported:
        """Everything recorded up to now, buffered activity included, to ``path``.
        ``progress(done, total)`` runs on the store thread (see
        :func:`~devfocus.app.userdata.export_to_file`)."""
        records = self.tracker.drain(self.clock())
        return await self._in_store(self._export, records, fmt, path, progress)

    def _export(
        self,
        records: list[Record],
        fmt: str,
        path: str,
        progress: Callable[[int, int], object] | None,
    ) -> Exported:
        from devfocus.app.userdata import export_to_file
        from devfocus.store.errors import StoreError

        self._write(records, force=True)
        if len(self._ensure_recorder()):
            problem = self.problem
            reason = f": {problem.message}" if problem is not None else ""
            raise StoreError(
                problem.kind if problem is not None else "other",
                f"the activity recorded so far could not be saved first{reason}",
            )
        return export_to_file(self._ensure_database(), fmt, path, progress)

    async def delete_all(self) -> Erased:
        """Erases every event and all git history, and the activity not written yet (the open
        spans too, so nothing recorded before comes back); returns what was erased."""
        records = self.tracker.drain(self.clock())
        self.tracker.forget()
        return await self._in_store(self._delete_all, records)

    def _delete_all(self, records: list[Record]) -> Erased:
        from devfocus.app.userdata import Erased, delete_all

        self._write(records, force=True)  # written first, so that it is counted like the rest
        recorder = self._ensure_recorder()
        erased = delete_all(self._ensure_database())
        unwritten = len(recorder)  # the database took the erasure but not these rows
        recorder.clear()
        if unwritten:
            erased = Erased({**erased.counts, "events": erased.events + unwritten})
        return erased

    # -- focus blocks, goals and nudges ----------------------------------------------------------
    @functools.cached_property
    def focus(self) -> LiveFocus:
        """The shared focus block, goal progress and nudges (app/focusblocks.py)."""
        # Deferred: loaded with the first status or focus command, not while the server starts.
        from devfocus.app.focusblocks import LiveFocus

        return LiveFocus(self)

    # -- docstring debt over time ----------------------------------------------------------------
    async def keep_docstring_debt(self, project: str, undocumented: int, definitions: int) -> None:
        """Keep today's docstring debt of ``project`` (a root) for the insights' trend; a
        database that cannot be written loses only this snapshot."""
        now = self.clock()

        def on_store() -> None:
            from devfocus.store.errors import StoreError
            from devfocus.store.insighthistory import save_debt
            from devfocus.timeutil import local_date

            day = local_date(now).isoformat()
            try:
                self._ensure_database().run(
                    lambda engine: save_debt(engine, project, day, now, undocumented, definitions)
                )
            except StoreError as error:
                log.debug("docstring debt of %s not kept: %s", project, error.message)

        await self._in_store(on_store)

    # -- answers of AI models ----------------------------------------------------------------------
    async def load_ai_answer(self, key: str) -> dict[str, Any] | None:
        """The model's answer kept under ``key`` (see devfocus.ai.cachekey), if any."""

        def on_store() -> dict[str, Any] | None:
            from devfocus.store.aicache import load_answer

            return self._ensure_database().read(lambda source: load_answer(source, key))

        return await self._in_store(on_store)

    async def keep_ai_answer(
        self, key: str, kind: str, data: dict[str, Any], provider: str, model: str
    ) -> None:
        """Keep a model's answer under ``key``; a database that cannot be written loses only
        the saving (the answer is asked again next time)."""
        now = self.clock()

        def on_store() -> None:
            from devfocus.store.aicache import save_answer

            self._ensure_database().run(
                lambda engine: save_answer(engine, key, kind, data, provider, model, now)
            )

        await self._in_store(on_store)

    # -- the hand-set task ---------------------------------------------------------------------
    async def set_task(
        self, title: str, kind: str | None, project: str | None, ref: str | None = None
    ) -> TaskSet:
        """Set (or with an empty title and no ref, clear) the task of a project until its
        branch changes: ``project`` is a path, else the first workspace folder. A ``ref`` that
        names an imported issue gives the title and kind they leave out."""
        return await self._in_store(self._set_task, title, kind, project, ref, self.clock())

    def _set_task(
        self, title: str, kind: str | None, project: str | None, ref: str | None, now: float
    ) -> TaskSet:
        from devfocus.activity.records import TaskMark
        from devfocus.store.gitstore import write_task

        database = self._ensure_database()
        root = self.project_of(project)
        branch = self._ensure_recorder().locator.branch_of(root) if root else None
        if ref is not None:
            issue = database.read(self.catalog.get).find(ref, root)
            if issue is not None:
                title, kind = title or issue.title, kind or issue.kind
            title = title or ref
        task = TaskMark(now, root, branch, title, kind if title else None, ref if title else None)
        database.run(lambda engine: write_task(engine, task))
        return TaskSet(title=title or None, kind=task.kind, project=root, branch=branch)

    # -- focus time per file ---------------------------------------------------------------------
    async def files_focus(self, since: float) -> dict[str, float]:
        """Focus seconds per file (absolute POSIX path) from ``since`` until now, counted as
        reports count them: one timeline of all activity, for the ranking of files."""
        now = self.clock()

        def on_store(records: list[Record]) -> dict[str, float]:
            from devfocus.insights.focusreport import LOOKBACK_SECONDS
            from devfocus.insights.hotspots import focus_by_file

            timeline = self._timeline(records, since - LOOKBACK_SECONDS, now, "files' focus")
            return focus_by_file(timeline.segments, since, now)

        return await self._in_store(on_store, self.tracker.drain(now))


def _display(url: str) -> str:
    from devfocus.store.engine import display_url

    return display_url(url)
