"""A long stretch without a break: continuous activity, no pause of 5 minutes or more, for
longer than the threshold (pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from operator import attrgetter

from devfocus.activity.records import IDLE_MARKERS, Activity, Kind
from devfocus.insights.detectors.inputs import InsightRules, PeriodFacts, hours
from devfocus.insights.insight import Evidence, Insight
from devfocus.timeutil import local_date

BREAK_SECONDS = 300.0  # a pause this long is a break


def continuous_stretches(
    activities: Iterable[Activity], lo: float, hi: float, pause: float = BREAK_SECONDS
) -> list[tuple[float, float]]:
    """Runs of editor activity in [lo, hi) (from all windows) with no gap of ``pause`` seconds
    or more between one activity's end and the next one's start. Time inferred from commits is
    not activity, and a window losing focus is no break unless nothing follows for ``pause``."""
    out: list[tuple[float, float]] = []
    start = end = -1.0
    skip = {Kind.COMMITS, *IDLE_MARKERS}
    for act in sorted(activities, key=attrgetter("start")):  # already sorted: one pass
        a_start, a_end = act.start, act.end
        if a_end < lo or a_start >= hi or act.kind in skip:
            continue
        a_start, a_end = max(a_start, lo), min(a_end, hi)
        if a_start - end >= pause:
            if end > start >= 0:
                out.append((start, end))
            start, end = a_start, a_end
        elif a_end > end:
            end = a_end
    if end > start >= 0:
        out.append((start, end))
    return out


def long_stretches(facts: PeriodFacts, rules: InsightRules) -> list[Insight]:
    """One insight per day with stretches over the threshold: the longest in its sentence, all
    of them in its evidence."""
    limit = rules.long_stretch_minutes * 60
    by_day: dict[date, list[tuple[float, float]]] = defaultdict(list)
    for start, end in facts.stretches:
        if end - start > limit:
            by_day[local_date(start, facts.tz)].append((start, end))
    out = []
    for day, stretches in sorted(by_day.items()):
        longest = max(end - start for start, end in stretches)
        more = (
            f" ({len(stretches)} stretches over {hours(limit)} that day)"
            if len(stretches) > 1
            else ""
        )
        out.append(
            Insight(
                id=f"long-stretch:{day.isoformat()}",
                kind="long-stretch",
                severity="warning" if longest >= 1.5 * limit else "information",
                start=stretches[0][0],
                end=stretches[-1][1],
                message=(
                    f"You worked {hours(longest)} without a break of 5 minutes{more}; a short "
                    f"break every {rules.long_stretch_minutes:g} minutes keeps attention fresh."
                ),
                evidence=Evidence(
                    {
                        "minutes": round(longest / 60, 1),
                        "stretches": len(stretches),
                        "thresholdMinutes": rules.long_stretch_minutes,
                    },
                    tuple(stretches),
                ),
            )
        )
    return out
