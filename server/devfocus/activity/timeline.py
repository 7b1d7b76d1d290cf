"""From activity to focus time: sessions, context switches and deep-work blocks.

The algorithm is one sweep over all activity of all editor windows, in time order:

* Each activity makes the developer *present* over its own span. A pause between activities of
  at most ``idle_timeout`` seconds is bridged: it counts as focus time, attributed to the place
  of the activity before it (as WakaTime attributes the time between heartbeats).
* A ``blur`` (the active window lost focus) or a ``pause`` (tracking paused) ends presence at
  once: the time after it is idle even when it is short. A blur from another window than the
  last active one is ignored, so moving between two editor windows is not a pause.
* A session is a run of presence whose pauses are at most ``idle_timeout``; a longer pause
  starts a new session. Presence from several windows at once is one union, never counted twice.
* Context is (project, branch). A switch is a change of context inside a session; activity
  without a context (a focused window with no file) keeps the current one.
* A deep-work block is a run of at least ``deep_work`` seconds of focus in one context inside a
  session, with no pause over ``deep_work_max_gap`` seconds (5 minutes) and no switch.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from devfocus.activity.records import IDLE_MARKERS, Activity, Context, Kind

DEEP_WORK_MAX_GAP = 300.0


@dataclass(slots=True)  # not frozen, as Activity: a report makes one per stretch of focus
class Segment:
    """A stretch of focus time attributed to one place. Treated as immutable."""

    start: float
    end: float
    context: Context | None
    language: str | None
    path: str | None
    editor: str | None
    session: int
    bridged: bool  # a pause between activities (at most the idle timeout), counted as focus
    source: str | None = None  # of the activity it belongs to ("git": inferred from history)

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Session:
    index: int
    start: float
    end: float
    focus_seconds: float


@dataclass(frozen=True, slots=True)
class Switch:
    at: float
    before: Context
    after: Context
    session: int


@dataclass(frozen=True, slots=True)
class DeepWorkBlock:
    start: float
    end: float
    context: Context
    focus_seconds: float
    session: int


@dataclass(frozen=True, slots=True)
class Tail:
    """Where the timeline stands after its last activity (what live status needs)."""

    presence_end: float  # the end of the last presence
    blurred: bool  # presence ended with the active window losing focus
    session: Session
    context: Context | None
    run_context: Context | None  # the current uninterrupted run in one context
    run_start: float | None
    run_focus_seconds: float


@dataclass
class Timeline:
    segments: list[Segment] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    switches: list[Switch] = field(default_factory=list)
    deep_work: list[DeepWorkBlock] = field(default_factory=list)
    tail: Tail | None = None


@dataclass(slots=True)
class _Run:
    """An uninterrupted stretch in one context: a deep-work block once it is long enough."""

    context: Context | None
    start: float
    end: float
    focus: float = 0.0


class _Sweep:
    def __init__(self, idle_timeout: float, deep_work: float, deep_gap: float) -> None:
        self.idle_timeout = idle_timeout
        self.deep_work = deep_work
        self.deep_gap = deep_gap
        self.timeline = Timeline()
        self.cursor: float | None = None  # end of presence so far
        self.blurred = False
        self.owner: Activity | None = None  # whose place the time after the cursor belongs to
        self.context: Context | None = None  # current context of the session
        self.session_start = 0.0
        self.session_focus = 0.0
        self.run: _Run | None = None
        # The last activity in a file: time in the window with no file open (a focus or an
        # editor change to nothing) is the place's, not "(no project)" / "(unknown)".
        self.place: Activity | None = None

    # -- activity in time order ------------------------------------------------------------
    def add(self, act: Activity) -> None:
        cursor = self.cursor
        if act.kind in IDLE_MARKERS:
            if (
                cursor is None
                or self.blurred
                or act.start < cursor  # another window's activity goes on past it
                or act.start - cursor > self.idle_timeout
                or not self._same_window(act)
            ):
                return  # already idle, or not the window the developer is in: nothing changes
            self._pause_until(act.start)
            self.blurred = True
            return

        if cursor is None or act.start - cursor > self.idle_timeout:
            self._end_session()
            self._start_session(act.start)
        elif act.start > cursor:
            self._pause_until(act.start)

        # Contexts loaded together are shared objects: `is` settles most comparisons cheaply.
        if (
            act.context is not None
            and act.context is not self.context
            and act.context != self.context
        ):
            if self.context is not None:
                index = len(self.timeline.sessions)
                self.timeline.switches.append(Switch(act.start, self.context, act.context, index))
            self.context = act.context

        if act.path is not None and act.context is not None and act.kind is not Kind.COMMITS:
            self.place = act
        assert self.cursor is not None
        if act.end > self.cursor:
            self._present(self.cursor, act.end, act, bridged=False)
        if act.end >= self.cursor:
            self.blurred = False
            self.owner = act
            self.cursor = act.end

    def _same_window(self, blur: Activity) -> bool:
        owner = self.owner
        return owner is None or owner.source is None or owner.source == blur.source

    def _pause_until(self, t: float) -> None:
        """Time passes with no activity from the cursor to ``t`` (at most the idle timeout)."""
        assert self.cursor is not None
        if t <= self.cursor:
            return
        if not self.blurred and self.owner is not None:
            self._present(self.cursor, t, self.owner, bridged=True)
        self.cursor = t

    def _present(self, start: float, end: float, owner: Activity, *, bridged: bool) -> None:
        context = self.context
        language, path, editor = owner.language, owner.path, owner.editor
        place = self.place
        if place is not None and owner.path is None and owner.context is None:
            # No file open (commits-only time has no path either, but has its context).
            language, path, editor = place.language, place.path, editor or place.editor
            context = context or place.context
        index = len(self.timeline.sessions)
        self.timeline.segments.append(
            Segment(start, end, context, language, path, editor, index, bridged, owner.source)
        )
        self.session_focus += end - start
        if owner.kind is Kind.COMMITS:
            self._close_run()  # time inferred from commits is focus, but never deep work
            return
        self._extend_run(start, end, context, bridged=bridged)

    # -- deep work ---------------------------------------------------------------------------
    def _extend_run(
        self, start: float, end: float, context: Context | None, *, bridged: bool
    ) -> None:
        run = self.run
        long_pause = bridged and end - start > self.deep_gap
        if run is not None and (
            (run.context is not context and run.context != context)
            or start - run.end > self.deep_gap
            or long_pause
        ):
            self._close_run()
            run = None
        if long_pause:
            return  # a long pause belongs to no run
        if run is None:
            run = self.run = _Run(context, start, start)
        run.end = end
        run.focus += end - start

    def _close_run(self) -> None:
        run = self.run
        self.run = None
        if run is not None and run.context is not None and run.focus >= self.deep_work:
            index = len(self.timeline.sessions)
            self.timeline.deep_work.append(
                DeepWorkBlock(run.start, run.end, run.context, run.focus, index)
            )

    # -- sessions ----------------------------------------------------------------------------
    def _start_session(self, t: float) -> None:
        self.cursor = t
        self.blurred = False
        self.owner = None
        self.context = None
        self.session_start = t
        self.session_focus = 0.0

    def _end_session(self) -> None:
        if self.cursor is None:
            return
        self._close_run()
        session = Session(
            len(self.timeline.sessions), self.session_start, self.cursor, self.session_focus
        )
        self.timeline.sessions.append(session)

    def finish(self) -> Timeline:
        if self.cursor is None:
            return self.timeline
        run = self.run
        context, blurred, cursor = self.context, self.blurred, self.cursor
        self._end_session()
        self.timeline.tail = Tail(
            presence_end=cursor,
            blurred=blurred,
            session=self.timeline.sessions[-1],
            context=context,
            run_context=run.context if run is not None else None,
            run_start=run.start if run is not None else None,
            run_focus_seconds=run.focus if run is not None else 0.0,
        )
        return self.timeline


def build_timeline(
    activities: Iterable[Activity],
    *,
    idle_timeout: float,
    deep_work: float,
    deep_work_max_gap: float = DEEP_WORK_MAX_GAP,
) -> Timeline:
    """Sessions, switches and deep-work blocks of ``activities`` (any order, duplicates allowed).

    ``idle_timeout``, ``deep_work`` and ``deep_work_max_gap`` are in seconds.
    """
    sweep = _Sweep(idle_timeout, deep_work, min(deep_work_max_gap, idle_timeout))
    for act in sorted(activities, key=_order):
        sweep.add(act)
    return sweep.finish()


def _order(act: Activity) -> tuple[float, float, bool, str, str, str, str]:
    """Time order; at one instant idle markers last (an auto-save as the window loses focus is
    still the developer leaving), then a fixed order so any input order gives one result."""
    context = act.context
    return (
        act.start,
        act.end,
        act.kind in IDLE_MARKERS,
        act.source or "",
        context.project if context else "",
        (context.branch or "") if context else "",
        act.kind,  # a str: compared as its value, without the enum lookup of `.value`
    )


def focus_between(segments: Sequence[Segment], lo: float, hi: float) -> float:
    """Focus seconds inside [lo, hi) of ``segments`` (in time order, not overlapping)."""
    # Ordered, non-overlapping segments have sorted ends too, so bisect finds the first one.
    i = bisect_right(segments, lo, key=lambda s: s.end)
    total = 0.0
    while i < len(segments) and segments[i].start < hi:
        seg = segments[i]
        total += max(0.0, min(seg.end, hi) - max(seg.start, lo))
        i += 1
    return total
