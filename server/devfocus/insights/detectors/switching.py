"""High context switching: more switches per focused hour than the threshold and than the
person's own baseline (pure)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from devfocus.insights.detectors.inputs import InsightRules, PeriodFacts
from devfocus.insights.insight import Evidence, Insight, Severity

MIN_FOCUS_HOURS = 1.0  # under an hour of focus, a rate says nothing
SESSIONS_SHOWN = 5  # the sessions with the most switches, as evidence


def context_switching(facts: PeriodFacts, rules: InsightRules) -> list[Insight]:
    report = facts.report
    focus_hours = report.focus_seconds / 3600
    if focus_hours < MIN_FOCUS_HOURS:
        return []
    switches = len(report.switches)
    rate = switches / focus_hours
    usual = facts.baseline.switches_per_hour
    if rate <= rules.switches_per_hour or (usual is not None and rate <= usual):
        return []
    times = sorted(sw.at for sw in report.switches)
    counted = [
        (bisect_right(times, s.end) - bisect_left(times, s.start), s) for s in report.sessions
    ]
    most = sorted(counted, key=lambda cs: (-cs[0], cs[1].start))[:SESSIONS_SHOWN]
    worst = sorted((s for n, s in most if n), key=lambda s: s.start)
    numbers = {
        "switchesPerHour": round(rate, 2),
        "switches": switches,
        "focusHours": round(focus_hours, 2),
        "threshold": rules.switches_per_hour,
    }
    if usual is not None:
        numbers["baseline"] = round(usual, 2)
        against = f"your usual {usual:.1f}"
    else:
        against = f"the threshold of {rules.switches_per_hour:g}"
    severity: Severity = (
        "warning" if rate >= 2 * max(rules.switches_per_hour, usual or 0.0) else "information"
    )
    return [
        Insight(
            id=f"context-switching:{facts.period_id()}",
            kind="context-switching",
            severity=severity,
            start=facts.start,
            end=facts.end,
            message=(
                f"You switched context {rate:.1f} times per focused hour, above {against}; "
                "batching small tasks or finishing one branch before the next may help."
            ),
            evidence=Evidence(numbers, tuple((s.start, s.end) for s in worst)),
        )
    ]
