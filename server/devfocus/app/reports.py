"""One code path for reports, whether the CLI or an editor asks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from devfocus.activity.model import Activity
from devfocus.config import Settings
from devfocus.insights.report import LOOKBACK_SECONDS, Report, build_report, resolve_period
from devfocus.store.database import Database
from devfocus.store.events import load_activities


def make_report(
    database: Database,
    period_name: str,
    settings: Settings,
    *,
    now: float,
    tz: tzinfo | None = None,
    project: str | None = None,
    unwritten: Sequence[Activity] = (),
) -> Report:
    """The report for ``period_name`` from the database, plus activity not written yet."""
    period = resolve_period(period_name, now, tz)
    since = period.start - LOOKBACK_SECONDS
    stored = database.run(lambda engine: load_activities(engine, since, now + 1))
    return build_report(
        [*stored, *unwritten],
        period,
        idle_timeout=settings.sessions.idle_timeout_minutes * 60,
        deep_work=settings.sessions.deep_work_minutes * 60,
        now=now,
        tz=tz,
        project=project,
    )
