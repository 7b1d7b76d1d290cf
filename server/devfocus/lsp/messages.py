"""DevFocus's own part of the protocol: the names of its notifications and commands, their
arguments and their results, as typed classes.

Arguments are read from what editors send: the object form (``[{"period": "week"}]``) and the
positional forms some editors' command lines produce (``["week", "json"]``). A wrong argument is
a ``ValueError`` that says what is expected; the features turn it into ``InvalidParams``.

``scripts/sync_protocol.py`` writes ``client-vscode/src/protocol.ts`` from this module.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

from pygls.uris import from_fs_path, to_fs_path

from devfocus.lsp.names import (  # re-exported: the protocol is read from this module
    ACTIVE_EDITOR,
    DELETE,
    EXPORT,
    FOCUS_START,
    FOCUS_STOP,
    GENERATE_FILE,
    GENERATE_WITH_AI,
    GENERATE_WORKSPACE,
    GIT_IMPORT,
    INSIGHTS,
    ISSUES_SYNC,
    PAUSE,
    REPORT,
    RESUME,
    SET_TASK,
    STATUS,
    STATUS_COMMAND,
    SWITCH_ANNOTATE,
    TASK_LINK,
    TASKS_LIST,
    WINDOW_STATE,
    WORKSPACE_TRUST,
    WRITE_COMMIT_WITH_AI,
)
from devfocus.lsp.taskmessages import (  # noqa: F401 (re-exported: the protocol is read here)
    IssueSyncArguments,
    IssueSyncResult,
    LastSwitch,
    SwitchAnnotateArguments,
    SwitchNoteResult,
    TaskLinkArguments,
    TaskLinkResult,
    TaskListArguments,
    TaskListResult,
    WireLink,
    WireTask,
    WireTrackerSync,
)
from devfocus.lsp.wire import OMITTED, JsonObject, JsonValue, choices, plain

if TYPE_CHECKING:
    from devfocus.activity.focusblock import FocusBlock
    from devfocus.activity.goals import GoalProgress
    from devfocus.activity.status import Status
    from devfocus.ai.exchange import Health
    from devfocus.app.gitsync import ImportResult as Imported
    from devfocus.app.userdata import Exported
    from devfocus.git.trust import GitAccess as Access


# -- lists kept elsewhere, imported when first needed (not while the server starts) ---------------
def report_periods() -> tuple[str, ...]:
    # Deferred: the report engine is not imported while the server starts.
    from devfocus.insights.periods import PERIODS

    return PERIODS


def report_and_standup_periods() -> tuple[str, ...]:
    """``devfocus.report``'s periods: the report periods and the standup notes."""
    # Deferred, as above.
    from devfocus.insights.periods import PERIODS, STANDUP

    return (*PERIODS, STANDUP)


def report_formats() -> tuple[str, ...]:
    # As insights/render.py's FORMATS (not imported: that loads the report engine).
    return ("markdown", "json", "html", "text", "csv")


def export_formats() -> tuple[str, ...]:
    # Deferred: the store's modules are not imported while the server starts.
    from devfocus.app.userdata import FORMATS

    return tuple(FORMATS)


def task_kinds() -> tuple[str, ...]:
    # Deferred: loaded with the first task set.
    from devfocus.activity.tasks import KINDS

    return tuple(KINDS)


def _first_object(command: str, args: Sequence[object]) -> JsonObject:
    """The one object argument of a command that takes nothing else."""
    first = plain(args[0]) if args else None
    if len(args) != 1 or not isinstance(first, dict):
        raise ValueError(f"{command}: expected one object argument")
    return first


