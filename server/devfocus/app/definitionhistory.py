"""Definition history for hovers and hotspots: one git log per (file, HEAD), kept in an LRU
cache, read on a worker thread of its own (the hover's text is
:mod:`devfocus.insights.historyhover`; the week's focus time :mod:`devfocus.app.focustimes`).

Besides a definition's history, it answers how much the developer changed a file and each of its
definitions since a time (their churn): the commits of the same log, by the developer only.

Nothing here raises into the server: a file outside git, a file that is not UTF-8, a broken
repository or no git at all give no answer (logged once), and the hover says nothing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, TypeVar

from devfocus.git.head import find_git_dir, head_commit
from devfocus.git.ignore import IgnoreRules
from devfocus.git.linehistory import (
    WINDOW_DAYS,
    ChangeRef,
    FileDiff,
    FileHistory,
    LineSpan,
    Walk,
    definition_spans,
    keyed_definitions,
    read_file_history,
    summarize,
    track,
    uncommitted,
)
from devfocus.git.repository import open_repository
from devfocus.git.runner import GitError, GitMissing, run_git
from devfocus.insights.historyhover import Churn, Found
from devfocus.insights.hotspots import DefinitionChurn, authored_by

if TYPE_CHECKING:
    from devfocus.docs.facts import Definition, ModuleFacts

log = logging.getLogger(__name__)
T = TypeVar("T")

FILE_CACHE = 64  # files (at one HEAD each) whose log is kept
BUFFER_CACHE = 8  # analysed editor buffers
HEAD_RETRY = 5.0  # seconds before asking git again for a HEAD it could not name
WARM_INTERVAL = 10.0  # seconds between background reads of one file's history


@dataclass(frozen=True, slots=True)
class _Question:
    """What a hover asks: see :meth:`HistoryService.lookup`."""

    path: str
    key: Hashable
    source: str
    line: int
    character: int
    facts: ModuleFacts | None
    # The churn is asked for since this time (None: not asked), by these authors (empty: the
    # repository's user.email).
    since: float | None = None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NamedChurn:
    """A definition of the editor's buffer that the developer changed, and where its name is."""

    churn: DefinitionChurn
    line: int  # 0-based, the name's line in the buffer
    start: int  # the name's columns (Python characters)
    end: int


@dataclass(frozen=True, slots=True)
class BufferChurn:
    """What the developer changed in one file since a time: see :meth:`HistoryService.churn`."""

    path: str  # absolute POSIX
    file_commits: tuple[str, ...]  # commit ids, newest first
    definitions: tuple[NamedChurn, ...]  # those with at least one commit, in buffer order


@dataclass(slots=True)
class _FileEntry:
    history: FileHistory
    facts: ModuleFacts | None  # HEAD's text, analysed
    spans: dict[tuple[str, int], LineSpan]
    tracked: dict[tuple[str, int], Walk]
    # Walks through the log's newest diffs only (see HistoryService._recent_walk), by
    # (definition, how many diffs).
    recent: dict[tuple[tuple[str, int], int], Walk] = field(default_factory=dict)


class _Failed:
    """A (file, HEAD) whose history could not be read: not asked again."""


_FAILED = _Failed()


