"""Work sessions from commit history alone, for time no editor watched (pure).

Commits of all repositories form one timeline (one developer). Commits at most ``gap`` seconds
apart belong to one session; the work before a session's first commit is unseen, so the session
starts ``credit`` seconds earlier, but never before the previous session ends. With
``gap == credit`` the total is the estimate of the ``git-hours`` tool (:func:`git_hours`).

:func:`history_activity` turns sessions into activity for the timeline sweep
(:func:`devfocus.activity.timeline.build_timeline`), which then finds sessions, context switches
and deep work in them as in editor activity:

* Time ending at a commit belongs to that commit's context (project, branch): a session with
  commits c1..cn gives spans [start, c1], [c1, c2], … in the contexts of c1, c2, …
* Time after a checkout belongs to the branch checked out, up to the next commit or checkout;
  time ending at a checkout is the context being left (the last commit's, or at the start of a
  session the first commit's). Each checkout inside a session is also an instant, so the sweep
  sees the switch even where no time is attributed.
* Editor activity is the authority where it exists: spans are clipped to the time outside the
  ``covered`` intervals, and checkouts inside them are not emitted (the editor saw the branch
  change) though they still decide the context of the history time around them. The sweep
  bridges pauses of up to its idle timeout, so a covered hole that short stays focus time in
  the history alone; together with the editor activity that covers it, it is counted once.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from devfocus.activity.records import Activity, Context, Kind

SOURCE = "git"  # the ``source`` of activity inferred from history


@dataclass(frozen=True, slots=True)
class CommitPoint:
    """One commit of the developer's, as history sessions need it."""

    at: float  # authored time, epoch seconds UTC
    project: str  # repository root, POSIX path
    branch: str | None  # the branch the commit was made on, if known
    sha: str

    @property
    def context(self) -> Context:
        return Context(self.project, self.branch)


@dataclass(frozen=True, slots=True)
class CommitSession:
    """A run of commits with no gap over the limit, and the credited time before the first."""

    start: float  # first commit minus the credit
    end: float  # last commit
    commits: tuple[CommitPoint, ...]

    @property
    def seconds(self) -> float:
        return self.end - self.start


def commit_sessions(
    points: Iterable[CommitPoint], *, gap: float, credit: float
) -> list[CommitSession]:
    """Sessions of ``points`` (any order, any projects), in time order. ``gap`` and ``credit``
    are seconds; a commit seen twice (two clones) counts once."""
    if gap < 0 or credit < 0:
        raise ValueError("gap and credit must not be negative")
    sessions: list[CommitSession] = []
    run: list[CommitPoint] = []
    previous_end = -math.inf
    for point in _unique(points):
        if run and point.at - run[-1].at > gap:
            sessions.append(_session(run, credit, previous_end))
            previous_end, run = run[-1].at, []
        run.append(point)
    if run:
        sessions.append(_session(run, credit, previous_end))
    return sessions


def _unique(points: Iterable[CommitPoint]) -> list[CommitPoint]:
    """Time order, one point per sha: the one with a known branch if any, for a fixed result."""
    ordered = sorted(
        points, key=lambda p: (p.at, p.branch is None, p.project, p.branch or "", p.sha)
    )
    seen: set[str] = set()
    unique: list[CommitPoint] = []
    for point in ordered:
        if point.sha not in seen:
            seen.add(point.sha)
            unique.append(point)
    return unique


def _session(run: list[CommitPoint], credit: float, previous_end: float) -> CommitSession:
    return CommitSession(max(run[0].at - credit, previous_end), run[-1].at, tuple(run))


def git_hours(
    times: Iterable[float], *, max_commit_diff: float = 7200, first_commit_addition: float = 7200
) -> float:
    """Seconds of work by the ``git-hours`` estimate: the commits' time differences below
    ``max_commit_diff``, and ``first_commit_addition`` for each other one and for the first
    commit.

    The tool itself (``estimateHours``) leaves out the first commit's addition, returns 0 below
    two commits and rounds to hours; here every session is credited alike and nothing is
    rounded, so that this equals the sessions' total.
    """
    ordered = sorted(times)
    if not ordered:
        return 0.0
    total = first_commit_addition
    for earlier, later in pairwise(ordered):
        diff = later - earlier
        total += diff if diff < max_commit_diff else first_commit_addition
    return total