def _choice(name: str, value: JsonValue, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


# -- arguments -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportArguments:
    """``devfocus.report``: ``[{period, format, project, fromDate, toDate, compare, redact, open,
    narrate, renarrate}]`` or ``["week", "json"]``."""

    period: str = field(default="today", metadata=choices(report_and_standup_periods))
    format: str = field(default="markdown", metadata=choices(report_formats))
    project: str | None = None  # a path or a file URI: only this project's activity
    # A range of days instead of the period (YYYY-MM-DD, both included; toDate: today).
    from_date: str | None = field(default=None, metadata=OMITTED)
    to_date: str | None = field(default=None, metadata=OMITTED)
    compare: bool = False  # the period of as many days before it beside it, with the changes
    redact: bool = False  # names, commit messages and ids behind stable aliases
    # Write the report to a private file and ask the editor to show it (window/showDocument).
    open: bool = False
    # A narrative beside the figures (the configured model's, else DevFocus's own text);
    # renarrate: ask the model again instead of the one kept for the period (implies narrate).
    narrate: bool = False
    renarrate: bool = False
    # Issue analytics (devfocus.issues) for the period instead of the focus report.
    issues: bool = False
    # The team's report (devfocus.team.databaseUrl) for the period instead of the focus report.
    team: bool = False

    @classmethod
    def parse(cls, args: Sequence[object]) -> ReportArguments:
        first = plain(args[0]) if args else None
        if isinstance(first, dict):
            options = first
        else:
            positional = [plain(a) for a in args if a is not None]
            if not all(isinstance(a, str) for a in positional) or len(positional) > 2:
                raise ValueError("expected one object {period, format, project}")
            options = dict(zip(("period", "format"), positional, strict=False))
        period = _choice("period", options.get("period") or "today", report_and_standup_periods())
        fmt = _choice("format", options.get("format") or "markdown", report_formats())
        project = _project(options)
        from_date, to_date = _date_range(options)
        compare, redact = options.get("compare", False), options.get("redact", False)
        if not isinstance(compare, bool):
            raise ValueError("compare must be true or false")
        if not isinstance(redact, bool):
            raise ValueError("redact must be true or false")
        show = options.get("open", False)
        if not isinstance(show, bool):
            raise ValueError("open must be true or false")
        if period == "standup" and (from_date is not None or compare):
            raise ValueError("standup takes neither fromDate nor compare")
        narrate, renarrate = options.get("narrate", False), options.get("renarrate", False)
        if not isinstance(narrate, bool) or not isinstance(renarrate, bool):
            raise ValueError("narrate and renarrate must be true or false")
        issues = options.get("issues", False)
        if not isinstance(issues, bool):
            raise ValueError("issues must be true or false")
        if issues and (period == "standup" or compare or narrate or renarrate):
            raise ValueError("issues takes neither standup, compare nor narrate")
        team = options.get("team", False)
        if not isinstance(team, bool):
            raise ValueError("team must be true or false")
        if team and (issues or period == "standup" or compare or narrate or renarrate or redact):
            raise ValueError("team takes none of issues, standup, compare, narrate, redact")
        return cls(
            period,
            fmt,
            project,
            from_date,
            to_date,
            compare,
            redact,
            show,
            narrate=narrate or renarrate,
            renarrate=renarrate,
            issues=issues,
            team=team,
        )


def _project(options: JsonObject) -> str | None:
    """``project``: a path, or a file URI made a path."""
    project = options.get("project")
    if project is not None and not isinstance(project, str):
        raise ValueError("project must be a path or a file URI")
    if isinstance(project, str) and project.startswith("file:"):
        project = to_fs_path(project)
    return project


def _date_range(options: JsonObject) -> tuple[str | None, str | None]:
    """``fromDate`` and ``toDate`` (ISO dates); the last only with the first."""
    from_date, to_date = _iso_date(options, "fromDate"), _iso_date(options, "toDate")
    if to_date is not None and from_date is None:
        raise ValueError("toDate needs fromDate (the first day)")
    return from_date, to_date


def _iso_date(options: JsonObject, key: str) -> str | None:
    """A date as YYYY-MM-DD, checked; None when absent."""
    # Deferred: datetime loads with the first report that names a date.
    from datetime import date

    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a date as YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{key} must be a date as YYYY-MM-DD, got {value!r}") from None
    return value


@dataclass(frozen=True)
class TaskArguments:
    """``devfocus.task.set``: ``[{title, kind, project}]`` or ``["title", "kind"]``; an empty
    title clears the hand-set task."""

    title: str | None = None
    kind: str | None = field(default=None, metadata=choices(task_kinds))
    project: str | None = None  # a path; the first workspace folder when absent
    # The issue it is ("#123", "ABC-42"): an imported issue gives the title and kind.
    ref: str | None = field(default=None, metadata=OMITTED)

    @classmethod
    def parse(cls, args: Sequence[object]) -> TaskArguments:
        first = plain(args[0]) if args else None
        if first is None and not args:
            options: JsonObject = {}
        elif isinstance(first, dict):
            options = first
        elif isinstance(first, str):
            options = {"title": first, "kind": plain(args[1]) if len(args) > 1 else None}
        else:
            raise ValueError("expected one object {title, kind}")
        title, kind, project = options.get("title"), options.get("kind"), options.get("project")
        ref = options.get("ref")
        if ref is not None and (not isinstance(ref, str) or len(ref) > 200):
            raise ValueError(f"{SET_TASK}: ref must be an issue key such as #123 or ABC-42")
        if title is not None and not isinstance(title, str):
            raise ValueError(f"{SET_TASK}: title must be a string")
        kinds = task_kinds()
        if kind is not None and (not isinstance(kind, str) or kind not in kinds):
            raise ValueError(f"{SET_TASK}: kind must be one of {', '.join(kinds)}; got {kind!r}")
        if project is not None and not isinstance(project, str):
            raise ValueError(f"{SET_TASK}: project must be a path")
        return cls(title, kind, project, ref.strip() or None if isinstance(ref, str) else None)


@dataclass(frozen=True)
class ExportArguments:
    """``devfocus.export``: ``[{format, path}]``, ``path`` absolute or a file URI."""

    format: str = field(metadata=choices(export_formats))
    path: str

    @classmethod
    def parse(cls, args: Sequence[object]) -> ExportArguments:
        options = _first_object(EXPORT, args)
        fmt, path = options.get("format"), options.get("path")
        formats = export_formats()
        if not isinstance(fmt, str) or fmt not in formats:
            raise ValueError(f"{EXPORT}: format must be one of {', '.join(formats)}; got {fmt!r}")
        if isinstance(path, str) and path.startswith("file:"):
            path = to_fs_path(path)
        if not isinstance(path, str) or not path or not os.path.isabs(path):
            raise ValueError(
                f"{EXPORT}: path must be an absolute file path or a file URI; got {path!r}"
            )
        return cls(fmt, path)  # what is at the path is checked off the event loop


@dataclass(frozen=True)
class DeleteArguments:
    """``devfocus.data.delete``: ``[{confirm: true}]``; anything else deletes nothing."""

    confirm: bool

    @classmethod
    def parse(cls, args: Sequence[object]) -> DeleteArguments:
        if _first_object(DELETE, args).get("confirm") is not True:
            raise ValueError(
                f'{DELETE}: pass {{"confirm": true}} to erase all data; nothing was deleted'
            )
        return cls(confirm=True)


@dataclass(frozen=True)
class InsightsArguments:
    """``devfocus.insights``: ``[{period, project, fromDate, toDate, redact}]`` or ``["week"]``.
    The period defaults to ``week``: most insights compare days, and a day alone shows few."""

    period: str = field(default="week", metadata=choices(report_periods))
    project: str | None = None  # a path or a file URI: only this project's activity
    from_date: str | None = field(default=None, metadata=OMITTED)  # YYYY-MM-DD, included
    to_date: str | None = field(default=None, metadata=OMITTED)
    redact: bool = False  # names of projects, files, branches, tasks and commits as aliases

    @classmethod
    def parse(cls, args: Sequence[object]) -> InsightsArguments:
        first = plain(args[0]) if args else None
        if isinstance(first, dict):
            options = first
        else:
            positional = [plain(a) for a in args if a is not None]
            if len(positional) > 1 or not all(isinstance(a, str) for a in positional):
                raise ValueError("expected one object {period, project} or a period name")
            options = dict(zip(("period",), positional, strict=False))
        period = _choice("period", options.get("period") or "week", report_periods())
        if period == "standup":
            raise ValueError("period must be a report period; standup has no insights")
        project = _project(options)
        from_date, to_date = _date_range(options)
        redact = options.get("redact", False)
        if not isinstance(redact, bool):
            raise ValueError("redact must be true or false")
        return cls(period, project, from_date, to_date, redact)


@dataclass(frozen=True)
class GenerateFileArguments:
    """``devfocus.docs.generateFile``: ``[{uri, ai}]``, or ``[uri]``, or ``[path]``."""

    uri: str
    ai: bool = False  # the prose from the configured model (devfocus.ai), else the template

    @classmethod
    def parse(cls, args: Sequence[object]) -> GenerateFileArguments:
        first = plain(args[0]) if args else None
        ai: JsonValue = False
        if isinstance(first, dict):
            ai = first.get("ai", False)
            first = first.get("uri")
        if not isinstance(ai, bool):
            raise ValueError(f"{GENERATE_FILE}: ai must be true or false")
        if isinstance(first, str) and first:
            uri = _uri_of(first)
            if uri:
                return cls(uri, ai)
        raise ValueError(f"{GENERATE_FILE}: expected {{uri}} of a Python file")


def _uri_of(text: str) -> str | None:
    """A URI as given, or a path made one."""
    is_uri = ":" in text.split("/", 1)[0]
    return text if is_uri else from_fs_path(text)


@dataclass(frozen=True)
class GenerateWorkspaceArguments:
    """``devfocus.docs.generateWorkspace``: nothing, or ``[{ai}]``."""

    ai: bool = False  # the prose from the configured model (devfocus.ai), else the template

    @classmethod
    def parse(cls, args: Sequence[object]) -> GenerateWorkspaceArguments:
        first = plain(args[0]) if args else None
        if first is None:
            return cls()
        ai = first.get("ai", False) if isinstance(first, dict) else None
        if len(args) > 1 or not isinstance(ai, bool):
            raise ValueError(f"{GENERATE_WORKSPACE}: expected nothing or {{ai: true}}")
        return cls(ai)


@dataclass(frozen=True)
class GenerateWithAIArguments:
    """``devfocus.docs.generateWithAI``: ``[{uri, version, qualname}]``: one definition's
    docstring, written or updated with the configured model's prose (what the "with AI" quick
    fixes run). ``version``: the document's version the action was offered for; ``qualname``:
    the definition's qualified name (``Class.method``; "" for the module)."""

    uri: str
    qualname: str
    version: int | None = None

    @classmethod
    def parse(cls, args: Sequence[object]) -> GenerateWithAIArguments:
        options = _first_object(GENERATE_WITH_AI, args)
        uri, qualname, version = options.get("uri"), options.get("qualname"), options.get("version")
        if not isinstance(uri, str) or not uri or _uri_of(uri) is None:
            raise ValueError(f"{GENERATE_WITH_AI}: uri must be the URI of a Python file")
        if not isinstance(qualname, str):
            raise ValueError(f"{GENERATE_WITH_AI}: qualname must be a definition's name")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise ValueError(f"{GENERATE_WITH_AI}: version must be an integer")
        return cls(_uri_of(uri) or uri, qualname, version)


@dataclass(frozen=True)
class WriteCommitArguments:
    """``devfocus.commit.writeWithAI``: ``[{uri, version}]`` or ``[uri]``: the commit message
    document (COMMIT_EDITMSG) whose message is drafted."""

    uri: str
    version: int | None = None  # the version the action was listed for

    @classmethod
    def parse(cls, args: Sequence[object]) -> WriteCommitArguments:
        first = plain(args[0]) if args else None
        version: JsonValue = None
        if isinstance(first, dict):
            version = first.get("version")
            first = first.get("uri")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise ValueError(f"{WRITE_COMMIT_WITH_AI}: version must be an integer")
        if isinstance(first, str) and first:
            return cls(first, version)
        raise ValueError(f"{WRITE_COMMIT_WITH_AI}: expected {{uri, version}} of a commit message")


@dataclass(frozen=True)
class FocusStartArguments:
    """``devfocus.focus.start``: ``[{minutes}]``, ``[minutes]`` or nothing (then
    ``devfocus.focusBlock.minutes``). Minutes from 0.01 to 480; fractions allowed."""

    minutes: float | None = None

    @classmethod
    def parse(cls, args: Sequence[object]) -> FocusStartArguments:
        # Deferred: the focus block's bounds load with the first block.
        from devfocus.activity.focusblock import MAX_MINUTES, MIN_MINUTES

        first = plain(args[0]) if args else None
        if len(args) > 1:
            raise ValueError(f"{FOCUS_START}: expected one object {{minutes}}")
        minutes = first.get("minutes") if isinstance(first, dict) else first
        if isinstance(minutes, str):
            try:
                minutes = float(minutes)
            except ValueError:
                raise ValueError(f"{FOCUS_START}: minutes must be a number") from None
        if minutes is None:
            return cls(None)
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)):
            raise ValueError(f"{FOCUS_START}: minutes must be a number")
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise ValueError(
                f"{FOCUS_START}: minutes must be from {MIN_MINUTES:g} to {MAX_MINUTES:g}; "
                f"got {minutes:g}"
            )
        return cls(float(minutes))


