"""Reports: focus, sessions, deep work, switches and breakdowns over a period (pure)."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from devfocus.activity.records import Activity, Context, Kind, TaskMark
from devfocus.activity.timeline import Segment, Switch, build_timeline, focus_between
from devfocus.git.sessions import SOURCE as HISTORY_SOURCE
from devfocus.insights.commitfacts import ATTACH_AFTER, CommitFact, segment_tasks
from devfocus.insights.insight import Insight
from devfocus.insights.periods import Period
from devfocus.insights.switchreasons import SwitchNote, reason_counts
from devfocus.timeutil import day_bounds
from devfocus.trackers.imported import TaskCatalog

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
    # Focus seconds per project, in the order of Report.by_project (an index, not a name: a
    # redacted report renames by_project and these follow). Not compared: a day is equal to
    # another by its totals.
    projects: tuple[float, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class WeekTotal:
    week: date  # the Monday
    focus_seconds: float
    deep_work_seconds: float

    @property
    def deep_work_share(self) -> float:
        return self.deep_work_seconds / self.focus_seconds if self.focus_seconds else 0.0


# Not frozen, as Segment: a week has thousands, a year a hundred thousand; treated as immutable.
@dataclass(slots=True)
class ContextSpan:
    """A stretch of one session spent in one context: a bar of the day's timeline."""

    start: float
    end: float
    focus_seconds: float
    branch: int | None  # the row of Report.by_branch (None: no project), as DayTotal.projects


# An hour × weekday matrix: 7 rows (Monday first) of 24 hours of local time, in seconds.
HourMatrix = tuple[tuple[float, ...], ...]
EMPTY_HOURS: HourMatrix = tuple((0.0,) * 24 for _ in range(7))


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


NarrativeSource = Literal["model", "cache", "programmatic"]


@dataclass(frozen=True)
class StandupNarrative:
    """The standup notes told in a few sentences: what was done, what is next, what is in the
    way."""

    yesterday: str
    today: str
    blockers: str


@dataclass(frozen=True)
class Narrative:
    """Prose beside a report's figures, never instead of them: written by a model, taken from
    the cache, or the engine's own sentences (``source``); ``note`` says why a model's text is
    not there, or which of its texts were set aside."""

    source: NarrativeSource
    summary: str  # the period (the week) in a few sentences
    sessions: tuple[str, ...] = ()  # one per Report.sessions, in their order
    standup: StandupNarrative | None = None  # with standup notes only
    note: str | None = None
    provider: str | None = None  # who wrote it (model and cache)
    model: str | None = None

    def provenance(self) -> str:
        """One sentence: where the text comes from, and why when it is the engine's."""
        who = f"{self.provider}, {self.model}" if self.model else str(self.provider)
        if self.source == "model":
            line = f"Written by the model ({who})."
        elif self.source == "cache":
            line = f"Written by the model ({who}) for this period earlier, kept in the cache."
        else:
            line = "The engine's own text"
            return f"{line}: {self.note}." if self.note else f"{line}."
        return f"{line} {self.note[0].upper()}{self.note[1:]}" if self.note else line


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
    # What the charts draw, summed in one pass over the period's segments.
    by_week: list[WeekTotal] = field(default_factory=list)
    spans: list[ContextSpan] = field(default_factory=list)
    focus_by_hour: HourMatrix = EMPTY_HOURS
    deep_work_by_hour: HourMatrix = EMPTY_HOURS
    # Focus seconds per file (absolute POSIX path): what hotspots rank files by. Not rendered.
    focus_by_file: dict[str, float] = field(default_factory=dict)
    # Asked for (devfocus report --narrate): the period told in prose, beside the figures.
    narrative: Narrative | None = None
    # Switches per reason (see insights.switchreasons), "unannotated" last; empty when no switch
    # of the period was annotated, and then no report shows it.
    switch_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.focus_seconds <= 0 and not self.sessions and not self.commits

    @property
    def commit_score(self) -> float | None:
        scored = [c.score for c in self.commits if c.score is not None]
        return sum(scored) / len(scored) if scored else None


