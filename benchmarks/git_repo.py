"""A realistic git history for the git benchmarks, built by one ``git fast-import`` process.

    python benchmarks/git_repo.py DIR [--commits 10000] [--seed 7]

The history is deterministic for a given (commits, seed) and git version: the same stream gives
the same commit ids. What it looks like:

* about 140 files at first, 150-400 later, in nested directories: Python sources and tests,
  Markdown docs (one directory name with a space, one file name with an accent), JSON configs
  and fixtures, a few TOML/YAML/text files and some PNG images (binary);
* each commit touches 1-6 files with small line-level edits of the previous contents (so
  ``--numstat`` has real additions and deletions); now and then a new file, a deletion or a
  rename (delete + add of the same, sometimes slightly edited, content: git detects it);
* five authors, one with a non-ASCII name and one who changed e-mail (and name spelling) a
  year in, mapped back by the ``.mailmap`` of the first commit; their own time zones, with
  daylight saving time where they live; commits in working sessions on weekdays (bursts minutes
  apart, nights and weekends off, holidays), over three years;
* committer = author, a few minutes later now and then (amends, rebases), "GitHub" for some
  merges; Conventional Commits and plain subjects, some with bodies and trailers;
* ``main`` plus feature branches merged back with merge commits (clean merges: a branch only
  touches files ``main`` left alone since the fork, as in a real project where the merge
  needed no conflict resolution); most merged branches are deleted, a few are left; a few
  branches were never merged; release commits on ``main`` with annotated tags.

The pack is left as fast-import wrote it (no ``git gc``), and ``main`` is checked out.
"""

from __future__ import annotations

import argparse
import calendar
import itertools
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

BENCH_DIR = Path(__file__).resolve().parent
WORK_DIR = BENCH_DIR / ".work"  # git-ignored; generated data lives here
GENERATOR_VERSION = 1  # bump when the history changes, so cached repositories are rebuilt

START = date(2021, 3, 1)  # a Monday
DAYS = 3 * 365


# -- authors --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Author:
    name: str
    email: str
    utc_offset: int  # minutes east of UTC in winter
    dst: str  # "eu", "us" or "" (no daylight saving time)
    weight: float  # how much of the work is theirs
    active: tuple[float, float]  # the part of the three years they work on the project
    old_identity: tuple[str, str, float] | None = None  # (name, email, until) before a change

    def identity(self, fraction: float) -> tuple[str, str]:
        if self.old_identity is not None and fraction < self.old_identity[2]:
            return self.old_identity[0], self.old_identity[1]
        return self.name, self.email

    def offset_on(self, day: date) -> int:
        return self.utc_offset + (60 if _summer_time(self.dst, day) else 0)


def _summer_time(rule: str, day: date) -> bool:
    """Daylight saving time, to the day (last Sundays of March/October in Europe; second Sunday
    of March to first Sunday of November in the US)."""
    if rule == "eu":
        return _nth_sunday(day.year, 3, -1) <= day < _nth_sunday(day.year, 10, -1)
    if rule == "us":
        return _nth_sunday(day.year, 3, 2) <= day < _nth_sunday(day.year, 11, 1)
    return False


def _nth_sunday(year: int, month: int, n: int) -> date:
    sundays = [
        date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == 6
    ]
    return sundays[n - 1] if n > 0 else sundays[n]


AUTHORS = (
    Author("Alice Martin", "alice.martin@example.com", 60, "eu", 1.4, (0.0, 1.0)),
    Author(
        "Bob Chen",
        "bob.chen@example.com",
        -300,
        "us",
        1.0,
        (0.02, 1.0),
        old_identity=("bchen", "bob@oldmail.example.net", 0.4),
    ),
    Author("Priya Raman", "priya@example.in", 330, "", 0.9, (0.15, 1.0)),
    Author("Zoë Łukasiewicz", "zoe.lukasiewicz@example.pl", 60, "eu", 0.8, (0.3, 0.95)),
    Author("Sam O'Neil", "sam.oneil@example.org", -480, "us", 0.35, (0.45, 0.85)),
)
MAINTAINER = AUTHORS[0]
GITHUB = ("GitHub", "noreply@github.com")
MAILMAP = "Bob Chen <bob.chen@example.com> <bob@oldmail.example.net>\n"


@dataclass(frozen=True)
class Event:
    """When a commit is made, by whom, in which time zone."""

    epoch: int
    author: Author
    offset: int  # minutes east of UTC
    fraction: float  # how far into the three years


def _days_off(rng: random.Random) -> set[int]:
    """Day indexes of one person's holidays: a summer break a year, a few long weekends."""
    days: set[int] = set()
    for year in range(4):
        start = rng.randint(year * 365 + 150, year * 365 + 220)
        days.update(range(start, start + rng.randint(7, 16)))
    for _ in range(6):
        start = rng.randint(0, DAYS)
        days.update(range(start, start + rng.randint(1, 3)))
    return days