# -- notification params from the client ---------------------------------------------------------
@dataclass(frozen=True)
class WindowStateParams:
    """``devfocus/windowState``: the editor's window gained or lost focus."""

    focused: bool

    @classmethod
    def parse(cls, params: object) -> WindowStateParams:
        return cls(_boolean_field(params, "focused"))


@dataclass(frozen=True)
class ActiveEditorParams:
    """``devfocus/activeEditor``: the file in front of the user (null: none, or not a file)."""

    uri: str | None

    @classmethod
    def parse(cls, params: object) -> ActiveEditorParams:
        uri = getattr(params, "uri", ...)
        if uri is not None and not isinstance(uri, str):
            raise ValueError("{uri: string | null}")
        return cls(uri)


@dataclass(frozen=True)
class WorkspaceTrustParams:
    """``devfocus/workspaceTrust``: the editor's trust in the workspace changed."""

    trusted: bool

    @classmethod
    def parse(cls, params: object) -> WorkspaceTrustParams:
        return cls(_boolean_field(params, "trusted"))


def _boolean_field(params: object, name: str) -> bool:
    """``params.name``, which must be true or false (ValueError saying what was expected)."""
    value = getattr(params, name, None)
    if not isinstance(value, bool):
        raise ValueError(f"{{{name}: boolean}}")
    return value


