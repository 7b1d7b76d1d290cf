"""The week report with all its charts and insights over a year of history: 1,000,000 stored
events and 20,000 commits.

The events are the heavy year ``report_1m.py`` generates (its generator, in a directory of this
script's own, ``benchmarks/.work/report_charts/``); 20,000 commits of the same developer over
the same year are added to it (six repositories, work hours, a few files each, realistic
subjects), so the report reads, scores and attributes commits as it does on a real machine.

Measured, alternating, in one process, each run with a fresh ``Database`` and Python's cyclic
collector paused, as ``devfocus report`` runs:

* with charts: ``make_report(week)`` (insights included), then the HTML report and the Markdown
  report with their four charts (the chart data is summed while the report is built);
* without charts: the same report with the chart data's pass left out (``_chart_series``
  replaced, for these runs only, by the per-day sums the report made before it had charts),
  then the HTML report without charts: the report as it was before it had charts.

Targets: with charts at most 500 ms (median), and at most 1.3x the report without charts (median
of the per-pair ratios). With ``--repo DIR`` (default ``$DEVFOCUS_BENCH_REPO``) the same is
measured on a real repository's history, imported into a fresh database: the week up to its last
commit, with its most frequent author as the developer.

    python benchmarks/report_charts.py [--runs 7] [--rebuild] [--repo DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import report_1m
from _common import WORK_DIR, Result, add_repo_option, emit, header, median
from devfocus.activity.timeline import focus_between
from devfocus.app import reporting
from devfocus.app.reporting import make_report
from devfocus.cli.process import collector_paused
from devfocus.config import Settings
from devfocus.insights import focusreport
from devfocus.insights.charts import report_charts
from devfocus.insights.periods import Period, custom_period
from devfocus.insights.render_html import render_html
from devfocus.insights.render_markdown import render_markdown
from devfocus.store.database import Database
from devfocus.timeutil import day_bounds

TARGET_MS = 500.0
TARGET_RATIO = 1.3
COMMITS = 20_000
COMMITS_VERSION = 1  # bump when the generated commits change
AUTHOR = ("Dev Eloper", "dev@example.com")

# The generated year in a directory of this script's own (report_1m.py keeps its own copy).
report_1m.DATA_DIR = WORK_DIR / "report_charts"
report_1m.DB_PATH = report_1m.DATA_DIR / "devfocus.db"
report_1m.META_PATH = report_1m.DATA_DIR / "meta.json"
COMMITS_META = report_1m.DATA_DIR / "commits.json"

SUBJECTS = (
    "Fix rounding of tax on refunds",
    "Add retry to the payment client",
    "feat(cart): keep the cart across sessions",
    "Refactor order totals into one function",
    "fix: handle an empty basket in checkout",
    "Update dependencies",
    "wip",
    "Add tests for partial refunds",
    "docs: explain the nightly backfill",
    "Speed up the daily revenue query",
    "chore: bump the k8s manifests",
    "Rename Api to ApiClient",
)


# -- the generated commits ----------------------------------------------------------------------
def generate_commits(anchor: float) -> Iterator[tuple[tuple, list[tuple]]]:
    """COMMITS commits over the year before ``anchor``, in work hours, and their files."""
    rng = random.Random(20261206)
    today = datetime.fromtimestamp(anchor).date()
    days = [today - timedelta(days=i) for i in range(364, -1, -1)]
    weights = [0.0 if d.weekday() == 6 else 0.4 if d.weekday() == 5 else 1.0 for d in days]
    per_weight = COMMITS / sum(weights)
    made = 0
    for i, (day, weight) in enumerate(zip(days, weights, strict=True)):
        count = COMMITS - made if i == len(days) - 1 else round(per_weight * weight)
        count = min(count, COMMITS - made)
        start = datetime.combine(day, datetime.min.time()).timestamp()
        moments = sorted(start + rng.uniform(9 * 3600, 19 * 3600) for _ in range(count))
        for at in moments:
            if at >= anchor:
                at = anchor - rng.uniform(60, 3600)
            project = rng.choices(range(len(report_1m.PROJECTS)), report_1m.PROJECT_WEIGHTS)[0]
            _, branches, files = report_1m.PROJECTS[project]
            branch = rng.choice(["main", *branches]) if branches else "main"
            sha = f"{rng.getrandbits(160):040x}"
            changed = rng.sample(files, k=min(len(files), rng.randint(1, 4)))
            added = [rng.randint(0, 80) for _ in changed]
            deleted = [rng.randint(0, 30) for _ in changed]
            subject = rng.choice(SUBJECTS)
            body = "" if rng.random() < 0.6 else "\n\nWhy: the old way lost data on retries."
            ms = round(at * 1000)
            yield (
                (
                    project + 1,
                    sha,
                    "",
                    branch,
                    *AUTHOR,
                    ms,
                    60,
                    *AUTHOR,
                    ms,
                    60,
                    subject + body,
                    len(changed),
                    sum(added),
                    sum(deleted),
                    1,
                ),
                [
                    (project + 1, sha, path, None, a, d)
                    for (path, _), a, d in zip(changed, added, deleted, strict=True)
                ],
            )
            made += 1


def ensure_commits(anchor: float) -> None:
    """The commits in the database, generated or moved to the events' anchor."""
    meta = json.loads(COMMITS_META.read_text()) if COMMITS_META.exists() else {}
    with sqlite3.connect(report_1m.DB_PATH) as conn:
        present = conn.execute("SELECT count(*) FROM commits").fetchone()[0]
        if meta.get("version") == COMMITS_VERSION and present == COMMITS:
            shift = round((anchor - float(meta["anchor"])) * 1000)
            if shift:
                conn.execute(
                    "UPDATE commits SET authored_ms = authored_ms + ?, "
                    "committed_ms = committed_ms + ?",
                    (shift, shift),
                )
                COMMITS_META.write_text(json.dumps({"version": COMMITS_VERSION, "anchor": anchor}))
            return
        started = time.perf_counter()
        for table in ("commit_files", "commits", "repositories"):
            conn.execute(f"DELETE FROM {table}")
        conn.executemany(
            "INSERT INTO repositories (id, root, git_dir, user_email, tips, imported_ms) "
            "VALUES (?, ?, ?, ?, '{}', ?)",
            [
                (i + 1, root, f"{root}/.git", AUTHOR[1], round(anchor * 1000))
                for i, (root, _, _) in enumerate(report_1m.PROJECTS)
            ],
        )
        commits, files = [], []
        for commit, its_files in generate_commits(anchor):
            commits.append(commit)
            files.extend(its_files)
        conn.executemany(
            "INSERT INTO commits (repo_id, sha, parents, branch, author_name, author_email, "
            "authored_ms, author_offset, committer_name, committer_email, committed_ms, "
            "committer_offset, message, files, additions, deletions, reachable) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            commits,
        )
        conn.executemany(
            "INSERT INTO commit_files (repo_id, sha, path, old_path, added, deleted) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            files,
        )
    COMMITS_META.write_text(json.dumps({"version": COMMITS_VERSION, "anchor": anchor}))
    print(
        f"  added {len(commits):,} commits ({len(files):,} file changes) in "
        f"{time.perf_counter() - started:.1f} s"
    )


