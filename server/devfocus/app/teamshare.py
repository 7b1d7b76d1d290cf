"""Sharing with a team database: compute a member's hourly aggregates from the local database,
stage them in the outbox, push what is waiting; preview what would go; leave. One code path for
``devfocus team preview|push|leave``, the editor commands and the server's background push.

The local database is the source of truth: every push recomputes the recent hours (the last
:data:`RECOMPUTE_HOURS`; the first push and a change of share level or database go back
:data:`BACKFILL_DAYS`), and only what changed is sent.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from devfocus.config import TEAM_URL_ENV, Settings
from devfocus.team.aggregates import HOUR, hour_rows, hour_start
from devfocus.team.figures import PROJECT, TASK, TOTALS, HourRow, label_kinds

if TYPE_CHECKING:
    from devfocus.insights.periods import Period
    from devfocus.store.database import Database
    from devfocus.team.teamstats import TeamReport

log = logging.getLogger(__name__)

BACKFILL_DAYS = 28
RECOMPUTE_HOURS = 48
PUSH_BATCH = 2000  # rows per transaction on the team database
PREVIEW_DAYS = 7
NEVER_SHARED = (
    "file names and paths",
    "code and languages",
    "commit messages and branch names",
    "editor events and their times within the hour",
)


class NoTeam(Exception):
    """No team database is configured."""


@dataclass(frozen=True)
class PushResult:
    pushed: int  # rows upserted
    deleted: int  # rows removed from the team database
    pending: int  # rows still waiting (after an error, say)
    error: str | None = None
    skipped: str | None = None  # why nothing was tried (left the team, say)


def team_url(settings: Settings, environ: Mapping[str, str] | None = None) -> str | None:
    """The team database's URL: ``$DEVFOCUS_TEAM_URL`` (which holds the password, from the
    editor's secret storage or the shell), else ``devfocus.team.databaseUrl``."""
    env = os.environ if environ is None else environ
    return (env.get(TEAM_URL_ENV) or "").strip() or settings.team.database_url.strip() or None


def _utc_days(start: float, end: float) -> tuple[datetime, ...]:
    first = datetime.fromtimestamp(start, timezone.utc).date()
    last = datetime.fromtimestamp(end - 1, timezone.utc).date()
    return tuple(
        datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
        for d in (first + timedelta(days=i) for i in range((last - first).days + 1))
    )


def compute_rows(
    database: Database, settings: Settings, start: float, end: float, *, now: float
) -> list[HourRow]:
    """The member's rows for the hours in ``[start, end)``, as ``settings.team`` shares them."""
    from devfocus.activity.timeline import build_timeline
    from devfocus.app.reporting import read_inputs
    from devfocus.insights.commitfacts import segment_tasks
    from devfocus.insights.periods import Period

    days = tuple(d.date() for d in _utc_days(start, end))
    period = Period("team", start, end, days)
    given = read_inputs(database, period, settings, now=now, tz=timezone.utc, insights=False)
    timeline = build_timeline(
        given.activities, idle_timeout=given.idle_timeout, deep_work=given.deep_work
    )
    kinds = label_kinds(settings.team.share)
    tasks: list[object] = [None] * len(timeline.segments)
    if TASK in kinds:
        bounds = {s.index: (s.start, s.end) for s in timeline.sessions}
        tasks = list(
            segment_tasks(timeline.segments, bounds, given.commits, given.marks, given.catalog)
        )
    return hour_rows(
        timeline,
        tasks,  # type: ignore[arg-type]
        start,
        min(end, now),
        kinds=kinds,
        aliases=dict(settings.team.aliases),
    )