# -- results -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatusContext:
    """Where attention is: a project and the branch checked out there."""

    project: str  # the project's name
    root: str  # its root, a POSIX path
    branch: str | None


@dataclass(frozen=True)
class StatusTask:
    """What the current stretch of work is for: set by hand, else the branch's."""

    title: str
    kind: str | None
    ref: str | None
    label: str
    source: str  # "manual" | "branch" | "commit"
    # An imported issue's: its priority, page and tracker ("github" | "jira").
    priority: str | None = field(default=None, metadata=OMITTED)
    url: str | None = field(default=None, metadata=OMITTED)
    tracker: str | None = field(default=None, metadata=OMITTED)
    links: tuple[WireLink, ...] = ()  # pages attached to it (devfocus.task.link, the importer)


@dataclass(frozen=True)
class NotRead:
    """A repository that is not read (another user's, outside ``devfocus.git.trust``), and why."""

    root: str
    reason: str


@dataclass(frozen=True)
class GitAccess:
    """The status's ``git`` part: on, off (and why), or waiting for the workspace's trust."""

    state: Literal["on", "off", "untrusted"]
    reason: str | None
    not_read: tuple[NotRead, ...]

    @classmethod
    def of(cls, access: Access) -> GitAccess:
        refused = tuple(NotRead(root, why) for root, why in access.not_read)
        return cls(access.state, access.reason, refused)


