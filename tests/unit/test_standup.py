"""Standup notes: the last working day, today, and the likely blockers.

The week used below (UTC): Wednesday 2 December 2026 to Monday 7 December; the notes are made on
Monday 7 December at 11:00. The developer works on the branch ``feature/ABC-12-login`` (task
``ABC-12 login``):

* Wed 2 and Thu 3, 09:00–09:30 (30 min each);
* Fri 4, 09:00–10:40 (100 min, no commit);
* Mon 7, 09:00–09:20, with the commit "Check the password (ABC-12)" at 09:15;
* Mon 7, 10:00–10:10 in ``/src/tools`` on main (no task).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from devfocus.activity.records import Activity, Context, Kind
from devfocus.activity.tasks import task_from_branch
from devfocus.insights.commitfacts import CommitFact
from devfocus.insights.focusreport import Report, SessionSummary, build_report
from devfocus.insights.periods import Period, last_working_day
from devfocus.insights.standupnotes import (
    RECURRING_DAYS,
    Standup,
    TaskTime,
    build_standup,
    day_periods,
    long_sessions_without_commit,
    recent_period,
    render_standup_markdown,
    render_standup_text,
    standup_json,
)

UTC = timezone.utc
BRANCH = "feature/ABC-12-login"
TASK = "ABC-12 login"
LOGIN = Context("/src/shop", BRANCH)
TOOLS = Context("/src/tools", "main")
MON_FRI = ("mon", "tue", "wed", "thu", "fri")
SUN_THU = ("sun", "mon", "tue", "wed", "thu")
LONG = 90 * 60.0  # devfocus.insights.longStretchMinutes, by default
NOW = datetime(2026, 12, 7, 11, 0, tzinfo=UTC).timestamp()


def at(day: int, clock: str) -> float:
    hour, minute = map(int, clock.split(":"))
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC).timestamp()


def edit(day: int, start: str, end: str, context: Context = LOGIN) -> Activity:
    return Activity(
        at(day, start), at(day, end), Kind.EDIT, context, "python", "/src/shop/app.py", "vscode"
    )


def commit(day: int, clock: str, subject: str, sha: str = "c0ffee1234") -> CommitFact:
    return CommitFact(
        at(day, clock),
        LOGIN.project,
        BRANCH,
        sha,
        subject,
        "dev@example.com",
        1,
        3,
        0,
        merge=False,
        reachable=True,
        task=task_from_branch(BRANCH),
    )


WEEK = [
    edit(2, "09:00", "09:30"),
    edit(3, "09:00", "09:30"),
    edit(4, "09:00", "10:40"),
    edit(7, "09:00", "09:20"),
    edit(7, "10:00", "10:10", TOOLS),
]
COMMITS = [commit(7, "09:15", "Check the password (ABC-12)")]


def standup_of(
    activities: list[Activity],
    commits: list[CommitFact],
    *,
    now: float = NOW,
    work_week: tuple[str, ...] = MON_FRI,
) -> Standup:
    """The notes as the CLI and the editor make them: three reports of the one model."""

    def report_of(period: Period) -> Report:
        return build_report(
            activities, period, idle_timeout=900, deep_work=1500, now=now, tz=UTC, commits=commits
        )

    recent = report_of(recent_period(now, UTC))
    last, today = day_periods(recent, work_week, now, UTC)
    return build_standup(
        report_of(last),
        report_of(today),
        recent,
        long_session_seconds=LONG,
        work_week=work_week,
        now=now,
        tz=UTC,
    )


# -- the last working day ------------------------------------------------------------------------
def test_on_a_monday_the_last_working_day_is_friday() -> None:
    monday = date(2026, 12, 7)
    assert last_working_day(monday, MON_FRI) == date(2026, 12, 4)
    assert last_working_day(monday, MON_FRI, {date(2026, 12, 4)}) == date(2026, 12, 4)
    # Work on Saturday is not a working day's.
    assert last_working_day(monday, MON_FRI, {date(2026, 12, 5)}) == date(2026, 12, 4)
    # Mid-week: the day before.
    assert last_working_day(date(2026, 12, 9), MON_FRI) == date(2026, 12, 8)


def test_a_sunday_to_thursday_week() -> None:
    sunday, monday = date(2026, 12, 6), date(2026, 12, 7)
    assert last_working_day(sunday, SUN_THU) == date(2026, 12, 3)  # Thursday
    assert last_working_day(monday, SUN_THU) == sunday
    notes = standup_of(WEEK, COMMITS, now=at(6, "12:00"), work_week=SUN_THU)
    assert notes.last_day.day == date(2026, 12, 3)
    assert notes.last_day.focus_seconds == 30 * 60
    assert notes.today.empty  # nothing on Sunday


def test_a_holiday_on_friday_looks_back_to_thursday() -> None:
    monday = date(2026, 12, 7)
    worked = {date(2026, 12, 2), date(2026, 12, 3)}
    assert last_working_day(monday, MON_FRI, worked) == date(2026, 12, 3)
    notes = standup_of(
        [a for a in WEEK if a.start < at(4, "00:00") or a.start > at(5, "00:00")], []
    )
    assert notes.last_day.day == date(2026, 12, 3)
    assert notes.last_day.tasks == (TaskTime(TASK, 30 * 60, 0),)
    # Two weeks off: the notes still name a day, the calendar's last working one, empty.
    assert last_working_day(monday, MON_FRI, {date(2026, 11, 1)}) == date(2026, 12, 4)


# -- the notes -----------------------------------------------------------------------------------
def test_the_notes_of_a_monday() -> None:
    notes = standup_of(WEEK, COMMITS)
    friday, today = notes.last_day, notes.today
    assert friday.day == date(2026, 12, 4)
    assert friday.focus_seconds == 100 * 60
    assert friday.tasks == (TaskTime(TASK, 100 * 60, 0),)
    assert friday.commits == ()
    assert today.day == date(2026, 12, 7)
    assert today.focus_seconds == 30 * 60
    assert today.tasks == (TaskTime(TASK, 20 * 60, 1),)
    assert today.untasked_seconds == 10 * 60
    assert [c.subject for c in today.commits] == ["Check the password (ABC-12)"]
    kinds = {b.kind: b for b in notes.blockers}
    assert set(kinds) == {"long-session", "recurring-task"}
    assert kinds["long-session"].start == at(4, "09:00")
    assert kinds["long-session"].focus_seconds == 100 * 60
    assert kinds["recurring-task"].days == tuple(date(2026, 12, d) for d in (2, 3, 4, 7))

    text = render_standup_text(notes, UTC)
    assert "Friday 04 Dec\n1h 40m focus in 1 session, 0 commits." in text
    assert "Today (Mon 07 Dec)\n30m focus in 2 sessions, 1 commit." in text
    assert f"  - {TASK}: 20m, 1 commit" in text
    assert "  - no task: 10m" in text
    assert "  - c0ffee1 Check the password (ABC-12)" in text
    assert "1h 40m on ABC-12 login from Fri 09:00 without a commit" in text
    assert "ABC-12 login came back on 4 days since Wed 02 Dec" in text

    markdown = render_standup_markdown(notes, UTC)
    assert markdown.startswith("# DevFocus — Standup\n\n## Friday 04 Dec\n")
    assert "- `c0ffee1` Check the password (ABC-12)" in markdown
    assert "## Likely blockers" in markdown

    data = json.loads(json.dumps(standup_json(notes, UTC)))
    assert data["schema"] == "devfocus.standup/1"
    assert data["period"]["name"] == "standup"
    assert data["lastWorkingDay"]["date"] == "2026-12-04"
    assert data["today"]["tasks"] == [{"label": TASK, "seconds": 1200, "commits": 1}]
    assert data["today"]["commits"][0]["task"] == TASK
    assert [b["kind"] for b in data["blockers"]] == ["long-session", "recurring-task"]


def test_nothing_recorded() -> None:
    notes = standup_of([], [])
    assert notes.last_day.day == date(2026, 12, 4) and notes.last_day.empty
    assert notes.blockers == ()
    text = render_standup_text(notes, UTC)
    assert text.count("Nothing recorded.") == 2
    assert "Likely blockers\n  none seen" in text
    assert "None seen." in render_standup_markdown(notes, UTC)


def test_markdown_makes_nothing_of_names() -> None:
    branch = "feature/ABC-9-<b>bold</b>"
    context = Context("/src/shop", branch)
    acts = [Activity(at(7, "09:00"), at(7, "09:30"), Kind.EDIT, context, "python")]
    notes = standup_of(acts, [])
    markdown = render_standup_markdown(notes, UTC)
    assert "<b>" not in markdown and "\\<b\\>" in markdown


# -- blockers at their thresholds ----------------------------------------------------------------
def session(day: int, start: str, end: str, *, commits: int = 0, task: str | None = TASK) -> Any:
    return SessionSummary(
        at(day, start), at(day, end), at(day, end) - at(day, start), ("shop",), 0, task, commits
    )


def test_a_long_session_without_a_commit_at_its_threshold() -> None:
    exactly = session(4, "09:00", "10:30")  # 90 minutes
    short = SessionSummary(exactly.start, exactly.end - 1, LONG - 1, ("shop",), 0, TASK)
    committed = session(4, "09:00", "10:30", commits=1)
    history = SessionSummary(
        exactly.start, exactly.end, LONG, ("shop",), 0, TASK, 0, from_history=True
    )
    found = long_sessions_without_commit([exactly, short, committed, history], LONG, UTC)
    assert [(b.start, b.focus_seconds) for b in found] == [(exactly.start, LONG)]
    untasked = long_sessions_without_commit([session(4, "09:00", "11:00", task=None)], LONG, UTC)
    assert "2h 00m on shop from Fri 09:00" in untasked[0].message


def test_a_task_that_comes_back_at_its_threshold() -> None:
    from devfocus.insights.standupnotes import recurring_tasks

    assert RECURRING_DAYS == 3
    three_days = [
        session(2, "09:00", "09:30"),
        session(3, "09:00", "09:30"),
        session(7, "09:00", "09:10"),
    ]
    two_days = [
        session(3, "09:00", "09:30"),
        session(3, "14:00", "14:30"),
        session(7, "09:00", "09:10"),
    ]
    assert [b.days for b in recurring_tasks(three_days, {TASK}, UTC)] == [
        (date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 7))
    ]
    assert recurring_tasks(two_days, {TASK}, UTC) == []
    # Not worked on in the two days of the notes: not this standup's business.
    assert recurring_tasks(three_days, {"other"}, UTC) == []
    # A session past midnight is on both days: here the second and third.
    past_midnight = SessionSummary(at(3, "23:40"), at(4, "00:20"), 40 * 60, ("shop",), 0, TASK)
    found = recurring_tasks([session(2, "09:00", "09:30"), past_midnight], {TASK}, UTC)
    assert [b.days for b in found] == [(date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4))]
