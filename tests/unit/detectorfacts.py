"""Builders for the detector tests: a report of hand-written sessions, switches and deep work
over whole UTC days, and a baseline of hand-written days. Times are (day, hour, minute) in UTC
from Monday 2026-01-05."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from devfocus.activity.records import Activity, Context
from devfocus.activity.timeline import Switch
from devfocus.insights.baseline import Baseline, Span, baseline_of, day_figures
from devfocus.insights.commitfacts import CommitFact
from devfocus.insights.detection import period_facts
from devfocus.insights.detectors.inputs import DebtSnapshot, InsightRules, PeriodFacts
from devfocus.insights.focusreport import DeepWorkSummary, Report, SessionSummary
from devfocus.insights.periods import Period

UTC = timezone.utc
MONDAY = date(2026, 1, 5)
ALPHA = Context("/src/alpha", "main")
BETA = Context("/src/beta", "main")
RULES = InsightRules()


def at(day: int, hour: float, minute: float = 0.0) -> float:
    """Epoch seconds at ``hour:minute`` UTC, ``day`` days after Monday 2026-01-05."""
    midnight = datetime.combine(MONDAY + timedelta(days=day), datetime.min.time(), UTC)
    return midnight.timestamp() + hour * 3600 + minute * 60


def period(first: int, days: int = 1, end: float | None = None) -> Period:
    """``days`` whole UTC days from day ``first`` (ending at ``end`` when given)."""
    start = at(first, 0)
    whole = at(first + days, 0)
    dates = tuple(MONDAY + timedelta(days=first + i) for i in range(days))
    return Period("custom", start, whole if end is None else end, dates)


def session(
    start: float, end: float, focus: float | None = None, switches: int = 0
) -> SessionSummary:
    return SessionSummary(start, end, end - start if focus is None else focus, ("alpha",), switches)


def report(
    span: Period,
    sessions: Sequence[SessionSummary] = (),
    *,
    deep: Sequence[tuple[float, float]] = (),
    switches: int | Sequence[float] = 0,
    commits: Sequence[CommitFact] = (),
) -> Report:
    """A report of ``sessions`` (their focus is the report's), deep-work blocks ``deep`` (their
    whole span) and ``switches`` (times, or a count spread over the first session)."""
    if isinstance(switches, int):
        first = sessions[0] if sessions else session(span.start, span.start + 1)
        step = (first.end - first.start) / (switches + 1)
        times = [first.start + step * (i + 1) for i in range(switches)]
    else:
        times = list(switches)
    return Report(
        period=span,
        generated_at=span.end,
        project=None,
        focus_seconds=sum(s.focus_seconds for s in sessions),
        deep_work_seconds=sum(b - a for a, b in deep),
        lines_added=0,
        lines_removed=0,
        sessions=list(sessions),
        deep_work=[DeepWorkSummary(a, b, b - a, ALPHA) for a, b in deep],
        switches=[Switch(x, ALPHA, BETA, 0) for x in times],
        commits=list(commits),
    )


def baseline(
    sessions: Sequence[Span] = (),
    deep: Sequence[Span] = (),
    switches: Sequence[float] = (),
    *,
    first: int = -28,
    days: int = 28,
    scores: Sequence[float] = (),
    rules: InsightRules = RULES,
) -> Baseline:
    """The baseline of ``days`` days from day ``first`` (default: the 4 weeks before Monday
    2026-01-05) with these sessions, deep-work blocks and switch times."""
    dates = [MONDAY + timedelta(days=first + i) for i in range(days)]
    figures = day_figures(dates, sessions, deep, switches, work_week=rules.work_week, tz=UTC)
    return baseline_of(
        figures, at(first, 0), at(first + days, 0), late_hour=rules.late_hour, scores=scores
    )


def facts(
    of: Report,
    base: Baseline | None = None,
    *,
    activities: Sequence[Activity] = (),
    debt: Sequence[DebtSnapshot] = (),
    rules: InsightRules = RULES,
) -> PeriodFacts:
    empty = Baseline(at(-28, 0), at(0, 0))
    return period_facts(of, activities, base or empty, rules, tz=UTC, debt=debt)


def commit(when: float, score: float | None, sha: str = "a" * 40) -> CommitFact:
    return CommitFact(
        at=when,
        root="/src/alpha",
        branch="main",
        sha=sha,
        subject="Fix the cart total",
        author="dev@example.com",
        files=1,
        additions=1,
        deletions=0,
        merge=False,
        reachable=True,
        task=None,
        score=score,
    )
