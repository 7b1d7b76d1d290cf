"""The person's own baseline: what their previous 4 weeks looked like, day by day (pure).

Detectors compare a period with the same person's habits, not with a fixed norm: switches per
focused hour, deep work on a working day, median session length, late-night and weekend work,
commit-message scores. The figures of a day (:class:`DayFigures`) are made the same way for the
period and for the weeks before it, from sessions, deep-work blocks and switches; the
:class:`Baseline` sums the days before the period.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from statistics import median

from devfocus.timeutil import day_bounds, local_date, overlap

BASELINE_DAYS = 28  # the previous 4 weeks
EARLY_HOUR = 5  # work between midnight and this hour is the night before's late work
WORKED_SECONDS = 15 * 60  # a day with less focus than this was not worked
Span = tuple[float, float, float]  # (start, end, focus seconds) of a session or deep-work block


@dataclass(frozen=True)
class DayFigures:
    """One local day: its focus, deep work, switches and sessions, hour by hour where it
    matters (late work, peak hours)."""

    day: date
    work_day: bool  # in the work week (reports.workWeek)
    focus_seconds: float
    deep_work_seconds: float
    switches: int
    session_seconds: tuple[float, ...]  # focus of each session that started this day
    focus_by_hour: tuple[float, ...]  # 24 local hours
    deep_by_hour: tuple[float, ...]

    def late_seconds(self, late_hour: float, next_day: DayFigures | None = None) -> float:
        """Focus from ``late_hour`` to midnight, and from the next midnight to
        :data:`EARLY_HOUR` (``next_day``'s early hours, when known)."""
        whole = int(late_hour)
        late = sum(self.focus_by_hour[whole + 1 :]) if whole < 24 else 0.0
        if whole < 24:
            late += self.focus_by_hour[whole] * (1 - (late_hour - whole))
        if next_day is not None:
            late += sum(next_day.focus_by_hour[:EARLY_HOUR])
        return late

    @property
    def worked(self) -> bool:
        return self.focus_seconds >= WORKED_SECONDS


def day_figures(
    days: Sequence[date],
    sessions: Iterable[Span],
    deep_work: Iterable[Span],
    switch_times: Iterable[float],
    *,
    work_week: Sequence[int],
    tz: tzinfo | None = None,
) -> list[DayFigures]:
    """The figures of each of ``days`` (consecutive local days). A session's or block's focus
    is spread over the hours it spans in proportion to their overlap."""
    if not days:
        return []
    sessions = list(sessions)
    hours = _hour_starts(days[0], len(days), tz)  # len(days) * 24 + 1 boundaries
    focus = _by_hour(sessions, hours)
    deep = _by_hour(deep_work, hours)
    day_starts = [day_bounds(d, tz)[0] for d in days]
    ends = [*day_starts[1:], day_bounds(days[-1], tz)[1]]
    switches = [0] * len(days)
    for at in switch_times:
        i = _day_index(at, day_starts, ends)
        if i is not None:
            switches[i] += 1
    lengths: list[list[float]] = [[] for _ in days]
    for start, _end, seconds in sessions:
        i = _day_index(start, day_starts, ends)
        if i is not None and seconds > 0:
            lengths[i].append(seconds)
    workdays = set(work_week)
    out = []
    for i, day in enumerate(days):
        f, d = focus[i * 24 : i * 24 + 24], deep[i * 24 : i * 24 + 24]
        out.append(
            DayFigures(
                day,
                day.weekday() in workdays,
                sum(f),
                sum(d),
                switches[i],
                tuple(lengths[i]),
                tuple(f),
                tuple(d),
            )
        )
    return out


def _day_index(t: float, starts: Sequence[float], ends: Sequence[float]) -> int | None:
    i = bisect_right(starts, t) - 1
    return i if i >= 0 and t < ends[i] else None


def _hour_starts(first: date, count: int, tz: tzinfo | None) -> list[float]:
    """The start of each local hour of ``count`` days from ``first``, and the end of the last.
    A day changing to or from summer time keeps 24 slots: its missing hour is empty, its
    repeated hour falls into the hour before."""
    out = []
    for i in range(count):
        day = first + timedelta(days=i)
        lo, hi = day_bounds(day, tz)
        for h in range(24):
            at = datetime(day.year, day.month, day.day, h, tzinfo=tz).timestamp()
            out.append(min(max(at, lo), hi))
    out.append(day_bounds(first + timedelta(days=count - 1), tz)[1])
    return out


def _by_hour(spans: Iterable[Span], hours: Sequence[float]) -> list[float]:
    slots = [0.0] * (len(hours) - 1)
    for start, end, seconds in spans:
        if seconds <= 0 or end <= hours[0] or start >= hours[-1]:
            continue
        length = end - start
        if length <= 0:
            i = bisect_right(hours, start) - 1
            if 0 <= i < len(slots):
                slots[i] += seconds
            continue
        i = max(0, bisect_right(hours, start) - 1)
        while i < len(slots) and hours[i] < end:
            part = overlap(start, end, hours[i], hours[i + 1])
            if part > 0:
                slots[i] += seconds * part / length
            i += 1
    return slots


@dataclass(frozen=True)
class Baseline:
    """The 4 weeks before a period, summed; empty when nothing was recorded in them."""

    start: float
    end: float
    days: tuple[DayFigures, ...] = ()
    commit_score: float | None = None  # mean message score of the commits scored
    commits: int = 0  # how many were scored
    late_hour: float = 22.0
    # The late focus of each day (from late_hour to 05:00 the next morning), in order.
    per_day_late: tuple[float, ...] = field(default=(), repr=False)

    @property
    def focus_seconds(self) -> float:
        return sum(d.focus_seconds for d in self.days)

    @property
    def worked_days(self) -> int:
        return sum(1 for d in self.days if d.worked)

    @property
    def switches_per_hour(self) -> float | None:
        hours = self.focus_seconds / 3600
        return sum(d.switches for d in self.days) / hours if hours >= 1 else None

    @property
    def median_session_seconds(self) -> float | None:
        lengths = [s for d in self.days for s in d.session_seconds]
        return median(lengths) if lengths else None

    def deep_work_for(self, work_day: bool, before_hour: float = 24.0) -> float | None:
        """Mean deep work on one day of this kind (working day or not), counting only the
        hours before ``before_hour`` (a day not over yet); None without such days."""
        kind = [d for d in self.days if d.work_day == work_day]
        if not kind:
            return None
        whole = int(before_hour)
        part = before_hour - whole
        total = 0.0
        for d in kind:
            total += sum(d.deep_by_hour[:whole])
            if whole < 24:
                total += d.deep_by_hour[whole] * part
        return total / len(kind)

    def late_per_day(self) -> float:
        """Mean late-night focus per day."""
        return sum(self.per_day_late) / len(self.per_day_late) if self.per_day_late else 0.0

    def off_day_seconds(self) -> float | None:
        """Mean focus on a day outside the work week; None when the 4 weeks had none."""
        off = [d.focus_seconds for d in self.days if not d.work_day]
        return sum(off) / len(off) if off else None


def baseline_of(
    days: Sequence[DayFigures],
    start: float,
    end: float,
    *,
    late_hour: float,
    scores: Sequence[float] = (),
) -> Baseline:
    """The baseline of ``days`` (the figures of the days in [start, end)) and the message
    scores of the commits made then."""
    ordered = sorted(days, key=lambda d: d.day)
    late = tuple(
        d.late_seconds(late_hour, ordered[i + 1] if i + 1 < len(ordered) else None)
        for i, d in enumerate(ordered)
    )
    score = sum(scores) / len(scores) if scores else None
    return Baseline(start, end, tuple(ordered), score, len(scores), late_hour, late)


def baseline_days(period_first: date) -> list[date]:
    """The :data:`BASELINE_DAYS` local days before a period's first day."""
    return [period_first - timedelta(days=BASELINE_DAYS - i) for i in range(BASELINE_DAYS)]


def baseline_window(period_first: date, tz: tzinfo | None = None) -> tuple[float, float]:
    """[start, end) of the 4 weeks before the period's first day."""
    days = baseline_days(period_first)
    return day_bounds(days[0], tz)[0], day_bounds(period_first, tz)[0]


def weekday_numbers(names: Iterable[str]) -> tuple[int, ...]:
    """``("mon", "tue")`` → ``(0, 1)``; unknown names are skipped."""
    order = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return tuple(order.index(n) for n in names if n in order)


def today_hour(t: float, tz: tzinfo | None = None) -> tuple[date, float]:
    """The local day of ``t`` and the hour of that day it is (``13.5`` at 13:30)."""
    moment = datetime.fromtimestamp(t, tz)
    return local_date(t, tz), moment.hour + moment.minute / 60 + moment.second / 3600
