"""What every detector is given: the period's facts, the person's baseline and the rules (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

from devfocus.insights.baseline import Baseline, DayFigures
from devfocus.insights.focusreport import Report
from devfocus.insights.insight import Insight

DEFAULT_WORK_WEEK = (0, 1, 2, 3, 4)  # Monday to Friday, as date.weekday() numbers them


@dataclass(frozen=True)
class InsightRules:
    """The thresholds, from the ``insights`` and ``reports`` settings (made in the app layer)."""

    switches_per_hour: float = 6.0
    low_focus_share: float = 0.5
    fragmented_session_minutes: float = 20.0
    long_stretch_minutes: float = 90.0
    late_hour: float = 22.0
    work_week: tuple[int, ...] = DEFAULT_WORK_WEEK
    hotspot_commits: float = 3.0


@dataclass(frozen=True)
class DebtSnapshot:
    """Undocumented public definitions of a project on one day (docstring debt)."""

    at: float
    project: str  # root, a POSIX path
    undocumented: int
    definitions: int


@dataclass(frozen=True)
class PeriodFacts:
    """A period as the detectors see it."""

    report: Report
    days: Sequence[DayFigures]  # one per day of the period
    baseline: Baseline
    # Continuous activity (no pause of 5 minutes or more) inside the period: (start, end).
    stretches: Sequence[tuple[float, float]] = ()
    debt: Sequence[DebtSnapshot] = ()  # docstring debt, oldest first
    tz: tzinfo | None = field(default=None)

    @property
    def start(self) -> float:
        return self.report.period.start

    @property
    def end(self) -> float:
        return self.report.period.end

    def period_id(self) -> str:
        """The period in an insight's id: its first and last day."""
        days = self.report.period.days
        return f"{days[0].isoformat()}/{days[-1].isoformat()}"


Detector = Callable[[PeriodFacts, InsightRules], list[Insight]]


def hours(seconds: float) -> str:
    """``2 h 05 min``, ``2 h``, ``40 min``: durations in messages."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d} min" if rest else f"{whole} h"