def timeline(rng: random.Random, count: int) -> list[Event]:
    """``count`` commit times in working sessions, oldest first."""
    sessions: list[tuple[int, Author, int, float, float]] = []  # epoch, author, offset, ...
    holidays = {author: _days_off(rng) for author in AUTHORS}
    for index in range(DAYS):
        day = START + timedelta(days=index)
        fraction = index / DAYS
        weekend = day.weekday() >= 5
        for author in AUTHORS:
            low, high = author.active
            if not low <= fraction < high or index in holidays[author]:
                continue
            if weekend:
                slots = [(600, 1320)] if rng.random() < 0.04 else []
            elif rng.random() < 0.12:  # meetings all day, sick, ...
                slots = []
            else:
                slots = [(480, 630), (795, 930)] + ([(1200, 1350)] if rng.random() < 0.05 else [])
            offset = author.offset_on(day)
            midnight = calendar.timegm(day.timetuple()) - offset * 60
            for low_minute, high_minute in slots:
                if rng.random() < 0.8:
                    start = midnight + rng.randint(low_minute, high_minute) * 60
                    weight = author.weight * rng.lognormvariate(0.0, 0.8)
                    sessions.append((start, author, offset, fraction, weight))
    picks = rng.choices(range(len(sessions)), weights=[s[4] for s in sessions], k=count)
    per_session = [0] * len(sessions)
    for pick in picks:
        per_session[pick] += 1
    events = []
    for (start, author, offset, fraction, _), commits in zip(sessions, per_session, strict=True):
        moment = start + rng.randint(0, 1200)
        for _ in range(commits):
            events.append(Event(moment, author, offset, fraction))
            roll = rng.random()
            if roll < 0.12:  # a quick fixup
                moment += rng.randint(30, 180)
            elif roll < 0.8:
                moment += rng.randint(180, 1500)
            else:
                moment += rng.randint(1500, 4800)
    events.sort(key=lambda e: e.epoch)
    return events


# -- file contents --------------------------------------------------------------------------------
NOUNS = (
    "user",
    "order",
    "invoice",
    "session",
    "token",
    "cache",
    "payload",
    "record",
    "batch",
    "queue",
    "config",
    "request",
    "response",
    "client",
    "event",
    "item",
    "account",
    "report",
    "schedule",
    "metric",
    "node",
    "job",
    "path",
    "entry",
    "buffer",
    "index",
    "message",
    "channel",
    "policy",
    "profile",
    "tenant",
    "webhook",
    "upload",
    "export",
    "import",
    "filter",
    "backend",
    "shard",
    "lease",
)
VERBS = (
    "load",
    "save",
    "parse",
    "build",
    "fetch",
    "update",
    "validate",
    "render",
    "merge",
    "resolve",
    "compute",
    "flush",
    "sync",
    "apply",
    "normalize",
    "encode",
    "decode",
    "dispatch",
    "refresh",
    "collect",
    "prune",
    "retry",
    "register",
    "serialize",
)
ADJECTIVES = (
    "empty",
    "stale",
    "missing",
    "invalid",
    "pending",
    "expired",
    "partial",
    "cached",
    "remote",
    "local",
    "large",
)
TYPES = ("str", "int", "bool", "bytes", "float", "dict[str, str]", "list[str]", "Path", "None")
EXCEPTIONS = (
    "ValueError",
    "KeyError",
    "RuntimeError",
    "TimeoutError",
    "LookupError",
    "PermissionError",
)
PACKAGES = (
    "requests",
    "pydantic",
    "httpx",
    "sqlalchemy",
    "click",
    "rich",
    "attrs",
    "orjson",
    "structlog",
    "pytest",
)
CONFIG_VALUES = ("true", "false", "30", '"strict"', '["a", "b"]')
EXTRA_WORDS = ("café", "naïve", "déjà vu", "Zürich", "—", "→", "façade", "coöperate")


def _sentence(rng: random.Random) -> str:
    noun, other = rng.choice(NOUNS), rng.choice(NOUNS)
    roll = rng.random()
    if roll < 0.3:
        verb, adjective = rng.choice(VERBS).capitalize(), rng.choice(ADJECTIVES)
        text = f"{verb} the {noun} before the {other} is {adjective}"
    elif roll < 0.55:
        verb, table = rng.choice(VERBS), rng.choice(NOUNS)
        text = f"The {noun} {_third_person(verb)} every {other} it keeps in the {table} table"
    elif roll < 0.75:
        text = f"When a {noun} is {rng.choice(ADJECTIVES)}, we {rng.choice(VERBS)} it again"
    elif roll < 0.9:
        text = (
            f"A {rng.choice(ADJECTIVES)} {noun} never reaches the {other} {rng.choice(VERBS)} step"
        )
    else:
        text = f"See the {noun} notes ({rng.choice(EXTRA_WORDS)}) for the {other} case"
    return text + "."


def _third_person(verb: str) -> str:
    if verb.endswith(("sh", "ch", "ss", "x")):
        return verb + "es"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _name(rng: random.Random) -> str:
    return rng.choice(NOUNS) if rng.random() < 0.6 else f"{rng.choice(NOUNS)}_{rng.choice(NOUNS)}"


