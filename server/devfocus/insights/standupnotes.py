"""Standup notes: what was done on the last working day and so far today, and what may be in the
way (pure).

Built from three reports of the same model as every other report: the recent days'
(:func:`recent_period`), which say which days were worked, then the last working day's and
today's so far (:func:`day_periods`). Likely blockers:

* a long session without a commit: a session of the two days with at least
  ``long_session_seconds`` of focus and no commit of the developer's in it;
* a task that keeps coming back: one worked on during the two days that had sessions on at least
  :data:`RECURRING_DAYS` different days of the recent ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Literal

from devfocus.insights.commitfacts import CommitFact
from devfocus.insights.focusreport import Report, SessionSummary
from devfocus.insights.periods import (
    STANDUP,
    STANDUP_REACH_DAYS,
    Period,
    custom_period,
    last_working_day,
    resolve_period,
)
from devfocus.insights.render_parts import duration
from devfocus.text import clip, plural
from devfocus.timeutil import iso_local, local_date

SCHEMA = "devfocus.standup/1"  # the JSON's version: a new field keeps it, a changed one bumps it
# The recent days: where the last working day is looked for, and a task "keeps coming back".
RECENT_DAYS = STANDUP_REACH_DAYS + 1  # today included
RECURRING_DAYS = 3  # on at least this many different days of them
NO_TASK = "(no task)"  # the report's row for time without a task
_COMMITS_SHOWN = 12  # per day, newest last

BlockerKind = Literal["long-session", "recurring-task"]


@dataclass(frozen=True)
class TaskTime:
    label: str
    seconds: float
    commits: int


@dataclass(frozen=True)
class StandupDay:
    """One day of the notes: its focus, the tasks and projects it went to, its commits."""

    day: date
    start: float  # the span the day's report covered (today: midnight to now)
    end: float
    focus_seconds: float
    sessions: int
    tasks: tuple[TaskTime, ...]  # named tasks, most time first
    untasked_seconds: float  # time in no task
    projects: tuple[tuple[str, float], ...]  # (name, seconds), most time first
    commits: tuple[CommitFact, ...]

    @property
    def empty(self) -> bool:
        return self.focus_seconds <= 0 and not self.commits


@dataclass(frozen=True)
class Blocker:
    kind: BlockerKind
    message: str  # one plain sentence
    task: str | None
    # long-session: the session; recurring-task: the first and last of its sessions.
    start: float
    end: float
    focus_seconds: float = 0.0
    days: tuple[date, ...] = ()  # recurring-task: the days it was worked on


@dataclass(frozen=True)
class Standup:
    generated_at: float
    last_day: StandupDay
    today: StandupDay
    blockers: tuple[Blocker, ...]
    work_week: tuple[str, ...]
    long_session_seconds: float


def standup_day(report: Report) -> StandupDay:
    """One day of the notes from that day's report."""
    commits_by_task: dict[str | None, int] = defaultdict(int)
    for session in report.sessions:
        commits_by_task[session.task] += session.commits
    tasks = tuple(
        TaskTime(share.label, share.seconds, commits_by_task.get(share.label, 0))
        for share in report.by_task
        if share.label != NO_TASK
    )
    named = sum(t.seconds for t in tasks)
    return StandupDay(
        day=report.period.days[0],
        start=report.period.start,
        end=report.period.end,
        focus_seconds=report.focus_seconds,
        sessions=len(report.sessions),
        tasks=tasks,
        untasked_seconds=max(0.0, report.focus_seconds - named),
        projects=tuple((share.label, share.seconds) for share in report.by_project),
        commits=tuple(c for c in report.commits if not c.merge),
    )


def build_standup(
    last_day: Report,
    today: Report,
    recent: Report,
    *,
    long_session_seconds: float,
    work_week: Sequence[str],
    now: float,
    tz: tzinfo | None = None,
) -> Standup:
    """The notes from the reports of the last working day, of today, and of the recent days
    (:data:`RECENT_DAYS` to now, for the tasks that come back)."""
    days = (standup_day(last_day), standup_day(today))
    blockers = [
        *long_sessions_without_commit(
            [*last_day.sessions, *today.sessions], long_session_seconds, tz
        ),
        *recurring_tasks(recent.sessions, {t.label for d in days for t in d.tasks}, tz),
    ]
    return Standup(now, days[0], days[1], tuple(blockers), tuple(work_week), long_session_seconds)


