"""A definition's history from one file's log: which commits changed its lines, the way
``git log -L`` tracks a line range, without a git process per definition.

One ``git log -p -U0 --follow`` per (file, HEAD) gives every commit's hunks. A definition's line
range at HEAD is walked back through them: a commit touched the definition when one of its
changes falls inside the range; then the range is mapped to the parent's line numbers. The walk
stops where the definition's ``def``/``class`` line was added without a line of the same name
being removed (the definition was created there).

Ranges are keyed by blob, not by commit: each diff says which blob it turns into which, so merges
(diffed against each parent with ``-m``), commits the log leaves out and any log order work alike.

Lines are 1-based here, as in git's hunk headers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from devfocus.git.runner import run_git

LOG_LIMIT = 300  # commits of one file's log: enough for a 30-day window on a busy file
WINDOW_DAYS = 30
GIT_TIMEOUT = 30.0
_DAY = 86400.0

_HEADER = "%x00%H%x1f%P%x1f%aN%x1f%aE%x1f%at%x1f%s"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_INDEX = re.compile(r"^index ([0-9a-f]+)\.\.([0-9a-f]+)")
_DEFINITION = re.compile(r"^([ \t]*)(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)")
_NO_BLOB = re.compile(r"0+")


@dataclass(frozen=True, slots=True)
class ChangeRef:
    """A commit as the log shows it (author name and email after ``.mailmap``)."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored_at: float  # seconds since the epoch
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(frozen=True, slots=True)
class Change:
    """One run of changed lines, in git's ``-U0`` convention: old lines ``old_start`` ..
    ``old_start + old_count - 1`` became new lines ``new_start`` .. ; a side with no lines has as
    its start the line before the change."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    removed_definitions: tuple[tuple[int, str], ...] = ()  # (old line, name) of def/class lines
    removed_indent: int | None = None  # least indentation of the removed non-blank lines
    removed_decorators: bool = False  # every removed non-blank line is a decorator

    @property
    def new_end(self) -> int:
        return self.new_start + self.new_count - 1


@dataclass(frozen=True, slots=True)
class FileDiff:
    """The changes one commit made to the file (against one parent, for a merge)."""

    commit: ChangeRef
    old_blob: str | None  # None: the diff names no blobs (a pure rename or mode change)
    new_blob: str | None
    created: bool  # the file was added here
    changes: tuple[Change, ...]
    path: str | None = None  # the path in this commit, when the diff names it
    old_path: str | None = None  # the path before a rename


@dataclass(frozen=True, slots=True)
class LineSpan:
    """Where a definition is in one version of the file."""

    start: int  # first line (its first decorator)
    end: int  # last line
    header: int  # the ``def``/``class`` line
    name: str
    indent: int = 0  # indentation of the header, in characters


@dataclass(frozen=True, slots=True)
class DefinitionHistory:
    commits_in_window: tuple[ChangeRef, ...]  # newest first
    authors: tuple[str, ...]  # of those commits, most recent first
    last_change: ChangeRef | None
    uncommitted: bool = False  # the definition is not in HEAD
    window_days: int = WINDOW_DAYS
    # With no change found: the log read stops at this (author) time, so the last change is
    # older; None when the whole history was read.
    older_than: float | None = None


@dataclass(frozen=True, slots=True)
class FileHistory:
    """One file at one HEAD: its content there and its log."""

    head: str
    blob: str | None  # the file's blob at HEAD; None when HEAD has no such file
    data: bytes | None  # the blob's content
    diffs: tuple[FileDiff, ...]
    truncated: bool = False  # the log stopped at its limit, not at the file's first commit

    @property
    def oldest(self) -> float | None:
        """The earliest author time in the log."""
        return min((d.commit.authored_at for d in self.diffs), default=None)


@dataclass(frozen=True, slots=True)
class Walk:
    """What :func:`track` found: the commits that changed a definition, newest first, and
    whether the walk reached the commit that created it."""

    commits: tuple[ChangeRef, ...]
    created: bool


# -- parsing ------------------------------------------------------------------------------------
def log_arguments(head: str, path: str, limit: int = LOG_LIMIT) -> list[str]:
    """``git`` arguments for the log :func:`parse_log` reads (run from the repository root)."""
    return [
        # -m shows a merge's diff against each parent; a user's log.diffMerges must not make
        # that a combined diff (older git ignores the unknown key).
        "-c",
        "log.diffMerges=separate",
        "log",
        f"-n{limit}",
        "--follow",
        "-m",
        "-p",
        "-U0",
        "--inter-hunk-context=0",
        "--full-index",
        "--src-prefix=a/",  # diff.noprefix or diff.mnemonicPrefix must not change "+++ b/"
        "--dst-prefix=b/",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-show-signature",
        "--encoding=UTF-8",
        f"--format={_HEADER}",
        head,
        "--",
        path,
    ]


def parse_hunk_header(line: str) -> tuple[int, int, int, int] | None:
    """``@@ -a,b +c,d @@`` → (a, b, c, d); a missing count is 1."""
    match = _HUNK.match(line)
    if match is None:
        return None
    a, b, c, d = match.groups()
    return int(a), 1 if b is None else int(b), int(c), 1 if d is None else int(d)


def parse_commit_header(line: str) -> ChangeRef | None:
    """The header :func:`log_arguments` asks for (without its leading NUL)."""
    fields = line.split("\x1f", 5)
    if len(fields) < 6:
        return None
    sha, parents, author, email, at, subject = fields
    try:
        authored_at = float(at)
    except ValueError:
        authored_at = 0.0
    return ChangeRef(sha, tuple(parents.split()), author, email, authored_at, subject)


class _DiffBuilder:
    def __init__(self, commit: ChangeRef) -> None:
        self.commit = commit
        self.old_blob: str | None = None
        self.new_blob: str | None = None
        self.created = False
        self.path: str | None = None
        self.old_path: str | None = None
        self.changes: list[Change] = []
        # The run of -/+ lines being read.
        self.old_line = 0  # the next old line
        self.new_line = 0
        self.run_old: list[str] = []
        self.run_new = 0

    def header(self, line: str) -> None:
        match = _INDEX.match(line)
        if match is not None:
            old, new = match.groups()
            self.old_blob = None if _NO_BLOB.fullmatch(old) else old
            self.new_blob = None if _NO_BLOB.fullmatch(new) else new
            self.created = self.created or self.old_blob is None
        elif line.startswith("new file mode"):
            self.created = True
        elif line.startswith("rename from "):
            self.old_path = line.removeprefix("rename from ")
        elif line.startswith("rename to "):
            self.path = line.removeprefix("rename to ")
        elif line.startswith("+++ b/") and self.path is None:
            self.path = line.removeprefix("+++ b/")

    def start_hunk(self, a: int, b: int, c: int, d: int) -> None:
        self.end_run()
        self.old_line = a if b else a + 1
        self.new_line = c if d else c + 1

    def removed(self, text: str) -> None:
        self.run_old.append(text)

    def added(self) -> None:
        self.run_new += 1

    def context(self) -> None:
        self.end_run()
        self.old_line += 1
        self.new_line += 1

    def end_run(self) -> None:
        removed, added = self.run_old, self.run_new
        if not removed and not added:
            return
        old_start = self.old_line if removed else self.old_line - 1
        new_start = self.new_line if added else self.new_line - 1
        self.changes.append(_change(old_start, removed, new_start, added))
        self.old_line += len(removed)
        self.new_line += added
        self.run_old, self.run_new = [], 0

    def build(self) -> FileDiff:
        self.end_run()
        return FileDiff(
            self.commit,
            self.old_blob,
            self.new_blob,
            self.created,
            tuple(self.changes),
            self.path,
            self.old_path,
        )


def _change(old_start: int, removed: list[str], new_start: int, added: int) -> Change:
    definitions: list[tuple[int, str]] = []
    indents: list[int] = []
    decorators = bool(removed)
    for offset, text in enumerate(removed):
        stripped = text.lstrip(" \t")
        if not stripped.strip():
            continue
        indents.append(len(text) - len(stripped))
        decorators = decorators and stripped.startswith("@")
        match = _DEFINITION.match(text)
        if match is not None:
            definitions.append((old_start + offset, match.group(2)))
    return Change(
        old_start,
        len(removed),
        new_start,
        added,
        tuple(definitions),
        min(indents) if indents else None,
        decorators and bool(indents),
    )


def parse_log(text: str) -> tuple[FileDiff, ...]:
    """The diffs of a log made with :func:`log_arguments`, in the log's order."""
    diffs: list[FileDiff] = []
    commit: ChangeRef | None = None
    diff: _DiffBuilder | None = None
    old_left = new_left = 0  # lines of the current hunk still to read

    def finish() -> None:
        nonlocal diff
        if diff is not None:
            diffs.append(diff.build())
            diff = None

    for line in text.split("\n"):
        if old_left or new_left:
            # Inside a hunk: its counts say where it ends ("--- x" may be a removed line).
            marker = line[:1]
            if diff is not None and marker == "-" and old_left:
                diff.removed(line[1:])
                old_left -= 1
                continue
            if diff is not None and marker == "+" and new_left:
                diff.added()
                new_left -= 1
                continue
            if diff is not None and marker == " " and old_left and new_left:
                diff.context()
                old_left -= 1
                new_left -= 1
                continue
            if marker == "\\":
                continue  # "\ No newline at end of file"
            old_left = new_left = 0  # a malformed hunk: read on as headers
        if line.startswith("\x00"):
            finish()
            commit = parse_commit_header(line[1:])
        elif line.startswith("diff --git "):
            finish()
            if commit is not None:
                diff = _DiffBuilder(commit)
        elif diff is not None:
            counts = parse_hunk_header(line) if line.startswith("@@ ") else None
            if counts is not None:
                diff.start_hunk(*counts)
                old_left, new_left = counts[1], counts[3]
            elif not diff.changes and not diff.run_old and not diff.run_new:
                diff.header(line)
    finish()
    return tuple(diffs)