def _project_key(context: Context | None) -> tuple[str, str | None]:
    """The key of a context's row in by_project (as _Totals.projects makes it)."""
    return (context.name, context.project) if context else ("(no project)", None)


def _branch_key(context: Context) -> tuple[str, str | None]:
    """The key of a context's row in by_branch (as _Totals.branches makes it)."""
    return (f"{context.name} @ {context.branch or '(no branch)'}", context.project)


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
    switch_notes: Sequence[SwitchNote] = (),
    catalog: TaskCatalog | None = None,
) -> Report:
    """The report of ``period`` from ``activities`` (which should reach back
    :data:`LOOKBACK_SECONDS` before it). ``project`` restricts it to one project root; time is
    still computed over all projects first, so a pause spent elsewhere never counts.
    ``commits`` are the developer's (see :mod:`devfocus.insights.commitfacts`), ``marks`` the tasks
    set by hand, ``switch_notes`` the reasons given for switches, ``catalog`` the issues
    imported from trackers (a task naming one shows its title, kind and priority)."""
    acts = list(activities)
    timeline = build_timeline(acts, idle_timeout=idle_timeout, deep_work=deep_work)
    lo, hi = period.start, period.end
    bounds = {s.index: (s.start, s.end) for s in timeline.sessions}
    tasks = segment_tasks(timeline.segments, bounds, commits, marks, catalog)

    clipped: list[Segment] = []
    labels: list[str | None] = []  # the task label of each clipped segment
    # One Task object stands for many segments: its label (a join) is made once.
    label_of: dict[int, str] = {}
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
        if task is None:
            labels.append(None)
            continue
        label = label_of.get(id(task))
        if label is None:
            label = label_of[id(task)] = task.label
        labels.append(label)
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
    added, removed, bulk = _lines(acts, lo, hi, project)
    by_project = _shares(totals.projects(), focus)
    by_branch = _shares(totals.branches(), focus)
    series = _chart_series(clipped, deep, period.days, tz, by_project, by_branch)
    by_day = _days(period, sessions, switches, tz, series)

    return Report(
        period=period,
        generated_at=now,
        project=project,
        focus_seconds=focus,
        deep_work_seconds=sum(d.focus_seconds for d in deep),
        lines_added=added,
        lines_removed=removed,
        bulk_lines_added=bulk,
        sessions=sessions,
        deep_work=deep,
        switches=switches,
        by_project=by_project,
        by_branch=by_branch,
        by_language=_shares(totals.languages, focus),
        by_editor=_shares(totals.editors, focus),
        by_day=by_day,
        by_task=_shares(totals.tasks, focus) if any(labels) else [],
        commits=shown,
        coaching=weekly_scores(shown, tz),
        by_week=_weeks(by_day),
        spans=series.spans,
        focus_by_hour=series.focus_by_hour,
        deep_work_by_hour=series.deep_by_hour,
        focus_by_file=totals.file_paths(),
        switch_reasons=reason_counts(switches, switch_notes),
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
    files: dict[tuple[int, str], float]  # (id of the context, path as recorded) → seconds
    context_of: dict[int, Context | None]

    @classmethod
    def of(cls, segments: Sequence[Segment], labels: Sequence[str | None]) -> _Totals:
        # Keyed by plain values (hashed in C) while summing; the share keys are made at the end.
        focus = 0.0
        tasks: dict[str | None, float] = defaultdict(float)
        by_object: dict[int, float] = defaultdict(float)
        context_of: dict[int, Context | None] = {}
        languages: dict[str, float] = defaultdict(float)
        editors: dict[str, float] = defaultdict(float)
        files: dict[tuple[int, str], float] = defaultdict(float)
        for s, label in zip(segments, labels, strict=True):
            seconds = s.end - s.start
            focus += seconds
            tasks[label] += seconds
            key = id(s.context)
            context_of[key] = s.context
            by_object[key] += seconds
            if s.path is not None:
                files[(key, s.path)] += seconds
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
            files,
            context_of,
        )

    def file_paths(self) -> dict[str, float]:
        """Focus per file, by absolute path: a recorded path is its project's, or absolute
        without one."""
        out: dict[str, float] = defaultdict(float)
        for (key, path), seconds in self.files.items():
            context = self.context_of[key]
            if context is not None and not path.startswith("/"):
                path = f"{context.project.rstrip('/')}/{path}"
            out[path] += seconds
        return dict(out)

    def projects(self) -> dict[tuple[str, str | None], float]:
        out: dict[tuple[str, str | None], float] = defaultdict(float)
        for ctx, seconds in self.contexts.items():
            out[_project_key(ctx)] += seconds
        return out

    def branches(self) -> dict[tuple[str, str | None], float]:
        out: dict[tuple[str, str | None], float] = defaultdict(float)
        for ctx, seconds in self.contexts.items():
            # Time outside every project is a row here too: the rows add up to the focus.
            out[_branch_key(ctx) if ctx is not None else _project_key(None)] += seconds
        return out


