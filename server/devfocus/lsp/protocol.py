"""pygls's protocol with guards, and document changes kept off the event loop when they are big.

* Limits: a document larger than ``MAX_DOCUMENT_CHARS`` or holding a NUL character is dropped from
  every feature (features see it closed) with one log line, whenever it gets there: when it is
  opened or after any change. Its text is still kept in step with the editor's (as lines, so
  further edits stay cheap), and when it is back within the limits features see it opened again.
* Order: messages are handled in the order they arrive. A message that takes long (a big body to
  parse, a long list of changes, a change to a document with very long lines) is worked on in a
  thread while the event loop keeps serving; what arrives after it waits for it, except requests
  that read no document (``devfocus.status`` and the like) and replies to the server's requests.
  Documents are edited on a copy there and swapped in whole: features never see half a change.
* Changes to documents that were never opened are logged once and ignored.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
import threading
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar, cast
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol, lsp_method

from devfocus.lsp.documents import LineDocument, LineWorkspace

if TYPE_CHECKING:
    from cattrs import Converter
    from pygls.lsp.server import LanguageServer
    from pygls.protocol.json_rpc import RPCMessage

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_DOCUMENT_CHARS = 5 * 1024 * 1024
SYNC_KIND = types.TextDocumentSyncKind.Incremental
# A didChange past either bound is applied off the event loop.
LOOP_CHANGES = 32
LOOP_TEXT = 256 * 1024
# Lists longer than this (lines, changes) are freed on the worker thread, this many at a time.
RELEASE_SLICE = 16 * 1024
# Bodies waiting to be parsed, in bytes, past which the transport stops reading ahead.
QUEUED_BYTES = 256 * 1024 * 1024
# Requests that read no document: answered at once even while earlier messages are worked on.
OUT_OF_ORDER_COMMANDS = frozenset({"devfocus.status", "devfocus.report", "devfocus.doctor"})
OUT_OF_ORDER_METHODS = frozenset(
    {"$/cancelRequest", "$/setTrace", types.WINDOW_WORK_DONE_PROGRESS_CANCEL}
)


def unsupported_reason(text: str) -> str | None:
    return _reason(len(text), "\x00" in text)


def _reason(chars: int, nul: bool) -> str | None:
    if chars > MAX_DOCUMENT_CHARS:
        return f"it is larger than {MAX_DOCUMENT_CHARS // (1024 * 1024)} MiB"
    if nul:
        return "it looks binary (it contains NUL characters)"
    return None


@dataclass
class _Waiting:
    """A message in line: parsed already, or being parsed (``parsed``) from ``size`` bytes."""

    message: object = None
    parsed: asyncio.Future[object] | None = None
    size: int = 0
    big: bool = False  # holds a pause of the garbage collector until handled


class DevFocusProtocol(LanguageServerProtocol):
    def __init__(self, server: LanguageServer, converter: Converter) -> None:
        super().__init__(server, converter)
        # Open documents features do not see, and why: too large or binary.
        self.ignored: dict[str, str] = {}
        self._warned_unknown: set[str] = set()
        self._line: deque[_Waiting] = deque()
        self._queued_bytes = 0
        self._room = asyncio.Event()
        self._draining: asyncio.Task[None] | None = None
        self._worker: ThreadPoolExecutor | None = None

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[object, object, types.InitializeResult]:
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

    def _use_line_documents(self) -> None:
        self._workspace = LineWorkspace.like(self.workspace, SYNC_KIND)

    def is_open(self, uri: str) -> bool:
        return unquote(uri) in self.workspace.text_documents

    # -- messages, in order ------------------------------------------------------------------
    def handle_message(self, message: object) -> None:
        # A didChange comes with every keystroke. pygls sorts messages with isinstance checks
        # against runtime-checkable protocols and wraps each handler in a Future, which together
        # cost more than handling the change; it gets a direct path instead.
        if type(message) is types.DidChangeTextDocumentNotification and not self._shutdown:
            cheap = self._cheap(message.params)
            if cheap and not self._line:
                self._did_change(message.params)
            else:
                self._wait_in_line(_Waiting(message, big=not cheap))
            return
        if self._line and not _out_of_order(message):
            self._wait_in_line(_Waiting(message))
            return
        super().handle_message(_rpc(message))

    def handle_parsed_elsewhere(self, parse: Callable[[], object], size: int) -> None:
        """A message whose body is big: ``parse`` makes it on the worker thread, in its turn."""
        parsed = asyncio.get_running_loop().run_in_executor(self._pool(), parse)
        self._queued_bytes += size
        if self._queued_bytes > QUEUED_BYTES:
            self._room.clear()
        self._wait_in_line(_Waiting(parsed=parsed, size=size, big=True))

    async def room_to_read(self) -> None:
        """Until the bodies waiting to be parsed leave room for more."""
        if self._queued_bytes > QUEUED_BYTES:
            await self._room.wait()

    def _wait_in_line(self, waiting: _Waiting) -> None:
        if waiting.big:
            _pause_gc()
        self._line.append(waiting)
        if self._draining is None:
            self._draining = asyncio.ensure_future(self._drain())

    async def _drain(self) -> None:
        try:
            while self._line:
                waiting = self._line[0]
                try:
                    await self._handle_in_turn(waiting)
                except Exception as error:
                    self._server.report_server_error(error, JsonRpcException)
                finally:
                    self._line.popleft()
                    self._queued_bytes -= waiting.size
                    if self._queued_bytes <= QUEUED_BYTES:
                        self._room.set()
                    # None: the message (maybe megabytes) is let go before the collector resumes.
                    big, waiting = waiting.big, None  # type: ignore[assignment]
                    if big:
                        _resume_gc()
        finally:
            self._draining = None

    async def _handle_in_turn(self, waiting: _Waiting) -> None:
        message = waiting.message
        if waiting.parsed is not None:
            message = await waiting.parsed
        if type(message) is types.DidChangeTextDocumentNotification and not self._shutdown:
            if self._cheap(message.params):
                self._did_change(message.params)
            else:
                await self._did_change_elsewhere(message.params)
            return
        super().handle_message(_rpc(message))

    def _let_go(self, items: list[T] | None) -> None:
        """Free a long list on the worker thread, a slice at a time."""
        if items is not None and len(items) > RELEASE_SLICE:
            self._pool().submit(_release, items)

    def _pool(self) -> ThreadPoolExecutor:
        if self._worker is None:
            self._worker = ThreadPoolExecutor(1, thread_name_prefix="devfocus-documents")
        return self._worker

    def close(self) -> None:
        if self._worker is not None:
            self._worker.shutdown(wait=False, cancel_futures=True)

    # -- document sync -----------------------------------------------------------------------
    # Done here directly rather than through pygls's builtin generator handlers: pygls keeps a
    # finished future for every step of those, never released for notifications (about 2 KB per
    # keystroke), and the bookkeeping costs time on every change.
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        self._warned_unknown.discard(doc.uri)
        self.workspace.put_text_document(doc)
        reason = unsupported_reason(doc.text)
        if reason is not None:
            self.ignored[doc.uri] = reason
            log.info("not tracking %s: %s", doc.uri, reason)
            return
        self.ignored.pop(doc.uri, None)
        self._run_feature(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self._did_change(params)  # reached only through pygls's own dispatch (tests)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self._warned_unknown.discard(uri)
        doc = self.workspace.text_documents.get(unquote(uri))
        if doc is not None:
            self.workspace.remove_text_document(uri)
            self._let_go(doc.release())
        if self.ignored.pop(uri, None) is None:
            self._run_feature(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _document(self, uri: str) -> LineDocument | None:
        """The open document, None (logged once) for one that was never opened."""
        doc = self.workspace.text_documents.get(unquote(uri))
        if doc is None and uri not in self._warned_unknown:
            self._warned_unknown.add(uri)
            log.warning("ignoring changes to %s: it was never opened (didOpen)", uri)
        return doc

    def _cheap(self, params: types.DidChangeTextDocumentParams) -> bool:
        """Whether applying ``params`` on the event loop costs little."""
        changes = params.content_changes
        if len(changes) > LOOP_CHANGES:
            return False
        text = 0
        partial = False
        for change in changes:
            text += len(change.text)
            partial = partial or isinstance(change, types.TextDocumentContentChangePartial)
        if text > LOOP_TEXT:
            return False
        doc = self.workspace.text_documents.get(unquote(params.text_document.uri))
        return doc is None or not partial or doc.cheap_to_edit

    def _did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = self._document(uri)
        if doc is None:
            return
        for change in params.content_changes:
            doc.apply_change(change)
        doc.version = params.text_document.version
        self._changed(uri, doc, params)

    async def _did_change_elsewhere(self, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = self._document(uri)
        if doc is None:
            return
        many = len(params.content_changes) > LOOP_CHANGES
        loop = asyncio.get_running_loop()
        edit = partial(_edited, doc, params.content_changes, many)
        edited = await loop.run_in_executor(self._pool(), edit)
        self._let_go(doc.take(edited))
        doc.version = params.text_document.version
        if many and doc.char_count <= MAX_DOCUMENT_CHARS:
            # Features get what the changes led to, not each of them (the activity feature would
            # spend the event loop's time counting lines in every one).
            whole = types.TextDocumentContentChangeWholeDocument(text=doc.source)
            params = types.DidChangeTextDocumentParams(
                text_document=params.text_document, content_changes=[whole]
            )
        self._changed(uri, doc, params)

    def _changed(
        self, uri: str, doc: LineDocument, params: types.DidChangeTextDocumentParams
    ) -> None:
        """Tell features about the change; or that the document left or came back within the
        limits (seen by them as closed, or as opened again)."""
        reason = _reason(doc.char_count, doc.contains_nul)
        dropped = self.ignored.get(uri)
        if reason is None and dropped is None:
            self._run_feature(types.TEXT_DOCUMENT_DID_CHANGE, params)
        elif reason is not None and dropped is None:
            self.ignored[uri] = reason
            doc.drop_text_cache()
            log.warning(
                "stopped tracking %s: %s; it is tracked again once it is back under the limit",
                uri,
                reason,
            )
            closed = types.TextDocumentIdentifier(uri=uri)
            self._run_feature(
                types.TEXT_DOCUMENT_DID_CLOSE, types.DidCloseTextDocumentParams(closed)
            )
        elif reason is None:
            del self.ignored[uri]
            log.info("tracking %s again: it is back under the limits", uri)
            opened = types.TextDocumentItem(
                uri=uri,
                language_id=doc.language_id or "",
                version=doc.version or 0,
                text=doc.source,
            )
            self._run_feature(types.TEXT_DOCUMENT_DID_OPEN, types.DidOpenTextDocumentParams(opened))
        else:
            self.ignored[uri] = reason
            doc.drop_text_cache()

    def _run_feature(self, method: str, params: object) -> None:
        """The registered handler for ``method``, called at once (errors reach pygls's logging
        as a handler's would)."""
        handler = self.fm.features.get(method)
        if handler is None:
            return
        result = handler(params)
        if inspect.isawaitable(result):
            asyncio.ensure_future(result).add_done_callback(_log_failure)


def _edited(
    doc: LineDocument, changes: Sequence[types.TextDocumentContentChangeEvent], joined: bool
) -> LineDocument:
    """A copy of ``doc`` with ``changes`` applied, its lines split and, if ``joined`` and it is
    within the size limit, its text joined (on the worker thread, not on the event loop). A list
    of changes is emptied: features get a summary of them (``joined``), and freeing 100,000 of
    them at once would stop the event loop for 60 ms."""
    twin = doc.copy()
    for change in changes:
        twin.apply_change(change)
    twin.lines  # noqa: B018
    if joined and twin.char_count <= MAX_DOCUMENT_CHARS:
        twin.source  # noqa: B018
    if joined and isinstance(changes, list):
        _release(changes)
    return twin


def _release(items: list[T]) -> None:
    """Empty ``items`` a slice at a time, so no single free holds the interpreter for long."""
    while items:
        del items[-RELEASE_SLICE:]


_gc_lock = threading.Lock()
_gc_pauses = 0  # big messages in line
_gc_was_enabled = False


def _pause_gc() -> None:
    """Pause the cyclic garbage collector while a big message is in line. Parsing and applying
    one makes hundreds of thousands of objects, and every full collection on the way walks all
    of them holding the interpreter lock (0.1–0.2 s each): the event loop would stop for as long.
    They hold no cycles, so reference counting frees them once the message is handled, before
    the collector runs again (:func:`_resume_gc`) and has them to walk."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1


def _resume_gc() -> None:
    global _gc_pauses
    with _gc_lock:
        _gc_pauses -= 1
        if _gc_pauses == 0 and _gc_was_enabled:
            gc.enable()


def _rpc(message: object) -> RPCMessage:
    """A message as pygls structured it from the body (a body that is no message at all is
    pygls's to refuse, as it would be without this protocol)."""
    return cast("RPCMessage", message)


def _out_of_order(message: object) -> bool:
    """Whether ``message`` may be handled before earlier ones that are still being worked on."""
    method = getattr(message, "method", None)
    if method is None:
        return True  # a reply to one of the server's requests
    if method == types.WORKSPACE_EXECUTE_COMMAND:
        params = getattr(message, "params", None)
        return getattr(params, "command", None) in OUT_OF_ORDER_COMMANDS
    return method in OUT_OF_ORDER_METHODS


def _log_failure(task: asyncio.Future[object]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("handler failed", exc_info=task.exception())
