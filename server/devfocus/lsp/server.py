"""The DevFocus language server: a thin pygls server; features live in devfocus.lsp.features."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Coroutine
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer

from devfocus import __version__
from devfocus.app.tracking import TrackingService
from devfocus.config import Settings
from devfocus.lsp.protocol import SYNC_KIND, DevFocusProtocol
from devfocus.lsp.transport import PIECE_BYTES, read_messages

log = logging.getLogger(__name__)


class DevFocusServer(LanguageServer):
    protocol: DevFocusProtocol

    def __init__(self) -> None:
        super().__init__(
            "devfocus",
            __version__,
            text_document_sync_kind=SYNC_KIND,
            protocol_cls=DevFocusProtocol,
        )
        self.settings = Settings()
        self.log_level = logging.INFO
        from devfocus.app.trustgate import TrustGate

        self.trust = TrustGate()  # which repositories any feature may read
        self.tracking = TrackingService(
            self.settings,
            on_problem=self._database_problem,
            on_recovered=self._database_back,
            trust=self.trust,
        )
        from devfocus.app.gitwatch import GitService

        self.git = GitService(self.settings, trust=self.trust)
        from devfocus.lsp.features import register_all

        self.features = register_all(self)

    # Errors from malformed client messages are the client's, not the user's: log them instead of
    # pygls's default pop-up.
    def report_server_error(self, error: Exception, source: Any) -> None:
        log.error("ignored a message the server could not handle: %s", error)

    def _database_problem(self, error: Any) -> None:
        self.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Warning,
                message=(
                    f"DevFocus can't save activity: {error.message}. Activity is kept in memory "
                    "and saving is retried; every other feature keeps working. "
                    "`devfocus doctor` checks the database."
                ),
            )
        )

    def _database_back(self, written: int) -> None:
        log.info("activity database is available again (%d buffered events written)", written)

    # -- transport ---------------------------------------------------------------------------
    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve on stdio. Reads through an asyncio pipe (pygls's reader hands every line to a
        thread) with :func:`read_messages`, and writes the last activity however the process is
        asked to stop."""
        self._serve(self._serve_io(stdin or sys.stdin.buffer, stdout or sys.stdout.buffer))

    def start_tcp(self, host: str, port: int) -> None:
        """Serve one client on a TCP socket, with the same reader and the same ending as stdio
        (pygls's own TCP loop parses every body on the event loop)."""
        self._serve(self._serve_tcp(host, port))

    def _serve(self, serving: Coroutine[Any, Any, None]) -> None:
        try:
            asyncio.run(serving)
        except (KeyboardInterrupt, SystemExit, asyncio.CancelledError):
            pass
        finally:
            self.tracking.close()
            self.git.close()
            self.features.docs.close()
            self.features.commits.close()
            self.protocol.close()
            self.shutdown()

    @staticmethod
    def _stop_on_signals() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if signum is not None and task is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(signum, task.cancel)

    async def _serve_tcp(self, host: str, port: int) -> None:
        self._stop_on_signals()
        finished = asyncio.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]
            try:
                await read_messages(reader, self.protocol, self.report_server_error)
            finally:
                finished.set()  # the client went away: the server ends, as on stdio

        self._stop_event = threading.Event()
        listening = await asyncio.start_server(connection, host, port, limit=PIECE_BYTES)
        log.info("serving on %s", ", ".join(str(s.getsockname()) for s in listening.sockets))
        async with listening:
            await finished.wait()

    async def _serve_io(self, stdin: BinaryIO, stdout: BinaryIO) -> None:
        loop = asyncio.get_running_loop()
        self._stop_on_signals()
        # The limit bounds a header line and how far the pipe is read ahead of the messages.
        reader = asyncio.StreamReader(limit=PIECE_BYTES)
        try:
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
        except (OSError, ValueError, NotImplementedError):
            # Not a pipe or socket (a regular file, or a loop without pipe support).
            from pygls.io_ import StdinAsyncReader

            reader = StdinAsyncReader(stdin, self.thread_pool)  # type: ignore[assignment]
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout))
        await read_messages(reader, self.protocol, self.report_server_error)


def serve(tcp: str | None = None, log_level: int = logging.INFO) -> None:
    from devfocus.lsp.log import configure_stderr

    configure_stderr(log_level)
    # Worker threads (big messages, docstring analyses) hand the interpreter back to the event
    # loop within a millisecond of its asking, not Python's default five.
    sys.setswitchinterval(0.001)
    server = DevFocusServer()
    server.log_level = log_level
    if tcp is None:
        server.start_io()
        return
    host, _, port = tcp.rpartition(":")
    server.start_tcp(host or "127.0.0.1", int(port))
