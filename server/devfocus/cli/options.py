"""Options several commands share (the database, the session and git-history rules) and the
settings they give, validated like the editor's."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from devfocus.cli import output

if TYPE_CHECKING:
    from devfocus.config import Settings

GIT_HOURS_MINUTES = 120.0  # git-hours' max-commit-diff and first-commit-add defaults


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="SQLAlchemy URL of the database (default: the setting devfocus.database.url, "
        "else the SQLite file in the data directory)",
    )


def add_session_options(parser: argparse.ArgumentParser) -> None:
    # Imported here, for start-up time: the options are built only for a command that runs.
    from devfocus.config import SessionSettings

    defaults = SessionSettings()
    parser.add_argument(
        "--idle-timeout-minutes",
        type=float,
        metavar="N",
        help=f"devfocus.sessions.idleTimeoutMinutes (default {defaults.idle_timeout_minutes:g})",
    )
    parser.add_argument(
        "--deep-work-minutes",
        type=float,
        metavar="N",
        help=f"devfocus.sessions.deepWorkMinutes (default {defaults.deep_work_minutes:g})",
    )
    add_database_option(parser)


def add_history_options(parser: argparse.ArgumentParser) -> None:
    # Imported here, for start-up time, as above.
    from devfocus.config import GitSettings

    defaults = GitSettings()
    parser.add_argument(
        "--author",
        action="append",
        metavar="EMAIL",
        help="whose commits are your work (repeatable; default: devfocus.git.authors, else each "
        "repository's user.email)",
    )
    parser.add_argument(
        "--session-gap-minutes",
        type=float,
        metavar="N",
        help=f"devfocus.git.sessionGapMinutes (default {defaults.session_gap_minutes:g})",
    )
    parser.add_argument(
        "--first-commit-minutes",
        type=float,
        metavar="N",
        help=f"devfocus.git.firstCommitMinutes (default {defaults.first_commit_minutes:g})",
    )
    parser.add_argument(
        "--git-hours",
        action="store_true",
        help="the git-hours tool's rules: 120-minute gap and 120-minute first-commit credit",
    )
    parser.add_argument(
        "--no-import",
        action="store_true",
        help="do not bring the git history of PATH up to date first",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the command line, validated like the editor's; each problem on stderr."""
    # Imported here, for start-up time: `--version` and `coach` need no settings.
    from devfocus.config import load_settings

    raw: dict[str, Any] = {}
    if getattr(args, "idle_timeout_minutes", None) is not None:
        raw.setdefault("sessions", {})["idleTimeoutMinutes"] = args.idle_timeout_minutes
    if getattr(args, "deep_work_minutes", None) is not None:
        raw.setdefault("sessions", {})["deepWorkMinutes"] = args.deep_work_minutes
    git: dict[str, Any] = {}
    if getattr(args, "git_hours", False):
        git["sessionGapMinutes"] = git["firstCommitMinutes"] = GIT_HOURS_MINUTES
    if getattr(args, "session_gap_minutes", None) is not None:
        git["sessionGapMinutes"] = args.session_gap_minutes
    if getattr(args, "first_commit_minutes", None) is not None:
        git["firstCommitMinutes"] = args.first_commit_minutes
    if getattr(args, "author", None):
        git["authors"] = list(args.author)
    if git:
        raw["git"] = git
    if getattr(args, "database_url", None):
        raw.setdefault("database", {})["url"] = args.database_url
    settings, problems = load_settings(raw)
    for problem in problems:
        output.error(str(problem))
    return settings
