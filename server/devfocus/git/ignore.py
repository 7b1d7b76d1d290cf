"""Whether git ignores a path, from the ignore files read as data: no git process runs.

Git reads, lowest priority first: ``core.excludesFile`` (by default ``$XDG_CONFIG_HOME/git/ignore``,
or ``~/.config/git/ignore``), ``info/exclude`` in the repository's git directory (the common one,
for a linked worktree), then the ``.gitignore`` of the work tree's root and of each directory down
to the path. The last pattern that matches decides, and a path inside an ignored directory is
ignored whatever follows: git does not look inside it, nor read the ``.gitignore`` files there.
Each pattern is compiled by ``pathspec`` (imported on first use); which patterns match a path
is decided here, level by level, because git's answer depends on it: a pattern matches a path
itself, not a path below a directory it matches (``!deep/`` does not re-include ``deep/a`` when a
file rule ignores ``a``; ``deep/`` was already decided at its own level).

Unlike ``git check-ignore``, the index is not read: a file added with ``git add -f`` despite a rule
counts as ignored until it is committed. ``core.excludesFile`` and ``core.ignoreCase`` come from
the user's configuration (read with its includes) or the repository's own config file (without
them), the last one set winning, as in git.

Each ignore file is parsed once and read again when its size, time or inode changes; a file that
is not a regular file (a FIFO, a device), a ``.gitignore`` that is a symbolic link (git refuses
those too) or a file over :data:`MAX_FILE_BYTES` counts as empty.
"""

from __future__ import annotations

import os
import re
import stat
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 4 << 20  # a .gitignore this large is not a list of patterns
REPOSITORIES = 32  # repositories whose rules are kept
FILES_PER_REPOSITORY = 4096  # ignore files kept per repository (directories visited)

Stamp = tuple[int, int, int, int] | None  # (mtime, ctime, size, inode); None: no such file


def _stamp(path: str, *, follow: bool) -> Stamp:
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except (OSError, ValueError):
        return None
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino


