"""Document and window notifications become tracker events (O(1) each, on the event loop)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Protocol

from lsprotocol import types

from devfocus.lsp.handlers import brief, handler

if TYPE_CHECKING:
    from devfocus.lsp.features.status import StatusFeature
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

WINDOW_STATE = "devfocus/windowState"
ACTIVE_EDITOR = "devfocus/activeEditor"


class DocumentObserver(Protocol):
    """Features that follow open documents (beyond tracking them)."""

    def opened(self, uri: str, language_id: str) -> None: ...

    def changed(self, uri: str) -> None: ...

    def closed(self, uri: str) -> None: ...


class ActivityFeature:
    def __init__(
        self,
        server: DevFocusServer,
        status: StatusFeature,
        documents: list[DocumentObserver] | None = None,
    ) -> None:
        self.tracker = server.tracking.tracker
        self.status = status
        self.documents = documents or []
        self.clock = time.time
        self._malformed_logged: set[str] = set()
        server.feature(types.TEXT_DOCUMENT_DID_OPEN)(handler(self.did_open))
        server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(handler(self.did_change))
        save_options = types.SaveOptions(include_text=False)
        server.feature(types.TEXT_DOCUMENT_DID_SAVE, save_options)(handler(self.did_save))
        server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(handler(self.did_close))
        server.feature(WINDOW_STATE)(handler(self.window_state))
        server.feature(ACTIVE_EDITOR)(handler(self.active_editor))

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        self.tracker.opened(doc.uri, doc.language_id, doc.text.count("\n"), self.clock())
        self.status.on_activity(doc.uri)
        for observer in self.documents:
            observer.opened(doc.uri, doc.language_id)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        self.tracker.changed(
            uri,
            [
                (c.range.start.line, c.range.end.line, c.text)
                if isinstance(c, types.TextDocumentContentChangePartial)
                else (None, None, c.text)
                for c in params.content_changes
            ],
            self.clock(),
        )
        self.status.on_activity(uri)
        for observer in self.documents:
            observer.changed(uri)

    def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        self.tracker.saved(params.text_document.uri, self.clock())
        self.status.on_activity(params.text_document.uri)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        self.tracker.closed(params.text_document.uri, self.clock())
        for observer in self.documents:
            observer.closed(params.text_document.uri)

    # -- custom notifications from clients that know focus (the VS Code extension) -----------
    def window_state(self, params: Any) -> None:
        focused = getattr(params, "focused", None)
        if not isinstance(focused, bool):
            self._malformed(WINDOW_STATE, params, "{focused: boolean}")
            return
        self.tracker.window_state(focused, self.clock())
        self.status.poke()

    def active_editor(self, params: Any) -> None:
        uri = getattr(params, "uri", ...)
        if uri is not None and not isinstance(uri, str):
            self._malformed(ACTIVE_EDITOR, params, "{uri: string | null}")
            return
        self.tracker.active_editor(uri, self.clock())
        self.status.on_activity(uri)

    def _malformed(self, method: str, params: Any, expected: str) -> None:
        level = logging.DEBUG if method in self._malformed_logged else logging.WARNING
        self._malformed_logged.add(method)
        log.log(level, "ignored %s with params %s: expected %s", method, brief(params), expected)