class _Worker:
    """One daemon thread running submitted calls in order (a git process still running when the
    editor quits must not hold the server's exit)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, call: Callable[[], T]) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def job() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(call())
            except BaseException as exc:
                future.set_exception(exc)

        self._queue.put(job)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()
        return future

    def _run(self) -> None:
        while True:
            self._queue.get()()


class HistoryService:
    """Answers "what is the history of the definition at this position" off the event loop."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        window_days: int = WINDOW_DAYS,
        file_cache: int = FILE_CACHE,
        may_read: Callable[[str], bool] = lambda root: True,
    ) -> None:
        self.clock = clock
        self.window_days = window_days
        self.may_read = may_read  # whether a working tree may be read (see app/trustgate.py)
        self._worker = _Worker("devfocus-history")
        # Worker-thread state.
        self._files: OrderedDict[tuple[str, str, str], _FileEntry | _Failed] = OrderedDict()
        self._file_cache = file_cache
        self._buffers: OrderedDict[Hashable, ModuleFacts] = OrderedDict()
        self._roots: dict[str, str | None] = {}
        self._ignores = IgnoreRules()  # .gitignore and the rest, read as data (no git process)
        self._logged: set[Hashable] = set()
        self._git_missing = False
        self._no_head: dict[str, float] = {}  # root → when git may be asked for its HEAD again
        self._emails: dict[str, str | None] = {}  # root → its user.email
        self._warmed: dict[str, float] = {}  # event loop: path → when it was last warmed

    async def lookup(
        self,
        path: str,
        key: Hashable,
        source: str,
        line: int,
        character: int,
        facts: ModuleFacts | None = None,
        *,
        since: float | None = None,
        authors: tuple[str, ...] = (),
    ) -> Found | None:
        """The history of the definition whose name is at (line, character) of the editor's
        ``source`` (identified by ``key``, e.g. (uri, version)) of the file at ``path``.
        ``facts``: an analysis of that same source, if one is at hand. With ``since``, also its
        churn since then: the commits by ``authors`` (none given: the repository's
        ``user.email``) that changed it and its file."""
        question = _Question(path, key, source, line, character, facts, since, authors)
        return await asyncio.wrap_future(
            self._worker.submit(partial(_logged, path, partial(self._find, question)))
        )

    async def churn(
        self,
        path: str,
        key: Hashable,
        source: str,
        since: float,
        authors: tuple[str, ...] = (),
        facts: ModuleFacts | None = None,
    ) -> BufferChurn | None:
        """The developer's commits since ``since`` (by ``authors``, or the repository's
        ``user.email``) that touched the file at ``path``, and those that changed each
        definition of the editor's ``source`` (identified by ``key``) that is also at HEAD.
        None outside git, where the trust gate says no, or while the buffer does not parse."""
        question = _Question(path, key, source, 0, 0, facts, since, authors)
        return await asyncio.wrap_future(
            self._worker.submit(partial(_logged, path, partial(self._churn, question)))
        )

    def warm(self, path: str) -> None:
        """Read the file's history in the background (the mouse is over it: a hover on a name
        may follow); at most every :data:`WARM_INTERVAL` seconds per file."""
        now = self.clock()
        if self._warmed.get(path, -WARM_INTERVAL) > now - WARM_INTERVAL:
            return
        if len(self._warmed) > 1024:
            self._warmed.clear()
        self._warmed[path] = now
        self._worker.submit(partial(_logged, path, partial(self._warm, path)))

    # -- worker thread -----------------------------------------------------------------------
    def _warm(self, path: str) -> None:
        located = self._locate(path)
        if located is not None:
            self._entry(*located)

    def _locate(self, path: str) -> tuple[str, str] | None:
        """(working tree root, path in it) of the file at ``path``; None outside git."""
        absolute = PurePosixPath(Path(os.path.abspath(path)).as_posix())
        root = self._root(absolute.parent.as_posix())
        if root is None:
            self._log_once(("outside", path), logging.DEBUG, "%s is not in a git repository", path)
            return None
        if not self.may_read(root):  # the trust gate said why, once
            return None
        return root, absolute.relative_to(root).as_posix()

    def _find(self, question: _Question) -> Found | None:
        located = self._locate(question.path)
        if located is None:
            return None
        entry = self._entry(*located)
        if entry is None:
            return None
        facts = self._buffer_facts(question, entry)
        wanted = _definition_at(facts, question.line, question.character)
        if wanted is None:
            return None
        name_key, definition = wanted
        span = definition.name_span
        history = uncommitted(self.window_days)
        walk = self._walk(entry, name_key)
        if walk is not None:
            start = entry.history.oldest if entry.history.truncated else None
            history = summarize(walk, self.clock(), self.window_days, log_starts=start)
        churn = None
        if question.since is not None:
            mine = self._mine(located[0], question.authors, question.since)
            changed = tuple(c.sha for c in walk.commits if mine(c)) if walk is not None else ()
            churn = Churn(changed, _file_commits(entry, mine))
        name = name_key[0].replace(".<locals>", "")
        col = (span.start.character, span.end.character)
        return Found(name, span.start.line, *col, PurePosixPath(located[1]).name, history, churn)

    def _churn(self, question: _Question) -> BufferChurn | None:
        located = self._locate(question.path)
        if located is None:
            return None
        entry = self._entry(*located)
        if entry is None or question.since is None:
            return None
        root, relative = located
        path = f"{root.rstrip('/')}/{relative}"
        mine = self._mine(root, question.authors, question.since)
        in_file = _file_commits(entry, mine)
        if not in_file:
            return BufferChurn(path, (), ())  # nothing of theirs: no definition to walk
        facts = self._buffer_facts(question, entry)
        if facts.syntax_error is not None:
            return None  # mid-edit: what was said of the last version that parsed stands
        named: list[NamedChurn] = []
        newest = _newest(entry.history.diffs, question.since)
        for name_key, definition in keyed_definitions(facts.definitions):
            walk = self._recent_walk(entry, name_key, newest)
            changed = tuple(c.sha for c in walk.commits if mine(c)) if walk is not None else ()
            if changed:
                qualname = name_key[0].replace(".<locals>", "")
                span = definition.name_span
                churn = DefinitionChurn(path, qualname, changed)
                named.append(
                    NamedChurn(churn, span.start.line, span.start.character, span.end.character)
                )
        return BufferChurn(path, in_file, tuple(named))

    def _buffer_facts(self, question: _Question, entry: _FileEntry) -> ModuleFacts:
        """The analysis of the editor's buffer: the one given, HEAD's when the buffer is HEAD's
        text (already analysed), else made now."""
        if question.facts is not None:
            return question.facts
        if entry.facts is not None and entry.facts.source == question.source:
            return entry.facts
        return self._analysis(question.key, question.source)

    def _walk(self, entry: _FileEntry, name_key: tuple[str, int]) -> Walk | None:
        """The commits that changed the definition ``name_key`` of HEAD (tracked once); None
        when HEAD does not have it."""
        if entry.history.blob is None or name_key not in entry.spans:
            return None
        walk = entry.tracked.get(name_key)
        if walk is None:
            walk = track(entry.history.diffs, entry.history.blob, entry.spans[name_key])
            entry.tracked[name_key] = walk
        return walk

    def _recent_walk(
        self, entry: _FileEntry, name_key: tuple[str, int], newest: int
    ) -> Walk | None:
        """The commits that changed the definition ``name_key`` of HEAD among the ``newest``
        diffs of the log (see :func:`_newest`), for a fraction of a whole walk. None when HEAD
        does not have the definition."""
        diffs = entry.history.diffs
        if newest == len(diffs) or name_key in entry.tracked:
            return self._walk(entry, name_key)  # the whole walk is no dearer, or known already
        if entry.history.blob is None or name_key not in entry.spans:
            return None
        walk = entry.recent.get((name_key, newest))
        if walk is None:
            walk = track(diffs[:newest], entry.history.blob, entry.spans[name_key])
            if len(entry.recent) > 4096:
                entry.recent.clear()
            entry.recent[(name_key, newest)] = walk
        return walk

    def _mine(
        self, root: str, authors: tuple[str, ...], since: float
    ) -> Callable[[ChangeRef], bool]:
        """Whether a commit of the log is the developer's and made since ``since``: by
        ``authors``, else by the repository's ``user.email`` (read once)."""
        wanted: tuple[str | None, ...] = authors
        if not authors:
            if root not in self._emails:
                self._emails[root] = self._user_email(root)
            wanted = (self._emails[root],)
        return lambda c: c.authored_at >= since and authored_by(c.author, c.email, wanted)

    def _user_email(self, root: str) -> str | None:
        try:
            out = run_git(root, "config", "--get", "user.email", ok_codes=(0, 1))
        except GitError as exc:  # git missing too: then every author counts
            log.info("no user.email for %s: %s", root, exc.message)
            return None
        return out.decode("utf-8", "replace").strip() or None

    def _analysis(self, key: Hashable, source: str) -> ModuleFacts:
        facts = self._buffers.get(key)
        if facts is None:
            from devfocus.app.docstrings import EDITOR_MAX_DEFINITIONS, facts_isolated

            facts = self._buffers[key] = facts_isolated(source, EDITOR_MAX_DEFINITIONS)
            while len(self._buffers) > BUFFER_CACHE:
                self._buffers.popitem(last=False)
        else:
            self._buffers.move_to_end(key)
        return facts

    def _root(self, directory: str) -> str | None:
        """The working tree holding ``directory``, found once per directory."""
        if directory not in self._roots:
            if len(self._roots) > 4096:
                self._roots.clear()
            repository = open_repository(Path(directory))
            self._roots[directory] = repository.root.as_posix() if repository else None
        return self._roots[directory]

    def _entry(self, root: str, relative: str) -> _FileEntry | None:
        if self._git_missing:
            return None
        head = self._head(root)
        if head is None:
            return None
        key = (root, relative, head)
        entry = self._files.get(key)
        if entry is not None:
            self._files.move_to_end(key)
            return entry if isinstance(entry, _FileEntry) else None
        entry = self._load(root, relative, head)
        self._files[key] = entry if entry is not None else _FAILED
        while len(self._files) > self._file_cache:
            self._files.popitem(last=False)
        return entry

    def _load(self, root: str, relative: str, head: str) -> _FileEntry | None:
        try:
            history = read_file_history(root, relative, head)
            if history.data is None and self._ignores.ignored(root, relative):
                return None  # an ignored file (generated, vendored): nothing to say
        except GitMissing as exc:
            self._without_git(exc)
            return None
        except GitError as exc:
            log.info("no history for %s: %s", relative, exc.message)
            return None
        if history.data is None:
            return _FileEntry(history, None, {}, {})
        try:
            text = history.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            log.info("no history for %s: it is not UTF-8 at HEAD", relative)
            return None
        from devfocus.app.docstrings import EDITOR_MAX_DEFINITIONS, facts_isolated

        # In the parser process: Python's parser holds the interpreter (and so the server's
        # event loop) for seconds on a multi-megabyte module.
        facts = facts_isolated(text, EDITOR_MAX_DEFINITIONS)
        return _FileEntry(history, facts, definition_spans(facts), {})

    def _head(self, root: str) -> str | None:
        """HEAD's commit, read from the git directory's files; git itself when they do not say
        (reftable, a damaged file)."""
        git_dir = find_git_dir(Path(root))
        if git_dir is not None:
            sha = head_commit(git_dir)
            if sha is not None:
                return sha
        now = time.monotonic()
        if self._no_head.get(root, now) > now:
            return None  # asked git a moment ago
        try:
            out = run_git(root, "rev-parse", "--verify", "-q", "HEAD", ok_codes=(0, 1))
        except GitMissing as exc:
            self._without_git(exc)
            return None
        except GitError as exc:
            out, problem = b"", exc.message
        else:
            problem = "no commits yet"
        sha = out.decode("ascii", "replace").strip()
        if not sha:
            self._no_head[root] = now + HEAD_RETRY
            self._log_once(("head", root), logging.INFO, "no history in %s: %s", root, problem)
            return None
        return sha

    def _without_git(self, missing: GitMissing) -> None:
        """Git is not installed: say so once, and read no file's history from then on."""
        self._git_missing = True
        log.warning("%s", missing.message)

    def _log_once(self, key: Hashable, level: int, message: str, *args: object) -> None:
        if key not in self._logged:
            self._logged.add(key)
            log.log(level, message, *args)


