"""Team mode on a real PostgreSQL: the team week report and a member's push of a day (issue 18).

A PostgreSQL server of its own (the tests' ``PostgresServer``, binaries from the system's
postgresql package) holds two team databases, each set up by ``init_team`` with its members
added by ``add_member``, so the roles, row-level security, views and functions are the
product's own:

* **1x, plain layout:** ``--members`` (50) members, one year of working hours each: a totals row
  for 8 hours of every weekday and a project row for about a third of those hours
  (~140,000 rows);
* **10x, partitioned layout** (``init_team(..., partitioned=True)``, monthly partitions): ten
  times the rows, either the same members over ten years (``--scale years``, the default: the
  week read is the same size, the history around it ten times larger, so partition pruning is
  what is tested) or ten times the members over one year (``--scale members``: the week itself
  is ten times larger).

The history is written by the owner in one ``INSERT ... SELECT`` per label kind (loading is not
what is measured), then ``VACUUM ANALYZE``, as autovacuum would have done by the time anyone
reads it; loading runs with ``fsync=off``, measuring with ``fsync=on``, so every push pays for a
durable commit. Measured as a member signs in (their own password, SCRAM):

* the team week report, as ``devfocus report --team --period lastweek`` makes it:
  ``make_team_report(member_url, last_week, now=...)`` (which reads last week and the week
  before, each through a fresh connection) then ``render_team_report(report, "markdown")``.
  Target: within 1 s (median). Reference: what reading the week costs at all, the owner's
  ``SELECT count(*), sum(focus_seconds)`` of the week's rows on an open connection;
* a push of one day of a member's aggregates (``share="totals+projects"``; every row's figures
  changed, so each is rewritten), ``upsert_hours`` on an open connection, and end to end
  (``connect``, ``upsert_hours``, close). Target: within 100 ms (median). Reference: the same
  rows in a plain ``INSERT`` (the same ``unnest`` of arrays, one statement) into an unindexed
  temporary table, on an open connection, and end to end with a fresh connection.

Measured and reference take turns, warm-up runs first. For the partitioned layout the plans
of the week's reads are checked for the partitions they open.

    python benchmarks/team_mode.py [--members 50] [--scale years|members] [--rounds 9]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from _common import REPO, Result, emit, header, median

sys.path.insert(0, str(REPO))

REPORT_TARGET_MS = 1000.0
PUSH_TARGET_MS = 100.0
HOURS_A_DAY = 8
PROJECT_SHARE = 0.35  # of the hours, those that also get a project row
PROJECTS = 6

# The whole history in two statements: a totals row for 8 hours of every weekday of every
# member, then a project row for about a third of them. Random figures within the schema's
# checks; the CTE is materialized (random() is volatile), so each row gets its own.
_LOAD_TOTALS = """
WITH base AS (
    SELECT m.member,
           (d.day + make_interval(hours => 8 + (hashtext(m.member) & 1) + k.n))
               AT TIME ZONE 'UTC' AS hour,
           600 + floor(random() * 2900)::integer AS focus,
           random() AS deep_part,
           floor(random() * 30)::integer AS switches,
           1 + floor(random() * 2)::integer AS sessions
    FROM devfocus_team.members m
    CROSS JOIN generate_series(%(first)s::timestamp, %(last)s::timestamp, interval '1 day')
        AS d(day)
    CROSS JOIN generate_series(0, %(hours)s - 1) AS k(n)
    WHERE extract(isodow FROM d.day) < 6
)
INSERT INTO devfocus_team.hourly
    (member, hour, label_kind, label, focus_seconds, deep_seconds, switches, sessions, pushed_at)
SELECT member, hour, '', '', focus, floor(focus * deep_part * 0.9)::integer, switches, sessions,
       hour + interval '1 hour'
FROM base
"""
_LOAD_PROJECTS = """
INSERT INTO devfocus_team.hourly
    (member, hour, label_kind, label, focus_seconds, deep_seconds, switches, sessions, pushed_at)