@dataclass(frozen=True)
class AIState:
    """The status's ``ai`` part, present when a provider is configured: whether it answers."""

    provider: str
    model: str
    state: Literal["ready", "degraded", "unconfigured"]
    reason: str | None = None  # why it is degraded or unconfigured: no-key, paused, timeout...
    message: str | None = None  # the last failure (or what is missing), in words
    paused_until: str | None = None  # ISO 8601, UTC: while paused after repeated failures

    @classmethod
    def of(cls, health: Health) -> AIState | None:
        if health.state == "off":
            return None
        # Deferred: loaded with the first status.
        from devfocus.timeutil import iso_utc

        paused = iso_utc(health.paused_until) if health.paused_until is not None else None
        message = health.last_error if health.state != "ready" else None
        return cls(health.provider, health.model, health.state, health.reason, message, paused)


@dataclass(frozen=True)
class WireFocusBlock:
    """The running focus block, in whichever window it was started."""

    start: str  # ISO 8601, UTC
    end: str  # ISO 8601, UTC: when it ends as planned
    remaining_seconds: int
    switches: int  # context switches made during it so far

    @classmethod
    def of(cls, block: FocusBlock, now: float) -> WireFocusBlock:
        # Deferred: loaded with the first status.
        from devfocus.timeutil import iso_utc

        return cls(
            iso_utc(block.start),
            iso_utc(block.end),
            math.ceil(block.remaining(now)),
            block.switches,
        )