def long_sessions_without_commit(
    sessions: Sequence[SessionSummary], threshold: float, tz: tzinfo | None = None
) -> list[Blocker]:
    """Sessions with at least ``threshold`` seconds of focus and no commit in them."""
    out = []
    for s in sessions:
        if s.focus_seconds < threshold or s.commits or s.from_history:
            continue
        where = s.task or (s.contexts[0] if s.contexts else "(no project)")
        when = datetime.fromtimestamp(s.start, tz)
        out.append(
            Blocker(
                "long-session",
                f"{duration(s.focus_seconds)} on {where} from {when:%a %H:%M} without a commit: "
                "stuck, or a change worth splitting?",
                s.task,
                s.start,
                s.end,
                s.focus_seconds,
            )
        )
    return out


def recurring_tasks(
    sessions: Sequence[SessionSummary], touched: set[str], tz: tzinfo | None = None
) -> list[Blocker]:
    """Tasks of ``touched`` whose sessions fall on at least :data:`RECURRING_DAYS` different
    local days (a session past midnight on both), most days first."""
    days: dict[str, set[date]] = defaultdict(set)
    spans: dict[str, list[SessionSummary]] = defaultdict(list)
    for s in sessions:
        if s.task is None or s.task not in touched:
            continue
        day, last = local_date(s.start, tz), local_date(s.end, tz)
        while day <= last:
            days[s.task].add(day)
            day += timedelta(days=1)
        spans[s.task].append(s)
    out = []
    for task, seen in sorted(days.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(seen) < RECURRING_DAYS:
            continue
        ordered = tuple(sorted(seen))
        worked = spans[task]
        out.append(
            Blocker(
                "recurring-task",
                f"{task} came back on {len(ordered)} days since {ordered[0]:%a %d %b}: "
                "worth saying if something holds it up.",
                task,
                min(s.start for s in worked),
                max(s.end for s in worked),
                sum(s.focus_seconds for s in worked),
                ordered,
            )
        )
    return out


def recent_period(now: float, tz: tzinfo | None = None) -> Period:
    """The recent days, to now: as far back as a standup looks for the last working day."""
    today = local_date(now, tz)
    return custom_period(today - timedelta(days=RECENT_DAYS - 1), today, now, tz)


def day_periods(
    recent: Report, work_week: Sequence[str], now: float, tz: tzinfo | None = None
) -> tuple[Period, Period]:
    """The last working day (the latest in ``work_week`` that ``recent`` saw worked) and today
    so far."""
    worked = {d.day for d in recent.by_day if d.focus_seconds > 0}
    worked |= {local_date(c.at, tz) for c in recent.commits}
    today = local_date(now, tz)
    last = last_working_day(today, work_week, worked, reach=RECENT_DAYS - 1)
    return custom_period(last, last, now, tz), resolve_period("today", now, tz)


# -- renderers -----------------------------------------------------------------------------------
def day_title(day: StandupDay, today: date) -> str:
    if day.day == today:
        return f"Today ({day.day:%a %d %b})"
    if day.day == today - timedelta(days=1):
        return f"Yesterday ({day.day:%a %d %b})"
    return f"{day.day:%A %d %b}"


def _summary(day: StandupDay) -> str:
    if day.empty:
        return "Nothing recorded."
    return (
        f"{duration(day.focus_seconds)} focus in {plural(day.sessions, 'session')}, "
        f"{plural(len(day.commits), 'commit')}."
    )


def _items(day: StandupDay) -> list[tuple[str | None, str]]:
    """The day's list: (a commit id to show as code, or None; the text)."""
    if day.empty:
        return []
    items: list[tuple[str | None, str]] = []
    for task in day.tasks:
        commits = f", {plural(task.commits, 'commit')}" if task.commits else ""
        items.append((None, f"{task.label}: {duration(task.seconds)}{commits}"))
    if not day.tasks:
        where = ", ".join(f"{name} {duration(s)}" for name, s in day.projects[:4])
        items.append((None, f"worked in {where}" if where else "no task named"))
    elif day.untasked_seconds >= 60:
        items.append((None, f"no task: {duration(day.untasked_seconds)}"))
    shown = day.commits[-_COMMITS_SHOWN:]
    if len(day.commits) > len(shown):
        items.append((None, f"… {plural(len(day.commits) - len(shown), 'earlier commit')}"))
    items += [(c.sha[:7], clip(c.subject, 72)) for c in shown]
    return items


def render_standup_text(standup: Standup, tz: tzinfo | None = None) -> str:
    today = local_date(standup.generated_at, tz)
    out = ["Standup"]
    for day in (standup.last_day, standup.today):
        out += ["", day_title(day, today), _summary(day)]
        out += [f"  - {sha} {text}" if sha else f"  - {text}" for sha, text in _items(day)]
    out += ["", "Likely blockers"]
    out += [f"  - {b.message}" for b in standup.blockers] or ["  none seen"]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Text safe in Markdown: names and subjects make no emphasis, links or HTML."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text


def render_standup_markdown(standup: Standup, tz: tzinfo | None = None) -> str:
    today = local_date(standup.generated_at, tz)
    out = ["# DevFocus — Standup"]
    for day in (standup.last_day, standup.today):
        out += ["", f"## {day_title(day, today)}", "", _summary(day)]
        items = _items(day)
        if items:
            out.append("")
            out += [f"- `{sha}` {_md(text)}" if sha else f"- {_md(text)}" for sha, text in items]
    out += ["", "## Likely blockers", ""]
    out += [f"- {_md(b.message)}" for b in standup.blockers] or ["None seen."]
    return "\n".join(out) + "\n"


def standup_json(standup: Standup, tz: tzinfo | None = None) -> dict[str, Any]:
    """The notes as plain JSON data (camelCase keys, ISO 8601 local times with offsets)."""

    def t(x: float) -> str:
        return iso_local(x, tz)

    def day_json(day: StandupDay) -> dict[str, Any]:
        return {
            "date": day.day.isoformat(),
            "start": t(day.start),
            "end": t(day.end),
            "focusSeconds": round(day.focus_seconds),
            "sessionCount": day.sessions,
            "tasks": [
                {"label": x.label, "seconds": round(x.seconds), "commits": x.commits}
                for x in day.tasks
            ],
            "untaskedSeconds": round(day.untasked_seconds),
            "projects": [{"label": name, "seconds": round(s)} for name, s in day.projects],
            "commits": [
                {
                    "sha": c.sha,
                    "at": t(c.at),
                    "subject": c.subject,
                    "root": c.root,
                    "branch": c.branch,
                    "task": c.task.label if c.task else None,
                }
                for c in day.commits
            ],
        }

    return {
        "schema": SCHEMA,
        "period": {
            "name": STANDUP,
            "start": t(standup.last_day.start),
            "end": t(standup.today.end),
        },
        "generatedAt": t(standup.generated_at),
        "workWeek": list(standup.work_week),
        "longSessionSeconds": round(standup.long_session_seconds),
        "lastWorkingDay": day_json(standup.last_day),
        "today": day_json(standup.today),
        "blockers": [
            {
                "kind": b.kind,
                "message": b.message,
                "task": b.task,
                "start": t(b.start),
                "end": t(b.end),
                "focusSeconds": round(b.focus_seconds),
                "days": [d.isoformat() for d in b.days],
            }
            for b in standup.blockers
        ],
    }


STANDUP_FORMATS = ("text", "markdown", "json")
STANDUP_RENDERERS: dict[str, Callable[[Standup, tzinfo | None], Any]] = {
    "text": render_standup_text,
    "markdown": render_standup_markdown,
    "json": standup_json,
}
