"""The request limiter and the circuit breaker, on a clock the test moves."""

from __future__ import annotations

import asyncio

import pytest

from devfocus.ai.limits import CircuitBreaker, RequestLimiter


class FakeTime:
    """A clock that moves only when told, and a sleep that wakes when it has moved far enough."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + seconds, future))
        await future

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        for wake_at, future in list(self._sleepers):
            if wake_at <= self.now and not future.done():
                future.set_result(None)
        await settle()


async def settle() -> None:
    """Let every ready task run until nothing moves."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_no_more_than_max_concurrent_run_and_the_rest_go_in_arrival_order() -> None:
    limiter = RequestLimiter(2, 1000)
    started: list[int] = []
    gates = {n: asyncio.Event() for n in range(6)}

    async def request(n: int) -> None:
        async with limiter.slot():
            started.append(n)
            await gates[n].wait()

    tasks = [asyncio.create_task(request(n)) for n in range(6)]
    await settle()
    assert started == [0, 1]
    assert limiter.in_flight == 2
    assert limiter.waiting == 4

    gates[1].set()
    await settle()
    assert started == [0, 1, 2]
    for n in (0, 2, 3, 4, 5):
        gates[n].set()
        await settle()
        assert limiter.in_flight <= 2
    await asyncio.gather(*tasks)
    assert started == [0, 1, 2, 3, 4, 5]
    assert limiter.in_flight == 0


async def test_requests_per_minute_queue_until_the_window_has_room() -> None:
    time = FakeTime()
    limiter = RequestLimiter(10, 3, clock=time.clock, sleep=time.sleep)
    started: list[float] = []

    async def request() -> None:
        async with limiter.slot():
            started.append(time.now)

    tasks = [asyncio.create_task(request()) for _ in range(7)]
    await settle()
    assert len(started) == 3  # none failed: the others wait

    await time.advance(60.9)  # a minute, and the second's margin for the request to arrive
    assert len(started) == 3
    await time.advance(0.1)
    assert len(started) == 6
    await time.advance(61.0)
    assert len(started) == 7
    await asyncio.gather(*tasks)
    # In any minute (and the margin), at most 3 starts.
    for first in started:
        assert sum(1 for t in started if first <= t < first + 61) <= 3


async def test_a_request_cancelled_while_queued_leaves_the_queue() -> None:
    limiter = RequestLimiter(1, 1000)
    release = asyncio.Event()
    order: list[str] = []

    async def request(name: str) -> None:
        async with limiter.slot():
            order.append(name)
            await release.wait()

    first = asyncio.create_task(request("first"))
    second = asyncio.create_task(request("second"))
    third = asyncio.create_task(request("third"))
    await settle()
    second.cancel()
    await settle()
    assert limiter.waiting == 1
    release.set()
    await asyncio.gather(first, third)
    with pytest.raises(asyncio.CancelledError):
        await second
    assert order == ["first", "third"]
    assert limiter.in_flight == 0


async def test_cancelling_a_running_request_frees_its_slot() -> None:
    limiter = RequestLimiter(1, 1000)
    hold = asyncio.Event()

    async def request() -> None:
        async with limiter.slot():
            await hold.wait()

    running = asyncio.create_task(request())
    await settle()
    assert limiter.in_flight == 1
    running.cancel()
    await settle()
    assert limiter.in_flight == 0
    await asyncio.wait_for(limiter.acquire(), 1.0)
    limiter.release()


def test_limits_below_one_are_refused() -> None:
    with pytest.raises(ValueError):
        RequestLimiter(0, 10)


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_five_consecutive_failures_for_a_minute() -> None:
    clock = Clock()
    breaker = CircuitBreaker(clock=clock)
    for _ in range(4):
        assert breaker.begin() is None
        breaker.failed()
    assert breaker.state == "closed"
    assert breaker.begin() is None
    breaker.failed()
    assert breaker.state == "open"
    refusal = breaker.begin()
    assert refusal is not None and refusal.until == 5060.0 and not refusal.trial_running

    clock.now = 5059.9
    assert breaker.begin() is not None


def test_a_success_between_failures_starts_the_count_again() -> None:
    breaker = CircuitBreaker(clock=Clock())
    for _ in range(4):
        breaker.failed()
    breaker.succeeded()
    for _ in range(4):
        breaker.failed()
    assert breaker.state == "closed"


def test_after_the_pause_one_trial_goes_and_its_outcome_decides() -> None:
    clock = Clock()
    breaker = CircuitBreaker(clock=clock)
    for _ in range(5):
        breaker.failed()
    clock.now += 60
    assert breaker.state == "half-open"
    assert breaker.begin() is None  # the trial
    other = breaker.begin()
    assert other is not None and other.trial_running

    breaker.failed()  # the trial failed: open again, twice as long
    assert breaker.state == "open"
    assert breaker.open_until == clock.now + 120

    clock.now += 120
    assert breaker.begin() is None
    breaker.succeeded()
    assert breaker.state == "closed"
    assert breaker.begin() is None


def test_the_pause_doubles_up_to_ten_minutes() -> None:
    clock = Clock()
    breaker = CircuitBreaker(clock=clock)
    for _ in range(5):
        breaker.failed()
    pauses = []
    for _ in range(6):
        assert breaker.open_until is not None
        pauses.append(breaker.open_until - clock.now)
        clock.now = breaker.open_until
        assert breaker.begin() is None
        breaker.failed()
    assert pauses == [60, 120, 240, 480, 600, 600]


def test_a_cancelled_trial_lets_the_next_call_be_the_trial() -> None:
    clock = Clock()
    breaker = CircuitBreaker(clock=clock)
    for _ in range(5):
        breaker.failed()
    clock.now += 60
    assert breaker.begin() is None
    breaker.abandoned()
    assert breaker.begin() is None


def test_failures_of_calls_begun_before_the_trip_do_not_extend_the_pause() -> None:
    clock = Clock()
    breaker = CircuitBreaker(clock=clock)
    for _ in range(5):
        breaker.failed()
    until = breaker.open_until
    clock.now += 10
    breaker.failed()
    assert breaker.open_until == until
