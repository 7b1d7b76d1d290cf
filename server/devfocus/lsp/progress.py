"""Server-initiated work-done progress, shared by the long-running commands."""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import Future
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)


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
