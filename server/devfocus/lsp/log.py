"""DevFocus's own log records go to the editor as ``window/logMessage``; everything else to
stderr (which editors also show), so nothing is written twice."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

_LEVELS = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}


class LspLogHandler(logging.Handler):
    def __init__(self, server: LanguageServer, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.server = server
        self.loop = loop
        self._loop_thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
            kind = _LEVELS.get(record.levelno, types.MessageType.Log)
            if record.levelno >= logging.ERROR:
                kind = types.MessageType.Error
            params = types.LogMessageParams(type=kind, message=message)
            if threading.get_ident() == self._loop_thread:
                self.server.window_log_message(params)
            elif not self.loop.is_closed():
                self.loop.call_soon_threadsafe(self.server.window_log_message, params)
        except Exception:
            self.handleError(record)


def configure_stderr(level: int) -> None:
    """Start-up logging: all to stderr until a client is connected."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("devfocus").setLevel(level)


def attach_to_client(server: LanguageServer, level: int) -> None:
    """Route DevFocus's records to the client; keep others (pygls, SQLAlchemy) on stderr."""
    handler = LspLogHandler(server, asyncio.get_running_loop())
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    handler.setLevel(level)
    ours = logging.getLogger("devfocus")
    ours.handlers[:] = [handler]
    ours.propagate = False
