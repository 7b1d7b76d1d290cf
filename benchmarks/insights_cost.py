"""What insights add to the week report over a year of history (1,000,000 stored events).

The database is the one ``report_1m.py`` generates (its generator, in a directory of this
script's own, ``benchmarks/.work/insights_cost/``), with a heavy year of editor activity.

Measured, alternating, in one process: ``make_report(Database(url), "week", Settings(), ...)``
with insights (the default) and without them (``insights=False``), a fresh ``Database`` each
run. Target: the report with insights within 500 ms (median). The insights' own work is also
timed apart (the baseline's read; the baseline, the period's figures and every detector), which
a busy machine disturbs less than the difference of two whole reports.

    python benchmarks/insights_cost.py [--runs 7] [--rebuild]
"""

from __future__ import annotations

import argparse
import sys
import time

import report_1m
from _common import WORK_DIR, median
from devfocus.app.baselines import figures_rules, past_days, read_debt, read_kept_days
from devfocus.app.reporting import insight_rules, make_report
from devfocus.config import Settings
from devfocus.insights.baseline import baseline_days, baseline_of, baseline_window
from devfocus.insights.bulk import bulk_insertions
from devfocus.insights.detection import find_insights, period_facts
from devfocus.insights.focusreport import LOOKBACK_SECONDS
from devfocus.store.database import Database
from devfocus.store.events import load_activities

TARGET_MS = 500.0

# The generated year in a directory of this script's own (report_1m.py keeps its own copy).
report_1m.DATA_DIR = WORK_DIR / "insights_cost"
report_1m.DB_PATH = report_1m.DATA_DIR / "devfocus.db"
report_1m.META_PATH = report_1m.DATA_DIR / "meta.json"


def week_report(now: float, *, insights: bool) -> float:
    database = Database(report_1m.url())
    started = time.perf_counter()
    try:
        report = make_report(database, "week", Settings(), now=now, insights=insights)
    finally:
        database.close()
    elapsed = time.perf_counter() - started
    if insights and not report.insights:
        print("  (the week report found no insights)", file=sys.stderr)
    return elapsed


def insight_parts(now: float, runs: int) -> tuple[float, float]:
    """Median ms of the insights' own work, timed apart from the report: the baseline's read (the
    kept days and each day's event count, docstring debt) and the rest (the baseline, the
    period's day figures and stretches, every detector)."""
    settings = Settings()
    database = Database(report_1m.url())
    report = make_report(database, "week", settings, now=now, insights=False)
    period = report.period
    activities = database.read(
        lambda source: load_activities(source, period.start - LOOKBACK_SECONDS, now + 1)
    )
    rules = insight_rules(settings)
    key = figures_rules(settings, None)
    days = baseline_days(period.days[0])
    start, end = baseline_window(period.days[0])
    reads: list[float] = []
    detects: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter()
        kept, debt = database.read(
            lambda source: (
                read_kept_days(source, days, key, None),
                read_debt(source, start, now + 1),
            )
        )
        t1 = time.perf_counter()
        figures = past_days(
            database,
            kept,
            settings,
            commits=(),
            checkouts=(),
            history_rules=None,
            work_week=rules.work_week,
            tz=None,
        )
        base = baseline_of(figures, start, end, late_hour=rules.late_hour)
        facts = period_facts(report, activities, base, rules, debt=debt)
        find_insights(facts, rules, more=[bulk_insertions(report, activities)])
        t2 = time.perf_counter()
        reads.append(t1 - t0)
        detects.append(t2 - t1)
    database.close()
    return median(reads) * 1000, median(detects) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="generate the database again")
    parser.add_argument("--build-only", action="store_true", help="only build the database")
    args = parser.parse_args()
    now = report_1m.ensure_database(args.rebuild)
    if args.build_only:
        return 0
    week_report(now, insights=True)  # warm-up: imports, caches, page cache
    week_report(now, insights=False)
    with_s: list[float] = []
    without_s: list[float] = []
    for i in range(args.runs):
        pair = [(True, with_s), (False, without_s)]
        for flag, into in pair if i % 2 == 0 else reversed(pair):
            into.append(week_report(now, insights=flag))
    with_ms, without_ms = median(with_s) * 1000, median(without_s) * 1000
    ratio = median(w / o for w, o in zip(with_s, without_s, strict=True))
    print(
        f"  make_report(week) with insights: median {with_ms:.1f} ms; without: {without_ms:.1f} "
        f"ms; ratio {ratio:.2f}x; insights cost {with_ms - without_ms:.1f} ms"
    )
    # On a shared machine the fastest runs are the least disturbed ones.
    best_with, best_without = min(with_s) * 1000, min(without_s) * 1000
    print(
        f"  fastest runs: with insights {best_with:.1f} ms, without {best_without:.1f} ms "
        f"(insights {best_with - best_without:.1f} ms)"
    )
    read_ms, detect_ms = insight_parts(now, max(args.runs, 5))
    print(
        f"  the insights' own work (medians): baseline read {read_ms:.1f} ms, baseline and "
        f"detectors {detect_ms:.1f} ms"
    )
    verdict = "PASS" if with_ms <= TARGET_MS else "FAIL"
    print(f"  target: the week report with insights <= {TARGET_MS:.0f} ms: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
