"""Why attention moved: notes that annotate context switches with a reason, and the switches of a
report counted by reason (pure)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from devfocus.activity.records import SWITCH_REASONS as REASONS
from devfocus.activity.records import SwitchNote
from devfocus.activity.timeline import Switch

__all__ = ["REASONS", "SwitchNote", "match_notes", "reason_counts", "reason_of"]
UNANNOTATED = "unannotated"
# A note is made a little after the switch it is about (the editor offers it then), or just
# before, when the developer says why before moving.
MATCH_SECONDS = 120.0


def reason_of(note: SwitchNote) -> str:
    """The note's reason, one of :data:`REASONS` (anything else counts as "other")."""
    return note.reason if note.reason in REASONS else "other"


def match_notes(switches: Sequence[Switch], notes: Sequence[SwitchNote]) -> dict[int, SwitchNote]:
    """The note of each annotated switch, by the switch's index in ``switches``: a note
    annotates the switch nearest its time, within :data:`MATCH_SECONDS` (the earlier one of two
    as near); of two notes of one switch, the later in ``notes`` (the order they were made in)
    wins."""
    order = sorted(range(len(switches)), key=lambda i: switches[i].at)
    times = [switches[i].at for i in order]
    matched: dict[int, SwitchNote] = {}
    for note in notes:
        at = bisect_left(times, note.at)
        best: int | None = None
        for candidate in (at - 1, at):  # the switches just before and at or after the note
            if 0 <= candidate < len(times) and abs(times[candidate] - note.at) <= MATCH_SECONDS:
                nearer = best is None or abs(times[candidate] - note.at) < abs(
                    times[best] - note.at
                )
                if nearer:
                    best = candidate
        if best is not None:
            matched[order[best]] = note
    return matched


def reason_counts(switches: Sequence[Switch], notes: Sequence[SwitchNote]) -> list[tuple[str, int]]:
    """Switches per reason, in the order of :data:`REASONS` (those with any), then the
    unannotated ones; empty when no switch is annotated."""
    matched = match_notes(switches, notes)
    if not matched:
        return []
    counts = dict.fromkeys(REASONS, 0)
    for note in matched.values():
        counts[reason_of(note)] += 1
    rows = [(reason, count) for reason, count in counts.items() if count]
    return [*rows, (UNANNOTATED, len(switches) - len(matched))]
