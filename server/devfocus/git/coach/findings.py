"""A rule's verdict on a range of the message text."""

from __future__ import annotations

from dataclasses import dataclass

from devfocus.git.coach.fixes import Fix
from devfocus.git.coach.message import Subject


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on a range of one line of the original text (0-based)."""

    rule: str
    message: str
    severity: str  # error | warning | information | hint
    line: int
    start: int
    end: int
    fix: Fix | None = None
    part: str = "message"  # the score part it counts against
    penalty: float = 0.0


def on_subject(
    subject: Subject,
    rule: str,
    text: str,
    severity: str,
    *,
    fix: Fix | None = None,
    part: str = "message",
    penalty: float = 0.0,
    start: int | None = None,
    end: int | None = None,
) -> Finding:
    """A finding on the subject line: all of it unless ``start`` or ``end`` say otherwise."""
    return Finding(
        rule,
        text,
        severity,
        subject.line,
        subject.start if start is None else start,
        subject.start + len(subject.text) if end is None else end,
        fix,
        part,
        penalty,
    )
