"""The user's data from the editor: ``devfocus.export`` writes all of it to a file,
``devfocus.data.delete`` erases all of it (the same code as ``devfocus export|delete``, in
:mod:`devfocus.app.userdata`)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams, JsonRpcRequestCancelled

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import DELETE, EXPORT
from devfocus.lsp.progress import WorkDoneProgress
from devfocus.lsp.wire import JsonValue, to_json

if TYPE_CHECKING:
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)


class _Cancelled(Exception):
    """The user cancelled the export's progress bar."""


class DataFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        server.command(EXPORT)(handler(self.export_command))
        server.command(DELETE)(handler(self.delete_command))

    async def export_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import ExportArguments, ExportResult

        try:
            target = ExportArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        fmt, path = target.format, target.path
        # Deferred: the store's modules load with the first export, never at start-up.
        from devfocus.app.userdata import ExportRefused
        from devfocus.store.errors import StoreError

        try:  # before any work begins
            await self.server.tracking.check_export(path)
        except ExportRefused as refused:
            raise JsonRpcInvalidParams(f"{EXPORT}: {refused}") from refused

        supported = bool(self.server.client_supports("window.work_done_progress"))
        async with WorkDoneProgress(
            self.server, "Exporting DevFocus data", supported, "devfocus-export"
        ) as progress:
            loop = asyncio.get_running_loop()

            def report(done: int, total: int) -> None:  # on the store thread
                if progress.cancelled:
                    raise _Cancelled
                percentage = min(100, done * 100 // total) if total else 100
                loop.call_soon_threadsafe(progress.report, f"{done} of {total} events", percentage)

            try:
                exported = await self.server.tracking.export(fmt, path, report)
            except _Cancelled:
                raise JsonRpcRequestCancelled(f"{EXPORT}: cancelled; nothing was written") from None
            except ExportRefused as refused:
                raise JsonRpcInvalidParams(f"{EXPORT}: {refused}") from refused
            except StoreError as error:
                raise JsonRpcInternalError(
                    f"{EXPORT}: {error.message}; nothing was written"
                ) from error
            except OSError as error:
                reason = error.strerror or str(error)
                raise JsonRpcInternalError(
                    f"{EXPORT}: cannot write {path}: {reason}; nothing was written"
                ) from error
        log.info("exported %d events (%s) to %s", exported.events, fmt, path)
        return to_json(ExportResult.of(path, fmt, exported))

    async def delete_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import DeleteArguments

        try:
            DeleteArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        # Deferred: as above, with the first deletion.
        from devfocus.store.errors import StoreError

        try:
            async with self.server.git.erasing():
                erased = await self.server.tracking.delete_all()
        except StoreError as error:
            raise JsonRpcInternalError(f"{DELETE}: {error.message}") from error
        finally:
            self.server.data_erased()  # whatever came of the data goes, whether all of it went
        counts = erased.counts
        log.info(
            "deleted all data: %d events, %d commits, %d checkouts, %d tasks, %d repositories; "
            "git history is read again from a repository on its next change, or on "
            "devfocus.git.import",
            counts.get("events", 0),
            counts.get("commits", 0),
            counts.get("checkouts", 0),
            counts.get("tasks", 0),
            counts.get("repositories", 0),
        )
        return to_json(dict(counts))
