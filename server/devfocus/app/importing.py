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
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from devfocus.activity.records import Kind
from devfocus.app.userdata import EXPORT_FIELDS, EXPORT_FORMAT, EXPORT_VERSION

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine, Table

    from devfocus.store.database import Database

BATCH = 2000  # events to a transaction
MAX_REASONS = 5  # refusals reported per file (all are counted)
MAX_ELEMENT_CHARS = 8 << 20  # no event or history row of an export comes near this
MAX_SPAN_MS = 86_400_000  # an edit span covers a minute at most; a day is absurd
MAX_TEXT = 4096  # a project root, a path, a branch
MAX_LINES = 10_000_000
MAX_ID = 2**63 - 1
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
_CHUNK = 1 << 20  # characters read at a time
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_AFTER_ELEMENT = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")
_INTEGER = re.compile(r"\s*[-+]?\d{1,20}\s*")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)
_REQUIRED_CSV = ("id", "start", "end", "kind")
# The git-history tables of a JSON export that are merged, in the order export writes them.
MERGED_TABLES = ("repositories", "commits", "commitFiles", "checkouts", "tasks")


class NotImportable(Exception):
    """A file that is not imported at all: not an export, from a newer DevFocus, cut short or
    malformed. Nothing of it was written."""


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
    scan = _scan_json(path) if fmt == "json" else _scan_csv(path)
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


@dataclass
class _Scan:
    events: int = 0
    version: int | None = None
    tables: dict[str, int] = field(default_factory=dict)  # array → elements


def _open_text(path: Path) -> IO[str]:
    return open(path, encoding="utf-8-sig", newline="")


# -- JSON --------------------------------------------------------------------------------------
class _JsonStream:
    """A JSON text read a value at a time: at most one element (and a chunk) in memory."""

    def __init__(self, text: IO[str]) -> None:
        self._in = text
        self._buf = ""
        self._pos = 0
        self._base = 0  # characters dropped before the buffer
        self._eof = False
        self._decode = json.JSONDecoder().raw_decode

    def _more(self) -> bool:
        if self._eof:
            return False
        try:
            chunk = self._in.read(_CHUNK)
        except UnicodeDecodeError as error:
            raise NotImportable("it is not UTF-8 text throughout, so not an export") from error
        if not chunk:
            self._eof = True
            return False
        self._base += self._pos
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def where(self) -> str:
        return f"character {self._base + self._pos + 1:,}"

    def char(self) -> str:
        """The next character that is not white space, consumed; "" at the end."""
        while True:
            self._pos = _WHITESPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                self._pos += 1
                return self._buf[self._pos - 1]
            if not self._more():
                return ""

    def peek(self) -> str:
        c = self.char()
        if c:
            self._pos -= 1
        return c

    def value(self) -> Any:
        if not self.peek():
            raise _cut_short()
        while True:
            try:
                value, end = self._decode(self._buf, self._pos)
            except json.JSONDecodeError as error:
                if len(self._buf) - self._pos > MAX_ELEMENT_CHARS:
                    raise NotImportable(
                        f"it is not valid JSON at {self.where()}: {error.msg}"
                    ) from error
                if self._more():
                    continue
                if error.pos >= len(self._buf) - 1 or "Unterminated" in error.msg:
                    raise _cut_short() from error
                raise NotImportable(
                    f"it is not valid JSON at {self.where()}: {error.msg}"
                ) from error
            if end == len(self._buf) and self._more():
                continue  # a number may go on in the next chunk
            self._pos = end
            return value

    def elements(self) -> Iterator[Any]:
        """The elements of the array whose "[" was just read, up to its "]". Each is decoded
        where it lies in the buffer; the careful way (:meth:`value`, :meth:`expect`) is taken
        only at the buffer's end and for what does not decode."""
        if self.peek() == "]":
            self.char()
            return
        decode = self._decode
        after = _AFTER_ELEMENT.match
        while True:
            buf = self._buf
            try:
                value, end = decode(buf, self._pos)
                found = after(buf, end)
            except json.JSONDecodeError:
                found = None
            if found is None:
                value = self.value()
                c = self.expect(",]")
                if c == ",":
                    self.peek()  # to the next element: where the next decode starts
            else:
                self._pos = found.end()
                c = found.group(1)
            yield value
            if c == "]":
                return

    def expect(self, allowed: str) -> str:
        c = self.char()
        if not c:
            raise _cut_short()
        if c not in allowed:
            self._pos -= 1
            expected = " or ".join(repr(a) for a in allowed)
            raise NotImportable(f"it is not valid JSON at {self.where()}: expected {expected}")
        return c


