"""Team reports in every format of the other reports (pure): text, Markdown with charts, HTML
with charts, JSON and CSV, from one :class:`~devfocus.team.teamstats.TeamReport`. This module
names the formats, holds what they share and writes the text one; Markdown and HTML are in
:mod:`.teamreport_docs`, JSON and CSV in :mod:`.teamreport_data`."""

from __future__ import annotations

import importlib
import json

from devfocus.insights.charts.svg import duration
from devfocus.team.figures import MyPlace
from devfocus.team.teamstats import DayFigures, LabelShare, NamedRow, TeamReport, Trend
from devfocus.text import clip, plural

# format → (its module, its renderer); JSON's gives data, the others text.
_RENDERERS: dict[str, tuple[str, str]] = {
    "text": ("teamreport", "render_team_text"),
    "markdown": ("teamreport_docs", "render_team_markdown"),
    "html": ("teamreport_docs", "render_team_html"),
    "json": ("teamreport_data", "team_json"),
    "csv": ("teamreport_data", "render_team_csv"),
}
FORMATS = tuple(_RENDERERS)
NO_DATA = "no previous data"
PLACE_HEADING = "Your place (visible only to you)"


def render_team_report(report: TeamReport, fmt: str) -> str:
    """``report`` in ``fmt`` (one of :data:`FORMATS`) as text, JSON included."""
    module, function = _RENDERERS[fmt]
    rendered = getattr(importlib.import_module(f"devfocus.team.{module}"), function)(report)
    if fmt == "json":
        return json.dumps(rendered, indent=2, ensure_ascii=False) + "\n"
    return str(rendered)


# -- what the formats share -----------------------------------------------------------------


def title(report: TeamReport) -> str:
    return f"Team report — {report.first_day:%a %d %b %Y} to {report.last_day:%a %d %b %Y}"


def hidden_text(report: TeamReport) -> str:
    return f"hidden: fewer than {plural(report.min_group_size, 'member')}"


def coverage_line(report: TeamReport) -> str:
    """How many members the figures cover, and the rule that hides small groups."""
    rule = (
        f"A day, hour or label shared by fewer than {plural(report.min_group_size, 'member')} "
        "is hidden, so no one can be singled out."
    )
    if report.totals.members == 0:
        return f"No day of the period was shared by enough members to show (UTC days). {rule}"
    return f"Figures of up to {plural(report.totals.members, 'member')} a day (UTC days). {rule}"


def empty_message(report: TeamReport) -> str:
    return (
        "Nothing has been shared with the team for this period yet. Members share with "
        "`devfocus team push` (or the server's background push); `devfocus team preview` shows "
        "what would be shared."
    )


def percent(value: float | None) -> str:
    """A share 0..1 as ``42%``; ``–`` for none."""
    return "–" if value is None else f"{value:.0%}"


def rate(value: float | None) -> str:
    """Switches per focused hour: ``3.4``; ``–`` for none."""
    return "–" if value is None else f"{value:.1f}"


def summary_rows(report: TeamReport) -> list[tuple[str, str]]:
    t = report.totals
    hidden = len(report.hidden_days)
    days = f"{plural(t.days, 'day')} shown"
    if hidden:
        days += f", {hidden} {hidden_text(report)}"
    return [
        ("Focus", duration(t.focus_seconds)),
        ("Deep work", f"{duration(t.deep_seconds)} ({percent(t.deep_share)} of focus)"),
        ("Switches per focused hour", rate(t.switches_per_focused_hour)),
        (
            "Focus per member-day",
            "–" if t.focus_per_member_day is None else duration(t.focus_per_member_day),
        ),
        ("Member-days", str(t.member_days)),
        ("Days", days),
    ]


def trend_value(trend: Trend, value: float | None) -> str:
    if value is None:
        return "–"
    if trend.key == "focusPerMemberDay":
        return duration(value)
    if trend.unit == "points":
        return percent(value)
    return rate(value)


def trend_change(trend: Trend) -> str:
    if trend.change is None:
        return NO_DATA if trend.previous is None else "–"
    sign = "+" if trend.change > 0 else "−" if trend.change < 0 else "±"
    unit = " pts" if trend.unit == "points" else "%"
    return f"{sign}{abs(trend.change):.0f}{unit}"