SELECT member, hour, 'project',
       'project-' || ((extract(doy FROM hour)::integer + (hashtext(member) & 255) %% 3)
                       %% %(projects)s),
       focus_seconds * 3 / 5, deep_seconds * 3 / 5, switches / 2, 1, pushed_at
FROM devfocus_team.hourly
WHERE label_kind = '' AND random() < %(share)s
"""


@dataclass
class Team:
    """One team database, loaded, and what the measurements need of it."""

    name: str
    admin_url: str  # the owner's (the postgres superuser here)
    member_url: str  # the measured member's, with their password
    member: str
    rows: int
    week_rows: int
    partitions: int
    load_seconds: float


def utc(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def make_team(
    server: Any, name: str, *, members: int, years: int, partitioned: bool, last_day: date
) -> Team:
    """A team database of ``members`` members with ``years`` of working hours up to
    ``last_day``, set up through the product's own functions."""
    import psycopg

    from devfocus.store import teamdb

    url = server.create_database()
    started = time.perf_counter()
    teamdb.init_team(url, team=name, partitioned=partitioned)
    passwords = {}
    for i in range(members):
        login = f"{name}_m{i:03d}"
        passwords[login] = teamdb.add_member(url, login, "member", display_name=f"Member {i}")
    first_day = last_day - timedelta(days=round(365.25 * years) - 1)
    with psycopg.connect(plain(url), autocommit=True) as conn:
        if partitioned:  # the months before the year init made (a push would make them too)
            conn.execute(
                "SELECT devfocus_team.ensure_partitions(%s, %s)",
                (utc(first_day), utc(last_day)),
            )
        conn.execute(
            _LOAD_TOTALS,
            {"first": first_day, "last": last_day, "hours": HOURS_A_DAY},
            prepare=False,
        )
        conn.execute(_LOAD_PROJECTS, {"projects": PROJECTS, "share": PROJECT_SHARE})
        conn.execute("VACUUM ANALYZE devfocus_team.hourly")
        rows = conn.execute("SELECT count(*) FROM devfocus_team.hourly").fetchone()
        parts = conn.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'devfocus_team.hourly'::regclass"
        ).fetchone()
    member = f"{name}_m000"
    return Team(
        name=name,
        admin_url=url,
        member_url=teamdb.member_url(url, member, passwords[member]),
        member=member,
        rows=int(rows[0]) if rows else 0,
        week_rows=0,
        partitions=int(parts[0]) if parts else 0,
        load_seconds=time.perf_counter() - started,
    )


# -- the week report -----------------------------------------------------------------------------
def week_report(url: str, period: Any, now: float) -> tuple[float, Any, str]:
    """What ``devfocus report --team`` runs for ``period``: seconds, the report, its Markdown."""
    from devfocus.app.teamshare import make_team_report
    from devfocus.team.teamreport import render_team_report

    started = time.perf_counter()
    report = make_team_report(url, period, now=now)
    text = render_team_report(report, "markdown")
    return time.perf_counter() - started, report, text


_WEEK_READ = (
    "SELECT count(*), sum(focus_seconds) FROM devfocus_team.hourly WHERE hour >= %s AND hour < %s"
)


def bare_week_read(conn: Any, start: datetime, end: datetime) -> tuple[float, int]:
    started = time.perf_counter()
    row = conn.execute(_WEEK_READ, (start, end)).fetchone()
    return time.perf_counter() - started, int(row[0])


def partitions_read(conn: Any, query: str, params: tuple[Any, ...]) -> tuple[int, int]:
    """(partitions in the plan of ``query``, partitions pruned while it ran)."""
    import json

    plan = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query, params).fetchone()[0]
    document = plan if isinstance(plan, list) else json.loads(plan)
    opened: set[str] = set()
    removed = 0

    def walk(node: dict[str, Any]) -> None:
        nonlocal removed
        relation = node.get("Relation Name", "")
        if relation.startswith("hourly_") and not node.get("Never Executed"):
            opened.add(relation)
        removed += int(node.get("Subplans Removed", 0))
        for child in node.get("Plans", []):
            walk(child)

    walk(document[0]["Plan"])
    return len(opened), removed


