"""What every rendering of a report shares: its heading, summary, comparison, day rows, the
lines of its insights (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from devfocus.insights.charts.svg import duration
from devfocus.insights.focusreport import DayTotal, Report, Share
from devfocus.insights.insight import Insight
from devfocus.insights.periods import PERIOD_TITLES
from devfocus.text import plural

__all__ = ["duration"]  # the reports' one way of writing a duration, from here as before
_BAR = 20
TOP_ROWS = 8  # rows per breakdown table
LATEST_COMMITS = 30  # latest commits listed


def clock(t: float, tz: tzinfo | None) -> str:
    return datetime.fromtimestamp(t, tz).strftime("%H:%M")


def span_text(start: float, end: float, tz: tzinfo | None, multi_day: bool) -> str:
    if multi_day:
        first = datetime.fromtimestamp(start, tz).strftime("%a %d %b %H:%M")
        return f"{first}–{clock(end, tz)}"
    return f"{clock(start, tz)}–{clock(end, tz)}"


def heading(report: Report, tz: tzinfo | None) -> str:
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


def project_line(report: Report) -> str | None:
    if report.project is None:
        return None
    name = report.project.rstrip("/").rsplit("/", 1)[-1] or report.project
    return f"{name} ({report.project})"


def summary_rows(report: Report) -> list[tuple[str, str]]:
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
        ("Lines", lines_text(report)),
        *commit_rows(report),
    ]


def commit_rows(report: Report) -> list[tuple[str, str]]:
    if not report.commits:
        return []
    added = sum(c.additions for c in report.commits)
    removed = sum(c.deletions for c in report.commits)
    text = f"{len(report.commits)} (+{added} −{removed})"
    score = report.commit_score
    if score is not None:
        text += f", message score {score:.1f}/10"
    return [("Commits", text)]


def task_suffix(session: Any) -> str:
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


def empty_message(report: Report) -> str:
    where = f" in {project_line(report)}" if report.project else ""
    name, title = report.period.name, report.period.title
    period = _WHEN.get(name) or (
        f"in the {title.lower()}" if name in PERIOD_TITLES else f"in {title}"
    )
    return (
        f"No activity recorded {period}{where}. DevFocus records activity while an editor is "
        "connected to `devfocus serve` (see the README's editor setup), and reads the history "
        "of git repositories (`devfocus import PATH`): no commit of yours falls in this period."
    )


def bar(share: float) -> str:
    filled = round(share * _BAR)
    return "█" * filled + "░" * (_BAR - filled)


SWITCH_REASONS_TITLE = "Switches by reason"


def reason_rows(report: Report) -> list[tuple[str, int, str]]:
    """(reason, switches, share of the switches) when a switch of the report was annotated."""
    total = sum(count for _, count in report.switch_reasons)
    return [
        (reason, count, f"{count / total:.0%}" if total else "")
        for reason, count in report.switch_reasons
    ]


def breakdowns(report: Report) -> list[tuple[str, Sequence[Share]]]:
    tables = [
        ("By task", report.by_task),
        ("By project", report.by_project),
        ("By branch", report.by_branch),
        ("By language", report.by_language),
        ("By editor", report.by_editor),
    ]
    return [(title, rows) for title, rows in tables if rows]


@dataclass(frozen=True)
class IdleDays:
    """Days in a row with nothing recorded, shown as one line."""

    first: date
    last: date
    count: int


def day_rows(report: Report) -> list[DayTotal | IdleDays]:
    """The report's days, with each run of days that hold nothing collapsed into one row."""
    rows: list[DayTotal | IdleDays] = []
    for d in report.by_day:
        if d.focus_seconds or d.sessions or d.switches:
            rows.append(d)
            continue
        last = rows[-1] if rows else None
        if isinstance(last, IdleDays):
            rows[-1] = IdleDays(last.first, d.day, last.count + 1)
        else:
            rows.append(IdleDays(d.day, d.day, 1))
    return rows


def idle_label(row: IdleDays) -> str:
    if row.count == 1:
        return f"{row.first:%a %d %b}"
    return f"{row.first:%a %d %b} – {row.last:%a %d %b}"


def idle_text(row: IdleDays) -> str:
    return "no activity" if row.count == 1 else f"no activity ({plural(row.count, 'day')})"


# What --compare sets side by side: (label, how to read it from a report, is it a duration).
COMPARED: tuple[tuple[str, Callable[[Report], float], bool], ...] = (
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


def comparison_rows(report: Report, previous: Report) -> list[tuple[str, str, str, str]]:
    """(what, this period, the period before, change) for each compared figure."""
    rows = []
    for label, read, is_duration in COMPARED:
        now, before = read(report), read(previous)
        shown = duration if is_duration else (lambda x: f"{round(x)}")
        rows.append((label, shown(now), shown(before), _change(now, before, is_duration)))
    return rows


def previous_title(previous: Report, tz: tzinfo | None) -> str:
    first = datetime.fromtimestamp(previous.period.start, tz)
    end = datetime.fromtimestamp(previous.period.end, tz)
    if len(previous.period.days) == 1:
        return (
            f"{first:%a %d %b}, to {end:%H:%M}"
            if end.date() == first.date()
            else f"{first:%a %d %b}"
        )
    return f"{previous.period.days[0]:%a %d %b} – {previous.period.days[-1]:%a %d %b}"


def when(t: float, tz: tzinfo | None, multi_day: bool) -> str:
    moment = datetime.fromtimestamp(t, tz)
    return moment.strftime("%a %d %b %H:%M" if multi_day else "%H:%M")


def lines_text(report: Report) -> str:
    """``+120 −30``, and with lines that arrived in bulk ``+120 −30 (+80 typed, +40 bulk)``."""
    text = f"+{report.lines_added} −{report.lines_removed}"
    bulk = report.bulk_lines_added
    if bulk:
        text += f" (+{max(0, report.lines_added - bulk)} typed, +{bulk} bulk)"
    return text


EVIDENCE_FIGURES = 4  # named figures shown beside an insight's message


def figure(value: float) -> str:
    """An evidence number as people write it: ``9.2``, ``4``, ``0.35``."""
    return f"{round(value):d}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def evidence_text(insight: Insight) -> str:
    """The key figures behind an insight: ``switchesPerHour 9.2, baseline 4.1; 3 files``."""
    evidence = insight.evidence
    numbers = ", ".join(
        f"{name} {figure(value)}"
        for name, value in list(evidence.numbers.items())[:EVIDENCE_FIGURES]
    )
    counts = [
        plural(len(items), noun)
        for items, noun in (
            (evidence.sessions, "session"),
            (evidence.files, "file"),
            (evidence.commits, "commit"),
        )
        if items
    ]
    return "; ".join(part for part in (numbers, ", ".join(counts)) if part)
