"""Reports as text (a terminal), Markdown (an editor) or JSON (other tools)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from devfocus.insights.focusreport import DayTotal, Report, Share
from devfocus.insights.periods import PERIOD_TITLES
from devfocus.text import clip, plural
from devfocus.timeutil import iso_local

FORMATS = ("text", "markdown", "json")
_BAR = 20
_TOP = 8  # rows per breakdown table
_COMMITS = 30  # latest commits listed


def duration(seconds: float) -> str:
    """``1h 05m``, ``12m``, ``40s``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def _clock(t: float, tz: tzinfo | None) -> str:
    return datetime.fromtimestamp(t, tz).strftime("%H:%M")


def _span(start: float, end: float, tz: tzinfo | None, multi_day: bool) -> str:
    if multi_day:
        first = datetime.fromtimestamp(start, tz).strftime("%a %d %b %H:%M")
        return f"{first}–{_clock(end, tz)}"
    return f"{_clock(start, tz)}–{_clock(end, tz)}"


def _heading(report: Report, tz: tzinfo | None) -> str:
    period = report.period
    start = datetime.fromtimestamp(period.start, tz)
    end = datetime.fromtimestamp(period.end, tz).astimezone(tz)
    zone = end.tzname() or ""
    first, last = period.days[0], period.days[-1]
    whole_days = end.date() > last  # ends at the midnight after its last day, not now
    if whole_days:
        when = f"{first:%a %d %b %Y}" if first == last else f"{first:%a %d %b} – {last:%a %d %b %Y}"
    elif first == last:
        when = f"{start:%a %d %b %Y}, {start:%H:%M}–{end:%H:%M} {zone}".rstrip()
    else:
        when = f"{start:%a %d %b} – {end:%a %d %b %Y}, to {end:%H:%M} {zone}".rstrip()
    return f"{period.title} ({when})"


def _project_line(report: Report) -> str | None:
    if report.project is None:
        return None
    name = report.project.rstrip("/").rsplit("/", 1)[-1] or report.project
    return f"{name} ({report.project})"


def _summary_rows(report: Report) -> list[tuple[str, str]]:
    focus = report.focus_seconds
    hours = focus / 3600
    longest = max((s.focus_seconds for s in report.sessions), default=0.0)
    deep_share = f", {report.deep_work_seconds / focus:.0%} of focus" if focus else ""
    rate = f" ({len(report.switches) / hours:.1f} per focus hour)" if hours >= 0.5 else ""
    return [
        (
            "Focus",
            f"{duration(focus)} in {plural(len(report.sessions), 'session')}"
            + (f" (longest {duration(longest)})" if report.sessions else ""),
        ),
        (
            "Deep work",
            f"{duration(report.deep_work_seconds)} in "
            f"{plural(len(report.deep_work), 'block')}{deep_share}",
        ),
        ("Switches", f"{len(report.switches)}{rate}"),
        ("Lines", f"+{report.lines_added} −{report.lines_removed}"),
        *_commit_rows(report),
    ]


def _commit_rows(report: Report) -> list[tuple[str, str]]:
    if not report.commits:
        return []
    added = sum(c.additions for c in report.commits)
    removed = sum(c.deletions for c in report.commits)
    text = f"{len(report.commits)} (+{added} −{removed})"
    score = report.commit_score
    if score is not None:
        text += f", message score {score:.1f}/10"
    return [("Commits", text)]


def _task_suffix(session: Any) -> str:
    parts = []
    if session.task:
        parts.append(f"task {session.task}")
    if session.commits:
        parts.append(plural(session.commits, "commit"))
    if session.from_history:
        parts.append("from git history")
    return f"  ({'; '.join(parts)})" if parts else ""


# How an empty report names its period: "No activity recorded yesterday".
_WHEN = {
    "today": "today",
    "yesterday": "yesterday",
    "thisweek": "this week",
    "lastweek": "last week",
}


def _empty_message(report: Report) -> str:
    where = f" in {_project_line(report)}" if report.project else ""
    name, title = report.period.name, report.period.title
    period = _WHEN.get(name) or (
        f"in the {title.lower()}" if name in PERIOD_TITLES else f"in {title}"
    )
    return (
        f"No activity recorded {period}{where}. DevFocus records activity while an editor is "
        "connected to `devfocus serve` (see the README's editor setup), and reads the history "
        "of git repositories (`devfocus import PATH`): no commit of yours falls in this period."
    )


def _bar(share: float) -> str:
    filled = round(share * _BAR)
    return "█" * filled + "░" * (_BAR - filled)


