"""The report periods, in one place: their names, lengths and titles, and where a period starts
and ends in local time (pure; light enough for a command line's parser)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from typing import Literal, get_args

from devfocus.timeutil import local_date, midnight

PeriodName = Literal["today", "week", "30d", "90d", "year"]
PERIODS: tuple[str, ...] = get_args(PeriodName)
PERIOD_DAYS: dict[str, int] = {"today": 1, "week": 7, "30d": 30, "90d": 90, "year": 365}
PERIOD_TITLES: dict[str, str] = {
    "today": "Today",
    "week": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "year": "Last 365 days",
}


@dataclass(frozen=True)
class Period:
    name: str
    start: float
    end: float
    days: tuple[date, ...]

    @property
    def title(self) -> str:
        return PERIOD_TITLES.get(self.name, self.name)


def resolve_period(name: str, now: float, tz: tzinfo | None = None) -> Period:
    """``today``: since local midnight; ``week`` / ``30d``: the last 7 / 30 local days, today
    included."""
    count = PERIOD_DAYS[name]
    today = local_date(now, tz)
    first = today - timedelta(days=count - 1)
    days = tuple(first + timedelta(days=i) for i in range(count))
    return Period(name, midnight(first, tz), now, days)
