"""The key behind a redacted report's aliases: 32 random bytes in the data directory, readable by
its owner only, made on first use and kept, so a project has the same alias in every report.

A key that cannot be read or written (a read-only data directory) gives a key for this process
only: the report is still redacted, its aliases just differ from other reports'.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from devfocus.config import data_dir
from devfocus.insights.redact import Aliases
from devfocus.store.sqlitefile import PRIVATE_FILE, make_private_dirs

log = logging.getLogger(__name__)

KEY_FILE = "redaction.key"
KEY_BYTES = 32


def aliases(directory: Path | None = None) -> Aliases:
    """The aliases of the user's key (in ``directory``, default the data directory)."""
    return Aliases(_key((directory or data_dir()) / KEY_FILE))


def _key(path: Path) -> bytes:
    damaged = False
    try:
        key = path.read_bytes()
        if len(key) == KEY_BYTES:
            return key
        log.warning("%s is not a redaction key (%d bytes): a new one is made", path, len(key))
        damaged = True
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning("cannot read %s (%s): this report's aliases are its own", path, error)
        return secrets.token_bytes(KEY_BYTES)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        make_private_dirs(path.parent)
        temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
        try:
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        if damaged:
            os.replace(temporary, path)
            return key
        try:
            os.link(temporary, path)  # the first writer wins: two commands agree on one key
        except FileExistsError:
            key = path.read_bytes()
        finally:
            os.unlink(temporary)
    except OSError as error:
        log.warning("cannot keep a redaction key in %s (%s): aliases are its own", path, error)
    return key if len(key) == KEY_BYTES else secrets.token_bytes(KEY_BYTES)
