"""Report periods in local time: calendar weeks, ranges of days, the period before, across DST."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from devfocus.insights.periods import (
    PERIODS,
    custom_period,
    previous_period,
    resolve_period,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN).timestamp()


# Wednesday 4 November 2026, 15:30 in Berlin.
NOW = at("2026-11-04T15:30")


def local(t: float) -> str:
    return datetime.fromtimestamp(t, BERLIN).strftime("%Y-%m-%d %H:%M")


def test_every_period_name_resolves() -> None:
    for name in PERIODS:
        period = resolve_period(name, NOW, BERLIN)
        assert period.start < period.end <= NOW
        assert period.title


def test_yesterday_is_the_whole_day_before() -> None:
    period = resolve_period("yesterday", NOW, BERLIN)
    assert (local(period.start), local(period.end)) == ("2026-11-03 00:00", "2026-11-04 00:00")
    assert period.days == (date(2026, 11, 3),)
    assert period.title == "Yesterday"


def test_this_week_runs_from_monday_to_now() -> None:
    period = resolve_period("thisweek", NOW, BERLIN)
    assert (local(period.start), local(period.end)) == ("2026-11-02 00:00", "2026-11-04 15:30")
    assert len(period.days) == 3


def test_last_week_is_monday_to_sunday_before() -> None:
    period = resolve_period("lastweek", NOW, BERLIN)
    assert (local(period.start), local(period.end)) == ("2026-10-26 00:00", "2026-11-02 00:00")
    assert period.days[0] == date(2026, 10, 26) and period.days[-1] == date(2026, 11, 1)
    # The week before it holds Sunday 25 October, when the clocks went back: an hour longer.
    before = previous_period(period, BERLIN)
    assert (local(before.start), local(before.end)) == ("2026-10-19 00:00", "2026-10-26 00:00")
    assert before.end - before.start == 7 * 86400 + 3600


def test_a_range_of_days_includes_both_ends_and_stops_now() -> None:
    period = custom_period(date(2026, 10, 30), date(2026, 11, 1), NOW, BERLIN)
    assert (local(period.start), local(period.end)) == ("2026-10-30 00:00", "2026-11-02 00:00")
    assert period.title == "30 Oct – 01 Nov 2026"
    reaching_today = custom_period(date(2026, 11, 3), date(2027, 1, 1), NOW, BERLIN)
    assert local(reaching_today.end) == "2026-11-04 15:30"
    assert len(reaching_today.days) == 2


def test_a_range_that_ends_before_it_starts_or_starts_tomorrow_is_refused() -> None:
    with pytest.raises(ValueError, match=r"ends .* before it starts"):
        custom_period(date(2026, 11, 3), date(2026, 11, 1), NOW, BERLIN)
    with pytest.raises(ValueError, match="starts after today"):
        custom_period(date(2026, 11, 5), date(2026, 11, 6), NOW, BERLIN)


def test_the_period_before_today_so_far_is_yesterday_to_the_same_hour() -> None:
    before = previous_period(resolve_period("today", NOW, BERLIN), BERLIN)
    assert (local(before.start), local(before.end)) == ("2026-11-03 00:00", "2026-11-03 15:30")


def test_the_period_before_a_rolling_week_is_the_seven_days_before_it() -> None:
    week = resolve_period("week", NOW, BERLIN)
    before = previous_period(week, BERLIN)
    assert before.days[-1] == date(2026, 10, 28)
    assert len(before.days) == 7
    assert local(before.end) == "2026-10-28 15:30"


def test_this_week_so_far_is_set_against_the_same_days_of_last_week() -> None:
    before = previous_period(resolve_period("thisweek", NOW, BERLIN), BERLIN)
    assert before.days == (date(2026, 10, 26), date(2026, 10, 27), date(2026, 10, 28))
    assert (local(before.start), local(before.end)) == ("2026-10-26 00:00", "2026-10-28 15:30")
