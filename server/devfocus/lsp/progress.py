"""Server-initiated work-done progress, shared by the long-running commands, and work the user
can cancel: with the progress bar's button or with ``$/cancelRequest``."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types

if TYPE_CHECKING:
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

T = TypeVar("T")
Cancellable = Future[Any] | asyncio.Future[Any]


def current_request(server: DevFocusServer) -> Cancellable | None:
    """What pygls cancels on ``$/cancelRequest`` of the request being handled. A command runs as
    a task of its own, which pygls does not cancel; its request's future is found by the request
    id (pygls keeps it in ``_request_futures`` and offers no public way to it). Call it before
    the handler's first ``await``: pygls moves ``msg_id`` to whatever it handles next."""
    protocol = server.protocol
    futures = getattr(protocol, "_request_futures", None)
    msg_id = protocol.msg_id
    if not isinstance(futures, dict) or msg_id is None:
        return None
    found = futures.get(msg_id)
    return found if isinstance(found, (Future, asyncio.Future)) else None


class WorkDoneProgress:
    """Server-initiated work-done progress (when the client supports it), cancellable."""

    def __init__(
        self, server: DevFocusServer, title: str, supported: bool, prefix: str = "devfocus"
    ) -> None:
        self.server = server
        self.title = title
        self.supported = supported
        self.token = f"{prefix}-{uuid.uuid4().hex}"
        self._future: Future[object] | None = None

    @property
    def cancelled(self) -> bool:
        return bool(self._future is not None and self._future.cancelled())

    async def __aenter__(self) -> WorkDoneProgress:
        if self.supported:
            try:
                await self.server.work_done_progress.create_async(self.token)
            except Exception as exc:
                log.info("the editor refused a progress bar: %s", exc)
                self.supported = False
                return self
            self.server.work_done_progress.begin(
                self.token,
                types.WorkDoneProgressBegin(title=self.title, cancellable=True, percentage=0),
            )
            self._future = self.server.work_done_progress.tokens.get(self.token)
        return self

    async def run(self, work: Awaitable[T], request: Cancellable | None) -> T | None:
        """``work``, ended by the progress bar's cancel button or by ``$/cancelRequest`` of
        ``request`` (see :func:`current_request`); None when the user cancelled it. Its task is
        cancelled with it: a model's request is dropped, not waited for."""
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(work)
        stopped = False

        def stop(source: Cancellable) -> None:
            nonlocal stopped
            if source.cancelled():
                stopped = True
                loop.call_soon_threadsafe(task.cancel)

        for source in (request, self._future):
            if source is not None:
                source.add_done_callback(stop)
        try:
            result = await task
        except asyncio.CancelledError:
            if not stopped:
                raise  # the server's own cancellation (shutting down): not the user's
            log.info("%s cancelled by the user; nothing was changed", self.title)
            return None
        return None if stopped else result

    def report(self, message: str, percentage: int) -> None:
        if self.supported:
            self.server.work_done_progress.report(
                self.token, types.WorkDoneProgressReport(message=message, percentage=percentage)
            )

    async def __aexit__(self, *exc: object) -> None:
        if self.supported:
            message = "Cancelled" if self.cancelled else "Done"
            self.server.work_done_progress.end(
                self.token, types.WorkDoneProgressEnd(message=message)
            )
            self.server.work_done_progress.tokens.pop(self.token, None)
