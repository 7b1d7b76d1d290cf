"""Tasks as the editor and the CLI list them: imported issues and tasks set by hand, with the
time spent on each, their links, and the reasons given for context switches.

Everything here reads or writes through a :class:`~devfocus.store.database.Database` and runs on
the caller's thread (the store thread in the server, the main thread on the command line).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING

from devfocus.activity.tasks import Task, TaskLink
from devfocus.config import Settings
from devfocus.trackers.imported import TaskCatalog, TrackerIssue, task_of_issue

if TYPE_CHECKING:
    from devfocus.activity.records import Activity, SwitchNote
    from devfocus.activity.status import Status
    from devfocus.store.database import Database
    from devfocus.store.sqlrows import Source

_WORD = re.compile(r"\w+")
TIME_DAYS = 90  # how far back the time spent on tasks is counted
SWITCH_MATCH = 120.0  # seconds: a note this close to a switch is that switch's


@dataclass(frozen=True)
class TaskEntry:
    """A task as listed: what it is, where, the time spent on it and its links."""

    task: Task
    state: str | None  # "open" | "closed"; None for a task set by hand
    scope: str | None
    assigned_to_me: bool
    labels: tuple[str, ...]
    project: str | None
    seconds: float
    last_worked: float | None
    updated: float | None  # the tracker's last change
    links: tuple[TaskLink, ...]


def task_key(task: Task) -> str:
    """What links are kept under: the task's ref, else its title."""
    return task.ref or task.title


class CatalogCache:
    """The imported issues as a :class:`TaskCatalog`, read again only when they changed (the
    live status asks every few seconds; a sync changes them a few times an hour)."""

    def __init__(self) -> None:
        self._stamp: tuple[int, int] | None = None
        self._catalog = TaskCatalog(())

    def get(self, source: Source) -> TaskCatalog:
        from devfocus.store.sqlrows import reading
        from devfocus.store.trackerstore import load_issues

        with reading(source) as query:
            count, newest = query("SELECT count(*), max(updated_ms) FROM tracker_issues", {})[0]
        stamp = (int(count), int(newest or 0))
        if stamp != self._stamp:
            self._catalog = TaskCatalog(load_issues(source, with_body=False))
            self._stamp = stamp
        return self._catalog


def links_of(source: Source, task: Task) -> tuple[TaskLink, ...]:
    """The pages of ``task``: its issue's, the pull requests that name it, then the user's."""
    from devfocus.store.trackerstore import load_links, load_pulls

    out: list[TaskLink] = []
    if task.url:
        out.append(TaskLink(task.url, f"{task.ref} on {_tracker_name(task)}", "tracker", 0.0))
        if task.tracker == "github" and task.ref and task.ref.startswith("#"):
            number = int(task.ref[1:])
            out += [
                TaskLink(p.url, f"PR #{p.number} {p.title}", "pull", p.created)
                for p in load_pulls(source, naming=number)
                if task.url.startswith(_repo_url(p.url))
            ]
    out += load_links(source, [task_key(task)]).get(task_key(task), [])
    unique: dict[str, TaskLink] = {}
    for link in out:
        unique.setdefault(link.url, link)  # the first of a page attached twice
    return tuple(unique.values())


def _tracker_name(task: Task) -> str:
    return {"github": "GitHub", "jira": "Jira"}.get(task.tracker or "", task.tracker or "")


def _repo_url(url: str) -> str:
    """``https://github.com/o/r/pull/7`` → ``https://github.com/o/r/``."""
    head, sep, _ = url.rpartition("/pull/")
    return head + "/" if sep else url


def with_task_details(source: Source, status: Status, cache: CatalogCache) -> Status:
    """``status`` with its task resolved to the imported issue, the task's links, and the
    reason given for its last switch."""
    from devfocus.store.trackerstore import load_switch_notes

    task = status.task
    if task is not None:
        task = cache.get(source).resolve(task, status.context.project if status.context else None)
    links = links_of(source, task) if task is not None else ()
    reason = None
    if status.last_switch is not None:
        at = status.last_switch.at
        notes = load_switch_notes(source, at - SWITCH_MATCH, at + SWITCH_MATCH)
        near = [n for n in notes if abs(n.at - at) <= SWITCH_MATCH]
        reason = near[-1].reason if near else None
    return replace(status, task=task, task_links=links, last_switch_reason=reason)


