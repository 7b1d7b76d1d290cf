"""Issue analytics: what the imported issues say about a repository or a Jira site over a period
(pure).

For a window [start, end) and each local week in it (Monday first, in the report's time zone):
issues opened, issues closed and the open backlog at the week's end; how long issues closed in
the window took to close (median and 90th percentile), overall, by kind and by label; the weeks
whose new bugs spike; and likely duplicates among the open issues (:mod:`.duplicates`).

Conventions, each a choice made here:

- A week is counted inside the window only: the first and last weeks may be partial.
- The backlog at a week's end counts issues created before it and not closed by then. A week
  that is not over yet is read at ``now``. An issue closed with no close time known closes at
  its last update; an open issue that was closed once and reopened is open.
- The 90th percentile is the nearest-rank one: the smallest time that at least 90 % of the
  closed issues took (of 10 sorted times, the 9th).
- A spike (:func:`spikes`) is a week with at least :data:`SPIKE_MIN_BUGS` new bugs and at least
  :data:`SPIKE_FACTOR` times the mean of the :data:`SPIKE_TRAILING` whole weeks before it. Only
  weeks after the first issue on record count in that mean (a tracker's history starts
  somewhere), and a week with none before it is never a spike.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo

from devfocus.timeutil import local_date, midnight
from devfocus.trackers.duplicates import Duplicate, likely_duplicates
from devfocus.trackers.imported import TrackerIssue

__all__ = [
    "CloseTime",
    "Duplicate",
    "IssueReport",
    "IssueStats",
    "Spike",
    "WeekCounts",
    "issue_analytics",
    "percentile",
    "spikes",
]

SPIKE_MIN_BUGS = 3
SPIKE_FACTOR = 2.0
SPIKE_TRAILING = 4  # weeks
NO_KIND = "(no kind)"


@dataclass(frozen=True)
class WeekCounts:
    week: date  # the Monday
    opened: int
    closed: int
    backlog: int  # open at the week's end (at ``now`` for a week not over)
    bugs: int  # of ``opened``, those of kind "bug"


@dataclass(frozen=True)
class CloseTime:
    """How long the issues of a group (all, a kind, a label) took to close, in seconds."""

    label: str
    count: int
    median: float
    p90: float


@dataclass(frozen=True)
class Spike:
    week: date  # the Monday
    bugs: int
    trailing_mean: float  # new bugs per week over the weeks before
    trailing_weeks: int  # how many weeks that mean is of (1..SPIKE_TRAILING)


@dataclass(frozen=True)
class IssueStats:
    """The figures of one scope (a repository, a Jira site), or of all together (scope None)."""

    scope: str | None
    issues: int  # known issues, whatever their dates
    opened: int  # in the window
    closed: int  # in the window
    open_now: int
    weeks: tuple[WeekCounts, ...]
    close_time: CloseTime | None  # None: nothing closed in the window with a close time
    by_kind: tuple[CloseTime, ...]  # most closed first
    by_label: tuple[CloseTime, ...]
    spikes: tuple[Spike, ...]
    duplicates: tuple[Duplicate, ...]  # best first


@dataclass(frozen=True)
class IssueReport:
    start: float
    end: float
    generated_at: float
    scope: str | None  # the scope asked for, if any
    total: IssueStats  # every scope of the report together
    scopes: tuple[IssueStats, ...]  # one per scope when the issues span several, else empty
    tz: tzinfo | None = field(default=None, compare=False)  # of the weeks; for rendering times

    @property
    def empty(self) -> bool:
        return self.total.issues == 0

    @property
    def days(self) -> tuple[date, date]:
        """The first and last local days of the window."""
        return local_date(self.start, self.tz), local_date(max(self.start, self.end - 1), self.tz)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (not empty): the ⌈fraction·n⌉-th smallest."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered) - 1e-9))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _closed_at(issue: TrackerIssue) -> float | None:
    """When the issue closed, for counting: None while it is open."""
    if issue.state != "closed":
        return None
    return issue.closed if issue.closed is not None else issue.updated


def issue_analytics(
    issues: Sequence[TrackerIssue],
    *,
    start: float,
    end: float,
    tz: tzinfo | None,
    now: float,
    scope: str | None = None,
) -> IssueReport:
    """The analytics of ``issues`` over [start, end). ``scope`` restricts them to one
    repository or site; ``issues`` should hold every known issue of the scopes (those created
    before ``start`` make the backlog and the trailing mean of the spikes)."""
    chosen = [i for i in issues if scope is None or i.scope == scope]
    mondays = _mondays(start, end, tz)
    found = likely_duplicates([i for i in chosen if i.state == "open"])
    total = _stats(None, chosen, mondays, start, end, tz, now, found)
    per_scope: dict[str, list[TrackerIssue]] = defaultdict(list)
    for issue in chosen:
        per_scope[issue.scope].append(issue)
    scopes: tuple[IssueStats, ...] = ()
    if len(per_scope) > 1:
        scopes = tuple(
            _stats(
                name,
                per_scope[name],
                mondays,
                start,
                end,
                tz,
                now,
                [d for d in found if d.first.scope == name],
            )
            for name in sorted(per_scope)
        )
    return IssueReport(start, end, now, scope, total, scopes, tz)


def _mondays(start: float, end: float, tz: tzinfo | None) -> list[date]:
    if end <= start:
        return []
    first = _monday(local_date(start, tz))
    last = _monday(local_date(end - 1e-6, tz))
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def _stats(
    scope: str | None,
    issues: Sequence[TrackerIssue],
    mondays: Sequence[date],
    start: float,
    end: float,
    tz: tzinfo | None,
    now: float,
    duplicates: Sequence[Duplicate],
) -> IssueStats:
    weeks = []
    for monday in mondays:
        lo = max(start, midnight(monday, tz))
        hi = min(end, midnight(monday + timedelta(weeks=1), tz))
        weeks.append(_week(monday, issues, lo, hi, min(hi, now)))
    closed_times = _close_times(issues, start, end)
    return IssueStats(
        scope=scope,
        issues=len(issues),
        opened=sum(1 for i in issues if start <= i.created < end),
        closed=sum(1 for i in issues if (c := _closed_at(i)) is not None and start <= c < end),
        open_now=sum(1 for i in issues if i.state == "open"),
        weeks=tuple(weeks),
        close_time=_close_time("all", [s for _, s in closed_times]) if closed_times else None,
        by_kind=_grouped(((i.kind or NO_KIND,), s) for i, s in closed_times),
        by_label=_grouped((i.labels, s) for i, s in closed_times),
        spikes=spikes(issues, weeks, tz),
        duplicates=tuple(duplicates[:20]),
    )


def _week(
    monday: date, issues: Sequence[TrackerIssue], lo: float, hi: float, at: float
) -> WeekCounts:
    opened = closed = backlog = bugs = 0
    for issue in issues:
        closed_at = _closed_at(issue)
        if lo <= issue.created < hi:
            opened += 1
            bugs += issue.kind == "bug"
        if closed_at is not None and lo <= closed_at < hi:
            closed += 1
        if issue.created < at and (closed_at is None or closed_at >= at):
            backlog += 1
    return WeekCounts(monday, opened, closed, backlog, bugs)


def _close_times(
    issues: Iterable[TrackerIssue], start: float, end: float
) -> list[tuple[TrackerIssue, float]]:
    """The issues closed in the window with a close time, and how long each took."""
    return [
        (i, max(0.0, i.closed - i.created))
        for i in issues
        if i.state == "closed" and i.closed is not None and start <= i.closed < end
    ]


def _close_time(label: str, seconds: Sequence[float]) -> CloseTime:
    return CloseTime(label, len(seconds), median(seconds), percentile(seconds, 0.9))


def _grouped(pairs: Iterable[tuple[Iterable[str], float]]) -> tuple[CloseTime, ...]:
    groups: dict[str, list[float]] = defaultdict(list)
    for names, seconds in pairs:
        for name in dict.fromkeys(names):  # a label listed twice counts once
            groups[name].append(seconds)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return tuple(_close_time(name, seconds) for name, seconds in ranked)


def spikes(
    issues: Sequence[TrackerIssue], weeks: Sequence[WeekCounts], tz: tzinfo | None
) -> tuple[Spike, ...]:
    """The weeks of ``weeks`` whose new bugs spike (the rule is in the module's docstring). The
    trailing weeks are whole local weeks, counted from ``issues``, before the window too."""
    if not issues:
        return ()
    history_starts = _monday(local_date(min(i.created for i in issues), tz))
    bugs_per_week: dict[date, int] = defaultdict(int)
    for issue in issues:
        if issue.kind == "bug":
            bugs_per_week[_monday(local_date(issue.created, tz))] += 1
    out = []
    for week in weeks:
        before = [
            week.week - timedelta(weeks=n)
            for n in range(1, SPIKE_TRAILING + 1)
            if week.week - timedelta(weeks=n) >= history_starts
        ]
        if not before:
            continue
        mean = sum(bugs_per_week[monday] for monday in before) / len(before)
        if week.bugs >= SPIKE_MIN_BUGS and week.bugs >= SPIKE_FACTOR * mean:
            out.append(Spike(week.week, week.bugs, mean, len(before)))
    return tuple(out)
