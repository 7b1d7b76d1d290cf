"""A long stretch without a break: editor activity with no pause of 5 minutes or more, for
longer than ``insights.longStretchMinutes`` (90)."""

from __future__ import annotations

from devfocus.activity.records import Activity, Kind
from devfocus.insights.detectors.inputs import InsightRules
from devfocus.insights.detectors.stretch import continuous_stretches, long_stretches
from tests.unit.detectorfacts import ALPHA, at, facts, period, report, session

DAY = period(0)


def edits(minutes: float, gap_seconds: float = 60.0, start: float = 0.0) -> list[Activity]:
    """Edits of one minute each from 09:00 + ``start`` minutes, ``gap_seconds`` apart, until
    ``minutes`` of activity have passed."""
    out = []
    t = at(0, 9, start)
    end = t + minutes * 60
    while t < end:
        out.append(Activity(t, min(t + 60, end), Kind.EDIT, ALPHA))
        t += 60 + gap_seconds
    return out


def test_a_gap_just_under_five_minutes_is_no_break() -> None:
    acts = [*edits(10, gap_seconds=0), *edits(10, gap_seconds=0, start=10 + 299 / 60)]
    end = at(0, 9, 20) + 299
    assert continuous_stretches(acts, DAY.start, DAY.end) == [(at(0, 9), end)]


def test_a_gap_of_five_minutes_is_a_break() -> None:
    acts = [*edits(10, gap_seconds=0), *edits(10, gap_seconds=0, start=15)]
    assert continuous_stretches(acts, DAY.start, DAY.end) == [
        (at(0, 9), at(0, 9, 10)),
        (at(0, 9, 15), at(0, 9, 25)),
    ]


def test_leaving_the_window_for_a_moment_is_no_break_but_commit_time_is_not_activity() -> None:
    acts = [
        *edits(10, gap_seconds=0),
        Activity(at(0, 9, 10), at(0, 9, 10), Kind.BLUR, ALPHA),
        *edits(10, gap_seconds=0, start=12),
        Activity(at(0, 9, 22), at(0, 12), Kind.COMMITS, ALPHA),
    ]
    assert continuous_stretches(acts, DAY.start, DAY.end) == [(at(0, 9), at(0, 9, 22))]


def found(minutes: float, rules: InsightRules | None = None) -> list:
    acts = edits(minutes, gap_seconds=0)
    of = report(DAY, [session(at(0, 9), at(0, 9, minutes))])
    return long_stretches(facts(of, activities=acts), rules or InsightRules())


def test_stretches_at_and_around_ninety_minutes() -> None:
    assert found(89) == []
    assert found(90) == []
    [insight] = found(91)
    assert insight.kind == "long-stretch"
    assert insight.id == "long-stretch:2026-01-05"
    assert insight.evidence.numbers == {"minutes": 91.0, "stretches": 1, "thresholdMinutes": 90.0}
    assert insight.evidence.sessions == ((at(0, 9), at(0, 10, 31)),)
    assert (insight.start, insight.end) == (at(0, 9), at(0, 10, 31))
    assert insight.severity == "information"
    assert "1 h 31 min without a break" in insight.message


def test_half_again_the_threshold_is_a_warning() -> None:
    [insight] = found(135)
    assert insight.severity == "warning"


def test_the_minutes_are_a_setting() -> None:
    assert found(91, InsightRules(long_stretch_minutes=120)) == []


def test_only_the_period_counts() -> None:
    acts = edits(200, gap_seconds=0, start=-120)  # from 07:00 to 10:20
    morning = period(0, end=at(0, 8))  # the period ends at 08:00: one hour of it
    assert continuous_stretches(acts, morning.start, morning.end) == [(at(0, 7), at(0, 8))]


def test_one_insight_a_day_with_every_long_stretch_as_evidence() -> None:
    acts = [*edits(100, gap_seconds=0), *edits(95, gap_seconds=0, start=110)]
    acts += [Activity(at(1, 9), at(1, 10, 40), Kind.EDIT, ALPHA)]  # Tuesday, 100 min
    two_days = period(0, 2)
    of = report(two_days, [session(at(0, 9), at(0, 12, 25))])
    monday, tuesday = long_stretches(facts(of, activities=acts), InsightRules())
    assert monday.evidence.numbers == {"minutes": 100.0, "stretches": 2, "thresholdMinutes": 90.0}
    assert monday.evidence.sessions == ((at(0, 9), at(0, 10, 40)), (at(0, 10, 50), at(0, 12, 25)))
    assert "(2 stretches over 1 h 30 min that day)" in monday.message
    assert tuesday.id == "long-stretch:2026-01-06"
