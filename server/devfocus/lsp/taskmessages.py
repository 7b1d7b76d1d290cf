"""The protocol of tasks from issue trackers: syncing issues, listing and linking tasks, and the
reasons of context switches. Part of :mod:`devfocus.lsp.messages` (which re-exports it, so
``scripts/sync_protocol.py`` writes these types for the client too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from devfocus.lsp.names import SWITCH_ANNOTATE, TASK_LINK, TASKS_LIST
from devfocus.lsp.wire import OMITTED, JsonObject, choices, plain

if TYPE_CHECKING:
    from devfocus.app.issuesync import SyncOutcome
    from devfocus.app.taskbook import TaskEntry


def task_kinds() -> tuple[str, ...]:
    # Deferred: loaded with the first task command.
    from devfocus.activity.tasks import KINDS

    return tuple(KINDS)


def task_states() -> tuple[str, ...]:
    return ("open", "closed")


def switch_reasons() -> tuple[str, ...]:
    # Deferred, as above.
    from devfocus.activity.records import SWITCH_REASONS

    return SWITCH_REASONS


def _options(command: str, args: Sequence[object]) -> JsonObject:
    """The one object argument of ``command``, or none at all."""
    if not args or (len(args) == 1 and plain(args[0]) is None):
        return {}
    first = plain(args[0])
    if len(args) != 1 or not isinstance(first, dict):
        raise ValueError(f"{command}: expected one object argument")
    return first


def _text(command: str, options: JsonObject, key: str, limit: int = 500) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{command}: {key} must be a string")
    if len(value) > limit:
        raise ValueError(f"{command}: {key} is longer than {limit} characters")
    return value.strip() or None


# -- arguments -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssueSyncArguments:
    """``devfocus.issues.sync``: ``[{full}]``; ``full`` walks every page again (conditionally)
    instead of asking for what changed since the last sync."""

    full: bool = False

    @classmethod
    def parse(cls, args: Sequence[object]) -> IssueSyncArguments:
        options = _options("devfocus.issues.sync", args)
        full = options.get("full", False)
        if not isinstance(full, bool):
            raise ValueError("devfocus.issues.sync: full must be true or false")
        return cls(full)


@dataclass(frozen=True)
class TaskListArguments:
    """``devfocus.tasks.list``: ``[{query, kind, state, limit}]``, all optional."""

    query: str | None = None  # words the key, title or labels hold
    kind: str | None = field(default=None, metadata=choices(task_kinds))
    state: str | None = field(default=None, metadata=choices(task_states))
    limit: int = 200

    @classmethod
    def parse(cls, args: Sequence[object]) -> TaskListArguments:
        options = _options(TASKS_LIST, args)
        query = _text(TASKS_LIST, options, "query")
        kind, state = options.get("kind"), options.get("state")
        if kind is not None and kind not in task_kinds():
            raise ValueError(f"{TASKS_LIST}: kind must be one of {', '.join(task_kinds())}")
        if state is not None and state not in task_states():
            raise ValueError(f"{TASKS_LIST}: state must be open or closed")
        limit = options.get("limit", 200)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 5000:
            raise ValueError(f"{TASKS_LIST}: limit must be a whole number from 1 to 5000")
        return cls(
            query,
            kind if isinstance(kind, str) else None,
            state if isinstance(state, str) else None,
            limit,
        )


@dataclass(frozen=True)
class TaskLinkArguments:
    """``devfocus.task.link``: ``[{url, title}]`` attaches a page to the current task."""

    url: str
    title: str | None = None
    project: str | None = None  # a path; the project of the current context when absent

    @classmethod
    def parse(cls, args: Sequence[object]) -> TaskLinkArguments:
        options = _options(TASK_LINK, args)
        url = _text(TASK_LINK, options, "url", 2000)
        if url is None or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise ValueError(f"{TASK_LINK}: url must be an http or https address")
        return cls(url, _text(TASK_LINK, options, "title"), _text(TASK_LINK, options, "project"))


@dataclass(frozen=True)
class SwitchAnnotateArguments:
    """``devfocus.switch.annotate``: ``[{reason, note, at}]``: why the last context switch
    (or the one at ``at``, ISO 8601) happened. ``other`` takes its reason as ``note``."""

    reason: str = field(metadata=choices(switch_reasons))
    note: str | None = None
    at: str | None = None

    @classmethod
    def parse(cls, args: Sequence[object]) -> SwitchAnnotateArguments:
        options = _options(SWITCH_ANNOTATE, args)
        reason = options.get("reason")
        if not isinstance(reason, str) or reason not in switch_reasons():
            raise ValueError(
                f"{SWITCH_ANNOTATE}: reason must be one of {', '.join(switch_reasons())}"
            )
        note = _text(SWITCH_ANNOTATE, options, "note")
        if reason == "other" and note is None:
            raise ValueError(f"{SWITCH_ANNOTATE}: reason other needs a note")
        at = _text(SWITCH_ANNOTATE, options, "at", 64)
        if at is not None:
            from datetime import datetime  # deferred: loaded with the first annotation

            try:
                datetime.fromisoformat(at.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"{SWITCH_ANNOTATE}: at must be an ISO 8601 time") from None
        return cls(reason, note, at)


# -- results -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WireLink:
    url: str
    title: str
    source: str  # "user" | "tracker" | "pull"


@dataclass(frozen=True)
class WireTask:
    """A task of ``devfocus.tasks.list``: an imported issue, or one set by hand."""

    key: str | None  # "#123", "ABC-42"; null for a task set by hand without a ref
    title: str
    label: str  # "#123 Crash when saving (bug, high)"
    kind: str | None
    priority: str | None
    state: str | None  # "open" | "closed"; null for a task set by hand
    tracker: str | None  # "github" | "jira"; null for a task set by hand
    scope: str | None  # "owner/name" | the Jira site
    url: str | None
    assigned_to_me: bool
    labels: tuple[str, ...]
    project: str | None  # the repository root, when known
    seconds: int  # focus time spent on it
    last_worked: str | None  # ISO 8601, UTC
    updated: str | None  # ISO 8601, UTC: the tracker's last change
    links: tuple[WireLink, ...]

    @classmethod
    def of(cls, entry: TaskEntry) -> WireTask:
        # Deferred: loaded with the first task listed.
        from devfocus.timeutil import iso_utc

        task = entry.task
        return cls(
            key=task.ref,
            title=task.title,
            label=task.label,
            kind=task.kind,
            priority=task.priority,
            state=entry.state,
            tracker=task.tracker,
            scope=entry.scope,
            url=task.url,
            assigned_to_me=entry.assigned_to_me,
            labels=entry.labels,
            project=entry.project,
            seconds=round(entry.seconds),
            last_worked=iso_utc(entry.last_worked) if entry.last_worked else None,
            updated=iso_utc(entry.updated) if entry.updated else None,
            links=tuple(WireLink(k.url, k.title, k.source) for k in entry.links),
        )


@dataclass(frozen=True)
class TaskListResult:
    """``devfocus.tasks.list``: assigned to me first, then the most recently worked on."""

    tasks: tuple[WireTask, ...]
    total: int  # before ``limit``


@dataclass(frozen=True)
class TaskLinkResult:
    """``devfocus.task.link``: the task the page was attached to, and all its links."""

    task: str  # its label
    links: tuple[WireLink, ...]


@dataclass(frozen=True)
class SwitchNoteResult:
    """``devfocus.switch.annotate``: the switch annotated."""

    at: str  # ISO 8601, UTC
    reason: str
    note: str | None
    project: str | None


@dataclass(frozen=True)
class WireTrackerSync:
    """One tracker scope's part of ``devfocus.issues.sync``."""

    tracker: str
    scope: str
    issues: int  # issues received (new or changed)
    pulls: int
    requests: int
    not_modified: int  # requests answered 304
    seconds: float
    rate_remaining: int | None = field(default=None, metadata=OMITTED)
    error: str | None = field(default=None, metadata=OMITTED)