def _logged(path: str, call: Callable[[], T]) -> T | None:
    """``call()`` for the file at ``path``; None when it fails, logged: nothing here raises
    into the server."""
    try:
        return call()
    except Exception:
        log.exception("could not read the history of %s", path)
        return None


def _newest(diffs: Sequence[FileDiff], since: float) -> int:
    """How many diffs of the log (newest first) reach its last one authored since ``since``: a
    walk through them finds every commit of that time (a rebased commit keeps its author date
    but sits among the newer ones)."""
    return next(
        (n for n in range(len(diffs), 0, -1) if diffs[n - 1].commit.authored_at >= since), 0
    )


def _file_commits(entry: _FileEntry, mine: Callable[[ChangeRef], bool]) -> tuple[str, ...]:
    """The ids of the commits of the file's log (merges aside) that ``mine`` accepts, newest
    first."""
    found = (d.commit for d in entry.history.diffs if not d.commit.merge and mine(d.commit))
    return tuple(dict.fromkeys(c.sha for c in found))


def _definition_at(
    facts: ModuleFacts, line: int, character: int
) -> tuple[tuple[str, int], Definition] | None:
    """(key, definition) of the definition named at (line, character), keyed as
    :func:`keyed_definitions` keys it."""
    for key, definition in keyed_definitions(facts.definitions):
        span = definition.name_span
        if span.start.line == line and span.start.character <= character < span.end.character:
            return key, definition
    return None
