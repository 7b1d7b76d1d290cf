"""Late-night and weekend streaks, measured only against the person's own habit (pure).

Late work is focus after ``insights.lateHour`` (to 5:00 the next morning); weekend work is focus
on a day outside ``reports.workWeek``. Either is an insight only when the period has more of it
than the person's previous 4 weeks, day for day.
"""

from __future__ import annotations

from datetime import date

from devfocus.insights.detectors.inputs import InsightRules, PeriodFacts, hours
from devfocus.insights.insight import Evidence, Insight
from devfocus.timeutil import day_bounds

HABIT_FACTOR = 1.5  # more than one and a half times the usual amount
MIN_LATE_SECONDS = 30 * 60  # a late evening: at least this much focus after the late hour
MIN_OFF_DAY_SECONDS = 60 * 60  # a worked day off: at least this much focus on it


def late_nights(facts: PeriodFacts, rules: InsightRules) -> list[Insight]:
    baseline = facts.baseline
    if not baseline.days:
        return []  # no habit to measure against
    days = list(facts.days)
    late = [
        d.late_seconds(rules.late_hour, days[i + 1] if i + 1 < len(days) else None)
        for i, d in enumerate(days)
    ]
    nights = [d for d, s in zip(days, late, strict=True) if s >= MIN_LATE_SECONDS]
    if not nights:
        return []
    per_day = sum(late) / len(days)
    usual = baseline.late_per_day()
    if per_day <= HABIT_FACTOR * usual:
        return []
    streak = _longest_run([s >= MIN_LATE_SECONDS for s in late])
    first, last = nights[0].day, nights[-1].day
    lo, hi = day_bounds(first, facts.tz)[0], day_bounds(last, facts.tz)[1]
    return [
        Insight(
            id=f"late-night:{facts.period_id()}",
            kind="late-night",
            severity="warning" if streak >= 3 else "information",
            start=max(lo, facts.start),
            end=min(hi, facts.end),
            message=(
                f"You worked late on {len(nights)} of {len(days)} days ({hours(per_day)} a day "
                f"after {rules.late_hour:g}:00, against your usual {hours(usual)}); an agreed "
                "stop time protects the next morning's focus."
            ),
            evidence=Evidence(
                {
                    "lateDays": len(nights),
                    "longestStreak": streak,
                    "lateSecondsPerDay": round(per_day),
                    "baselineSecondsPerDay": round(usual),
                    "lateHour": rules.late_hour,
                },
                _sessions_in(facts, lo, hi, [d.day for d in nights]),
            ),
        )
    ]


def weekends(facts: PeriodFacts, rules: InsightRules) -> list[Insight]:
    baseline = facts.baseline
    off = [d for d in facts.days if not d.work_day]
    usual = baseline.off_day_seconds()
    if not off or usual is None:
        return []  # no day off in the period, or no habit to measure against
    worked = [d for d in off if d.focus_seconds >= MIN_OFF_DAY_SECONDS]
    if not worked:
        return []
    per_day = sum(d.focus_seconds for d in off) / len(off)
    if per_day <= HABIT_FACTOR * usual:
        return []
    streak = _longest_run([d.focus_seconds >= MIN_OFF_DAY_SECONDS for d in off])
    lo, hi = day_bounds(worked[0].day, facts.tz)[0], day_bounds(worked[-1].day, facts.tz)[1]
    return [
        Insight(
            id=f"weekend:{facts.period_id()}",
            kind="weekend",
            severity="warning" if streak >= 2 and len(worked) >= 3 else "information",
            start=max(lo, facts.start),
            end=min(hi, facts.end),
            message=(
                f"You worked on {len(worked)} of {len(off)} days off ({hours(per_day)} a day, "
                f"against your usual {hours(usual)}); rest days keep the working ones focused."
            ),
            evidence=Evidence(
                {
                    "daysOffWorked": len(worked),
                    "daysOff": len(off),
                    "secondsPerDayOff": round(per_day),
                    "baselineSecondsPerDayOff": round(usual),
                },
                _sessions_in(facts, lo, hi, [d.day for d in worked]),
            ),
        )
    ]


def _sessions_in(
    facts: PeriodFacts, lo: float, hi: float, days: list[date]
) -> tuple[tuple[float, float], ...]:
    """The sessions of ``days`` (between ``lo`` and ``hi``), as evidence."""
    bounds = [day_bounds(d, facts.tz) for d in days]
    return tuple(
        (s.start, s.end)
        for s in facts.report.sessions
        if lo <= s.start < hi and any(a <= s.start < b for a, b in bounds)
    )


def _longest_run(flags: list[bool]) -> int:
    best = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best
