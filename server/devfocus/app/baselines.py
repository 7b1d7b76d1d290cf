"""The figures of past days for baselines: read where they were kept, made where they were not.

A baseline looks at the 4 weeks before a report's period. Made from their events every time, it
would cost a heavy developer's week report three times what the report itself costs (80,000
events, read one by one from disk). So each past day's figures are made once, from its activity
by the minute, and kept (table ``day_figures``); a report reads 28 rows and counts each day's
events through the index, and a day whose count (or number of commits) changed since, or whose
rules (timeouts, time zone, git authors) differ, is made again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from devfocus.activity.timeline import build_timeline
from devfocus.config import Settings
from devfocus.git.model import RepoCheckout, RepoCommit
from devfocus.insights.baseline import DayFigures, day_figures
from devfocus.insights.commitfacts import HistoryRules, with_history
from devfocus.insights.detectors.inputs import DebtSnapshot
from devfocus.insights.focusreport import LOOKBACK_SECONDS
from devfocus.store.insighthistory import count_events, load_day_rows, load_debt, save_day_rows
from devfocus.store.presence import load_minutes
from devfocus.timeutil import day_bounds

if TYPE_CHECKING:
    from devfocus.store.database import Database
    from devfocus.store.sqlrows import Source

log = logging.getLogger(__name__)

FIGURES_VERSION = 1  # bump when the way a day's figures are made changes


@dataclass(frozen=True)
class KeptDays:
    """What the report's read found of its baseline days."""

    rules: str
    rows: dict[str, tuple[int, int, str]]  # day → (events, commits, figures JSON)
    events: dict[date, int]  # each day's events now


def figures_rules(settings: Settings, tz: tzinfo | None) -> str:
    """A key of everything a day's figures depend on."""
    sessions, git = settings.sessions, settings.git
    zone = str(tz) if tz is not None else f"local:{time.tzname}:{time.timezone}:{time.altzone}"
    parts = (
        FIGURES_VERSION,
        sessions.idle_timeout_minutes,
        sessions.deep_work_minutes,
        zone,
        git.enabled,
        git.authors,
        git.session_gap_minutes,
        git.first_commit_minutes,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def read_kept_days(source: Source, days: Sequence[date], rules: str, tz: tzinfo | None) -> KeptDays:
    """Inside the report's read: the kept figures of ``days`` and how many events each has."""
    rows = load_day_rows(source, days[0].isoformat(), days[-1].isoformat(), rules)
    counts = count_events(source, [day_bounds(d, tz) for d in days])
    return KeptDays(rules, rows, dict(zip(days, counts, strict=True)))


def past_days(
    database: Database,
    kept: KeptDays,
    settings: Settings,
    *,
    commits: Sequence[RepoCommit],
    checkouts: Sequence[RepoCheckout],
    history_rules: HistoryRules | None,
    work_week: Sequence[int],
    tz: tzinfo | None,
) -> list[DayFigures]:
    """The figures of the kept days, made again where they changed, and kept for next time.
    ``commits`` are the developer's (with their ``checkouts``) around those days; None rules:
    git history is off."""
    days = sorted(kept.events)
    starts = [day_bounds(d, tz)[0] for d in days]
    end = day_bounds(days[-1], tz)[1]
    made_commits = dict.fromkeys(days, 0)
    for item in commits:
        at = item.commit.authored_at
        if starts[0] <= at < end:
            made_commits[days[bisect_right(starts, at) - 1]] += 1
    valid: dict[date, DayFigures] = {}
    stale: list[date] = []
    for d in days:
        row = kept.rows.get(d.isoformat())
        if row is not None and row[0] == kept.events[d] and row[1] == made_commits[d]:
            valid[d] = _figures(d, row[2], work_week)
        else:
            stale.append(d)
    if stale:
        made = _make(database, stale, settings, commits, checkouts, history_rules, work_week, tz)
        valid.update({f.day: f for f in made})
        _keep(database, kept.rules, made, kept.events, made_commits)
    return [valid[d] for d in days]


def _make(
    database: Database,
    stale: Sequence[date],
    settings: Settings,
    commits: Sequence[RepoCommit],
    checkouts: Sequence[RepoCheckout],
    rules: HistoryRules | None,
    work_week: Sequence[int],
    tz: tzinfo | None,
) -> list[DayFigures]:
    """The figures of the ``stale`` days, from their activity by the minute (one read from the
    first to the last, with the look-back before it)."""
    start = day_bounds(stale[0], tz)[0] - LOOKBACK_SECONDS
    end = day_bounds(stale[-1], tz)[1]
    minutes = database.read(lambda source: load_minutes(source, start, end))
    idle = settings.sessions.idle_timeout_minutes * 60
    deep = settings.sessions.deep_work_minutes * 60
    if rules is not None:
        mine = [i for i in commits if start <= i.commit.authored_at < end]
        moves = [c for c in checkouts if start <= c.checkout.at < end]
        minutes = with_history(minutes, mine, moves, rules, idle_timeout=idle, deep_work=deep)
    timeline = build_timeline(minutes, idle_timeout=idle, deep_work=deep)
    first, count = stale[0], (stale[-1] - stale[0]).days + 1
    every = [date.fromordinal(first.toordinal() + i) for i in range(count)]
    figures = day_figures(
        every,
        [(s.start, s.end, s.focus_seconds) for s in timeline.sessions],
        [(b.start, b.end, b.focus_seconds) for b in timeline.deep_work],
        [s.at for s in timeline.switches],
        work_week=work_week,
        tz=tz,
    )
    wanted = set(stale)
    return [f for f in figures if f.day in wanted]


def _keep(
    database: Database,
    rules: str,
    made: Sequence[DayFigures],
    events: dict[date, int],
    commits: dict[date, int],
) -> None:
    """Keep ``made`` for later reports; a database that cannot be written only costs them time."""
    from devfocus.store.errors import StoreError

    now_ms = int(time.time() * 1000)
    rows = [
        {
            "day": f.day.isoformat(),
            "events": events[f.day],
            "commits": commits[f.day],
            "figures": _json(f),
            "made_ms": now_ms,
        }
        for f in made
    ]
    try:
        database.run(lambda engine: save_day_rows(engine, rules, rows))
    except StoreError as error:
        log.debug("day figures not kept: %s", error.message)


def _json(f: DayFigures) -> str:
    return json.dumps(
        {
            "f": [round(s, 1) for s in f.focus_by_hour],
            "d": [round(s, 1) for s in f.deep_by_hour],
            "s": f.switches,
            "l": [round(s, 1) for s in f.session_seconds],
        },
        separators=(",", ":"),
    )


def _figures(day: date, text: str, work_week: Sequence[int]) -> DayFigures:
    data = json.loads(text)
    focus, deep = tuple(data["f"]), tuple(data["d"])
    return DayFigures(
        day,
        day.weekday() in work_week,
        sum(focus),
        sum(deep),
        int(data["s"]),
        tuple(data["l"]),
        focus,
        deep,
    )


def read_debt(source: Source, start: float, end: float) -> list[DebtSnapshot]:
    """The docstring debt kept from ``start`` to ``end``, oldest first (app/docdebt.py counts
    it), inside a report's read."""
    return [DebtSnapshot(at, p, u, d) for p, at, u, d in load_debt(source, start, end)]
