"""How many requests go to a model, and when none should (pure asyncio, injectable clocks).

:class:`RequestLimiter` keeps at most ``max_concurrent`` requests in flight and starts at most
``per_minute`` in any 61-second window (a sliding window of start times: a minute as the provider
counts it, with a second's margin). Requests beyond either
limit wait in one first-in, first-out queue: a whole-workspace run queues, it never fails for it.

:class:`CircuitBreaker` stops asking a provider that keeps failing: after ``threshold``
consecutive provider failures it opens for ``pause`` seconds (doubling on each trip in a row, up
to ``max_pause``); while open every call is refused at once. When the pause is over one trial
call goes through (half-open): a success closes the breaker, a failure opens it again.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Literal

# A minute, plus a second: a start is counted when its slot is granted, and the provider counts
# the request when it arrives, up to tens of milliseconds later (the first ones of a new
# connection most); without the margin a provider saw 244 requests in one of its minutes at 240.
WINDOW_SECONDS = 61.0


class RequestLimiter:
    """A fair (FIFO) gate for concurrency and starts per window."""

    def __init__(
        self,
        max_concurrent: int,
        per_minute: int,
        *,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if max_concurrent < 1 or per_minute < 1:
            raise ValueError("limits must be at least 1")
        self.max_concurrent = max_concurrent
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._in_flight = 0
        self._starts: deque[float] = deque()
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._waker: asyncio.Task[None] | None = None

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def waiting(self) -> int:
        return sum(1 for waiter in self._waiters if not waiter.done())

    def started_in_window(self) -> int:
        """Requests started in the last ``window`` seconds."""
        self._prune(self._clock())
        return len(self._starts)

    async def acquire(self) -> None:
        """Wait for a slot (in arrival order); the caller must :meth:`release` it."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        self._dispatch()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # granted just as it was cancelled: give the slot back
            else:
                self._remove(waiter)
            raise

    def release(self) -> None:
        self._in_flight -= 1
        self._dispatch()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self.acquire()
        try:
            yield
        finally:
            self.release()

    def close(self) -> None:
        if self._waker is not None:
            self._waker.cancel()
            self._waker = None

    def _remove(self, waiter: asyncio.Future[None]) -> None:
        with suppress(ValueError):  # already granted and taken off the queue
            self._waiters.remove(waiter)
        self._dispatch()  # the head may have left: the next one may go now

    def _prune(self, now: float) -> None:
        while self._starts and self._starts[0] <= now - self.window:
            self._starts.popleft()

    def _dispatch(self) -> None:
        while self._waiters and self._waiters[0].done():
            self._waiters.popleft()  # cancelled while queued
        while self._waiters and self._in_flight < self.max_concurrent:
            now = self._clock()
            self._prune(now)
            if len(self._starts) >= self.per_minute:
                self._wake_in(self._starts[0] + self.window - now)
                return
            waiter = self._waiters.popleft()
            if waiter.done():
                continue
            self._in_flight += 1
            self._starts.append(now)
            waiter.set_result(None)

    def _wake_in(self, delay: float) -> None:
        if self._waker is not None and not self._waker.done():
            return
        self._waker = asyncio.get_running_loop().create_task(self._wake_after(max(delay, 0.0)))

    async def _wake_after(self, delay: float) -> None:
        await self._sleep(delay)
        self._waker = None
        self._dispatch()


BreakerState = Literal["closed", "open", "half-open"]


@dataclass(frozen=True)
class Refusal:
    """Why the breaker refused a call: it resumes at ``until`` (epoch seconds)."""

    until: float
    trial_running: bool  # the pause is over, but another call is the trial


class CircuitBreaker:
    """Opens after ``threshold`` consecutive provider failures; see the module's text."""

    def __init__(
        self,
        threshold: int = 5,
        pause: float = 60.0,
        max_pause: float = 600.0,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.threshold = threshold
        self.pause = pause
        self.max_pause = max_pause
        self._clock = clock
        self.consecutive = 0
        self.trips = 0  # trips in a row without a success between them
        self.open_until: float | None = None
        self._trial = False

    @property
    def state(self) -> BreakerState:
        if self.open_until is None:
            return "closed"
        if self._trial or self._clock() >= self.open_until:
            return "half-open"
        return "open"

    def refusal(self) -> Refusal | None:
        """Whether a call would be refused now (claims nothing)."""
        if self.open_until is None:
            return None
        if self._clock() < self.open_until:
            return Refusal(self.open_until, False)
        if self._trial:
            return Refusal(self.open_until, True)
        return None

    def begin(self) -> Refusal | None:
        """Claim the right to call: None to go ahead (maybe as the half-open trial)."""
        refused = self.refusal()
        if refused is None and self.open_until is not None:
            self._trial = True
        return refused

    def succeeded(self) -> None:
        """The provider answered (even if the answer was then refused as bad): close."""
        self.consecutive = 0
        self.trips = 0
        self.open_until = None
        self._trial = False

    def failed(self) -> None:
        """A provider failure (rate limit, timeout, connection, 5xx past the retries)."""
        self.consecutive += 1
        # A call that began before the breaker opened does not extend the pause; the trial does.
        if self._trial or (self.open_until is None and self.consecutive >= self.threshold):
            self._trip()

    def abandoned(self) -> None:
        """The call ended without a verdict (cancelled): a trial may be made again."""
        self._trial = False

    def _trip(self) -> None:
        seconds = min(self.pause * (2**self.trips), self.max_pause)
        self.trips += 1
        self.open_until = self._clock() + seconds
        self._trial = False
