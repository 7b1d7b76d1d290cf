"""``devfocus report [PATH]``: the focus report the editor shows, on the terminal."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from devfocus.cli import output
from devfocus.cli.options import add_history_options, add_session_options, settings_from
from devfocus.cli.process import collector_paused
from devfocus.cli.reading import add_period_options, open_for_reading, period_from

if TYPE_CHECKING:
    from devfocus.cli.subcommands import Subcommands

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
    add_session_options(report)
    add_history_options(report)


def run(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command reads the store to build a report.
    import time

    from devfocus.app.reporting import make_reports
    from devfocus.insights.render import render

    now = time.time()
    period = period_from(args, "today", now)
    if period is None:
        return 2
    settings = settings_from(args)
    database, project = open_for_reading(settings, args)
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
    sys.stdout.write(render(result, args.format, None, previous))
    return 0
