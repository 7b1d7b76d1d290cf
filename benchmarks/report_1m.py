"""The week report over a year of history: 1,000,000 stored events.

The database is built once through the project's own store (``Database(url).engine()`` creates
and migrates it; rows go in with SQLAlchemy Core ``executemany`` into ``events``) and kept in
``benchmarks/.work/report_1m/devfocus.db`` for later runs. It holds a heavy year: coalesced edit
spans of at most 60 s plus open / save / close / activate / focus / blur instants, from two
editor windows (sources) a day, over six projects with their branches and languages; workdays
are busy, weekends lighter, two weeks off, and the last seven days dense (3,000 rows a day).

Measured, side by side:

* ``make_report(Database(url), "week", Settings(), now=...)``, a fresh ``Database`` per run
  (engine, schema check, load, sessions, report), as the CLI and a new editor session do;
* reference: reading the same rows with the stdlib ``sqlite3`` module and nothing else.

Target: the report in at most 500 ms (median). And end to end: ``devfocus report --period week``
against the same database as a whole process, within 3x a Python process that only reads those
rows with ``sqlite3`` (median of the per-pair ratios, the two taking turns).

    python benchmarks/report_1m.py [--runs 7] [--rebuild] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import insert

from _common import (
    PYTHON,
    REPO,
    WORK_DIR,
    Result,
    emit,
    header,
    median,
    profile_by_package,
    python_env,
)
from devfocus.app.reporting import make_report
from devfocus.config import Settings
from devfocus.insights.focusreport import LOOKBACK_SECONDS, build_report
from devfocus.insights.periods import resolve_period
from devfocus.store.database import Database
from devfocus.store.events import COLUMNS, load_activities
from devfocus.store.tables import EVENTS

TARGET_MS = 500.0
CLI_TARGET_RATIO = 3.0
TOTAL_ROWS = 1_000_000
DENSE_DAYS = 7
DENSE_ROWS_PER_DAY = 3_000
GENERATOR_VERSION = 2  # bump when the generated data changes
DATA_DIR = WORK_DIR / "report_1m"
DB_PATH = DATA_DIR / "devfocus.db"
META_PATH = DATA_DIR / "meta.json"
DAY_MS = 86_400_000

READ_SQL = (
    "SELECT start_ms, end_ms, kind, project, branch, language, path, editor, source, "
    "lines_added, lines_removed, lines_bulk FROM events WHERE start_ms >= ? AND start_ms < ? "
    "ORDER BY start_ms"
)

# project root, branches besides main, files (path, language)
PROJECTS: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    (
        "/home/dev/src/shop-api",
        ["feature/checkout-v2", "fix/tax-rounding", "feature/refunds"],
        [
            ("src/orders/models.py", "python"),
            ("src/orders/views.py", "python"),
            ("src/payments/stripe.py", "python"),
            ("tests/test_orders.py", "python"),
            ("migrations/0042_refunds.sql", "sql"),
            ("pyproject.toml", "toml"),
        ],
    ),
    (
        "/home/dev/src/shop-web",
        ["feature/cart-redesign", "fix/safari-layout"],
        [
            ("src/components/Cart.tsx", "typescriptreact"),
            ("src/components/Checkout.tsx", "typescriptreact"),
            ("src/api/client.ts", "typescript"),
            ("src/styles/cart.css", "css"),
            ("package.json", "json"),
        ],
    ),
    (
        "/home/dev/src/data-pipeline",
        ["feature/backfill", "perf/partitioning"],
        [
            ("pipeline/jobs.py", "python"),
            ("pipeline/transforms.py", "python"),
            ("sql/daily_revenue.sql", "sql"),
            ("dags/nightly.py", "python"),
        ],
    ),
    (
        "/home/dev/src/infra",
        ["chore/upgrade-k8s"],
        [
            ("terraform/main.tf", "terraform"),
            ("k8s/deploy.yaml", "yaml"),
            ("Makefile", "makefile"),
        ],
    ),
    (
        "/home/dev/src/mobile-app",
        ["feature/offline-mode"],
        [
            ("app/src/main/kotlin/CartScreen.kt", "kotlin"),
            ("app/src/main/kotlin/Api.kt", "kotlin"),
            ("ios/App/CartView.swift", "swift"),
        ],
    ),
    (
        "/home/dev/notes",
        [],
        [("todo.md", "markdown"), ("meetings/weekly.md", "markdown")],
    ),
]
PROJECT_WEIGHTS = [34, 24, 16, 10, 10, 6]
EDITORS = ("Visual Studio Code", "Neovim")


# -- the generated history ------------------------------------------------------------------
class Day:
    """Rows of one local day of heavy work, in time order, until ``target`` rows."""

    def __init__(self, rng: random.Random, day: date, target: int) -> None:
        self.rng = rng
        self.day = day
        self.target = target
        self.rows: list[tuple] = []
        self.busy = max(1.0, target / DENSE_ROWS_PER_DAY)  # busier days edit more files a minute
        self.sources = (f"{rng.getrandbits(64):016x}", f"{rng.getrandbits(64):016x}")
        week = day.isocalendar()[1]
        # the branch each project is on this week
        self.branches = [
            "main" if not extra or (week * 7 + i) % 5 < 2 else extra[(week + i) % len(extra)]
            for i, (_, extra, _) in enumerate(PROJECTS)
        ]

    def row(
        self, start: float, end: float, kind: str, project: int, file: int = 0, window: int = 0
    ) -> None:
        rng = self.rng
        root, _, files = PROJECTS[project]
        path, language = files[file % len(files)]
        branch = self.branches[project]
        added = removed = bulk = 0
        if kind == "edit":
            added, removed = rng.randint(0, 12), rng.randint(0, 6)
            if rng.random() < 0.03:  # a paste or a completion now and then
                bulk = rng.randint(8, 60)
                added += bulk
        self.rows.append(
            (
                rng.getrandbits(63),
                round(start * 1000),
                round(end * 1000),
                kind,
                root,
                path,
                language,
                branch,
                EDITORS[window],
                self.sources[window],
                added,
                removed,
                bulk,
            )
        )

    def full(self) -> bool:
        return len(self.rows) >= self.target

    def generate(self) -> list[tuple]:
        rng = self.rng
        day_start = datetime.combine(self.day, dtime.min).timestamp()
        t = day_start + 8 * 3600 + rng.uniform(0, 5400)
        last = day_start + 23.5 * 3600
        project = rng.choices(range(len(PROJECTS)), PROJECT_WEIGHTS)[0]
        self.side_project = (project + 1 + rng.randrange(len(PROJECTS) - 1)) % len(PROJECTS)
        lunch_taken = False
        while not self.full() and t < last:
            # a block of work, starting with the window getting focus
            self.row(t, t, "focus", project)
            if rng.random() < 0.5:
                project = rng.choices(range(len(PROJECTS)), PROJECT_WEIGHTS)[0]
            file = rng.randrange(8)
            minutes = rng.randint(25, 110)
            for _ in range(minutes):
                if self.full() or t >= last:
                    break
                if rng.random() < 0.03:  # a context switch within the block
                    project = rng.choices(range(len(PROJECTS)), PROJECT_WEIGHTS)[0]
                self.minute(t, project, file)
                if rng.random() < 0.2:
                    file += 1
                t += 60
            if self.full():
                break
            # a break: the window loses focus
            self.row(t, t, "blur", project)
            pause = rng.uniform(5, 45) * 60
            if not lunch_taken and t > day_start + 12 * 3600:
                pause, lunch_taken = rng.uniform(40, 70) * 60, True
            t += pause
        return self.rows[: self.target]

    def minute(self, t: float, project: int, file: int) -> None:
        rng = self.rng
        edits = 1 + sum(rng.random() < min(0.95, p * self.busy) for p in (0.6, 0.4, 0.2, 0.1))
        slot = 60.0 / edits
        for i in range(edits):
            start = t + i * slot + rng.uniform(0, 2)
            if rng.random() < 0.04:
                self.row(start, start, "open", project, file + i)
            if i:
                self.row(start, start, "activate", project, file + i)
            end = start + rng.uniform(3, slot - 2.5)
            self.row(start, end, "edit", project, file + i)
            if rng.random() < 0.55:
                self.row(end + 0.3, end + 0.3, "save", project, file + i)
            if rng.random() < 0.03:
                self.row(end + 0.5, end + 0.5, "close", project, file + i)
        if rng.random() < 0.22:  # the second editor window, on its own project
            start = t + rng.uniform(0, 40)
            end = start + rng.uniform(3, 19)
            self.row(start, end, "edit", self.side_project, file, window=1)
            if rng.random() < 0.5:
                self.row(end + 0.3, end + 0.3, "save", self.side_project, file, window=1)


def day_weights(rng: random.Random, days: list[date]) -> list[float]:
    """Busy workdays, lighter weekends, and two weeks off."""
    off = {rng.randrange(len(days) // 7) for _ in range(2)}
    weights = []
    for i, day in enumerate(days):
        if i // 7 in off:
            weights.append(0.0)
        elif day.weekday() == 5:
            weights.append(0.35)
        elif day.weekday() == 6:
            weights.append(0.25)
        else:
            weights.append(rng.uniform(0.85, 1.15))
    return weights


def generate(anchor: float) -> Iterator[list[tuple]]:
    """Batches of rows, oldest first: exactly TOTAL_ROWS up to ``anchor``."""
    rng = random.Random(20261122)
    today = datetime.fromtimestamp(anchor).date()
    dense_days = [today - timedelta(days=i) for i in range(DENSE_DAYS - 1, -1, -1)]
    dense = []
    for day in dense_days:
        rows = Day(rng, day, DENSE_ROWS_PER_DAY).generate()
        dense.append([r for r in rows if r[1] < (anchor - 30) * 1000])
    remaining = TOTAL_ROWS - sum(len(d) for d in dense)
    days = [today - timedelta(days=i) for i in range(364, DENSE_DAYS - 1, -1)]
    weights = day_weights(rng, days)
    total_weight = sum(weights)
    share = remaining / total_weight
    carried = 0  # rows a full day could not take go to the next
    for i, (day, weight) in enumerate(zip(days, weights, strict=True)):
        target = remaining if i == len(days) - 1 else round(share * weight) + carried
        if target <= 0:
            continue
        rows = Day(rng, day, min(target, remaining)).generate()
        carried = target - len(rows)
        remaining -= len(rows)
        yield rows
    if remaining:
        raise RuntimeError(f"the generated year came out {remaining:,} rows short")
    yield from dense


def build(anchor: float) -> None:
    if DATA_DIR.exists():
        shutil.rmtree(DATA_DIR)
    DATA_DIR.mkdir(parents=True)
    started = time.perf_counter()
    engine = Database(url()).engine()  # creates and migrates the schema
    written = 0
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA cache_size = -262144")
        batch: list[dict] = []
        for rows in generate(anchor):
            batch.extend(dict(zip(COLUMNS, row, strict=True)) for row in rows)
            if len(batch) >= 50_000:
                conn.execute(insert(EVENTS), batch)
                written += len(batch)
                batch = []
                print(f"\r  building: {written:,} rows", end="", flush=True)
        if batch:
            conn.execute(insert(EVENTS), batch)
            written += len(batch)
    engine.dispose()
    print(f"\r  built {written:,} rows in {time.perf_counter() - started:.1f} s")
    META_PATH.write_text(json.dumps({"version": GENERATOR_VERSION, "anchor": anchor}))


def url() -> str:
    return f"sqlite:///{DB_PATH.as_posix()}"


def ensure_database(rebuild: bool) -> float:
    """Build the database unless a current one is there; returns the end of its history.

    The history ends at the last 22:00 (local time) before it is built, so its last day is a
    whole day of work. A database built on an earlier day is moved forward by whole days, so
    its dense week is the last week again.
    """
    meta = json.loads(META_PATH.read_text()) if META_PATH.exists() else {}
    if rebuild or meta.get("version") != GENERATOR_VERSION or not DB_PATH.exists():
        anchor = last_evening(time.time())
        build(anchor)
        return anchor
    anchor = float(meta["anchor"])
    days = int((time.time() - anchor) // 86_400)
    if days > 0:
        started = time.perf_counter()
        with sqlite3.connect(DB_PATH) as conn:
            conn.execute(
                "UPDATE events SET start_ms = start_ms + ?, end_ms = end_ms + ?",
                (days * DAY_MS, days * DAY_MS),
            )
        anchor += days * 86_400
        META_PATH.write_text(json.dumps({"version": GENERATOR_VERSION, "anchor": anchor}))
        print(f"  moved the history {days} day(s) forward ({time.perf_counter() - started:.1f} s)")
    return anchor


def last_evening(t: float) -> float:
    """The last 22:00 local time at or before ``t``."""
    moment = datetime.fromtimestamp(t)
    evening = datetime.combine(moment.date(), dtime(22, 0))
    if evening > moment:
        evening = datetime.combine(moment.date() - timedelta(days=1), dtime(22, 0))
    return evening.timestamp()


# -- measurements ---------------------------------------------------------------------------
def bounds(now: float) -> tuple[int, int]:
    """The [start, end) in ms that make_report reads for the week (as load_activities does)."""
    period = resolve_period("week", now)
    return int((period.start - LOOKBACK_SECONDS) * 1000), int((now + 1) * 1000)


def raw_read(now: float) -> int:
    lo, hi = bounds(now)
    conn = sqlite3.connect(DB_PATH)
    try:
        return len(conn.execute(READ_SQL, (lo, hi)).fetchall())
    finally:
        conn.close()


def devfocus_report(now: float) -> float:
    database = Database(url())
    try:
        report = make_report(database, "week", Settings(), now=now)
    finally:
        database.close()
    return report.focus_seconds


def timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def phases(now: float, runs: int = 3) -> dict[str, float]:
    """Median ms of each step of make_report, timed one by one."""
    settings = Settings()
    out: dict[str, list[float]] = {"engine + schema check": [], "load": [], "build": []}
    since = resolve_period("week", now).start - LOOKBACK_SECONDS
    for _ in range(runs):
        database = Database(url())
        t0 = time.perf_counter()
        engine = database.engine()
        t1 = time.perf_counter()
        acts = load_activities(engine, since, now + 1)
        t2 = time.perf_counter()
        build_report(
            acts,
            resolve_period("week", now),
            idle_timeout=settings.sessions.idle_timeout_minutes * 60,
            deep_work=settings.sessions.deep_work_minutes * 60,
            now=now,
        )
        t3 = time.perf_counter()
        database.close()
        out["engine + schema check"].append(t1 - t0)
        out["load"].append(t2 - t1)
        out["build"].append(t3 - t2)
    return {k: median(v) * 1000 for k, v in out.items()}


CLI_REFERENCE = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "print(len(c.execute(sys.argv[2], (int(sys.argv[3]), int(sys.argv[4]))).fetchall()))"
)


def cli_runs(runs: int) -> tuple[list[float], list[float]]:
    """The CLI reports the week to the real time; its reference reads the same rows."""
    env = dict(python_env(), DEVFOCUS_DATA_DIR=str(DATA_DIR))
    cli = [PYTHON, "-m", "devfocus", "report", "--period", "week"]
    lo, hi = bounds(time.time() + 600)
    ref = [PYTHON, "-c", CLI_REFERENCE, str(DB_PATH), READ_SQL, str(lo), str(hi)]
    cli_times: list[float] = []
    ref_times: list[float] = []
    for i in range(runs + 1):
        for name, cmd in (("cli", cli), ("ref", ref)) if i % 2 else (("ref", ref), ("cli", cli)):
            started = time.perf_counter()
            done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, check=False)
            elapsed = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd[:6])} failed: {done.stderr.decode()}")
            if i:  # the first pair warms up
                (cli_times if name == "cli" else ref_times).append(elapsed)
    return cli_times, ref_times


def profile(now: float) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(devfocus_report, now)
    print("\ncProfile of one make_report(week):")
    profile_by_package(pstats.Stats(profiler))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cli-runs", type=int, default=9)
    parser.add_argument("--rebuild", action="store_true", help="generate the database again")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the report")
    args = parser.parse_args()

    header("week report over 1,000,000 stored events")
    now = ensure_database(args.rebuild)  # the report is made as of the end of the history
    with sqlite3.connect(DB_PATH) as conn:
        total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    week_rows = raw_read(now)
    print(
        f"  database: {total:,} events, {DB_PATH.stat().st_size / 1e6:.0f} MB; the week to "
        f"{datetime.fromtimestamp(now):%Y-%m-%d %H:%M} (with the {LOOKBACK_SECONDS // 3600} h "
        f"look-back) holds {week_rows:,} rows"
    )

    report_s: list[float] = []
    raw_s: list[float] = []
    devfocus_report(now)  # warm-up: imports, caches, page cache
    raw_read(now)
    for i in range(args.runs):
        pair = [("devfocus", devfocus_report), ("raw", raw_read)]
        for name, fn in pair if i % 2 == 0 else reversed(pair):
            (report_s if name == "devfocus" else raw_s).append(timed(fn, now))
    report_ms, raw_ms = median(report_s) * 1000, median(raw_s) * 1000
    ratio = median(r / w for r, w in zip(report_s, raw_s, strict=True))
    print(
        f"  make_report(week): median {report_ms:.1f} ms (min {min(report_s) * 1000:.1f}, max "
        f"{max(report_s) * 1000:.1f}); sqlite3 read of the same rows: median {raw_ms:.1f} ms"
    )
    steps = phases(now)
    listed = ", ".join(f"{k} {v:.1f} ms" for k, v in steps.items())
    print(f"  make_report steps (medians): {listed}")
    if args.profile or report_ms > TARGET_MS:
        profile(now)

    cli, ref = cli_runs(args.cli_runs)
    cli_ms, ref_ms = median(cli) * 1000, median(ref) * 1000
    cli_ratio = median(c / r for c, r in zip(cli, ref, strict=True))
    print(
        f"  `devfocus report --period week` (the week to now, {raw_read(time.time()):,} rows): "
        f"median {cli_ms:.0f} ms end to end; a Python process reading the rows with sqlite3: "
        f"{ref_ms:.0f} ms"
    )
    return emit(
        [
            Result(
                "report_1m",
                "make_report(week) over 1M events (median)",
                report_ms,
                "ms",
                reference=raw_ms,
                reference_name=f"sqlite3 read of the week's {week_rows:,} rows",
                ratio=ratio,
                target=f"<= {TARGET_MS:.0f} ms",
                passed=report_ms <= TARGET_MS,
            ),
            Result(
                "report_1m",
                "`devfocus report --period week` end to end (median)",
                cli_ms,
                "ms",
                reference=ref_ms,
                reference_name="python -c sqlite3 read of the rows",
                ratio=cli_ratio,
                target=f"<= {CLI_TARGET_RATIO:.0f}x",
                passed=cli_ratio <= CLI_TARGET_RATIO,
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
