"""What goes to a team database and what comes back: hourly aggregates of one member, and the
team's figures (only ever aggregates, and groups of at least the team's minimum size)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TOTALS, PROJECT, TASK = "", "project", "task"  # label kinds of an hour's rows
SHARE_LEVELS = ("totals", "totals+projects", "totals+tasks", "totals+projects+tasks")


def label_kinds(share: str) -> tuple[str, ...]:
    """The label kinds a share level sends: totals always, then projects and tasks as named."""
    parts = set(share.split("+"))
    return (TOTALS, *(kind for kind in (PROJECT, TASK) if f"{kind}s" in parts))


@dataclass(frozen=True, slots=True)
class HourRow:
    """One member's figures for one UTC hour: the totals (``label_kind`` ``""``), or the part of
    them spent on one project or task."""

    hour: float  # epoch seconds of the hour's start, UTC
    label_kind: str  # "" | "project" | "task"
    label: str  # "" for the totals
    focus_seconds: int
    deep_seconds: int
    switches: int
    sessions: int

    @property
    def key(self) -> tuple[float, str, str]:
        return (self.hour, self.label_kind, self.label)


@dataclass(frozen=True, slots=True)
class TeamDay:
    day: date  # UTC
    members: int
    focus_seconds: int
    deep_seconds: int
    switches: int
    sessions: int


@dataclass(frozen=True, slots=True)
class TeamLabelDay:
    day: date
    label_kind: str
    label: str
    members: int
    focus_seconds: int
    deep_seconds: int


@dataclass(frozen=True, slots=True)
class NamedDay:
    """A member who shares by name: their own totals of one day."""

    day: date
    name: str
    focus_seconds: int
    deep_seconds: int
    switches: int
    sessions: int


@dataclass(frozen=True, slots=True)
class MyPlace:
    """Where the reader stands in the team's distribution over a period (only they see it)."""

    my_focus_seconds: int
    my_deep_seconds: int
    members: int
    focus_p25: int
    focus_p50: int
    focus_p75: int
    deep_share_p50: float
    focus_rank_percent: float  # share of members with less focus than the reader, 0..100


@dataclass(frozen=True, slots=True)
class TeamHour:
    hour: float  # epoch seconds, UTC
    members: int
    focus_seconds: int
    deep_seconds: int
    switches: int


@dataclass(frozen=True)
class TeamFigures:
    """What a team database says about ``[start, end)``: every group already holds at least
    ``min_group_size`` members (the database hides the rest)."""

    start: float
    end: float
    min_group_size: int
    days: tuple[TeamDay, ...] = ()
    hours: tuple[TeamHour, ...] = ()
    labels: tuple[TeamLabelDay, ...] = ()
    named: tuple[NamedDay, ...] = ()
    place: MyPlace | None = None
