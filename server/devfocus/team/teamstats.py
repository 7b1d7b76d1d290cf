"""Team analytics: what a team database's figures say about a period (pure).

From the :class:`~devfocus.team.figures.TeamFigures` of a period and those of the period of equal
length before it: the team's focus and deep work per UTC day, switches per focused hour, the
share of focus in deep work, the trends against the period before, focus by weekday and hour,
the project and task labels, the members who share by name, the reader's own place, and the
insights the figures support.

Conventions, each a choice made here:

- Days are UTC days, as the team database groups them. A day of the period the database left
  out is *hidden*: fewer than ``min_group_size`` members shared it (none at all included). It is
  shown as hidden, never as zero, and counts in no total.
- A member-day is one member sharing on one day: the sum of the days' member counts. Focus per
  member-day is what the trends compare, so a team that grew is not "more focused".
- Switches per focused hour are ``switches / (focus_seconds / 3600)``; none without focus.
- Trends: focus per member-day and switches per focused hour change in percent of the value
  before, the deep-work share in percentage points. A period before without any visible day
  (or without focus) gives no previous value and no change.
- Insights (short sentences, each from the figures):

  - switching up on a weekday: that weekday's switches per focused hour, over at least
    :data:`SWITCH_WEEKDAY_MIN_DAYS` visible days of it with focus, are at least
    :data:`SWITCH_WEEKDAY_FACTOR` times those of the other days of the period together (so a
    period needs at least eight days for it);
  - the deep-work share fell by at least :data:`DEEP_SHARE_DROP_POINTS` points;
  - focus per member-day changed by at least :data:`FOCUS_CHANGE_PERCENT` percent.

- Labels are summed over the period per kind (projects, then tasks); each kind's first
  :data:`TOP_LABELS` by focus are kept, with their share of the team's focus. Kinds overlap
  (an hour on a task is also on a project), so shares add up within a kind only.
- People who share by name are listed by name (alphabetically, not ranked).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from devfocus.team.figures import PROJECT, TASK, MyPlace, TeamDay, TeamFigures, TeamHour

__all__ = [
    "DEEP_SHARE_DROP_POINTS",
    "FOCUS_CHANGE_PERCENT",
    "SWITCH_WEEKDAY_FACTOR",
    "SWITCH_WEEKDAY_MIN_DAYS",
    "TOP_LABELS",
    "WEEKDAY_NAMES",
    "DayFigures",
    "HourMatrix",
    "LabelShare",
    "NamedRow",
    "TeamInsight",
    "TeamReport",
    "Totals",
    "Trend",
    "team_analytics",
]

SWITCH_WEEKDAY_FACTOR = 1.3  # a weekday's switch rate against the other days'
SWITCH_WEEKDAY_MIN_DAYS = 2  # visible days of that weekday in the period
DEEP_SHARE_DROP_POINTS = 10.0  # percentage points
FOCUS_CHANGE_PERCENT = 20.0  # focus per member-day, up or down
TOP_LABELS = 8  # labels kept per kind
EPSILON = 1e-9  # a figure exactly at a threshold passes it, whatever floating point makes of it
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LABEL_KINDS = (PROJECT, TASK)

HourMatrix = tuple[tuple[int, ...], ...]  # [weekday, Monday first][UTC hour]


def per_focused_hour(count: float, focus_seconds: float) -> float | None:
    """``count`` per hour of focus; None without focus."""
    return count / (focus_seconds / 3600) if focus_seconds > 0 else None


def share(part: float, whole: float) -> float | None:
    """``part`` of ``whole`` (0..1); None when ``whole`` is nothing."""
    return part / whole if whole > 0 else None


@dataclass(frozen=True, slots=True)
class DayFigures:
    """One UTC day of the period: its team totals, or hidden (fewer members than the minimum
    group size shared it; its figures are then zero and mean nothing)."""

    day: date
    hidden: bool
    members: int = 0
    focus_seconds: int = 0
    deep_seconds: int = 0
    switches: int = 0
    sessions: int = 0

    @property
    def deep_share(self) -> float | None:
        return None if self.hidden else share(self.deep_seconds, self.focus_seconds)

    @property
    def switches_per_focused_hour(self) -> float | None:
        return None if self.hidden else per_focused_hour(self.switches, self.focus_seconds)


@dataclass(frozen=True, slots=True)
class Totals:
    """The visible days of a period together."""

    focus_seconds: int
    deep_seconds: int
    switches: int
    sessions: int
    member_days: int  # the sum of the days' members
    members: int  # the most members on one day
    days: int  # visible days

    @property
    def deep_share(self) -> float | None:
        return share(self.deep_seconds, self.focus_seconds)

    @property
    def switches_per_focused_hour(self) -> float | None:
        return per_focused_hour(self.switches, self.focus_seconds)

    @property
    def focus_per_member_day(self) -> float | None:
        """Seconds of focus per member-day."""
        return self.focus_seconds / self.member_days if self.member_days > 0 else None


@dataclass(frozen=True, slots=True)
class Trend:
    """One figure against the period before: ``change`` in percent of ``previous`` (unit
    ``"percent"``) or in percentage points (unit ``"points"``; the values are then shares 0..1).
    ``previous`` and ``change`` are None when the period before has no data for it."""

    key: str  # "focusPerMemberDay" | "deepShare" | "switchesPerFocusedHour"
    label: str
    value: float | None
    previous: float | None
    change: float | None
    unit: str  # "percent" | "points"


@dataclass(frozen=True, slots=True)
class LabelShare:
    """A project or task label over the period (its visible days)."""

    kind: str  # "project" | "task"
    label: str
    focus_seconds: int
    deep_seconds: int
    days: int  # days on which the label was visible
    share: float | None  # of the team's focus in the period

    @property
    def deep_share(self) -> float | None:
        return share(self.deep_seconds, self.focus_seconds)


@dataclass(frozen=True, slots=True)
class NamedRow:
    """A member who shares by name, over the period."""

    name: str
    days: int  # days with a row
    focus_seconds: int
    deep_seconds: int
    switches: int
    sessions: int

    @property
    def deep_share(self) -> float | None:
        return share(self.deep_seconds, self.focus_seconds)

    @property
    def switches_per_focused_hour(self) -> float | None:
        return per_focused_hour(self.switches, self.focus_seconds)


@dataclass(frozen=True, slots=True)
class TeamInsight:
    key: str  # "switchWeekday" | "deepShareFell" | "focusPerMember"
    text: str


@dataclass(frozen=True)
class TeamReport:
    start: float
    end: float
    first_day: date  # UTC
    last_day: date  # UTC
    min_group_size: int
    days: tuple[DayFigures, ...]  # every UTC day of the period, hidden ones included
    totals: Totals
    previous: Totals | None  # None: the period before has no visible day
    trends: tuple[Trend, ...]
    focus_by_hour: HourMatrix  # seconds, from the visible hours
    deep_by_hour: HourMatrix
    switches_by_hour: HourMatrix
    labels: tuple[LabelShare, ...]  # projects first, then tasks; most focus first
    named: tuple[NamedRow, ...]  # by name
    place: MyPlace | None  # the reader's own, seen by them only
    insights: tuple[TeamInsight, ...]
    empty: bool  # nothing shared (or nothing visible) in the period

    @property
    def hidden_days(self) -> tuple[date, ...]:
        return tuple(d.day for d in self.days if d.hidden)


def utc_day(t: float) -> date:
    return datetime.fromtimestamp(t, timezone.utc).date()


def period_days(start: float, end: float) -> list[date]:
    """The UTC days [start, end) touches."""
    if end <= start:
        return [utc_day(start)]
    first, last = utc_day(start), utc_day(end - 1e-6)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def team_analytics(
    figures: TeamFigures, previous: TeamFigures | None = None, *, now: float | None = None
) -> TeamReport:
    """The team report of ``figures``, compared with ``previous`` (the period of equal length
    before it). With ``now``, days of the period that have not begun are left out."""
    calendar = period_days(figures.start, figures.end)
    if now is not None:
        started = [d for d in calendar if d <= utc_day(now)]
        calendar = started or calendar[:1]
    days = _days(calendar, figures.days)
    totals = _totals(figures.days, calendar)
    before = None
    # A weekday's habit needs more than one of it: a week's report reads the week before too.
    habit = list(days)
    if previous is not None and previous.days:
        earlier = period_days(previous.start, previous.end)
        before = _totals(previous.days, earlier)
        habit = [*_days(earlier, previous.days), *days]
    trends = _trends(totals, before)
    focus, deep, switches = _hours(figures.hours)
    empty = not (figures.days or figures.hours or figures.labels or figures.named) and (
        figures.place is None
    )
    return TeamReport(
        start=figures.start,
        end=figures.end,
        first_day=calendar[0],
        last_day=calendar[-1],
        min_group_size=figures.min_group_size,
        days=days,
        totals=totals,
        previous=before,
        trends=trends,
        focus_by_hour=focus,
        deep_by_hour=deep,
        switches_by_hour=switches,
        labels=_labels(figures, totals.focus_seconds),
        named=_named(figures),
        place=figures.place,
        insights=tuple(_insights(habit, trends)),
        empty=empty,
    )


def _days(calendar: Sequence[date], shared: Iterable[TeamDay]) -> tuple[DayFigures, ...]:
    by_day = {d.day: d for d in shared}
    out = []
    for day in calendar:
        d = by_day.get(day)
        if d is None:
            out.append(DayFigures(day, hidden=True))
        else:
            out.append(
                DayFigures(
                    day, False, d.members, d.focus_seconds, d.deep_seconds, d.switches, d.sessions
                )
            )
    return tuple(out)


def _totals(shared: Sequence[TeamDay], calendar: Sequence[date]) -> Totals:
    inside = set(calendar)
    chosen = [d for d in shared if d.day in inside]
    return Totals(
        focus_seconds=sum(d.focus_seconds for d in chosen),
        deep_seconds=sum(d.deep_seconds for d in chosen),
        switches=sum(d.switches for d in chosen),
        sessions=sum(d.sessions for d in chosen),
        member_days=sum(d.members for d in chosen),
        members=max((d.members for d in chosen), default=0),
        days=len(chosen),
    )


def _change(value: float | None, before: float | None, unit: str) -> float | None:
    if value is None or before is None:
        return None
    if unit == "points":
        return (value - before) * 100
    return (value - before) / before * 100 if before else None


def _trends(totals: Totals, before: Totals | None) -> tuple[Trend, ...]:
    compared: tuple[tuple[str, str, str, Callable[[Totals], float | None]], ...] = (
        ("focusPerMemberDay", "Focus per member-day", "percent", lambda t: t.focus_per_member_day),
        ("deepShare", "Deep-work share", "points", lambda t: t.deep_share),
        (
            "switchesPerFocusedHour",
            "Switches per focused hour",
            "percent",
            lambda t: t.switches_per_focused_hour,
        ),
    )
    out = []
    for key, label, unit, read in compared:
        value = read(totals)
        previous = read(before) if before is not None else None
        out.append(Trend(key, label, value, previous, _change(value, previous, unit), unit))
    return tuple(out)


def _hours(hours: Iterable[TeamHour]) -> tuple[HourMatrix, HourMatrix, HourMatrix]:
    focus = [[0] * 24 for _ in range(7)]
    deep = [[0] * 24 for _ in range(7)]
    switches = [[0] * 24 for _ in range(7)]
    for h in hours:
        moment = datetime.fromtimestamp(h.hour, timezone.utc)
        row, column = moment.weekday(), moment.hour
        focus[row][column] += h.focus_seconds
        deep[row][column] += h.deep_seconds
        switches[row][column] += h.switches
    return (
        tuple(map(tuple, focus)),
        tuple(map(tuple, deep)),
        tuple(map(tuple, switches)),
    )


def _labels(figures: TeamFigures, team_focus: int) -> tuple[LabelShare, ...]:
    inside = set(period_days(figures.start, figures.end))
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in figures.labels:
        if row.day not in inside:
            continue
        totals = sums[(row.label_kind, row.label)]
        totals[0] += row.focus_seconds
        totals[1] += row.deep_seconds
        totals[2] += 1
    out: list[LabelShare] = []
    kinds = [*LABEL_KINDS, *sorted({k for k, _ in sums} - set(LABEL_KINDS))]
    for kind in kinds:
        ranked = sorted(
            ((label, v) for (k, label), v in sums.items() if k == kind),
            key=lambda kv: (-kv[1][0], kv[0]),
        )
        out += [
            LabelShare(kind, label, focus, deep, days, share(focus, team_focus))
            for label, (focus, deep, days) in ranked[:TOP_LABELS]
        ]
    return tuple(out)


def _named(figures: TeamFigures) -> tuple[NamedRow, ...]:
    inside = set(period_days(figures.start, figures.end))
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in figures.named:
        if row.day not in inside:
            continue
        totals = sums[row.name]
        for i, value in enumerate(
            (1, row.focus_seconds, row.deep_seconds, row.switches, row.sessions)
        ):
            totals[i] += value
    return tuple(NamedRow(name, *sums[name]) for name in sorted(sums, key=str.casefold))


def _insights(days: Sequence[DayFigures], trends: Sequence[Trend]) -> list[TeamInsight]:
    """The team-level insights: a weekday whose switching stands out (over ``days``, the period
    and the one before it), and the trends that moved past their thresholds."""
    out = []
    if (weekday := switching_weekday(days)) is not None:
        name, rate, others = weekday
        out.append(
            TeamInsight(
                "switchWeekday",
                f"Switching is up across the team on {name}s: {rate:.1f} per focused hour "
                f"vs {others:.1f} on other days.",
            )
        )
    by_key = {t.key: t for t in trends}
    deep = by_key["deepShare"]
    if (
        deep.change is not None
        and deep.value is not None
        and deep.previous is not None
        and deep.change <= -DEEP_SHARE_DROP_POINTS + EPSILON
    ):
        out.append(
            TeamInsight(
                "deepShareFell",
                f"Deep work share fell from {deep.previous:.0%} to {deep.value:.0%}.",
            )
        )
    focus = by_key["focusPerMemberDay"]
    if focus.change is not None and abs(focus.change) >= FOCUS_CHANGE_PERCENT - EPSILON:
        way = "up" if focus.change > 0 else "down"
        out.append(
            TeamInsight(
                "focusPerMember",
                f"Focus per member is {way} {abs(focus.change):.0f}% on the period before.",
            )
        )
    return out


def switching_weekday(days: Sequence[DayFigures]) -> tuple[str, float, float] | None:
    """(weekday, its switches per focused hour, the other days') for the weekday whose rate is
    the highest against the others', when it passes the thresholds; else None."""
    visible = [d for d in days if not d.hidden and d.focus_seconds > 0]
    best: tuple[float, str, float, float] | None = None
    for weekday in range(7):
        these = [d for d in visible if d.day.weekday() == weekday]
        others = [d for d in visible if d.day.weekday() != weekday]
        if len(these) < SWITCH_WEEKDAY_MIN_DAYS or not others:
            continue
        rate = per_focused_hour(sum(d.switches for d in these), sum(d.focus_seconds for d in these))
        rest = per_focused_hour(
            sum(d.switches for d in others), sum(d.focus_seconds for d in others)
        )
        if rate is None or rest is None or rate <= 0:
            continue
        if rest > 0 and rate < SWITCH_WEEKDAY_FACTOR * rest - EPSILON:
            continue
        ratio = rate / rest if rest > 0 else float("inf")
        if best is None or ratio > best[0]:
            best = (ratio, WEEKDAY_NAMES[weekday], rate, rest)
    return None if best is None else best[1:]