def _value(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return _name(rng)
    if roll < 0.6:
        return str(rng.choice((0, 1, 2, 3, 5, 8, 10, 30, 60, 100, 256, 1024)))
    if roll < 0.75:
        return f'"{rng.choice(NOUNS)}"'
    if roll < 0.85:
        return rng.choice(("None", "True", "False"))
    return f"self.{rng.choice(NOUNS)}"


def _statement(rng: random.Random, indent: str) -> str:
    v, w = _name(rng), _name(rng)
    roll = rng.randrange(12)
    if roll == 0:
        return f"{indent}{v} = {rng.choice(VERBS)}_{rng.choice(NOUNS)}({_value(rng)})"
    if roll == 1:
        return f"{indent}if {v} is None:"
    if roll == 2:
        return f"{indent}for {v} in {w}s:"
    if roll == 3:
        return f"{indent}{v}.{rng.choice(NOUNS)} = {_value(rng)}"
    if roll == 4:
        return f"{indent}return {_value(rng)}"
    if roll == 5:
        level = rng.choice(("debug", "info", "warning"))
        return f'{indent}logger.{level}("{rng.choice(VERBS)} {rng.choice(NOUNS)} %s", {v})'
    if roll == 6:
        return f"{indent}# {_sentence(rng)}"
    if roll == 7:
        return f'{indent}{v} = {{"{rng.choice(NOUNS)}": {_value(rng)}, "{w}": {_value(rng)}}}'
    if roll == 8:
        exc = rng.choice(EXCEPTIONS)
        return f'{indent}raise {exc}(f"cannot {rng.choice(VERBS)} {rng.choice(NOUNS)}: {{{v}!r}}")'
    if roll == 9:
        return f"{indent}self.{rng.choice(NOUNS)} = {_value(rng)}"
    if roll == 10:
        return f"{indent}{v} += {rng.randint(1, 64)}"
    return f"{indent}{v} = {w}.get({_value(rng)}, {_value(rng)})"


def _function(rng: random.Random, indent: str = "") -> list[str]:
    name = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"
    args = f"{rng.choice(NOUNS)}: {rng.choice(TYPES)}"
    if rng.random() < 0.5:
        args += f", {rng.choice(NOUNS)}_limit: int = {rng.randint(1, 100)}"
    lines = [
        f"{indent}def {name}({args}) -> {rng.choice(TYPES)}:",
        f'{indent}    """{_sentence(rng)}"""',
    ]
    for _ in range(rng.randint(2, 9)):
        lines.append(_statement(rng, indent + rng.choice(("    ", "    ", "        "))))
    lines.append(f"{indent}    return {_value(rng)}")
    lines.append("")
    return lines


def python_file(rng: random.Random, test: bool = False) -> list[str]:
    lines = [f'"""{_sentence(rng)}"""', "", "from __future__ import annotations", ""]
    for _ in range(rng.randint(2, 6)):
        lines.append(f"from .{rng.choice(NOUNS)} import {rng.choice(VERBS)}_{rng.choice(NOUNS)}")
    lines += ["import logging", "", "logger = logging.getLogger(__name__)", "", ""]
    target = rng.randint(25, 170)
    while len(lines) < target:
        if rng.random() < 0.2:
            lines.append(f"class {rng.choice(NOUNS).capitalize()}{rng.choice(NOUNS).capitalize()}:")
            lines.append(f'    """{_sentence(rng)}"""')
            lines.append("")
            for _ in range(rng.randint(1, 4)):
                lines += _function(rng, "    ")
        elif test:
            lines.append(f"def test_{rng.choice(VERBS)}_{rng.choice(NOUNS)}() -> None:")
            for _ in range(rng.randint(2, 6)):
                lines.append(_statement(rng, "    "))
            lines.append(f"    assert {_name(rng)} == {_value(rng)}")
            lines += ["", ""]
        else:
            lines += [*_function(rng), ""]
    return lines


def markdown_file(rng: random.Random) -> list[str]:
    lines = [f"# {rng.choice(NOUNS).capitalize()} {rng.choice(NOUNS)}", ""]
    target = rng.randint(15, 140)
    while len(lines) < target:
        roll = rng.random()
        if roll < 0.15:
            lines += [f"## {_sentence(rng)[:-1]}", ""]
        elif roll < 0.35:
            lines += [f"- {_sentence(rng)}" for _ in range(rng.randint(2, 5))] + [""]
        elif roll < 0.45:
            lines += ["```python", *(_statement(rng, "") for _ in range(rng.randint(1, 4))), "```"]
            lines.append("")
        else:
            lines += [
                " ".join(_sentence(rng) for _ in range(rng.randint(1, 2)))
                for _ in range(rng.randint(1, 4))
            ] + [""]
    return lines


def _json_entry(rng: random.Random) -> str:
    key = f"{rng.choice(NOUNS)}_{rng.choice(('timeout', 'enabled', 'url', 'retries', 'name'))}"
    roll = rng.random()
    if roll < 0.3:
        value = str(rng.randint(0, 5000))
    elif roll < 0.5:
        value = rng.choice(("true", "false", "null"))
    elif roll < 0.8:
        value = f'"{rng.choice(NOUNS)}-{rng.choice(VERBS)}"'
    else:
        value = "[" + ", ".join(f'"{rng.choice(NOUNS)}"' for _ in range(rng.randint(1, 4))) + "]"
    return f'  "{key}": {value}'


def json_file(rng: random.Random) -> list[str]:
    entries = [_json_entry(rng) for _ in range(rng.randint(4, 50))]
    return ["{", *(e + "," for e in entries[:-1]), entries[-1], "}"]


def config_file(rng: random.Random) -> list[str]:
    lines = [f"# {_sentence(rng)}"]
    for _ in range(rng.randint(2, 6)):
        lines += ["", f"[{rng.choice(NOUNS)}]"]
        lines += [_config_line(rng) for _ in range(rng.randint(2, 8))]
    return lines


def _config_line(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f'{rng.choice(PACKAGES)} = ">={rng.randint(0, 3)}.{rng.randint(0, 30)}"'
    return f"{rng.choice(NOUNS)}_{rng.choice(VERBS)} = {rng.choice(CONFIG_VALUES)}"


def png_file(rng: random.Random) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(rng.randint(400, 9000))


GENERATORS: dict[str, Callable[[random.Random], list[str]]] = {
    "py": python_file,
    "test": lambda rng: python_file(rng, test=True),
    "md": markdown_file,
    "json": json_file,
    "conf": config_file,
}


def kind_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".py"):
        return "test" if name.startswith("test_") else "py"
    if name.endswith(".md"):
        return "md"
    if name.endswith(".json"):
        return "json"
    if name.endswith(".png"):
        return "png"
    return "conf"


def _encode(lines: list[str]) -> tuple[bytes, ...]:
    return tuple((line + "\n").encode() for line in lines)


LONG_FILE = 320  # lines; longer files lose a large block now and then


def edited(lines: tuple[bytes, ...], kind: str, rng: random.Random) -> tuple[bytes, ...]:
    """``lines`` with one to three small hunks changed, as a developer would."""
    out = list(lines)
    for _ in range(rng.choices((1, 2, 3), weights=(70, 22, 8))[0]):
        if kind == "json":
            _edit_json(out, rng)
            continue
        first = 2 if len(out) > 6 else 0  # keep the docstring / title in place
        at = rng.randint(first, len(out))
        roll = rng.random()
        if len(out) > LONG_FILE:  # a long file gets split: a large deletion
            roll = 0.95
        if roll < 0.5 and at < len(out):
            size = rng.randint(1, 3)
            line = out[at].decode()
            indent = line[: len(line) - len(line.lstrip(" "))]
            out[at : at + size] = _encode(_new_lines(kind, rng, indent, size))
        elif roll < 0.85 or len(out) < 25:
            block = rng.random() < 0.35
            out[at:at] = _encode(_new_lines(kind, rng, "", rng.randint(1, 4), block=block))
        else:
            del out[at : at + rng.randint(1, 6 if len(out) < LONG_FILE else 40)]
    return tuple(out)


def _new_lines(
    kind: str, rng: random.Random, indent: str, count: int, block: bool = False
) -> list[str]:
    if kind in ("py", "test"):
        if block:
            return ["", *_function(rng)]
        indent = indent or rng.choice(("    ", "        "))
        return [_statement(rng, indent) for _ in range(count)]
    if kind == "md":
        if block:
            return [f"## {_sentence(rng)[:-1]}", "", _sentence(rng), ""]
        return [
            (f"- {_sentence(rng)}" if indent == "" and rng.random() < 0.3 else _sentence(rng))
            for _ in range(count)
        ]
    return [_config_line(rng) for _ in range(count)]


def _edit_json(out: list[bytes], rng: random.Random) -> None:
    """Keeps the object valid: entries are ``out[1:-1]``; the last one has no comma."""
    last = len(out) - 2
    roll = rng.random()
    if roll < 0.5:
        at = rng.randint(1, last)
        comma = "," if at < last else ""
        out[at] = (_json_entry(rng) + comma + "\n").encode()
    elif roll < 0.85 or last < 4:
        at = rng.randint(1, last)
        out[at:at] = [(_json_entry(rng) + ",\n").encode() for _ in range(rng.randint(1, 3))]
    else:
        del out[rng.randint(1, last - 1)]


# -- the project's layout -------------------------------------------------------------------------
DIRECTORIES = (  # (directory, kind of its files, files at first, how often edited)
    ("src/harbor", "py", 4, 1.5),
    ("src/harbor/api", "py", 8, 1.4),
    ("src/harbor/api/v2", "py", 4, 1.0),
    ("src/harbor/core", "py", 9, 1.6),
    ("src/harbor/storage", "py", 6, 1.2),
    ("src/harbor/storage/backends", "py", 5, 0.9),
    ("src/harbor/cli", "py", 5, 0.8),
    ("src/harbor/utils", "py", 6, 0.9),
    ("src/harbor/plugins/auth", "py", 4, 0.7),
    ("src/harbor/plugins/cache", "py", 3, 0.6),
    ("src/harbor/plugins/metrics", "py", 3, 0.5),
    ("tests", "test", 2, 0.6),
    ("tests/unit", "test", 10, 0.8),
    ("tests/unit/storage", "test", 4, 0.6),
    ("tests/integration", "test", 5, 0.6),
    ("tests/fixtures", "json", 6, 0.3),
    ("config", "json", 4, 0.5),
    ("config/environments", "json", 3, 0.4),
    ("docs", "md", 4, 0.5),
    ("docs/guide", "md", 6, 0.4),
    ("docs/reference/api", "md", 5, 0.35),
    ("docs/adr", "md", 3, 0.15),
    ("docs/user guide", "md", 2, 0.2),  # a directory name with a space
    ("scripts", "py", 3, 0.3),
    ("examples", "py", 3, 0.2),
    ("assets/img", "png", 5, 0.03),
    ("assets/icons", "png", 6, 0.02),
)
NEW_FILE_WEIGHTS = [heat for _, _, _, heat in DIRECTORIES]
TOP_FILES = (  # (path, kind, how often edited)
    ("README.md", "md", 1.5),
    ("CHANGELOG.md", "md", 0.0),  # release commits only
    ("CONTRIBUTING.md", "md", 0.2),
    ("pyproject.toml", "conf", 0.4),
    (".gitignore", "conf", 0.05),
    (".github/workflows/ci.yml", "conf", 0.2),
    ("Makefile", "conf", 0.1),
    ("docs/i18n/résumé.md", "md", 0.1),  # a non-ASCII file name
)
MAIN_ONLY = {"CHANGELOG.md", "pyproject.toml", ".mailmap"}  # feature branches leave these alone
# never deleted or renamed (the last one keeps a non-ASCII path for the quoting code to meet)
FIXED = {
    ".mailmap",
    "LICENSE",
    "CHANGELOG.md",
    "pyproject.toml",
    "README.md",
    "docs/i18n/résumé.md",
}


@dataclass(eq=False)  # identity matters: "unchanged since the fork" is an identity test
class File:
    mark: int
    kind: str
    lines: tuple[bytes, ...] | None  # None for binary files
    mode: str = "100644"


@dataclass(eq=False)
class Branch:
    name: str
    files: dict[str, File]
    owner: Author | None = None
    base: dict[str, File] = field(default_factory=dict)  # main's files at the fork
    fork_mark: int | None = None  # the commit the first commit starts from
    tip: int | None = None
    remaining: int = 0  # commits still planned
    abandoned: bool = False  # never merged
    touched: set[str] = field(default_factory=set)
    version: int = 0  # bumped when the set of paths changes
    _cache: tuple[int, list[str], list[float]] | None = None

    def weighted_paths(self, heat: dict[str, float]) -> tuple[list[str], list[float]]:
        """The paths (sorted, so neighbours share a directory) and cumulative edit weights."""
        if self._cache is None or self._cache[0] != self.version:
            paths = sorted(self.files)
            cum = list(itertools.accumulate(heat.get(p, 0.0) for p in paths))
            self._cache = (self.version, paths, cum)
        return self._cache[1], self._cache[2]


# -- the history ----------------------------------------------------------------------------------
class History:
    """Makes up the commits and writes them as a fast-import stream."""

    def __init__(self, out: BinaryIO, commits: int, seed: int) -> None:
        self.out = out
        self.rng = random.Random(seed)
        self.events = timeline(random.Random(seed * 1_000_003 + 1), commits)
        self.mark = 0
        self.heat: dict[str, float] = {}
        self.used_paths: set[str] = set()
        self.main = Branch("main", {})
        self.open: list[Branch] = []  # feature branches not merged (yet)
        self.claims: dict[str, Branch] = {}  # path -> the open branch that changed it
        self.abandoned = 0
        self.version = (0, 1, 0)
        self.next_release = self.rng.randint(60, 200)
        self.since_release = 0
        self.pr_number = 1
        self.stats = {"merges": 0, "renames": 0, "deletions": 0, "additions": 0, "tags": 0}
        self.kept_branches: list[str] = []

    # -- stream ------------------------------------------------------------------------------------
    def new_mark(self) -> int:
        self.mark += 1
        return self.mark

    def blob(self, data: bytes) -> int:
        mark = self.new_mark()
        self.out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
        return mark

    def commit(
        self,
        ref: str,
        event: Event,
        message: str,
        changes: list[bytes],
        *,
        parent: int | None = None,
        merge: int | None = None,
        committer: tuple[str, str] | None = None,
    ) -> int:
        mark = self.new_mark()
        name, email = event.author.identity(event.fraction)
        when = b"%d %s" % (event.epoch, _offset(event.offset))
        committed = when
        roll = self.rng.random()
        if roll < 0.12:  # amended or rebased a little later
            committed = b"%d %s" % (event.epoch + self.rng.randint(60, 1200), _offset(event.offset))
        c_name, c_email = committer or (name, email)
        body = message.encode()
        head = (
            f"commit refs/heads/{ref}\nmark :{mark}\nauthor {name} <{email}> ".encode()
            + when
            + f"\ncommitter {c_name} <{c_email}> ".encode()
            + committed
            + b"\ndata %d\n%s\n" % (len(body), body)
        )
        if parent is not None:
            head += b"from :%d\n" % parent
        if merge is not None:
            head += b"merge :%d\n" % merge
        self.out.write(head + b"".join(changes) + b"\n")
        return mark

    def tag(self, name: str, commit: int, event: Event, message: str) -> None:
        author = event.author.identity(event.fraction)
        body = message.encode()
        self.out.write(
            f"tag {name}\nfrom :{commit}\ntagger {author[0]} <{author[1]}> ".encode()
            + b"%d %s\ndata %d\n%s\n" % (event.epoch, _offset(event.offset), len(body), body)
        )

    # -- files -------------------------------------------------------------------------------------
    def put(self, branch: Branch, path: str, file: File, changes: list[bytes]) -> None:
        if path not in branch.files:
            branch.version += 1
        branch.files[path] = file
        changes.append(f"M {file.mode} :{file.mark} {path}\n".encode())
        self.touch(branch, path)

    def remove(self, branch: Branch, path: str, changes: list[bytes]) -> None:
        del branch.files[path]
        branch.version += 1
        changes.append(f"D {path}\n".encode())
        self.touch(branch, path)

    def touch(self, branch: Branch, path: str) -> None:
        branch.touched.add(path)
        if branch is not self.main and not branch.abandoned:
            self.claims[path] = branch

    def make_file(self, kind: str, *, lines: list[str] | None = None) -> File:
        if kind == "png":
            return File(self.blob(png_file(self.rng)), kind, None)
        encoded = _encode(lines if lines is not None else GENERATORS[kind](self.rng))
        return File(self.blob(b"".join(encoded)), kind, encoded)

    def new_path(self, directory: str, kind: str) -> str:
        rng = self.rng
        while True:
            if kind == "test":
                name = f"test_{_name(rng)}.py"
            elif kind == "py":
                name = f"{_name(rng)}.py"
            elif kind == "md":
                if directory == "docs/adr":
                    number = len(self.used_paths) % 1000
                    name = f"{number:04d}-{rng.choice(VERBS)}-{rng.choice(NOUNS)}.md"
                else:
                    name = f"{rng.choice(NOUNS)}-{rng.choice(NOUNS)}.md"
            elif kind == "json":
                name = f"{_name(rng)}.json"
            else:
                name = f"{rng.choice(NOUNS)}{rng.choice(('', '@2x', '-32', '-64'))}.png"
            path = f"{directory}/{name}"
            if path not in self.used_paths:  # never reused: no clash between branches
                self.used_paths.add(path)
                return path

    def new_file_place(self) -> tuple[str, str, float]:
        """(directory, kind, edit weight) for a new file: busy directories get more of them."""
        directory, kind, _, heat = self.rng.choices(DIRECTORIES, weights=NEW_FILE_WEIGHTS)[0]
        return directory, kind, heat

    def set_heat(self, path: str, base: float) -> None:
        self.heat[path] = base * min(20.0, self.rng.paretovariate(1.5))

    def allowed(self, branch: Branch, path: str) -> bool:
        """Whether ``branch`` may change ``path`` and still merge cleanly later."""
        if self.heat.get(path, 0.0) <= 0.0:
            return False
        owner = self.claims.get(path)
        if branch is self.main:
            return owner is None
        if branch.abandoned:
            return path not in MAIN_ONLY
        if owner is not None:
            return owner is branch
        return path not in MAIN_ONLY and self.main.files.get(path) is branch.base.get(path)

    def pick(
        self, branch: Branch, chosen: set[str], near: str | None = None, *, movable: bool = False
    ) -> str | None:
        paths, cum = branch.weighted_paths(self.heat)
        rng = self.rng
        near_at = paths.index(near) if near is not None and near in branch.files else None
        for _ in range(30):
            if near_at is not None and rng.random() < 0.6:
                path = paths[min(len(paths) - 1, max(0, near_at + rng.randint(-4, 4)))]
            else:
                path = rng.choices(paths, cum_weights=cum)[0]
            if path in chosen or not self.allowed(branch, path):
                continue
            if movable and (
                path in FIXED
                or path.endswith("__init__.py")
                or "/" not in path
                or kind_of(path) == "conf"
            ):
                continue
            return path
        return None

    # -- commits -----------------------------------------------------------------------------------
    def initial_commit(self, event: Event) -> None:
        changes: list[bytes] = []
        main = self.main
        self.put(main, ".mailmap", self.make_file("conf", lines=MAILMAP.splitlines()), changes)
        license_lines = ["MIT License", "", f"Copyright (c) 2021 {MAINTAINER.name}", ""]
        license_lines += [_sentence(self.rng) for _ in range(12)]
        self.put(main, "LICENSE", self.make_file("conf", lines=license_lines), changes)
        changelog = ["# Changelog", "", "All notable changes to this project are listed here.", ""]
        self.put(main, "CHANGELOG.md", self.make_file("md", lines=changelog), changes)
        pyproject = ["[project]", 'name = "harbor"', 'version = "0.1.0"', ""]
        pyproject += config_file(self.rng)
        self.put(main, "pyproject.toml", self.make_file("conf", lines=pyproject), changes)
        self.heat["pyproject.toml"] = 0.4
        for path, kind, heat in TOP_FILES:
            if path not in main.files:
                self.put(main, path, self.make_file(kind), changes)
                self.heat[path] = heat
        for directory, kind, count, heat in DIRECTORIES:
            if kind == "py":
                self.put(main, f"{directory}/__init__.py", self.make_file(kind), changes)
                self.set_heat(f"{directory}/__init__.py", heat * 0.3)
            for _ in range(count):
                path = self.new_path(directory, kind)
                self.put(main, path, self.make_file(kind), changes)
                self.set_heat(path, heat)
        self.used_paths.update(main.files)
        main.tip = self.commit("main", event, "Initial commit\n", changes)
        main.touched.clear()

    def work_commit(self, branch: Branch, event: Event) -> None:
        """One everyday commit on ``branch``: edits, sometimes a new, deleted or renamed file."""
        rng = self.rng
        changes: list[bytes] = []
        chosen: set[str] = set()
        actions: list[str] = []
        size = len(branch.files)
        if rng.random() < (0.07 if size < 160 else 0.045 if size < 360 else 0.01):
            directory, kind, heat = self.new_file_place()
            path = self.new_path(directory, kind)
            self.put(branch, path, self.make_file(kind), changes)
            self.set_heat(path, heat)
            chosen.add(path)
            actions.append("add")
            self.stats["additions"] += 1
        if rng.random() < (0.005 if size < 160 else 0.02 if size < 360 else 0.06):
            path = self.pick(branch, chosen, movable=True)
            if path is not None:
                self.remove(branch, path, changes)
                chosen.add(path)
                actions.append("delete")
                self.stats["deletions"] += 1
        if rng.random() < 0.012:
            old = self.pick(branch, chosen, movable=True)
            if old is not None:
                self.rename(branch, old, chosen, changes)
                actions.append("rename")
                self.stats["renames"] += 1
        edits = rng.choices((1, 2, 3, 4, 5, 6), weights=(38, 25, 15, 10, 7, 5))[0]
        if actions:
            edits = rng.randint(0, edits)
        near = None
        for _ in range(edits):
            path = self.pick(branch, chosen, near)
            if path is None:
                continue
            file = branch.files[path]
            if file.lines is None:
                new = self.make_file("png")
            else:
                lines = edited(file.lines, file.kind, rng)
                new = File(self.blob(b"".join(lines)), file.kind, lines, file.mode)
            self.put(branch, path, new, changes)
            chosen.add(path)
            near = path
        if not changes:  # everything was taken by other branches: start something new
            directory, kind, heat = self.new_file_place()
            path = self.new_path(directory, kind)
            self.put(branch, path, self.make_file(kind), changes)
            self.set_heat(path, heat)
            chosen.add(path)
            actions.append("add")
        message = commit_message(rng, sorted(chosen), actions)
        branch.tip = self.commit(branch.name, event, message, changes, parent=branch.fork_mark)
        branch.fork_mark = None

    def rename(self, branch: Branch, old: str, chosen: set[str], changes: list[bytes]) -> None:
        rng = self.rng
        file = branch.files[old]
        directory = old.rsplit("/", 1)[0]
        if rng.random() < 0.5:  # moved to another directory of the same kind
            same_kind = [d for d, kind, _, _ in DIRECTORIES if kind == file.kind]
            if same_kind:
                directory = rng.choice(same_kind)
        new_path = self.new_path(directory, file.kind)
        if file.lines is not None and rng.random() < 0.4:  # and an import or two adjusted
            lines = edited(file.lines, file.kind, rng)
            file = File(self.blob(b"".join(lines)), file.kind, lines, file.mode)
        self.remove(branch, old, changes)
        self.put(branch, new_path, file, changes)
        self.heat[new_path] = self.heat.get(old, 0.5)
        chosen.update((old, new_path))

    def release(self, event: Event) -> None:
        rng = self.rng
        major, minor, patch = self.version
        if major == 0 and event.fraction > 0.45:
            major, minor, patch = 1, 0, 0
        elif rng.random() < 0.35:
            patch += 1
        else:
            minor, patch = minor + 1, 0
        self.version = (major, minor, patch)
        version = f"{major}.{minor}.{patch}"
        day = time.strftime("%Y-%m-%d", time.gmtime(event.epoch))
        changes: list[bytes] = []
        log = self.main.files["CHANGELOG.md"]
        entry = [f"## [{version}] - {day}", "", "### Added", ""]
        entry += [f"- {_sentence(rng)}" for _ in range(rng.randint(1, 5))]
        entry += ["", "### Fixed", ""] + [f"- {_sentence(rng)}" for _ in range(rng.randint(1, 4))]
        lines = log.lines[:4] + _encode([*entry, ""]) + log.lines[4:]  # type: ignore[index]
        self.put(self.main, "CHANGELOG.md", self.make_file("md", lines=_decode(lines)), changes)
        project = self.main.files["pyproject.toml"]
        lines = tuple(
            f'version = "{version}"\n'.encode() if line.startswith(b"version = ") else line
            for line in project.lines or ()
        )
        self.put(self.main, "pyproject.toml", self.make_file("conf", lines=_decode(lines)), changes)
        message = f"chore(release): {version}\n"
        self.main.tip = self.commit("main", event, message, changes)
        self.tag(f"v{version}", self.main.tip, event, f"Release {version}\n")
        self.stats["tags"] += 1
        self.main.touched.clear()

    def open_branch(self, event: Event) -> Branch:
        rng = self.rng
        prefix = rng.choice(("feature/", "feature/", "fix/", "refactor/", "docs/"))
        if rng.random() < 0.2:
            prefix = event.author.name.split()[0].lower() + "/" + prefix
        slug = f"{rng.choice(VERBS)}-{rng.choice(NOUNS)}"
        if rng.random() < 0.5:
            slug += f"-{rng.choice(ADJECTIVES)}"
        name = f"{prefix}{slug}-{self.pr_number}"
        self.pr_number += 1
        abandoned = self.abandoned < 3 and rng.random() < 0.012
        self.abandoned += abandoned
        branch = Branch(
            name,
            dict(self.main.files),
            owner=event.author,
            base=dict(self.main.files),
            fork_mark=self.main.tip,
            remaining=rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 14, 20, 30)),
            abandoned=abandoned,
        )
        self.open.append(branch)
        return branch

    def merge(self, branch: Branch, event: Event) -> None:
        """A merge commit on main: main's tree plus every path the branch changed."""
        changes: list[bytes] = []
        for path in sorted(branch.touched):
            file = branch.files.get(path)
            if file is None:
                if path in self.main.files:
                    self.remove(self.main, path, changes)
            elif self.main.files.get(path) is not file:
                self.put(self.main, path, file, changes)
            if self.claims.get(path) is branch:
                del self.claims[path]
        self.main.touched.clear()
        rng = self.rng
        committer = None
        if rng.random() < 0.6:
            number = branch.name.rsplit("-", 1)[1]
            title = commit_message(rng, sorted(branch.touched), []).splitlines()[0]
            message = f"Merge pull request #{number} from harbor-dev/{branch.name}\n\n{title}\n"
            committer = GITHUB if rng.random() < 0.7 else None
        else:
            message = f"Merge branch '{branch.name}'\n"
        self.main.tip = self.commit(
            "main", event, message, changes, merge=branch.tip, committer=committer
        )
        self.open.remove(branch)
        self.stats["merges"] += 1
        if rng.random() < 0.03:  # nobody deleted it
            self.kept_branches.append(branch.name)
        else:
            self.out.write(f"reset refs/heads/{branch.name}\n\n".encode())

    def run(self) -> None:
        rng = self.rng
        events = self.events
        self.initial_commit(events[0])
        for event in events[1:]:
            mine = next((b for b in self.open if b.owner is event.author), None)
            finished = [b for b in self.open if b.remaining == 0 and not b.abandoned]
            if finished and rng.random() < 0.6:
                self.merge(finished[0], event)
            elif mine is not None and mine.remaining > 0 and rng.random() < 0.8:
                self.branch_commit(mine, event)
            elif mine is None and len(self.open) < 7 and rng.random() < 0.06:
                self.branch_commit(self.open_branch(event), event)
            elif (
                self.since_release >= self.next_release
                and event.author is MAINTAINER
                and not any(p in self.claims for p in MAIN_ONLY)
            ):
                self.release(event)
                self.since_release = 0
                self.next_release = rng.randint(80, 260)
            else:
                self.work_commit(self.main, event)
                self.main.touched.clear()
                self.since_release += 1
        self.out.write(b"done\n")

    def branch_commit(self, branch: Branch, event: Event) -> None:
        self.work_commit(branch, event)
        branch.remaining -= 1
        if branch.remaining == 0 and branch.abandoned:
            self.open.remove(branch)  # left behind: the ref stays, nobody merges it


