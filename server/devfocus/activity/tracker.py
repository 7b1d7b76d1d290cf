"""The tracker: editor notifications in, coalesced records out, with O(1) work per notification.

It lives on the language server's event loop and does no I/O. Edits to one document are
coalesced into one span record per minute at most (as WakaTime coalesces heartbeats), so
storage grows with minutes of work, not keystrokes. :meth:`Tracker.drain` hands everything
recorded so far to the recorder, including copies of spans still growing (written again, under
the same id, once they grow).

A span grows only while its document is the one being worked on: activity anywhere else closes
it, so spans never overlap and the order of work (A, then B, then A again) survives coalescing.

While the window is unfocused or tracking is paused nothing is recorded but the marker that
starts it, so idle time is never counted as focus.

Lines that arrive in one large content change (a paste, a completion, generated code) are also
counted apart, as ``lines_bulk``: a change that adds at least ``bulk_lines`` lines by itself.
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from devfocus.activity.records import Kind

SPAN_LIMIT = 60.0  # seconds: an edit span never covers more than a minute
COALESCE_GAP = 60.0  # seconds: a longer pause between edits starts a new span
TICK = 0.001  # seconds: successive records start at least this far apart (times are stored in ms)
_NO_BULK = sys.maxsize  # a line count no single change reaches

# One content change of a didChange: (start line, end line, text) of an incremental change, or
# (None, None, text) for a whole-document replacement.
LineChange = tuple[int | None, int | None, str]


@dataclass(slots=True)
class Record:
    """An event as the tracker saw it: a document URI, not yet a project and path."""

    id: int
    kind: Kind
    uri: str | None
    language: str | None
    start: float  # seconds since the epoch
    end: float
    lines_added: int = 0
    lines_removed: int = 0
    lines_bulk: int = 0  # of lines_added: those added by single changes of bulk_lines or more
    final: bool = True  # False for an edit span that may still grow


@dataclass(slots=True)
class _Document:
    language: str | None
    lines: int


def line_delta(
    changes: Iterable[LineChange], lines: int, bulk_lines: float = math.inf
) -> tuple[int, int, int, int]:
    """Line breaks added and removed by ``changes``, the lines added by those of them that add
    ``bulk_lines`` or more each (bulk), and the document's new line count.

    A change adds the line breaks it inserts; a whole-document replacement adds only what makes
    the document longer (clients without incremental sync send the whole text per keystroke).
    """
    added = removed = bulk = 0
    for start, end, text in changes:
        breaks = text.count("\n")
        if start is None or end is None:
            grown = breaks - lines
            if grown >= 0:
                added += grown
                if grown >= bulk_lines:
                    bulk += grown
            else:
                removed -= grown
            lines = breaks
        else:
            added += breaks
            if breaks >= bulk_lines:
                bulk += breaks
            removed += max(0, end - start)
            lines += breaks - max(0, end - start)
    return added, removed, bulk, max(lines, 0)


def _trackable(uri: str | None) -> bool:
    return uri is not None and uri.startswith("file:")


class Tracker:
    def __init__(
        self,
        *,
        coalesce_gap: float = COALESCE_GAP,
        bulk_lines: float = math.inf,
        new_id: Callable[[], int] = lambda: random.getrandbits(63),
    ) -> None:
        self.coalesce_gap = min(coalesce_gap, COALESCE_GAP)  # at most a minute
        self.bulk_lines = bulk_lines
        self.paused = False
        self.focused = True  # clients that never report window focus count as focused
        self._new_id = new_id
        self._documents: dict[str, _Document] = {}
        self._spans: dict[str, Record] = {}
        self._grown: set[str] = set()  # open spans changed since the last drain
        self._pending: list[Record] = []
        self._active_uri: str | None = None
        self._last_start = float("-inf")

    @property
    def bulk_lines(self) -> float:
        """A single change adding this many lines or more is a bulk insertion (the service sets
        it from devfocus.insights.bulkLines; by default nothing is). Applies from the next
        change."""
        return self._bulk_lines

    @bulk_lines.setter
    def bulk_lines(self, value: float) -> None:
        self._bulk_lines = value
        # Kept as an int too: comparing two ints on every change is cheaper than int to float.
        self._bulk_min = math.ceil(value) if value < _NO_BULK else _NO_BULK

    @property
    def recording(self) -> bool:
        return self.focused and not self.paused

    # -- document lifecycle ----------------------------------------------------------------
    def opened(self, uri: str, language: str | None, lines: int, now: float) -> None:
        self._documents[uri] = _Document(language, lines)
        self._instant(Kind.OPEN, uri, now)

    def changed(self, uri: str, changes: Iterable[LineChange], now: float) -> None:
        doc = self._documents.get(uri)
        if doc is None:
            return
        added, removed, bulk, doc.lines = line_delta(changes, doc.lines, self._bulk_min)
        if not self.recording or not _trackable(uri):
            return
        self._close_others(uri)
        span = self._spans.get(uri)
        self._grown.add(uri)
        if (
            span is not None
            and now - span.start <= SPAN_LIMIT
            and now - span.end <= self.coalesce_gap
        ):
            span.end = max(span.end, now)
            span.lines_added += added
            span.lines_removed += removed
            if bulk:
                span.lines_bulk += bulk
            return
        if span is not None:
            self._close(span)
        start = self._start_time(now)
        self._spans[uri] = Record(
            self._new_id(),
            Kind.EDIT,
            uri,
            doc.language,
            start,
            start,
            added,
            removed,
            bulk,
            final=False,
        )

    def saved(self, uri: str, now: float) -> None:
        if uri in self._documents:
            self._instant(Kind.SAVE, uri, now)

    def closed(self, uri: str, now: float) -> None:
        if (span := self._spans.pop(uri, None)) is not None:
            self._close(span)
        if uri in self._documents:
            self._instant(Kind.CLOSE, uri, now)
            del self._documents[uri]
        if self._active_uri == uri:
            self._active_uri = None

    # -- window and editor focus -----------------------------------------------------------
    def window_state(self, focused: bool, now: float) -> None:
        if focused == self.focused:
            return
        if not focused:
            if self.recording:
                self._close_all()
                self._record(Kind.BLUR, self._active_uri, now)
            self.focused = False
            return
        self.focused = True
        self._instant(Kind.FOCUS, self._active_uri, now)

    def active_editor(self, uri: str | None, now: float) -> None:
        self._active_uri = uri if _trackable(uri) else None
        self._instant(Kind.ACTIVATE, self._active_uri, now)

    def pause(self, now: float) -> None:
        if self.paused:
            return
        if self.recording:
            self._close_all()
            self._record(Kind.PAUSE, None, now)
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    # -- hand-over ---------------------------------------------------------------------------
    def has_records(self) -> bool:
        return bool(self._pending or self._grown)

    def drain(self, now: float) -> list[Record]:
        """Everything recorded since the last drain; spans still growing are included as copies
        when they grew."""
        for span in list(self._spans.values()):
            if now - span.start >= SPAN_LIMIT or now - span.end > self.coalesce_gap:
                self._close(span)
        out, self._pending = self._pending, []
        out.extend(replace(self._spans[uri]) for uri in self._grown if uri in self._spans)
        self._grown.clear()
        return out

    def forget(self) -> None:
        """Drops what was not handed over yet and the spans still open: the user deleted their
        data, and a span that kept growing would bring its earlier part back."""
        self._spans.clear()
        self._grown.clear()
        self._pending.clear()

    # -- internals -------------------------------------------------------------------------
    def _instant(self, kind: Kind, uri: str | None, now: float) -> None:
        if not self.recording:
            return
        if uri is not None and not _trackable(uri):
            return
        self._record(kind, uri, now)

    def _record(self, kind: Kind, uri: str | None, now: float) -> None:
        doc = self._documents.get(uri) if uri is not None else None
        language = doc.language if doc is not None else None
        self._close_others(uri)
        start = self._start_time(now)
        self._pending.append(Record(self._new_id(), kind, uri, language, start, start))

    def _start_time(self, now: float) -> float:
        """Records start in the order they happen, even stored to the millisecond or when the
        clock steps back: each starts at least :data:`TICK` after the one before."""
        self._last_start = max(now, self._last_start + TICK)
        return self._last_start

    def _close(self, span: Record) -> None:
        span.final = True
        self._spans.pop(span.uri or "", None)
        self._pending.append(span)

    def _close_all(self) -> None:
        for span in list(self._spans.values()):
            self._close(span)

    def _close_others(self, uri: str | None) -> None:
        if self._spans and (len(self._spans) > 1 or uri not in self._spans):
            for other in [s for u, s in self._spans.items() if u != uri]:
                self._close(other)