# -- measurements -------------------------------------------------------------------------------
@contextlib.contextmanager
def without_chart_data() -> Iterator[None]:
    """build_report as it was before the charts: each day's focus and deep work summed as it
    was then (focus_between per day and block), and no chart data."""
    real = focusreport._chart_series

    def before_charts(segments, deep, days, tz, by_project, by_branch):  # type: ignore[no-untyped-def]
        focus, deep_seconds = [], []
        for day in days:
            lo, hi = day_bounds(day, tz)
            focus.append(focus_between(segments, lo, hi))
            deep_seconds.append(
                sum(focus_between(segments, max(d.start, lo), min(d.end, hi)) for d in deep)
            )
        empty = focusreport.EMPTY_HOURS
        return focusreport._Series(focus, deep_seconds, [() for _ in days], [], empty, empty)

    focusreport._chart_series = before_charts  # type: ignore[assignment]
    try:
        yield
    finally:
        focusreport._chart_series = real  # type: ignore[assignment]


Run = Callable[[], float]


def runs_for(url: str, period: str | Period, settings: Settings, now: float) -> dict[str, Run]:
    def report() -> focusreport.Report:
        database = Database(url)
        try:
            return make_report(database, period, settings, now=now)
        finally:
            database.close()

    def timed(render: Callable[[focusreport.Report], str], charts: bool) -> Run:
        def run() -> float:
            # As `devfocus report` does it: the cyclic collector paused while it works.
            with collector_paused():
                started = time.perf_counter()
                if charts:
                    render(report())
                else:
                    with without_chart_data():
                        render(report())
                return time.perf_counter() - started

        return run

    return {
        "html": timed(render_html, True),
        "markdown": timed(render_markdown, True),
        "none": timed(lambda r: render_html(r, charts=False), False),
    }


