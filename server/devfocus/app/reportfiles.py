"""Report files written for the editor to show (``devfocus.report`` with ``open``): private,
in the data directory, the newest few kept, and erased with the rest of the user's data."""

from __future__ import annotations

import logging
import os
import secrets
import stat
import time
from pathlib import Path

from devfocus.config import data_dir
from devfocus.store.sqlitefile import PRIVATE_DIR, PRIVATE_FILE, make_private_dirs

log = logging.getLogger(__name__)

REPORTS_FOLDER = "reports"  # in the data directory
REPORT_FILE_PREFIX = "devfocus-report-"  # the VS Code extension knows its report files by it
KEEP_REPORT_FILES = 20  # the newest files kept; older ones are removed as new ones are written


def reports_folder() -> Path:
    return data_dir() / REPORTS_FOLDER


def write_report_file(name: str, suffix: str, body: str) -> Path:
    """``body`` in a new file of the reports folder, readable by its owner only; the oldest
    files past :data:`KEEP_REPORT_FILES` are removed."""
    folder = reports_folder()
    private_folder(folder)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{REPORT_FILE_PREFIX}{name}-{stamp}-{secrets.token_hex(3)}.{suffix}"
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE)  # whatever the umask
        out.write(body)
    prune_report_files(folder)
    return path


def private_folder(folder: Path) -> None:
    """``folder`` (and its missing parents) made readable by its owner only. One that exists
    must be a real folder of this user: a link or someone else's folder is refused, since the
    reports hold what was worked on."""
    make_private_dirs(folder)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise OSError(f"{folder} is not a folder")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise OSError(f"{folder} belongs to another user")
    if stat.S_IMODE(info.st_mode) != PRIVATE_DIR:
        os.chmod(folder, PRIVATE_DIR)


def remove_report_files() -> int:
    """Removes every report file (the user's data was erased); returns how many."""
    folder = reports_folder()
    try:
        if folder.is_dir() and not folder.is_symlink():
            return prune_report_files(folder, keep=0)
    except OSError as error:
        log.warning("could not remove the report files in %s: %s", folder, error)
    return 0


def prune_report_files(folder: Path, keep: int = KEEP_REPORT_FILES) -> int:
    """Removes all but the newest ``keep`` report files of ``folder``; returns how many."""
    files = []
    for path in folder.glob(f"{REPORT_FILE_PREFIX}*"):
        try:
            files.append((path.stat().st_mtime, path))
        except FileNotFoundError:
            continue  # removed meanwhile by another editor window
    files.sort(reverse=True)
    for _, path in files[keep:]:
        path.unlink(missing_ok=True)
    return len(files[keep:])