def _offset(minutes: int) -> bytes:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}".encode()


def _decode(lines: tuple[bytes, ...]) -> list[str]:
    return [line.decode().removesuffix("\n") for line in lines]


# -- commit messages ------------------------------------------------------------------------------
PLAIN = (
    "Fix {noun} handling in {module}",
    "Update {file}",
    "Add tests for {noun} {verb}",
    "WIP",
    "wip: {verb} {noun}",
    "typo",
    "Address review comments",
    "More {noun} work",
    "Clean up {module}",
    "{Verb} {noun} on startup",
    "Make {noun} {verb} faster",
    "Don't {verb} {adj} {noun}s",
    "oops",
    'Revert "{Verb} {noun} twice"',
)
DESCRIPTIONS = (
    "{verb} {noun} before {verb2}ing",
    "handle {adj} {noun}",
    "support {noun} pagination",
    "add {noun} option to {module}",
    "avoid {verb2}ing the whole {noun} list",
    "rename {noun} to {noun2}",
    "use {noun2} in {module}",
    "retry {noun} {verb} on timeout",
    "drop {adj} {noun} cache",
    "document the {noun} lifecycle",
)


def commit_message(rng: random.Random, paths: list[str], actions: list[str]) -> str:
    noun, noun2 = rng.choice(NOUNS), rng.choice(NOUNS)
    module = paths[0].rsplit("/", 1)[-1].split(".")[0] if paths else noun
    words = {
        "noun": noun,
        "noun2": noun2,
        "verb": rng.choice(VERBS),
        "verb2": rng.choice(VERBS).rstrip("e"),
        "adj": rng.choice(ADJECTIVES),
        "module": module,
        "file": paths[0].rsplit("/", 1)[-1] if paths else "README.md",
    }
    words["Verb"] = words["verb"].capitalize()
    kinds = {kind_of(p) for p in paths}
    if rng.random() < 0.3:
        subject = rng.choice(PLAIN).format(**words)
    elif paths == ["pyproject.toml"]:
        a, b = rng.randint(0, 9), rng.randint(0, 30)
        subject = f"chore(deps): bump {rng.choice(PACKAGES)} from 2.{a}.{b} to 2.{a}.{b + 1}"
    else:
        if kinds <= {"md"}:
            kind = "docs"
        elif kinds <= {"test", "json"}:
            kind = "test"
        elif "rename" in actions:
            kind = "refactor"
        elif any(p.startswith(".github/") for p in paths):
            kind = "ci"
        else:
            kind = rng.choices(
                ("feat", "fix", "refactor", "perf", "chore", "style"), (35, 35, 15, 5, 7, 3)
            )[0]
        parts = paths[0].split("/") if paths else []
        scope = parts[2] if len(parts) > 3 and parts[0] == "src" else ""
        bang = "!" if kind == "feat" and rng.random() < 0.02 else ""
        description = rng.choice(DESCRIPTIONS).format(**words)
        subject = (
            f"{kind}({scope}){bang}: {description}" if scope else f"{kind}{bang}: {description}"
        )
        if bang:
            actions = [*actions, "breaking"]
    if rng.random() >= 0.28:
        return subject + "\n"
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.3:
            paragraphs.append("\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 4))))
        else:
            paragraphs.append(_wrap(" ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))))
    trailers = []
    if "breaking" in actions:
        trailers.append(f"BREAKING CHANGE: the {noun} API takes a {noun2} now.")
    if rng.random() < 0.3:
        trailers.append(f"Refs: #{rng.randint(1, 900)}")
    if rng.random() < 0.12:
        other = rng.choice(AUTHORS)
        trailers.append(f"Co-authored-by: {other.name} <{other.email}>")
    if trailers:
        paragraphs.append("\n".join(trailers))
    return subject + "\n\n" + "\n\n".join(paragraphs) + "\n"


def _wrap(text: str, width: int = 72) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


# -- building -------------------------------------------------------------------------------------
def git_env() -> dict[str, str]:
    """git without the user's or the system's configuration (hooks, templates, autocrlf)."""
    env = dict(os.environ)
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"})
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        env.pop(name, None)
    return env


def _git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=git_env(), capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode(errors="replace")


def build_history_repo(path: Path, commits: int = 10_000, seed: int = 7) -> Path:
    """A new repository at ``path`` (missing or empty) with ``commits`` commits on its branches,
    ``main`` checked out. The same arguments give the same commit ids."""
    path = Path(path)
    if commits < 2:
        raise ValueError("at least two commits")
    if path.exists() and any(path.iterdir()):
        raise FileExistsError(f"{path} is not empty")
    path.mkdir(parents=True, exist_ok=True)
    _git("init", "-q", "-b", "main", str(path))
    proc = subprocess.Popen(
        ["git", "-C", str(path), "fast-import", "--quiet", "--done", "--active-branches=32"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=git_env(),
    )
    assert proc.stdin is not None and proc.stderr is not None
    history = History(proc.stdin, commits, seed)
    try:
        history.run()
        proc.stdin.close()
    except BrokenPipeError:
        pass  # fast-import stopped: its message follows
    error = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0:
        raise RuntimeError(f"git fast-import failed:\n{error[-3000:]}")
    _git("-C", str(path), "reset", "--hard", "-q", "main")
    return path


def cached_history_repo(commits: int = 10_000, seed: int = 7) -> Path:
    """The repository of ``build_history_repo(commits, seed)`` in benchmarks/.work, built the
    first time (or when the generator changed) and reused after."""
    path = WORK_DIR / f"git-history-{commits}-{seed}"
    stamp = WORK_DIR / f"git-history-{commits}-{seed}.built"
    expected = f"generator {GENERATOR_VERSION}\n"
    if path.is_dir() and stamp.exists() and stamp.read_text() == expected:
        return path
    if path.exists():
        shutil.rmtree(path)
    print(f"  building a git history of {commits:,} commits (seed {seed}) ...", flush=True)
    started = time.perf_counter()
    build_history_repo(path, commits, seed)
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    stamp.write_text(expected)
    return path


def describe(path: Path) -> dict[str, int]:
    """Commit, merge, branch and tag counts, files at HEAD and the size of ``.git`` in bytes."""
    repo = str(path)
    git_dir = path / ".git"
    return {
        "commits": int(_git("-C", repo, "rev-list", "--branches", "--count").strip()),
        "merges": int(_git("-C", repo, "rev-list", "--branches", "--merges", "--count").strip()),
        "branches": len(_git("-C", repo, "branch", "--format=%(refname)").split()),
        "tags": len(_git("-C", repo, "tag").split()),
        "files": len(_git("-C", repo, "ls-files", "-z").split("\0")) - 1,
        "git_bytes": sum(f.stat().st_size for f in git_dir.rglob("*") if f.is_file()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="where to create it (missing or empty)")
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        build_history_repo(args.directory, args.commits, args.seed)
    except (FileExistsError, ValueError) as exc:
        parser.error(str(exc))
    elapsed = time.perf_counter() - started
    facts = describe(args.directory)
    print(
        f"{facts['commits']:,} commits ({facts['merges']:,} merges) on {facts['branches']} "
        f"branches, {facts['tags']} tags, {facts['files']} files at HEAD, .git "
        f"{facts['git_bytes'] / 1e6:.1f} MB; built in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
