"""Reports that can be shown to someone else: project, branch and task names, commit messages and
commit ids, and the files, definitions and names insights point at, replaced by stable aliases
(pure).

An alias is a keyed hash of the name (HMAC-SHA256 with the user's own secret key, kept on their
machine): the same project is ``project-3f9a1c`` in every report made with that key, so reports
can be compared over weeks, while no one without the key can test a guess ("is project-3f9a1c
acme-payments?"). Time, languages, editors, counts and scores stay as they are.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace

from devfocus.activity.records import Context
from devfocus.activity.tasks import Task
from devfocus.activity.timeline import Switch
from devfocus.insights.commitfacts import CommitFact
from devfocus.insights.focusreport import DeepWorkSummary, Report, SessionSummary, Share
from devfocus.insights.insight import Evidence, Insight

ALIAS_HEX = 6  # hex digits of an alias: 16.7 million per kind, collisions unlikely in one report
REDACTED_ROOT = "/redacted"  # where aliased projects "live" (reports show roots as paths)
BRANCH_SEPARATOR = " @ "  # as Context.label() joins a project and its branch


class Aliases:
    """Stable aliases of names, keyed by the user's secret."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a redaction key has at least 16 bytes")
        self._key = key
        self._cache: dict[tuple[str, str], str] = {}

    def of(self, kind: str, name: str, digits: int = ALIAS_HEX) -> str:
        """``kind-<hex>`` for ``name``; the same name and key give the same alias."""
        cached = self._cache.get((kind, name))
        if cached is None:
            mac = hmac.new(self._key, f"{kind}\0{name}".encode(), hashlib.sha256).hexdigest()
            cached = self._cache[(kind, name)] = f"{kind}-{mac[:digits]}"
        return cached

    def project_name(self, name: str) -> str:
        return self.of("project", name)

    def root(self, root: str) -> str:
        name = root.rstrip("/").rpartition("/")[2] or root
        return f"{REDACTED_ROOT}/{self.project_name(name)}"

    def branch(self, branch: str | None) -> str | None:
        return None if branch is None else self.of("branch", branch)

    def context(self, context: Context) -> Context:
        return Context(self.root(context.project), self.branch(context.branch))

    def label(self, label: str) -> str:
        """A context's label (``name @ branch`` or ``name``); placeholders such as
        ``(no project)`` stay."""
        if label.startswith("("):
            return label
        name, separator, branch = label.rpartition(BRANCH_SEPARATOR)
        if not separator:
            return self.project_name(label)
        return f"{self.project_name(name)}{BRANCH_SEPARATOR}{self.of('branch', branch)}"

    def task_label(self, label: str | None) -> str | None:
        if label is None or label.startswith("("):
            return label
        return self.of("task", label)

    def task(self, task: Task | None) -> Task | None:
        if task is None:
            return None
        title = self.of("task", task.title) if task.title else ""
        ref = None if task.ref is None else self.of("ref", task.ref)
        return replace(task, title=title, ref=ref)

    def commit_id(self, sha: str) -> str:
        """A stand-in as long as the id, hex like it: it still sorts and abbreviates."""
        mac = hmac.new(self._key, f"commit\0{sha}".encode(), hashlib.sha256).hexdigest()
        return mac[: len(sha)] if len(sha) <= len(mac) else mac


def redact(report: Report, aliases: Aliases) -> Report:
    """``report`` with every name of a project, branch, task and commit replaced by its alias."""
    return replace(
        report,
        project=None if report.project is None else aliases.root(report.project),
        sessions=[_session(s, aliases) for s in report.sessions],
        deep_work=[_deep_work(d, aliases) for d in report.deep_work],
        switches=[_switch(s, aliases) for s in report.switches],
        by_project=[_share(s, aliases.label(s.label), aliases) for s in report.by_project],
        by_branch=[_share(s, aliases.label(s.label), aliases) for s in report.by_branch],
        by_task=[_share(s, aliases.task_label(s.label) or "", aliases) for s in report.by_task],
        commits=[_commit(c, aliases) for c in report.commits],
        insights=[redact_insight(i, aliases) for i in report.insights],
        focus_by_file={},  # file names; what they were for (hotspots) is found before this
    )


def _session(session: SessionSummary, aliases: Aliases) -> SessionSummary:
    return replace(
        session,
        contexts=tuple(aliases.label(c) for c in session.contexts),
        task=aliases.task_label(session.task),
    )


def _deep_work(block: DeepWorkSummary, aliases: Aliases) -> DeepWorkSummary:
    return replace(block, context=aliases.context(block.context))


def _switch(switch: Switch, aliases: Aliases) -> Switch:
    return replace(
        switch, before=aliases.context(switch.before), after=aliases.context(switch.after)
    )


def _share(share: Share, label: str, aliases: Aliases) -> Share:
    project = None if share.project is None else aliases.root(share.project)
    return replace(share, label=label, project=project)


def _commit(commit: CommitFact, aliases: Aliases) -> CommitFact:
    return replace(
        commit,
        root=aliases.root(commit.root),
        branch=aliases.branch(commit.branch),
        sha=aliases.commit_id(commit.sha),
        subject=aliases.of("commit", commit.subject),
        task=aliases.task(commit.task),
        paths=tuple(_path(path, aliases, {}) for path in commit.paths),
    )


def redact_insight(insight: Insight, aliases: Aliases) -> Insight:
    """``insight`` with its file, definition, evidence files and commits aliased, and every one
    of those names (and the commit subjects it quotes) replaced in its message."""
    names: dict[str, str] = {}
    path = None if insight.path is None else _path(insight.path, aliases, names)
    definition = None
    if insight.definition is not None:
        definition = names[insight.definition] = aliases.of("definition", insight.definition)
        # "Cart.total" also appears as "total" in a message.
        last = insight.definition.rpartition(".")[2]
        names.setdefault(last, aliases.of("definition", last))
    # A docstring-debt insight names a project (its root is its one file).
    project = insight.kind == "docstring-debt"
    files = tuple(
        _root(f, aliases, names) if project else _path(f, aliases, names)
        for f in insight.evidence.files
    )
    commits = []
    for sha in insight.evidence.commits:
        alias = aliases.commit_id(sha)
        commits.append(alias)
        names[sha] = alias
        if len(sha) > 7:
            names[sha[:7]] = alias[:7]
    # Longest first: a path before the file name inside it.
    order = sorted((n for n in names if n), key=len, reverse=True)

    def hidden(text: str) -> str:
        for name in order:
            text = text.replace(name, names[name])
        return text

    evidence = Evidence(insight.evidence.numbers, insight.evidence.sessions, files, tuple(commits))
    return replace(
        insight,
        id=hidden(insight.id),  # ids name what they are about: "hotspot:/src/app/cart.py"
        path=path,
        definition=definition,
        message=hidden(insight.message),
        evidence=evidence,
    )


def _path(path: str, aliases: Aliases, names: dict[str, str]) -> str:
    """A file's alias: ``/redacted/file-<hex>.<ext>`` (the extension says the language)."""
    name = path.rpartition("/")[2]
    stem, dot, extension = name.rpartition(".")
    alias = aliases.of("file", path) + (f".{extension}" if dot and stem else "")
    names[path] = f"{REDACTED_ROOT}/{alias}"
    names.setdefault(name, alias)
    return names[path]


def _root(root: str, aliases: Aliases, names: dict[str, str]) -> str:
    alias = aliases.root(root)
    names[root] = alias
    name = root.rstrip("/").rpartition("/")[2]
    if name:
        names.setdefault(name, aliases.project_name(name))
    return alias
