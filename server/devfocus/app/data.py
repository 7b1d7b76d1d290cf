"""The user's data as a whole: export every event and the git history, or erase all of it. One
code path for ``devfocus export|delete`` and the editor commands ``devfocus.export`` and
``devfocus.data.delete``."""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devfocus.store.database import Database

FORMATS = ("csv", "json")
EXPORT_FIELDS = (
    "id",
    "start",
    "end",
    "kind",
    "project",
    "path",
    "language",
    "branch",
    "editor",
    "source",
    "linesAdded",
    "linesRemoved",
)


def iso_ms(ms: int) -> str:
    seconds, millis = divmod(int(ms), 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def _export_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "start": iso_ms(row["start_ms"]),
        "end": iso_ms(row["end_ms"]),
        "kind": row["kind"],
        "project": row["project"],
        "path": row["path"],
        "language": row["language"],
        "branch": row["branch"],
        "editor": row["editor"],
        "source": row["source"],
        "linesAdded": row["lines_added"],
        "linesRemoved": row["lines_removed"],
    }


def count_events(database: Database) -> int:
    from devfocus.store.events import count_events as count

    return int(database.run(count))


def write_export(
    database: Database, fmt: str, out: IO[str], on_event: Callable[[], Any] | None = None
) -> int:
    """Writes every event (and, as JSON, the git history) to ``out``; returns the events."""
    from devfocus.store.events import iter_events
    from devfocus.store.history import history_export

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
        return written
    out.write('{"format": "devfocus-export", "version": 1, ')
    out.write(f'"exportedAt": {json.dumps(iso_ms(int(time.time() * 1000)))}, ')
    out.write('"events": [')
    for i, row in enumerate(rows):
        out.write(("," if i else "") + "\n  " + json.dumps(row, ensure_ascii=False))
        written += 1
        if on_event is not None:
            on_event()
    out.write("\n]")
    for name, items in database.run(history_export):
        out.write(f', "{name}": [')
        for i, item in enumerate(items):
            out.write(("," if i else "") + "\n  " + json.dumps(item, ensure_ascii=False))
        out.write("\n]")
    out.write("}\n")
    return written


@contextmanager
def private_file(path: str | Path) -> Iterator[IO[str]]:
    """A file readable by its owner only, replacing ``path`` in one step once it is complete;
    nothing is left behind if writing fails."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_to_file(database: Database, fmt: str, path: str | Path) -> int:
    with private_file(path) as out:
        return write_export(database, fmt, out)


def delete_all(database: Database) -> tuple[int, int]:
    """Erases every event and all git history; returns (events, commits) erased."""
    from devfocus.store.events import delete_events
    from devfocus.store.history import delete_history

    return int(database.run(delete_events)), int(database.run(delete_history))