def _lines(
    acts: Sequence[Activity], lo: float, hi: float, project: str | None
) -> tuple[int, int, int]:
    """Lines added and removed by the edits that start in [lo, hi) (in ``project``), and of
    those added, the ones that arrived in bulk (single large changes)."""
    edit = Kind.EDIT  # read once: an enum member is looked up through a descriptor
    added = removed = bulk = 0
    for a in acts:
        if a.kind is edit and lo <= a.start < hi and _in_project(a.context, project):
            added += a.lines_added
            removed += a.lines_removed
            bulk += a.lines_bulk
    return added, removed, bulk


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
    commit_times = sorted(c.at for c in commits)  # bisected per session: a year has thousands
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
                    commits=bisect_right(commit_times, end + ATTACH_AFTER)
                    - bisect_left(commit_times, start),
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
    sessions: Sequence[SessionSummary],
    switches: Sequence[Switch],
    tz: tzinfo | None,
    series: _Series,
) -> list[DayTotal]:
    """The totals of each day: focus and deep work as the chart data's walk summed them, the
    sessions started and switches made counted by bisection (a year has 365 days and tens of
    thousands of each)."""
    starts = sorted(s.start for s in sessions)
    moments = sorted(sw.at for sw in switches)
    out = []
    for index, day in enumerate(period.days):
        lo, hi = day_bounds(day, tz)
        out.append(
            DayTotal(
                day,
                series.day_focus[index],
                series.day_deep[index],
                bisect_left(starts, hi) - bisect_left(starts, lo),
                bisect_left(moments, hi) - bisect_left(moments, lo),
                series.day_projects[index],
            )
        )
    return out


def _weeks(days: Sequence[DayTotal]) -> list[WeekTotal]:
    """The days' focus and deep work summed per local week (Monday first), oldest first."""
    weeks: dict[date, tuple[float, float]] = {}
    for d in days:
        monday = d.day - timedelta(days=d.day.weekday())
        focus, deep = weeks.get(monday, (0.0, 0.0))
        weeks[monday] = (focus + d.focus_seconds, deep + d.deep_work_seconds)
    return [WeekTotal(week, focus, deep) for week, (focus, deep) in sorted(weeks.items())]


@dataclass
class _Series:
    day_focus: list[float]  # per day of the period
    day_deep: list[float]
    day_projects: list[tuple[float, ...]]
    spans: list[ContextSpan]
    focus_by_hour: HourMatrix
    deep_by_hour: HourMatrix


def _hour_starts(days: Sequence[date], tz: tzinfo | None) -> tuple[list[float], list[int]]:
    """The start of every local hour of ``days``, and its cell (day index × 24 + hour of day,
    as the clock reads it: a DST day has 23 or 25 of them)."""
    starts: list[float] = []
    cells: list[int] = []
    for index, day in enumerate(days):
        lo, hi = day_bounds(day, tz)
        whole = hi - lo == 86400  # no clock change that day: the n-th hour is hour n
        t, n = lo, 0
        while t < hi:
            hour = n if whole else datetime.fromtimestamp(t, tz).hour
            starts.append(t)
            cells.append(index * 24 + hour)
            t += 3600
            n += 1
    return starts, cells


