"""Trends: the commit-message score against the 4 weeks before (a change of 1 point or more,
with 5 scored commits on each side), and docstring debt growing by 5 or more undocumented public
definitions over the period."""

from __future__ import annotations

from devfocus.insights.detectors.inputs import DebtSnapshot, InsightRules
from devfocus.insights.detectors.trends import commit_trend, docstring_debt
from tests.unit.detectorfacts import at, baseline, commit, facts, period, report

WEEK = period(0, 7)
RULES = InsightRules()


def trend(scores: list[float], usual: list[float]) -> list:
    commits = [commit(at(i % 7, 10, i), s, f"{i:040x}") for i, s in enumerate(scores)]
    return commit_trend(facts(report(WEEK, commits=commits), baseline(scores=usual)), RULES)


def test_a_fall_of_one_point_or_more() -> None:
    [insight] = trend([6.0] * 5, [7.0] * 5)  # exactly one point down
    assert insight.kind == "commit-trend" and insight.severity == "information"
    assert insight.evidence.numbers["score"] == 6.0
    assert insight.evidence.numbers["baseline"] == 7.0
    assert insight.evidence.numbers["commits"] == 5
    assert len(insight.evidence.commits) == 5
    assert "down from 7.0" in insight.message
    assert trend([6.1] * 5, [7.0] * 5) == []  # 0.9 down


def test_a_rise_is_a_hint() -> None:
    [insight] = trend([8.0] * 5, [6.5] * 5)
    assert insight.severity == "hint" and "up from 6.5" in insight.message
    assert insight.evidence.commits == ()


def test_too_few_commits_on_either_side() -> None:
    assert trend([3.0] * 4, [8.0] * 5) == []
    assert trend([3.0] * 5, [8.0] * 4) == []


def debt(before: int, after: int) -> list:
    snaps = [
        DebtSnapshot(at(-1, 18), "/src/alpha", before, 100),
        DebtSnapshot(at(3, 18), "/src/alpha", before + 1, 100),
        DebtSnapshot(at(6, 18), "/src/alpha", after, 110),
    ]
    return docstring_debt(facts(report(WEEK), debt=snaps), RULES)


def test_docstring_debt_growing_by_five_or_more() -> None:
    assert debt(10, 14) == []
    [insight] = debt(10, 15)
    assert insight.kind == "docstring-debt"
    assert insight.evidence.numbers == {
        "undocumented": 15,
        "undocumentedBefore": 10,
        "definitions": 110,
        "growth": 5,
    }
    assert insight.evidence.files == ("/src/alpha",)
    assert "from 10 to 15" in insight.message and "alpha" in insight.message


def test_docstring_debt_shrinking_is_no_insight() -> None:
    assert debt(20, 12) == []
