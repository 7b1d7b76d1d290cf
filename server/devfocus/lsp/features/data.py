"""The user's data from the editor: ``devfocus.export`` writes all of it to a file,
``devfocus.data.delete`` erases all of it (the same code as ``devfocus export|delete``, in
:mod:`devfocus.app.userdata`)."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams, JsonRpcRequestCancelled
from pygls.uris import to_fs_path

from devfocus.lsp.handlers import capability, handler, plain
from devfocus.lsp.progress import WorkDoneProgress

if TYPE_CHECKING:
    from devfocus.lsp.features.status import StatusFeature
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

EXPORT = "devfocus.export"
DELETE = "devfocus.data.delete"


class _Cancelled(Exception):
    """The user cancelled the export's progress bar."""


def _options(command: str, args: tuple[Any, ...]) -> dict[str, Any]:
    first = plain(args[0]) if args else None
    if len(args) != 1 or not isinstance(first, Mapping):
        raise JsonRpcInvalidParams(f"{command}: expected one object argument")
    return dict(first)


def export_target(args: tuple[Any, ...]) -> tuple[str, str]:
    """``[{format, path}]`` → (format, absolute path), or a message saying what is wrong."""
    from devfocus.app.userdata import FORMATS

    options = _options(EXPORT, args)
    fmt, path = options.get("format"), options.get("path")
    if fmt not in FORMATS:
        raise JsonRpcInvalidParams(
            f"{EXPORT}: format must be one of {', '.join(FORMATS)}; got {fmt!r}"
        )
    if isinstance(path, str) and path.startswith("file:"):
        path = to_fs_path(path)
    if not isinstance(path, str) or not path or not os.path.isabs(path):
        raise JsonRpcInvalidParams(
            f"{EXPORT}: path must be an absolute file path or a file URI; got {path!r}"
        )
    return fmt, path  # what is at the path is checked off the event loop, by check_target


class DataFeature:
    def __init__(
        self,
        server: DevFocusServer,
        status: StatusFeature,
        on_erase: Sequence[Callable[[], None]] = (),
    ) -> None:
        self.server = server
        self.status = status
        self.on_erase = list(on_erase)  # what else keeps something of the erased data
        server.command(EXPORT)(handler(self.export_command))
        server.command(DELETE)(handler(self.delete_command))

    async def export_command(self, *args: Any) -> dict[str, Any]:
        fmt, path = export_target(args)
        from devfocus.app.userdata import ExportRefused
        from devfocus.store.errors import StoreError

        try:  # before any work begins
            await self.server.tracking.check_export(path)
        except ExportRefused as refused:
            raise JsonRpcInvalidParams(f"{EXPORT}: {refused}") from refused

        supported = bool(capability(self.server.client_capabilities, "window.work_done_progress"))
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
        result: dict[str, Any] = {"path": path, "format": fmt, "events": exported.events}
        if exported.history:
            result["history"] = exported.history
        return result

    async def delete_command(self, *args: Any) -> dict[str, Any]:
        if _options(DELETE, args).get("confirm") is not True:
            raise JsonRpcInvalidParams(
                f'{DELETE}: pass {{"confirm": true}} to erase all data; nothing was deleted'
            )
        from devfocus.store.errors import StoreError

        try:
            async with self.server.git.erasing():
                erased = await self.server.tracking.delete_all()
        except StoreError as error:
            raise JsonRpcInternalError(f"{DELETE}: {error.message}") from error
        finally:
            for forget in self.on_erase:
                forget()
            self.status.refresh()
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
        return dict(counts)