# -- the push ------------------------------------------------------------------------------------
def day_rows(day: date, variant: int) -> list[Any]:
    """One member's day as a push sends it with ``totals+projects``: 8 totals rows and a project
    row or two per hour; ``variant`` changes every figure, so each push rewrites each row."""
    from devfocus.team.figures import HourRow

    rows = []
    for n in range(HOURS_A_DAY):
        hour = utc(day, 8 + n).timestamp()
        focus = 1800 + 60 * n
        rows.append(HourRow(hour, "", "", focus + variant, focus // 2, 4 + n, 1))
        rows.append(HourRow(hour, "project", "project-1", focus // 2 + variant, focus // 4, 2, 1))
        if n % 3 == 0:
            rows.append(
                HourRow(hour, "project", "project-2", focus // 3 + variant, focus // 6, 1, 1)
            )
    return rows


_REFERENCE_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS push_reference (hour timestamptz, label_kind text, "
    "label text, focus_seconds integer, deep_seconds integer, switches integer, sessions integer)"
)
_REFERENCE_INSERT = (
    "INSERT INTO push_reference SELECT * FROM unnest(%s::timestamptz[], %s::text[], %s::text[], "
    "%s::integer[], %s::integer[], %s::integer[], %s::integer[])"
)


def reference_insert(conn: Any, rows: list[Any]) -> None:
    """The same rows as the push, one plain ``INSERT`` of the same arrays: no index, no
    conflict check, no row-level security."""
    conn.execute(
        _REFERENCE_INSERT,
        (
            [datetime.fromtimestamp(r.hour, timezone.utc) for r in rows],
            [r.label_kind for r in rows],
            [r.label for r in rows],
            [r.focus_seconds for r in rows],
            [r.deep_seconds for r in rows],
            [r.switches for r in rows],
            [r.sessions for r in rows],
        ),
    )


@contextmanager
def member_connection(url: str) -> Iterator[Any]:
    from devfocus.store import teamdb

    conn = teamdb.connect(url)
    try:
        yield conn
    finally:
        conn.close()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@dataclass
class Figures:
    """The medians of one team's runs, in milliseconds."""

    report: float
    report_reference: float
    report_ratio: float
    push: float
    push_reference: float
    push_ratio: float
    push_e2e: float
    push_e2e_reference: float
    push_e2e_ratio: float
    rows_pushed: int
    partitions_note: str


def measure(team: Team, rounds: int, now: float) -> Figures:
    import psycopg

    from devfocus.insights.periods import resolve_period
    from devfocus.store import teamdb

    period = resolve_period("lastweek", now, timezone.utc)
    start, end = utc(period.days[0]), utc(period.days[-1]) + timedelta(days=1)
    owner = psycopg.connect(plain(team.admin_url), autocommit=True)
    _, team.week_rows = bare_week_read(owner, start, end)

    # Warm-up: this process's imports, the server's caches and plans.
    _, report, text = week_report(team.member_url, period, now)
    assert not report.empty and report.place is not None, "the week report came back empty"
    assert report.labels, "no project label reached the minimum group size"
    week_report(team.member_url, period, now)
    bare_week_read(owner, start, end)

    reports: list[float] = []
    bare: list[float] = []
    for i in range(rounds):
        for what in ("report", "bare") if i % 2 == 0 else ("bare", "report"):
            if what == "report":
                reports.append(week_report(team.member_url, period, now)[0])
            else:
                bare.append(bare_week_read(owner, start, end)[0])
    print(
        f"  {team.name}: week report {1000 * median(reports):.1f} ms "
        f"(runs {', '.join(f'{1000 * s:.0f}' for s in reports)}), bare read of the week's "
        f"{team.week_rows:,} rows {1000 * median(bare):.2f} ms; report: {len(text):,} characters",
        flush=True,
    )

    note = ""
    if team.partitions:
        week = (start, end)
        days = (period.days[0], period.days[-1])
        checks = {
            "team_hourly": (
                "SELECT * FROM devfocus_team.team_hourly WHERE hour >= %s AND hour < %s",
                week,
            ),
            "team_daily": (
                "SELECT * FROM devfocus_team.team_daily WHERE day >= %s AND day <= %s",
                days,
            ),
            "team_labels_daily": (
                "SELECT * FROM devfocus_team.team_labels_daily WHERE day >= %s AND day <= %s",
                days,
            ),
            "bare week read": (_WEEK_READ, week),
        }
        parts = []
        for label, (query, params) in checks.items():
            opened, _ = partitions_read(owner, query, params)
            parts.append(f"{label} opens {opened} of {team.partitions}")
        note = "; ".join(parts)
        print(f"  {team.name}: partitions: {note}", flush=True)

    # The push: the last weekday before today, which the history already holds.
    day = datetime.fromtimestamp(now, timezone.utc).date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    pushes: list[float] = []
    inserts: list[float] = []
    e2e: list[float] = []
    e2e_reference: list[float] = []
    written = 0
    with member_connection(team.member_url) as conn:
        conn.execute(_REFERENCE_TABLE)
        for variant in (1, 2):  # warm-up
            teamdb.upsert_hours(
                conn, day_rows(day, variant), share="totals+projects", by_name=False
            )
            reference_insert(conn, day_rows(day, variant))
        for i in range(rounds * 2):
            rows = day_rows(day, 3 + i)
            conn.execute("TRUNCATE push_reference")
            for what in ("push", "insert") if i % 2 == 0 else ("insert", "push"):
                if what == "push":
                    started = time.perf_counter()
                    written = teamdb.upsert_hours(
                        conn, rows, share="totals+projects", by_name=False
                    )
                    pushes.append(time.perf_counter() - started)
                    assert written == len(rows), (written, len(rows))
                else:
                    inserts.append(timed(lambda r=rows: reference_insert(conn, r)))  # type: ignore[misc]

    def push_e2e(rows: list[Any]) -> None:
        with member_connection(team.member_url) as fresh:
            teamdb.upsert_hours(fresh, rows, share="totals+projects", by_name=False)

    def insert_e2e(rows: list[Any]) -> None:
        with member_connection(team.member_url) as fresh:
            fresh.execute(_REFERENCE_TABLE)
            reference_insert(fresh, rows)

    for i in range(rounds * 2):
        rows = day_rows(day, 100 + i)
        for what in ("push", "insert") if i % 2 == 0 else ("insert", "push"):
            if what == "push":
                e2e.append(timed(lambda r=rows: push_e2e(r)))  # type: ignore[misc]
            else:
                e2e_reference.append(timed(lambda r=rows: insert_e2e(r)))  # type: ignore[misc]
    owner.close()
    print(
        f"  {team.name}: push of {written} rows {1000 * median(pushes):.1f} ms on an open "
        f"connection (plain INSERT {1000 * median(inserts):.2f} ms), end to end "
        f"{1000 * median(e2e):.1f} ms (fresh connection and plain INSERT "
        f"{1000 * median(e2e_reference):.1f} ms)",
        flush=True,
    )

    def ratio(measured: list[float], reference: list[float]) -> float:
        return median(m / r for m, r in zip(measured, reference, strict=True))

    return Figures(
        report=1000 * median(reports),
        report_reference=1000 * median(bare),
        report_ratio=ratio(reports, bare),
        push=1000 * median(pushes),
        push_reference=1000 * median(inserts),
        push_ratio=ratio(pushes, inserts),
        push_e2e=1000 * median(e2e),
        push_e2e_reference=1000 * median(e2e_reference),
        push_e2e_ratio=ratio(e2e, e2e_reference),
        rows_pushed=written,
        partitions_note=note,
    )


def results(team: Team, layout: str, f: Figures) -> list[Result]:
    return [
        Result(
            "team_mode",
            f"team week report, {layout} (median)",
            f.report,
            "ms",
            f.report_reference,
            f"owner's count/sum of the week's {team.week_rows:,} rows",
            f.report_ratio,
            f"<= {REPORT_TARGET_MS:.0f} ms",
            f.report <= REPORT_TARGET_MS,
        ),
        Result(
            "team_mode",
            f"push of a day ({f.rows_pushed} rows), open connection, {layout}",
            f.push,
            "ms",
            f.push_reference,
            "plain INSERT into a temp table",
            f.push_ratio,
            f"<= {PUSH_TARGET_MS:.0f} ms",
            f.push <= PUSH_TARGET_MS,
        ),
        Result(
            "team_mode",
            f"push of a day, end to end (connect, push, close), {layout}",
            f.push_e2e,
            "ms",
            f.push_e2e_reference,
            "connect, plain INSERT into a temp table, close",
            f.push_e2e_ratio,
            f"<= {PUSH_TARGET_MS:.0f} ms",
            f.push_e2e <= PUSH_TARGET_MS,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument(
        "--scale",
        choices=("years", "members"),
        default="years",
        help="10x the rows as ten years of the same members (default) or ten times the members",
    )
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()

    import psycopg
    from tests import system
    from tests.postgres import PostgresServer

    members10, years10 = (args.members, 10) if args.scale == "years" else (10 * args.members, 1)
    header(
        f"team_mode: {args.members} members x 1 year (plain) and {members10} members x "
        f"{years10} years (partitioned), {args.rounds} rounds"
    )
    server = PostgresServer(system.ensure("postgresql"))
    try:
        now = time.time()
        last_day = datetime.fromtimestamp(now, timezone.utc).date() - timedelta(
            days=1
        )  # history up to yesterday (UTC)
        with psycopg.connect(plain(server.url()), autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            print(f"  PostgreSQL {version[0] if version else '?'}", flush=True)
        teams = []
        for name, members, years, partitioned in (
            ("bench1x", args.members, 1, False),
            ("bench10x", members10, years10, True),
        ):
            team = make_team(
                server,
                name,
                members=members,
                years=years,
                partitioned=partitioned,
                last_day=last_day,
            )
            print(
                f"  {name}: {members} members x {years} year(s), {team.rows:,} rows"
                + (f" in {team.partitions} monthly partitions" if partitioned else "")
                + f", set up and loaded in {team.load_seconds:.1f} s",
                flush=True,
            )
            teams.append((team, members, years, partitioned))
        # Loading wrote without fsync; every commit measured is durable.
        with psycopg.connect(plain(server.url()), autocommit=True) as conn:
            conn.execute("ALTER SYSTEM SET fsync = on")
            conn.execute("SELECT pg_reload_conf()")
            time.sleep(0.5)
            conn.execute("CHECKPOINT")
        out: list[Result] = []
        figures = {}
        for team, members, years, partitioned in teams:
            layout = (
                f"{'partitioned' if partitioned else 'plain'}, {members} members x "
                f"{years} year{'s' if years > 1 else ''}, {team.rows:,} rows"
            )
            figures[team.name] = measure(team, args.rounds, time.time())
            out += results(team, layout, figures[team.name])
        one, ten = figures["bench1x"], figures["bench10x"]
        out.append(
            Result(
                "team_mode",
                "week report, partitioned 10x against plain 1x",
                ten.report,
                "ms",
                one.report,
                "plain layout at 1x",
                ten.report / one.report,
            )
        )
        if ten.partitions_note:
            print(f"  partitions read by the 10x week: {ten.partitions_note}")
    finally:
        server.close()
    return emit(out)


if __name__ == "__main__":
    os.environ.setdefault("TZ", "UTC")
    sys.exit(main())
