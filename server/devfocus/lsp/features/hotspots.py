"""Insights as diagnostics where they point at code (``devfocus-insights``): the hotspot
definitions of open Python files, published with the document version they were made from.

A file is looked at when it opens, when its edits settle, when the settings or the workspace's
trust change, and when the store or git may say something new (new commits, erased data). A
look is cheap once the file's log and the week's ranking are cached (see
:mod:`devfocus.app.editorinsights`); diagnostics are sent only when they changed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from devfocus.lsp.analysis import DEBOUNCE_SECONDS, SEVERITY
from devfocus.lsp.documents import is_python
from devfocus.lsp.feature import LanguageFeature

if TYPE_CHECKING:
    from devfocus.app.editorinsights import PlacedHotspot
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

SOURCE = "devfocus-insights"
CODE = "hotspot"
# Seconds to let a burst of live events settle (a commit's import, window focus changes) before
# looking at every open file again.
STATE_SETTLE = 1.0


class HotspotFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        self._open: set[str] = set()  # the open Python documents
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._edited: dict[str, float] = {}  # the last edit of each document (monotonic clock)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # What was last published per document: (version, diagnostics' content); none: nothing.
        self._published: dict[str, tuple[int | None, tuple[object, ...]]] = {}

    # -- documents -----------------------------------------------------------------------------
    def document_opened(self, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if is_python(document.uri, document.language_id):
            self._open.add(document.uri)
            self._schedule(document.uri, 0.0)

    def document_changed(self, params: types.DidChangeTextDocumentParams) -> None:
        # Called for every keystroke: note the time only. A timer already pending looks again
        # when the edits settle (see _settled), so a burst costs one timer, not one per change.
        uri = params.text_document.uri
        if uri in self._open:
            self._edited[uri] = time.monotonic()
            if uri not in self._timers:
                loop = asyncio.get_running_loop()
                self._timers[uri] = loop.call_later(DEBOUNCE_SECONDS, self._settled, uri)

    def document_closed(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri not in self._open:
            return
        self._open.discard(uri)
        self._edited.pop(uri, None)
        self._cancel(uri)
        if self._published.pop(uri, None) is not None:
            self._publish(uri, None, [])

    # -- the server's events -------------------------------------------------------------------
    def settings_changed(self) -> None:
        if self._open:  # else nothing was counted for this feature yet
            # The settings that count focus (idle timeout, exclusions) may have changed.
            self.server.editor_insights().forget_focus()
        self._schedule_all(0.0)

    def state_changed(self) -> None:
        self._schedule_all(STATE_SETTLE)

    def data_erased(self) -> None:
        self.server.editor_insights().forget_focus()
        self._schedule_all(0.0)

    def shutdown(self) -> None:
        for uri in list(self._open):
            self._cancel(uri)
        self._open.clear()

    # -- looking at a document -----------------------------------------------------------------
    def _schedule_all(self, delay: float) -> None:
        for uri in self._open:
            self._schedule(uri, delay)

    def _schedule(self, uri: str, delay: float) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[uri] = loop.call_later(delay, self._start, uri)

    def _settled(self, uri: str) -> None:
        """A look after edits, once none came for the debounce time (the event loop's clock is
        the monotonic one)."""
        quiet = time.monotonic() - self._edited.get(uri, 0.0)
        if quiet < DEBOUNCE_SECONDS:
            loop = asyncio.get_running_loop()
            self._timers[uri] = loop.call_later(DEBOUNCE_SECONDS - quiet, self._settled, uri)
            return
        self._start(uri)

    def _cancel(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        task = self._tasks.pop(uri, None)
        if task is not None:
            task.cancel()

    def _start(self, uri: str) -> None:
        self._timers.pop(uri, None)
        previous = self._tasks.pop(uri, None)
        if previous is not None:
            previous.cancel()  # an older look: its answer would be dropped anyway
        task = asyncio.ensure_future(self._look(uri))
        self._tasks[uri] = task
        task.add_done_callback(lambda done: self._done(uri, done))

    def _done(self, uri: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(uri) is task:
            del self._tasks[uri]
        if not task.cancelled() and task.exception() is not None:
            log.error("could not look for hotspots in %s", uri, exc_info=task.exception())

    async def _look(self, uri: str) -> None:
        document = self.server.open_document(uri)
        if document is None or uri not in self._open:
            return
        version = document.version
        severity = self._severity()
        if severity is None:
            self._clear(uri)
            return
        path = to_fs_path(uri)
        if not path:
            return
        placed = await self.server.editor_insights().file_hotspots(
            path,
            (uri, version),
            document.source,
            self.server.settings,
            self.server.module_facts(uri),
        )
        current = self.server.open_document(uri)
        if current is None or current.version != version or uri not in self._open:
            return  # a newer version is on its way
        if placed is None:
            return  # nothing can be said now (mid-edit, no ranking in time): what was said stands
        if self._severity() != severity:
            return  # the settings changed meanwhile: a new look is scheduled
        diagnostics = [self._diagnostic(current.lines, p, severity) for p in placed]
        content = tuple(
            (d.range.start.line, d.range.start.character, d.message, d.severity)
            for d in diagnostics
        )
        if self._published.get(uri) == (version, content):
            return
        if not diagnostics and uri not in self._published:
            return  # nothing said before, nothing to say now
        self._published[uri] = (version, content)
        self._publish(uri, version, diagnostics)

    def _severity(self) -> types.DiagnosticSeverity | None:
        """The diagnostics' severity; None when they are off (by the setting, with git off, or
        for a workspace whose repositories may not be read)."""
        settings = self.server.settings
        if not settings.git.enabled or not self.server.trust.any_allowed:
            return None
        return SEVERITY.get(settings.insights.hotspot_severity)  # `off`: none

    def _clear(self, uri: str) -> None:
        if self._published.pop(uri, None) is not None:
            document = self.server.open_document(uri)
            self._publish(uri, document.version if document is not None else None, [])

    def _diagnostic(
        self, lines: Sequence[str], placed: PlacedHotspot, severity: types.DiagnosticSeverity
    ) -> types.Diagnostic:
        codec = self.server.workspace.position_codec
        name = types.Range(
            start=types.Position(placed.line, placed.start),
            end=types.Position(placed.line, placed.end),
        )
        insight = placed.insight
        return types.Diagnostic(
            range=codec.range_to_client_units(lines, name),
            message=insight.message,
            severity=severity,
            code=CODE,
            source=SOURCE,
            data={"id": insight.id, "qualname": insight.definition},
        )

    def _publish(self, uri: str, version: int | None, diagnostics: list[types.Diagnostic]) -> None:
        # With the docstring diagnostics of the same file: a publish replaces the client's list.
        self.server.publish_diagnostics_of(
            SOURCE,
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics),
        )
