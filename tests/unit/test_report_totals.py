"""Numbers add up: every breakdown of a report sums to the period's focus total.

Generated activity (hypothesis) from two editor windows at once, around a midnight and the two
DST changes of Europe/Berlin (29 March and 25 October 2026), reported whole or for one project
over periods that cut sessions at their edges: per-project, per-branch, per-language,
per-editor, per-task and per-day focus sum to the report's focus, deep work never exceeds it,
and the days' sessions and switches are the report's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devfocus.activity.records import Activity, Context, Kind, TaskMark
from devfocus.insights.focusreport import Report, build_report
from devfocus.insights.periods import custom_period

BERLIN = ZoneInfo("Europe/Berlin")
IDLE = 5 * 60.0
DEEP = 25 * 60.0
TOLERANCE = 1e-6  # seconds, relative to totals of hours

CONTEXTS = (
    Context("/home/dev/shop", "main"),
    Context("/home/dev/shop", "feature/cart"),
    Context("/home/dev/tools", None),  # a folder outside git: no branch
    Context("/home/dev/shop/packages/ui", "main"),  # nested in another project
    None,  # a file outside every project
)
LANGUAGES = ("python", "typescript", None)
EDITORS = ("vscode", "neovim", None)
SOURCES = ("window-1", "window-2")  # two editor windows (server processes) at once
TASKS = ("SHOP-12", "refactor", "")  # "" clears the task


def _local(year: int, month: int, day: int, hour: int, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).timestamp()


# Where the generated work happens: the hours around these instants.
ANCHORS = {
    "midnight": _local(2026, 3, 27, 23, 30),  # a session from Friday into Saturday
    "spring": _local(2026, 3, 29, 1, 30),  # 02:00 does not exist: the day has 23 hours
    "autumn": _local(2026, 10, 25, 1, 30),  # 02:00–03:00 happens twice: the day has 25 hours
}
# The local days each anchor's activity can fall on.
DAYS = {
    "midnight": date(2026, 3, 27),
    "spring": date(2026, 3, 28),
    "autumn": date(2026, 10, 24),
}


def _burst(
    anchor: float,
    offset_minutes: int,
    minutes: int,
    source: str,
    context: Context | None,
    language: str | None,
    editor: str | None,
    kind_of_end: Kind | None,
) -> list[Activity]:
    """``minutes`` of editing in one place, one 50-second span a minute (as the tracker stores
    it), then maybe a save, a blur or a pause."""
    path = "src/app.py" if context is not None else "/tmp/scratch.py"
    start = anchor + offset_minutes * 60
    out = [
        Activity(
            start + 60 * i,
            start + 60 * i + 50,
            Kind.EDIT,
            context,
            language,
            path,
            editor,
            source,
            lines_added=i % 3,
            lines_removed=i % 2,
            lines_bulk=(i % 3) if i % 5 == 0 else 0,
        )
        for i in range(minutes)
    ]
    if kind_of_end is not None:
        at = start + 60 * minutes
        out.append(Activity(at, at, kind_of_end, context, language, path, editor, source))
    return out


bursts = st.lists(
    st.builds(
        _burst,
        st.just(0.0),  # replaced by the anchor
        st.integers(-300, 300),
        st.integers(1, 90),
        st.sampled_from(SOURCES),
        st.sampled_from(CONTEXTS),
        st.sampled_from(LANGUAGES),
        st.sampled_from(EDITORS),
        st.sampled_from((None, Kind.SAVE, Kind.BLUR, Kind.PAUSE, Kind.CLOSE)),
    ),
    min_size=1,
    max_size=12,
)


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[list[Activity], list[TaskMark], date, date, str | None]:
    name = draw(st.sampled_from(sorted(ANCHORS)))
    anchor = ANCHORS[name]
    activities: list[Activity] = []
    for burst in draw(bursts):
        activities.extend(
            Activity(
                a.start + anchor,
                a.end + anchor,
                a.kind,
                a.context,
                a.language,
                a.path,
                a.editor,
                a.source,
                a.lines_added,
                a.lines_removed,
                a.lines_bulk,
            )
            for a in burst
        )
    marks = [
        TaskMark(anchor + minutes * 60, context.project, context.branch, title)
        for minutes, context, title in draw(
            st.lists(
                st.tuples(
                    st.integers(-300, 300),
                    st.sampled_from([c for c in CONTEXTS if c is not None]),
                    st.sampled_from(TASKS),
                ),
                max_size=4,
            )
        )
    ]
    # A period of one to three local days among the three the activity may touch, so that it
    # cuts sessions at its start or end as often as not.
    first = DAYS[name] + timedelta(days=draw(st.integers(0, 2)))
    last = first + timedelta(days=draw(st.integers(0, 2 - (first - DAYS[name]).days)))
    # The whole report, or one project's (which includes the project nested in it).
    project = draw(st.sampled_from((None, "/home/dev/shop", "/home/dev/tools")))
    return activities, marks, first, last, project


def _report(
    activities: list[Activity],
    marks: list[TaskMark],
    first: date,
    last: date,
    project: str | None = None,
) -> Report:
    now = _local(2027, 1, 1, 12)  # long after: the period is whole days
    period = custom_period(first, last, now, BERLIN)
    return build_report(
        activities,
        period,
        idle_timeout=IDLE,
        deep_work=DEEP,
        now=now,
        tz=BERLIN,
        project=project,
        marks=marks,
    )


def _sums_to_focus(report: Report, name: str, rows: list) -> None:
    total = sum(row.seconds for row in rows)
    assert total == pytest.approx(report.focus_seconds, abs=TOLERANCE), name
    assert sum(row.share for row in rows) == pytest.approx(
        1.0 if report.focus_seconds else 0.0, abs=1e-9
    ), name


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_breakdown_sums_to_the_period_focus(
    scenario: tuple[list[Activity], list[TaskMark], date, date, str | None],
) -> None:
    report = _report(*scenario)
    focus = report.focus_seconds
    assert 0 <= focus <= report.period.end - report.period.start

    _sums_to_focus(report, "by project", report.by_project)
    _sums_to_focus(report, "by branch", report.by_branch)
    _sums_to_focus(report, "by language", report.by_language)
    _sums_to_focus(report, "by editor", report.by_editor)
    if report.by_task:
        _sums_to_focus(report, "by task", report.by_task)
    assert sum(s.focus_seconds for s in report.sessions) == pytest.approx(focus, abs=TOLERANCE)

    days = report.by_day
    assert [d.day for d in days] == list(report.period.days)
    assert sum(d.focus_seconds for d in days) == pytest.approx(focus, abs=TOLERANCE)
    assert sum(d.sessions for d in days) == len(report.sessions)
    assert sum(d.switches for d in days) == len(report.switches)

    deep = report.deep_work_seconds
    assert 0 <= deep <= focus + TOLERANCE
    assert sum(d.deep_work_seconds for d in days) == pytest.approx(deep, abs=TOLERANCE)
    for d in days:
        assert d.deep_work_seconds <= d.focus_seconds + TOLERANCE, d.day

    assert 0 <= report.bulk_lines_added <= report.lines_added


def test_a_day_of_the_spring_change_has_23_hours_and_one_of_the_autumn_change_25() -> None:
    """The generated periods do cross the DST changes: the local days the test reports on."""
    now = _local(2027, 1, 1, 12)
    spring = custom_period(date(2026, 3, 29), date(2026, 3, 29), now, BERLIN)
    autumn = custom_period(date(2026, 10, 25), date(2026, 10, 25), now, BERLIN)
    assert (spring.end - spring.start, autumn.end - autumn.start) == (23 * 3600, 25 * 3600)


def test_a_session_across_midnight_is_split_between_its_days_and_counted_once() -> None:
    """The hand-computed case the property generalises: two windows, 23:30 to 00:30."""
    start = ANCHORS["midnight"]  # Friday 23:30
    shop, tools = CONTEXTS[0], CONTEXTS[2]
    activities = [
        *_burst(start, 0, 60, "window-1", shop, "python", "vscode", None),
        # The other window edits another project for ten of those minutes (00:00 to 00:10).
        *_burst(start, 30, 10, "window-2", tools, "python", "neovim", None),
    ]
    report = _report(activities, [], date(2026, 3, 27), date(2026, 3, 28))
    # One 60-minute session with its last pause cut off.
    assert report.focus_seconds == pytest.approx(60 * 60 - 10)
    friday, saturday = report.by_day
    assert friday.focus_seconds == pytest.approx(30 * 60)
    assert saturday.focus_seconds == pytest.approx(30 * 60 - 10)
    assert (friday.sessions, saturday.sessions) == (1, 0)
    assert sum(row.seconds for row in report.by_project) == pytest.approx(report.focus_seconds)
    assert sum(row.seconds for row in report.by_branch) == pytest.approx(report.focus_seconds)
    assert len(report.switches) == sum(d.switches for d in report.by_day)


def test_branch_rows_sum_to_the_focus_with_time_outside_every_project() -> None:
    """The smallest case: one edit span in a file of no project."""
    at = ANCHORS["autumn"]
    outside = Activity(at, at + 50, Kind.EDIT, None, "python", "/tmp/scratch.py", "vscode", "w")
    report = _report([outside], [], date(2026, 10, 25), date(2026, 10, 25))
    assert report.focus_seconds == 50.0
    assert sum(row.seconds for row in report.by_branch) == pytest.approx(report.focus_seconds)
