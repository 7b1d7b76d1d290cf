"""Options several commands share (the database, the session and git-history rules) and the
settings they give, validated like the editor's."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from devfocus.cli import output

if TYPE_CHECKING:
    from devfocus.config import Settings

GIT_HOURS_MINUTES = 120.0  # git-hours' max-commit-diff and first-commit-add defaults
# Options that set a setting in minutes for one run: flag → (section, key) of the setting.
MINUTES_OPTIONS = {
    "--idle-timeout-minutes": ("sessions", "idleTimeoutMinutes"),
    "--deep-work-minutes": ("sessions", "deepWorkMinutes"),
    "--session-gap-minutes": ("git", "sessionGapMinutes"),
    "--first-commit-minutes": ("git", "firstCommitMinutes"),
}


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
    _add_minutes(parser, "--idle-timeout-minutes", defaults.idle_timeout_minutes)
    _add_minutes(parser, "--deep-work-minutes", defaults.deep_work_minutes)
    add_database_option(parser)


def _add_minutes(parser: argparse.ArgumentParser, flag: str, default: float) -> None:
    section, key = MINUTES_OPTIONS[flag]
    parser.add_argument(
        flag, type=float, metavar="N", help=f"devfocus.{section}.{key} (default {default:g})"
    )


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
    _add_minutes(parser, "--session-gap-minutes", defaults.session_gap_minutes)
    _add_minutes(parser, "--first-commit-minutes", defaults.first_commit_minutes)
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

    raw: dict[str, dict[str, Any]] = {}
    for flag, (section, key) in MINUTES_OPTIONS.items():
        value = getattr(args, flag[2:].replace("-", "_"), None)
        if value is not None:
            raw.setdefault(section, {})[key] = value
    if getattr(args, "git_hours", False):  # a minutes option given beside it wins
        git = raw.setdefault("git", {})
        git.setdefault("sessionGapMinutes", GIT_HOURS_MINUTES)
        git.setdefault("firstCommitMinutes", GIT_HOURS_MINUTES)
    if getattr(args, "author", None):
        raw.setdefault("git", {})["authors"] = list(args.author)
    if getattr(args, "database_url", None):
        raw.setdefault("database", {})["url"] = args.database_url
    settings, problems = load_settings(raw)
    for problem in problems:
        output.error(str(problem))
    return settings
