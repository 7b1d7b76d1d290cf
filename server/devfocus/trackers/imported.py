"""Issues imported from trackers, and how branch and commit references resolve to them (pure).

An issue is known by its tracker, its scope and its key: on GitHub the scope is the repository
(``owner/name``, lower case; GitHub Enterprise repositories are prefixed with their host) and the
key ``#123``; on Jira the scope is the site (``acme.atlassian.net``) and the key ``ABC-42``. A
reference ``#123`` in a branch or a commit means the issue of the repository the work happened
in (its git remotes say which); ``owner/name#123`` names the repository; ``ABC-42`` is looked up
on every Jira site, since project keys are unique within a site and rarely shared between sites.

Kinds come from labels (GitHub) or the issue type (Jira) through :data:`DEFAULT_KIND_MAP` and the
user's ``devfocus.issues.kindMap``; priorities from a priority field (Jira) or labels such as
``priority: high`` and ``P1`` (GitHub).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from devfocus.activity.tasks import KINDS, Task

TRACKERS = ("github", "jira")
STATES = ("open", "closed")
PRIORITIES = ("highest", "high", "medium", "low", "lowest")
BODY_KEPT = 4000  # characters of an issue's text kept, for finding likely duplicates


@dataclass(frozen=True, slots=True)
class TrackerIssue:
    """One issue as imported: what a task needs to show and what issue analytics count."""

    tracker: str  # "github" | "jira"
    scope: str  # "owner/name" (lower case) | "acme.atlassian.net"
    key: str  # "#123" | "ABC-42"
    title: str
    url: str  # the issue's page, for a person
    kind: str | None  # one of activity.tasks.KINDS
    priority: str | None  # one of PRIORITIES, or the tracker's own name, lower case
    state: str  # "open" | "closed"
    assigned_to_me: bool
    labels: tuple[str, ...]
    created: float  # epoch seconds
    updated: float
    closed: float | None
    body: str = ""  # the first BODY_KEPT characters, as plain text
    project: str | None = None  # the repository root it was synced for (GitHub), POSIX path

    def __post_init__(self) -> None:
        if self.tracker not in TRACKERS:
            raise ValueError(f"unknown tracker {self.tracker!r}")
        if self.state not in STATES:
            raise ValueError(f"unknown issue state {self.state!r}")
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"unknown task kind {self.kind!r}")


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A GitHub pull request seen among the issues: kept apart, and linked to the issues it
    names (``Fixes #12`` in its text, ``12-crash`` as its branch)."""

    scope: str
    number: int
    title: str
    url: str
    state: str  # "open" | "closed" (merged or not)
    created: float
    updated: float
    closed: float | None
    issues: tuple[int, ...]  # numbers of the issues of ``scope`` it refers to


# -- kinds and priorities -------------------------------------------------------------------

# Label or issue type (lower case) → kind. devfocus.issues.kindMap adds to it and wins.
_KIND_NAMES: Mapping[str, tuple[str, ...]] = {
    "bug": (
        *("bug", "defect", "type: bug", "kind/bug", "type/bug", "regression"),
        *("crash", "incident", "problem", "error"),
    ),
    "feature": (
        *("feature", "enhancement", "feature request", "story", "new feature"),
        *("type: feature", "kind/feature", "type/feature", "epic", "improvement"),
    ),
    "refactor": (
        *("refactor", "refactoring", "tech debt", "technical debt", "cleanup"),
        *("type: refactor", "kind/cleanup", "performance", "perf"),
    ),
    "docs": ("documentation", "docs", "doc", "type: docs", "kind/documentation"),
    "test": ("test", "tests", "testing", "type: test", "kind/test"),
    "chore": (
        *("chore", "maintenance", "dependencies", "ci", "build", "task"),
        *("sub-task", "subtask", "type: chore", "kind/chore", "infrastructure"),
    ),
}
DEFAULT_KIND_MAP: Mapping[str, str] = {
    name: kind for kind, names in _KIND_NAMES.items() for name in names
}

_PRIORITY_LABEL = re.compile(
    r"^(?:priority|prio|pri|severity|sev)\s*[:/=_ -]\s*(?P<name>[a-z0-9]+)$"
    r"|^(?P<p>p[0-4])$"
    r"|^(?P<word>critical|urgent|blocker|highest|high|medium|low|lowest)(?:[ -]priority)?$",
    re.IGNORECASE,
)
_PRIORITY_WORDS: Mapping[str, str] = {
    **dict.fromkeys(("p0", "0", "critical", "urgent", "blocker", "highest", "s0", "s1"), "highest"),
    **dict.fromkeys(("p1", "1", "high", "major", "s2"), "high"),
    **dict.fromkeys(("p2", "2", "medium", "normal", "moderate", "s3"), "medium"),
    **dict.fromkeys(("p3", "3", "low", "minor", "s4"), "low"),
    **dict.fromkeys(("p4", "4", "lowest", "trivial"), "lowest"),
}


