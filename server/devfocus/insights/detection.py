"""The insight engine: every detector over one period, one ordered list (pure).

``find_insights`` runs the detectors of :data:`DETECTORS` on a period's facts and merges what
other finders produced (hotspots, bulk insertions: pass their insights in ``more``), sorted by
severity (warnings first), then time, with one insight per id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo

from devfocus.activity.records import Activity
from devfocus.insights.baseline import Baseline, day_figures
from devfocus.insights.detectors.afterhours import late_nights, weekends
from devfocus.insights.detectors.focus import fragmented_days, low_focus
from devfocus.insights.detectors.inputs import DebtSnapshot, Detector, InsightRules, PeriodFacts
from devfocus.insights.detectors.peak import peak_hours
from devfocus.insights.detectors.stretch import continuous_stretches, long_stretches
from devfocus.insights.detectors.switching import context_switching
from devfocus.insights.detectors.trends import commit_trend, docstring_debt
from devfocus.insights.focusreport import Report
from devfocus.insights.insight import Insight

DETECTORS: tuple[Detector, ...] = (
    context_switching,
    low_focus,
    fragmented_days,
    long_stretches,
    late_nights,
    weekends,
    peak_hours,
    commit_trend,
    docstring_debt,
)
SEVERITY_ORDER = {"warning": 0, "information": 1, "hint": 2}


def find_insights(
    facts: PeriodFacts,
    rules: InsightRules,
    *,
    more: Iterable[Iterable[Insight]] = (),
    detectors: Sequence[Detector] = DETECTORS,
) -> list[Insight]:
    """Every insight about the period of ``facts``: the detectors' and those in ``more``,
    warnings first, then by start time; the first of several with one id is kept."""
    found: list[Insight] = []
    for detect in detectors:
        found.extend(detect(facts, rules))
    for extra in more:
        found.extend(extra)
    return ordered(found)


def ordered(insights: Iterable[Insight]) -> list[Insight]:
    """By severity (warnings first), then start time and id; one insight per id."""
    unique: dict[str, Insight] = {}
    for insight in insights:
        unique.setdefault(insight.id, insight)
    return sorted(unique.values(), key=lambda i: (SEVERITY_ORDER.get(i.severity, 3), i.start, i.id))


def period_facts(
    report: Report,
    activities: Sequence[Activity],
    baseline: Baseline,
    rules: InsightRules,
    *,
    tz: tzinfo | None = None,
    debt: Sequence[DebtSnapshot] = (),
) -> PeriodFacts:
    """What the detectors look at: the report's period day by day, the stretches of continuous
    activity in it (from ``activities``, the report's own), the baseline and docstring debt."""
    period = report.period
    days = day_figures(
        period.days,
        [(s.start, s.end, s.focus_seconds) for s in report.sessions],
        [(d.start, d.end, d.focus_seconds) for d in report.deep_work],
        [s.at for s in report.switches],
        work_week=rules.work_week,
        tz=tz,
    )
    stretches = continuous_stretches(activities, period.start, period.end)
    return PeriodFacts(report, days, baseline, stretches, debt, tz)
