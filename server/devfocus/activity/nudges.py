"""Gentle nudges: a message with buttons when the live figures say a break or a block may help.

Each kind is off until the user turns it on, comes at most once per :data:`RATE_LIMIT` (in one
window of all: the windows claim it in the database), never while a focus block runs, and "Not
today" silences it until the next local midnight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from typing import Literal

from devfocus.activity.status import Status
from devfocus.timeutil import local_date, midnight

NudgeKind = Literal["contextSwitching", "longStretch"]
KINDS: tuple[NudgeKind, ...] = ("contextSwitching", "longStretch")
RATE_LIMIT = 2 * 3600.0  # seconds between two nudges of one kind
START_BLOCK = "Start focus block"
NOT_TODAY = "Not today"
ACTIONS = (START_BLOCK, NOT_TODAY)


@dataclass(frozen=True, slots=True)
class NudgeRules:
    """Which kinds are on, and their thresholds (from ``devfocus.nudges``)."""

    context_switching: bool = False
    long_stretch: bool = False
    switches_per_hour: float = 8.0
    stretch_minutes: float = 100.0

    def any(self) -> bool:
        return self.context_switching or self.long_stretch


@dataclass(frozen=True, slots=True)
class NudgeMemory:
    """What all windows remember of one kind: when it was last shown, until when it is quiet."""

    last_shown: float | None = None
    silenced_until: float | None = None

    def allows(self, now: float) -> bool:
        if self.silenced_until is not None and now < self.silenced_until:
            return False
        return self.last_shown is None or now - self.last_shown >= RATE_LIMIT


@dataclass(frozen=True, slots=True)
class Nudge:
    kind: NudgeKind
    figure: int  # the switches in the last hour, or the minutes without a break
    message: str


def candidates(status: Status, now: float, rules: NudgeRules) -> list[Nudge]:
    """The nudges the live status calls for, before the memory of what was shown is asked."""
    if status.state != "active" or status.focus_block is not None:
        return []
    found: list[Nudge] = []
    switches = status.switches_last_hour
    if rules.context_switching and switches >= rules.switches_per_hour:
        found.append(
            Nudge(
                "contextSwitching",
                switches,
                f"DevFocus: {switches} context switches in the last hour. "
                "A focus block on one thing may help.",
            )
        )
    if rules.long_stretch and status.session_start is not None:
        minutes = int((now - status.session_start) // 60)
        if minutes >= rules.stretch_minutes:
            found.append(
                Nudge(
                    "longStretch",
                    minutes,
                    f"DevFocus: {minutes} minutes without a break. A few minutes away from the "
                    "screen may help.",
                )
            )
    return found


def due(
    status: Status, now: float, rules: NudgeRules, memory: Mapping[NudgeKind, NudgeMemory]
) -> list[Nudge]:
    """The nudges to show now: called for, and neither silenced nor shown too recently."""
    return [
        nudge
        for nudge in candidates(status, now, rules)
        if memory.get(nudge.kind, NudgeMemory()).allows(now)
    ]


def silence_until(now: float, tz: tzinfo | None = None) -> float:
    """ "Not today": the next local midnight after ``now`` (23 or 25 hours on a DST day)."""
    return midnight(local_date(now, tz) + timedelta(days=1), tz)
