"""Peak focus hours: the hours of the day, and the weekdays, where deep work happens (pure).

The hour × weekday matrix (:func:`deep_work_matrix`) is also what a heatmap draws.
"""

from __future__ import annotations

from collections.abc import Iterable

from devfocus.insights.baseline import DayFigures
from devfocus.insights.detectors.inputs import InsightRules, PeriodFacts, hours
from devfocus.insights.insight import Evidence, Insight

WINDOW_HOURS = 2  # the peak is the best run of this many consecutive hours
MIN_DEEP_SECONDS = 2 * 3600  # less deep work than this shows no pattern
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def deep_work_matrix(days: Iterable[DayFigures]) -> tuple[tuple[float, ...], ...]:
    """Deep-work seconds by weekday (0 Monday … 6 Sunday) and local hour (0–23)."""
    matrix = [[0.0] * 24 for _ in range(7)]
    for day in days:
        row = matrix[day.day.weekday()]
        for hour, seconds in enumerate(day.deep_by_hour):
            row[hour] += seconds
    return tuple(tuple(row) for row in matrix)


def peak_hours(facts: PeriodFacts, rules: InsightRules) -> list[Insight]:
    # The period and the 4 weeks before it: a habit shows over weeks, not days.
    matrix = deep_work_matrix([*facts.baseline.days, *facts.days])
    by_hour = [sum(row[h] for row in matrix) for h in range(24)]
    total = sum(by_hour)
    if total < MIN_DEEP_SECONDS:
        return []
    first = max(
        range(24 - WINDOW_HOURS + 1),
        key=lambda h: (sum(by_hour[h : h + WINDOW_HOURS]), -h),
    )
    window = sum(by_hour[first : first + WINDOW_HOURS])
    by_day = [sum(row) for row in matrix]
    best_day = max(range(7), key=lambda d: (by_day[d], -d))
    last = first + WINDOW_HOURS
    return [
        Insight(
            id=f"peak-hours:{facts.period_id()}",
            kind="peak-hours",
            severity="hint",
            start=facts.baseline.start if facts.baseline.days else facts.start,
            end=facts.end,
            message=(
                f"Your deep work peaks from {first:02d}:00 to {last:02d}:00 ({window / total:.0%} "
                f"of {hours(total)}) and on {WEEKDAY_NAMES[best_day]}s; keeping those hours free "
                "of meetings protects it."
            ),
            evidence=Evidence(
                {
                    "peakStartHour": first,
                    "peakEndHour": last,
                    "peakShare": round(window / total, 3),
                    "deepWorkSeconds": round(total),
                    "peakWeekday": best_day,
                }
            ),
        )
    ]
