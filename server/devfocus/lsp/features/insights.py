"""``devfocus.insights``: the insights of a period (default the last 7 days) with their evidence,
from the same report the CLI and ``devfocus.report`` make; and once a day, the workspace's
docstring debt kept for the insights' trend."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import INSIGHTS
from devfocus.lsp.wire import JsonValue

if TYPE_CHECKING:
    from lsprotocol import types

    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

DEBT_EVERY_SECONDS = 6 * 3600  # a snapshot is kept per day: counting more often adds nothing


class InsightsFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        server.command(INSIGHTS)(handler(self.insights_command))
        self._debt_task: asyncio.Task[None] | None = None
        self._debt_counted = 0.0  # monotonic time of the last count

    # -- hooks -------------------------------------------------------------------------------------
    async def initialized(self) -> None:
        self._count_debt_soon()

    def document_saved(self, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri.endswith((".py", ".pyi")):
            self._count_debt_soon()

    def shutdown(self) -> None:
        if self._debt_task is not None:
            self._debt_task.cancel()
            self._debt_task = None

    def close(self) -> None:
        self.shutdown()

    # -- docstring debt ----------------------------------------------------------------------------
    def _count_debt_soon(self) -> None:
        """Count the workspace's docstring debt in the background, at most every few hours."""
        running = self._debt_task is not None and not self._debt_task.done()
        if running or not self.server.roots:
            return
        if self._debt_counted and time.monotonic() - self._debt_counted < DEBT_EVERY_SECONDS:
            return
        self._debt_counted = time.monotonic()
        self._debt_task = asyncio.get_running_loop().create_task(self._count_debt())

    async def _count_debt(self) -> None:
        # Deferred: the docstring engine's facts load with the first count, not at start-up.
        from pathlib import Path

        from devfocus.app.docdebt import count_debt

        loop = asyncio.get_running_loop()
        for root in list(self.server.roots):
            try:
                count = await loop.run_in_executor(None, count_debt, Path(root))
                if count.files:
                    await self.server.tracking.keep_docstring_debt(
                        Path(root).as_posix(), count.undocumented, count.definitions
                    )
            except OSError as error:  # a folder gone or unreadable: the next count tries again
                log.info("docstring debt of %s not counted: %s", root, error)

    async def insights_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import InsightsArguments

        try:
            options = InsightsArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(f"{INSIGHTS}: {exc}") from exc
        # Deferred: the report engine and the detectors load with the first request.
        from devfocus.insights.insightjson import insights_json
        from devfocus.insights.periods import requested_period
        from devfocus.store.errors import StoreError

        try:
            period = requested_period(
                options.period, options.from_date, options.to_date, self.server.tracking.clock()
            )
        except ValueError as exc:
            raise JsonRpcInvalidParams(f"{INSIGHTS}: {exc}") from exc
        try:
            report, _ = await self.server.tracking.report(
                period, project=options.project, redact=options.redact
            )
        except StoreError as error:  # the database cannot be read: say so, not a traceback
            raise JsonRpcInternalError(f"{INSIGHTS}: {error.message}") from error
        result: JsonValue = insights_json(report)
        return result