def _cut_short() -> NotImportable:
    return NotImportable("it ends before the export does: the file is cut short")


def _json_elements(text: IO[str]) -> Iterator[tuple[str, bool, Any]]:
    """(key, True, element) for each element of the top-level object's arrays, (key, False,
    value) for its other values, in the file's order."""
    stream = _JsonStream(text)
    if stream.char() != "{":
        raise NotImportable(
            f'it is not a DevFocus export (a JSON object with "format": "{EXPORT_FORMAT}")'
        )
    if stream.peek() == "}":
        stream.char()
    else:
        while True:
            key = stream.value()
            if not isinstance(key, str):
                raise NotImportable(f"it is not valid JSON at {stream.where()}: a key expected")
            stream.expect(":")
            if stream.peek() == "[":
                stream.char()
                for element in stream.elements():
                    yield key, True, element
            else:
                yield key, False, stream.value()
            if stream.expect(",}") == "}":
                break
    if stream.char():
        raise NotImportable(f"it goes on after the export's end ({stream.where()})")


def _scan_json(path: Path) -> _Scan:
    """The whole file checked, streamed: raises :class:`NotImportable` if it cannot be
    imported."""
    scan = _Scan()
    fmt: Any = None
    version: Any = None
    with _open_text(path) as text:
        for key, element, value in _json_elements(text):
            if element:
                scan.tables[key] = scan.tables.get(key, 0) + 1
                if key == "events":
                    scan.events += 1
                continue
            if key == "format":
                fmt = value
                if fmt != EXPORT_FORMAT:
                    break
            elif key == "version":
                version = value
                _check_version(version)
    if fmt != EXPORT_FORMAT:
        raise NotImportable(
            f'it is not a DevFocus export (no "format": "{EXPORT_FORMAT}"; found {fmt!r})'
        )
    _check_version(version)
    scan.version = version
    return scan


def _check_version(version: Any) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise NotImportable(f"it has no valid export version (found {version!r})")
    if version > EXPORT_VERSION:
        raise NotImportable(
            f"it is an export of version {version}, made by a newer DevFocus; this one reads "
            f"up to version {EXPORT_VERSION}. Upgrade DevFocus here to import it; nothing was "
            "imported"
        )


def _merge_json(path: Path, merger: _Merger) -> None:
    number = 0
    with _open_text(path) as text:
        for key, element, value in _json_elements(text):
            if not element:
                continue
            if key == "events":
                number += 1
                merger.event(f"event {number}", value)
            elif key in MERGED_TABLES:
                merger.history_row(key, value)


