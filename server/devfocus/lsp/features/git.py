"""Git history in the editor: the import command, live pickup of commits and checkouts, and
the hand-set task (``devfocus.task.set``)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import GIT_IMPORT, SET_TASK
from devfocus.lsp.progress import WorkDoneProgress
from devfocus.lsp.wire import JsonValue, to_json

if TYPE_CHECKING:
    from devfocus.app.gitsync import ImportResult as Imported
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)


class GitFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        server.git.on_change = self.history_changed
        server.git.on_problem = self.problem
        server.command(GIT_IMPORT)(handler(self.import_command))
        server.command(SET_TASK)(handler(self.set_task_command))

    # -- live ----------------------------------------------------------------------------------
    def history_changed(self, results: list[Imported]) -> None:
        for result in results:
            if result.new_commits or result.checkouts or result.unreachable:
                log.info(
                    "git: %s: %d new commits, %d checkouts, %d no longer on a branch",
                    result.root,
                    result.new_commits,
                    result.checkouts,
                    result.unreachable,
                )
        self.server.state_changed()

    def problem(self, message: str) -> None:
        self.server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=f"DevFocus: {message}")
        )

    # -- commands ------------------------------------------------------------------------------
    async def import_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import ImportResult, NotRead, RepositoryImport

        supported = bool(self.server.client_supports("window.work_done_progress"))
        async with WorkDoneProgress(
            self.server, "Importing git history", supported, "devfocus-git"
        ) as progress:
            loop = asyncio.get_running_loop()

            def report(done: int, total: int | None) -> None:
                percentage = min(100, done * 100 // total) if total else 0
                message = f"{done} of {total} commits" if total else f"{done} commits"
                loop.call_soon_threadsafe(progress.report, message, percentage)

            results = await self.server.git.import_all(report)
        self.server.state_changed()
        repositories = tuple(RepositoryImport.of(r) for r in results)
        trust = self.server.trust
        workspace = trust.workspace()
        if not workspace.allowed:  # not trusted, or git.trust `never`: nothing was looked at
            return to_json(ImportResult(repositories, reason=workspace.reason))
        not_read = tuple(NotRead(root, why) for root, why in trust.not_read())
        return to_json(ImportResult(repositories, not_read=not_read or None))

    async def set_task_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import TaskArguments, TaskResult

        try:
            options = TaskArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        task = await self.server.tracking.set_task(
            (options.title or "").strip(), options.kind, options.project, options.ref
        )
        self.server.state_changed()
        return to_json(TaskResult(**task))
