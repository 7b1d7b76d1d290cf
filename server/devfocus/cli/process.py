"""What a command's short-lived process may do that a long-running server may not."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while. A report or a history import makes
    tens or hundreds of thousands of objects, none in a reference cycle, that live until the
    process ends: the collector would only walk them again and again (a tenth of a report's
    time). Reference counting still frees everything that is let go."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
