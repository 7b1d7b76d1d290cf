"""Git history in the editor: the import command, live pickup of commits and checkouts, and
the hand-set task (``devfocus.task.set``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from devfocus.lsp.handlers import capability, handler, plain
from devfocus.lsp.progress import WorkDoneProgress

if TYPE_CHECKING:
    from devfocus.app.gitsync import ImportResult
    from devfocus.lsp.features.status import StatusFeature
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)


class GitFeature:
    def __init__(self, server: DevFocusServer, status: StatusFeature) -> None:
        self.server = server
        self.status = status
        server.git.on_change = self.history_changed
        server.git.on_problem = self.problem
        server.command("devfocus.git.import")(handler(self.import_command))
        server.command("devfocus.task.set")(handler(self.set_task_command))

    # -- live ----------------------------------------------------------------------------------
    def history_changed(self, results: list[ImportResult]) -> None:
        for result in results:
            if result.new_commits or result.checkouts or result.unreachable:
                log.info(
                    "git: %s: %d new commits, %d checkouts, %d no longer on a branch",
                    result.root,
                    result.new_commits,
                    result.checkouts,
                    result.unreachable,
                )
        self.status.poke()

    def problem(self, message: str) -> None:
        self.server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=f"DevFocus: {message}")
        )

    # -- commands ------------------------------------------------------------------------------
    async def import_command(self, *args: Any) -> dict[str, Any]:
        supported = bool(capability(self.server.client_capabilities, "window.work_done_progress"))
        async with WorkDoneProgress(
            self.server, "Importing git history", supported, "devfocus-git"
        ) as progress:
            loop = asyncio.get_running_loop()

            def report(done: int, total: int | None) -> None:
                percentage = min(100, done * 100 // total) if total else 0
                message = f"{done} of {total} commits" if total else f"{done} commits"
                loop.call_soon_threadsafe(progress.report, message, percentage)

            results = await self.server.git.import_all(report)
        self.status.poke()
        answer: dict[str, Any] = {"repositories": [_result_json(r) for r in results]}
        trust = self.server.trust
        workspace = trust.workspace()
        if not workspace.allowed:  # not trusted, or git.trust `never`: nothing was looked at
            answer["reason"] = workspace.reason
        elif not_read := trust.not_read():
            answer["notRead"] = not_read
        return answer

    async def set_task_command(self, *args: Any) -> dict[str, Any]:
        options = _options(args)
        title = options.get("title")
        kind = options.get("kind")
        if title is not None and not isinstance(title, str):
            raise JsonRpcInvalidParams("devfocus.task.set: title must be a string")
        from devfocus.activity.tasks import KINDS

        if kind is not None and kind not in KINDS:
            raise JsonRpcInvalidParams(
                f"devfocus.task.set: kind must be one of {', '.join(KINDS)}; got {kind!r}"
            )
        project = options.get("project")
        task = await self.server.tracking.set_task((title or "").strip(), kind, project)
        self.status.poke()
        return task


def _options(args: tuple[Any, ...]) -> dict[str, Any]:
    if not args:
        return {}
    first = plain(args[0])
    if isinstance(first, Mapping):
        return dict(first)
    if isinstance(first, str):
        return {"title": first, "kind": args[1] if len(args) > 1 else None}
    raise JsonRpcInvalidParams("expected one object {title, kind}")


def _result_json(result: ImportResult) -> dict[str, Any]:
    return {
        "root": result.root,
        "newCommits": result.new_commits,
        "unreachable": result.unreachable,
        "checkouts": result.checkouts,
        "seconds": round(result.seconds, 3),
        "problem": result.problem,
    }
