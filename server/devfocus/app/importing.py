"""Merging an export made elsewhere (``devfocus export``, on another machine say) into this
database: what ``devfocus import FILE`` runs.

Event ids are random 63-bit integers chosen by the process that wrote the event, so an event
is the same event wherever it is stored, and an import is idempotent by id. Each event is
validated, then merged (:func:`devfocus.store.events.merge_events`): new, already present,
updated (a span that grew since it was exported elsewhere), or refused (invalid, or its id
holds a different event here). A JSON export's git history is merged too: repositories by
their root, commits by their sha (with their files), checkouts by moment and target, tasks by
their content. The other tables a JSON export holds (focus blocks, tracker issues and pull
requests, task links, switch notes) are counted, not merged.

A file is read twice, streamed both times (one element of the JSON in memory at a time, the
CSV row by row): first checked whole, so a file that is not an export, one from a newer
DevFocus or one cut short writes nothing at all; then merged, a batch of events to a writing
transaction, so the editors' servers writing the same database wait for a batch at most.

Reading a file is :mod:`devfocus.app.exportreader`'s; merging its git history is
:mod:`devfocus.store.historymerge`'s.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devfocus.activity.records import Kind
from devfocus.app.exportreader import (
    MAX_ELEMENT_CHARS,
    csv_rows,
    json_elements,
    open_text,
    scan_csv,
    scan_json,
)
from devfocus.app.exportreader import NotImportable as NotImportable
from devfocus.app.userdata import EXPORT_FORMAT
from devfocus.store.historymerge import MAX_ID, MERGED_TABLES, HistoryMerge

if TYPE_CHECKING:
    from devfocus.store.database import Database

BATCH = 2000  # events to a transaction
MAX_REASONS = 5  # refusals reported per file (all are counted)
MAX_SPAN_MS = 86_400_000  # an edit span covers a minute at most; a day is absurd
MAX_TEXT = 4096  # a project root, a path, a branch
MAX_LINES = 10_000_000
FUTURE_MS = 86_400_000  # clocks differ between machines, but not by a day
# The text fields of an exported event: (its name, the column, the most characters it holds).
_TEXTS = (
    ("kind", "kind", 16),
    ("project", "project", MAX_TEXT),
    ("path", "path", MAX_TEXT),
    ("language", "language", 64),
    ("branch", "branch", MAX_TEXT),
    ("editor", "editor", 64),
    ("source", "source", 32),
)
_LINES = (
    ("linesAdded", "lines_added"),
    ("linesRemoved", "lines_removed"),
    ("linesBulk", "lines_bulk"),
)
_KINDS = frozenset(k.value for k in Kind)
_INTEGER = re.compile(r"\s*[-+]?\d{1,20}\s*")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)


@dataclass
class Counts:
    """Rows of one kind in one file, by what the import did with them."""

    new: int = 0
    present: int = 0
    updated: int = 0
    refused: int = 0
    reasons: list[str] = field(default_factory=list)  # the first MAX_REASONS refusals

    def refuse(self, reason: str) -> None:
        self.refused += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(reason)

    def as_json(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "alreadyPresent": self.present,
            "updated": self.updated,
            "refused": self.refused,
            "refusedReasons": list(self.reasons),
        }


@dataclass
class FileImport:
    """What importing one export file did."""

    path: str
    format: str  # json | csv
    version: int | None  # a JSON export's; a CSV export has none
    events: Counts = field(default_factory=Counts)
    history: dict[str, Counts] = field(default_factory=dict)  # table (as exported) → counts
    not_merged: dict[str, int] = field(default_factory=dict)  # table → rows left out
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "format": self.format,
            "version": self.version,
            "events": self.events.as_json(),
            "history": {name: c.as_json() for name, c in self.history.items()},
            "notMerged": dict(self.not_merged),
            "seconds": round(self.seconds, 3),
        }


Progress = Callable[[int, int], object]  # (events done, events in the file)


def import_export(
    database: Database, path: str | Path, progress: Progress | None = None
) -> FileImport:
    """Merge the export at ``path`` into ``database``; :class:`NotImportable` (with nothing
    written) when it is not one that can be."""
    started = time.perf_counter()
    path = Path(path)
    fmt = sniff(path)
    scan = scan_json(path) if fmt == "json" else scan_csv(path)
    result = FileImport(str(path), fmt, scan.version)
    result.not_merged = {
        name: rows
        for name, rows in scan.tables.items()
        if name not in MERGED_TABLES and name != "events" and rows
    }
    merger = _Merger(database, result, scan.events, progress)
    if progress is not None:
        progress(0, scan.events)
    if fmt == "json":
        _merge_json(path, merger)
    else:
        _merge_csv(path, merger)
    merger.flush()
    result.seconds = time.perf_counter() - started
    return result


# -- what a file is ----------------------------------------------------------------------------
def sniff(path: Path) -> str:
    """``json`` or ``csv``: what the export at ``path`` looks like, from its beginning."""
    try:
        with open(path, "rb") as raw:
            head = raw.read(4096)
    except OSError as error:
        raise NotImportable(f"cannot read it: {error.strerror or error}") from error
    if not head.strip():
        raise NotImportable("it is empty, not a DevFocus export")
    if b"\x00" in head:
        raise NotImportable("it is a binary file, not a DevFocus export")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not a character cut at the end of what was read
            raise NotImportable("it is not UTF-8 text, so not a DevFocus export") from error
        text = head[: error.start].decode("utf-8-sig")
    first = text.lstrip()[:1]
    if first == "{":
        return "json"
    if first == "[":
        raise NotImportable(
            f'it is JSON but not a DevFocus export (an object with "format": "{EXPORT_FORMAT}")'
        )
    return "csv"


# -- a file's rows, to be merged ---------------------------------------------------------------
def _merge_json(path: Path, merger: _Merger) -> None:
    number = 0
    with open_text(path) as text:
        for key, element, value in json_elements(text):
            if not element:
                continue
            if key == "events":
                number += 1
                merger.event(f"event {number}", value)
            elif key in MERGED_TABLES:
                merger.history_row(key, value)


def _merge_csv(path: Path, merger: _Merger) -> None:
    with open_text(path) as text:
        for line, row in csv_rows(text):
            merger.event(f"line {line}", row)


# -- checking an event -------------------------------------------------------------------------
class _Invalid(ValueError):
    pass


def event_row(item: Any) -> dict[str, Any]:
    """The database row of an exported event (a JSON element, or a CSV row's strings), or
    ``_Invalid`` saying what is wrong with it."""
    if not isinstance(item, Mapping):
        raise _Invalid("not an object")
    event_id = _integer(item, "id", required=True)
    if not 0 <= event_id <= MAX_ID:
        raise _Invalid(f"id {event_id} is out of range (0 to 2^63 - 1)")
    try:
        start = _instant(item, "start")
        end = _instant(item, "end")
        if end < start:
            raise _Invalid("end is before start")
        if end - start > MAX_SPAN_MS:
            raise _Invalid(f"spans {(end - start) / 3_600_000:,.0f} hours (a day at most)")
        row: dict[str, Any] = {"id": event_id, "start_ms": start, "end_ms": end}
        get = item.get
        for name, column, limit in _TEXTS:
            value = get(name)
            if value is None or value == "":
                row[column] = None
            elif type(value) is str and len(value) <= limit and "\x00" not in value:
                row[column] = value
            else:
                row[column] = _text(item, name, limit)  # says what is wrong
        kind = row["kind"]
        if kind not in _KINDS:
            raise _Invalid(f"unknown kind {kind!r}" if kind else "kind is missing")
        for name, column in _LINES:
            value = get(name)
            if type(value) is not int:
                value = _integer(item, name)
            if not 0 <= value <= MAX_LINES:
                raise _Invalid(f"{name} {value} is out of range (0 to {MAX_LINES:,})")
            row[column] = value
        if row["lines_bulk"] > row["lines_added"]:
            raise _Invalid("linesBulk is more than linesAdded")
        return row
    except _Invalid as invalid:
        raise _Invalid(f"id {event_id}: {invalid}") from None


def _integer(item: Mapping[str, Any], name: str, *, required: bool = False) -> int:
    value = item.get(name)
    if value is None or value == "":
        if required:
            raise _Invalid(f"{name} is missing")
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    raise _Invalid(f"{name} is not an integer")


def _instant(item: Mapping[str, Any], name: str) -> int:
    """UTC epoch milliseconds of an ISO 8601 time with its offset."""
    value = item.get(name)
    if value is None or value == "":
        raise _Invalid(f"{name} is missing")
    if not isinstance(value, str) or len(value) > 40:
        raise _Invalid(f"{name} is not a time")
    text = value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value  # Python 3.10 reads no Z
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Invalid(f"{name} {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise _Invalid(f"{name} {value!r} has no time zone")
    ms = (moment - _EPOCH) // _MS
    if ms < 0:
        raise _Invalid(f"{name} {value!r} is before 1970")
    if ms > time.time() * 1000 + FUTURE_MS:
        raise _Invalid(f"{name} {value!r} is in the future")
    return int(ms)


def _text(item: Mapping[str, Any], name: str, limit: int) -> str | None:
    value = item.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Invalid(f"{name} is not text")
    if len(value) > limit:
        raise _Invalid(f"{name} is longer than {limit:,} characters")
    if "\x00" in value:
        raise _Invalid(f"{name} holds a NUL character")
    return value


# -- merging -----------------------------------------------------------------------------------
class _Merger:
    """Rows in, batches out: each batch merged in a writing transaction of its own."""

    def __init__(
        self, database: Database, result: FileImport, total: int, progress: Progress | None
    ) -> None:
        self.database = database
        self.result = result
        self.total = total
        self.progress = progress
        self.done = 0
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.table: str | None = None
        self.rows: list[dict[str, Any]] = []
        self.history = HistoryMerge(MAX_ELEMENT_CHARS)

    def event(self, where: str, item: Any) -> None:
        try:
            row = event_row(item)
        except _Invalid as invalid:
            self.result.events.refuse(f"{where}: {invalid}")
            self._advance(1)
            return
        self.events.append((where, row))
        if len(self.events) >= BATCH:
            self._flush_events()

    def history_row(self, table: str, item: Any) -> None:
        if table != self.table:
            self.flush()
            self.table = table
        self.rows.append(item)
        if len(self.rows) >= BATCH:
            self._flush_rows()

    def flush(self) -> None:
        self._flush_events()
        self._flush_rows()

    def _flush_events(self) -> None:
        if not self.events:
            return
        from devfocus.store.events import merge_events

        batch, self.events = self.events, []
        merged = self.database.run(lambda engine: merge_events(engine, [r for _, r in batch]))
        counts = self.result.events
        counts.new += merged.new
        counts.present += merged.present
        counts.updated += merged.updated
        if merged.clashes:
            where = {row["id"]: w for w, row in batch}
            for clash in merged.clashes:
                counts.refuse(f"{where[clash]}: id {clash} holds a different event here")
        self._advance(len(batch))

    def _flush_rows(self) -> None:
        if not self.rows or self.table is None:
            return
        table, rows = self.table, self.rows
        self.rows = []
        counts = self.result.history.setdefault(table, Counts())
        self.database.run(lambda engine: self.history.merge(engine, table, rows, counts))

    def _advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)
