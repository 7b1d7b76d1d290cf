"""Focus blocks: a stretch of time the developer set aside for one thing (``devfocus.focus.start``).

A block is shared by every editor window (the database holds it): each window's status shows
its countdown, the context switches made during it are counted against it, and its end is
announced once, by whichever window claims it first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from devfocus.activity.timeline import Switch
from devfocus.text import plural

MIN_MINUTES = 0.01  # the shortest block a command may start (under a second: for trying it out)
MAX_MINUTES = 480.0  # as devfocus.focusBlock.minutes
# An end no window saw happen (every window was closed or asleep) is announced only this late.
END_NOTICE_GRACE = 300.0


@dataclass(frozen=True, slots=True)
class FocusBlock:
    id: int
    start: float
    end: float  # when it ends as planned; when it was stopped, if it was
    stopped: bool  # stopped by hand before its planned end
    switches: int  # context switches during it, as last recorded
    notified: bool = False  # its end was announced (by some window)

    def remaining(self, now: float) -> float:
        return 0.0 if self.stopped else max(0.0, self.end - now)

    def running(self, now: float) -> bool:
        """Started and not over. A start a little ahead of ``now`` (another window's clock)
        counts as started."""
        return not self.stopped and now < self.end

    @property
    def minutes(self) -> float:
        return (self.end - self.start) / 60


def planned_end(start: float, minutes: float) -> float:
    """The end of a block of ``minutes`` started at ``start``; ValueError outside the bounds."""
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValueError(f"minutes must be from {MIN_MINUTES:g} to {MAX_MINUTES:g}")
    return start + minutes * 60


def switches_during(switches: Sequence[Switch], start: float, end: float) -> int:
    """Context switches in [start, end): those the timeline saw while the block ran."""
    return sum(1 for switch in switches if start <= switch.at < end)


def awaits_end_notice(block: FocusBlock, now: float) -> bool:
    """Whether ``block`` ended as planned, recently enough to say so, and no window has yet."""
    return (
        not block.stopped and not block.notified and block.end <= now < block.end + END_NOTICE_GRACE
    )


def end_message(block: FocusBlock) -> str:
    """What the developer is told when ``block`` ends."""
    switches = (
        "no context switches"
        if block.switches == 0
        else plural(block.switches, "context switch", "context switches")
    )
    return (
        f"DevFocus: your {_length(block.minutes)} focus block is over ({switches}). Take a break?"
    )


def _length(minutes: float) -> str:
    if minutes >= 1:
        return f"{round(minutes)}-minute"
    return f"{max(1, round(minutes * 60))}-second"
