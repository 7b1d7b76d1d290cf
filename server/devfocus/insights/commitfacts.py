"""Git history in reports: whose commits count, sessions inferred from them, each commit's task
and score, and the task of each stretch of focus (pure).

Editor activity is the authority wherever it exists: history only fills the time outside the
editor's sessions (see :func:`devfocus.git.sessions.history_activity`), and commits made during
an editor session are attached to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from devfocus.activity.records import Activity, Context, TaskMark
from devfocus.activity.tasks import Task, session_task, task_from_branch, task_from_message
from devfocus.activity.timeline import Segment, build_timeline
from devfocus.git.model import RepoCheckout, RepoCommit
from devfocus.git.sessions import CommitPoint, commit_sessions, history_activity
from devfocus.trackers.imported import TaskCatalog

ATTACH_AFTER = 300.0  # seconds: a commit this soon after a session's end still belongs to it


@dataclass(frozen=True)
class GitHistory:
    """What the store holds for a report's window."""

    commits: Sequence[RepoCommit] = ()  # every author's: habits are learned from all of them
    checkouts: Sequence[RepoCheckout] = ()
    marks: Sequence[TaskMark] = ()
    emails: Mapping[str, str | None] = field(default_factory=dict)  # root → user.email


@dataclass(frozen=True)
class HistoryRules:
    authors: tuple[str, ...] = ()  # emails or names; empty: each repository's user.email
    gap: float = 1800.0
    credit: float = 1800.0


PATHS_KEPT = 20  # a commit's paths a report keeps (a vendoring commit can change thousands)


@dataclass(frozen=True)
class CommitFact:
    """One of the developer's commits, as a report shows it."""

    at: float
    root: str
    branch: str | None
    sha: str
    subject: str
    author: str
    files: int
    additions: int
    deletions: int
    merge: bool
    reachable: bool
    task: Task | None
    score: float | None = None
    # The first files it changed (paths inside the repository), for narratives; ``files`` counts
    # them all.
    paths: tuple[str, ...] = ()

    @property
    def context(self) -> Context:
        return Context(self.root, self.branch)


def is_mine(item: RepoCommit, rules: HistoryRules, emails: Mapping[str, str | None]) -> bool:
    """Whether the developer wrote ``item``: by ``rules.authors``, else the repository's
    ``user.email``; a repository with neither (a fresh clone) counts every author."""
    wanted = rules.authors or ((emails.get(item.root) or ""),)
    folded = {w.strip().casefold() for w in wanted if w.strip()}
    if not folded:
        return True
    commit = item.commit
    return commit.author_email.casefold() in folded or commit.author_name.casefold() in folded


def my_commits(history: GitHistory, rules: HistoryRules) -> list[RepoCommit]:
    """The developer's commits, once each: a commit rewritten by a rebase (same author time,
    author and subject) is listed as the rewritten one still on a branch."""
    chosen: dict[tuple[str, float, str, str], RepoCommit] = {}
    for item in history.commits:
        if not is_mine(item, rules, history.emails):
            continue
        c = item.commit
        key = (item.root, c.authored_at, c.author_email, c.subject)
        kept = chosen.get(key)
        if kept is None or (item.reachable and not kept.reachable):
            chosen[key] = item
    return sorted(chosen.values(), key=lambda i: (i.commit.authored_at, i.commit.sha))


def facts(
    commits: Iterable[RepoCommit],
    scores: Mapping[str, float] | None = None,
    catalog: TaskCatalog | None = None,
) -> list[CommitFact]:
    """The commits as reports show them: each with its task (with ``catalog``, the imported
    issue its message names) and score."""
    scores = scores or {}
    out = []
    for item in commits:
        c = item.commit
        out.append(
            CommitFact(
                at=c.authored_at,
                root=item.root,
                branch=item.branch,
                sha=c.sha,
                subject=c.subject,
                author=c.author_name,
                files=len(c.files),
                additions=c.additions,
                deletions=c.deletions,
                merge=c.merge,
                reachable=item.reachable,
                task=_resolved(catalog, task_from_message(c.message), item.root),
                score=scores.get(c.sha),
                paths=tuple(f.path for f in c.files[:PATHS_KEPT]),
            )
        )
    return out


