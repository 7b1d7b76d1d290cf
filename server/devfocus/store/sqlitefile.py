"""An SQLite database as files on disk: which file it is, who may read it, and what it holds.

SQLite finds a database's write-ahead log (``-wal``) and shared index (``-shm``) by the
database's path, not by the file: a file put in its place would take them for its own. So the
identity of the file (device and inode) is what tells DevFocus that it is still writing the file
it opened.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

FileId = tuple[int, int]
JOURNALS = ("-wal", "-shm", "-journal")
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
VERSION_TABLE = "devfocus_schema"  # the table every DevFocus schema starts with

Holds = Literal["missing", "empty", "devfocus", "foreign", "unreadable", "unknown"]


def file_id(path: str | os.PathLike[str]) -> FileId | None:
    """Device and inode of the file at ``path``, or None when there is none."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return st.st_dev, st.st_ino


def journal(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def make_private_dirs(directory: Path) -> None:
    """Create ``directory`` and its missing parents, each readable by its owner only (0700)
    whatever the umask; folders that exist are left as they are."""
    missing: list[Path] = []
    current = directory
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR)
        except FileExistsError:
            continue  # created meanwhile (another editor window): not ours to change
        os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is filtered by the umask


def create_private_file(path: Path) -> None:
    """An empty file readable by its owner only (0600), unless there is one already."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    except FileExistsError:
        return
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE)  # whatever the umask
    finally:
        os.close(fd)


def others_may_access(mode: int) -> bool:
    return bool(stat.S_IMODE(mode) & 0o077)


def tighten(database: Path) -> list[str]:
    """Take away group and world access from DevFocus's own data directory, database and its
    journal files; returns what was changed, as ``path: old mode → new mode``."""
    if os.name == "nt":  # modes are not how Windows grants access
        return []
    changed: list[str] = []
    for path, private in (
        (database.parent, PRIVATE_DIR),
        (database, PRIVATE_FILE),
        *((journal(database, s), PRIVATE_FILE) for s in JOURNALS),
    ):
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(st.st_mode) or not others_may_access(st.st_mode):
            continue  # a link's mode means nothing; its target is the user's to set
        new = stat.S_IMODE(st.st_mode) & 0o700 | private
        try:
            os.chmod(path, new)
        except OSError as error:
            log.warning("could not make %s private (%s): %s", path, oct(st.st_mode), error)
            continue
        changed.append(f"{path}: {oct(stat.S_IMODE(st.st_mode))} → {oct(new)}")
    return changed


def holds(path: Path) -> tuple[Holds, list[str]]:
    """What the file at ``path`` is, read without writing to it: ``missing``; ``empty`` (no
    bytes, or an SQLite database without tables); ``devfocus``; ``foreign`` (another program's
    tables, listed); ``unreadable`` (not SQLite); ``unknown`` (cannot tell now, e.g. locked)."""
    try:
        if os.stat(path).st_size == 0:
            return "empty", []
    except (FileNotFoundError, NotADirectoryError):
        return "missing", []
    except OSError:
        return "unknown", []
    # Without a log beside it the file is the whole database: read it as immutable, which
    # takes no lock and makes no -wal or -shm file beside another program's database.
    still = "" if journal(path, "-wal").exists() else "&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{still}", uri=True, timeout=5)
    except sqlite3.Error:
        return "unknown", []
    try:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
    except sqlite3.DatabaseError as error:
        text = str(error).lower()
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return "unreadable", []
        return "unknown", []
    finally:
        conn.close()
    if VERSION_TABLE in tables:
        return "devfocus", tables
    return ("foreign", tables) if tables else ("empty", [])


def describe(kind: Holds, tables: list[str]) -> str:
    if kind == "foreign":
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        return f"an SQLite database of another program (tables {shown})"
    return {
        "missing": "no file",
        "empty": "an empty database",
        "devfocus": "a DevFocus database",
        "unreadable": "a file that is not an SQLite database",
        "unknown": "a file that could not be read",
    }[kind]