def trend_rows(report: TeamReport) -> list[tuple[str, str, str, str]]:
    """(what, this period, the period before, change) for each trend."""
    return [
        (t.label, trend_value(t, t.value), trend_value(t, t.previous), trend_change(t))
        for t in report.trends
    ]


def day_cells(report: TeamReport, d: DayFigures) -> tuple[str, ...]:
    """(day, members, focus, deep work, deep share, switches per focused hour)."""
    if d.hidden:
        return (f"{d.day:%a %d %b}", hidden_text(report), "", "", "", "")
    return (
        f"{d.day:%a %d %b}",
        str(d.members),
        duration(d.focus_seconds),
        duration(d.deep_seconds),
        percent(d.deep_share),
        rate(d.switches_per_focused_hour),
    )


DAY_HEADERS = ("day", "members", "focus", "deep work", "deep share", "switches / focused h")
LABEL_HEADERS = ("kind", "label", "focus", "share of team focus", "deep share", "days")
NAMED_HEADERS = ("name", "days", "focus", "deep work", "deep share", "switches / focused h")


def label_cells(label: LabelShare) -> tuple[str, ...]:
    return (
        label.kind,
        label.label,
        duration(label.focus_seconds),
        percent(label.share),
        percent(label.deep_share),
        str(label.days),
    )


def named_cells(row: NamedRow) -> tuple[str, ...]:
    return (
        row.name,
        str(row.days),
        duration(row.focus_seconds),
        duration(row.deep_seconds),
        percent(row.deep_share),
        rate(row.switches_per_focused_hour),
    )


def place_lines(place: MyPlace) -> list[str]:
    """The reader's own place, in sentences (only they see it)."""
    mine = place.my_deep_seconds / place.my_focus_seconds if place.my_focus_seconds > 0 else None
    return [
        f"Your focus: {duration(place.my_focus_seconds)}; the team's middle half "
        f"{duration(place.focus_p25)} to {duration(place.focus_p75)}, median "
        f"{duration(place.focus_p50)} ({plural(place.members, 'member')}).",
        f"You had more focus than {place.focus_rank_percent:.0f}% of members.",
        f"Your deep-work share: {percent(mine)}; "
        f"the team's median {percent(place.deep_share_p50)}.",
    ]


NAMED_NOTE = "Only members who chose to share by name are listed."


# -- text -----------------------------------------------------------------------------------


def _columns(rows: list[tuple[str, ...]], numeric_from: int = 1) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            cell.rjust(widths[i]) if i >= numeric_from else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def render_team_text(report: TeamReport) -> str:
    lines = [title(report), ""]
    if report.empty:
        lines.append(empty_message(report).replace("`", ""))
        return "\n".join(lines) + "\n"
    lines += [coverage_line(report), ""]
    summary = summary_rows(report)
    width = max(len(k) for k, _ in summary)
    lines += [f"{k.ljust(width)}  {v}" for k, v in summary]
    if report.insights:
        lines += ["", "Insights"]
        lines += [f"  - {i.text}" for i in report.insights]
    lines += ["", "Trends (this period, the period before, change)"]
    lines += _columns([tuple(r) for r in trend_rows(report)])
    lines += ["", "By day (UTC)"]
    visible = [d for d in report.days if not d.hidden]
    if visible:
        table = iter(_columns([DAY_HEADERS, *(day_cells(report, d) for d in visible)]))
        lines.append(next(table))
        for d in report.days:
            lines.append(f"  {d.day:%a %d %b}  {hidden_text(report)}" if d.hidden else next(table))
    else:
        lines.append(f"  Every day is {hidden_text(report)}.")
    if report.labels:
        lines += ["", "Projects and tasks"]
        labels = [(k, clip(lb, 40), *rest) for k, lb, *rest in map(label_cells, report.labels)]
        lines += _columns([LABEL_HEADERS, *labels], numeric_from=2)
    if report.named:
        lines += ["", "By name", f"  {NAMED_NOTE}"]
        lines += _columns([NAMED_HEADERS, *map(named_cells, report.named)])
    if report.place is not None:
        lines += ["", PLACE_HEADING]
        lines += [f"  {line}" for line in place_lines(report.place)]
    return "\n".join(lines) + "\n"
