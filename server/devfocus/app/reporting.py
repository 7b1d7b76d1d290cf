"""One code path for reports, whether the CLI or an editor asks.

Reports only read: through :meth:`Database.read`, so on the terminal an up-to-date SQLite file is
read with sqlite3 alone and SQLAlchemy is never imported. The one exception is the figures of past
days the insights' baseline needs (app/baselines.py): a day not kept yet, or changed since, is
made once and written for the reports after it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from typing import TYPE_CHECKING

from devfocus.activity.records import Activity, SwitchNote, TaskMark
from devfocus.app.baselines import KeptDays, figures_rules, past_days, read_debt, read_kept_days
from devfocus.config import Settings
from devfocus.git.model import Commit, RepoCommit
from devfocus.insights.baseline import (
    Baseline,
    baseline_days,
    baseline_of,
    baseline_window,
    weekday_numbers,
)
from devfocus.insights.bulk import bulk_insertions
from devfocus.insights.commitfacts import (
    CommitFact,
    GitHistory,
    HistoryRules,
    facts,
    my_commits,
    with_history,
)
from devfocus.insights.detection import find_insights, period_facts
from devfocus.insights.detectors.inputs import DebtSnapshot, InsightRules
from devfocus.insights.focusreport import LOOKBACK_SECONDS, Report, build_report
from devfocus.insights.hotspots import commits_by_file, find_hotspots, rank_files
from devfocus.insights.insight import Insight
from devfocus.insights.periods import Period, resolve_period
from devfocus.store.events import load_activities
from devfocus.store.gitstore import load_checkouts, load_commits, load_tasks, repository_emails
from devfocus.store.trackerstore import load_issues, load_switch_notes
from devfocus.trackers.imported import TaskCatalog

if TYPE_CHECKING:
    from devfocus.store.database import Database
    from devfocus.store.sqlrows import Source
    from devfocus.trackers.analytics import IssueReport

HABIT_DAYS = 90  # commit habits (for scores) are learned from this much history before a commit
# The baseline's commit score: the last this many of the developer's commits before the period
# (scoring is per commit; a sample keeps a busy month cheap).
BASELINE_COMMITS = 200


def insight_rules(settings: Settings) -> InsightRules:
    """The detectors' thresholds from the settings."""
    insights = settings.insights
    return InsightRules(
        switches_per_hour=insights.switches_per_hour,
        low_focus_share=insights.low_focus_share,
        fragmented_session_minutes=insights.fragmented_session_minutes,
        long_stretch_minutes=insights.long_stretch_minutes,
        late_hour=insights.late_hour,
        work_week=weekday_numbers(settings.reports.work_week),
        hotspot_commits=insights.hotspot_commits,
    )


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
    from devfocus.git.coach import HABIT_SAMPLE, coach, habits_of

    by_root: dict[str, list[RepoCommit]] = defaultdict(list)
    for item in everyone:
        by_root[item.root].append(item)
    habits = {
        # The newest commits, as the editor's coaching learns them.
        root: habits_of(sorted((i.commit for i in items), key=_newest_first)[:HABIT_SAMPLE])
        for root, items in by_root.items()
    }
    return {
        i.commit.sha: coach(i.commit.message, i.commit.files, habits[i.root], merge=False).score
        for i in commits
        if not i.commit.merge and i.root in habits
    }


def _within(root: str, project: str) -> bool:
    return root == project or root.startswith(project.rstrip("/") + "/")


def _newest_first(commit: Commit) -> float:
    return -commit.committed_at


@dataclass(frozen=True)
class ReportInputs:
    """What a report of a period is made of, read in one transaction: the activity (with what
    git history says where the editor saw nothing), the developer's commits, the tasks set by
    hand, the reasons given for switches and the imported issues."""

    period: Period
    activities: list[Activity]
    commits: list[CommitFact]
    marks: tuple[TaskMark, ...]
    switch_notes: list[SwitchNote]
    catalog: TaskCatalog
    idle_timeout: float  # seconds
    deep_work: float  # seconds
    # For the insights: the figures of the weeks before and the history they are measured with.
    extra: _InsightData | None = None
    history: GitHistory | None = None
    everything: list[RepoCommit] = field(default_factory=list)
    history_rules: HistoryRules | None = None
    base_scores: list[float] = field(default_factory=list)


