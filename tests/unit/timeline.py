"""Activity builders shared by the timeline and status tests: times in minutes after 09:00 UTC on
Monday 2026-01-05, two contexts, and the default thresholds."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from devfocus.activity.records import Activity, Context, Kind

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc).timestamp()
ALPHA = Context("/src/alpha", "main")
BETA = Context("/src/beta", "main")
MINUTE = 60.0
IDLE = 15 * MINUTE
DEEP = 25 * MINUTE


def t(minutes: float, seconds: float = 0.0) -> float:
    """Epoch seconds ``minutes`` (and ``seconds``) after 09:00 UTC on 2026-01-05."""
    return T0 + minutes * MINUTE + seconds


def edit(start: float, end: float, context: Context | None = ALPHA, **kw: object) -> Activity:
    """An edit span from minute ``start`` to minute ``end``."""
    return Activity(t(start), t(end), Kind.EDIT, context, **kw)  # type: ignore[arg-type]


def event(
    minute: float, kind: Kind = Kind.SAVE, context: Context | None = ALPHA, **kw: object
) -> Activity:
    """An instant at minute ``minute``."""
    return Activity(t(minute), t(minute), kind, context, **kw)  # type: ignore[arg-type]