# -- tracking -----------------------------------------------------------------------------------
def touches(change: Change, span: LineSpan) -> bool:
    """Whether ``change`` (a commit's) changed the definition at ``span`` (in its new version)."""
    if change.new_count:
        return change.new_start <= span.end and change.new_end >= span.start
    after = change.new_start  # a pure deletion, after this new line
    if span.start <= after < span.end:
        return True
    indent = change.removed_indent
    if after == span.end and indent is not None and indent > span.indent:
        return True  # the body's last lines went
    return after == span.start - 1 and change.removed_decorators  # a decorator went


def map_span(changes: Sequence[Change], span: LineSpan) -> LineSpan | None:
    """``span`` in the parent's line numbers, or None when the definition was created by these
    changes (its header line added without a removed line defining the same name)."""
    start = _old_line(changes, span.start, first=True)
    end = _old_line(changes, span.end, first=False)
    header = _old_line(changes, span.header, first=True)
    for change in changes:
        if change.new_count and change.new_start <= span.header <= change.new_end:
            removed = _removed_header(change, span)
            if removed is None:
                return None
            header = removed
        elif not change.new_count and touches(change, span):
            # Deleted lines at the edges belonged to the definition.
            if change.new_start == span.end:
                end = max(end, change.old_start + change.old_count - 1)
            elif change.new_start == span.start - 1:
                start = min(start, change.old_start)
    start, end = min(start, header), max(end, header)
    return LineSpan(start, end, header, span.name, span.indent)


