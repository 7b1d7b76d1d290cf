"""Nudges: when the live status calls for one, the two-hour limit, and "Not today"."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from devfocus.activity.focusblock import FocusBlock
from devfocus.activity.nudges import (
    RATE_LIMIT,
    NudgeMemory,
    NudgeRules,
    candidates,
    due,
    silence_until,
)
from devfocus.activity.status import Status
from tests.unit.timeline import t

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
BOTH = NudgeRules(context_switching=True, long_stretch=True)


def active(switches: int = 0, session_minutes: float = 0.0, now: float = t(120)) -> Status:
    return Status(
        "active",
        now - session_minutes * 60,
        session_minutes * 60,
        session_minutes * 60,
        None,
        switches,
        False,
        0.0,
        now=now,
    )


def kinds(status: Status, rules: NudgeRules = BOTH) -> list[str]:
    return [n.kind for n in candidates(status, status.now, rules)]


def test_switches_nudge_from_the_threshold_on() -> None:
    assert kinds(active(switches=7)) == []
    (nudge,) = candidates(active(switches=8), t(120), BOTH)
    assert nudge.kind == "contextSwitching" and nudge.figure == 8
    assert nudge.message.startswith("DevFocus: 8 context switches in the last hour.")


def test_a_long_stretch_nudges_from_its_minutes_on() -> None:
    assert kinds(active(session_minutes=99.99)) == []
    (nudge,) = candidates(active(session_minutes=100), t(120), BOTH)
    assert nudge.kind == "longStretch" and nudge.figure == 100
    assert "100 minutes without a break" in nudge.message


def test_kinds_that_are_off_never_nudge() -> None:
    busy = active(switches=30, session_minutes=300)
    assert kinds(busy, NudgeRules()) == []
    assert kinds(busy, NudgeRules(long_stretch=True)) == ["longStretch"]
    assert kinds(busy, NudgeRules(context_switching=True, switches_per_hour=40)) == []


def test_no_nudge_while_idle_or_in_a_focus_block() -> None:
    busy = active(switches=30, session_minutes=300)
    assert kinds(replace(busy, state="idle", session_start=None)) == []
    block = FocusBlock(1, t(100), t(125), False, 0)
    assert kinds(replace(busy, focus_block=block)) == []


@pytest.mark.parametrize(
    ("since_shown", "shows"),
    [(RATE_LIMIT - 1, False), (RATE_LIMIT, True), (RATE_LIMIT + 600, True)],
)
def test_at_most_one_nudge_of_a_kind_per_two_hours(since_shown: float, shows: bool) -> None:
    now = t(300)
    memory = {"contextSwitching": NudgeMemory(last_shown=now - since_shown)}
    busy = active(switches=9, now=now)
    assert [n.kind for n in due(busy, now, BOTH, memory)] == (["contextSwitching"] if shows else [])


def test_one_kind_shown_does_not_hold_back_the_other() -> None:
    now = t(300)
    memory = {"contextSwitching": NudgeMemory(last_shown=now - 60)}
    busy = active(switches=9, session_minutes=120, now=now)
    assert [n.kind for n in due(busy, now, BOTH, memory)] == ["longStretch"]


def test_not_today_holds_until_the_silence_ends() -> None:
    now = t(300)
    quiet = {"longStretch": NudgeMemory(silenced_until=now + 1)}
    busy = active(session_minutes=120, now=now)
    assert due(busy, now, BOTH, quiet) == []
    assert [n.kind for n in due(busy, now + 1, BOTH, quiet)] == ["longStretch"]


def local(tz: ZoneInfo, *args: int) -> float:
    return datetime(*args, tzinfo=tz).timestamp()  # type: ignore[misc]


def test_not_today_lasts_until_the_next_local_midnight() -> None:
    assert silence_until(local(BERLIN, 2026, 1, 5, 14, 30), BERLIN) == local(BERLIN, 2026, 1, 6)
    # A minute before midnight: one minute of silence, not a day.
    assert silence_until(local(BERLIN, 2026, 1, 5, 23, 59), BERLIN) == local(BERLIN, 2026, 1, 6)
    assert silence_until(local(BERLIN, 2026, 1, 6), BERLIN) == local(BERLIN, 2026, 1, 7)


@pytest.mark.parametrize(
    ("tz", "day"),
    [
        (BERLIN, (2026, 3, 29)),  # spring forward: a 23-hour day
        (BERLIN, (2026, 10, 25)),  # fall back: a 25-hour day
        (NEW_YORK, (2026, 3, 8)),
        (NEW_YORK, (2026, 11, 1)),
    ],
)
def test_not_today_on_a_dst_day_ends_at_the_local_midnight(
    tz: ZoneInfo, day: tuple[int, int, int]
) -> None:
    said = local(tz, *day, 8)  # after the change, made in the night
    until = silence_until(said, tz)
    assert datetime.fromtimestamp(until, tz).timetuple()[:6] == (
        day[0],
        day[1],
        day[2] + 1,
        0,
        0,
        0,
    )
    assert until - said == 16 * 3600


def test_not_today_said_before_the_clock_change_lasts_the_short_or_long_night() -> None:
    # 23-hour day: from 00:30 to the next midnight is 22.5 real hours; 25-hour day: 24.5.
    assert (
        silence_until(local(BERLIN, 2026, 3, 29, 0, 30), BERLIN) - local(BERLIN, 2026, 3, 29, 0, 30)
        == 22.5 * 3600
    )
    assert (
        silence_until(local(BERLIN, 2026, 10, 25, 0, 30), BERLIN)
        - local(BERLIN, 2026, 10, 25, 0, 30)
        == 24.5 * 3600
    )