def read_inputs(
    database: Database,
    period: Period,
    settings: Settings,
    *,
    now: float,
    tz: tzinfo | None = None,
    unwritten: Sequence[Activity] = (),
    insights: bool = True,
) -> ReportInputs:
    """The inputs of the report of ``period`` (see :class:`ReportInputs`); with ``insights``,
    what its insights need as well."""
    since = period.start - LOOKBACK_SECONDS
    git_since = since - HABIT_DAYS * 86400
    base_start, base_end = baseline_window(period.days[0], tz)

    # Activity just after a past period still shapes its end (a pause bridged into it).
    until = min(now, period.end + LOOKBACK_SECONDS) + 1

    rules_key = figures_rules(settings, tz)
    before_days = baseline_days(period.days[0])

    def read(
        source: Source,
    ) -> tuple[list[Activity], GitHistory | None, _Tasks, _InsightData | None]:
        stored = load_activities(source, since, until)
        history = _read_history(source, git_since, until) if settings.git.enabled else None
        tasks = _Tasks(
            TaskCatalog(load_issues(source, with_body=False)),
            load_switch_notes(source, period.start, period.end),
        )
        if not insights:
            return stored, history, tasks, None
        # The weeks before, as kept day by day: the baseline needs their figures, not events.
        kept = read_kept_days(source, before_days, rules_key, tz)
        return stored, history, tasks, _InsightData(kept, read_debt(source, base_start, until))

    stored, history, tasks, extra = database.read(read)  # one connection
    activities = [*stored, *unwritten] if unwritten else stored
    sessions = settings.sessions
    idle, deep = sessions.idle_timeout_minutes * 60, sessions.deep_work_minutes * 60
    commits: list[CommitFact] = []
    marks: tuple[TaskMark, ...] = ()
    base_scores: list[float] = []
    everything: list[RepoCommit] = []
    rules: HistoryRules | None = None
    if history is not None:
        rules = history_rules(settings)
        everything = my_commits(history, rules)
        mine = [i for i in everything if i.commit.authored_at >= since]
        checkouts = [c for c in history.checkouts if c.checkout.at >= since]
        activities = with_history(
            activities, mine, checkouts, rules, idle_timeout=idle, deep_work=deep
        )
        before: list[RepoCommit] = []
        if insights:
            before = [i for i in everything if base_start <= i.commit.authored_at < base_end]
            before = sorted(before, key=lambda i: i.commit.authored_at)[-BASELINE_COMMITS:]
        scores = commit_scores([*before, *mine], history.commits)
        base_scores = [scores[i.commit.sha] for i in before if i.commit.sha in scores]
        commits = facts(mine, scores, tasks.catalog)
        marks = tuple(history.marks)
    return ReportInputs(
        period,
        activities,
        commits,
        marks,
        tasks.notes,
        tasks.catalog,
        idle,
        deep,
        extra,
        history,
        everything,
        rules,
        base_scores,
    )