@dataclass(frozen=True)
class WireGoal:
    """Progress toward one goal (``devfocus.goals.*``); only goals that are set are sent."""

    kind: Literal["dailyFocus", "weeklyFocus", "dailyDeepWork", "weeklyDeepWork"]
    target_seconds: int
    done_seconds: int
    share: float  # done over target: 1 is the goal met, more is past it

    @classmethod
    def of(cls, goal: GoalProgress) -> WireGoal:
        share = round(goal.share, 3)
        return cls(goal.kind, int(goal.target_seconds), int(goal.done_seconds), share)


@dataclass(frozen=True)
class WireStatus:
    """The ``devfocus/status`` notification, and the result of ``devfocus.status``,
    ``devfocus.tracking.pause`` and ``devfocus.tracking.resume``."""

    state: Literal["active", "idle", "paused"]
    session_start: str | None  # ISO 8601, UTC
    session_seconds: int
    today_seconds: int
    context: StatusContext | None
    switches_last_hour: int
    deep_work: bool
    deep_work_seconds: int
    task: StatusTask | None
    git: GitAccess | None = field(default=None, metadata=OMITTED)  # whether git features are on
    focus_block: WireFocusBlock | None = None  # the running focus block (any window's), or null
    goals: tuple[WireGoal, ...] = ()  # progress toward each goal that is set
    ai: AIState | None = field(default=None, metadata=OMITTED)  # only with a provider configured
    # The latest context switch of the last hour (for "why did you switch?"), if any.
    last_switch: LastSwitch | None = field(default=None, metadata=OMITTED)
    # The team's share of today's (UTC) focus in deep work, with a team database configured.
    team_deep_share_today: float | None = field(default=None, metadata=OMITTED)

    @classmethod
    def of(
        cls, status: Status, ai: Health | None = None, team_deep_share: float | None = None
    ) -> WireStatus:
        # Deferred: loaded with the first status.
        from devfocus.timeutil import iso_utc

        context = status.context
        task = status.task
        return cls(
            state=status.state,
            session_start=iso_utc(status.session_start)
            if status.session_start is not None
            else None,
            session_seconds=int(status.session_seconds),
            today_seconds=int(status.today_seconds),
            context=None
            if context is None
            else StatusContext(context.name, context.project, context.branch),
            switches_last_hour=status.switches_last_hour,
            deep_work=status.deep_work,
            deep_work_seconds=int(status.deep_work_today_seconds),
            task=None
            if task is None
            else StatusTask(
                task.title,
                task.kind,
                task.ref,
                task.label,
                task.source,
                task.priority,
                task.url,
                task.tracker,
                tuple(WireLink(k.url, k.title, k.source) for k in status.task_links),
            ),
            git=None if status.git is None else GitAccess.of(status.git),
            focus_block=None
            if status.focus_block is None
            else WireFocusBlock.of(status.focus_block, status.now),
            goals=tuple(WireGoal.of(goal) for goal in status.goals),
            ai=AIState.of(ai) if ai is not None else None,
            last_switch=None
            if status.last_switch is None
            else LastSwitch(
                iso_utc(status.last_switch.at),
                status.last_switch.before.label(),
                status.last_switch.after.label(),
                status.last_switch_reason,
            ),
            team_deep_share_today=None if team_deep_share is None else round(team_deep_share, 3),
        )


