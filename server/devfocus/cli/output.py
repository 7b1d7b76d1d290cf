"""How every command talks to the terminal: results on stdout; errors on stderr as
``devfocus: <what went wrong>``; a transient line or a progress bar while something slow runs
(on a terminal only); counts with their nouns as ruff prints them ("Found 3 findings.")."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Protocol

from devfocus.text import plural

PROGRAM = "devfocus"
__all__ = ["error", "found", "pipe_closed", "plural", "progress_bar", "summary", "working"]


def error(message: str) -> None:
    """``devfocus: message`` on stderr."""
    print(f"{PROGRAM}: {message}", file=sys.stderr)


def summary(message: str) -> None:
    """A closing line about what was done, on stderr: stdout holds only the results."""
    print(message, file=sys.stderr)


def found(count: int, word: str) -> str:
    """``Found 3 findings.`` / ``Found 1 finding.``"""
    return f"Found {plural(count, word)}."


@contextmanager
def working(message: str) -> Iterator[None]:
    """A transient line on a terminal while something slow runs."""
    show = sys.stderr.isatty()
    if show:
        sys.stderr.write(f"{message}…\r")
        sys.stderr.flush()
    try:
        yield
    finally:
        if show:
            sys.stderr.write(" " * (len(message) + 1) + "\r")
            sys.stderr.flush()


class ProgressBar(Protocol):
    """What commands use of a progress bar (tqdm's names)."""

    total: float | None
    n: float

    @property
    def disable(self) -> bool | None: ...

    def update(self, n: float | None = 1) -> bool | None: ...

    def __enter__(self) -> ProgressBar: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _NoBar:
    """The bar off a terminal: counts, shows nothing, and costs no import."""

    disable = True

    def __init__(self, total: float | None) -> None:
        self.total = total
        self.n: float = 0

    def update(self, n: float | None = 1) -> None:
        self.n += n or 0

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


def progress_bar(unit: str, *, total: int | None = None, label: str | None = None) -> ProgressBar:
    """A progress bar on stderr, shown on a terminal only and removed when done."""
    if not sys.stderr.isatty():
        return _NoBar(total)
    from tqdm import tqdm  # here: only a bar that shows pays for tqdm's import

    return tqdm(total=total, unit=unit, desc=label, file=sys.stderr, leave=False)


def pipe_closed() -> int:
    """The reader of stdout went away (``devfocus export ... | head``): end quietly, as git
    does. Python flushes stdout once more at exit; pointing it at the null device keeps that
    flush from reporting the closed pipe."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout has no file descriptor (replaced by a caller): nothing will be flushed
    return 0