def shifted(changes: Sequence[Change], span: LineSpan) -> LineSpan | None:
    """``span`` in the parent's line numbers when every change is clear of it (all below, or
    all above and not at its edge); None otherwise. Most commits of a file are like that."""
    if not changes or changes[0].new_start > span.end:
        return span
    last = changes[-1]
    if (last.new_end < span.start) if last.new_count else (last.new_start < span.start - 1):
        shift = sum(c.old_count - c.new_count for c in changes)
        return LineSpan(
            span.start + shift, span.end + shift, span.header + shift, span.name, span.indent
        )
    return None


def _old_line(changes: Sequence[Change], line: int, *, first: bool) -> int:
    shift = 0
    for change in changes:
        if change.new_count and change.new_start <= line <= change.new_end:
            if change.old_count:
                return change.old_start if first else change.old_start + change.old_count - 1
            return change.old_start + 1 if first else change.old_start
        before = change.new_end < line if change.new_count else change.new_start < line
        if not before:
            break
        shift += change.old_count - change.new_count
    return line + shift


def _removed_header(change: Change, span: LineSpan) -> int | None:
    """The old line of the removed ``def``/``class`` line of the same name nearest to where the
    header sits in the change, if any."""
    expected = change.old_start + (span.header - change.new_start)
    found = [line for line, name in change.removed_definitions if name == span.name]
    return min(found, key=lambda line: abs(line - expected)) if found else None


