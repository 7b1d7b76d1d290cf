"""Low focus (deep work under ``insights.lowFocusShare`` (0.5) of the person's usual for the same
days and hours) and fragmented days (median session under ``insights.fragmentedSessionMinutes``,
20). The period is Monday 2026-01-05 (a working day) unless said otherwise."""

from __future__ import annotations

from devfocus.insights.detectors.focus import fragmented_days, low_focus
from devfocus.insights.detectors.inputs import InsightRules
from tests.unit.detectorfacts import at, baseline, facts, period, report, session

RULES = InsightRules()
DAY = period(0)


def usual_deep(hours_a_day: float, *, start_hour: float = 9.0) -> object:
    """4 weeks whose working days each had ``hours_a_day`` of deep work from ``start_hour``;
    days off had none."""
    blocks = []
    for d in range(-28, 0):
        if (d % 7) < 5:  # Monday 2026-01-05 is day 0: d % 7 is the weekday
            start = at(d, start_hour)
            blocks.append((start, start + hours_a_day * 3600, hours_a_day * 3600))
    sessions = [(a, b, b - a) for a, b, _ in blocks]
    return baseline(sessions, blocks)


def low(deep_seconds: float, base: object, span: object = DAY) -> list:
    start = at(0, 9)
    work = session(start, start + max(deep_seconds, 60))
    deep = [(start, start + deep_seconds)] if deep_seconds else []
    return low_focus(facts(report(span, [work], deep=deep), base), RULES)  # type: ignore[arg-type]


def test_deep_work_at_and_around_half_the_usual() -> None:
    base = usual_deep(2.0)  # 7200 s expected on a working day; the bar is 3600 s
    [insight] = low(3599, base)
    assert insight.kind == "low-focus"
    assert insight.evidence.numbers == {
        "deepWorkSeconds": 3599,
        "baselineSeconds": 7200,
        "share": 0.5,
        "threshold": 0.5,
    }
    assert insight.severity == "information"
    assert low(3600, base) == []
    assert low(3601, base) == []


def test_a_lower_baseline_expects_less() -> None:
    base = usual_deep(1.0)  # 3600 s expected: the bar is 1800 s
    assert low(1800, base) == []
    assert len(low(1799, base)) == 1


def test_a_higher_baseline_expects_more() -> None:
    base = usual_deep(4.0)
    assert len(low(7199, base)) == 1
    assert low(7200, base) == []


def test_no_deep_work_at_all_is_a_warning() -> None:
    [insight] = low(0, usual_deep(2.0))
    assert insight.severity == "warning"


def test_nothing_expected_nothing_found() -> None:
    assert low(0, usual_deep(0.4)) == []  # 24 min a day: too little to expect any
    assert low(0, baseline()) == []  # four empty weeks


def test_a_day_off_expects_what_days_off_had() -> None:
    saturday = period(5)
    assert low(0, usual_deep(2.0), saturday) == []


def test_a_day_not_over_expects_only_the_hours_gone() -> None:
    # Usual deep work 14:00–16:00; at noon none of it is due yet.
    base = usual_deep(2.0, start_hour=14)
    morning = period(0, end=at(0, 12))
    assert low(0, base, morning) == []
    afternoon = period(0, end=at(0, 15))  # one of the two hours is due: the bar is 1800 s
    assert len(low(1799, base, afternoon)) == 1
    assert low(1800, base, afternoon) == []


def fragmented(minutes: list[float], rules: InsightRules = RULES) -> list:
    sessions = []
    start = at(0, 8)
    for m in minutes:
        sessions.append(session(start, start + m * 60))
        start += m * 60 + 30 * 60
    return fragmented_days(facts(report(DAY, sessions)), rules)


def test_median_session_at_and_around_the_threshold() -> None:
    [insight] = fragmented([19, 19, 19])
    assert insight.kind == "fragmented-day"
    assert insight.id == "fragmented-day:2026-01-05"
    assert insight.evidence.numbers["medianSessionSeconds"] == 19 * 60
    assert insight.evidence.numbers["sessions"] == 3
    assert len(insight.evidence.sessions) == 3
    assert fragmented([20, 20, 20]) == []
    assert fragmented([21, 21, 21]) == []


def test_the_median_not_the_mean() -> None:
    assert len(fragmented([5, 10, 19, 120])) == 1  # median 14.5 min, mean 38.5 min
    assert fragmented([5, 25, 120]) == []  # median 25 min


def test_one_or_two_sessions_are_a_short_day_not_a_fragmented_one() -> None:
    assert fragmented([5, 5]) == []


def test_the_minutes_are_a_setting() -> None:
    assert fragmented([19, 19, 19], InsightRules(fragmented_session_minutes=15)) == []
