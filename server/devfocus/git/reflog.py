"""The reflog, read as a file: past checkouts and the branch each commit was made on (pure).

A reflog line is ``OLD NEW NAME <EMAIL> SECONDS ZONE\\tMESSAGE``. ``logs/HEAD`` records every
checkout ("checkout: moving from A to B"); a branch's own reflog (``logs/refs/heads/B``) records
the commits made on it ("commit: …", "commit (amend): …", "commit (merge): …", "commit (initial):
…"), which names their branch exactly where the commit graph cannot.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from devfocus.git.model import Checkout

_LINE = re.compile(rb"^([0-9a-f]{40,64}) ([0-9a-f]{40,64}) .*?> (-?\d+) [+-]\d{4}\t(.*)$")
_CHECKOUT = re.compile(r"^checkout: moving from (.+) to (.+)$")
_MADE_HERE = ("commit:", "commit (", "cherry-pick:", "revert:")


@dataclass(frozen=True, slots=True)
class Entry:
    old: str
    new: str
    at: float
    message: str


def parse_reflog(data: bytes) -> Iterator[Entry]:
    """Entries of a reflog file, oldest first; damaged lines are skipped."""
    for raw in data.splitlines():
        match = _LINE.match(raw)
        if match is None:
            continue
        old, new, seconds, message = match.groups()
        yield Entry(
            old.decode("ascii"),
            new.decode("ascii"),
            float(int(seconds)),
            message.decode("utf-8", "replace"),
        )


def checkouts(entries: Iterator[Entry] | list[Entry]) -> list[Checkout]:
    """Branch switches: ``checkout: moving from A to B`` with A ≠ B."""
    out = []
    for entry in entries:
        match = _CHECKOUT.match(entry.message)
        if match is not None and match.group(1) != match.group(2):
            out.append(Checkout(entry.at, match.group(1), match.group(2), entry.new))
    return out


def commits_made_on_branches(common_dir: Path) -> dict[str, str]:
    """sha → branch for every commit a local branch's reflog says was made on it."""
    heads = common_dir / "logs" / "refs" / "heads"
    made: dict[str, str] = {}
    try:
        files = sorted(p for p in heads.rglob("*") if p.is_file())
    except OSError:
        return made
    for path in files:
        # Named as `git for-each-ref` is read (bytes that are not UTF-8 replaced), so the two
        # agree and the name can be stored.
        branch = os.fsencode(path.relative_to(heads).as_posix()).decode("utf-8", "replace")
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for entry in parse_reflog(data):
            if entry.message.startswith(_MADE_HERE):
                made.setdefault(entry.new, branch)
    return made


def read_from(path: Path, offset: int) -> tuple[bytes, int]:
    """The complete lines of ``path`` after byte ``offset`` and the new offset. A file shorter
    than the offset was rewritten (``git reflog expire``): it is read again from the start."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            if size < offset:
                offset = 0
            handle.seek(offset)
            data = handle.read()
    except OSError:
        return b"", offset
    end = data.rfind(b"\n") + 1  # a line being written is read next time
    return data[:end], offset + end
