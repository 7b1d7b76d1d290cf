"""Focus blocks from the editor: ``devfocus.focus.start`` and ``devfocus.focus.stop``.

The block lives in the database (app/focusblocks.py), so every window's status shows it; this
feature only starts and stops it and has the status sent again at once. The countdown, the end
notice and the nudges go out with the live status (lsp/features/status.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import FOCUS_START, FOCUS_STOP
from devfocus.lsp.wire import JsonValue, to_json

if TYPE_CHECKING:
    from devfocus.activity.focusblock import FocusBlock
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)


class FocusFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        server.command(FOCUS_START)(handler(self.start_command))
        server.command(FOCUS_STOP)(handler(self.stop_command))

    async def start_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the typed messages and the store load with the first use.
        from devfocus.lsp.messages import FocusStartArguments
        from devfocus.store.errors import StoreError

        try:
            options = FocusStartArguments.parse(args)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        try:
            block = await self.server.tracking.focus.start(options.minutes)
        except StoreError as error:
            raise JsonRpcInternalError(f"{FOCUS_START}: {error.message}") from error
        log.info("focus block started: %.4g minutes", block.minutes)
        self.server.state_changed()
        return _wire(block, self.server.tracking.clock())

    async def stop_command(self, *args: object) -> JsonValue:
        # Deferred, for start-up time: the store loads with the first use.
        from devfocus.store.errors import StoreError

        try:
            block = await self.server.tracking.focus.stop()
        except StoreError as error:
            raise JsonRpcInternalError(f"{FOCUS_STOP}: {error.message}") from error
        if block is None:
            return None
        log.info("focus block stopped")
        self.server.state_changed()
        return _wire(block, self.server.tracking.clock())


def _wire(block: FocusBlock, now: float) -> JsonValue:
    # Deferred, for start-up time: the typed messages load with the first command.
    from devfocus.lsp.messages import WireFocusBlock

    return to_json(WireFocusBlock.of(block, now))
