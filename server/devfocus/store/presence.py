"""Activity by the minute, for baselines: weeks of events summed in SQL to one row per minute
and context.

A baseline looks at four weeks before a report's period: some 80,000 events for a heavy
developer, four times what the week report itself reads. Read as they are, they would cost the
report more than everything else in it; summed in SQL to one row per minute, project and branch
(and one per minute for the moments the window lost focus or tracking paused), they are a fifth
as many, and the pure core builds the same timeline from them at one-minute grain.
"""

from __future__ import annotations

from devfocus.activity.records import Activity, Context, Kind
from devfocus.store.sqlrows import Source, reading
from devfocus.timeutil import epoch_ms

MINUTE_MS = 60_000
_PRESENCE_SQL = (
    "SELECT MIN(start_ms), MAX(end_ms), project, branch, kind IN ('blur', 'pause') AS idle "
    "FROM events WHERE start_ms >= :lo AND start_ms < :hi "
    "GROUP BY start_ms / 60000, project, branch, idle"
)


def load_minutes(source: Source, start: float, end: float) -> list[Activity]:
    """Activity in [start, end) at one-minute grain: per minute and context, one span from its
    first event's start to its last one's end; per minute, the first blur or pause. Unsorted:
    the timeline sorts what it is given."""
    params = {"lo": epoch_ms(start), "hi": epoch_ms(end)}
    with reading(source) as query:
        rows = query(_PRESENCE_SQL, params)
    contexts: dict[tuple[str, str | None], Context] = {}
    edit, blur = Kind.EDIT, Kind.BLUR
    out: list[Activity] = []
    append = out.append
    for s, e, project, branch, idle in rows:
        if idle:
            append(Activity(s / 1000, s / 1000, blur))
            continue
        context = None
        if project is not None:
            context = contexts.get((project, branch))
            if context is None:
                context = contexts[(project, branch)] = Context(project, branch)
        append(Activity(s / 1000, e / 1000, edit, context))
    return out
