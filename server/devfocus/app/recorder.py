"""The one way in for editor activity: tracker records become stored events.

Used from one thread only (the store's). Each record is placed (project, path, branch); document
events of excluded files are dropped. Rows that could not be written stay in a bounded buffer and
are retried with the next write, so a database that is locked or away loses nothing until the
buffer is full, and then only the oldest rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from devfocus.activity.records import Activity, Context, Kind
from devfocus.activity.tracker import Record
from devfocus.app.locate import Location, Locator
from devfocus.store.database import Database
from devfocus.store.events import write_events
from devfocus.timeutil import epoch_ms

BUFFER_LIMIT = 100_000
_DOCUMENT_KINDS = frozenset({Kind.OPEN, Kind.EDIT, Kind.SAVE, Kind.CLOSE})


class EventRow(TypedDict):
    """One row of the events table, as :func:`~devfocus.store.events.write_events` takes it."""

    id: int
    start_ms: int
    end_ms: int
    kind: str
    project: str | None
    path: str | None
    language: str | None
    branch: str | None
    editor: str | None
    source: str
    lines_added: int
    lines_removed: int
    lines_bulk: int


class Recorder:
    def __init__(
        self,
        locator: Locator,
        *,
        source: str,
        editor: str | None = None,
        limit: int = BUFFER_LIMIT,
    ) -> None:
        self.locator = locator
        self.source = source
        self.editor = editor
        self.limit = limit
        self.dropped = 0  # rows lost to a full buffer, since start
        self._unwritten: dict[int, EventRow] = {}
        self._placed: dict[int, Location | None] = {}  # growing spans keep their first place

    def __len__(self) -> int:
        return len(self._unwritten)

    def add(self, records: Iterable[Record]) -> None:
        for record in records:
            location = self._place(record)
            if location is None and record.kind in _DOCUMENT_KINDS:
                continue  # an excluded or non-file document
            self._unwritten[record.id] = self._row(record, location)
        while len(self._unwritten) > self.limit:
            del self._unwritten[next(iter(self._unwritten))]
            self.dropped += 1

    def write(self, database: Database) -> int:
        """Write everything buffered; raises StoreError (and keeps the rows) on failure."""
        rows = list(self._unwritten.values())
        if not rows:
            return 0
        database.run(lambda engine: write_events(engine, rows))
        for row in rows:
            if self._unwritten.get(row["id"]) is row:
                del self._unwritten[row["id"]]
        return len(rows)

    def clear(self) -> None:
        """Forgets what is not written yet (the user deleted their data)."""
        self._unwritten.clear()
        self._placed.clear()

    def unwritten(self) -> list[Activity]:
        """What is buffered, as activity (live status counts it before it reaches the disk)."""
        return [_activity(row) for row in self._unwritten.values()]

    def _place(self, record: Record) -> Location | None:
        if record.id in self._placed:
            location = self._placed[record.id]
        else:
            location = self.locator.locate(record.uri) if record.uri is not None else None
        if record.final:
            self._placed.pop(record.id, None)
        else:
            self._placed[record.id] = location
        return location

    def _row(self, record: Record, location: Location | None) -> EventRow:
        return {
            "id": record.id,
            "start_ms": epoch_ms(record.start),
            "end_ms": epoch_ms(record.end),
            "kind": record.kind.value,
            "project": location.project if location else None,
            "path": location.path if location else None,
            "language": record.language,
            "branch": location.branch if location else None,
            "editor": self.editor,
            "source": self.source,
            "lines_added": record.lines_added,
            "lines_removed": record.lines_removed,
            "lines_bulk": record.lines_bulk,
        }


def _activity(row: EventRow) -> Activity:
    project = row["project"]
    return Activity(
        row["start_ms"] / 1000,
        row["end_ms"] / 1000,
        Kind(row["kind"]),
        Context(project, row["branch"]) if project is not None else None,
        row["language"],
        row["path"],
        row["editor"],
        row["source"],
        row["lines_added"],
        row["lines_removed"],
        row["lines_bulk"],
    )
