"""What the commands that read a period share (``report``, ``insights``, ``standup``): the period
options and their checks, and bringing the git history of PATH up to date first."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from devfocus.cli import output

if TYPE_CHECKING:
    from datetime import date

    from devfocus.app.datastore import Database
    from devfocus.config import Settings
    from devfocus.insights.periods import Period


def add_period_options(parser: argparse.ArgumentParser, period_help: str) -> None:
    # Imported here, for start-up time: built only when the command runs.
    from devfocus.insights.periods import PERIODS

    parser.add_argument("--period", choices=PERIODS, help=period_help)
    parser.add_argument(
        "--from",
        dest="first",
        type=_date,
        metavar="DATE",
        help="the first day (YYYY-MM-DD), instead of --period",
    )
    parser.add_argument(
        "--to",
        dest="last",
        type=_date,
        metavar="DATE",
        help="the last day, included (default: today)",
    )


def period_from(args: argparse.Namespace, default: str, now: float) -> Period | None:
    """The period the options name (``default`` without any); None, the error said, when they
    are wrong together or name no day."""
    from datetime import date  # for start-up time, as above

    from devfocus.insights.periods import custom_period, resolve_period

    if args.last is not None and args.first is None:
        output.error("--to needs --from (the first day)")
        return None
    if args.first is not None and args.period is not None:
        output.error("choose --period or --from/--to, not both")
        return None
    try:
        if args.first is not None:
            return custom_period(args.first, args.last or date.max, now)
        return resolve_period(args.period or default, now)
    except ValueError as error:
        output.error(str(error))
        return None


def open_for_reading(settings: Settings, args: argparse.Namespace) -> tuple[Database, str | None]:
    """The database the settings name, the history of PATH's repository brought up to date in
    it, and PATH's project root (None without PATH: every project)."""
    # Imported here, for start-up time: only the commands that read a period open the store.
    from devfocus.app.datastore import open_database
    from devfocus.app.locate import Locator

    project = Locator().project_root(args.path) if args.path else None
    database = open_database(settings)
    bring_history_up_to_date(database, settings, args)
    return database, project


def bring_history_up_to_date(
    database: Database, settings: Settings, args: argparse.Namespace
) -> None:
    """Before reading a project (PATH): its repository's new commits and checkouts, unless
    ``--no-import`` or git is off."""
    if not args.path or not settings.git.enabled or args.no_import:
        return
    # Imported here, for start-up time: only a command given a PATH reads git.
    from pathlib import Path

    from devfocus.app.gitsync import Ingester
    from devfocus.git.repository import open_repository
    from devfocus.git.runner import git_executable

    repo = open_repository(Path(args.path))
    if repo is None:
        return
    if git_executable() is None:
        output.error("git is not installed: the report has no git history")
        return
    with output.working(f"Reading the git history of {repo.root.name}"):
        result = Ingester(database).ingest(repo)
    if result.problem is not None:
        output.error(f"git history of {repo.key} not read: {result.problem}")


def _date(text: str) -> date:
    from datetime import date  # for start-up time, as above

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
