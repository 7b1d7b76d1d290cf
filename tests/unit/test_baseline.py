"""The person's baseline: the figures of each day (focus and deep work by local hour, switches,
session lengths) and what 4 weeks of them add up to; kept in the database so a report reads 28
rows, and made again when a day's events change."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from devfocus.activity.records import Activity, Kind
from devfocus.app.reporting import make_report
from devfocus.config import Settings
from devfocus.insights.baseline import (
    BASELINE_DAYS,
    baseline_days,
    baseline_of,
    baseline_window,
    day_figures,
    weekday_numbers,
)
from devfocus.insights.periods import resolve_period
from devfocus.store.database import Database
from devfocus.store.events import write_events
from tests.unit.detectorfacts import ALPHA, MONDAY, UTC, at

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_session_spreads_its_focus_over_the_hours_it_spans() -> None:
    # 09:30–11:00 with 60 min of focus (a 30-minute pause inside): 20 + 40 minutes.
    [day] = day_figures(
        [MONDAY], [(at(0, 9, 30), at(0, 11), 3600.0)], [], [at(0, 10)], work_week=(0,), tz=UTC
    )
    assert day.focus_by_hour[9] == 1200.0 and day.focus_by_hour[10] == 2400.0
    assert day.focus_seconds == 3600.0 and day.switches == 1
    assert day.session_seconds == (3600.0,) and day.work_day


def test_a_session_across_midnight_belongs_to_the_day_it_started() -> None:
    monday, tuesday = day_figures(
        [MONDAY, date(2026, 1, 6)],
        [(at(0, 23), at(1, 1), 7200.0)],
        [],
        [],
        work_week=(0, 1),
        tz=UTC,
    )
    assert monday.focus_seconds == 3600.0 and tuesday.focus_seconds == 3600.0
    assert monday.session_seconds == (7200.0,) and tuesday.session_seconds == ()
    # Late: from 22:00 to midnight, and the next day's hours before 05:00.
    assert monday.late_seconds(22.0, tuesday) == 7200.0
    assert monday.late_seconds(23.5, tuesday) == 1800.0 + 3600.0
    assert monday.late_seconds(22.0) == 3600.0


def test_summer_time_days_keep_24_local_hours() -> None:
    # Sunday 2026-03-29 in Berlin has 23 hours: 02:00 does not exist.
    day = date(2026, 3, 29)
    start = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN).timestamp()
    end = datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN).timestamp()  # one real hour later
    [figures] = day_figures([day], [(start, end, end - start)], [], [], work_week=(), tz=BERLIN)
    assert figures.focus_seconds == 3600.0
    assert figures.focus_by_hour[1] == 1800.0 and figures.focus_by_hour[3] == 1800.0
    assert figures.focus_by_hour[2] == 0.0 and not figures.work_day


def test_four_weeks_before_the_first_day() -> None:
    days = baseline_days(MONDAY)
    assert len(days) == BASELINE_DAYS == 28
    assert days[0] == date(2025, 12, 8) and days[-1] == date(2026, 1, 4)
    assert baseline_window(MONDAY, UTC) == (at(-28, 0), at(0, 0))
    assert weekday_numbers(("mon", "sat", "xyz")) == (0, 5)


def test_what_the_days_add_up_to() -> None:
    dates = [date(2026, 1, 5 + i) for i in range(6)]  # Monday to Saturday
    figures = day_figures(
        dates,
        [
            (at(0, 9), at(0, 11), 7200.0),
            (at(1, 9), at(1, 9, 30), 1800.0),
            (at(5, 10), at(5, 11), 3600.0),
        ],
        [(at(0, 9), at(0, 10), 3600.0)],
        [at(0, 9, 5), at(0, 9, 6), at(1, 9, 1)],
        work_week=(0, 1, 2, 3, 4),
        tz=UTC,
    )
    base = baseline_of(figures, at(0, 0), at(6, 0), late_hour=22.0, scores=[6.0, 8.0])
    assert base.focus_seconds == 12600.0 and base.worked_days == 3
    assert base.switches_per_hour == 3 / 3.5
    assert base.median_session_seconds == 3600.0
    assert base.deep_work_for(True) == 720.0  # 3600 s over five working days
    assert base.deep_work_for(True, before_hour=9.5) == 360.0  # half of 09:00–10:00
    assert base.deep_work_for(False) == 0.0
    assert base.off_day_seconds() == 3600.0
    assert base.commit_score == 7.0 and base.commits == 2


def test_the_figures_of_past_days_are_kept_and_made_again_when_a_day_changes(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{(tmp_path / 'devfocus.db').as_posix()}"
    now = datetime(2026, 1, 7, 18, tzinfo=UTC).timestamp()  # a Wednesday
    week = resolve_period("today", now, UTC)
    settings = Settings()

    def edits(day: int, hour: int, minutes: int) -> list[dict[str, object]]:
        start = at(day, hour)
        return [
            {
                "id": int(start) * 1000 + i,
                "start_ms": int((start + i * 60) * 1000),
                "end_ms": int((start + i * 60 + 50) * 1000),
                "kind": "edit",
                "project": ALPHA.project,
                "branch": ALPHA.branch,
                "path": "/src/alpha/a.py",
                "language": "python",
                "editor": "vscode",
                "source": "w1",
                "lines_added": 1,
                "lines_removed": 0,
            }
            for i in range(minutes)
        ]

    database = Database(url)
    # Ten days before today with a 40-minute session at 09:00 each (deep work: over 25 min).
    database.run(lambda e: write_events(e, [r for d in range(-8, 2) for r in edits(d, 9, 40)]))
    database.close()

    def kept() -> list[tuple[str, int]]:
        db = Database(url)
        try:
            return db.read(
                lambda s: [
                    (r[0], r[1])
                    for r in s.execute("SELECT day, events FROM day_figures ORDER BY day")  # type: ignore[union-attr]
                ]
            )
        finally:
            db.close()

    first = make_report(Database(url), week, settings, now=now, tz=UTC)
    rows = kept()
    assert len(rows) == 28
    assert dict(rows)["2026-01-05"] == 40 and dict(rows)["2026-01-06"] == 40
    assert dict(rows)["2026-01-04"] == 40 and dict(rows)["2025-12-10"] == 0

    # Unchanged days are read back, not made again: the same report.
    assert make_report(Database(url), week, settings, now=now, tz=UTC) == first

    # Activity added to a past day (an import, another machine): that day is made again.
    database = Database(url)
    database.run(lambda e: write_events(e, edits(1, 14, 30)))
    database.close()
    make_report(Database(url), week, settings, now=now, tz=UTC)
    assert dict(kept())["2026-01-06"] == 70


def test_minutes_read_back_as_activity(tmp_path: Path) -> None:
    from devfocus.store.presence import load_minutes

    url = f"sqlite:///{(tmp_path / 'devfocus.db').as_posix()}"
    database = Database(url)
    rows = [
        {
            "id": i + 1,
            "start_ms": ms,
            "end_ms": ms + 5000,
            "kind": kind,
            "project": "/src/alpha",
            "branch": "main",
            "path": None,
            "language": None,
            "editor": None,
            "source": "w",
            "lines_added": 0,
            "lines_removed": 0,
        }
        for i, (ms, kind) in enumerate(
            [(0, "edit"), (10_000, "save"), (30_000, "edit"), (61_000, "blur"), (70_000, "edit")]
        )
    ]
    database.run(lambda e: write_events(e, rows))
    got = database.read(lambda s: load_minutes(s, 0, 3600))
    database.close()
    spans = sorted((a.start, a.end, a.kind) for a in got)
    assert spans == [(0.0, 35.0, Kind.EDIT), (61.0, 61.0, Kind.BLUR), (70.0, 75.0, Kind.EDIT)]
    assert all(isinstance(a, Activity) for a in got)
