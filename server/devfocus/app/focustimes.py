"""The week's focus time, for the history hover and the insight diagnostics: per file, or the
ranking of every file (:class:`~devfocus.insights.hotspots.FocusRanking`). Asked of the store at
most once per key every :data:`FOCUS_TTL` seconds; a value a little past its time is shown while
a fresh one is fetched."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
V = TypeVar("V")

FOCUS_TTL = 30.0  # seconds a file's focus time is reused
FOCUS_STALE = 300.0  # seconds past that it is still shown while a fresh one is fetched
_KEPT = 1024  # files whose value is kept; past that the cache starts afresh
WEEK = "week"  # the key of the week's ranking of all files (it has no path)


def week_start(now: float) -> float:
    """The start of the report's "week": the last 7 local days, today included."""
    from devfocus.insights.periods import resolve_period

    return resolve_period("week", now).start


class FocusTimes(Generic[V]):
    """This week's focus time by key (a file's path: its seconds; :data:`WEEK`: the ranking of
    every file), asked of ``fetch`` (key, since) at most once per ``ttl`` seconds per key; used
    from the event loop."""

    def __init__(
        self,
        fetch: Callable[[str, float], Awaitable[V]],
        *,
        ttl: float = FOCUS_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.fetch = fetch
        self.ttl = ttl
        self.clock = clock
        self._values: dict[str, tuple[float, V]] = {}  # key → (fresh until, value)
        self._tasks: dict[str, asyncio.Task[V | None]] = {}
        self._generation = 0  # one more each clear(): what was asked before is dropped

    async def get(self, key: str, wait: float) -> V | None:
        """The value of ``key``; None when not known within ``wait`` seconds (the answer
        still arrives for the next time). A value a little past its time is answered at once
        while a fresh one is fetched: a hover never waits for the timeline it has just seen."""
        now = self.clock()
        cached = self._values.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        task = self._tasks.get(key)
        if task is None:
            task = self._tasks[key] = asyncio.ensure_future(self._refresh(key, now))
        if cached is not None and cached[0] > now - FOCUS_STALE:
            return cached[1]
        generation = self._generation
        started = time.monotonic()
        try:
            value = await asyncio.wait_for(asyncio.shield(task), wait)
        except asyncio.TimeoutError:
            return cached[1] if cached is not None else None
        if generation != self._generation:  # cleared meanwhile: that answer was dropped
            return await self.get(key, max(0.0, wait - (time.monotonic() - started)))
        return value

    def clear(self) -> None:
        """Forget every value, and the answers still on their way (the activity behind them was
        erased, or the settings that count it changed)."""
        self._values.clear()
        self._tasks.clear()
        self._generation += 1

    async def _refresh(self, key: str, now: float) -> V | None:
        generation = self._generation
        try:
            value = await self.fetch(key, week_start(now))
        except Exception as exc:
            log.info("no focus time for %s: %s", key, exc)
            return None
        finally:
            if generation == self._generation:
                self._tasks.pop(key, None)
        if generation != self._generation:
            return None
        if len(self._values) > _KEPT:
            self._values.clear()
        self._values[key] = (self.clock() + self.ttl, value)
        return value
