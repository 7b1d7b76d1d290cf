"""Late-night and weekend work, measured against the person's own habit: an insight only when
the period has more than 1.5 times their usual amount a day (late: after ``insights.lateHour``,
22:00, to 05:00; weekend: days outside ``reports.workWeek``)."""

from __future__ import annotations

from devfocus.insights.detectors.afterhours import late_nights, weekends
from devfocus.insights.detectors.inputs import InsightRules
from tests.unit.detectorfacts import at, baseline, facts, period, report, session

RULES = InsightRules()
TWO_DAYS = period(0, 2)  # Monday and Tuesday


def late_habit(seconds: float) -> object:
    """4 weeks with ``seconds`` of work from 23:00 every evening."""
    return baseline([(at(d, 23), at(d, 23) + seconds, seconds) for d in range(-28, 0)])


def nights(sessions: list, base: object, span: object = TWO_DAYS, rules=RULES) -> list:  # type: ignore[no-untyped-def]
    return late_nights(facts(report(span, sessions), base), rules)  # type: ignore[arg-type]


MONDAY_LATE = [session(at(0, 23), at(0, 23, 45))]  # 45 min: 22.5 min a day over the two days


def test_late_work_against_the_usual_amount() -> None:
    [insight] = nights(MONDAY_LATE, late_habit(899))  # 1.5 × 899 s = 1348.5 s < 1350 s
    assert insight.kind == "late-night"
    assert insight.evidence.numbers == {
        "lateDays": 1,
        "longestStreak": 1,
        "lateSecondsPerDay": 1350,
        "baselineSecondsPerDay": 899,
        "lateHour": 22.0,
    }
    assert insight.evidence.sessions == ((at(0, 23), at(0, 23, 45)),)
    assert insight.severity == "information"
    assert nights(MONDAY_LATE, late_habit(900)) == []  # 1.5 × 900 s = 1350 s: not more
    assert nights(MONDAY_LATE, late_habit(901)) == []


def test_a_night_is_at_least_half_an_hour() -> None:
    none_usual = baseline()
    assert nights([session(at(0, 23), at(0, 23, 29))], none_usual) == []
    assert len(nights([session(at(0, 23), at(0, 23, 30))], none_usual)) == 1


def test_no_habit_known_no_insight() -> None:
    empty = facts(report(TWO_DAYS, MONDAY_LATE))  # no weeks before
    assert late_nights(empty, RULES) == []


def test_after_midnight_is_the_night_before() -> None:
    [insight] = nights([session(at(1, 0), at(1, 0, 40))], baseline())
    assert insight.evidence.numbers["lateDays"] == 1
    assert insight.start == at(0, 0)  # Monday's night


def test_three_nights_in_a_row_are_a_warning() -> None:
    three = period(0, 3)
    late = [session(at(d, 22, 30), at(d, 23, 30)) for d in range(3)]
    [insight] = nights(late, baseline(), three)
    assert insight.evidence.numbers["longestStreak"] == 3
    assert insight.severity == "warning"


def test_the_late_hour_is_a_setting() -> None:
    evening = [session(at(0, 21), at(0, 22))]
    assert nights(evening, baseline()) == []
    assert len(nights(evening, baseline(), rules=InsightRules(late_hour=21))) == 1


WEEK = period(0, 7)  # Monday to Sunday: Saturday is day 5


def weekend_habit(hours: float) -> object:
    """4 weeks whose Saturdays had ``hours`` of work (the mean over 8 days off: half that)."""
    return baseline(
        [(at(d, 10), at(d, 10) + hours * 3600, hours * 3600) for d in (-2, -9, -16, -23)]
    )


def saturday(seconds: float, base: object, rules: InsightRules = RULES) -> list:
    work = [session(at(0, 9), at(0, 17)), session(at(5, 10), at(5, 10) + seconds)]
    return weekends(facts(report(WEEK, work), base, rules=rules), rules)  # type: ignore[arg-type]


def test_weekend_work_against_the_usual_amount() -> None:
    base = weekend_habit(2.0)  # 1 h a day off
    assert saturday(3 * 3600, base) == []  # 1.5 h a day off: 1.5 times the usual, not more
    [insight] = saturday(3 * 3600 + 60, base)
    assert insight.kind == "weekend"
    assert insight.evidence.numbers == {
        "daysOffWorked": 1,
        "daysOff": 2,
        "secondsPerDayOff": 5430,
        "baselineSecondsPerDayOff": 3600,
    }
    assert insight.evidence.sessions == ((at(5, 10), at(5, 13, 1)),)


def test_a_lower_or_higher_habit_moves_the_bar() -> None:
    assert len(saturday(3600, weekend_habit(0.0))) == 1  # no weekend work before
    assert saturday(3600 * 5, weekend_habit(4.0)) == []  # 2.5 h a day ≤ 1.5 × 2 h


def test_less_than_an_hour_on_a_day_off_is_not_working_it() -> None:
    assert saturday(59 * 60, weekend_habit(0.0)) == []


def test_the_work_week_is_a_setting() -> None:
    # With Saturday a working day, only Sunday is off, and it was not worked.
    six_days = InsightRules(work_week=(0, 1, 2, 3, 4, 5))
    assert saturday(6 * 3600, weekend_habit(0.0), six_days) == []