def kind_of(names: Iterable[str], mapping: Mapping[str, str] | None = None) -> str | None:
    """The kind the first of ``names`` (labels, then the issue type) that maps to one says. The
    user's ``mapping`` wins over :data:`DEFAULT_KIND_MAP`; both match case-insensitively."""
    user = {k.strip().casefold(): v for k, v in (mapping or {}).items() if v in KINDS}
    for name in names:
        key = name.strip().casefold()
        kind = user.get(key) or DEFAULT_KIND_MAP.get(key)
        if kind is not None:
            return kind
    return None


def priority_of_labels(labels: Iterable[str]) -> str | None:
    """``priority: high``, ``P1``, ``critical``… among GitHub labels, as one of PRIORITIES."""
    for label in labels:
        m = _PRIORITY_LABEL.match(label.strip())
        if m is None:
            continue
        word = (m["name"] or m["p"] or m["word"]).casefold()
        if word in _PRIORITY_WORDS:
            return _PRIORITY_WORDS[word]
    return None


def priority_of_name(name: str | None) -> str | None:
    """A tracker's priority name (Jira's ``High``, ``P2``, ``Blocker``) as one of PRIORITIES; a
    name of the site's own that says nothing known stays, lower case."""
    if not name or not name.strip():
        return None
    word = name.strip().casefold()
    return _PRIORITY_WORDS.get(word, word)


# -- references -----------------------------------------------------------------------------

_QUALIFIED = re.compile(r"(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(?P<num>\d+)")


class TaskCatalog:
    """The imported issues, found by the references branches and commits make.

    ``repositories`` maps a project root to the GitHub scopes of its remotes (the first is the
    one a bare ``#123`` means when several hold it: ``origin`` is listed first).
    """

    def __init__(
        self,
        issues: Iterable[TrackerIssue],
        repositories: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._github: dict[tuple[str, str], TrackerIssue] = {}
        self._jira: dict[str, TrackerIssue] = {}
        for issue in issues:
            if issue.tracker == "github":
                self._github[(issue.scope, issue.key)] = issue
            else:
                # The same key on two sites: the newer wins (the one worked on now).
                known = self._jira.get(issue.key)
                if known is None or issue.updated > known.updated:
                    self._jira[issue.key] = issue
        self._repositories = {root: tuple(scopes) for root, scopes in (repositories or {}).items()}
        for issue in self._github.values():
            if issue.project and issue.scope not in self._repositories.get(issue.project, ()):
                self._repositories[issue.project] = (
                    *self._repositories.get(issue.project, ()),
                    issue.scope,
                )

    def __len__(self) -> int:
        return len(self._github) + len(self._jira)

    def find(self, ref: str | None, project: str | None) -> TrackerIssue | None:
        """The issue ``ref`` means in ``project`` (a root), if it was imported."""
        if not ref:
            return None
        if ref.startswith("#"):
            for scope in self._repositories.get(project or "", ()):
                found = self._github.get((scope, ref))
                if found is not None:
                    return found
            return None
        if (m := _QUALIFIED.fullmatch(ref)) is not None:
            wanted = m["repo"].casefold()
            key = f"#{m['num']}"
            for (scope, number), issue in self._github.items():
                if number == key and (scope == wanted or scope.endswith(f"/{wanted}")):
                    return issue
            return None
        return self._jira.get(ref)

    def resolve(self, task: Task | None, project: str | None) -> Task | None:
        """``task`` with the imported issue its ref names: the issue's title, kind, priority and
        page. A task whose ref names no imported issue is returned as it is."""
        if task is None or task.ref is None:
            return task
        issue = self.find(task.ref, project)
        if issue is None:
            return task
        return task_of_issue(issue, task)


def task_of_issue(issue: TrackerIssue, task: Task | None = None) -> Task:
    """The task an imported issue stands for (keeping ``task``'s source, when it came from one)."""
    base = task or Task(issue.title, issue.kind, issue.key, "manual")
    return replace(
        base,
        title=issue.title or base.title,
        kind=issue.kind or base.kind,
        ref=issue.key,
        priority=issue.priority,
        url=issue.url,
        tracker=issue.tracker,
    )