def track(diffs: Sequence[FileDiff], blob: str, span: LineSpan) -> Walk:
    """The commits (merges aside) that changed the definition at ``span`` of ``blob``, newest
    first (a commit before its parents, else in the log's order)."""
    spans: dict[str, LineSpan | None] = {blob: span}  # None: the definition is not in that blob
    touching: dict[str, ChangeRef] = {}  # in the order the walk meets them: children first
    created = False
    pending = [d for d in diffs if d.new_blob is not None]
    progress = True
    while pending and progress:
        # A diff can be read once the span in its new blob is known; the log's order (by date)
        # nearly always gives children first, and a second pass mops up clock skew.
        progress = False
        waiting: list[FileDiff] = []
        for diff in pending:
            assert diff.new_blob is not None
            if diff.new_blob not in spans:
                waiting.append(diff)
                continue
            progress = True
            current = spans[diff.new_blob]
            if current is None:
                continue
            older = None if diff.created else shifted(diff.changes, current)
            if older is None or diff.created:
                # The changes reach the definition's lines: look closely.
                if not diff.commit.merge and any(touches(c, current) for c in diff.changes):
                    touching.setdefault(diff.commit.sha, diff.commit)
                older = None if diff.created else map_span(diff.changes, current)
            created = created or older is None
            if diff.old_blob is not None:
                spans.setdefault(diff.old_blob, older)
        pending = waiting
    return Walk(tuple(touching.values()), created)


def summarize(
    walk: Walk,
    now: float,
    window_days: int = WINDOW_DAYS,
    *,
    log_starts: float | None = None,
) -> DefinitionHistory:
    """The commits of the last ``window_days`` days (by author date) and their authors.
    ``log_starts``: the earliest time of a log cut short by its limit."""
    since = now - window_days * _DAY
    commits = walk.commits
    recent = tuple(c for c in commits if c.authored_at >= since)
    authors = tuple(dict.fromkeys(c.author for c in recent))
    last = commits[0] if commits else None
    older = log_starts if last is None and not walk.created else None
    return DefinitionHistory(recent, authors, last, False, window_days, older)


def uncommitted(window_days: int = WINDOW_DAYS) -> DefinitionHistory:
    return DefinitionHistory((), (), None, True, window_days)


# -- presentation -------------------------------------------------------------------------------
def relative_time(then: float, now: float) -> str:
    """How long ago, the way GitLens says it: "just now", "5 minutes ago", "yesterday"."""
    seconds = max(0.0, now - then)
    minutes = seconds / 60
    hours = minutes / 60
    days = hours / 24
    if seconds < 45:
        return "just now"
    if minutes < 1.5:
        return "a minute ago"
    if minutes < 45:
        return f"{round(minutes)} minutes ago"
    if minutes < 90:
        return "an hour ago"
    if hours < 22:
        return f"{round(hours)} hours ago"
    if hours < 36:
        return "yesterday"
    if days < 6.5:
        return f"{max(2, round(days))} days ago"
    if days < 10.5:
        return "a week ago"
    if days < 26:
        return f"{round(days / 7)} weeks ago"
    if days < 45:
        return "a month ago"
    if days < 320:
        return f"{max(2, round(days / 30.44))} months ago"
    if days < 548:
        return "a year ago"
    return f"{max(2, round(days / 365.25))} years ago"


