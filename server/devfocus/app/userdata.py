"""The user's data as a whole: export every event and the git history, or erase all of it. One
code path for ``devfocus export|delete`` and the editor commands ``devfocus.export`` and
``devfocus.data.delete``."""

from __future__ import annotations

import csv
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from devfocus.store.database import Database

FORMATS = ("csv", "json")
# What a JSON export says it is, and the version of its layout this DevFocus writes: an import
# refuses an export of a newer version (a CSV export's columns are its layout).
EXPORT_FORMAT = "devfocus-export"
EXPORT_VERSION = 1


class ExportedEvent(TypedDict):
    """One event as an export writes it (a CSV row, or an element of the JSON's ``events``)."""

    id: int
    start: str  # ISO 8601, UTC, milliseconds
    end: str
    kind: str
    project: str | None
    path: str | None
    language: str | None
    branch: str | None
    editor: str | None
    source: str
    linesAdded: int
    linesRemoved: int
    linesBulk: int  # of linesAdded: added by single large changes (paste, completion, generated)


EXPORT_FIELDS = tuple(ExportedEvent.__annotations__)  # the CSV columns, in this order


def iso_ms(ms: int) -> str:
    seconds, millis = divmod(int(ms), 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def _export_row(row: Mapping[str, Any]) -> ExportedEvent:
    # `row` is a database row (column name → value), whose types the store does not declare.
    return ExportedEvent(
        id=row["id"],
        start=iso_ms(row["start_ms"]),
        end=iso_ms(row["end_ms"]),
        kind=row["kind"],
        project=row["project"],
        path=row["path"],
        language=row["language"],
        branch=row["branch"],
        editor=row["editor"],
        source=row["source"],
        linesAdded=row["lines_added"],
        linesRemoved=row["lines_removed"],
        linesBulk=row["lines_bulk"],
    )


@dataclass(frozen=True)
class Exported:
    """What an export wrote: events, and as JSON the rows of each git-history table."""

    events: int
    history: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Erased:
    """What erasing all data erased: rows per table (``events``, ``commits``, ``commitFiles``,
    ``checkouts``, ``tasks``, ``repositories``)."""

    counts: dict[str, int]

    @property
    def events(self) -> int:
        return self.counts.get("events", 0)

    @property
    def commits(self) -> int:
        return self.counts.get("commits", 0)


class ExportRefused(ValueError):
    """A target an export must not write to."""


def count_events(database: Database) -> int:
    from devfocus.store.events import count_events as count

    return int(database.run(count))


def write_export(
    database: Database, fmt: str, out: IO[str], on_event: Callable[[], object] | None = None
) -> Exported:
    """Writes every event (and, as JSON, the git history) to ``out``; ``on_event`` is called
    after each event (it may raise to stop)."""
    from devfocus.store.events import iter_events
    from devfocus.store.gitstore import history_export

    written = 0
    rows = (_export_row(r) for r in database.run(iter_events))
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            written += 1
            if on_event is not None:
                on_event()
        return Exported(written)
    out.write(f'{{"format": "{EXPORT_FORMAT}", "version": {EXPORT_VERSION}, ')
    out.write(f'"exportedAt": {json.dumps(iso_ms(int(time.time() * 1000)))}, ')
    out.write('"events": [')
    for i, row in enumerate(rows):
        out.write(("," if i else "") + "\n  " + json.dumps(row, ensure_ascii=False))
        written += 1
        if on_event is not None:
            on_event()
    out.write("\n]")
    history: dict[str, int] = {}
    for name, items in database.run(history_export):
        out.write(f', "{name}": [')
        count = 0
        for item in items:
            out.write(("," if count else "") + "\n  " + json.dumps(item, ensure_ascii=False))
            count += 1
        out.write("\n]")
        history[name] = count
    out.write("}\n")
    return Exported(written, history)


@contextmanager
def private_file(
    path: str | Path, before_replacing: Callable[[], object] | None = None
) -> Iterator[IO[str]]:
    """A file readable by its owner only, replacing ``path`` in one step once it is complete
    (``before_replacing`` may raise to stop that); nothing is left behind if writing fails."""
    target = Path(path)
    # A short temporary name: one built from the target's could pass the file-name limit.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".devfocus-export-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        if before_replacing is not None:
            before_replacing()
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_NOT_A_FILE = (
    (stat.S_ISDIR, "a folder; give a file name"),
    (stat.S_ISCHR, "a device, not a file"),
    (stat.S_ISBLK, "a device, not a file"),
    (stat.S_ISFIFO, "a named pipe (FIFO), not a file"),
    (stat.S_ISSOCK, "a socket, not a file"),
)


def check_target(database: Database, path: str | os.PathLike[str]) -> Path:
    """The file an export to ``path`` replaces (links followed), or :class:`ExportRefused`
    saying why it may not: an export replaces a regular file or makes a new one in a folder
    that exists, and never touches the database (replacing it would lose everything) or its
    journal files, however the path reaches them."""
    shown = os.fspath(path)
    if "\x00" in shown:
        raise ExportRefused(f"the path {shown!r} contains a NUL character")
    target = Path(os.path.realpath(shown))
    try:
        found: os.stat_result | None = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        found = None
    except OSError as error:
        raise ExportRefused(f"{shown}: {error.strerror or error}") from error
    if found is None:
        if not target.parent.is_dir():
            raise ExportRefused(f"the folder of {shown} does not exist")
    else:
        for test, what in _NOT_A_FILE:
            if test(found.st_mode):
                raise ExportRefused(f"{shown} is {what}")
    if database.file is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = f"{database.file}{suffix}"
            same = os.path.realpath(part) == str(target)
            if not same and found is not None:
                same = os.path.exists(part) and os.path.samefile(part, target)
            if same:
                raise ExportRefused(f"{shown} is the DevFocus database itself; choose another file")
    return target


def export_to_file(
    database: Database,
    fmt: str,
    path: str | Path,
    progress: Callable[[int, int], object] | None = None,
) -> Exported:
    """Everything to ``path`` (see :func:`private_file`). ``progress(done, total)`` is called
    before the first event and then about every percent of them; it may raise to stop, and
    then nothing is left behind."""
    target = check_target(database, path)
    tick: Callable[[], None] | None = None
    if progress is not None:
        report = progress
        total = count_events(database)
        step = max(1, -(-total // 100))  # at most about a hundred reports
        done = 0

        def one_more() -> None:
            nonlocal done
            done += 1
            if done % step == 0 or done == total:
                report(done, total)

        tick = one_more
        report(0, total)
    # Checked again at the end: the path may have become something else meanwhile.
    with private_file(target, lambda: check_target(database, path)) as out:
        return write_export(database, fmt, out, tick)


def delete_all(database: Database) -> Erased:
    """Erases every event and all git history (hand-set tasks included) in one transaction."""
    from devfocus.store.erase import erase_all

    return Erased(database.run(erase_all))
