"""``devfocus report [PATH]``: the focus report the editor shows, on the terminal."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from devfocus.cli import output
from devfocus.cli.options import (
    add_ai_options,
    add_history_options,
    add_session_options,
    settings_from,
)
from devfocus.cli.process import collector_paused
from devfocus.cli.reading import add_period_options, open_for_reading, period_from

if TYPE_CHECKING:
    from devfocus.app.datastore import Database
    from devfocus.cli.subcommands import Subcommands
    from devfocus.config import Settings
    from devfocus.insights.focusreport import Report
    from devfocus.insights.periods import Period
    from devfocus.insights.standupnotes import Standup

# As insights/render.py's FORMATS, which is not imported before `report` runs (start-up time).
FORMATS = ("text", "markdown", "html", "json", "csv")


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser("report", help="print a focus report", arguments=_arguments)


def _arguments(report: argparse.ArgumentParser) -> None:
    report.add_argument("path", nargs="?", help="restrict to the project containing PATH")
    add_period_options(
        report,
        "today (the default), yesterday, thisweek and lastweek (Monday to Sunday), or the "
        "last 7, 30, 90 or 365 days (week, 30d, 90d, year)",
    )
    report.add_argument(
        "--compare",
        action="store_true",
        help="set the period beside the one of as many days before it, with the changes",
    )
    report.add_argument(
        "--redact",
        action="store_true",
        help="hide project, branch and task names, commit messages and ids behind stable "
        "aliases, to share the report",
    )
    report.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for the terminal (the default); markdown with its charts; html, one "
        "self-contained file with its charts; json (schema devfocus.report/2); csv, one row per "
        "session, switch, commit and insight",
    )
    report.add_argument(
        "--issues",
        action="store_true",
        help="issue analytics instead of the focus report: issues opened and closed per week, "
        "the backlog, time to close, spikes and likely duplicates (default period: 90d)",
    )
    report.add_argument(
        "--team",
        action="store_true",
        help="the team's report from the team database (--team-url, else $DEVFOCUS_TEAM_URL): "
        "focus and deep work per day, switches per focused hour, trends, your place (default "
        "period: thisweek)",
    )
    report.add_argument(
        "--team-url", metavar="URL", help="the team database (default: $DEVFOCUS_TEAM_URL)"
    )
    add_narrate_options(report, "the report")
    add_session_options(report)
    add_history_options(report)


def add_narrate_options(parser: argparse.ArgumentParser, what: str) -> None:
    """--narrate, --renarrate and the AI options (the standup has them too)."""
    parser.add_argument(
        "--narrate",
        action="store_true",
        help=f"add a narrative of {what}, written by the AI provider (the --ai-* options or "
        "DEVFOCUS_AI_*), kept for the period; without one, DevFocus's own text, and why",
    )
    parser.add_argument(
        "--renarrate",
        action="store_true",
        help="like --narrate, but ask the model again instead of using the narrative kept",
    )
    add_ai_options(parser)


def run(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command reads the store to build a report.
    import time

    from devfocus.app.reporting import make_reports
    from devfocus.insights.render import render

    now = time.time()
    period = period_from(args, "90d" if args.issues else "thisweek" if args.team else "today", now)
    if period is None:
        return 2
    settings = settings_from(args)
    if args.team:
        return team_report(args, settings, period, now)
    database, project = open_for_reading(settings, args)
    if args.issues:
        return issue_report(args, database, period, project, now)
    with output.working(f"Reading activity from {database.display}"), collector_paused():
        result, previous = make_reports(
            database,
            period,
            settings,
            now=now,
            project=project,
            compare=args.compare,
            redact=args.redact,
        )
    if args.narrate or args.renarrate:
        result = narrated(result, settings, args.renarrate)
    sys.stdout.write(render(result, args.format, None, previous))
    return 0


def team_report(args: argparse.Namespace, settings: Settings, period: Period, now: float) -> int:
    """``devfocus report --team``: the team database's aggregates, in the report formats."""
    if args.issues or args.compare or args.redact or args.narrate or args.renarrate:
        output.error("--team takes none of --issues, --compare, --redact, --narrate")
        return 2
    # Imported here, for start-up time: only a team report reaches the team database.
    from devfocus.app.teamshare import make_team_report, team_url
    from devfocus.config import TEAM_URL_ENV
    from devfocus.store.errors import StoreError
    from devfocus.team.teamreport import render_team_report

    url = args.team_url or team_url(settings)
    if not url:
        output.error(f"no team database: give --team-url URL or set ${TEAM_URL_ENV}")
        return 2
    try:
        with output.working("Reading the team's figures"):
            result = make_team_report(url, period, now=now)
    except StoreError as error:  # the team database's, in one line
        output.error(str(error))
        return 1
    sys.stdout.write(render_team_report(result, args.format))
    return 0


def issue_report(
    args: argparse.Namespace, database: Database, period: Period, project: str | None, now: float
) -> int:
    """``devfocus report --issues``: the imported issues' analytics, in the same formats."""
    if args.compare or args.redact or args.narrate or args.renarrate:
        output.error("--issues takes none of --compare, --redact, --narrate")
        return 2
    # Imported here, for start-up time: only an issue report loads the analytics.
    from devfocus.app.reporting import make_issue_report
    from devfocus.insights.issuereport import render_issue_report

    with output.working(f"Reading issues from {database.display}"), collector_paused():
        result = make_issue_report(database, period, now=now, project=project)
    sys.stdout.write(render_issue_report(result, args.format))
    return 0


def narrated(
    report: Report, settings: Settings, refresh: bool, standup: Standup | None = None
) -> Report:
    """``report`` with its narrative: the model's (kept per period), else DevFocus's own text."""
    # Imported here, for start-up time: only --narrate loads the AI layer.
    import asyncio

    from devfocus.app.ainarrative import narrate
    from devfocus.cli.aiopen import ai_service

    service = ai_service(settings)

    async def run() -> Report:
        try:
            return await narrate(report, service, refresh=refresh, standup=standup)
        finally:
            await service.aclose()

    if not service.configured:
        return asyncio.run(run())
    with output.working(f"Narrating with {service.provider} ({service.model})"):
        return asyncio.run(run())