def make_report(
    database: Database,
    period_name: str | Period,
    settings: Settings,
    *,
    now: float,
    tz: tzinfo | None = None,
    project: str | None = None,
    unwritten: Sequence[Activity] = (),
    insights: bool = True,
) -> Report:
    """The report for ``period_name`` from the database, plus activity not written yet, plus
    what git history says where the editor saw nothing; with ``insights``, what the detectors
    find in it against the 4 weeks before (read in the same transaction)."""
    period = (
        period_name if isinstance(period_name, Period) else resolve_period(period_name, now, tz)
    )
    given = read_inputs(
        database, period, settings, now=now, tz=tz, unwritten=unwritten, insights=insights
    )
    activities, extra, history = given.activities, given.extra, given.history
    report = build_report(
        activities,
        period,
        idle_timeout=given.idle_timeout,
        deep_work=given.deep_work,
        now=now,
        tz=tz,
        project=project,
        commits=given.commits,
        marks=given.marks,
        switch_notes=given.switch_notes,
        catalog=given.catalog,
    )
    if extra is None:
        return report
    base_start, base_end = baseline_window(period.days[0], tz)
    thresholds = insight_rules(settings)
    figures = past_days(
        database,
        extra.kept,
        settings,
        commits=given.everything,
        checkouts=history.checkouts if history is not None else (),
        history_rules=given.history_rules,
        work_week=thresholds.work_week,
        tz=tz,
    )
    baseline = baseline_of(
        figures, base_start, base_end, late_hour=thresholds.late_hour, scores=given.base_scores
    )
    in_period = [
        i
        for i in given.everything
        if period.start <= i.commit.authored_at < period.end
        and (project is None or _within(i.root, project))
    ]
    found = _insights(report, activities, baseline, thresholds, tz, extra.debt, in_period)
    return replace(report, insights=found)


@dataclass(frozen=True)
class _Tasks:
    """What the report's read brings for its tasks and switches."""

    catalog: TaskCatalog  # the issues imported from trackers
    notes: list[SwitchNote]  # the reasons given for switches in the period


@dataclass(frozen=True)
class _InsightData:
    """What the report's read brings for its insights."""

    kept: KeptDays  # the figures of the 4 weeks before, as kept
    debt: list[DebtSnapshot]  # docstring debt, from the 4 weeks before to the period's end


def _insights(
    report: Report,
    activities: Sequence[Activity],
    baseline: Baseline,
    rules: InsightRules,
    tz: tzinfo | None,
    debt: Sequence[DebtSnapshot],
    commits: Sequence[RepoCommit],
) -> list[Insight]:
    """What the detectors find in ``report`` (made of ``activities``, with the developer's
    ``commits`` of the period) against ``baseline``."""
    if report.project is not None:
        debt = [d for d in debt if d.project == report.project]
    facts_of_period = period_facts(report, activities, baseline, rules, tz=tz, debt=debt)
    period = report.period
    # Other finders plug in here, one line each: their insights of the same report.
    more: list[list[Insight]] = [
        bulk_insertions(report, activities),
        find_hotspots(
            rank_files(report.focus_by_file),
            commits_by_file(commits),
            min_commits=rules.hotspot_commits,
            start=period.start,
            end=period.end,
        ),
    ]
    return find_insights(facts_of_period, rules, more=more)


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

    def report_of(period: Period, insights: bool) -> Report:
        return make_report(
            database,
            period,
            settings,
            now=now,
            project=project,
            unwritten=unwritten,
            insights=insights,
        )

    report = report_of(period, True)
    # The period before is only compared with: its insights would not be shown.
    previous = report_of(previous_period(period), False) if compare else None
    if not redact:
        return report, previous
    from devfocus.app.redaction import aliases
    from devfocus.insights.redact import redact as redacted

    keyed = aliases()
    return redacted(report, keyed), None if previous is None else redacted(previous, keyed)


def make_issue_report(
    database: Database,
    period: Period,
    *,
    now: float,
    tz: tzinfo | None = None,
    project: str | None = None,
) -> IssueReport:
    """Issue analytics of ``period`` from the imported issues: every tracker's, or with
    ``project`` (a repository root) the issues synced for it. Issues from before the period
    count too: they make its backlog and the weeks its spikes are measured against."""
    # Deferred: only an issue report loads the analytics.
    from devfocus.trackers.analytics import issue_analytics

    issues = database.read(load_issues)
    if project is not None:
        issues = [i for i in issues if i.project is not None and _within(i.project, project)]
    scope = None
    scopes = {i.scope for i in issues}
    if len(scopes) == 1:
        scope = scopes.pop()
    return issue_analytics(issues, start=period.start, end=period.end, tz=tz, now=now, scope=scope)
