"""The live status an editor shows: state, current session, today's focus, deep work, context,
and the focus block and goals (added by the service that reads them, see app/focusblocks.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from devfocus.activity.focusblock import FocusBlock
from devfocus.activity.goals import GoalProgress
from devfocus.activity.records import Context
from devfocus.activity.tasks import Task, TaskLink
from devfocus.activity.timeline import DEEP_WORK_MAX_GAP, Switch, Timeline, focus_between
from devfocus.timeutil import overlap

if TYPE_CHECKING:
    from devfocus.git.trust import GitAccess

State = Literal["active", "idle", "paused"]


@dataclass(frozen=True)
class Status:
    state: State
    session_start: float | None
    session_seconds: float
    today_seconds: float
    context: Context | None
    switches_last_hour: int
    deep_work: bool
    deep_work_today_seconds: float
    # Seconds until state, deepWork or switchesLastHour would change with no new activity.
    next_change: float | None = None
    task: Task | None = None  # of the current context: set by hand, else the branch's
    git: GitAccess | None = None  # whether git features are on, and which repositories are not read
    focus_block: FocusBlock | None = None  # the one running, in any window
    goals: tuple[GoalProgress, ...] = ()  # progress toward each goal that is set
    # Pages attached to the task (devfocus.task.link, the issue importer).
    task_links: tuple[TaskLink, ...] = ()
    # The latest context switch of the last hour, and the reason given for it, if any.
    last_switch: Switch | None = None
    last_switch_reason: str | None = None
    # A block that ended as planned and whose end no window has announced yet (not on the wire).
    ended_block: FocusBlock | None = None
    now: float = field(default=0.0, compare=False)  # when computed: for the block's countdown


def compute_status(
    timeline: Timeline,
    *,
    now: float,
    day_start: float,
    idle_timeout: float,
    deep_work: float,
    paused: bool,
) -> Status:
    """Status at ``now`` of a timeline built from the activity up to ``now``.

    While a session is active the pause since its last activity is counted as focus (it will be
    if the developer carries on, as with any pause shorter than the idle timeout).
    """
    tail = timeline.tail
    deep_gap = min(DEEP_WORK_MAX_GAP, idle_timeout)
    active = (
        not paused
        and tail is not None
        and not tail.blurred
        and now - tail.presence_end <= idle_timeout
    )
    open_pause = max(0.0, now - tail.presence_end) if active and tail is not None else 0.0
    today = focus_between(timeline.segments, day_start, now) + overlap(
        now - open_pause, now, day_start, now
    )

    deep_now = False
    ongoing_start: float | None = None
    if active and tail is not None and tail.run_context is not None:
        deep_now = open_pause <= deep_gap and tail.run_focus_seconds + open_pause >= deep_work
        if deep_now:
            ongoing_start = tail.run_start
    deep_today = 0.0
    for block in timeline.deep_work:
        if block.start == ongoing_start:
            continue  # the ongoing run is counted below, with the pause since its last activity
        deep_today += focus_between(
            timeline.segments, max(block.start, day_start), min(block.end, now)
        )
    if ongoing_start is not None:
        deep_today += focus_between(timeline.segments, max(ongoing_start, day_start), now)
        deep_today += overlap(now - open_pause, now, day_start, now)

    # No upper bound: another window's clock may run a little ahead of this one.
    last_hour = [s for s in timeline.switches if s.at >= now - 3600]
    recent = [s.at for s in last_hour]
    last_switch = max(last_hour, key=lambda s: s.at) if last_hour else None
    changes = [min(recent) + 3600 - now] if recent else []
    if not active or tail is None:
        state: State = "paused" if paused else "idle"
        return Status(
            state,
            None,
            0.0,
            today,
            None,
            len(recent),
            False,
            deep_today,
            _soonest(changes),
            last_switch=last_switch,
            now=now,
        )
    changes.append(idle_timeout - open_pause)  # becomes idle
    if tail.run_context is not None:
        if deep_now:
            changes.append(deep_gap - open_pause)  # the run breaks
        elif open_pause <= deep_gap:
            changes.append(deep_work - tail.run_focus_seconds - open_pause)  # becomes deep work
    return Status(
        "active",
        tail.session.start,
        tail.session.focus_seconds + open_pause,
        today,
        tail.context,
        len(recent),
        deep_now,
        deep_today,
        _soonest(changes),
        last_switch=last_switch,
        now=now,
    )


def _soonest(delays: list[float]) -> float | None:
    return max(0.0, min(delays)) if delays else None
