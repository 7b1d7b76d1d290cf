"""The live status with goals and a focus block, against the same status without them.

Two copies of one SQLite file hold the same week of activity (eight hours a day in two projects,
one edit span per minute, about 2,900 events, today's morning included). Side by side, on the
store thread's own code path (``TrackingService._status``, what every status refresh runs):

* reference: no goal set and no focus block in the database;
* measured: all four goals set (daily and weekly focus and deep work) and a focus block running,
  with context switches made during it.

Target: measured at most 1.2x the reference (median of the pairwise ratios). The weekly goals'
focus before today is read once and kept (an hour); its first, uncached read is shown for
context.

    python benchmarks/status_goals.py [--runs 200]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import Result, emit, header, median, pairwise_ratio
from devfocus.app.tracking import TrackingService
from devfocus.config import DatabaseSettings, GoalSettings, Settings
from devfocus.store.blockstore import start_block
from devfocus.store.database import Database
from devfocus.store.events import write_events
from devfocus.timeutil import local_date, midnight

TARGET_RATIO = 1.2


def week_of_rows(now: float) -> list[dict[str, object]]:
    """Eight hours a day from 09:00 (local) since Monday of last week up to now, in two
    projects that alternate every 40 minutes (deep work in each)."""
    rows: list[dict[str, object]] = []
    day = midnight(local_date(now)) - 8 * 86400
    while day < now:
        for minute in range(8 * 60):
            start = day + 9 * 3600 + minute * 60
            if start + 50 > now:
                break
            project = "/src/api" if (minute // 40) % 2 == 0 else "/src/web"
            rows.append(
                {
                    "id": random.getrandbits(63),
                    "start_ms": int(start * 1000),
                    "end_ms": int((start + 50) * 1000),
                    "kind": "edit",
                    "project": project,
                    "path": "app.py",
                    "language": "python",
                    "branch": "main",
                    "editor": "bench",
                    "source": "bench",
                    "lines_added": 1,
                    "lines_removed": 0,
                }
            )
        day += 86400
    return rows


def tracking_on(path: Path, settings: Settings) -> TrackingService:
    url = f"sqlite:///{path.as_posix()}"
    return TrackingService(dataclasses.replace(settings, database=DatabaseSettings(url=url)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    header("status with goals and a focus block")

    # Now: today at 13:00 local time, so today holds a morning of work.
    now = midnight(local_date(time.time())) + 13 * 3600
    work = Path(tempfile.mkdtemp(prefix="devfocus-status-goals-"))
    try:
        plain_file, goals_file = work / "plain.db", work / "goals.db"
        rows = week_of_rows(now)
        database = Database(f"sqlite:///{plain_file.as_posix()}")
        database.run(lambda engine: write_events(engine, rows))
        database.close()
        shutil.copyfile(plain_file, goals_file)
        database = Database(f"sqlite:///{goals_file.as_posix()}")
        database.run(lambda engine: start_block(engine, now - 3000, now + 1500, "bench"))
        database.close()

        goals = GoalSettings(
            daily_focus_minutes=240,
            weekly_focus_minutes=1200,
            daily_deep_work_minutes=120,
            weekly_deep_work_minutes=600,
        )
        plain = tracking_on(plain_file, Settings())
        with_goals = tracking_on(goals_file, dataclasses.replace(Settings(), goals=goals))

        first = time.perf_counter()
        status = with_goals._status([], now, False)
        cold = time.perf_counter() - first
        assert status.focus_block is not None and status.focus_block.switches > 0, status
        assert len(status.goals) == 4, status.goals
        assert plain._status([], now, False).goals == ()

        measured: list[float] = []
        reference: list[float] = []
        for run in range(args.runs):
            order = (plain, with_goals) if run % 2 else (with_goals, plain)
            for tracking in order:
                started = time.perf_counter()
                tracking._status([], now, False)
                elapsed = time.perf_counter() - started
                (reference if tracking is plain else measured).append(elapsed)
        ratio = pairwise_ratio(measured, reference)
        print(
            f"{len(rows)} events; status without {median(reference) * 1000:.2f} ms, "
            f"with goals and a block {median(measured) * 1000:.2f} ms; "
            f"first (week read) {cold * 1000:.2f} ms",
            flush=True,
        )
        results = [
            Result(
                "status_goals",
                "status with goals and a block (median)",
                median(measured) * 1000,
                "ms",
                reference=median(reference) * 1000,
                reference_name="no goals, no block",
                ratio=ratio,
                target=f"<= {TARGET_RATIO}x",
                passed=ratio <= TARGET_RATIO,
            ),
            Result(
                "status_goals",
                "first status with weekly goals (reads the week)",
                cold * 1000,
                "ms",
            ),
        ]
        plain.close(timeout=5)
        with_goals.close(timeout=5)
        return emit(results)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
