"""The live side of focus: the shared focus block, goal progress and nudges, for one window.

Everything here runs on the tracker's store thread (the async methods hop there), next to the
status it extends: :meth:`LiveFocus.extend` adds the running block (read from the database,
so a block started in one window shows in all), the switches made during it and the progress
toward the goals to the status the tracker computed, at the cost of one small query. The week's
focus before today, which weekly goals need, is read once and kept for an hour.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from devfocus.activity.focusblock import (
    END_NOTICE_GRACE,
    FocusBlock,
    awaits_end_notice,
    planned_end,
    switches_during,
)
from devfocus.activity.goals import (
    Done,
    GoalProgress,
    GoalTargets,
    deep_work_in,
    focus_in,
    goal_progress,
    week_start,
)
from devfocus.activity.nudges import (
    RATE_LIMIT,
    Nudge,
    NudgeKind,
    NudgeRules,
    candidates,
    due,
    silence_until,
)

if TYPE_CHECKING:
    from devfocus.activity.status import Status
    from devfocus.activity.timeline import Timeline
    from devfocus.app.tracking import TrackingService
    from devfocus.config import Settings
    from devfocus.store.database import Database

log = logging.getLogger(__name__)

WEEK_KEPT_SECONDS = 3600.0  # how long the week's focus before today is reused (read again hourly)
WEEK_LOOKBACK = 12 * 3600.0  # activity read before Monday, for the session running over it


@dataclass(frozen=True)
class _Week:
    key: tuple[float, float, float, float]  # week start, day start, idle timeout, deep work
    read_at: float
    focus: float
    deep_work: float


def goal_targets(settings: Settings) -> GoalTargets:
    goals = settings.goals
    return GoalTargets(
        daily_focus=goals.daily_focus_minutes * 60,
        weekly_focus=goals.weekly_focus_minutes * 60,
        daily_deep_work=goals.daily_deep_work_minutes * 60,
        weekly_deep_work=goals.weekly_deep_work_minutes * 60,
    )


def nudge_rules(settings: Settings) -> NudgeRules:
    nudges = settings.nudges
    return NudgeRules(
        context_switching=nudges.context_switching,
        long_stretch=nudges.long_stretch,
        switches_per_hour=nudges.switches_per_hour,
        stretch_minutes=nudges.stretch_minutes,
    )


class LiveFocus:
    def __init__(self, tracking: TrackingService) -> None:
        self._tracking = tracking
        self._week: _Week | None = None  # store thread only

    # -- from the event loop -------------------------------------------------------------------
    async def start(self, minutes: float | None) -> FocusBlock:
        """Starts a block of ``minutes`` (the setting's default when None) in every window;
        one running stops. Raises ValueError for minutes out of bounds, StoreError when the
        database cannot take it."""
        from devfocus.store.blockstore import start_block

        tracking = self._tracking
        now = tracking.clock()
        default = tracking.settings.focus_block.minutes
        end = planned_end(now, minutes if minutes is not None else default)
        source = tracking.source
        return await tracking._in_store(
            lambda: tracking._ensure_database().run(
                lambda engine: start_block(engine, now, end, source)
            )
        )

    async def stop(self) -> FocusBlock | None:
        """Stops the running block, whichever window started it; None when none runs."""
        from devfocus.store.blockstore import stop_block

        tracking = self._tracking
        now = tracking.clock()
        return await tracking._in_store(
            lambda: tracking._ensure_database().run(lambda engine: stop_block(engine, now))
        )

    async def claim_end_notice(self, block: FocusBlock) -> bool:
        """Whether this window announces the end of ``block``: no other window has."""
        tracking = self._tracking
        return await tracking._in_store(self._claim_end_notice, block, tracking.clock())

    async def nudge(self, status: Status) -> Nudge | None:
        """A nudge this window may show now (claimed for it in the database), if any is due."""
        tracking = self._tracking
        rules = nudge_rules(tracking.settings)
        if not rules.any() or status.state != "active":
            return None  # the common case: no hop to the store thread
        return await tracking._in_store(self._nudge, status, tracking.clock(), rules)

    async def silence(self, kind: NudgeKind) -> float:
        """ "Not today": no nudge of ``kind`` in any window until the next local midnight;
        returns that midnight."""
        from devfocus.store.blockstore import silence_nudge

        tracking = self._tracking
        until = silence_until(tracking.clock())
        await tracking._in_store(
            lambda: tracking._ensure_database().run(
                lambda engine: silence_nudge(engine, kind, until)
            )
        )
        return until

    async def latest_block(self) -> tuple[int, float, bool] | None:
        """The newest block's id, end and whether it was stopped: one indexed read, for a
        window with nothing else to refresh to notice a block another window started."""
        from devfocus.store.blockstore import recent_blocks
        from devfocus.store.errors import StoreError

        tracking = self._tracking
        now = tracking.clock()

        def read() -> tuple[int, float, bool] | None:
            if not tracking._readable():
                return None
            try:
                blocks = tracking._ensure_database().run(
                    lambda engine: recent_blocks(engine, now, now - END_NOTICE_GRACE)
                )
            except StoreError:
                return None
            return (blocks[0].id, blocks[0].end, blocks[0].stopped) if blocks else None

        return await tracking._in_store(read)

    def forget(self) -> None:
        """The data was erased: what was kept of it goes too (one assignment: safe from the
        event loop)."""
        self._week = None

    # -- store thread -----------------------------------------------------------------------------
    def extend(self, status: Status, timeline: Timeline, now: float, day_start: float) -> Status:
        """``status`` with the focus block, the switches during it, and the goal progress."""
        running, ended = self._blocks(timeline, now)
        next_change = status.next_change
        if running is not None:
            left = running.remaining(now)
            next_change = left if next_change is None else min(next_change, left)
        return replace(
            status,
            focus_block=running,
            ended_block=ended,
            goals=self._goals(status, now, day_start),
            next_change=next_change,
        )

    def _blocks(
        self, timeline: Timeline, now: float
    ) -> tuple[FocusBlock | None, FocusBlock | None]:
        from devfocus.store.blockstore import recent_blocks
        from devfocus.store.errors import StoreError

        tracking = self._tracking
        if not tracking._readable():
            return None, None
        try:
            blocks = tracking._ensure_database().run(
                lambda engine: recent_blocks(engine, now, now - END_NOTICE_GRACE)
            )
        except StoreError as error:
            log.debug("status without focus blocks: %s", error.message)
            return None, None
        running = next((b for b in blocks if b.running(now)), None)
        ended = next((b for b in blocks if awaits_end_notice(b, now)), None)
        return self._counted(running, timeline, now), self._counted(ended, timeline, now)

    def _counted(
        self, block: FocusBlock | None, timeline: Timeline, now: float
    ) -> FocusBlock | None:
        """``block`` with the switches made during it, recorded when this window saw more."""
        from devfocus.store.blockstore import record_switches
        from devfocus.store.errors import StoreError

        if block is None:
            return None
        seen = switches_during(timeline.switches, block.start, min(block.end, now))
        if seen <= block.switches:
            return block
        try:
            self._tracking._ensure_database().run(
                lambda engine: record_switches(engine, block.id, seen)
            )
        except StoreError as error:
            log.debug("could not record the focus block's switches: %s", error.message)
        return replace(block, switches=seen)

    def _goals(self, status: Status, now: float, day_start: float) -> tuple[GoalProgress, ...]:
        targets = goal_targets(self._tracking.settings)
        if not targets.any():
            return ()
        earlier_focus = earlier_deep = 0.0
        if targets.weekly():
            earlier_focus, earlier_deep = self._earlier_this_week(now, day_start)
        done = Done(
            status.today_seconds,
            status.deep_work_today_seconds,
            earlier_focus,
            earlier_deep,
        )
        return goal_progress(targets, done)

    def _earlier_this_week(self, now: float, day_start: float) -> tuple[float, float]:
        """Focus and deep work from Monday's midnight to today's, of all windows."""
        from devfocus.activity.timeline import build_timeline
        from devfocus.store.errors import StoreError
        from devfocus.store.events import load_activities
        from devfocus.timeutil import local_date, midnight

        tracking = self._tracking
        monday = midnight(week_start(local_date(now)))
        if monday >= day_start:
            return 0.0, 0.0
        sessions = tracking.settings.sessions
        idle, deep = sessions.idle_timeout_minutes * 60, sessions.deep_work_minutes * 60
        key = (monday, day_start, idle, deep)
        kept = self._week
        if kept is not None and kept.key == key and now - kept.read_at < WEEK_KEPT_SECONDS:
            return kept.focus, kept.deep_work
        if not tracking._readable():
            return 0.0, 0.0
        try:
            stored = tracking._ensure_database().run(
                lambda engine: load_activities(engine, monday - WEEK_LOOKBACK, day_start)
            )
        except StoreError as error:
            log.debug("weekly goals without stored activity: %s", error.message)
            return 0.0, 0.0
        timeline = build_timeline(stored, idle_timeout=idle, deep_work=deep)
        week = _Week(
            key,
            now,
            focus_in(timeline, monday, day_start),
            deep_work_in(timeline, monday, day_start),
        )
        self._week = week
        return week.focus, week.deep_work

    def _claim_end_notice(self, block: FocusBlock, now: float) -> bool:
        from devfocus.store.blockstore import claim_end_notice

        return self._tracking._ensure_database().run(
            lambda engine: claim_end_notice(engine, block.id, now)
        )

    def _nudge(self, status: Status, now: float, rules: NudgeRules) -> Nudge | None:
        from devfocus.store.blockstore import claim_nudge, nudge_memory

        if not candidates(status, now, rules):
            return None  # nothing called for: the database is not asked
        tracking = self._tracking
        database = tracking._ensure_database()
        memory = database.run(nudge_memory)
        source = tracking.source
        for nudge in due(status, now, rules, memory):
            claim = functools.partial(
                claim_nudge, kind=nudge.kind, now=now, every=RATE_LIMIT, source=source
            )
            if database.run(claim):
                return nudge
        return None


def focus_blocks(database: Database, start: float, end: float) -> list[FocusBlock]:
    """The focus blocks that overlap [start, end), oldest first, each with the context switches
    made during it: for reports and exports."""
    from devfocus.store.blockstore import load_blocks

    return database.run(lambda engine: load_blocks(engine, start, end))