def _breakdowns(report: Report) -> list[tuple[str, Sequence[Share]]]:
    tables = [
        ("By task", report.by_task),
        ("By project", report.by_project),
        ("By branch", report.by_branch),
        ("By language", report.by_language),
        ("By editor", report.by_editor),
    ]
    return [(title, rows) for title, rows in tables if rows]


@dataclass(frozen=True)
class _IdleDays:
    """Days in a row with nothing recorded, shown as one line."""

    first: date
    last: date
    count: int


def _day_rows(report: Report) -> list[DayTotal | _IdleDays]:
    """The report's days, with each run of days that hold nothing collapsed into one row."""
    rows: list[DayTotal | _IdleDays] = []
    for d in report.by_day:
        if d.focus_seconds or d.sessions or d.switches:
            rows.append(d)
            continue
        last = rows[-1] if rows else None
        if isinstance(last, _IdleDays):
            rows[-1] = _IdleDays(last.first, d.day, last.count + 1)
        else:
            rows.append(_IdleDays(d.day, d.day, 1))
    return rows


def _idle_label(row: _IdleDays) -> str:
    if row.count == 1:
        return f"{row.first:%a %d %b}"
    return f"{row.first:%a %d %b} – {row.last:%a %d %b}"


def _idle_text(row: _IdleDays) -> str:
    return "no activity" if row.count == 1 else f"no activity ({plural(row.count, 'day')})"


# What --compare sets side by side: (label, how to read it from a report, is it a duration).
_COMPARED: tuple[tuple[str, Callable[[Report], float], bool], ...] = (
    ("Focus", lambda r: r.focus_seconds, True),
    ("Deep work", lambda r: r.deep_work_seconds, True),
    ("Sessions", lambda r: len(r.sessions), False),
    ("Switches", lambda r: len(r.switches), False),
    ("Commits", lambda r: len(r.commits), False),
    ("Lines added", lambda r: r.lines_added, False),
)


def _change(value: float, before: float, is_duration: bool) -> str:
    delta = value - before
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    amount = duration(abs(delta)) if is_duration else f"{abs(round(delta))}"
    relative = f" ({delta / before:+.0%})" if before else ""
    return f"{sign}{amount}{relative}"


def _comparison_rows(report: Report, previous: Report) -> list[tuple[str, str, str, str]]:
    """(what, this period, the period before, change) for each compared figure."""
    rows = []
    for label, read, is_duration in _COMPARED:
        now, before = read(report), read(previous)
        shown = duration if is_duration else (lambda x: f"{round(x)}")
        rows.append((label, shown(now), shown(before), _change(now, before, is_duration)))
    return rows


def _previous_title(previous: Report, tz: tzinfo | None) -> str:
    first = datetime.fromtimestamp(previous.period.start, tz)
    end = datetime.fromtimestamp(previous.period.end, tz)
    if len(previous.period.days) == 1:
        return (
            f"{first:%a %d %b}, to {end:%H:%M}"
            if end.date() == first.date()
            else f"{first:%a %d %b}"
        )
    return f"{previous.period.days[0]:%a %d %b} – {previous.period.days[-1]:%a %d %b}"


