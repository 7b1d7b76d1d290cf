"""Options several commands share (the database, the session and git-history rules) and the
settings they give, validated like the editor's."""

from __future__ import annotations

import argparse
import os
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


# The AI options: flag → (the setting's key in devfocus.ai, the environment variable used when the
# flag is absent).
AI_OPTIONS = {
    "--ai-provider": ("provider", "DEVFOCUS_AI_PROVIDER"),
    "--ai-model": ("model", "DEVFOCUS_AI_MODEL"),
    "--ai-base-url": ("baseUrl", "DEVFOCUS_AI_BASE_URL"),
    "--ai-max-concurrent": ("maxConcurrent", "DEVFOCUS_AI_MAX_CONCURRENT"),
    "--ai-requests-per-minute": ("requestsPerMinute", "DEVFOCUS_AI_REQUESTS_PER_MINUTE"),
}
_AI_NUMBERS = frozenset({"maxConcurrent", "requestsPerMinute"})


def add_ai_options(parser: argparse.ArgumentParser) -> None:
    """The devfocus.ai settings a command line sets (each else its DEVFOCUS_AI_* variable)."""
    # Imported here, for start-up time, as above.
    from devfocus.config import AI_PROVIDERS, AISettings

    defaults = AISettings()
    helps = {
        "--ai-provider": f"devfocus.ai.provider: {', '.join(AI_PROVIDERS)} (default: none)",
        "--ai-model": "devfocus.ai.model (default: the provider's)",
        "--ai-base-url": "devfocus.ai.baseUrl: a gateway, proxy or local server",
        "--ai-max-concurrent": "devfocus.ai.maxConcurrent: requests at once "
        f"(default {defaults.max_concurrent:g})",
        "--ai-requests-per-minute": "devfocus.ai.requestsPerMinute "
        f"(default {defaults.requests_per_minute:g})",
    }
    for flag, (key, variable) in AI_OPTIONS.items():
        number = key in _AI_NUMBERS
        metavar = "N" if number else "URL" if flag == "--ai-base-url" else "NAME"
        parser.add_argument(
            flag,
            metavar=metavar,
            type=float if number else str,
            help=f"{helps[flag]}; else ${variable}",
        )


def _ai_settings(args: argparse.Namespace) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for flag, (key, variable) in AI_OPTIONS.items():
        value = getattr(args, flag[2:].replace("-", "_"), None)
        if value is None:
            value = os.environ.get(variable) or None
            if value is not None and key in _AI_NUMBERS:
                try:
                    value = float(value)
                except ValueError:
                    output.error(f"${variable}: {value!r} is not a number: ignored")
                    continue
        if value is not None:
            raw[key] = value
    return raw


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
    ai = _ai_settings(args)
    if ai:
        raw["ai"] = ai
    settings, problems = load_settings(raw)
    for problem in problems:
        output.error(str(problem))
    return settings