# -- listing ------------------------------------------------------------------------------------
def list_tasks(
    database: Database,
    settings: Settings,
    *,
    now: float,
    query: str | None = None,
    kind: str | None = None,
    state: str | None = None,
    unwritten: Sequence[Activity] = (),
    tz: tzinfo | None = None,
) -> list[TaskEntry]:
    """Imported issues and tasks worked on in the last :data:`TIME_DAYS` days, assigned to me
    first, then by when they were last worked on, then by the tracker's last change."""
    from devfocus.app.reporting import make_report
    from devfocus.insights.periods import custom_period
    from devfocus.store.trackerstore import load_issues
    from devfocus.timeutil import local_date

    issues = database.read(lambda source: load_issues(source, with_body=False))
    today = local_date(now, tz)
    period = custom_period(today - timedelta(days=TIME_DAYS - 1), today, now, tz)
    report = make_report(
        database, period, settings, now=now, tz=tz, unwritten=unwritten, insights=False
    )
    seconds = {share.label: share.seconds for share in report.by_task}
    last: dict[str, float] = {}
    for session in report.sessions:
        if session.task:
            last[session.task] = max(last.get(session.task, 0.0), session.end)
    entries: dict[str, TaskEntry] = {}
    for issue in issues:
        task = task_of_issue(issue)
        entries[task.label] = _entry(issue, task, seconds, last)
    for label, spent in seconds.items():
        if label not in entries and label != "(no task)":
            entries[label] = TaskEntry(
                Task(label, None, None, "manual"),
                None,
                None,
                False,
                (),
                None,
                spent,
                last.get(label),
                None,
                (),
            )
    found = [e for e in entries.values() if _matches(e, query, kind, state)]
    exact = (query or "").strip().casefold()
    found.sort(
        key=lambda e: (
            # A query that is a key finds that issue first: "ABC-1" before "ABC-11".
            (e.task.ref or "").casefold() not in (exact, f"#{exact}"),
            not (e.assigned_to_me and e.state != "closed"),
            -(e.last_worked or 0.0),
            e.state == "closed",
            -(e.updated or 0.0),
            e.task.label,
        )
    )
    return found


def tasks_page(
    database: Database,
    settings: Settings,
    *,
    now: float,
    limit: int,
    query: str | None = None,
    kind: str | None = None,
    state: str | None = None,
    unwritten: Sequence[Activity] = (),
) -> tuple[list[TaskEntry], int]:
    """The first ``limit`` of :func:`list_tasks`, with their links, and how many there are."""
    entries = list_tasks(
        database,
        settings,
        now=now,
        query=query,
        kind=kind,
        state=state,
        unwritten=unwritten,
    )
    return with_links(database, entries[:limit]), len(entries)


def with_links(database: Database, entries: Sequence[TaskEntry]) -> list[TaskEntry]:
    """``entries`` with their links (read for those shown only)."""
    return database.read(
        lambda source: [replace(e, links=links_of(source, e.task)) for e in entries]
    )


def _entry(
    issue: TrackerIssue, task: Task, seconds: dict[str, float], last: dict[str, float]
) -> TaskEntry:
    return TaskEntry(
        task,
        issue.state,
        issue.scope,
        issue.assigned_to_me,
        issue.labels,
        issue.project,
        seconds.get(task.label, 0.0),
        last.get(task.label),
        issue.updated,
        (),
    )


def _matches(entry: TaskEntry, query: str | None, kind: str | None, state: str | None) -> bool:
    if kind is not None and entry.task.kind != kind:
        return False
    if state is not None and entry.state != state:
        return False
    if not query:
        return True
    # Each word of the query starts a word of the task (its key, title, labels, repository):
    # "file 12" finds "file 12" and "file 120", not "#112".
    repository = (entry.scope or "").split("/")[-2:]  # owner and name, not an Enterprise host
    words = _WORD.findall(" ".join((entry.task.label, *entry.labels, *repository)).casefold())
    return all(any(w.startswith(q) for w in words) for q in _WORD.findall(query.casefold()))


# -- links and switch notes ---------------------------------------------------------------------
def link_task(
    database: Database, task: Task, project: str | None, url: str, title: str | None, now: float
) -> tuple[TaskLink, ...]:
    """Attach ``url`` to ``task``; its links afterwards."""
    from devfocus.store.trackerstore import add_link

    link = TaskLink(url, title or url, "user", now)
    database.run(lambda engine: add_link(engine, project, task_key(task), link))
    return database.read(lambda source: links_of(source, task))


def annotate_switch(database: Database, note: SwitchNote, now: float) -> None:
    from devfocus.store.trackerstore import add_switch_note

    database.run(lambda engine: add_switch_note(engine, note, now))
