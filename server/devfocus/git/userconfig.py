"""The user's own git configuration, read as data: the values of one key in the files git calls
protected (system, global, and ``GIT_CONFIG_COUNT`` pairs from the environment), never a
repository's own ``.git/config``.

Only what ``safe.directory`` needs: git reads it this way ("very early", before it knows of any
repository), so ``include.path`` is followed and ``includeIf`` never applies. No process runs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

MAX_INCLUDE_DEPTH = 10  # as git's own limit
_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", '"': '"', "\\": "\\"}


def config_files(env: Mapping[str, str] | None = None) -> list[Path]:
    """The protected configuration files, in the order git reads them (system, then global)."""
    env = os.environ if env is None else env
    files: list[Path] = []
    if not _true(env.get("GIT_CONFIG_NOSYSTEM", "")):
        system = env.get("GIT_CONFIG_SYSTEM")
        files += [Path(system)] if system is not None else _system_files()
    global_file = env.get("GIT_CONFIG_GLOBAL")
    if global_file is not None:
        files += [Path(global_file)] if global_file else []
        return files
    home = env.get("HOME")
    xdg = env.get("XDG_CONFIG_HOME") or (os.path.join(home, ".config") if home else None)
    if xdg:
        files.append(Path(xdg) / "git" / "config")
    if home:
        files.append(Path(home) / ".gitconfig")
    return files


def _system_files() -> list[Path]:
    """``$(prefix)/etc/gitconfig``: /etc/gitconfig for a git in /usr, else beside its prefix."""
    found = [Path("/etc/gitconfig")]
    git = shutil.which("git")
    if git:
        prefix = Path(os.path.realpath(git)).parent.parent
        if prefix != Path("/usr") and prefix != Path("/"):
            found.append(prefix / "etc" / "gitconfig")
    return found


def values(key: str, env: Mapping[str, str] | None = None) -> list[str | None]:
    """Every value of ``key`` (``section.name``, no subsection) in the protected configuration, in
    git's order; None for a key written without ``=`` (git's "true")."""
    env = os.environ if env is None else env
    key = key.lower()
    found: list[str | None] = []
    for path in config_files(env):
        found += [v for k, v in _entries(path, env, 0) if k == key]
    found += [v for k, v in _environment_pairs(env) if k.lower() == key]
    return found


def _environment_pairs(env: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """``GIT_CONFIG_COUNT`` / ``GIT_CONFIG_KEY_n`` / ``GIT_CONFIG_VALUE_n`` (command scope)."""
    try:
        count = int(env.get("GIT_CONFIG_COUNT", "0") or 0)
    except ValueError:
        return
    for n in range(max(0, min(count, 1000))):
        key = env.get(f"GIT_CONFIG_KEY_{n}")
        if key is not None:
            yield key, env.get(f"GIT_CONFIG_VALUE_{n}", "")


def _entries(path: Path, env: Mapping[str, str], depth: int) -> Iterator[tuple[str, str | None]]:
    """(key, value) of each entry of a file, its includes in place."""
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return
    for key, value in parse(text):
        if key == "include.path":
            if value and depth < MAX_INCLUDE_DEPTH:
                target = Path(_expand_home(value, env))
                if not target.is_absolute():
                    target = path.parent / target
                yield from _entries(target, env, depth + 1)
            continue
        yield key, value


def _expand_home(value: str, env: Mapping[str, str]) -> str:
    if value == "~" or value.startswith("~/"):
        home = env.get("HOME")
        return (home + value[1:]) if home else value
    return os.path.expanduser(value) if value.startswith("~") else value


class _Chars:
    """git's ``get_next_char``: CRLF is a newline, and the end of the text is one too."""

    def __init__(self, text: str) -> None:
        self.text = text.removeprefix("\ufeff")
        self.at = 0
        self.eof = False

    def next(self) -> str:
        if self.at >= len(self.text):
            self.eof = True
            return "\n"
        c = self.text[self.at]
        self.at += 1
        if c == "\r" and self.text.startswith("\n", self.at):
            self.at += 1
            return "\n"
        return c


def _keychar(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "-")


def parse(text: str) -> Iterator[tuple[str, str | None]]:
    """(key, value) of every entry of a git config text, as git's own parser reads it: the key
    is ``section.name`` or ``section.subsection.name`` (section and name lower case), a value is
    unquoted and unescaped, and None for a key without ``=``. Where git would reject the file,
    the entries before that point are all there is."""
    chars = _Chars(text)
    section = ""
    comment = False
    while True:
        c = chars.next()
        if c == "\n":
            if chars.eof:
                return
            comment = False
            continue
        if comment or c.isspace():
            continue
        if c in "#;":
            comment = True
            continue
        if c == "[":
            parsed = _section(chars)
            if not parsed:
                return
            section = parsed
            continue
        if not (c.isascii() and c.isalpha()):
            return
        name = [c.lower()]
        while True:
            c = chars.next()
            if chars.eof or not _keychar(c):
                break
            name.append(c.lower())
        while c in " \t":
            c = chars.next()
        value = None
        if c != "\n":
            if c != "=":
                return
            value = _value(chars)
            if value is None:
                return
        yield f"{section}.{''.join(name)}", value


def _section(chars: _Chars) -> str | None:
    """The name of a ``[section]`` or ``[section "subsection"]`` header, the ``[`` read."""
    name: list[str] = []
    while True:
        c = chars.next()
        if chars.eof:
            return None
        if c == "]":
            return "".join(name) or None
        if c.isspace():
            break
        if not _keychar(c) and c != ".":
            return None
        name.append(c.lower())
    while c.isspace():
        if c == "\n":
            return None
        c = chars.next()
    if c != '"':
        return None
    sub: list[str] = []
    while True:
        c = chars.next()
        if c == "\n":
            return None
        if c == '"':
            break
        if c == "\\":
            c = chars.next()
            if c == "\n":
                return None
        sub.append(c)
    if chars.next() != "]" or not name:
        return None
    return f"{''.join(name)}.{''.join(sub)}"


def _value(chars: _Chars) -> str | None:
    """git's ``parse_value``: the rest of the line (a backslash at its end continues it), quotes
    removed, escapes resolved, a comment dropped, and blanks outside quotes kept only between
    words (one space each)."""
    out: list[str] = []
    quoted = comment = False
    spaces = 0
    while True:
        c = chars.next()
        if c == "\n":
            return None if quoted else "".join(out)
        if comment:
            continue
        if c.isspace() and not quoted:
            if out:
                spaces += 1
            continue
        if not quoted and c in "#;":
            comment = True
            continue
        out.extend(" " * spaces)
        spaces = 0
        if c == "\\":
            c = chars.next()
            if c == "\n":
                continue
            c = _ESCAPES.get(c, "")
            if not c:
                return None
            out.append(c)
            continue
        if c == '"':
            quoted = not quoted
            continue
        out.append(c)


def _true(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")
