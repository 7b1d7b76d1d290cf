"""A member's hourly aggregates: what a team database would receive from a timeline."""

from __future__ import annotations

from devfocus.activity.tasks import Task
from devfocus.activity.timeline import build_timeline
from devfocus.team.aggregates import hour_rows, project_label
from devfocus.team.figures import PROJECT, TASK, TOTALS, label_kinds
from tests.unit.timeline import BETA, DEEP, IDLE, T0, edit, t

HOUR = 3600.0


def rows_of(activities, kinds=(TOTALS,), tasks=None, aliases=None, start=T0, end=T0 + 6 * HOUR):
    timeline = build_timeline(activities, idle_timeout=IDLE, deep_work=DEEP)
    given = tasks if tasks is not None else [None] * len(timeline.segments)
    return timeline, hour_rows(timeline, given, start, end, kinds=kinds, aliases=aliases)


def test_focus_is_split_at_the_hour_and_deep_work_counted_inside_blocks() -> None:
    # 09:30–10:30 in alpha: 30 min in each hour, all of it one deep-work block (60 ≥ 25 min).
    _, rows = rows_of([edit(30, 90)])
    assert [(r.hour - T0, r.focus_seconds, r.deep_seconds) for r in rows] == [
        (0.0, 1800, 1800),
        (HOUR, 1800, 1800),
    ]
    assert [r.sessions for r in rows] == [1, 0]  # the session started in the first hour
    assert all(r.label_kind == TOTALS and r.label == "" for r in rows)


def test_switches_land_in_their_hour_and_short_runs_are_not_deep() -> None:
    # Ten minutes in alpha, ten in beta, ten in alpha: two switches, no deep work.
    _, rows = rows_of([edit(0, 10), edit(10, 20, BETA), edit(20, 30)])
    (row,) = rows
    assert (row.focus_seconds, row.deep_seconds, row.switches, row.sessions) == (1800, 0, 2, 1)


def test_two_windows_at_once_count_each_minute_once() -> None:
    _, rows = rows_of([edit(0, 40), edit(10, 50, source="other-window")])
    assert sum(r.focus_seconds for r in rows) == 50 * 60


def test_projects_are_shared_by_folder_name_under_aliases_and_never_as_paths() -> None:
    _, rows = rows_of(
        [edit(0, 30), edit(30, 50, BETA)],
        kinds=label_kinds("totals+projects"),
        aliases={"beta": "client work"},
    )
    projects = {r.label: r.focus_seconds for r in rows if r.label_kind == PROJECT}
    assert projects == {"alpha": 1800, "client work": 1200}
    assert not any("/" in r.label for r in rows)
    totals = [r for r in rows if r.label_kind == TOTALS]
    assert sum(r.focus_seconds for r in totals) == sum(projects.values())
    assert all(r.switches == 0 and r.sessions == 0 for r in rows if r.label_kind != TOTALS)
    assert project_label("/home/ann/src/acme/") == "acme"


def test_tasks_are_shared_only_at_a_level_that_names_them() -> None:
    activities = [edit(0, 30)]
    fix = Task("login crash", "bug", "#12", "branch")
    timeline = build_timeline(activities, idle_timeout=IDLE, deep_work=DEEP)
    tasks = [fix] * len(timeline.segments)
    _, totals_only = rows_of(activities, kinds=label_kinds("totals"), tasks=tasks)
    assert {r.label_kind for r in totals_only} == {TOTALS}
    _, with_tasks = rows_of(
        activities, kinds=label_kinds("totals+tasks"), tasks=tasks, aliases={"#12": "auth"}
    )
    assert {(r.label_kind, r.label) for r in with_tasks} == {(TOTALS, ""), (TASK, "auth")}


def test_only_the_asked_hours_are_made() -> None:
    _, rows = rows_of([edit(0, 30), edit(120, 150)], start=T0 + 2 * HOUR, end=T0 + 3 * HOUR)
    assert [(r.hour, r.focus_seconds) for r in rows] == [(t(120), 1800)]


def test_label_kinds_of_each_share_level() -> None:
    assert label_kinds("totals") == (TOTALS,)
    assert label_kinds("totals+projects") == (TOTALS, PROJECT)
    assert label_kinds("totals+tasks") == (TOTALS, TASK)
    assert label_kinds("totals+projects+tasks") == (TOTALS, PROJECT, TASK)


def test_a_long_task_label_is_cut_to_what_the_team_database_keeps() -> None:
    activities = [edit(0, 30)]
    timeline = build_timeline(activities, idle_timeout=IDLE, deep_work=DEEP)
    long = Task("x" * 500, "feature", None, "branch")
    _, rows = rows_of(
        activities, kinds=label_kinds("totals+tasks"), tasks=[long] * len(timeline.segments)
    )
    (task_row,) = [r for r in rows if r.label_kind == TASK]
    assert len(task_row.label) == 200 and task_row.label.endswith("…")
