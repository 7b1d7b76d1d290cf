"""``devfocus report [PATH]``: the focus report the editor shows, on the terminal."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from devfocus.cli import output
from devfocus.cli.options import add_history_options, add_session_options, settings_from
from devfocus.cli.process import collector_paused

if TYPE_CHECKING:
    from datetime import date

    from devfocus.app.datastore import Database
    from devfocus.cli.subcommands import Subcommands

# As insights/render.py's FORMATS, which is not imported before `report` runs (start-up time).
FORMATS = ("text", "markdown", "html", "json", "csv")


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser("report", help="print a focus report", arguments=_arguments)


def _arguments(report: argparse.ArgumentParser) -> None:
    # Imported here, for start-up time: built only when `report` runs (and needs it then).
    from devfocus.insights.periods import PERIODS

    report.add_argument("path", nargs="?", help="restrict to the project containing PATH")
    report.add_argument(
        "--period",
        choices=PERIODS,
        help="today (the default), yesterday, thisweek and lastweek (Monday to Sunday), or the "
        "last 7, 30, 90 or 365 days (week, 30d, 90d, year)",
    )
    report.add_argument(
        "--from",
        dest="first",
        type=_date,
        metavar="DATE",
        help="the first day of the report (YYYY-MM-DD), instead of --period",
    )
    report.add_argument(
        "--to",
        dest="last",
        type=_date,
        metavar="DATE",
        help="its last day, included (default: today)",
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
    from datetime import date

    from devfocus.app.datastore import open_database
    from devfocus.app.locate import Locator
    from devfocus.app.reporting import make_reports
    from devfocus.insights.periods import custom_period, resolve_period
    from devfocus.insights.render import render

    now = time.time()
    if args.last is not None and args.first is None:
        output.error("--to needs --from (the first day of the report)")
        return 2
    if args.first is not None and args.period is not None:
        output.error("choose --period or --from/--to, not both")
        return 2
    try:
        period = (
            custom_period(args.first, args.last or date.max, now)
            if args.first is not None
            else resolve_period(args.period or "today", now)
        )
    except ValueError as error:
        output.error(str(error))
        return 2
    settings = settings_from(args)
    project = Locator().project_root(args.path) if args.path else None
    database = open_database(settings)
    if args.path and settings.git.enabled and not args.no_import:
        _import_quietly(database, args.path)
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


def _date(text: str) -> date:
    from datetime import date  # for start-up time, as above

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _import_quietly(database: Database, path: str) -> None:
    """Bring the history of the repository at ``path`` up to date before a report of it."""
    # Imported here, for start-up time: only a report of a PATH reads git.
    from pathlib import Path

    from devfocus.app.gitsync import Ingester
    from devfocus.git.repository import open_repository
    from devfocus.git.runner import git_executable

    repo = open_repository(Path(path))
    if repo is None:
        return
    if git_executable() is None:
        output.error("git is not installed: the report has no git history")
        return
    with output.working(f"Reading the git history of {repo.root.name}"):
        result = Ingester(database).ingest(repo)
    if result.problem is not None:
        output.error(f"git history of {repo.key} not read: {result.problem}")
