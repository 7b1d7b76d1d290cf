"""Reports: focus, sessions, deep work, switches and breakdowns over a period (pure)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo

from devfocus.activity.records import Activity, Context, Kind, TaskMark
from devfocus.activity.timeline import Segment, Switch, build_timeline, focus_between
from devfocus.git.sessions import SOURCE as HISTORY_SOURCE
from devfocus.insights.commitfacts import ATTACH_AFTER, CommitFact, segment_tasks
from devfocus.insights.model import Insight
from devfocus.insights.periods import Period
from devfocus.timeutil import day_bounds

HISTORY_LABEL = "(git history)"  # time inferred from commits: no editor, no language
# Activity before a period that still shapes it (a session or deep-work run crossing its start).
LOOKBACK_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Share:
    label: str
    seconds: float
    share: float  # of the period's focus time, 0..1
    project: str | None = None  # the project root, for project and branch rows


@dataclass(frozen=True)
class DayTotal:
    day: date
    focus_seconds: float
    deep_work_seconds: float
    sessions: int
    switches: int


@dataclass(frozen=True)
class SessionSummary:
    start: float
    end: float
    focus_seconds: float
    contexts: tuple[str, ...]  # labels, most time first
    switches: int
    task: str | None = None  # the label of the task with the most time
    commits: int = 0
    from_history: bool = False  # inferred from commits alone (no editor activity)


@dataclass(frozen=True)
class WeekScore:
    week: date  # the Monday
    score: float  # mean commit score, 0..10
    commits: int


@dataclass(frozen=True)
class DeepWorkSummary:
    start: float
    end: float
    focus_seconds: float
    context: Context


@dataclass(frozen=True)
class Report:
    period: Period
    generated_at: float
    project: str | None  # root the report is restricted to, if any
    focus_seconds: float
    deep_work_seconds: float
    lines_added: int
    lines_removed: int
    sessions: list[SessionSummary] = field(default_factory=list)
    deep_work: list[DeepWorkSummary] = field(default_factory=list)
    switches: list[Switch] = field(default_factory=list)
    by_project: list[Share] = field(default_factory=list)
    by_branch: list[Share] = field(default_factory=list)
    by_language: list[Share] = field(default_factory=list)
    by_editor: list[Share] = field(default_factory=list)
    by_day: list[DayTotal] = field(default_factory=list)
    by_task: list[Share] = field(default_factory=list)
    commits: list[CommitFact] = field(default_factory=list)
    coaching: list[WeekScore] = field(default_factory=list)
    # Of lines_added: those that arrived in single large changes (paste, completion, generated
    # code), not typed.
    bulk_lines_added: int = 0
    insights: list[Insight] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.focus_seconds <= 0 and not self.sessions and not self.commits

    @property
    def commit_score(self) -> float | None:
        scored = [c.score for c in self.commits if c.score is not None]
        return sum(scored) / len(scored) if scored else None


def _in_project(context: Context | None, project: str | None) -> bool:
    if project is None:
        return True
    if context is None:
        return False
    return context.project == project or context.project.startswith(project.rstrip("/") + "/")


def _shares(totals: dict[tuple[str, str | None], float], focus: float) -> list[Share]:
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0][0]))
    return [Share(label, s, s / focus if focus else 0.0, root) for (label, root), s in ranked]


def build_report(
    activities: Iterable[Activity],
    period: Period,
    *,
    idle_timeout: float,
    deep_work: float,
    now: float,
    tz: tzinfo | None = None,
    project: str | None = None,
    commits: Sequence[CommitFact] = (),
    marks: Sequence[TaskMark] = (),
) -> Report:
    """The report of ``period`` from ``activities`` (which should reach back
    :data:`LOOKBACK_SECONDS` before it). ``project`` restricts it to one project root; time is
    still computed over all projects first, so a pause spent elsewhere never counts.
    ``commits`` are the developer's (see :mod:`devfocus.insights.commitfacts`), ``marks`` the tasks
    set by hand."""
    acts = list(activities)
    timeline = build_timeline(acts, idle_timeout=idle_timeout, deep_work=deep_work)
    lo, hi = period.start, period.end
    bounds = {s.index: (s.start, s.end) for s in timeline.sessions}
    tasks = segment_tasks(timeline.segments, bounds, commits, marks)

    clipped: list[Segment] = []
    labels: list[str | None] = []  # the task label of each clipped segment
    for seg, task in zip(timeline.segments, tasks, strict=True):
        if seg.end <= lo or seg.start >= hi or not _in_project(seg.context, project):
            continue
        if seg.start < lo or seg.end > hi:
            seg = Segment(
                max(seg.start, lo),
                min(seg.end, hi),
                seg.context,
                seg.language,
                seg.path,
                seg.editor,
                seg.session,
                seg.bridged,
                seg.source,
            )
        clipped.append(seg)
        labels.append(task.label if task is not None else None)
    totals = _Totals.of(clipped, labels)
    focus = totals.focus

    switches = [
        sw
        for sw in timeline.switches
        if lo <= sw.at < hi and (_in_project(sw.before, project) or _in_project(sw.after, project))
    ]
    deep = [
        DeepWorkSummary(
            max(b.start, lo), min(b.end, hi), focus_between(clipped, b.start, b.end), b.context
        )
        for b in timeline.deep_work
        if b.end > lo and b.start < hi and _in_project(b.context, project)
    ]
    deep = [d for d in deep if d.focus_seconds > 0]
    shown = [
        c for c in commits if lo <= c.at < hi and _in_project(Context(c.root, c.branch), project)
    ]
    history_sessions = _history_sessions(timeline.segments)
    sessions = _sessions(clipped, labels, switches, shown, history_sessions)
    added, removed = _lines(acts, lo, hi, project)

    return Report(
        period=period,
        generated_at=now,
        project=project,
        focus_seconds=focus,
        deep_work_seconds=sum(d.focus_seconds for d in deep),
        lines_added=added,
        lines_removed=removed,
        sessions=sessions,
        deep_work=deep,
        switches=switches,
        by_project=_shares(totals.projects(), focus),
        by_branch=_shares(totals.branches(), focus),
        by_language=_shares(totals.languages, focus),
        by_editor=_shares(totals.editors, focus),
        by_day=_days(period, clipped, sessions, deep, switches, tz),
        by_task=_shares(totals.tasks, focus) if any(labels) else [],
        commits=shown,
        coaching=weekly_scores(shown, tz),
    )


@dataclass
class _Totals:
    """Focus seconds per task, context, language and editor, summed in one pass.

    Contexts are summed by object first and merged by value once per object: a Context is a
    frozen dataclass, and hashing it for each of 20,000 segments costs more than the rest."""

    focus: float
    tasks: dict[tuple[str, str | None], float]
    contexts: dict[Context | None, float]
    languages: dict[tuple[str, str | None], float]
    editors: dict[tuple[str, str | None], float]

    @classmethod
    def of(cls, segments: Sequence[Segment], labels: Sequence[str | None]) -> _Totals:
        # Keyed by plain values (hashed in C) while summing; the share keys are made at the end.
        focus = 0.0
        tasks: dict[str | None, float] = defaultdict(float)
        by_object: dict[int, float] = defaultdict(float)
        context_of: dict[int, Context | None] = {}
        languages: dict[str, float] = defaultdict(float)
        editors: dict[str, float] = defaultdict(float)
        for s, label in zip(segments, labels, strict=True):
            seconds = s.end - s.start
            focus += seconds
            tasks[label] += seconds
            key = id(s.context)
            context_of[key] = s.context
            by_object[key] += seconds
            language, editor = s.language, s.editor
            if language is None or editor is None:
                unknown = HISTORY_LABEL if s.source == HISTORY_SOURCE else "(unknown)"
                language, editor = language or unknown, editor or unknown
            languages[language] += seconds
            editors[editor] += seconds
        contexts: dict[Context | None, float] = defaultdict(float)
        for key, seconds in by_object.items():
            contexts[context_of[key]] += seconds
        by_task: dict[tuple[str, str | None], float] = defaultdict(float)
        for label, seconds in tasks.items():
            by_task[(label or "(no task)", None)] += seconds  # no label and "" are one row
        return cls(
            focus,
            by_task,
            contexts,
            {(name, None): v for name, v in languages.items()},
            {(name, None): v for name, v in editors.items()},
        )

    def projects(self) -> dict[tuple[str, str | None], float]:
        out: dict[tuple[str, str | None], float] = defaultdict(float)
        for ctx, seconds in self.contexts.items():
            out[(ctx.name, ctx.project) if ctx else ("(no project)", None)] += seconds
        return out

    def branches(self) -> dict[tuple[str, str | None], float]:
        out: dict[tuple[str, str | None], float] = defaultdict(float)
        for ctx, seconds in self.contexts.items():
            if ctx is not None:
                out[(f"{ctx.name} @ {ctx.branch or '(no branch)'}", ctx.project)] += seconds
        return out


def _lines(acts: Sequence[Activity], lo: float, hi: float, project: str | None) -> tuple[int, int]:
    """Lines added and removed by the edits that start in [lo, hi) (in ``project``)."""
    edit = Kind.EDIT  # read once: an enum member is looked up through a descriptor
    added = removed = 0
    for a in acts:
        if a.kind is edit and lo <= a.start < hi and _in_project(a.context, project):
            added += a.lines_added
            removed += a.lines_removed
    return added, removed


def _sessions(
    segments: Sequence[Segment],
    labels: Sequence[str | None],
    switches: Sequence[Switch],
    commits: Sequence[CommitFact],
    history_sessions: set[int],
) -> list[SessionSummary]:
    grouped: dict[int, list[tuple[Segment, str | None]]] = defaultdict(list)
    for s, label in zip(segments, labels, strict=True):
        grouped[s.session].append((s, label))
    switch_counts: dict[int, int] = defaultdict(int)
    for sw in switches:
        switch_counts[sw.session] += 1
    out = []
    for index, pairs in sorted(grouped.items()):
        per_object: dict[int, float] = defaultdict(float)  # by Context object, as in _Totals
        context_of: dict[int, Context | None] = {}
        per_task: dict[str | None, float] = defaultdict(float)
        for s, label in pairs:
            seconds = s.end - s.start
            key = id(s.context)
            if key not in context_of:
                context_of[key] = s.context
            per_object[key] += seconds
            per_task[label] += seconds
        per_context: dict[Context | None, float] = defaultdict(float)
        for key, seconds in per_object.items():
            per_context[context_of[key]] += seconds
        ranked = sorted(per_context.items(), key=lambda kv: -kv[1])
        names = tuple(c.label() if c else "(no project)" for c, _ in ranked)
        focus = sum(per_context.values())
        if focus > 0:
            start, end = pairs[0][0].start, pairs[-1][0].end
            out.append(
                SessionSummary(
                    start,
                    end,
                    focus,
                    names,
                    switch_counts[index],
                    task=max(per_task, key=lambda k: per_task[k]),  # None: mostly no task
                    commits=sum(1 for c in commits if start <= c.at <= end + ATTACH_AFTER),
                    from_history=index in history_sessions,
                )
            )
    return out


def _history_sessions(segments: Sequence[Segment]) -> set[int]:
    """Sessions made of history alone: every segment of theirs comes from commit spans."""
    editor = {s.session for s in segments if s.source != HISTORY_SOURCE}
    return {s.session for s in segments} - editor


def weekly_scores(commits: Sequence[CommitFact], tz: tzinfo | None = None) -> list[WeekScore]:
    """Mean commit score per local week (Monday first), oldest first."""
    scored = [(c.at, c.score) for c in commits if c.score is not None]
    if not scored:
        return []
    # Deferred: the coach's rules load only when there are scores to chart.
    from devfocus.git.coach import weekly_trend

    return [WeekScore(week, score, count) for week, score, count in weekly_trend(scored, tz)]


def _days(
    period: Period,
    segments: Sequence[Segment],
    sessions: Sequence[SessionSummary],
    deep: Sequence[DeepWorkSummary],
    switches: Sequence[Switch],
    tz: tzinfo | None,
) -> list[DayTotal]:
    out = []
    for day in period.days:
        lo, hi = day_bounds(day, tz)
        out.append(
            DayTotal(
                day,
                focus_between(segments, lo, hi),
                sum(focus_between(segments, max(d.start, lo), min(d.end, hi)) for d in deep),
                sum(1 for s in sessions if lo <= s.start < hi),
                sum(1 for sw in switches if lo <= sw.at < hi),
            )
        )
    return out
