"""High context switching: switches per focused hour above ``insights.switchesPerHour`` (6) and
above the person's own baseline. The period: Monday 2026-01-05, one session 09:00–11:00 (two
focused hours), so N switches are N / 2 per hour."""

from __future__ import annotations

from devfocus.insights.detectors.inputs import InsightRules
from devfocus.insights.detectors.switching import context_switching
from tests.unit.detectorfacts import at, baseline, facts, period, report, session

DAY = period(0)
WORK = session(at(0, 9), at(0, 11))


def found(switches: int, base: object = None, rules: InsightRules | None = None) -> list:
    return context_switching(
        facts(report(DAY, [WORK], switches=switches), base), rules or InsightRules()
    )  # type: ignore[arg-type]


def usual(rate: float) -> object:
    """A baseline of 10 focused hours (one a day, 09:00–10:00, on 10 days) at ``rate``."""
    sessions = [(at(-d, 9), at(-d, 10), 3600.0) for d in range(1, 11)]
    count = round(rate * 10)
    switches = [at(-1 - i % 10, 9, 1 + i // 10) for i in range(count)]
    return baseline(sessions, switches=switches)


def test_at_the_threshold_is_not_high() -> None:
    assert found(12) == []  # 6.0 per hour: not above 6


def test_just_below_the_threshold() -> None:
    assert found(11) == []  # 5.5


def test_just_above_the_threshold_without_a_baseline() -> None:
    [insight] = found(13)  # 6.5 per hour, and no weeks before to compare with
    assert insight.kind == "context-switching"
    assert insight.id == "context-switching:2026-01-05/2026-01-05"
    assert insight.evidence.numbers["switchesPerHour"] == 6.5
    assert insight.evidence.numbers["switches"] == 13
    assert insight.evidence.numbers["focusHours"] == 2.0
    assert "baseline" not in insight.evidence.numbers
    assert insight.evidence.sessions == ((at(0, 9), at(0, 11)),)
    assert insight.severity == "information"
    assert "6.5 times per focused hour" in insight.message


def test_above_the_threshold_but_not_above_a_higher_baseline() -> None:
    base = usual(7.0)
    assert base.switches_per_hour == 7.0  # type: ignore[attr-defined]
    assert found(13, base) == []  # 6.5 < 7.0
    assert found(14, base) == []  # 7.0: not above the usual


def test_above_both_the_threshold_and_a_higher_baseline() -> None:
    [insight] = found(15, usual(7.0))  # 7.5 > 7.0 > 6
    assert insight.evidence.numbers["baseline"] == 7.0
    assert "your usual 7.0" in insight.message


def test_a_lower_baseline_leaves_the_threshold_deciding() -> None:
    base = usual(2.0)
    assert found(12, base) == []
    [insight] = found(13, base)
    assert insight.evidence.numbers["baseline"] == 2.0


def test_twice_the_bar_is_a_warning() -> None:
    [insight] = found(24)  # 12 per hour: twice the threshold
    assert insight.severity == "warning"
    [insight] = found(23)
    assert insight.severity == "information"


def test_under_an_hour_of_focus_says_nothing() -> None:
    short = session(at(0, 9), at(0, 9, 50))
    assert context_switching(facts(report(DAY, [short], switches=30)), InsightRules()) == []


def test_the_threshold_is_a_setting() -> None:
    assert found(13, rules=InsightRules(switches_per_hour=8.0)) == []
    assert len(found(17, rules=InsightRules(switches_per_hour=8.0))) == 1
