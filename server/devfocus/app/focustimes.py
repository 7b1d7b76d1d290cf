"""The week's focus time per file, for the history hover: asked of the store at most once per
file every :data:`FOCUS_TTL` seconds, and a value a little past its time shown while a fresh one
is fetched."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

FOCUS_TTL = 30.0  # seconds a file's focus time is reused
FOCUS_STALE = 300.0  # seconds past that it is still shown while a fresh one is fetched
_KEPT = 1024  # files whose value is kept; past that the cache starts afresh


def week_start(now: float) -> float:
    """The start of the report's "week": the last 7 local days, today included."""
    from devfocus.insights.periods import resolve_period

    return resolve_period("week", now).start


class FocusTimes:
    """Focus seconds per file this week, asked of ``fetch`` (path, since) at most once per
    ``ttl`` seconds per file; used from the event loop."""

    def __init__(
        self,
        fetch: Callable[[str, float], Awaitable[float]],
        *,
        ttl: float = FOCUS_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.fetch = fetch
        self.ttl = ttl
        self.clock = clock
        self._values: dict[str, tuple[float, float]] = {}  # path → (fresh until, seconds)
        self._tasks: dict[str, asyncio.Task[float | None]] = {}
        self._generation = 0  # one more each clear(): what was asked before is dropped

    async def get(self, path: str, wait: float) -> float | None:
        """The file's focus seconds; None when not known within ``wait`` seconds (the answer
        still arrives for the next time). A value a little past its time is answered at once
        while a fresh one is fetched: a hover never waits for the timeline it has just seen."""
        now = self.clock()
        cached = self._values.get(path)
        if cached is not None and cached[0] > now:
            return cached[1]
        task = self._tasks.get(path)
        if task is None:
            task = self._tasks[path] = asyncio.ensure_future(self._refresh(path, now))
        if cached is not None and cached[0] > now - FOCUS_STALE:
            return cached[1]
        try:
            return await asyncio.wait_for(asyncio.shield(task), wait)
        except asyncio.TimeoutError:
            return cached[1] if cached is not None else None

    def clear(self) -> None:
        """Forget every value, and the answers still on their way (the activity behind them was
        erased)."""
        self._values.clear()
        self._tasks.clear()
        self._generation += 1

    async def _refresh(self, path: str, now: float) -> float | None:
        generation = self._generation
        try:
            seconds = await self.fetch(path, week_start(now))
        except Exception as exc:
            log.info("no focus time for %s: %s", path, exc)
            return None
        finally:
            if generation == self._generation:
                self._tasks.pop(path, None)
        if generation != self._generation:
            return None
        if len(self._values) > _KEPT:
            self._values.clear()
        self._values[path] = (self.clock() + self.ttl, seconds)
        return seconds
