"""Goals: daily and weekly targets of focus time and deep work, and the progress toward them.

The weeks run Monday to Sunday in local time. A target of 0 is no goal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from devfocus.activity.timeline import Timeline, focus_between

GoalKind = Literal["dailyFocus", "weeklyFocus", "dailyDeepWork", "weeklyDeepWork"]


@dataclass(frozen=True, slots=True)
class GoalTargets:
    """Seconds aimed at; 0: no goal of that kind."""

    daily_focus: float = 0.0
    weekly_focus: float = 0.0
    daily_deep_work: float = 0.0
    weekly_deep_work: float = 0.0

    def any(self) -> bool:
        return any(
            (self.daily_focus, self.weekly_focus, self.daily_deep_work, self.weekly_deep_work)
        )

    def weekly(self) -> bool:
        return bool(self.weekly_focus or self.weekly_deep_work)


@dataclass(frozen=True, slots=True)
class GoalProgress:
    kind: GoalKind
    target_seconds: float
    done_seconds: float

    @property
    def share(self) -> float:
        """Done over target: 1.0 is the goal met; more than 1.0, passed."""
        return self.done_seconds / self.target_seconds

    @property
    def met(self) -> bool:
        return self.done_seconds >= self.target_seconds


@dataclass(frozen=True, slots=True)
class Done:
    """Focus and deep-work seconds so far: today's, and this week's before today."""

    today_focus: float
    today_deep_work: float
    earlier_this_week_focus: float = 0.0
    earlier_this_week_deep_work: float = 0.0


def goal_progress(targets: GoalTargets, done: Done) -> tuple[GoalProgress, ...]:
    """Progress toward each goal that is set, daily before weekly, focus before deep work."""
    week_focus = done.earlier_this_week_focus + done.today_focus
    week_deep = done.earlier_this_week_deep_work + done.today_deep_work
    candidates: tuple[tuple[GoalKind, float, float], ...] = (
        ("dailyFocus", targets.daily_focus, done.today_focus),
        ("weeklyFocus", targets.weekly_focus, week_focus),
        ("dailyDeepWork", targets.daily_deep_work, done.today_deep_work),
        ("weeklyDeepWork", targets.weekly_deep_work, week_deep),
    )
    return tuple(
        GoalProgress(kind, target, done) for kind, target, done in candidates if target > 0
    )


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def focus_in(timeline: Timeline, lo: float, hi: float) -> float:
    """Focus seconds in [lo, hi)."""
    return focus_between(timeline.segments, lo, hi)


def deep_work_in(timeline: Timeline, lo: float, hi: float) -> float:
    """Focus seconds in [lo, hi) that belong to deep-work blocks."""
    return sum(
        focus_between(timeline.segments, max(block.start, lo), min(block.end, hi))
        for block in timeline.deep_work
        if block.end > lo and block.start < hi
    )
