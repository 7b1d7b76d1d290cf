"""Plain data shared by the tracker, the timeline algorithm, the store and the reports."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(str, enum.Enum):
    """What happened. ``EDIT`` rows span coalesced edits; the others are instants."""

    OPEN = "open"
    EDIT = "edit"
    SAVE = "save"
    CLOSE = "close"
    FOCUS = "focus"  # the editor window gained focus
    BLUR = "blur"  # the editor window lost focus: the developer is idle from here
    ACTIVATE = "activate"  # the active editor changed
    PAUSE = "pause"  # tracking was paused: the developer counts as idle from here
    CHECKOUT = "checkout"  # a branch was checked out: an instant in the new context
    COMMITS = "commits"  # a span of work inferred from commits, where no editor activity exists


IDLE_MARKERS = frozenset({Kind.BLUR, Kind.PAUSE})


@dataclass(frozen=True, slots=True)
class Context:
    """Where attention is: a project (its root, a POSIX path) and the branch checked out there."""

    project: str
    branch: str | None = None

    @property
    def name(self) -> str:
        # Plain string work: reports ask for it once per segment.
        return self.project.rstrip("/").rpartition("/")[2] or self.project

    def label(self) -> str:
        return f"{self.name} @ {self.branch}" if self.branch else self.name


# Not frozen: a report builds tens of thousands of these, and a frozen dataclass's __init__
# (object.__setattr__ per field) costs five times a plain one. Nothing changes one once made;
# dataclasses.replace() makes the changed copy.
@dataclass(slots=True)
class Activity:
    """One stored event: an instant (``start == end``) or a span of coalesced edits.

    Times are seconds since the epoch, UTC. Treated as immutable.
    """

    start: float
    end: float
    kind: Kind
    context: Context | None = None
    language: str | None = None
    path: str | None = None
    editor: str | None = None
    source: str | None = None  # the server process (one per editor window) that saw it
    lines_added: int = 0
    lines_removed: int = 0
    # Of lines_added: those added by single large changes (paste, completion, generated code).
    lines_bulk: int = 0


@dataclass(frozen=True, slots=True)
class TaskMark:
    """A task set by hand at ``set_at``: it holds in its project until the branch changes. An
    empty title clears the task."""

    set_at: float
    project: str | None
    branch: str | None
    title: str
    kind: str | None = None
    ref: str | None = None  # the issue it is ("#123", "ABC-42"), when picked from the tracker's


SWITCH_REASONS = ("interrupt", "meeting", "review", "blocked", "planned", "other")


@dataclass(frozen=True, slots=True)
class SwitchNote:
    """Why the developer switched context at ``at`` (``devfocus.switch.annotate``): one of
    :data:`SWITCH_REASONS`; ``other`` says it in ``note``."""

    at: float
    project: str | None  # where attention went
    reason: str
    note: str | None = None