def render_text(report: Report, tz: tzinfo | None = None, previous: Report | None = None) -> str:
    lines = [f"DevFocus — {_heading(report, tz)}"]
    if (project := _project_line(report)) is not None:
        lines.append(f"Project: {project}")
    lines.append("")
    if report.empty:
        lines.append(_empty_message(report).replace("`", ""))
        return "\n".join(lines) + "\n"
    width = max(len(k) for k, _ in _summary_rows(report))
    lines += [f"{k.ljust(width)}  {v}" for k, v in _summary_rows(report)]
    if previous is not None:
        lines += ["", f"Compared with {_previous_title(previous, tz)}"]
        for label, now, before, change in _comparison_rows(report, previous):
            lines.append(f"  {label.ljust(11)}  {now.rjust(7)}  {before.rjust(7)}  {change}")
    for title, rows in _breakdowns(report):
        lines += ["", title]
        label_width = min(max(len(r.label) for r in rows[:_TOP]), 32)
        for r in rows[:_TOP]:
            label = clip(r.label, label_width)
            lines.append(
                f"  {label.ljust(label_width)}  {duration(r.seconds).rjust(7)}  {_bar(r.share)}"
                f"  {r.share:4.0%}"
            )
        if len(rows) > _TOP:
            lines.append(f"  … and {len(rows) - _TOP} more")
    multi_day = len(report.period.days) > 1
    if multi_day:
        lines += ["", "By day"]
        for d in _day_rows(report):
            if isinstance(d, _IdleDays):
                lines.append(f"  {_idle_label(d)}  {_idle_text(d)}")
                continue
            lines.append(
                f"  {d.day:%a %d %b}  {duration(d.focus_seconds).rjust(7)}  "
                f"deep {duration(d.deep_work_seconds).rjust(7)}  "
                f"{plural(d.sessions, 'session')}, {plural(d.switches, 'switch', 'switches')}"
            )
    lines += ["", "Sessions"]
    for s in report.sessions:
        extra = f"  {plural(s.switches, 'switch', 'switches')}" if s.switches else ""
        lines.append(
            f"  {_span(s.start, s.end, tz, multi_day)}  {duration(s.focus_seconds).rjust(7)}  "
            f"{', '.join(s.contexts[:3])}{extra}{_task_suffix(s)}"
        )
    if report.deep_work:
        lines += ["", "Deep work"]
        for b in report.deep_work:
            lines.append(
                f"  {_span(b.start, b.end, tz, multi_day)}  {duration(b.focus_seconds).rjust(7)}  "
                f"{b.context.label()}"
            )
    if report.commits:
        lines += ["", "Commits"]
        for c in report.commits[-_COMMITS:]:
            score = f"{c.score:4.1f}" if c.score is not None else "   –"
            lines.append(
                f"  {_when(c.at, tz, multi_day)}  {c.sha[:7]}  {score}  "
                f"{clip(c.subject, 60)}  [{c.context.label()}]"
            )
        if len(report.commits) > _COMMITS:
            lines.append(f"  … and {len(report.commits) - _COMMITS} earlier")
    if len(report.coaching) > 1:
        lines += ["", "Commit message score by week"]
        for w in report.coaching:
            bar = _bar(w.score / 10)
            lines.append(
                f"  {w.week:%d %b %Y}  {w.score:4.1f}  {bar}  {plural(w.commits, 'commit')}"
            )
    return "\n".join(lines) + "\n"


def _when(t: float, tz: tzinfo | None, multi_day: bool) -> str:
    moment = datetime.fromtimestamp(t, tz)
    return moment.strftime("%a %d %b %H:%M" if multi_day else "%H:%M")


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(
    report: Report, tz: tzinfo | None = None, previous: Report | None = None
) -> str:
    lines = [f"# DevFocus — {_heading(report, tz)}", ""]
    if (project := _project_line(report)) is not None:
        lines += [f"Project: **{_md_escape(project)}**", ""]
    if report.empty:
        lines.append(_empty_message(report))
        return "\n".join(lines) + "\n"
    lines += ["| | |", "|---|---|"]
    lines += [f"| **{k}** | {_md_escape(v)} |" for k, v in _summary_rows(report)]
    if previous is not None:
        lines += [
            "",
            f"## Compared with {_previous_title(previous, tz)}",
            "",
            "| | this period | before | change |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {label} | {now} | {before} | {change} |"
            for label, now, before, change in _comparison_rows(report, previous)
        ]
    for title, rows in _breakdowns(report):
        lines += ["", f"## {title}", "", "| | time | share |", "|---|---:|---:|"]
        lines += [
            f"| {_md_escape(r.label)} | {duration(r.seconds)} | {r.share:.0%} |"
            for r in rows[:_TOP]
        ]
    multi_day = len(report.period.days) > 1
    if multi_day:
        lines += [
            "",
            "## By day",
            "",
            "| day | focus | deep work | sessions | switches |",
            "|---|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {_idle_label(d)} | {_idle_text(d)} | | | |"
            if isinstance(d, _IdleDays)
            else f"| {d.day:%a %d %b} | {duration(d.focus_seconds)} "
            f"| {duration(d.deep_work_seconds)} | {d.sessions} | {d.switches} |"
            for d in _day_rows(report)
        ]
    lines += [
        "",
        "## Sessions",
        "",
        "| when | focus | where | task | commits | switches |",
        "|---|---:|---|---|---:|---:|",
    ]
    lines += [
        f"| {_span(s.start, s.end, tz, multi_day)} | {duration(s.focus_seconds)} "
        f"| {_md_escape(', '.join(s.contexts[:3]))}{' (git history)' if s.from_history else ''} "
        f"| {_md_escape(s.task or '')} | {s.commits} | {s.switches} |"
        for s in report.sessions
    ]
    if report.deep_work:
        lines += ["", "## Deep work", "", "| when | focus | where |", "|---|---:|---|"]
        lines += [
            f"| {_span(b.start, b.end, tz, multi_day)} | {duration(b.focus_seconds)} "
            f"| {_md_escape(b.context.label())} |"
            for b in report.deep_work
        ]
    if report.commits:
        lines += [
            "",
            "## Commits",
            "",
            "| when | commit | score | subject | task | where |",
            "|---|---|---:|---|---|---|",
        ]
        lines += [
            f"| {_when(c.at, tz, multi_day)} | `{c.sha[:7]}` "
            f"| {f'{c.score:.1f}' if c.score is not None else '–'} "
            f"| {_md_escape(clip(c.subject, 72))} | {_md_escape(c.task.label if c.task else '')} "
            f"| {_md_escape(c.context.label())} |"
            for c in report.commits[-_COMMITS:]
        ]
        if len(report.commits) > _COMMITS:
            lines.append(f"\n… and {len(report.commits) - _COMMITS} earlier commits.")
    if len(report.coaching) > 1:
        lines += ["", "## Commit message score by week", "", "| week of | score | commits |"]
        lines += ["|---|---:|---:|"]
        lines += [f"| {w.week:%d %b %Y} | {w.score:.1f} | {w.commits} |" for w in report.coaching]
    return "\n".join(lines) + "\n"


