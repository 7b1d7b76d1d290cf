"""Goals: progress toward daily and weekly focus and deep-work targets, worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from devfocus.activity.goals import (
    Done,
    GoalTargets,
    deep_work_in,
    focus_in,
    goal_progress,
    week_start,
)
from devfocus.activity.timeline import build_timeline
from tests.unit.timeline import BETA, DEEP, IDLE, edit, t

HOUR = 3600.0


def test_no_goal_set_gives_no_progress() -> None:
    assert goal_progress(GoalTargets(), Done(5 * HOUR, 2 * HOUR)) == ()


def test_only_the_goals_that_are_set_are_measured_in_a_fixed_order() -> None:
    targets = GoalTargets(weekly_deep_work=10 * HOUR, daily_focus=4 * HOUR)
    progress = goal_progress(targets, Done(HOUR, 0.5 * HOUR, 3 * HOUR, 2 * HOUR))
    assert [(g.kind, g.target_seconds, g.done_seconds) for g in progress] == [
        ("dailyFocus", 4 * HOUR, HOUR),
        ("weeklyDeepWork", 10 * HOUR, 2.5 * HOUR),  # earlier this week plus today
    ]
    assert [g.share for g in progress] == [0.25, 0.25]


@pytest.mark.parametrize(
    ("done", "met", "share"),
    [(0.0, False, 0.0), (7199.0, False, 7199 / 7200), (7200.0, True, 1.0), (9000.0, True, 1.25)],
)
def test_a_goal_is_met_at_its_target_exactly_and_may_be_passed(
    done: float, met: bool, share: float
) -> None:
    (goal,) = goal_progress(GoalTargets(daily_deep_work=2 * HOUR), Done(10 * HOUR, done))
    assert goal.kind == "dailyDeepWork"
    assert goal.met is met
    assert goal.share == share


def test_weekly_focus_adds_today_to_the_days_before_it() -> None:
    (goal,) = goal_progress(GoalTargets(weekly_focus=20 * HOUR), Done(2 * HOUR, 0, 8 * HOUR, 0))
    assert goal.done_seconds == 10 * HOUR and goal.share == 0.5


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 1, 5), date(2026, 1, 5)),  # a Monday is its own week's start
        (date(2026, 1, 11), date(2026, 1, 5)),  # Sunday: still that week
        (date(2026, 1, 12), date(2026, 1, 12)),
        (date(2026, 3, 1), date(2026, 2, 23)),  # across a month
        (date(2027, 1, 1), date(2026, 12, 28)),  # across a year
    ],
)
def test_weeks_run_monday_to_sunday(day: date, monday: date) -> None:
    assert week_start(day) == monday


def test_focus_and_deep_work_in_a_range_cut_at_its_bounds() -> None:
    # 09:00-09:40 in alpha (deep work from the start: 40 minutes), 09:40-09:50 in beta (too short).
    timeline = build_timeline(
        [edit(0, 40), edit(40, 50, context=BETA)], idle_timeout=IDLE, deep_work=DEEP
    )
    assert focus_in(timeline, t(10), t(45)) == 35 * 60
    assert deep_work_in(timeline, t(10), t(45)) == 30 * 60  # 09:10-09:40 of the alpha block
    assert deep_work_in(timeline, t(40), t(60)) == 0.0
    assert focus_in(timeline, t(60), t(90)) == 0.0