# -- activity for the timeline sweep -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Mark:
    """A commit or a checkout inside a session: where history time changes hands."""

    at: float
    context: Context
    checkout: bool


def history_activity(
    sessions: Sequence[CommitSession],
    *,
    checkouts: Sequence[tuple[float, str, str | None]] = (),
    covered: Sequence[tuple[float, float]] = (),
) -> list[Activity]:
    """``Kind.COMMITS`` spans and ``Kind.CHECKOUT`` instants for ``sessions``, in time order.

    ``checkouts`` are (time, project, branch checked out); ``covered`` are intervals with
    editor activity, in any order, overlapping or not.
    """
    hole_starts, hole_ends = _union(covered)
    moves = sorted(set(checkouts), key=lambda c: (c[0], c[1], c[2] or ""))
    move_times = [m[0] for m in moves]
    out: list[Activity] = []
    for session in sessions:
        if not session.commits:
            continue
        # Checkouts from the session's start up to (not at) its last commit: one at the very
        # end changes nothing in this session.
        lo = bisect_left(move_times, session.start)
        hi = bisect_left(move_times, session.end, lo)
        marks = sorted(
            [_Mark(c.at, c.context, False) for c in session.commits]
            + [_Mark(at, Context(project, branch), True) for at, project, branch in moves[lo:hi]],
            key=lambda m: (m.at, m.checkout),  # a commit at a checkout's instant comes first
        )
        for start, end, context in _spans(session.start, marks):
            for a, b in _clip(start, end, hole_starts, hole_ends):
                out.append(Activity(a, b, Kind.COMMITS, context, source=SOURCE))
        for mark in marks:
            if mark.checkout and not _inside(mark.at, hole_starts, hole_ends):
                out.append(Activity(mark.at, mark.at, Kind.CHECKOUT, mark.context, source=SOURCE))
    out.sort(key=lambda a: (a.start, a.end, a.kind is Kind.COMMITS))
    return out


def _spans(start: float, marks: list[_Mark]) -> list[tuple[float, float, Context]]:
    """The session's time from ``start`` to its last mark, each piece with its context; pieces
    of no length dropped and neighbours in one context merged."""
    first_commit = next(m.context for m in marks if not m.checkout)
    spans: list[tuple[float, float, Context]] = []
    previous: _Mark | None = None
    last_commit: Context | None = None
    cursor = start
    for mark in marks:
        if previous is not None and previous.checkout:
            context = previous.context
        elif not mark.checkout:
            context = mark.context
        else:
            context = last_commit or first_commit
        if mark.at > cursor:
            if spans and spans[-1][2] == context and spans[-1][1] == cursor:
                spans[-1] = (spans[-1][0], mark.at, context)
            else:
                spans.append((cursor, mark.at, context))
        cursor = max(cursor, mark.at)
        previous = mark
        if not mark.checkout:
            last_commit = mark.context
    return spans


def _union(intervals: Sequence[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Sorted, disjoint starts and ends of the union of ``intervals`` (empty ones ignored)."""
    starts: list[float] = []
    ends: list[float] = []
    for lo, hi in sorted(i for i in intervals if i[1] > i[0]):
        if ends and lo <= ends[-1]:
            ends[-1] = max(ends[-1], hi)
        else:
            starts.append(lo)
            ends.append(hi)
    return starts, ends


def _clip(
    start: float, end: float, starts: list[float], ends: list[float]
) -> list[tuple[float, float]]:
    """The parts of [start, end] outside the holes."""
    pieces: list[tuple[float, float]] = []
    cursor = start
    i = bisect_right(ends, start)  # holes ending at or before the start do not matter
    while i < len(starts) and starts[i] < end:
        if starts[i] > cursor:
            pieces.append((cursor, starts[i]))
        cursor = max(cursor, ends[i])
        i += 1
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def _inside(t: float, starts: list[float], ends: list[float]) -> bool:
    i = bisect_right(starts, t) - 1
    return i >= 0 and t <= ends[i]
