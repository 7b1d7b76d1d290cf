"""Stamps of the files git keeps its state in: whether any may have changed since a cached read,
for the price of one ``stat`` each (no file is opened)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

Stamp = tuple[tuple[int, int], ...]


def stamp(files: Iterable[Path]) -> Stamp:
    """(mtime, size) of each file, (0, -1) for one that is missing or unreadable."""
    out = []
    for path in files:
        try:
            st = os.stat(path)
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((0, -1))
    return tuple(out)