# -- running git --------------------------------------------------------------------------------
def read_blob(root: Path | str, spec: str) -> tuple[str, bytes] | None:
    """(blob id, content) of ``spec`` (``<commit>:<path>``), None when there is no such blob."""
    out = run_git(root, "cat-file", "--batch", input=spec.encode() + b"\n", timeout=GIT_TIMEOUT)
    header, _, rest = out.partition(b"\n")
    fields = header.split()
    if len(fields) != 3 or fields[1] != b"blob":
        return None  # "<spec> missing", or not a file
    size = int(fields[2])
    return fields[0].decode("ascii"), rest[:size]


def read_file_history(
    root: Path | str, path: str, head: str, limit: int = LOG_LIMIT
) -> FileHistory:
    """``path`` (relative to the repository root ``root``, POSIX) at commit ``head``, and its
    log: two git processes. Raises :class:`~devfocus.git.runner.GitError`."""
    found = read_blob(root, f"{head}:{path}")
    if found is None:
        return FileHistory(head, None, None, ())
    blob, data = found
    out = run_git(root, *log_arguments(head, path, limit), timeout=GIT_TIMEOUT)
    diffs = parse_log(out.decode("utf-8", "replace"))
    truncated = len({d.commit.sha for d in diffs}) >= limit
    return FileHistory(head, blob, data, diffs, truncated)


class _Line(Protocol):
    @property
    def line(self) -> int: ...  # 0-based


class _Span(Protocol):
    @property
    def start(self) -> _Line: ...


class AnalysedDefinition(Protocol):
    """What :func:`definition_spans` reads of a definition (0-based lines): the shape of
    :class:`devfocus.docs.facts.Definition`, which git does not import."""

    @property
    def kind(self) -> str: ...  # "module", "class", "function"
    @property
    def name(self) -> str: ...
    @property
    def qualname(self) -> str: ...
    @property
    def start_line(self) -> int: ...  # first decorator, or the def/class line
    @property
    def end_line(self) -> int: ...
    @property
    def name_span(self) -> _Span: ...
    @property
    def indent(self) -> str: ...


D = TypeVar("D", bound=AnalysedDefinition)


class AnalysedModule(Protocol):
    """A module's definitions as an analysis found them (:class:`devfocus.docs.facts.ModuleFacts`
    has this shape); none when the source does not parse."""

    @property
    def definitions(self) -> Sequence[AnalysedDefinition]: ...


def keyed_definitions(definitions: Iterable[D]) -> Iterator[tuple[tuple[str, int], D]]:
    """Every class and function of ``definitions`` with its key, (qualname, n): n counts the
    earlier definitions of the same qualname (a property's setter, overloads)."""
    seen: dict[str, int] = {}
    for definition in definitions:
        if definition.kind == "module":
            continue
        n = seen.get(definition.qualname, 0)
        seen[definition.qualname] = n + 1
        yield (definition.qualname, n), definition


def definition_spans(analysis: AnalysedModule) -> dict[tuple[str, int], LineSpan]:
    """The span of every class and function of the analysed module, by its key (see
    :func:`keyed_definitions`)."""
    spans: dict[tuple[str, int], LineSpan] = {}
    for key, definition in keyed_definitions(analysis.definitions):
        spans[key] = LineSpan(
            definition.start_line + 1,
            definition.end_line + 1,
            definition.name_span.start.line + 1,
            definition.name,
            len(definition.indent),
        )
    return spans