class TeamShare:
    """One member's sharing through ``database`` (the local one)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # -- push ------------------------------------------------------------------------------
    def push(
        self, settings: Settings, url: str, *, now: float, full: bool = False, asked: bool = True
    ) -> PushResult:
        """Recompute, stage and push. ``full`` recomputes the whole backfill window. Without
        ``asked`` (the background job), nothing goes to a database the member has not pushed to
        themselves yet, after seeing what would go, or has left."""
        from devfocus.store import teamoutbox as outbox
        from devfocus.store.engine import display_url

        target = display_url(url)
        state = self.database.run(outbox.read_state)
        if not asked and state.get("left") == target:
            return PushResult(0, 0, 0, skipped="you left this team (devfocus team push rejoins)")
        if not asked and state.get("database") != target:
            return PushResult(
                0,
                0,
                0,
                skipped="nothing is shared with this team until you push once yourself "
                "(devfocus team preview, then devfocus team push; VS Code: Start Sharing)",
            )
        share = settings.team.share
        kinds = label_kinds(share)
        if state.get("database") != target:
            self.database.run(outbox.requeue_all)
            full = True
        if state.get("share") != share:
            dropped = [k for k in (PROJECT, TASK) if k not in kinds]
            if dropped:
                self.database.run(lambda e: outbox.drop_kinds(e, dropped))
            full = True
        computed = float(state.get("computedTo") or 0)
        end = hour_start(now) + HOUR
        earliest = hour_start(now - BACKFILL_DAYS * 86400)
        start = earliest
        if not full and computed:
            start = max(earliest, hour_start(min(computed, now) - RECOMPUTE_HOURS * HOUR))
        rows = compute_rows(self.database, settings, start, end, now=now)
        self.database.run(lambda e: outbox.stage(e, rows, start, end, now=now))
        self.database.run(
            lambda e: outbox.write_state(
                e,
                {"database": target, "share": share, "computedTo": repr(now), "left": None},
            )
        )
        return self._send(settings, url, now)

    def _send(self, settings: Settings, url: str, now: float) -> PushResult:
        from devfocus.store import teamdb
        from devfocus.store import teamoutbox as outbox

        pushed = deleted = 0
        try:
            with teamdb.connect(url) as conn:
                rounds = self.database.run(outbox.count_queued) // PUSH_BATCH + 2
                for _ in range(rounds):
                    batch = self.database.run(lambda e: outbox.queued(e, PUSH_BATCH))
                    upserts = [q.row for q in batch if q.state == outbox.PENDING]
                    gone = [q.row.key for q in batch if q.state == outbox.GONE]
                    # Always once, even with nothing new: it records the share level (which
                    # drops label rows no longer shared) and the time of the last push.
                    teamdb.upsert_hours(
                        conn, upserts, share=settings.team.share, by_name=settings.team.share_name
                    )
                    if gone:
                        deleted += teamdb.delete_hours(conn, gone)
                    self.database.run(lambda e, b=batch: outbox.mark_pushed(e, b))  # type: ignore[misc]
                    pushed += len(upserts)
                    if len(batch) < PUSH_BATCH:
                        break
        except teamdb.TeamError as error:
            problem = str(error)
            log.info("team push: %s", problem)
            self.database.run(
                lambda e: outbox.write_state(e, {"error": problem, "errorAt": repr(now)})
            )
            return PushResult(pushed, deleted, self.database.run(outbox.count_queued), problem)
        self.database.run(
            lambda e: outbox.write_state(e, {"pushedAt": repr(now), "error": None, "errorAt": None})
        )
        return PushResult(pushed, deleted, self.database.run(outbox.count_queued))

    # -- preview ---------------------------------------------------------------------------
    def preview(self, settings: Settings, *, now: float) -> Preview:
        """What the last :data:`PREVIEW_DAYS` days would send, computed as a push would."""
        end = hour_start(now) + HOUR
        start = end - PREVIEW_DAYS * 86400
        rows = compute_rows(self.database, settings, start, end, now=now)
        return Preview(settings.team.share, settings.team.share_name, start, end, tuple(rows))

    # -- leave -----------------------------------------------------------------------------
    def leave(self, url: str) -> int:
        """Delete the member's rows from the team database, then forget the local outbox.
        Returns the rows deleted there."""
        from devfocus.store import teamdb
        from devfocus.store import teamoutbox as outbox
        from devfocus.store.engine import display_url

        deleted = int(teamdb.leave_team(url))
        self.database.run(outbox.clear)
        self.database.run(lambda e: outbox.write_state(e, {"left": display_url(url)}))
        return deleted

    def status(self) -> dict[str, str]:
        from devfocus.store import teamoutbox as outbox

        return self.database.run(outbox.read_state)

    def pending(self) -> int:
        from devfocus.store import teamoutbox as outbox

        return self.database.run(outbox.count_queued)


@dataclass(frozen=True)
class Preview:
    share: str
    by_name: bool
    start: float
    end: float
    rows: tuple[HourRow, ...]

    def days(self) -> list[tuple[str, int, int, int, int]]:
        """(UTC day, focus, deep, switches, sessions) of the totals rows, per day."""
        out: dict[str, list[int]] = {}
        for row in self.rows:
            if row.label_kind != TOTALS:
                continue
            day = datetime.fromtimestamp(row.hour, timezone.utc).date().isoformat()
            figures = out.setdefault(day, [0, 0, 0, 0])
            figures[0] += row.focus_seconds
            figures[1] += row.deep_seconds
            figures[2] += row.switches
            figures[3] += row.sessions
        return [(day, *f) for day, f in sorted(out.items())]  # type: ignore[misc]

    def labels(self) -> dict[str, list[str]]:
        """The project and task names that would be shared, by kind."""
        found: dict[str, set[str]] = {}
        for row in self.rows:
            if row.label_kind != TOTALS:
                found.setdefault(row.label_kind, set()).add(row.label)
        return {kind: sorted(names) for kind, names in sorted(found.items())}

    def wire(self) -> dict[str, object]:
        """As ``devfocus team preview --format json`` and ``devfocus.team.preview`` give it."""
        return {
            "share": self.share,
            "byName": self.by_name,
            "start": self.start,
            "end": self.end,
            "days": [
                {"day": d, "focusSeconds": f, "deepSeconds": dp, "switches": sw, "sessions": se}
                for d, f, dp, sw, se in self.days()
            ],
            "labels": self.labels(),
            "rows": [
                {
                    "hour": r.hour,
                    "labelKind": r.label_kind,
                    "label": r.label,
                    "focusSeconds": r.focus_seconds,
                    "deepSeconds": r.deep_seconds,
                    "switches": r.switches,
                    "sessions": r.sessions,
                }
                for r in self.rows
            ],
            "text": self.markdown(),
        }

    def markdown(self) -> str:
        from devfocus.text import plural

        lines = [
            "# What your team would see",
            "",
            f"Share level **{self.share}**, "
            + ("**under your name**." if self.by_name else "**without your name** (only totals).")
            + f" The last {PREVIEW_DAYS} days, per UTC hour: "
            + plural(sum(1 for r in self.rows if r.label_kind == TOTALS), "hour")
            + " with activity.",
            "",
            "| Day (UTC) | Focus | Deep work | Switches | Sessions |",
            "|---|---:|---:|---:|---:|",
        ]
        for day, focus, deep, switches, sessions in self.days():
            lines.append(f"| {day} | {_hm(focus)} | {_hm(deep)} | {switches} | {sessions} |")
        for kind, names in self.labels().items():
            lines += ["", f"{kind.title()} names shared: " + ", ".join(f"`{n}`" for n in names)]
        if not self.labels():
            lines += ["", "No project or task names are shared at this level."]
        lines += ["", "Never shared: " + "; ".join(NEVER_SHARED) + "."]
        return "\n".join(lines) + "\n"


def _hm(seconds: int) -> str:
    hours, rest = divmod(int(seconds) // 60, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def today_deep_share(url: str, now: float) -> float | None:
    """The team's share of today's (UTC) focus spent in deep work; None while the team database
    hides today (too few members) or cannot be read."""
    from devfocus.store.teamdb import TeamError, read_team

    day_start = now - now % 86400
    try:
        figures = read_team(url, day_start, day_start + 86400)
    except TeamError as error:
        log.info("team: today's figures: %s", error)
        return None
    today = datetime.fromtimestamp(now, timezone.utc).date()
    for day in figures.days:
        if day.day == today and day.focus_seconds > 0:
            return day.deep_seconds / day.focus_seconds
    return None


def make_team_report(url: str, period: Period, *, now: float) -> TeamReport:
    """The team report of ``period``'s days (UTC days, as the team database keeps them), against
    the days of equal length before it."""
    from devfocus.store.teamdb import read_team
    from devfocus.team.teamstats import team_analytics

    first, last = period.days[0], period.days[-1]
    start = datetime(first.year, first.month, first.day, tzinfo=timezone.utc).timestamp()
    end = datetime(last.year, last.month, last.day, tzinfo=timezone.utc).timestamp() + 86400
    figures = read_team(url, start, end)
    previous = read_team(url, start - (end - start), start)
    return team_analytics(figures, previous, now=now)
