"""Commits from one streaming ``git log`` process, parsed as the bytes arrive.

The format puts a marker before each commit and one header field per line (a name, email or date
comes from one line of the commit object, so it cannot hold a newline); ``-z`` ends the message
with NUL (a message cannot hold NUL) and each numstat entry with NUL, so names, messages and paths
may contain anything else, control characters included. Text is UTF-8 (git re-encodes
messages that declare another encoding); bytes that are not valid UTF-8 are replaced in names and
messages, and backslash-escaped in paths, so nothing fails to store and nothing is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from devfocus.git.model import Commit, FileChange
from devfocus.git.runner import stream_git

log = logging.getLogger(__name__)

MARKER = b"\x1e\x1edevfocus\x1f"
_FIELDS = ("%H", "%P", "%aN", "%aE", "%ad", "%cN", "%cE", "%cd", "%B")
LOG_FORMAT = "%x1e%x1edevfocus%x1f" + "%n".join(_FIELDS)
_HEADER_FIELDS = len(_FIELDS) - 1  # the message comes last and may hold anything but NUL
_SEPARATOR = b"\x00" + MARKER


def log_arguments(revisions: Sequence[str], *, numstat: bool = True) -> list[str]:
    """The ``git log`` arguments that :func:`parse_log` reads."""
    args = [
        "log",
        "-z",
        "--date=raw",
        "--use-mailmap",
        f"--format={LOG_FORMAT}",
        "--encoding=UTF-8",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-show-signature",  # log.showSignature would print gpg's output amid the records
    ]
    if numstat:
        # --root: log.showRoot=false would leave the first commit's files out.
        args += ["--numstat", "--find-renames", "--diff-merges=off", "--root"]
    return [*args, *revisions, "--"]


def read_commits(
    repo: Path | str, revisions: Sequence[str], *, numstat: bool = True
) -> Iterator[Commit]:
    """Every commit ``git log REVISIONS`` shows, newest first, from one process.

    Raises :class:`~devfocus.git.runner.GitError` (after the commits it could read) when git
    fails, :class:`~devfocus.git.runner.GitMissing` without git.
    """
    with started_log(repo, revisions, numstat=numstat) as commits:
        yield from commits


@contextmanager
def started_log(
    repo: Path | str, revisions: Sequence[str], *, numstat: bool = True
) -> Iterator[Iterator[Commit]]:
    """Like :func:`read_commits`, with ``git log`` started on entering the block: the caller
    can set other things up while git walks the history (its output waits in memory).

    Leaving the block early (by an exception) stops git.
    """
    with stream_git(repo, *log_arguments(revisions, numstat=numstat)) as chunks:
        yield parse_log(chunks)


def parse_log(chunks: Iterable[bytes]) -> Iterator[Commit]:
    """Commits from the output of ``git log`` run with :func:`log_arguments`."""
    # A record starts with NUL + marker: -z puts NUL between commits and a message cannot hold
    # one, so a message quoting the marker does not split its commit. The first has no NUL.
    parts: list[bytes] = [b"\x00"]  # the unfinished record, kept in pieces: one may be megabytes
    tail = b"\x00"  # the last bytes read, to find a separator split across chunks
    size = len(_SEPARATOR)
    for chunk in chunks:
        if _SEPARATOR not in tail + chunk[:size] and _SEPARATOR not in chunk:
            parts.append(chunk)
            # A chunk shorter than the separator keeps the bytes before it in the tail.
            tail = chunk[-size:] if len(chunk) >= size else (tail + chunk)[-size:]
            continue
        records = b"".join([*parts, chunk]).split(_SEPARATOR)
        pending = records.pop()
        parts, tail = [pending], pending[-size:]
        for record in records:
            if record:
                commit = parse_record(record)
                if commit is not None:
                    yield commit
    pending = b"".join(parts)
    if pending.strip(b"\x00"):  # not an empty log (only the NUL put before the first marker)
        commit = parse_record(pending)
        if commit is not None:
            yield commit


def parse_record(record: bytes) -> Commit | None:
    """One commit: header fields, the message up to NUL, then numstat entries."""
    parts = record.split(b"\n", _HEADER_FIELDS)
    if len(parts) != len(_FIELDS):
        log.warning("skipped an unreadable commit record (%d bytes)", len(record))
        return None
    sha, parents, a_name, a_email, a_date, c_name, c_email, c_date, rest = parts
    message, _, stats = rest.partition(b"\x00")
    try:
        authored_at, author_offset = parse_raw_date(a_date)
        committed_at, committer_offset = parse_raw_date(c_date)
    except ValueError:
        log.warning("skipped commit %s: unreadable date", sha.decode("ascii", "replace")[:12])
        return None
    return Commit(
        sha=sha.decode("ascii", "replace"),
        parents=tuple(parents.decode("ascii", "replace").split()),
        author_name=_text(a_name),
        author_email=_text(a_email),
        authored_at=authored_at,
        author_offset=author_offset,
        committer_name=_text(c_name),
        committer_email=_text(c_email),
        committed_at=committed_at,
        committer_offset=committer_offset,
        message=_text(message).rstrip("\n"),
        files=tuple(parse_numstat(stats)),
    )


def parse_raw_date(raw: bytes) -> tuple[float, int]:
    """``1700000000 +0130`` → (epoch seconds, offset in minutes)."""
    stamp, _, zone = raw.strip().partition(b" ")
    seconds = int(stamp)
    zone = zone.strip()
    offset = 0
    if len(zone) == 5 and zone[:1] in (b"+", b"-") and zone[1:].isdigit():
        minutes = int(zone[1:3]) * 60 + int(zone[3:5])
        offset = -minutes if zone[:1] == b"-" else minutes
    return float(seconds), offset


def parse_numstat(stats: bytes) -> Iterator[FileChange]:
    """``-z --numstat`` entries: ``A\\tD\\tPATH\\0``, or ``A\\tD\\t\\0OLD\\0NEW\\0`` for a rename;
    ``-`` counts mark a binary file."""
    fields = stats.lstrip(b"\n").split(b"\x00")
    i, end = 0, len(fields)
    while i < end:
        entry = fields[i].lstrip(b"\n")
        i += 1
        if not entry:
            continue
        counts = entry.split(b"\t", 2)
        if len(counts) != 3:
            continue
        added, deleted, path = counts
        old_path = None
        if not path:  # a rename: the old and new paths follow as their own fields
            if i + 1 >= end:
                break
            old_path, path = fields[i], fields[i + 1]
            i += 2
        yield FileChange(
            path=_path(path),
            added=_count(added),
            deleted=_count(deleted),
            old_path=_path(old_path) if old_path is not None else None,
        )


def _count(raw: bytes) -> int | None:
    return int(raw) if raw.isdigit() else None


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _path(raw: bytes) -> str:
    return raw.decode("utf-8", "backslashreplace")
