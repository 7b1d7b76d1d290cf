"""A debounced background analysis per open document: one worker thread, the newest version's
result published, stale and failed ones dropped; and :class:`AnalysisFeature`, the base of the
features that publish diagnostics from such an analysis (docstrings, commit coaching)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from lsprotocol import types

from devfocus.lsp.feature import LanguageFeature

if TYPE_CHECKING:
    from devfocus.lsp.documents import LineDocument
    from devfocus.lsp.server import DevFocusServer

# Seconds after the last edit before a document is analysed again: typing has paused.
DEBOUNCE_SECONDS = 0.3
# A finding's severity as the settings and the core name it → the LSP's.
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


class Versioned(Protocol):
    """A result that names the version of the document it was made from."""

    @property
    def version(self) -> int | None: ...


T = TypeVar("T", bound=Versioned)

# What to run for a document: a key (an analysis already running with the same key is reused)
# and the call that does the work on the worker thread.
Work = tuple[Hashable, Callable[[], T | None]]


class DebouncedAnalysis(Generic[T]):
    """Analyses of open documents on one worker thread: at once when a document opens or the
    settings change, ``debounce`` seconds after the last edit otherwise. A result reaches
    ``accept`` only while its document is open at the version it was made from.

    ``document(uri)`` is the open document (None when it is not); ``prepare(uri, document)`` is
    the :data:`Work` for it, or None for nothing to do. A failed analysis is logged to ``log``
    with ``failure``, a message with one ``%s`` for the uri.
    """

    def __init__(
        self,
        document: Callable[[str], LineDocument | None],
        prepare: Callable[[str, LineDocument], Work[T] | None],
        accept: Callable[[str, T], None],
        *,
        debounce: float,
        thread_name: str,
        failure: str,
        log: logging.Logger,
        warm_up: Callable[[], object] | None = None,
    ) -> None:
        self._document = document
        self._prepare = prepare
        self._accept = accept
        self._debounce = debounce
        self._thread_name = thread_name
        self._failure = failure
        self._log = log
        self._warm_up = warm_up
        self.languages: dict[str, str] = {}  # the documents analysed: uri → language id
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._running: dict[str, tuple[Hashable, asyncio.Future[T | None]]] = {}
        # One worker: analyses of one file never race, and the editor's work keeps a core.
        self._executor: ThreadPoolExecutor | None = None

    def opened(self, uri: str, language_id: str) -> None:
        """Analyse the document from now on, starting at once."""
        self.languages[uri] = language_id
        self.schedule(uri, delay=0.0)

    def changed(self, uri: str) -> None:
        """The document was edited: analyse it when the edits settle."""
        if uri in self.languages:
            self.schedule(uri, delay=self._debounce)

    def forget(self, uri: str) -> bool:
        """Stop analysing the document: a scheduled analysis is called off, a running one's
        result dropped. False when it was not analysed."""
        if self.languages.pop(uri, None) is None:
            return False
        self._cancel_timer(uri)
        return True

    def reanalyse_all(self) -> None:
        """Analyse every document again, at once (the settings changed)."""
        for uri in self.languages:
            self.schedule(uri, delay=0.0)

    def schedule(self, uri: str, delay: float) -> None:
        """Analyse ``uri`` after ``delay`` seconds, unless scheduled again before then."""
        self._cancel_timer(uri)
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(delay, self.start, uri)

    def start(self, uri: str) -> asyncio.Future[T | None] | None:
        """Analyse ``uri`` now (a scheduled start is called off); None when there is nothing to
        analyse."""
        self._cancel_timer(uri)
        document = self._document(uri)
        if document is None:
            return None
        work = self._prepare(uri, document)
        if work is None:
            return None
        key, job = work
        running = self._running.get(uri)
        if running is not None and running[0] == key:
            return running[1]  # the same input is already being analysed
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool(), job)
        self._running[uri] = (key, future)
        future.add_done_callback(lambda f: self._done(uri, f))
        return future

    async def latest(self, uri: str, known: T | None) -> T | None:
        """The result for the document's current version: ``known`` if it is that, else one made
        now, without waiting for edits to settle."""
        document = self._document(uri)
        if document is None or uri not in self.languages:
            return None
        if known is not None and known.version == document.version:
            return known
        future = self.start(uri)
        if future is None:
            return None
        result = await asyncio.shield(future)
        return result if result is not None and result.version == document.version else None

    def pool(self) -> ThreadPoolExecutor:
        """The worker thread, also for other work that must not race the analyses."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix=self._thread_name)
            if self._warm_up is not None:
                self._executor.submit(self._warm_up)
        return self._executor

    def close(self) -> None:
        """Stop the worker thread; work it has not started is cancelled."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def _cancel_timer(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()  # a no-op for the timer that is calling start()

    def _done(self, uri: str, future: asyncio.Future[T | None]) -> None:
        running = self._running.get(uri)
        if running is not None and running[1] is future:
            del self._running[uri]
        if future.cancelled() or uri not in self.languages:
            return
        error = future.exception()
        if error is not None:
            self._log.error(self._failure, uri, exc_info=error)
            return
        result = future.result()
        document = self._document(uri)
        if result is None or document is None or document.version != result.version:
            return  # a newer version is on its way
        self._accept(uri, result)


class AnalysisFeature(LanguageFeature, Generic[T]):
    """A feature that analyses some open documents in the background (see
    :class:`DebouncedAnalysis`) and publishes diagnostics from the results.

    Subclasses say which documents they analyse (:meth:`analyses`), what to run for one
    (:meth:`prepare`, on the event loop), what to do with a result of the current version
    (:meth:`accept`), and what to drop when a document they analysed closes (:meth:`forget`).
    A failed analysis is logged to the logger of the subclass's module.
    """

    def __init__(
        self,
        server: DevFocusServer,
        *,
        thread_name: str,
        failure: str,
        debounce: float = DEBOUNCE_SECONDS,
        warm_up: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(server)
        self.analysis: DebouncedAnalysis[T] = DebouncedAnalysis(
            server.open_document,
            self.prepare,
            self.accept,
            debounce=debounce,
            thread_name=thread_name,
            failure=failure,
            log=logging.getLogger(type(self).__module__),  # the feature module's own logger
            warm_up=warm_up,
        )

    @property
    def languages(self) -> dict[str, str]:
        """The documents analysed: uri → language id."""
        return self.analysis.languages

    # -- what subclasses fill in -----------------------------------------------------------------
    def analyses(self, uri: str, language_id: str) -> bool:
        """Whether the document is one this feature analyses."""
        raise NotImplementedError

    def prepare(self, uri: str, document: LineDocument) -> Work[T] | None:
        """What to run for the document's current text; None for nothing."""
        raise NotImplementedError

    def accept(self, uri: str, result: T) -> None:
        """The analysis of the document's current version is done."""
        raise NotImplementedError

    def forget(self, uri: str) -> None:
        """A document this feature analysed was closed: drop what was kept of it."""

    # -- hooks -------------------------------------------------------------------------------------
    def document_opened(self, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if self.analyses(document.uri, document.language_id):
            self.analysis.opened(document.uri, document.language_id)

    def document_changed(self, params: types.DidChangeTextDocumentParams) -> None:
        self.analysis.changed(params.text_document.uri)

    def document_closed(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if self.analysis.forget(uri):
            self.forget(uri)

    def settings_changed(self) -> None:
        self.analysis.reanalyse_all()

    def close(self) -> None:
        self.analysis.close()

    # -- helpers ---------------------------------------------------------------------------------
    def publish(self, uri: str, version: int | None, diagnostics: list[types.Diagnostic]) -> None:
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )

    def client_range(
        self, lines: list[str], line: int, start: int, end_line: int, end: int
    ) -> types.Range:
        """A range in code points of ``lines``, in the client's position encoding."""
        codec = self.server.workspace.position_codec
        return codec.range_to_client_units(
            lines,
            types.Range(
                start=types.Position(line=line, character=start),
                end=types.Position(line=end_line, character=end),
            ),
        )