def measure(runs: dict[str, Run], count: int) -> dict[str, list[float]]:
    for run in runs.values():  # warm-up: imports, caches, the page cache
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    order = list(runs)
    for i in range(count):
        for name in order if i % 2 == 0 else reversed(order):
            times[name].append(runs[name]())
    return times


def results(label: str, times: dict[str, list[float]]) -> list[Result]:
    none = times["none"]
    out = []
    for name in ("html", "markdown"):
        measured = times[name]
        ms = median(measured) * 1000
        ratio = median(m / n for m, n in zip(measured, none, strict=True))
        print(
            f"  {label}, {name} with charts: median {ms:.1f} ms; without charts "
            f"{median(none) * 1000:.1f} ms; ratio {ratio:.3f}x"
        )
        out.append(
            Result(
                "report_charts",
                f"{label}: report + {name} with 4 charts (median)",
                ms,
                "ms",
                reference=median(none) * 1000,
                reference_name="the same report, HTML without charts",
                ratio=ratio,
                target=f"<= {TARGET_MS:.0f} ms, <= {TARGET_RATIO}x",
                passed=ms <= TARGET_MS and ratio <= TARGET_RATIO,
            )
        )
    return out


def chart_cost(url: str, settings: Settings, now: float, runs: int) -> None:
    """The charts' own cost on one report, away from the database's noise: build_report with
    and without the chart data's pass (on the same inputs), the four charts drawn, and the HTML
    rendered with and without them."""
    captured: dict[str, Any] = {}
    real_build = reporting.build_report

    def capture(*args: Any, **kwargs: Any) -> focusreport.Report:
        captured.update(args=args, kwargs=kwargs)
        return real_build(*args, **kwargs)

    reporting.build_report = capture  # type: ignore[assignment]
    database = Database(url)
    try:
        report = make_report(database, "week", settings, now=now)
    finally:
        database.close()
        reporting.build_report = real_build  # type: ignore[assignment]

    def build() -> float:
        with collector_paused():
            started = time.perf_counter()
            real_build(*captured["args"], **captured["kwargs"])
            return time.perf_counter() - started

    def build_before() -> float:
        with without_chart_data():
            return build()

    def timed(fn: Callable[[], object]) -> float:
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started

    steps: dict[str, list[float]] = {"with": [], "before": [], "draw": [], "html": [], "bare": []}
    for i in range(runs):
        pair = [("with", build), ("before", build_before)]
        for name, fn in pair if i % 2 == 0 else reversed(pair):
            steps[name].append(fn())
        steps["draw"].append(timed(lambda: report_charts(report)))
        steps["html"].append(timed(lambda: render_html(report)))
        steps["bare"].append(timed(lambda: render_html(report, charts=False)))
    ms = {name: median(values) * 1000 for name, values in steps.items()}
    sizes = ", ".join(f"{c.key} {len(c.svg) / 1024:.0f} KB" for c in report_charts(report))
    print(
        f"  on one report: build_report {ms['with']:.1f} ms with the chart data, "
        f"{ms['before']:.1f} ms without; the four charts drawn: {ms['draw']:.1f} ms ({sizes}); "
        f"the HTML {ms['html']:.1f} ms with them, {ms['bare']:.1f} ms without"
    )
    print(
        f"  the report holds {len(report.spans):,} timeline spans, {len(report.commits):,} "
        f"commits and {len(report.insights)} insights"
    )