def _share_json(share: Share) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": share.label,
        "seconds": round(share.seconds),
        "share": round(share.share, 4),
    }
    if share.project is not None:
        out["root"] = share.project
    return out


def report_json(
    report: Report, tz: tzinfo | None = None, previous: Report | None = None
) -> dict[str, Any]:
    """The report as plain JSON data (camelCase keys, ISO 8601 local times with offsets)."""

    def t(x: float) -> str:
        return iso_local(x, tz)

    def ctx(c: Any) -> dict[str, Any]:
        return {"project": c.name, "root": c.project, "branch": c.branch}

    out = _summary_json(report, t)
    if previous is not None:
        before = _summary_json(previous, t)
        out["previous"] = before
        out["change"] = {
            key: out[key] - value
            for key, value in before.items()
            if isinstance(value, int) and not isinstance(value, bool)
        }
    return out | {
        "generatedAt": t(report.generated_at),
        "project": report.project,
        "byProject": [_share_json(s) for s in report.by_project],
        "byBranch": [_share_json(s) for s in report.by_branch],
        "byLanguage": [_share_json(s) for s in report.by_language],
        "byEditor": [_share_json(s) for s in report.by_editor],
        "byTask": [_share_json(s) for s in report.by_task],
        "byDay": [
            {
                "date": d.day.isoformat(),
                "focusSeconds": round(d.focus_seconds),
                "deepWorkSeconds": round(d.deep_work_seconds),
                "sessions": d.sessions,
                "switches": d.switches,
            }
            for d in report.by_day
        ],
        "sessions": [
            {
                "start": t(s.start),
                "end": t(s.end),
                "focusSeconds": round(s.focus_seconds),
                "contexts": list(s.contexts),
                "switches": s.switches,
                "task": s.task,
                "commits": s.commits,
                "fromHistory": s.from_history,
            }
            for s in report.sessions
        ],
        "deepWork": [
            {
                "start": t(b.start),
                "end": t(b.end),
                "focusSeconds": round(b.focus_seconds),
                "context": ctx(b.context),
            }
            for b in report.deep_work
        ],
        "switches": [
            {"at": t(s.at), "from": ctx(s.before), "to": ctx(s.after)} for s in report.switches
        ],
        "commitScore": None if report.commit_score is None else round(report.commit_score, 2),
        "commits": [
            {
                "sha": c.sha,
                "at": t(c.at),
                "subject": c.subject,
                "author": c.author,
                "root": c.root,
                "branch": c.branch,
                "files": c.files,
                "additions": c.additions,
                "deletions": c.deletions,
                "merge": c.merge,
                "reachable": c.reachable,
                "task": None
                if c.task is None
                else {"title": c.task.title, "kind": c.task.kind, "ref": c.task.ref},
                "score": None if c.score is None else round(c.score, 2),
            }
            for c in report.commits
        ],
        "commitScoreByWeek": [
            {"week": w.week.isoformat(), "score": round(w.score, 2), "commits": w.commits}
            for w in report.coaching
        ],
    }


def _summary_json(report: Report, t: Callable[[float], str]) -> dict[str, Any]:
    """The period and its totals (what ``previous`` and ``change`` hold with ``--compare``)."""
    return {
        "period": {
            "name": report.period.name,
            "start": t(report.period.start),
            "end": t(report.period.end),
        },
        "focusSeconds": round(report.focus_seconds),
        "deepWorkSeconds": round(report.deep_work_seconds),
        "sessionCount": len(report.sessions),
        "switchCount": len(report.switches),
        "linesAdded": report.lines_added,
        "linesRemoved": report.lines_removed,
        "commitCount": len(report.commits),
    }


RENDERERS: dict[str, Callable[[Report, tzinfo | None, Report | None], Any]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": report_json,
}
