"""Peak focus hours: the best two consecutive hours of deep work (over the period and the 4
weeks before it), and the weekday with the most; the hour × weekday matrix behind it."""

from __future__ import annotations

from devfocus.insights.detectors.inputs import InsightRules
from devfocus.insights.detectors.peak import deep_work_matrix, peak_hours
from tests.unit.detectorfacts import at, baseline, facts, period, report, session

WEEK = period(0, 7)


def deep_on(days: list[int], start: float, hours: float) -> object:
    blocks = [(at(d, start), at(d, start) + hours * 3600, hours * 3600) for d in days]
    return baseline([(a, b, s) for a, b, s in blocks], blocks)


def test_the_matrix_is_weekday_by_hour() -> None:
    base = deep_on([-27, -20], 9.5, 1.0)  # two Tuesdays, 09:30–10:30
    matrix = deep_work_matrix(base.days)  # type: ignore[attr-defined]
    assert len(matrix) == 7 and all(len(row) == 24 for row in matrix)
    assert matrix[1][9] == 3600.0 and matrix[1][10] == 3600.0
    assert sum(map(sum, matrix)) == 7200.0


def test_peak_hours_and_weekday() -> None:
    # Tuesdays 09:00–11:00 four times (8 h) and one Friday 14:00–15:00.
    base = deep_on([-27, -20, -13, -6], 9, 2.0)
    of = report(WEEK, [session(at(4, 14), at(4, 15))], deep=[(at(4, 14), at(4, 15))])
    [insight] = peak_hours(facts(of, base), InsightRules())  # type: ignore[arg-type]
    assert insight.kind == "peak-hours" and insight.severity == "hint"
    assert insight.evidence.numbers == {
        "peakStartHour": 9,
        "peakEndHour": 11,
        "peakShare": round(8 / 9, 3),
        "deepWorkSeconds": 9 * 3600,
        "peakWeekday": 1,
    }
    assert "from 09:00 to 11:00" in insight.message and "Tuesdays" in insight.message


def test_too_little_deep_work_shows_no_pattern() -> None:
    base = deep_on([-27], 9, 1.99)
    assert peak_hours(facts(report(WEEK), base), InsightRules()) == []  # type: ignore[arg-type]
    base = deep_on([-27], 9, 2.0)
    assert len(peak_hours(facts(report(WEEK), base), InsightRules())) == 1  # type: ignore[arg-type]
