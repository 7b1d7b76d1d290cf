"""Trends: commit-message scores against the weeks before, and docstring debt (undocumented
public definitions) growing over the period (pure)."""

from __future__ import annotations

from collections import defaultdict

from devfocus.insights.detectors.inputs import DebtSnapshot, InsightRules, PeriodFacts
from devfocus.insights.insight import Evidence, Insight, Severity

MIN_COMMITS = 5  # scored commits on each side before a change in the mean means something
SCORE_CHANGE = 1.0  # points out of 10
COMMITS_SHOWN = 5
DEBT_GROWTH = 5  # more undocumented public definitions than at the start of the period


def commit_trend(facts: PeriodFacts, rules: InsightRules) -> list[Insight]:
    baseline = facts.baseline
    scored = [c for c in facts.report.commits if c.score is not None]
    if len(scored) < MIN_COMMITS or baseline.commit_score is None:
        return []
    if baseline.commits < MIN_COMMITS:
        return []
    mean = sum(c.score for c in scored if c.score is not None) / len(scored)
    change = mean - baseline.commit_score
    if abs(change) < SCORE_CHANGE:
        return []
    numbers: dict[str, float] = {
        "score": round(mean, 2),
        "baseline": round(baseline.commit_score, 2),
        "commits": len(scored),
        "baselineCommits": baseline.commits,
    }
    for week in facts.report.coaching:
        numbers[f"week {week.week.isoformat()}"] = week.score
    if change < 0:
        lowest = sorted(scored, key=lambda c: (c.score or 0.0, c.at))[:COMMITS_SHOWN]
        message = (
            f"Your commit messages scored {mean:.1f}/10, down from {baseline.commit_score:.1f} "
            "over the 4 weeks before; a subject that says why, in the imperative, brings it back."
        )
        severity: Severity = "information"
    else:
        lowest = []
        message = (
            f"Your commit messages scored {mean:.1f}/10, up from {baseline.commit_score:.1f} "
            "over the 4 weeks before: keep writing them that way."
        )
        severity = "hint"
    return [
        Insight(
            id=f"commit-trend:{facts.period_id()}",
            kind="commit-trend",
            severity=severity,
            start=facts.start,
            end=facts.end,
            message=message,
            evidence=Evidence(numbers, commits=tuple(c.sha for c in lowest)),
        )
    ]


def docstring_debt(facts: PeriodFacts, rules: InsightRules) -> list[Insight]:
    by_project: dict[str, list[DebtSnapshot]] = defaultdict(list)
    for snap in sorted(facts.debt, key=lambda s: s.at):
        if snap.at < facts.end:
            by_project[snap.project].append(snap)
    out = []
    for project, snaps in sorted(by_project.items()):
        before = [s for s in snaps if s.at <= facts.start]
        inside = [s for s in snaps if facts.start < s.at]
        if not inside:
            continue
        first = before[-1] if before else inside[0]
        last = inside[-1]
        growth = last.undocumented - first.undocumented
        if growth < DEBT_GROWTH:
            continue
        name = project.rstrip("/").rpartition("/")[2] or project
        out.append(
            Insight(
                id=f"docstring-debt:{project}:{facts.period_id()}",
                kind="docstring-debt",
                severity="information",
                start=max(first.at, facts.start),
                end=last.at,
                message=(
                    f"Undocumented public definitions in {name} grew from {first.undocumented} "
                    f"to {last.undocumented}; `devfocus docs fix` writes the missing docstrings."
                ),
                evidence=Evidence(
                    {
                        "undocumented": last.undocumented,
                        "undocumentedBefore": first.undocumented,
                        "definitions": last.definitions,
                        "growth": growth,
                    },
                    files=(project,),
                ),
            )
        )
    return out
