"""What an insight is: the shape every detector returns and every surface shows (pure).

A detector looks at the timeline of a period (and the person's own baseline) and returns
:class:`Insight` objects. Reports list them, the editor turns those that point at code into
diagnostics, ``devfocus.insights`` returns them with their evidence, and nudges come from the
live ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

InsightKind = Literal[
    "context-switching",
    "low-focus",
    "fragmented-day",
    "long-stretch",
    "late-night",
    "weekend",
    "peak-hours",
    "hotspot",
    "commit-trend",
    "docstring-debt",
    "bulk-insertions",
]
# Diagnostic severities by name: an insight is never an error.
Severity = Literal["hint", "information", "warning"]


@dataclass(frozen=True)
class Evidence:
    """What an insight stands on, for the user to check it."""

    # Named figures, camelCase as on the wire: {"switchesPerHour": 9.2, "baseline": 4.1, ...}
    numbers: Mapping[str, float] = field(default_factory=dict)
    sessions: tuple[tuple[float, float], ...] = ()  # (start, end) of the sessions behind it
    files: tuple[str, ...] = ()  # absolute POSIX paths
    commits: tuple[str, ...] = ()  # commit ids


@dataclass(frozen=True)
class Insight:
    id: str  # stable across runs for the same finding: "<kind>:<subject or day>"
    kind: InsightKind
    severity: Severity
    start: float  # the period it covers (seconds since the epoch)
    end: float
    message: str  # one plain sentence: what was found and what might help
    evidence: Evidence = field(default_factory=Evidence)
    # What it is about, where it points at code: a file (absolute POSIX path), and a
    # definition's qualified name in it ("Cart.total"), if any.
    path: str | None = None
    definition: str | None = None