@dataclass(frozen=True)
class RepositoryImport:
    """One repository's part of ``devfocus.git.import``."""

    root: str
    new_commits: int
    unreachable: int  # commits no longer on any branch
    checkouts: int
    seconds: float
    problem: str | None

    @classmethod
    def of(cls, result: Imported) -> RepositoryImport:
        return cls(
            result.root,
            result.new_commits,
            result.unreachable,
            result.checkouts,
            round(result.seconds, 3),
            result.problem,
        )


@dataclass(frozen=True)
class ImportResult:
    """``devfocus.git.import``."""

    repositories: tuple[RepositoryImport, ...]
    # Why nothing was looked at (an untrusted workspace, `devfocus.git.trust` never).
    reason: str | None = field(default=None, metadata=OMITTED)
    # Repositories that are not read, and why.
    not_read: tuple[NotRead, ...] | None = field(default=None, metadata=OMITTED)


@dataclass(frozen=True)
class TaskResult:
    """``devfocus.task.set``: the task as stored (title and kind null once cleared)."""

    title: str | None
    kind: str | None
    project: str | None
    branch: str | None


@dataclass(frozen=True)
class ExportResult:
    """``devfocus.export``."""

    path: str
    format: str
    events: int
    # As JSON: the rows written of each git-history table.
    history: dict[str, int] | None = field(default=None, metadata=OMITTED)

    @classmethod
    def of(cls, path: str, fmt: str, exported: Exported) -> ExportResult:
        return cls(path, fmt, exported.events, dict(exported.history) or None)


# ``devfocus.focus.start`` and ``devfocus.focus.stop``: the block started or stopped (null when
# none was running to stop).
FocusBlockResult: TypeAlias = "WireFocusBlock | None"

# ``devfocus.data.delete``: rows erased, by what they were (events, commits, checkouts, ...).
ErasedCounts: TypeAlias = "dict[str, int]"


@dataclass(frozen=True)
class ReportFile:
    """``devfocus.report`` with ``open``: the private file the report was written to, and
    whether the editor said it showed it (window/showDocument)."""

    path: str
    uri: str
    shown: bool


@dataclass(frozen=True)
class WireSpan:
    start: str  # ISO 8601, local time with its offset
    end: str


@dataclass(frozen=True)
class WireEvidence:
    """What an insight stands on: named figures, and the sessions, files and commits behind it."""

    numbers: dict[str, float]  # camelCase names: {"switchesPerHour": 9.2, "baseline": 4.1}
    sessions: tuple[WireSpan, ...]
    files: tuple[str, ...]  # absolute paths
    commits: tuple[str, ...]  # commit ids


@dataclass(frozen=True)
class WireInsight:
    id: str  # stable across runs for the same finding
    kind: str  # context-switching, low-focus, fragmented-day, long-stretch, late-night, ...
    severity: str  # hint, information or warning
    start: str  # the time it covers, ISO 8601 local
    end: str
    message: str  # one plain sentence: what was found and what might help
    path: str | None  # the file it is about, if any
    definition: str | None  # the definition in it ("Cart.total"), if any
    evidence: WireEvidence


@dataclass(frozen=True)
class WirePeriod:
    name: str  # as asked (week, today, ...; custom for a range of days)
    start: str
    end: str


