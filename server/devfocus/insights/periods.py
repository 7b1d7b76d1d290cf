"""The report periods, in one place: their names and titles, and where a period starts and ends in
local time (pure; light enough for a command line's parser).

Rolling periods end now: ``today`` (since local midnight), ``week``, ``30d``, ``90d`` and ``year``
(the last 7, 30, 90 or 365 local days, today included). Calendar periods: ``yesterday``,
``thisweek`` (Monday to now) and ``lastweek`` (Monday to Sunday before it). A custom range is
whole local days from one date to another, both included (ending now when it reaches today). The
period before one (:func:`previous_period`) has the same number of days and ends where it starts.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal, get_args

from devfocus.timeutil import local_date, midnight

PeriodName = Literal["today", "yesterday", "thisweek", "lastweek", "week", "30d", "90d", "year"]
PERIODS: tuple[str, ...] = get_args(PeriodName)
ROLLING_DAYS: dict[str, int] = {"today": 1, "week": 7, "30d": 30, "90d": 90, "year": 365}
PERIOD_TITLES: dict[str, str] = {
    "today": "Today",
    "yesterday": "Yesterday",
    "thisweek": "This week",
    "lastweek": "Last week",
    "week": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "year": "Last 365 days",
}
CUSTOM = "custom"  # the name of a period given by its dates
PREVIOUS = "previous"  # the name of the period before another


@dataclass(frozen=True)
class Period:
    name: str
    start: float
    end: float
    days: tuple[date, ...]

    @property
    def title(self) -> str:
        if self.name in PERIOD_TITLES:
            return PERIOD_TITLES[self.name]
        first, last = self.days[0], self.days[-1]
        if first == last:
            return f"{first:%a %d %b %Y}"
        return f"{first:%d %b} – {last:%d %b %Y}"


def resolve_period(name: str, now: float, tz: tzinfo | None = None) -> Period:
    """The period ``name`` (one of :data:`PERIODS`) as of ``now``."""
    today = local_date(now, tz)
    if name in ROLLING_DAYS:
        return _days(name, today - timedelta(days=ROLLING_DAYS[name] - 1), today, now, tz)
    if name == "yesterday":
        return _days(name, today - timedelta(days=1), today - timedelta(days=1), now, tz)
    monday = today - timedelta(days=today.weekday())
    if name == "thisweek":
        return _days(name, monday, today, now, tz)
    if name == "lastweek":
        return _days(name, monday - timedelta(days=7), monday - timedelta(days=1), now, tz)
    raise ValueError(f"unknown period {name!r}; expected one of {', '.join(PERIODS)}")


def custom_period(first: date, last: date, now: float, tz: tzinfo | None = None) -> Period:
    """Local days ``first`` to ``last``, both included; a range reaching today ends now."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    today = local_date(now, tz)
    if first > today:
        raise ValueError(f"the range starts after today ({first})")
    return _days(CUSTOM, first, min(last, today), now, tz)


def requested_period(
    name: str, first: str | None, last: str | None, now: float, tz: tzinfo | None = None
) -> Period:
    """The period an editor asks for: ``name``, or the ISO dates ``first`` to ``last`` (which
    defaults to today) when ``first`` is given. Raises ValueError naming what is wrong."""
    if first is None:
        return resolve_period(name, now, tz)
    until = date.fromisoformat(last) if last else date.max
    return custom_period(date.fromisoformat(first), until, now, tz)


def previous_period(period: Period, tz: tzinfo | None = None) -> Period:
    """The period of as many days just before ``period``, cut at the same time of day when
    ``period`` ends before its last day does (``today`` so far against yesterday to this hour).
    This week so far is set against the same days of last week."""
    count = len(period.days)
    back = timedelta(days=7 if period.name == "thisweek" else count)
    first = period.days[0] - back
    last = period.days[-1] - back
    start = midnight(first, tz)
    day_end = midnight(last + timedelta(days=1), tz)
    end = day_end
    if period.end < midnight(period.days[-1] + timedelta(days=1), tz):
        # The period runs to now: compare with the same part of the earlier day.
        into_day = datetime.fromtimestamp(period.end, tz) - datetime.fromtimestamp(
            midnight(period.days[-1], tz), tz
        )
        end = min(day_end, _at(last, into_day, tz))
    return Period(PREVIOUS, start, end, tuple(first + timedelta(days=i) for i in range(count)))


def _days(name: str, first: date, last: date, now: float, tz: tzinfo | None) -> Period:
    days = tuple(first + timedelta(days=i) for i in range((last - first).days + 1))
    end = min(now, midnight(last + timedelta(days=1), tz))
    return Period(name, midnight(first, tz), end, days)


def _at(day: date, into_day: timedelta, tz: tzinfo | None) -> float:
    """The moment ``into_day`` of wall-clock time after ``day``'s midnight."""
    start = datetime.fromtimestamp(midnight(day, tz), tz)
    return (start + into_day).timestamp()


# -- standup notes -------------------------------------------------------------------------------
STANDUP = "standup"  # the period name of the standup notes: the last working day and today
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as the work week names them
STANDUP_REACH_DAYS = 14  # how far back a standup looks for the last day that was worked


def last_working_day(
    today: date,
    work_week: Collection[str],
    worked: Collection[date] = (),
    reach: int = STANDUP_REACH_DAYS,
) -> date:
    """The day a standup looks back to: the latest day before ``today`` that is in
    ``work_week`` (``"mon"`` … ``"sun"``) and was ``worked`` (had activity), within ``reach``
    days; when none was, the latest work-week day before today (with Monday to Friday, on a
    Monday: Friday). A holiday on a working day is skipped because nothing was worked on it."""
    working = {WEEKDAY_NAMES.index(name) for name in work_week if name in WEEKDAY_NAMES}
    if not working:
        working = set(range(5))
    candidates = [today - timedelta(days=back) for back in range(1, reach + 1)]
    in_week = [day for day in candidates if day.weekday() in working]
    for day in in_week:
        if day in worked:
            return day
    return in_week[0] if in_week else today - timedelta(days=1)
