"""pygls's protocol with guards: documents too big or binary to track, and changes to documents
that were never opened, are logged once and ignored instead of reaching the handlers."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Generator
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method

from devfocus.lsp.documents import LineWorkspace

log = logging.getLogger(__name__)

MAX_DOCUMENT_CHARS = 5 * 1024 * 1024
SYNC_KIND = types.TextDocumentSyncKind.Incremental


def unsupported_reason(text: str) -> str | None:
    if len(text) > MAX_DOCUMENT_CHARS:
        return f"it is larger than {MAX_DOCUMENT_CHARS // (1024 * 1024)} MiB"
    if "\x00" in text:
        return "it looks binary (it contains NUL characters)"
    return None


class DevFocusProtocol(LanguageServerProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ignored: set[str] = set()  # URIs of open documents we do not track
        self._warned_unknown: set[str] = set()

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, Any]:
        # pygls creates its workspace first thing; swap in one with fast documents before any
        # handler (ours included) sees it.
        steps = super().lsp_initialize(params)
        try:
            step = next(steps)
        except StopIteration as done:
            self._use_line_documents()
            return done.value
        self._use_line_documents()
        while True:
            try:
                step = steps.send((yield step))
            except StopIteration as done:
                return done.value

    def handle_message(self, message: Any) -> None:
        # A didChange comes with every keystroke. pygls sorts messages with isinstance checks
        # against runtime-checkable protocols and wraps each handler in a Future, which together
        # cost more than handling the change; it gets a direct path instead.
        if type(message) is types.DidChangeTextDocumentNotification and not self._shutdown:
            self.lsp_text_document__did_change(message.params)
            return
        super().handle_message(message)

    def _use_line_documents(self) -> None:
        self._workspace = LineWorkspace.like(self.workspace, SYNC_KIND)

    def is_open(self, uri: str) -> bool:
        return unquote(uri) in self.workspace.text_documents

    # Document sync is done here directly rather than through pygls's builtin generator
    # handlers: pygls keeps a finished future for every step of those, never released for
    # notifications (about 2 KB per keystroke), and the bookkeeping costs time on every change.
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        reason = unsupported_reason(doc.text)
        if reason is not None:
            self.ignored.add(doc.uri)
            log.info("not tracking %s: %s", doc.uri, reason)
            return
        self.ignored.discard(doc.uri)
        self._warned_unknown.discard(doc.uri)
        self.workspace.put_text_document(doc)
        self._run_feature(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in self.ignored:
            return
        if not self.is_open(uri):
            if uri not in self._warned_unknown:
                self._warned_unknown.add(uri)
                log.warning("ignoring changes to %s: it was never opened (didOpen)", uri)
            return
        for change in params.content_changes:
            self.workspace.update_text_document(params.text_document, change)
        self._run_feature(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self._warned_unknown.discard(uri)
        if uri in self.ignored:
            self.ignored.discard(uri)
            return
        self.workspace.remove_text_document(uri)
        self._run_feature(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _run_feature(self, method: str, params: Any) -> None:
        """The registered handler for ``method``, called at once (errors reach pygls's logging
        as a handler's would)."""
        handler = self.fm.features.get(method)
        if handler is None:
            return
        result = handler(params)
        if inspect.isawaitable(result):
            asyncio.ensure_future(result).add_done_callback(_log_failure)


def _log_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("handler failed", exc_info=task.exception())