def real_history(repo: Path, runs: int) -> list[Result]:
    """The week up to the last commit of a real repository, imported into a fresh database."""
    from devfocus.app.gitsync import Ingester
    from devfocus.git.repository import open_repository

    opened = open_repository(repo)
    if opened is None:
        print(f"  {repo} is not a git repository: skipped")
        return []
    with tempfile.TemporaryDirectory(prefix="devfocus-charts-") as tmp:
        url = f"sqlite:///{Path(tmp, 'devfocus.db').as_posix()}"
        database = Database(url)
        try:
            outcome = Ingester(database).ingest(opened)
        finally:
            database.close()
        if outcome.problem is not None:
            print(f"  import of {repo} failed: {outcome.problem}")
            return []
        with sqlite3.connect(Path(tmp, "devfocus.db")) as conn:
            count = conn.execute("SELECT count(*) FROM commits").fetchone()[0]
            # The developer: whoever committed most in the last 90 days of the history; the
            # week: the one up to their last commit.
            last_ms = conn.execute("SELECT max(authored_ms) FROM commits").fetchone()[0]
            authors = Counter(
                dict(
                    conn.execute(
                        "SELECT author_email, count(*) FROM commits WHERE authored_ms >= ? "
                        "GROUP BY 1",
                        (last_ms - 90 * 86_400_000,),
                    )
                )
            )
            author = authors.most_common(1)[0][0]
            last_ms = conn.execute(
                "SELECT max(authored_ms) FROM commits WHERE author_email = ?", (author,)
            ).fetchone()[0]
        now = last_ms / 1000 + 3600
        last_day = datetime.fromtimestamp(now).date()
        period = custom_period(last_day - timedelta(days=6), last_day, now)
        settings = _with_author(Settings(), author)
        print(
            f"  {opened.root.name}: {count:,} commits; the week to {last_day:%Y-%m-%d}, "
            f"author {author}"
        )
        return results(
            f"{opened.root.name}, week to its last commit",
            measure(runs_for(url, period, settings, now), runs),
        )


def _with_author(settings: Settings, author: str) -> Settings:
    """``settings`` with ``author`` as the developer whose commits the report counts."""
    return replace(settings, git=replace(settings.git, authors=(author,)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="generate the database again")
    add_repo_option(parser, "only the generated year")
    args = parser.parse_args()

    header("week report with charts and insights over 1,000,000 events and 20,000 commits")
    now = report_1m.ensure_database(args.rebuild)
    ensure_commits(now)
    with sqlite3.connect(report_1m.DB_PATH) as conn:
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        commits = conn.execute("SELECT count(*) FROM commits").fetchone()[0]
    print(
        f"  database: {events:,} events, {commits:,} commits; the week to "
        f"{datetime.fromtimestamp(now):%Y-%m-%d %H:%M}"
    )
    settings = _with_author(Settings(), AUTHOR[1])
    url = report_1m.url()
    out = results("generated year", measure(runs_for(url, "week", settings, now), args.runs))
    chart_cost(url, settings, now, args.runs)
    if args.repo is not None:
        out += real_history(Path(args.repo), args.runs)
    return emit(out)


if __name__ == "__main__":
    sys.exit(main())
