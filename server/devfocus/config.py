"""Typed settings: the one place that names every setting, its default, bounds and description.

The same definitions feed the language server (``initializationOptions``,
``workspace/configuration``), the CLI, VS Code's ``contributes.configuration`` in package.json and
the settings table in docs/settings.md (``scripts/sync_settings.py`` writes both; a test keeps
them in step).

On the wire settings are the ``devfocus`` section, nested and camelCase, for example
``{"sessions": {"idleTimeoutMinutes": 10}}``. A bad value never stops the server: it is reported as
a :class:`SettingProblem` naming the key, and the default is used instead.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

SECTION = "devfocus"
DATA_DIR_ENV = "DEVFOCUS_DATA_DIR"
DATABASE_FILE = "devfocus.db"

DEFAULT_EXCLUDES: tuple[str, ...] = (
    "**/.git/**",
    "**/.hg/**",
    "**/.svn/**",
    "**/node_modules/**",
    "**/.venv/**",
    "**/venv/**",
    "**/.tox/**",
    "**/.nox/**",
    "**/site-packages/**",
    "**/__pycache__/**",
)


def _setting(
    default: Any,
    description: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    choices: tuple[str, ...] | None = None,
    scope: str = "window",
    check: Callable[[Any], str | None] | None = None,
) -> Any:
    """A dataclass field carrying what the schema, docs/settings.md and validation need to know.

    ``scope`` is VS Code's: ``machine`` and ``application`` settings are ones a workspace must not
    set (VS Code ignores them in workspace settings, and they are restricted in untrusted
    workspaces). ``check``: what is wrong with a well-typed value, if anything.
    """
    meta = {
        "description": description,
        "minimum": minimum,
        "maximum": maximum,
        "choices": choices,
        "scope": scope,
        "check": check,
    }
    return field(default=default, metadata=meta)


# A setting that is one of its ``choices`` or a list of strings (``devfocus.git.trust``).
ChoiceOrList = str | tuple[str, ...]
# A JSON object of strings (``devfocus.issues.kindMap``), kept as sorted pairs: hashable, immutable.
StringPairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TrackingSettings:
    exclude: tuple[str, ...] = _setting(
        DEFAULT_EXCLUDES,
        "Files whose activity is never recorded: gitignore-style globs matched against the path "
        "inside the project; patterns starting with `/` or `~/` match absolute paths. Documents "
        "that are not `file:` URIs are never recorded either.",
    )


@dataclass(frozen=True)
class SessionSettings:
    idle_timeout_minutes: float = _setting(
        15.0,
        "A pause in activity longer than this ends a focus session. Shorter pauses (while the "
        "editor window keeps focus) count as focus time.",
        minimum=0.1,
        maximum=480,
    )
    deep_work_minutes: float = _setting(
        25.0,
        "Time in one project and branch, with no pause over 5 minutes and no context switch, "
        "that makes a deep-work block.",
        minimum=0.1,
        maximum=480,
    )


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = _setting(
        "",
        "SQLAlchemy URL of the activity database, for example "
        "`postgresql+psycopg://user@host/devfocus`. Empty: an SQLite file in the DevFocus data "
        "directory.",
        scope="machine-overridable",
    )


DOC_STYLES = ("auto", "google", "numpy", "sphinx", "epytext", "pep257")
SEVERITIES = ("error", "warning", "information", "hint")


@dataclass(frozen=True)
class DocsSettings:
    style: str = _setting(
        "auto",
        "Docstring style for new docstrings. `auto`: the style the file's docstrings already "
        "use, else the project's, else `google`. Existing docstrings are always updated in "
        "their own style.",
        choices=DOC_STYLES,
        scope="resource",
    )
    missing: str = _setting(
        "public",
        "Which definitions get a *missing docstring* diagnostic: `public` (modules, classes, "
        "functions and methods not named with a leading underscore, magic methods included), "
        "`all`, or `none`.",
        choices=("public", "all", "none"),
        scope="resource",
    )
    severity: str = _setting(
        "information",
        "Severity of docstring diagnostics (`devfocus-docs`).",
        choices=SEVERITIES,
        scope="resource",
    )
    line_length: float = _setting(
        0.0,
        "Line length for wrapping generated docstrings. 0: the project's `line-length` from "
        "pyproject.toml (ruff, then black), else 88.",
        minimum=0,
        maximum=400,
        scope="resource",
    )
    infer_types: bool = _setting(
        True,
        "Infer the return type of functions without a return annotation (with jedi) for the "
        "Returns section.",
        scope="resource",
    )


GIT_TRUST_CHOICES = ("owned", "never")


def _trust_folders(value: Any) -> str | None:
    """Folders of ``devfocus.git.trust`` must say where they are on their own."""
    if isinstance(value, str):
        return None
    for folder in value:
        if not os.path.isabs(os.path.expanduser(folder)):
            return "absolute folders (or ~/...)"
    return None


@dataclass(frozen=True)
class GitSettings:
    enabled: bool = _setting(
        True,
        "Read the history of the workspace's git repositories (commits, branch switches) and "
        "watch them for new commits and checkouts. Everything stays in the local database.",
    )
    authors: tuple[str, ...] = _setting(
        (),
        "Whose commits are your work, by email or name (after `.mailmap`). Empty: each "
        "repository's `user.email`.",
    )
    session_gap_minutes: float = _setting(
        30.0,
        "Sessions from history: commits less than this apart belong to one session.",
        minimum=1,
        maximum=1440,
    )
    first_commit_minutes: float = _setting(
        30.0,
        "Sessions from history: the time credited to the work before a session's first commit.",
        minimum=0,
        maximum=1440,
    )
    coach: bool = _setting(
        True,
        "Coach commit messages while they are written (`git-commit` documents): diagnostics "
        "and quick fixes.",
    )
    hover: bool = _setting(
        True,
        "Show a definition's history (recent commits, authors, your focus time) on hover "
        "(off when `devfocus.git.enabled` is false).",
    )
    trust: str | tuple[str, ...] = _setting(
        "owned",
        "Which git repositories DevFocus reads (history, branch names, hovers, the staged diff "
        "for commit coaching): `owned`, those you own or that your own git configuration lists "
        "in `safe.directory`, as git decides; `never`, none, and no git runs at all; or a list "
        "of folders, only the `owned` ones inside them. No value widens git's ownership rule. "
        "VS Code takes it from your user or remote settings only, never from a workspace's.",
        choices=GIT_TRUST_CHOICES,
        scope="machine",
        check=_trust_folders,
    )


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekdays(value: Any) -> str | None:
    if not value or any(day not in WEEKDAYS for day in value):
        return "a non-empty list of " + ", ".join(WEEKDAYS)
    return None


@dataclass(frozen=True)
class ReportSettings:
    work_week: tuple[str, ...] = _setting(
        WEEKDAYS[:5],
        "Your working days (`mon` … `sun`). The standup report looks back to the last of them: "
        "on a Monday, with the default, Friday.",
        check=_weekdays,
    )


INSIGHT_SEVERITIES = (*SEVERITIES, "off")


@dataclass(frozen=True)
class InsightSettings:
    switches_per_hour: float = _setting(
        6.0,
        "High context switching: more context switches per focused hour than this, and more "
        "than your own baseline (your previous 4 weeks).",
        minimum=0.5,
        maximum=120,
    )
    low_focus_share: float = _setting(
        0.5,
        "Low focus: deep-work time below this share of your baseline for the same length of "
        "time (0.5: half your usual).",
        minimum=0.05,
        maximum=1,
    )
    fragmented_session_minutes: float = _setting(
        20.0,
        "A fragmented day: its median focus session is shorter than this.",
        minimum=1,
        maximum=480,
    )
    long_stretch_minutes: float = _setting(
        90.0,
        "A long stretch without a break: continuous activity (no pause of 5 minutes or more) "
        "for longer than this.",
        minimum=10,
        maximum=1440,
    )
    late_hour: float = _setting(
        22.0,
        "Work after this hour (local time, 0–24), or on a day outside `devfocus.reports.workWeek`, "
        "counts as late or weekend work; it is an insight only when it is more than your own "
        "habit.",
        minimum=0,
        maximum=24,
    )
    bulk_lines: float = _setting(
        8.0,
        "A single change that inserts at least this many lines (a paste, a completion, generated "
        "code) counts as bulk insertion, apart from typed lines.",
        minimum=2,
        maximum=10000,
    )
    hotspot_commits: float = _setting(
        3.0,
        "A hotspot: a file or definition changed by at least this many of your commits in the "
        "period and among your files with the most focus time.",
        minimum=1,
        maximum=1000,
    )
    hotspot_severity: str = _setting(
        "hint",
        "Severity of hotspot diagnostics on definitions (`devfocus-insights`); `off`: none.",
        choices=INSIGHT_SEVERITIES,
        scope="resource",
    )


@dataclass(frozen=True)
class GoalSettings:
    daily_focus_minutes: float = _setting(
        0.0,
        "Daily focus-time goal, in minutes (0: none). The status shows progress toward it.",
        minimum=0,
        maximum=1440,
    )
    weekly_focus_minutes: float = _setting(
        0.0,
        "Weekly focus-time goal (Monday to Sunday), in minutes (0: none).",
        minimum=0,
        maximum=10080,
    )
    daily_deep_work_minutes: float = _setting(
        0.0,
        "Daily deep-work goal, in minutes (0: none).",
        minimum=0,
        maximum=1440,
    )
    weekly_deep_work_minutes: float = _setting(
        0.0,
        "Weekly deep-work goal (Monday to Sunday), in minutes (0: none).",
        minimum=0,
        maximum=10080,
    )


@dataclass(frozen=True)
class FocusBlockSettings:
    minutes: float = _setting(
        25.0,
        "Length of a focus block started without one (`devfocus.focus.start`).",
        minimum=1,
        maximum=480,
    )


@dataclass(frozen=True)
class NudgeSettings:
    context_switching: bool = _setting(
        False,
        "Nudge (a message with buttons) when you switched context "
        "`devfocus.nudges.switchesPerHour` times or more in the last hour. At most one per two "
        "hours, in one window.",
    )
    long_stretch: bool = _setting(
        False,
        "Nudge when you have worked `devfocus.nudges.stretchMinutes` without a break. At most "
        "one per two hours, in one window.",
    )
    switches_per_hour: float = _setting(
        8.0,
        "Context switches in the last hour that bring a context-switching nudge.",
        minimum=1,
        maximum=120,
    )
    stretch_minutes: float = _setting(
        100.0,
        "Minutes of activity without a break that bring a long-stretch nudge.",
        minimum=10,
        maximum=1440,
    )


AI_PROVIDERS = ("none", "anthropic", "openai", "openai-compatible")
# Never sent to a model, whatever else is allowed: secrets live in these files.
DEFAULT_AI_EXCLUDES: tuple[str, ...] = (
    ".env",
    ".env.*",
    "*.env",
    ".envrc",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "id_rsa*",
    "id_ed25519*",
    "id_ecdsa*",
    "**/secrets/**",
    "**/.secrets/**",
    "secrets.*",
    "*.secret",
    "*.secrets",
    "client_secret*.json",
    "credentials.*",
    "*credentials*.json",
    "*credentials*.y*ml",
    "*.credentials",
    "service-account*.json",
)


@dataclass(frozen=True)
class AISettings:
    provider: str = _setting(
        "none",
        "Who writes prose for docstrings, commit messages and report narratives: `none` (nothing "
        "leaves the machine), `anthropic` (Messages API), `openai` (Chat Completions) or "
        "`openai-compatible` (the OpenAI API at `baseUrl`: Ollama, LM Studio, vLLM, llama.cpp's "
        "server). The key comes from the environment: `ANTHROPIC_API_KEY`, `OPENAI_API_KEY`, or "
        "the variable `apiKeyEnv` names.",
        choices=AI_PROVIDERS,
        scope="machine-overridable",
    )
    model: str = _setting(
        "",
        "The model to ask. Empty: `claude-haiku-4-5` for Anthropic, `gpt-5-mini` for OpenAI; an "
        "OpenAI-compatible server needs the name of a model it serves (for example `llama3.2`).",
        scope="machine-overridable",
    )
    base_url: str = _setting(
        "",
        "Where the provider's API is, for a gateway, a proxy or a local server (for example "
        "`http://localhost:11434/v1` for Ollama). Empty: the provider's own API. A machine "
        "setting: a workspace cannot send your key elsewhere.",
        scope="machine",
    )
    api_key_env: str = _setting(
        "",
        "The environment variable holding the API key. Empty: `ANTHROPIC_API_KEY` or "
        "`OPENAI_API_KEY` by provider (an OpenAI-compatible server needs none).",
        scope="machine",
    )
    timeout_seconds: float = _setting(
        60.0,
        "Time limit of one request to the model, retries apart.",
        minimum=1,
        maximum=600,
    )
    max_retries: float = _setting(
        2.0,
        "Retries of a request that failed for a reason worth retrying (429, 5xx, overloaded, a "
        "dropped connection), with backoff honouring `Retry-After`.",
        minimum=0,
        maximum=10,
    )
    max_concurrent: float = _setting(
        4.0,
        "Requests to the model at the same time, at most.",
        minimum=1,
        maximum=64,
    )
    requests_per_minute: float = _setting(
        50.0,
        "Requests to the model in any minute, at most; a whole-workspace run queues rather "
        "than floods.",
        minimum=1,
        maximum=10000,
    )
    send_code: bool = _setting(
        False,
        "Send function bodies and diff hunks to the model. Off: only names, signatures, "
        "docstrings, commit subjects, file paths and change counts are sent.",
        scope="machine-overridable",
    )
    exclude: tuple[str, ...] = _setting(
        DEFAULT_AI_EXCLUDES,
        "Files never sent to a model, in any form (gitignore-style globs matched against the "
        "path inside the project).",
        scope="machine-overridable",
    )


def _kind_pairs(value: Any) -> str | None:
    # Deferred: the task rules load with the first value to check, not with the settings.
    from devfocus.activity.tasks import KINDS

    bad = sorted({kind for _, kind in value if kind not in KINDS})
    return f"kinds among {', '.join(KINDS)} (not {', '.join(bad)})" if bad else None


@dataclass(frozen=True)
class GitHubIssueSettings:
    enabled: bool = _setting(
        False,
        "Import the issues of the workspace's GitHub repositories (and of `query`) as tasks. The "
        "token comes from `GITHUB_TOKEN` (VS Code: **DevFocus: Connect GitHub**); without one "
        "only public repositories can be read, at GitHub's lower rate limit.",
        scope="machine-overridable",
    )
    api_url: str = _setting(
        "https://api.github.com",
        "GitHub's REST API: `https://api.github.com`, or GitHub Enterprise Server's "
        "`https://HOST/api/v3`. A machine setting: a workspace cannot send your token elsewhere.",
        scope="machine",
    )
    repositories: tuple[str, ...] = _setting(
        (),
        "Repositories to import, as `owner/name`. Empty: those the workspace's git remotes "
        "point to on the host of `apiUrl`.",
    )
    query: str = _setting(
        "",
        "Also import the issues a GitHub search finds (its syntax: `assignee:@me is:open`, "
        "`org:acme label:bug`), besides the repositories' issues.",
    )


@dataclass(frozen=True)
class JiraSettings:
    url: str = _setting(
        "",
        "Your Jira Cloud site (`https://acme.atlassian.net`). Empty: Jira is not used. The token "
        "comes from `DEVFOCUS_JIRA_TOKEN` (VS Code: **DevFocus: Connect Jira**). A machine "
        "setting: a workspace cannot send your token elsewhere.",
        scope="machine",
    )
    email: str = _setting(
        "",
        "The email of your Atlassian account: the token's user.",
        scope="machine",
    )
    jql: str = _setting(
        "",
        "Which issues to import, in JQL. Empty: yours that are open or were updated within "
        "`devfocus.issues.closedDays` (`assignee = currentUser() AND (statusCategory != Done OR "
        "updated >= -90d)`).",
    )


@dataclass(frozen=True)
class IssueSettings:
    sync_minutes: float = _setting(
        60.0,
        "Import issues when the server starts, at most this often (minutes); "
        "**DevFocus: Sync Issues** imports at once.",
        minimum=5,
        maximum=10080,
    )
    closed_days: float = _setting(
        90.0,
        "Closed issues are imported when closed within this many days.",
        minimum=1,
        maximum=3650,
    )
    kind_map: tuple[tuple[str, str], ...] = _setting(
        (),
        "Labels (GitHub) and issue types (Jira) that say a task's kind, beyond the usual ones "
        '(`bug`, `enhancement`, `Story`…): for example `{"regression": "bug", "spike": '
        '"feature"}`. Matched case-insensitively; it wins over the usual ones.',
        check=_kind_pairs,
    )
    github: GitHubIssueSettings = field(default_factory=GitHubIssueSettings)
    jira: JiraSettings = field(default_factory=JiraSettings)


TEAM_SHARE_LEVELS = ("totals", "totals+projects", "totals+tasks", "totals+projects+tasks")
TEAM_URL_ENV = "DEVFOCUS_TEAM_URL"


@dataclass(frozen=True)
class TeamSettings:
    database_url: str = _setting(
        "",
        "The team's PostgreSQL (`postgresql://you@host/team`), as the team's administrator "
        "handed it out, without its password: that comes from `DEVFOCUS_TEAM_URL` (the whole "
        "URL), `PGPASSWORD` or `~/.pgpass` (VS Code: **DevFocus: Connect Team Database**). Empty: "
        "nothing is shared. Only the aggregates `share` allows ever leave the machine.",
        scope="machine",
    )
    share: str = _setting(
        "totals",
        "What goes to the team database, per hour: `totals` (focus, deep work, switches, "
        "sessions); `+projects` and `+tasks` add the time per project or task name (see "
        "`aliases`). Never file names, code or commit messages. "
        "`devfocus team preview` shows what would be shared.",
        choices=TEAM_SHARE_LEVELS,
        scope="machine",
    )
    share_name: bool = _setting(
        False,
        "Show your own rows under your name in the team report. Off: you are only part of the "
        "team's totals, which hide any group smaller than the team's minimum size.",
        scope="machine",
    )
    aliases: tuple[tuple[str, str], ...] = _setting(
        (),
        "Names to share instead of project and task names, for example "
        '`{"acme-secret": "client work"}`. A project is shared by its folder\'s name, never its '
        "path.",
        scope="machine",
    )
    push_minutes: float = _setting(
        10.0,
        "How often the language server pushes new aggregates (minutes); "
        "`devfocus team push` pushes at once.",
        minimum=1,
        maximum=1440,
    )


@dataclass(frozen=True)
class Settings:
    tracking: TrackingSettings = field(default_factory=TrackingSettings)
    sessions: SessionSettings = field(default_factory=SessionSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    docs: DocsSettings = field(default_factory=DocsSettings)
    git: GitSettings = field(default_factory=GitSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)
    insights: InsightSettings = field(default_factory=InsightSettings)
    goals: GoalSettings = field(default_factory=GoalSettings)
    focus_block: FocusBlockSettings = field(default_factory=FocusBlockSettings)
    nudges: NudgeSettings = field(default_factory=NudgeSettings)
    ai: AISettings = field(default_factory=AISettings)
    issues: IssueSettings = field(default_factory=IssueSettings)
    team: TeamSettings = field(default_factory=TeamSettings)


@dataclass(frozen=True)
class SettingProblem:
    """A value that could not be used; ``key`` is the full dotted name, e.g. devfocus.x.y."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


