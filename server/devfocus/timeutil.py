"""Local calendar arithmetic on epoch seconds, correct across DST changes.

``tz=None`` means the system's local time zone (with its DST rules, via the C library);
tests pass a ``zoneinfo.ZoneInfo``.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta, timezone, tzinfo


def epoch_ms(t: float) -> int:
    """Seconds to whole milliseconds, the same way wherever times are stored or compared (a
    float like 1.005 s is 1004.999… ms: rounded to microseconds first, then floored)."""
    return math.floor(round(t * 1000, 3))


def local_date(t: float, tz: tzinfo | None = None) -> date:
    return datetime.fromtimestamp(t, tz).date()


def midnight(d: date, tz: tzinfo | None = None) -> float:
    """Epoch seconds at the start of local day ``d`` (a naive datetime reads as local time)."""
    return datetime.combine(d, time.min, tzinfo=tz).timestamp()


def day_bounds(d: date, tz: tzinfo | None = None) -> tuple[float, float]:
    """[start, end) of local day ``d``: 23 or 25 hours long on DST changes."""
    return midnight(d, tz), midnight(d + timedelta(days=1), tz)


def iso_utc(t: float) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second."""
    return datetime.fromtimestamp(round(t), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(t: float, tz: tzinfo | None = None) -> str:
    """ISO 8601 local time with its UTC offset, to the second."""
    return datetime.fromtimestamp(round(t), tz).astimezone(tz).isoformat(timespec="seconds")


def overlap(start: float, end: float, lo: float, hi: float) -> float:
    """Length of [start, end) ∩ [lo, hi)."""
    return max(0.0, min(end, hi) - max(start, lo))
