"""Focus blocks: countdown, bounds, the switches made during one, and when its end is told."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devfocus.activity.focusblock import (
    END_NOTICE_GRACE,
    FocusBlock,
    awaits_end_notice,
    end_message,
    planned_end,
    switches_during,
)
from devfocus.activity.nudges import RATE_LIMIT, NudgeMemory
from devfocus.activity.timeline import build_timeline
from devfocus.store.blockstore import (
    claim_end_notice,
    claim_nudge,
    load_blocks,
    nudge_memory,
    recent_blocks,
    record_switches,
    silence_nudge,
    start_block,
    stop_block,
)
from devfocus.store.database import Database
from tests.unit.timeline import BETA, DEEP, IDLE, edit, t


def block(start: float = 0, end: float = 25, **kw: object) -> FocusBlock:
    defaults: dict[str, object] = {"stopped": False, "switches": 0}
    return FocusBlock(1, t(start), t(end), **{**defaults, **kw})  # type: ignore[arg-type]


def test_the_countdown_runs_from_the_length_to_zero_and_stays_there() -> None:
    b = block()
    assert b.remaining(t(0)) == 25 * 60
    assert b.remaining(t(24, 59)) == 1.0
    assert b.remaining(t(25)) == 0.0
    assert b.remaining(t(30)) == 0.0


def test_a_block_runs_until_its_end_and_not_at_it() -> None:
    b = block()
    assert b.running(t(24, 59.9))
    assert not b.running(t(25))


def test_a_start_a_little_ahead_of_this_windows_clock_counts_as_running() -> None:
    assert block(start=1, end=26).running(t(0, 58))


def test_a_stopped_block_has_nothing_left() -> None:
    b = block(end=10, stopped=True)
    assert not b.running(t(5)) and b.remaining(t(5)) == 0.0


@pytest.mark.parametrize("minutes", [0.01, 0.02, 25, 480])
def test_fractional_minutes_down_to_the_minimum_are_allowed(minutes: float) -> None:
    assert planned_end(t(0), minutes) == t(0) + minutes * 60


@pytest.mark.parametrize("minutes", [0, 0.009, -5, 480.5])
def test_minutes_out_of_bounds_are_refused(minutes: float) -> None:
    with pytest.raises(ValueError, match=r"0\.01 to 480"):
        planned_end(t(0), minutes)


def test_switches_during_a_block_are_those_inside_it() -> None:
    # alpha 0-10, beta 10-20, alpha 20-30, beta 30-40: switches at minutes 10, 20, 30.
    acts = [edit(0, 10), edit(10, 20, context=BETA), edit(20, 30), edit(30, 40, context=BETA)]
    switches = build_timeline(acts, idle_timeout=IDLE, deep_work=DEEP).switches
    assert [s.at for s in switches] == [t(10), t(20), t(30)]
    assert switches_during(switches, t(10), t(30)) == 2  # the one at its end is not in it
    assert switches_during(switches, t(11), t(40)) == 2
    assert switches_during(switches, t(0), t(5)) == 0


def test_the_end_is_told_once_after_a_planned_end_and_only_soon_after() -> None:
    b = block()
    assert not awaits_end_notice(b, t(24, 59))
    assert awaits_end_notice(b, t(25))
    assert awaits_end_notice(b, t(25) + END_NOTICE_GRACE - 1)
    assert not awaits_end_notice(b, t(25) + END_NOTICE_GRACE)
    assert not awaits_end_notice(block(notified=True), t(25))
    assert not awaits_end_notice(block(end=10, stopped=True), t(10))


def test_the_end_message_says_how_long_and_how_many_switches() -> None:
    assert end_message(block()) == (
        "DevFocus: your 25-minute focus block is over (no context switches). Take a break?"
    )
    assert "(1 context switch)" in end_message(block(switches=1))
    assert "(3 context switches)" in end_message(block(switches=3))
    assert "your 1-second focus block" in end_message(block(end=0.02))


# -- in the database, as two windows (two engines on one SQLite file) share it -----------------


@pytest.fixture
def two_windows(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    url = f"sqlite:///{(tmp_path / 'devfocus.db').as_posix()}"
    first, second = Database(url), Database(url)
    yield first, second
    first.close()
    second.close()


def test_a_block_started_in_one_window_is_read_and_stopped_in_the_other(
    two_windows: tuple[Database, Database],
) -> None:
    first, second = two_windows
    started = first.run(lambda e: start_block(e, t(0), t(25), "one"))
    (seen,) = second.run(lambda e: recent_blocks(e, t(1), t(1)))
    assert (seen.id, seen.start, seen.end, seen.stopped) == (started.id, t(0), t(25), False)
    stopped = second.run(lambda e: stop_block(e, t(10)))
    assert stopped is not None and stopped.stopped and stopped.end == t(10)
    assert first.run(lambda e: stop_block(e, t(11))) is None  # nothing runs any more
    (row,) = first.run(lambda e: load_blocks(e, t(0), t(60)))
    assert row.stopped and row.remaining(t(5)) == 0.0


def test_starting_a_block_stops_the_one_running(two_windows: tuple[Database, Database]) -> None:
    first, second = two_windows
    first.run(lambda e: start_block(e, t(0), t(25), "one"))
    second.run(lambda e: start_block(e, t(5), t(55), "two"))
    old, new = first.run(lambda e: load_blocks(e, t(0), t(60)))
    assert old.stopped and old.end == t(5)
    assert not new.stopped and new.running(t(6))


def test_the_end_notice_goes_to_one_window_and_only_after_the_end(
    two_windows: tuple[Database, Database],
) -> None:
    first, second = two_windows
    block = first.run(lambda e: start_block(e, t(0), t(25), "one"))
    assert not first.run(lambda e: claim_end_notice(e, block.id, t(24)))  # not over yet
    claims = [
        window.run(lambda e: claim_end_notice(e, block.id, t(25)))
        for window in (first, second, first)
    ]
    assert claims == [True, False, False]
    (after,) = second.run(lambda e: recent_blocks(e, t(26), t(20)))
    assert after.notified and not awaits_end_notice(after, t(26))


def test_switches_recorded_only_rise(two_windows: tuple[Database, Database]) -> None:
    first, second = two_windows
    block = first.run(lambda e: start_block(e, t(0), t(25), "one"))
    first.run(lambda e: record_switches(e, block.id, 3))
    second.run(lambda e: record_switches(e, block.id, 2))  # a window that saw less
    (row,) = second.run(lambda e: load_blocks(e, t(0), t(30)))
    assert row.switches == 3


def test_a_nudge_is_claimed_by_one_window_per_two_hours(
    two_windows: tuple[Database, Database],
) -> None:
    first, second = two_windows

    def claim(window: Database, at: float) -> bool:
        return window.run(lambda e: claim_nudge(e, "longStretch", at, RATE_LIMIT, "w"))

    assert claim(first, t(0))
    assert not claim(second, t(0))
    assert not claim(second, t(0) + RATE_LIMIT - 1)
    assert claim(second, t(0) + RATE_LIMIT)
    assert claim(first, t(0) + 2 * RATE_LIMIT)  # two hours after the last, in either window
    memory = first.run(nudge_memory)
    assert memory["longStretch"].last_shown == t(0) + 2 * RATE_LIMIT


def test_not_today_is_kept_for_every_window_until_it_ends(
    two_windows: tuple[Database, Database],
) -> None:
    first, second = two_windows
    first.run(lambda e: silence_nudge(e, "contextSwitching", t(600)))
    assert second.run(nudge_memory)["contextSwitching"] == NudgeMemory(None, t(600))
    assert not second.run(lambda e: claim_nudge(e, "contextSwitching", t(599), RATE_LIMIT, "w"))
    assert second.run(lambda e: claim_nudge(e, "contextSwitching", t(600), RATE_LIMIT, "w"))