@dataclass(frozen=True)
class SettingSpec:
    """One leaf setting, flattened for schemas and tables."""

    key: str  # full dotted camelCase name
    path: tuple[str, ...]  # attribute path in Settings
    type: Any
    default: Any
    description: str
    minimum: float | None
    maximum: float | None
    choices: tuple[str, ...] | None
    scope: str
    check: Callable[[Any], str | None] | None = None


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError("expected a number")
    return float(value)


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _string_tuple(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of strings")
    return tuple(value)


def _string_pairs(value: Any) -> StringPairs:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError("expected an object of strings")
    return tuple(sorted(value.items()))


def _choice_or_list(value: Any) -> ChoiceOrList:
    if isinstance(value, str):
        return value
    try:
        return _string_tuple(value)
    except TypeError:
        raise TypeError("expected a string or a list of strings") from None


# How a JSON value becomes each setting type, refusing the coercions JSON settings should not
# get ("15" is not 15). Plain functions: the settings' types are this handful, and reading them
# must not cost a converter library's import on every command.
_STRUCTURE: dict[Any, Callable[[Any], Any]] = {
    float: _number,
    str: _string,
    bool: _boolean,
    tuple[str, ...]: _string_tuple,
    ChoiceOrList: _choice_or_list,
    StringPairs: _string_pairs,
}


def _field_types(cls: type) -> list[tuple[dataclasses.Field[Any], Any]]:
    hints = typing.get_type_hints(cls)
    return [(f, hints[f.name]) for f in dataclasses.fields(cls)]


def _leaves(cls: type) -> list[tuple[tuple[str, ...], dataclasses.Field[Any], Any]]:
    """(attribute path, field, type) of every leaf setting under ``cls``."""
    out: list[tuple[tuple[str, ...], dataclasses.Field[Any], Any]] = []
    for f, tp in _field_types(cls):
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            out += [((f.name, *path), leaf, t) for path, leaf, t in _leaves(tp)]
        else:
            out.append(((f.name,), f, tp))
    return out


def setting_specs() -> list[SettingSpec]:
    """Every leaf setting with its full key, in declaration order."""
    specs = []
    for path, f, tp in _leaves(Settings):
        meta = f.metadata
        specs.append(
            SettingSpec(
                key=".".join([SECTION, *(camel_case(p) for p in path)]),
                path=path,
                type=tp,
                default=f.default,
                description=meta["description"],
                minimum=meta["minimum"],
                maximum=meta["maximum"],
                choices=meta["choices"],
                scope=meta["scope"],
                check=meta["check"],
            )
        )
    return specs


def _expand_dotted(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Accept ``{"sessions.idleTimeoutMinutes": 5}`` (flat, as some clients send) as nested."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            continue
        target = out
        *parents, last = key.split(".")
        for part in parents:
            nxt = target.get(part)
            if not isinstance(nxt, dict):
                nxt = target[part] = {}
            target = nxt
        if isinstance(value, Mapping):
            existing = target.get(last)
            merged = dict(existing) if isinstance(existing, dict) else {}
            merged.update(_expand_dotted(value))
            target[last] = merged
        else:
            target[last] = value
    return out


def layer(base: Any, override: Any) -> Any:
    """``override`` on top of ``base``, key by key (both raw sections, as clients send them).

    Used to read ``workspace/configuration`` over ``initializationOptions``: a key the editor
    does not set keeps the value it was started with.
    """
    if not isinstance(override, Mapping):
        return base if override is None else override
    if not isinstance(base, Mapping):
        return _expand_dotted(override)
    merged = _expand_dotted(base)
    for key, value in _expand_dotted(override).items():
        merged[key] = layer(merged.get(key), value) if isinstance(value, Mapping) else value
    return merged


def _describe(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _bounds(spec: SettingSpec) -> str:
    if spec.minimum is not None and spec.maximum is not None:
        return f"a number from {spec.minimum:g} to {spec.maximum:g}"
    return "a number"


def _choices(spec: SettingSpec) -> str:
    assert spec.choices is not None
    if spec.type == ChoiceOrList:
        return ", ".join(spec.choices) + " or a list of folders"
    return "one of " + ", ".join(spec.choices)


def section_of(raw: Any) -> Any:
    """Clients send either the ``devfocus`` section itself or an object holding it by name."""
    if isinstance(raw, Mapping) and isinstance(raw.get(SECTION), Mapping):
        return raw[SECTION]
    return raw


def load_settings(raw: Any) -> tuple[Settings, list[SettingProblem]]:
    """Build :class:`Settings` from the client's ``devfocus`` section.

    ``raw`` may be ``None``, the section itself, or an object holding it under ``"devfocus"``.
    Keys this version does not know are ignored; each unusable value (or group of values that is
    not an object) yields one problem, and the defaults stand in for it.
    """
    problems: list[SettingProblem] = []
    if raw is None:
        return Settings(), problems
    if not isinstance(raw, Mapping):
        problems.append(SettingProblem(SECTION, f"expected an object, got {_describe(raw)}"))
        return Settings(), problems
    section = section_of(_expand_dotted(raw))

    values: dict[tuple[str, ...], Any] = {}
    bad_groups: set[str] = set()
    for spec in setting_specs():
        node: Any = section
        parts = spec.key.split(".")
        for depth, part in enumerate(parts[1:], start=1):
            if not isinstance(node, Mapping):
                group = ".".join(parts[:depth])
                if group not in bad_groups:
                    bad_groups.add(group)
                    problems.append(
                        SettingProblem(group, f"expected an object, got {_describe(node)}")
                    )
                node = _MISSING
                break
            node = node.get(part, _MISSING)
            if node is _MISSING:
                break
        if node is _MISSING or node is None:
            continue
        problem = None
        try:
            value = _STRUCTURE[spec.type](node)
        except (TypeError, ValueError) as exc:
            problem = _bounds(spec) if spec.type is float else str(exc).removeprefix("expected ")
            if spec.type == ChoiceOrList:
                problem = _choices(spec)
        else:
            if spec.type is float and not _within(value, spec):
                problem = _bounds(spec)
            elif spec.choices is not None and isinstance(value, str) and value not in spec.choices:
                problem = _choices(spec)
            elif spec.check is not None:
                problem = spec.check(value)
        if problem is not None:
            problems.append(
                SettingProblem(
                    spec.key,
                    f"expected {problem}, got {_describe(node)}; using the default "
                    f"{_describe(spec.default)}",
                )
            )
            continue
        values[spec.path] = value

    return _build(Settings, values, ()), problems


def _build(cls: type[T], values: Mapping[tuple[str, ...], Any], prefix: tuple[str, ...]) -> T:
    """``cls`` with the values read under ``prefix``, groups within groups."""
    kwargs: dict[str, Any] = {}
    for f, tp in _field_types(cls):
        path = (*prefix, f.name)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            kwargs[f.name] = _build(tp, values, path)
        elif path in values:
            kwargs[f.name] = values[path]
    return cls(**kwargs)


_MISSING = object()


def _within(value: float, spec: SettingSpec) -> bool:
    if spec.minimum is not None and value < spec.minimum:
        return False
    return not (spec.maximum is not None and value > spec.maximum)


def data_dir() -> Path:
    """Where DevFocus keeps its data: ``$DEVFOCUS_DATA_DIR`` or the platform's user data dir."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # lazily: the server's start-up does not need it

    return Path(platformdirs.user_data_dir("devfocus", appauthor=False))


def default_database_file() -> Path:
    """DevFocus's own SQLite file: its folder and files are DevFocus's to keep private."""
    return data_dir() / DATABASE_FILE


def database_url(settings: Settings) -> str:
    """The effective database URL: the setting, or the SQLite file in :func:`data_dir`."""
    if settings.database.url.strip():
        return settings.database.url.strip()
    return f"sqlite:///{default_database_file().as_posix()}"