def read_pattern_file(path: str, *, follow: bool = True) -> list[str]:
    """The lines of an ignore file; none when it is missing, not a regular file, too large, or
    (``follow`` false) a symbolic link. Bytes that are not UTF-8 stay as the file system's names
    decode them (surrogate escapes), so a pattern still matches the name it was written for."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the open
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return []
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return []
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError:
        return []
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        return []
    return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape").split("\n")


Pattern = tuple[re.Pattern[str], bool]  # (regex, excludes: False for a "!" pattern)
_ANY_DIRECTORY = "(?P<ps_d>/)"  # pathspec's regex for "*/" and "**/": every directory


class _Rules:
    """One ignore file, compiled: its patterns, last first (the last match decides), and one
    regex matching wherever any of them may (most paths match none: one search says so)."""

    __slots__ = ("any", "patterns")

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self.any: re.Pattern[str] | None = None
        if patterns:
            alternatives = "|".join(
                f"(?:{r.pattern.replace('(?P<ps_d>', '(?:')})" for r, _ in patterns
            )
            try:
                self.any = re.compile(alternatives, patterns[0][0].flags)
            except (re.error, OverflowError, RecursionError):
                self.any = None  # every pattern is tried


class _Patterns:
    """One ignore file as last read: its stamp and rules (None when it has no pattern)."""

    __slots__ = ("rules", "stamp")

    def __init__(self, stamp: Stamp, rules: _Rules | None) -> None:
        self.stamp = stamp
        self.rules = rules


def _compile(lines: Sequence[str], fold: bool) -> list[Pattern]:
    from pathspec import GitIgnoreSpec

    kept = []
    for raw in lines:
        line = _trimmed(raw)
        if not line or line.startswith("#"):
            continue
        if "[:" in line:
            expanded = _posix_classes(line)
            if expanded is None:
                continue  # an unknown class: git never matches the pattern
            line = expanded
        if fold:
            line = line.lower()  # paths are folded too
        if line.endswith("/**/"):
            line += "*/"  # directories strictly inside: pathspec reads "a/**/" as "a/" too
        kept.append(line)
    try:
        compiled = list(GitIgnoreSpec.from_lines(kept).patterns) if kept else []
    except (ValueError, re.error):  # one pattern git never matches (a trailing backslash)
        compiled = []
        for line in kept:
            try:
                compiled += GitIgnoreSpec.from_lines([line]).patterns
            except (ValueError, re.error):
                continue
    return [(p.regex, bool(p.include)) for p in reversed(compiled) if p.regex is not None]


def _trimmed(line: str) -> str:
    """The pattern git reads from a line: the CR of a CRLF line and trailing spaces dropped
    (unless escaped: ``\\ ``). Any other trailing blank (a tab) belongs to the pattern; it goes
    in brackets, as pathspec would strip it."""
    line = line.removesuffix("\r")
    last_space = None
    at = 0
    while at < len(line):
        char = line[at]
        if char == " ":
            last_space = at if last_space is None else last_space
        else:
            last_space = None
            if char == "\\":
                at += 1  # the escaped character is never trimmed
        at += 1
    if last_space is not None:
        line = line[:last_space]
    if line.endswith("\\ "):
        return line  # pathspec keeps an escaped space
    end = len(line)
    while end and line[end - 1].isspace():
        end -= 1
    if end == len(line):
        return line
    body, blanks = line[:end], line[end:]
    if (len(body) - len(body.rstrip("\\"))) % 2:
        body = body[:-1]  # it escaped the first blank, which the brackets now hold
    return body + "".join(f"[{char}]" for char in blanks)


# POSIX classes in brackets, which pathspec leaves to Python's re (ASCII, as git's wildmatch).
_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "xdigit": "0-9A-Fa-f",
    "space": " \t\n\r\f\v",
    "blank": " \t",
    "punct": "!-/:-@[-`{-~",
    "cntrl": "\x00-\x1f\x7f",
    "graph": "!-~",
    "print": " -~",
}
_CLASS = re.compile(r"\[:([a-z]*):\]")


def _posix_classes(line: str) -> str | None:
    """``[[:alpha:]_]`` as ``[a-zA-Z_]``; None for a class git does not know."""
    unknown = False

    def expand(match: re.Match[str]) -> str:
        nonlocal unknown
        chars = _CLASSES.get(match.group(1))
        unknown = unknown or chars is None
        return chars or ""

    line = _CLASS.sub(expand, line)
    return None if unknown else line


def _matches(regex: re.Pattern[str], path: str, is_directory: bool) -> bool:
    """Whether the pattern matches ``path`` itself. pathspec's regexes also match every path
    below a directory they match, through the group ``ps_d`` (the slash after the directory):
    such a match counts only for a directory, when that slash is the one after its name."""
    if regex.pattern == _ANY_DIRECTORY:
        return is_directory
    marked = "ps_d" in regex.groupindex
    found = regex.search(path)
    if found is not None and (not marked or found.start("ps_d") == -1):
        return True
    if not (is_directory and marked):
        return False
    found = regex.search(path + "/")
    return found is not None and found.start("ps_d") == len(path)


class RepositoryIgnores:
    """The ignore rules of one work tree.

    ``root``: the work tree; ``common_dir``: the git directory holding ``info/`` (a linked
    worktree's common one); ``environ``: where HOME, XDG_CONFIG_HOME and GIT_CONFIG_* come from.
    Not thread-safe: use it from one thread.
    """

    def __init__(
        self, root: Path, common_dir: Path, environ: Mapping[str, str] | None = None
    ) -> None:
        self.root = root
        self.common_dir = common_dir
        self.environ = os.environ if environ is None else environ
        self._files: dict[str, _Patterns] = {}
        self._config_files: list[str] | None = None  # the user's (found once: it looks up git)
        self._settings_stamp: tuple[Any, ...] | None = None
        self._excludes_file: str | None = None
        self._fold = False

    def ignored(self, relative: str, *, directory: bool = False) -> bool:
        """Whether git ignores ``relative`` (a POSIX path in the work tree; ``directory``: it
        names a directory). A path that leaves the work tree, or names ``.git``, is not."""
        parts = relative.split("/")
        if not relative or any(p in ("", ".", "..") for p in parts) or ".git" in parts:
            return False
        self._refresh_settings()
        names = [p.lower() for p in parts] if self._fold else parts  # to match
        # Lowest priority first; each entry is (depth of its directory, its rules).
        stack: list[tuple[int, _Rules]] = []
        for path, follow in self._outer_files():
            rules = self._rules(path, follow=follow)
            if rules is not None:
                stack.append((0, rules))
        root = str(self.root)
        for depth in range(len(parts)):
            # The .gitignore of the directory holding parts[depth] applies from here down.
            path = os.path.join(root, *parts[:depth], ".gitignore")
            rules = self._rules(path, follow=False)
            if rules is not None:
                stack.append((depth, rules))
            is_directory = depth < len(parts) - 1 or directory
            if _decide(stack, names[: depth + 1], is_directory):
                return True  # the path itself, or a directory above it
        return False

    def _outer_files(self) -> list[tuple[str, bool]]:
        files = [(os.path.join(self.common_dir, "info", "exclude"), True)]
        if self._excludes_file is not None:
            files.insert(0, (self._excludes_file, True))
        return files

    def _rules(self, path: str, *, follow: bool) -> _Rules | None:
        stamp = _stamp(path, follow=follow)
        known = self._files.get(path)
        if known is not None and known.stamp == stamp:
            return known.rules
        rules = None
        if stamp is not None:
            patterns = _compile(read_pattern_file(path, follow=follow), self._fold)
            rules = _Rules(patterns) if patterns else None
        if len(self._files) >= FILES_PER_REPOSITORY:
            self._files.clear()
        self._files[path] = _Patterns(stamp, rules)
        return rules

    def _refresh_settings(self) -> None:
        """``core.excludesFile`` and ``core.ignoreCase``, read again when a config file changed."""
        if self._config_files is None:
            from devfocus.git.userconfig import config_files

            self._config_files = [str(p) for p in config_files(self.environ)]
        local = os.path.join(self.common_dir, "config")
        stamp = (
            tuple(_stamp(p, follow=True) for p in self._config_files),
            _stamp(local, follow=True),
            *(self.environ.get(k) for k in ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_COUNT")),
        )
        if stamp == self._settings_stamp:
            return
        self._settings_stamp = stamp
        excludes, fold = _settings(local, self.environ)
        if fold != self._fold:
            self._files.clear()  # compiled for the other case
        self._fold = fold
        if excludes is not None and not os.path.isabs(excludes):
            excludes = os.path.join(self.root, excludes)  # git opens it from the work tree
        self._excludes_file = excludes


def _settings(local_config: str, environ: Mapping[str, str]) -> tuple[str | None, bool]:
    """(the excludes file, whether names match without case), as git's config says."""
    from devfocus.git.userconfig import parse, values

    excludes = [v for v in values("core.excludesfile", environ) if v is not None]
    lines = read_pattern_file(local_config)  # any small regular file, read as text
    fold = False
    for key, value in parse("\n".join(lines)):
        if key == "core.excludesfile" and value is not None:
            excludes.append(value)
        elif key == "core.ignorecase":
            fold = value is None or value.strip().lower() in ("true", "yes", "on", "1")
    if excludes:
        return (_expand_home(excludes[-1], environ) if excludes[-1] else None), fold
    xdg = environ.get("XDG_CONFIG_HOME") or ""
    home = environ.get("HOME") or ""
    if xdg:
        return os.path.join(xdg, "git", "ignore"), fold
    return (os.path.join(home, ".config", "git", "ignore") if home else None), fold


def _expand_home(value: str, environ: Mapping[str, str]) -> str:
    home = environ.get("HOME")
    if home and (value == "~" or value.startswith("~/")):
        return home + value[1:]
    return os.path.expanduser(value) if value.startswith("~") else value


def _decide(stack: list[tuple[int, _Rules]], parts: list[str], is_directory: bool) -> bool:
    """Whether the last pattern matching ``parts`` excludes it: the deepest file first, each
    file's patterns relative to its own directory."""
    for depth, rules in reversed(stack):
        path = "/".join(parts[depth:])
        if rules.any is not None and rules.any.search(path + "/") is None:
            continue  # none of its patterns matches the path, nor anything below it
        for regex, excludes in rules.patterns:
            if _matches(regex, path, is_directory):
                return excludes
    return False


class IgnoreRules:
    """:class:`RepositoryIgnores` per work tree, for the :data:`REPOSITORIES` used last."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = environ
        self._repositories: OrderedDict[str, RepositoryIgnores] = OrderedDict()

    def ignored(self, root: str, relative: str, *, directory: bool = False) -> bool:
        """Whether git ignores ``relative`` (POSIX) in the work tree at ``root``."""
        rules = self._repositories.get(root)
        if rules is None:
            from devfocus.git.repository import open_repository

            repository = open_repository(Path(root))
            if repository is None:
                return False
            rules = RepositoryIgnores(repository.root, repository.common_dir, self.environ)
            self._repositories[root] = rules
            while len(self._repositories) > REPOSITORIES:
                self._repositories.popitem(last=False)
        else:
            self._repositories.move_to_end(root)
        return rules.ignored(relative, directory=directory)