def with_history(
    editor: Sequence[Activity],
    commits: Sequence[RepoCommit],
    checkouts: Sequence[RepoCheckout],
    rules: HistoryRules,
    *,
    idle_timeout: float,
    deep_work: float,
) -> list[Activity]:
    """Editor activity plus the activity history adds outside the editor's sessions."""
    if not commits:
        return list(editor)
    points = [CommitPoint(i.commit.authored_at, i.root, i.branch, i.commit.sha) for i in commits]
    sessions = commit_sessions(points, gap=rules.gap, credit=rules.credit)
    covered = [
        (s.start, s.end)
        for s in build_timeline(editor, idle_timeout=idle_timeout, deep_work=deep_work).sessions
    ]
    moves = [(m.checkout.at, m.root, m.checkout.to_ref) for m in checkouts]
    added = history_activity(sessions, checkouts=moves, covered=covered)
    return sorted([*editor, *added], key=lambda a: a.start)


def segment_tasks(
    segments: Sequence[Segment],
    session_bounds: Mapping[int, tuple[float, float]],
    commits: Sequence[CommitFact],
    marks: Sequence[TaskMark],
    catalog: TaskCatalog | None = None,
) -> list[Task | None]:
    """The task of each segment (in time order): a task set by hand in its project until the
    branch there changes, else the branch's, else what the session's commits say; with
    ``catalog``, the imported issue its ref names (title, kind, priority)."""
    by_session: dict[int, list[str]] = defaultdict(list)
    for index, (start, end) in session_bounds.items():
        # Only commits that name a kind of work or an issue say what a session was for; a
        # plain subject ("wip", "more") is not a task.
        by_session[index] = [
            c.subject
            for c in commits
            if start <= c.at <= end + ATTACH_AFTER
            and not c.merge
            and c.task is not None
            and (c.task.kind or c.task.ref)
        ]
    session_tasks: dict[int, Task | None] = {}
    branch_tasks: dict[tuple[str | None, str | None], Task | None] = {}
    pending = sorted(marks, key=lambda m: m.set_at)
    next_mark = 0
    active: dict[str | None, TaskMark | None] = {}
    out: list[Task | None] = []
    for seg in segments:
        while next_mark < len(pending) and pending[next_mark].set_at <= seg.start:
            set_by_hand = pending[next_mark]
            active[set_by_hand.project] = set_by_hand if set_by_hand.title else None
            next_mark += 1
        context = seg.context
        project = context.project if context else None
        branch = context.branch if context else None
        mark = active.get(project)
        if mark is not None and mark.branch != branch:
            mark = active[project] = None  # the branch changed: the task set by hand ends
        if mark is not None:
            out.append(_resolved(catalog, Task(mark.title, mark.kind, mark.ref, "manual"), project))
            continue
        if (project, branch) not in branch_tasks:
            branch_tasks[(project, branch)] = _resolved(catalog, task_from_branch(branch), project)
        task = branch_tasks[(project, branch)]
        if task is None:
            if seg.session not in session_tasks:
                found = session_task(None, None, by_session[seg.session])
                session_tasks[seg.session] = _resolved(catalog, found, project)
            task = session_tasks[seg.session]
        out.append(task)
    return out


def _resolved(catalog: TaskCatalog | None, task: Task | None, project: str | None) -> Task | None:
    return task if catalog is None else catalog.resolve(task, project)


def current_task(
    context: Context | None, marks: Sequence[TaskMark], catalog: TaskCatalog | None = None
) -> Task | None:
    """The task now in ``context``: the latest hand-set one for its project and branch, else
    the branch's; with ``catalog``, the imported issue its ref names."""
    if context is None:
        return None
    task = task_from_branch(context.branch)
    for mark in sorted(marks, key=lambda m: m.set_at, reverse=True):
        if mark.project == context.project:
            if mark.title and mark.branch == context.branch:
                task = Task(mark.title, mark.kind, mark.ref, "manual")
            break
    return _resolved(catalog, task, context.project)
