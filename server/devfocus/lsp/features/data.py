"""The user's data from the editor: ``devfocus.export`` writes all of it to a file,
``devfocus.data.delete`` erases all of it (the same code as ``devfocus export|delete``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.uris import to_fs_path

from devfocus.lsp.handlers import handler, plain

if TYPE_CHECKING:
    from devfocus.lsp.features.status import StatusFeature
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

EXPORT = "devfocus.export"
DELETE = "devfocus.data.delete"


def _options(command: str, args: tuple[Any, ...]) -> dict[str, Any]:
    first = plain(args[0]) if args else None
    if not isinstance(first, Mapping):
        raise JsonRpcInvalidParams(f"{command}: expected one object argument")
    return dict(first)


def export_target(args: tuple[Any, ...]) -> tuple[str, str]:
    """``[{format, path}]`` → (format, absolute path), or a message saying what is wrong."""
    from devfocus.app.data import FORMATS

    options = _options(EXPORT, args)
    fmt, path = options.get("format"), options.get("path")
    if fmt not in FORMATS:
        raise JsonRpcInvalidParams(f"{EXPORT}: format must be one of {', '.join(FORMATS)}")
    if isinstance(path, str) and path.startswith("file:"):
        path = to_fs_path(path)
    if not isinstance(path, str) or not os.path.isabs(path):
        raise JsonRpcInvalidParams(f"{EXPORT}: path must be an absolute file path or a file URI")
    if os.path.isdir(path):
        raise JsonRpcInvalidParams(f"{EXPORT}: {path} is a folder; give a file name")
    if not os.path.isdir(os.path.dirname(path)):
        raise JsonRpcInvalidParams(f"{EXPORT}: the folder of {path} does not exist")
    return fmt, path


class DataFeature:
    def __init__(self, server: DevFocusServer, status: StatusFeature) -> None:
        self.server = server
        self.status = status
        server.command(EXPORT)(handler(self.export_command))
        server.command(DELETE)(handler(self.delete_command))

    async def export_command(self, *args: Any) -> dict[str, Any]:
        fmt, path = export_target(args)
        from devfocus.store.errors import StoreError

        try:
            events = await self.server.tracking.export(fmt, path)
        except StoreError as error:
            raise JsonRpcInternalError(f"{EXPORT}: {error.message}") from error
        except OSError as error:
            raise JsonRpcInternalError(
                f"{EXPORT}: cannot write {path}: {error.strerror}"
            ) from error
        log.info("exported %d events to %s", events, path)
        return {"path": path, "format": fmt, "events": events}

    async def delete_command(self, *args: Any) -> dict[str, Any]:
        if _options(DELETE, args).get("confirm") is not True:
            raise JsonRpcInvalidParams(
                f'{DELETE}: pass {{"confirm": true}} to erase all data; nothing was deleted'
            )
        from devfocus.store.errors import StoreError

        try:
            events, commits = await self.server.tracking.delete_all()
        except StoreError as error:
            raise JsonRpcInternalError(f"{DELETE}: {error.message}") from error
        # Git history is read again from the repositories on their next change or import.
        log.info("deleted all data: %d events, %d commits", events, commits)
        self.status.poke()
        return {"events": events, "commits": commits}
