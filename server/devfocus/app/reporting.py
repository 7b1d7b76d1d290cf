"""One code path for reports, whether the CLI or an editor asks.

Reports only read: through :meth:`Database.read`, so on the terminal an up-to-date SQLite file is
read with sqlite3 alone and SQLAlchemy is never imported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

from devfocus.activity.records import Activity, TaskMark
from devfocus.config import Settings
from devfocus.git.model import RepoCommit
from devfocus.insights.commitfacts import (
    CommitFact,
    GitHistory,
    HistoryRules,
    facts,
    my_commits,
    with_history,
)
from devfocus.insights.focusreport import LOOKBACK_SECONDS, Report, build_report
from devfocus.insights.periods import Period, resolve_period
from devfocus.store.events import load_activities
from devfocus.store.gitstore import load_checkouts, load_commits, load_tasks, repository_emails

if TYPE_CHECKING:
    from devfocus.store.database import Database
    from devfocus.store.sqlrows import Source

HABIT_DAYS = 90  # commit habits (for scores) are learned from this much history before a commit


def history_rules(settings: Settings) -> HistoryRules:
    git = settings.git
    return HistoryRules(
        authors=git.authors,
        gap=git.session_gap_minutes * 60,
        credit=git.first_commit_minutes * 60,
    )


def load_history(database: Database, start: float, end: float) -> GitHistory:
    return database.read(lambda source: _read_history(source, start, end))


def _read_history(source: Source, start: float, end: float) -> GitHistory:
    return GitHistory(
        commits=load_commits(source, start, end),
        checkouts=load_checkouts(source, start, end),
        marks=load_tasks(source, end),
        emails=repository_emails(source),
    )


def commit_scores(
    commits: Sequence[RepoCommit], everyone: Sequence[RepoCommit]
) -> dict[str, float]:
    """sha → score (0–10) of each of ``commits``, against its repository's habits."""
    if not commits:
        return {}
    # Deferred: the coach's rules load only when there are commits to score.
    from devfocus.git.coach import coach, habits_of

    by_root: dict[str, list[RepoCommit]] = defaultdict(list)
    for item in everyone:
        by_root[item.root].append(item)
    habits = {root: habits_of([i.commit for i in items]) for root, items in by_root.items()}
    return {
        i.commit.sha: coach(i.commit.message, i.commit.files, habits[i.root], merge=False).score
        for i in commits
        if not i.commit.merge and i.root in habits
    }


def make_report(
    database: Database,
    period_name: str | Period,
    settings: Settings,
    *,
    now: float,
    tz: tzinfo | None = None,
    project: str | None = None,
    unwritten: Sequence[Activity] = (),
) -> Report:
    """The report for ``period_name`` from the database, plus activity not written yet, plus
    what git history says where the editor saw nothing."""
    period = (
        period_name if isinstance(period_name, Period) else resolve_period(period_name, now, tz)
    )
    since = period.start - LOOKBACK_SECONDS
    git_since = since - HABIT_DAYS * 86400

    # Activity just after a past period still shapes its end (a pause bridged into it).
    until = min(now, period.end + LOOKBACK_SECONDS) + 1

    def read(source: Source) -> tuple[list[Activity], GitHistory | None]:
        stored = load_activities(source, since, until)
        history = _read_history(source, git_since, until) if settings.git.enabled else None
        return stored, history

    stored, history = database.read(read)  # one connection, one schema check
    activities = [*stored, *unwritten] if unwritten else stored
    sessions = settings.sessions
    idle, deep = sessions.idle_timeout_minutes * 60, sessions.deep_work_minutes * 60
    commits: list[CommitFact] = []
    marks: tuple[TaskMark, ...] = ()
    if history is not None:
        rules = history_rules(settings)
        mine = [i for i in my_commits(history, rules) if i.commit.authored_at >= since]
        checkouts = [c for c in history.checkouts if c.checkout.at >= since]
        activities = with_history(
            activities, mine, checkouts, rules, idle_timeout=idle, deep_work=deep
        )
        commits = facts(mine, commit_scores(mine, history.commits))
        marks = tuple(history.marks)
    return build_report(
        activities,
        period,
        idle_timeout=idle,
        deep_work=deep,
        now=now,
        tz=tz,
        project=project,
        commits=commits,
        marks=marks,
    )


def make_reports(
    database: Database,
    period: Period,
    settings: Settings,
    *,
    now: float,
    project: str | None = None,
    unwritten: Sequence[Activity] = (),
    compare: bool = False,
    redact: bool = False,
) -> tuple[Report, Report | None]:
    """The report of ``period`` and, with ``compare``, the one of the period before it; with
    ``redact``, both with names behind the user's stable aliases (the key is read from the data
    directory, so this runs off the event loop)."""
    from devfocus.insights.periods import previous_period

    def report_of(period: Period) -> Report:
        return make_report(
            database, period, settings, now=now, project=project, unwritten=unwritten
        )

    report = report_of(period)
    previous = report_of(previous_period(period)) if compare else None
    if not redact:
        return report, previous
    from devfocus.app.redaction import aliases
    from devfocus.insights.redact import redact as redacted

    keyed = aliases()
    return redacted(report, keyed), None if previous is None else redacted(previous, keyed)
