"""Tasks from the trackers in the editor: ``devfocus.issues.sync`` (and a sync on start, at most
every ``devfocus.issues.syncMinutes``), ``devfocus.tasks.list``, ``devfocus.task.link`` and
``devfocus.switch.annotate``.

Syncing runs on a thread of its own with its own database connection: the event loop only
reports its progress. Without a network (or with a refused token) one message says why, and
what was synced before stays.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import ISSUES_SYNC, SWITCH_ANNOTATE, TASK_LINK, TASKS_LIST
from devfocus.lsp.progress import WorkDoneProgress, current_request
from devfocus.lsp.wire import JsonValue, to_json

if TYPE_CHECKING:
    from devfocus.app.issuesync import Progress, SyncOutcome, SyncTarget
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)


class TasksFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        server.command(ISSUES_SYNC)(handler(self.sync_command))
        server.command(TASKS_LIST)(handler(self.list_command))
        server.command(TASK_LINK)(handler(self.link_command))
        server.command(SWITCH_ANNOTATE)(handler(self.annotate_command))
        self._syncing = asyncio.Lock()
        self._background: asyncio.Task[None] | None = None
        self._last_problem: str | None = None
        self._started = False  # the services run: a sync may start

    # -- life cycle ------------------------------------------------------------------------------
    async def initialized(self) -> None:
        self._started = True
        self._sync_soon()

    def settings_changed(self) -> None:
        # A tracker turned on (or trust given) while the server runs syncs as a start would.
        self._sync_soon()

    def _sync_soon(self) -> None:
        """Starts the sync a start makes (when it is due), unless one is on its way."""
        issues = self.server.settings.issues
        if not self._started or not (issues.github.enabled or issues.jira.url.strip()):
            return
        if self._background is None or self._background.done():
            self._background = asyncio.create_task(self._sync_when_due())

    def shutdown(self) -> None:
        if self._background is not None:
            self._background.cancel()

    async def _sync_when_due(self) -> None:
        # Deferred, for start-up time: the importers load with the first sync.
        from devfocus.app.issuesync import due, sync_records

        try:
            targets, _ = await asyncio.to_thread(self._plan)
            if not targets:
                return
            records = await self.server.tracking.on_store(
                lambda database, _unwritten, _now: sync_records(database)
            )
            minutes = self.server.settings.issues.sync_minutes
            if not due(records, targets, self.server.tracking.clock(), minutes):
                log.info(
                    "issues: the last sync on start was within %g minutes "
                    "(devfocus.issues.syncMinutes): not syncing now",
                    minutes,
                )
                return
            async with self._syncing:
                outcome = await self._run(targets, False, threading.Event(), None)
            self._announce(outcome, quiet=True)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("issues: the sync on start failed")

    # -- commands -------------------------------------------------------------------------------
    async def sync_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import IssueSyncArguments, IssueSyncResult

        try:
            options = IssueSyncArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        request = current_request(self.server)
        targets, reason = await asyncio.to_thread(self._plan)
        if not targets:
            return to_json(IssueSyncResult((), False, reason))
        supported = bool(self.server.client_supports("window.work_done_progress"))
        stop = threading.Event()
        async with (
            self._syncing,
            WorkDoneProgress(
                self.server, "Syncing issues", supported, "devfocus-issues"
            ) as progress,
        ):
            loop = asyncio.get_running_loop()

            def report(message: str, percentage: int | None) -> None:  # on the sync thread
                loop.call_soon_threadsafe(progress.report, message, percentage or 0)

            try:
                outcome = await progress.run(
                    self._run(targets, options.full, stop, report), request
                )
            finally:
                stop.set()  # a cancelled sync's thread stops at its next request
        if outcome is None:
            # Deferred, as above.
            from devfocus.app.issuesync import SyncOutcome

            outcome = SyncOutcome(cancelled=True)
        self._announce(outcome, quiet=False)
        return to_json(IssueSyncResult.of(outcome))

    async def list_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import TaskListArguments, TaskListResult, WireTask

        try:
            options = TaskListArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        # Deferred, for start-up time: the task book loads with the first list.
        from devfocus.app.taskbook import tasks_page

        settings = self.server.settings
        shown, total = await self.server.tracking.on_store(
            lambda database, unwritten, now: tasks_page(
                database,
                settings,
                now=now,
                limit=options.limit,
                query=options.query,
                kind=options.kind,
                state=options.state,
                unwritten=unwritten,
            )
        )
        return to_json(TaskListResult(tuple(WireTask.of(e) for e in shown), total))

    async def link_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import TaskLinkArguments, TaskLinkResult, WireLink

        try:
            options = TaskLinkArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        status = await self.server.tracking.status()
        task = status.task
        if task is None:
            raise JsonRpcInvalidParams(
                f"{TASK_LINK}: there is no current task to attach the page to: set one "
                "(devfocus.task.set, Pick Task) or work on a branch that names one"
            )
        project = options.project or (status.context.project if status.context else None)
        # Deferred, as above.
        from devfocus.app.taskbook import link_task

        links = await self.server.tracking.on_store(
            lambda database, _unwritten, now: link_task(
                database, task, project, options.url, options.title, now
            )
        )
        self.server.state_changed()
        wired = tuple(WireLink(k.url, k.title, k.source) for k in links)
        return to_json(TaskLinkResult(task.label, wired))

    async def annotate_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import SwitchAnnotateArguments, SwitchNoteResult
        from devfocus.timeutil import iso_utc

        try:
            options = SwitchAnnotateArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        status = await self.server.tracking.status()
        at: float | None = None
        project = status.context.project if status.context else None
        if options.at is not None:
            # Deferred: loaded with the first annotation of a named switch.
            from datetime import datetime

            at = datetime.fromisoformat(options.at.replace("Z", "+00:00")).timestamp()
        elif status.last_switch is not None:
            at, project = status.last_switch.at, status.last_switch.after.project
        if at is None:
            raise JsonRpcInvalidParams(
                f"{SWITCH_ANNOTATE}: there was no context switch in the last hour; name the "
                "switch with at (its time, ISO 8601)"
            )
        # Deferred, for start-up time: the task book loads with the first annotation.
        from devfocus.activity.records import SwitchNote
        from devfocus.app.taskbook import annotate_switch

        note = SwitchNote(at, project, options.reason, options.note)
        await self.server.tracking.on_store(
            lambda database, _unwritten, now: annotate_switch(database, note, now)
        )
        log.info("switch at %s annotated: %s", iso_utc(at), options.reason)
        self.server.state_changed()
        return to_json(SwitchNoteResult(iso_utc(at), options.reason, options.note, project))

    # -- syncing ---------------------------------------------------------------------------------
    def _plan(self) -> tuple[list[SyncTarget], str | None]:
        """What the settings ask to sync (on a worker thread: it reads the repositories'
        remotes with git)."""
        # Deferred, for start-up time: the importers load with the first sync.
        from devfocus.app.issuesync import plan
        from devfocus.git.repository import remote_urls
        from devfocus.git.runner import GitError

        settings = self.server.settings.issues
        remotes: dict[str, list[str]] = {}
        if settings.github.enabled:
            if not self.server.trust.trusted:
                log.info("issues: the workspace is not trusted: its remotes are not read")
            for repo in self.server.git.repositories():
                try:
                    remotes[repo.root.as_posix()] = remote_urls(repo)
                except GitError as error:
                    log.warning("issues: the remotes of %s: %s", repo.key, error)
        return plan(settings, remotes)

    async def _run(
        self,
        targets: list[SyncTarget],
        full: bool,
        stop: threading.Event,
        report: Progress | None,
    ) -> SyncOutcome:
        # Deferred, as above.
        from devfocus.app.datastore import open_database
        from devfocus.app.issuesync import IssueSync

        settings = self.server.settings

        def work() -> SyncOutcome:
            database = open_database(settings)
            try:
                sync = IssueSync(database, settings.issues, os.environ, cancelled=stop.is_set)
                return sync.run(targets, full=full, progress=report)
            finally:
                database.close()

        try:
            outcome = await asyncio.to_thread(work)
        except asyncio.CancelledError:
            stop.set()
            raise
        self.server.state_changed()  # the status's task may now be an imported issue
        return outcome

    def _announce(self, outcome: SyncOutcome, *, quiet: bool) -> None:
        """One message for what failed (a sync on start says it once, not again and again)."""
        problems = outcome.problems
        for result in outcome.syncs:
            log.info(
                "issues: %s %s: %d issues, %d pull requests, %d requests (%d unchanged), %.2f s%s",
                result.tracker,
                result.scope,
                result.issues,
                result.pulls,
                result.requests,
                result.not_modified,
                result.seconds,
                f": {result.error}" if result.error else "",
            )
        if not problems:
            self._last_problem = None
            return
        message = "; ".join(problems)
        if quiet and message == self._last_problem:
            return
        self._last_problem = message
        self.server.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Warning,
                message=f"DevFocus could not sync issues ({message}). What was synced before "
                "is kept.",
            )
        )