@dataclass(frozen=True)
class IssueSyncResult:
    """``devfocus.issues.sync``."""

    syncs: tuple[WireTrackerSync, ...]
    cancelled: bool
    # Why nothing was synced (no tracker configured, an untrusted workspace).
    reason: str | None = field(default=None, metadata=OMITTED)

    @classmethod
    def of(cls, outcome: SyncOutcome) -> IssueSyncResult:
        return cls(
            tuple(
                WireTrackerSync(
                    s.tracker,
                    s.scope,
                    s.issues,
                    s.pulls,
                    s.requests,
                    s.not_modified,
                    round(s.seconds, 3),
                    s.rate_remaining,
                    s.error,
                )
                for s in outcome.syncs
            ),
            outcome.cancelled,
            outcome.reason,
        )


@dataclass(frozen=True)
class LastSwitch:
    """The status's latest context switch of the last hour, for the "why?" action."""

    at: str  # ISO 8601, UTC
    before: str  # the context's label
    after: str
    reason: str | None  # set once annotated


__all__ = [
    "IssueSyncArguments",
    "IssueSyncResult",
    "LastSwitch",
    "SwitchAnnotateArguments",
    "SwitchNoteResult",
    "TaskLinkArguments",
    "TaskLinkResult",
    "TaskListArguments",
    "TaskListResult",
    "WireLink",
    "WireTask",
    "WireTrackerSync",
]
