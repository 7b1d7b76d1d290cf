"""Document and window notifications become tracker events (O(1) each, on the event loop)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from lsprotocol import types

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import brief, handler
from devfocus.lsp.names import ACTIVE_EDITOR, WINDOW_STATE

if TYPE_CHECKING:
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)
P = TypeVar("P")  # parsed notification params


class ActivityFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        self.tracker = server.tracking.tracker
        self.clock = time.time
        self._malformed_logged: set[str] = set()
        server.feature(WINDOW_STATE)(handler(self.window_state))
        server.feature(ACTIVE_EDITOR)(handler(self.active_editor))

    def document_opened(self, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        self.tracker.opened(doc.uri, doc.language_id, doc.text.count("\n"), self.clock())

    def document_changed(self, params: types.DidChangeTextDocumentParams) -> None:
        self.tracker.changed(
            params.text_document.uri,
            [
                (c.range.start.line, c.range.end.line, c.text)
                if isinstance(c, types.TextDocumentContentChangePartial)
                else (None, None, c.text)
                for c in params.content_changes
            ],
            self.clock(),
        )

    def document_saved(self, params: types.DidSaveTextDocumentParams) -> None:
        self.tracker.saved(params.text_document.uri, self.clock())

    def document_closed(self, params: types.DidCloseTextDocumentParams) -> None:
        self.tracker.closed(params.text_document.uri, self.clock())

    # -- custom notifications from clients that know focus (the VS Code extension) -----------
    def window_state(self, params: object) -> None:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import WindowStateParams

        parsed = self._parse(WINDOW_STATE, WindowStateParams.parse, params)
        if parsed is not None:
            self.tracker.window_state(parsed.focused, self.clock())
            self.server.state_changed()

    def active_editor(self, params: object) -> None:
        # Deferred, for start-up time: the typed messages load with the first command.
        from devfocus.lsp.messages import ActiveEditorParams

        parsed = self._parse(ACTIVE_EDITOR, ActiveEditorParams.parse, params)
        if parsed is not None:
            self.tracker.active_editor(parsed.uri, self.clock())
            self.server.state_changed()

    def _parse(self, method: str, parse: Callable[[object], P], params: object) -> P | None:
        """``parse(params)``; None for malformed params, logged (a warning the first time for
        each method, then at debug level: a client may send them on every focus change)."""
        try:
            return parse(params)
        except ValueError as expected:
            level = logging.DEBUG if method in self._malformed_logged else logging.WARNING
            self._malformed_logged.add(method)
            log.log(
                level, "ignored %s with params %s: expected %s", method, brief(params), expected
            )
            return None