@dataclass(frozen=True)
class InsightsResult:
    """``devfocus.insights``: the period looked at and its insights, warnings first."""

    period: WirePeriod
    insights: tuple[WireInsight, ...]


# ``devfocus.report``: Markdown, the report as JSON data (its fields: the protocol's docs), or
# with ``open`` the file it was written to.
ReportResult: TypeAlias = "str | ReportFile | JsonObject"


@dataclass(frozen=True)
class DocsResult:
    """``devfocus.docs.generateFile``, ``devfocus.docs.generateWorkspace`` and
    ``devfocus.docs.generateWithAI``. With ``ai``, where each docstring's words came from."""

    applied: int  # docstrings written
    files: int
    refused: tuple[str, ...]  # places left alone, and why
    cancelled: bool
    failures: tuple[str, ...]  # why the editor did not apply an edit
    # With ai: docstrings whose words the model wrote now, that were kept from an earlier
    # answer, and that are the template's (fallbacks: why, for those the model failed).
    from_model: int | None = field(default=None, metadata=OMITTED)
    from_cache: int | None = field(default=None, metadata=OMITTED)
    from_template: int | None = field(default=None, metadata=OMITTED)
    fallbacks: tuple[str, ...] | None = field(default=None, metadata=OMITTED)


@dataclass(frozen=True)
class CommitFinding:
    """What the commit coach found in a message."""

    rule: str
    severity: str
    line: int  # 1-based, in the message
    message: str


@dataclass(frozen=True)
class CommitDraftResult:
    """``devfocus.commit.writeWithAI``: the drafted message, its score (out of 10, as the
    coach's) and what the coach found in it; ``applied``: whether the editor took the edit."""

    subject: str
    body: str
    score: float
    findings: tuple[CommitFinding, ...]
    applied: bool


# ``devfocus.commit.writeWithAI``: null when no draft was made (the reason is shown).
CommitDraftAnswer: TypeAlias = "CommitDraftResult | None"


@dataclass(frozen=True)
class Command:
    """A command: its name, what it takes (None: nothing) and the name of what it answers (a
    result class or type alias of this module)."""

    name: str
    arguments: type | None
    result: str


COMMANDS = (
    Command(STATUS_COMMAND, None, "WireStatus"),
    Command(PAUSE, None, "WireStatus"),
    Command(RESUME, None, "WireStatus"),
    Command(REPORT, ReportArguments, "ReportResult"),
    Command(INSIGHTS, InsightsArguments, "InsightsResult"),
    Command(GIT_IMPORT, None, "ImportResult"),
    Command(SET_TASK, TaskArguments, "TaskResult"),
    Command(EXPORT, ExportArguments, "ExportResult"),
    Command(DELETE, DeleteArguments, "ErasedCounts"),
    Command(GENERATE_FILE, GenerateFileArguments, "DocsResult"),
    # Takes GenerateWorkspaceArguments too ({ai}); listed as taking nothing, which it may.
    Command(GENERATE_WORKSPACE, None, "DocsResult"),
    Command(GENERATE_WITH_AI, GenerateWithAIArguments, "DocsResult"),
    Command(FOCUS_START, FocusStartArguments, "FocusBlockResult"),
    Command(FOCUS_STOP, None, "FocusBlockResult"),
    Command(WRITE_COMMIT_WITH_AI, WriteCommitArguments, "CommitDraftAnswer"),
    Command(ISSUES_SYNC, IssueSyncArguments, "IssueSyncResult"),
    Command(TASKS_LIST, TaskListArguments, "TaskListResult"),
    Command(TASK_LINK, TaskLinkArguments, "TaskLinkResult"),
    Command(SWITCH_ANNOTATE, SwitchAnnotateArguments, "SwitchNoteResult"),
)
NOTIFICATIONS = (
    (STATUS, WireStatus),
    (WINDOW_STATE, WindowStateParams),
    (ACTIVE_EDITOR, ActiveEditorParams),
    (WORKSPACE_TRUST, WorkspaceTrustParams),
)
