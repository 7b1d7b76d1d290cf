"""Local calendar arithmetic on epoch seconds, across daylight saving time changes."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from devfocus.timeutil import (
    day_bounds,
    iso_local,
    iso_utc,
    local_date,
    midnight,
    overlap,
)

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600.0


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()  # type: ignore[misc]


def test_midnight_is_the_start_of_the_local_day() -> None:
    assert midnight(date(2026, 1, 5), BERLIN) == utc(2026, 1, 4, 23, 0)  # CET, UTC+1
    assert midnight(date(2026, 7, 5), BERLIN) == utc(2026, 7, 4, 22, 0)  # CEST, UTC+2
    assert midnight(date(2026, 1, 5), UTC) == utc(2026, 1, 5, 0, 0)


def test_an_ordinary_day_is_24_hours() -> None:
    start, end = day_bounds(date(2026, 1, 5), BERLIN)
    assert (start, end) == (utc(2026, 1, 4, 23, 0), utc(2026, 1, 5, 23, 0))
    assert end - start == 24 * HOUR


def test_the_spring_dst_day_is_23_hours() -> None:
    start, end = day_bounds(date(2026, 3, 29), BERLIN)
    assert (start, end) == (utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 22, 0))
    assert end - start == 23 * HOUR


def test_the_autumn_dst_day_is_25_hours() -> None:
    start, end = day_bounds(date(2026, 10, 25), BERLIN)
    assert (start, end) == (utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 23, 0))
    assert end - start == 25 * HOUR


def test_days_around_a_dst_change_join_without_gaps() -> None:
    bounds = [day_bounds(date(2026, 3, d), BERLIN) for d in range(27, 32)]
    for (_, end), (start, _) in itertools.pairwise(bounds):
        assert end == start


def test_the_local_date_of_a_late_evening_in_utc_is_the_next_day_in_berlin() -> None:
    t = utc(2026, 1, 5, 23, 30)
    assert local_date(t, UTC) == date(2026, 1, 5)
    assert local_date(t, BERLIN) == date(2026, 1, 6)


def test_iso_utc_is_to_the_second_with_a_z() -> None:
    t = utc(2026, 1, 5, 9, 0)
    assert iso_utc(t) == "2026-01-05T09:00:00Z"
    assert iso_utc(t + 0.4) == "2026-01-05T09:00:00Z"
    assert iso_utc(t + 0.6) == "2026-01-05T09:00:01Z"


def test_iso_local_carries_the_offset_of_the_moment() -> None:
    assert iso_local(utc(2026, 1, 5, 9, 0), BERLIN) == "2026-01-05T10:00:00+01:00"
    assert iso_local(utc(2026, 7, 1, 9, 0), BERLIN) == "2026-07-01T11:00:00+02:00"
    assert iso_local(utc(2026, 1, 5, 9, 0), UTC) == "2026-01-05T09:00:00+00:00"


def test_iso_local_tells_apart_the_repeated_hour_in_autumn() -> None:
    first = iso_local(utc(2026, 10, 25, 0, 30), BERLIN)
    second = iso_local(utc(2026, 10, 25, 1, 30), BERLIN)
    assert (first, second) == ("2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00")


@pytest.mark.parametrize(
    ("span", "window", "expected"),
    [
        ((0, 10), (5, 20), 5),
        ((5, 20), (0, 10), 5),
        ((2, 8), (0, 10), 6),
        ((0, 10), (2, 8), 6),
        ((0, 10), (10, 20), 0),
        ((0, 10), (15, 20), 0),
        ((5, 5), (0, 10), 0),
    ],
)
def test_overlap_is_the_length_of_the_intersection(
    span: tuple[float, float], window: tuple[float, float], expected: float
) -> None:
    assert overlap(*span, *window) == expected