# -- CSV ---------------------------------------------------------------------------------------
def _csv_rows(text: IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of each row of a CSV export, checked: :class:`NotImportable` for a file that
    is not one."""
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None or not set(_REQUIRED_CSV) <= set(header):
            raise NotImportable(
                "it is not a DevFocus export: neither JSON nor CSV with the columns "
                + ", ".join(EXPORT_FIELDS)
            )
        for row in reader:
            if not row:
                continue  # a blank line
            if len(row) != len(header):
                raise NotImportable(
                    f"line {reader.line_num} has {len(row)} fields where the header has "
                    f"{len(header)}: the file is cut short or was changed"
                )
            yield reader.line_num, dict(zip(header, row, strict=True))
    except csv.Error as error:
        raise NotImportable(
            f"it is not valid CSV at line {reader.line_num} ({error}): the file is cut short "
            "or was changed"
        ) from error
    except UnicodeDecodeError as error:
        raise NotImportable("it is not UTF-8 text throughout, so not an export") from error


def _scan_csv(path: Path) -> _Scan:
    scan = _Scan()
    with _open_text(path) as text:
        for _ in _csv_rows(text):
            scan.events += 1
    return scan


def _merge_csv(path: Path, merger: _Merger) -> None:
    with _open_text(path) as text:
        for line, row in _csv_rows(text):
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
        self.history = _History()

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


# -- git history -------------------------------------------------------------------------------
def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


class _History:
    """The git-history tables merged idempotently: repositories by root, commits by (repository,
    sha), the files of a commit that has none here, checkouts by (repository, moment, target),
    tasks by their content. Repository ids differ between databases: the export's are mapped to
    this database's."""

    def __init__(self) -> None:
        self.repos: dict[int, int] = {}  # the export's repository id → this database's
        self.files_wanted: dict[tuple[int, str], bool] = {}  # (repo here, sha) → take its files

    def merge(self, engine: Engine, table: str, items: list[Any], counts: Counts) -> None:
        from devfocus.store import tables
        from devfocus.store.engine import writing

        target = {
            "repositories": tables.REPOSITORIES,
            "commits": tables.COMMITS,
            "commitFiles": tables.COMMIT_FILES,
            "checkouts": tables.CHECKOUTS,
            "tasks": tables.TASKS,
        }[table]
        rows: list[dict[str, Any]] = []
        for item in items:
            try:
                rows.append(_table_row(target, item))
            except _Invalid as invalid:
                counts.refuse(f"{table}: {invalid}")
        if not rows:
            return
        with writing(engine) as conn:
            getattr(self, f"_{_snake(table)}")(conn, target, rows, counts)

    def _local(self, row: dict[str, Any], counts: Counts, what: str) -> int | None:
        repo = self.repos.get(row["repo_id"])
        if repo is None:
            counts.refuse(f"{what}: its repository (id {row['repo_id']}) is not in the export")
        return repo

    def _repositories(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Counts
    ) -> None:
        from sqlalchemy import insert, select

        for row in rows:
            if row["id"] is None:
                counts.refuse(f"repository {row['root']}: id is missing")
                continue
            found = conn.execute(select(table.c.id).where(table.c.root == row["root"])).scalar()
            if found is None:
                # No tips: the next ingestion here reads the repository's history whole (the
                # commits merged now are found stored, not written twice).
                values = {k: row[k] for k in ("root", "git_dir", "user_email")}
                inserted = conn.execute(insert(table).values(**values, tips="{}", imported_ms=0))
                found = inserted.inserted_primary_key[0]  # type: ignore[index]
                counts.new += 1
            else:
                counts.present += 1
            self.repos[row["id"]] = int(found)

    def _commits(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Counts
    ) -> None:
        from devfocus.store.gitstore import insert_rows

        keyed: dict[tuple[int, str], dict[str, Any]] = {}
        for row in rows:
            repo = self._local(row, counts, f"commit {row['sha']}")
            if repo is not None:
                keyed[(repo, row["sha"])] = {**row, "repo_id": repo}
        stored = _stored_keys(conn, table, list(keyed))
        columns = [c.name for c in table.columns]
        fresh = [tuple(row[c] for c in columns) for k, row in keyed.items() if k not in stored]
        if fresh:
            insert_rows(conn, table, columns, fresh)
        counts.new += len(fresh)
        counts.present += len(keyed) - len(fresh)

    def _commit_files(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Counts
    ) -> None:
        from devfocus.store.gitstore import insert_rows
        from devfocus.store.tables import COMMITS

        keyed: list[tuple[tuple[int, str], dict[str, Any]]] = []
        for row in rows:
            repo = self._local(row, counts, f"a file of commit {row['sha']}")
            if repo is not None:
                keyed.append(((repo, row["sha"]), row))
        undecided = list({key for key, _ in keyed if key not in self.files_wanted})
        if undecided:
            commits = _stored_keys(conn, COMMITS, undecided)
            with_files = _stored_keys(conn, table, undecided)
            for key in undecided:
                self.files_wanted[key] = key in commits and key not in with_files
        columns = [c.name for c in table.columns if c.name != "id"]
        fresh = []
        for key, row in keyed:
            if self.files_wanted[key]:
                fresh.append(tuple({**row, "repo_id": key[0]}[c] for c in columns))
            else:
                counts.present += 1
        if fresh:
            insert_rows(conn, table, columns, fresh)
        counts.new += len(fresh)

    def _checkouts(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Counts
    ) -> None:
        from sqlalchemy import insert, select

        mine = []
        for row in rows:
            repo = self._local(row, counts, f"checkout of {row['to_ref']}")
            if repo is not None:
                mine.append({**row, "repo_id": repo})
        seen: set[tuple[Any, ...]] = set()
        moments = sorted({r["at_ms"] for r in mine})
        for i in range(0, len(moments), 500):
            seen.update(
                tuple(found)
                for found in conn.execute(
                    select(table.c.repo_id, table.c.at_ms, table.c.to_ref).where(
                        table.c.at_ms.in_(moments[i : i + 500])
                    )
                )
            )
        fresh = []
        for row in mine:
            key = (row["repo_id"], row["at_ms"], row["to_ref"])
            if key in seen:
                counts.present += 1
                continue
            seen.add(key)
            fresh.append({c: row[c] for c in ("repo_id", "at_ms", "from_ref", "to_ref", "sha")})
        if fresh:
            conn.execute(insert(table), fresh)
        counts.new += len(fresh)

    def _tasks(
        self, conn: Connection, table: Table, rows: list[dict[str, Any]], counts: Counts
    ) -> None:
        from sqlalchemy import insert, select

        content = ("set_ms", "project", "branch", "title", "kind", "ref")
        seen: set[tuple[Any, ...]] = set()
        moments = sorted({r["set_ms"] for r in rows})
        for i in range(0, len(moments), 500):
            found = conn.execute(
                select(*(table.c[c] for c in content)).where(
                    table.c.set_ms.in_(moments[i : i + 500])
                )
            )
            seen.update(tuple(v or None for v in row) for row in found)
        fresh = []
        for row in rows:
            key = tuple(row[c] or None for c in content)
            if key in seen:
                counts.present += 1
                continue
            seen.add(key)
            fresh.append({c: row[c] for c in content})
        if fresh:
            conn.execute(insert(table), fresh)
        counts.new += len(fresh)


def _stored_keys(
    conn: Connection, table: Table, keys: list[tuple[int, str]]
) -> set[tuple[int, str]]:
    """Those of the (repo_id, sha) ``keys`` that ``table`` has a row of."""
    from sqlalchemy import select

    by_repo: dict[int, list[str]] = {}
    for repo, sha in keys:
        by_repo.setdefault(repo, []).append(sha)
    found: set[tuple[int, str]] = set()
    for repo, shas in by_repo.items():
        for i in range(0, len(shas), 500):  # below every database's bound-parameter limit
            query = (
                select(table.c.sha)
                .where(table.c.repo_id == repo, table.c.sha.in_(shas[i : i + 500]))
                .distinct()
            )
            found.update((repo, sha) for sha in conn.execute(query).scalars())
    return found


def _table_row(table: Table, item: Any) -> dict[str, Any]:
    """A history row of the export (camelCase keys) as the table's row, its values checked
    against the columns' types; ``_Invalid`` when one is missing or of the wrong type."""
    from sqlalchemy import Boolean, Integer, String, Text

    if not isinstance(item, Mapping):
        raise _Invalid("a row that is not an object")
    row: dict[str, Any] = {}
    for column in table.columns:
        key = _camel(column.name)
        value = item.get(key)
        if value is None:
            if not column.nullable and not (column.primary_key and column.autoincrement is True):
                raise _Invalid(f"{key} is missing")
        elif isinstance(column.type, Boolean):
            if value not in (True, False, 0, 1):
                raise _Invalid(f"{key} is not true or false")
            value = bool(value)
        elif isinstance(column.type, Integer):
            if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_ID:
                raise _Invalid(f"{key} is not an integer")
        elif isinstance(column.type, (String, Text)):
            limit = getattr(column.type, "length", None) or MAX_ELEMENT_CHARS
            if not isinstance(value, str) or len(value) > limit or "\x00" in value:
                raise _Invalid(f"{key} is not text of at most {limit:,} characters")
        row[column.name] = value
    return row


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