def _chart_series(
    segments: Sequence[Segment],
    deep: Sequence[DeepWorkSummary],
    days: Sequence[date],
    tz: tzinfo | None,
    by_project: Sequence[Share],
    by_branch: Sequence[Share],
) -> _Series:
    """Focus per day and project, per hour of each day (focus and deep work), and the spans of
    the day timeline, in one walk over ``segments`` (time order, not overlapping, inside the
    period) with the local hours and the deep-work blocks beside it."""
    starts, cells = _hour_starts(days, tz)
    # Where each hour ends; the last one never does (segments end inside the period).
    ends = [*starts[1:], math.inf]
    project_row = {(s.label, s.project): i for i, s in enumerate(by_project)}
    branch_row = {(s.label, s.project): i for i, s in enumerate(by_branch)}
    rows: dict[int, tuple[int, int | None]] = {}  # id(context) → (project row, branch row)
    focus_cells = [0.0] * (len(days) * 24)
    deep_cells = [0.0] * (len(days) * 24)
    day_projects = [[0.0] * len(by_project) for _ in days]
    spans: list[ContextSpan] = []
    span_start = span_end = span_focus = 0.0
    span_key: tuple[int, int | None] = (-1, None)
    span_context = span_session = -1
    blocks = [(d.start, d.end) for d in deep] + [(math.inf, math.inf)]  # one past the last
    hour = block = 0
    hour_end = ends[0]
    for seg in segments:
        start, end = seg.start, seg.end
        if end <= start:
            continue
        context = id(seg.context)
        # The day timeline: a span runs while the session and the context stay the same.
        if context != span_context or seg.session != span_session:
            key = rows.get(context)
            if key is None:
                ctx = seg.context
                key = rows[context] = (
                    project_row[_project_key(ctx)],
                    None if ctx is None else branch_row[_branch_key(ctx)],
                )
            if key != span_key or seg.session != span_session:  # equal contexts: one span
                if span_context != -1:
                    spans.append(ContextSpan(span_start, span_end, span_focus, span_key[1]))
                span_key, span_session = key, seg.session
                span_start, span_focus = start, 0.0
            span_context = context
        span_end = end
        span_focus += end - start
        project = span_key[0]
        while hour_end <= start:
            hour += 1
            hour_end = ends[hour]
        while blocks[block][1] <= start:
            block += 1
        h, cut_end = hour, hour_end
        while True:  # the segment, cut at the hours it crosses
            cut = end if end <= cut_end else cut_end
            cell = cells[h]
            focus_cells[cell] += cut - start
            day_projects[cell // 24][project] += cut - start
            b = block
            while blocks[b][0] < cut:  # the deep-work blocks it overlaps
                deep_cells[cell] += max(0.0, min(cut, blocks[b][1]) - max(start, blocks[b][0]))
                b += 1
            if cut >= end:
                break
            start, h = cut, h + 1
            cut_end = ends[h]
    if span_context != -1:
        spans.append(ContextSpan(span_start, span_end, span_focus, span_key[1]))
    return _Series(
        [sum(focus_cells[i * 24 : i * 24 + 24]) for i in range(len(days))],
        [sum(deep_cells[i * 24 : i * 24 + 24]) for i in range(len(days))],
        [tuple(row) for row in day_projects],
        spans,
        _by_weekday(focus_cells, days),
        _by_weekday(deep_cells, days),
    )


def _by_weekday(cells: Sequence[float], days: Sequence[date]) -> HourMatrix:
    """Per-day hour cells summed into weekday rows (Monday first)."""
    matrix = [[0.0] * 24 for _ in range(7)]
    for index, day in enumerate(days):
        row = matrix[day.weekday()]
        base = index * 24
        for hour in range(24):
            row[hour] += cells[base + hour]
    return tuple(tuple(row) for row in matrix)
