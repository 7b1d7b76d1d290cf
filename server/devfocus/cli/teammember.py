"""``devfocus team preview|push|leave``: a member's side of team mode.

The team database is ``--team-url``, else ``$DEVFOCUS_TEAM_URL`` (the URL the team's
administrator handed out; its password, if not in it, from ``$PGPASSWORD`` or ``~/.pgpass``).
``--database-url`` is the local database, as in every other command: the aggregates are computed
from it, and its outbox keeps what could not be pushed yet.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import TYPE_CHECKING, Any

from devfocus.cli import output
from devfocus.cli.options import add_database_option, add_session_options, settings_from
from devfocus.config import TEAM_SHARE_LEVELS, TEAM_URL_ENV

if TYPE_CHECKING:
    from devfocus.config import Settings

MEMBER_ACTIONS = ("preview", "push", "leave")
FORMATS = ("text", "json")


def add_member_parsers(subparsers: Any) -> None:
    """The member's subcommands, on the ``team`` command's subparsers."""
    preview = subparsers.add_parser(
        "preview", help="show what a push would share (the last 7 days), without sending it"
    )
    _share_options(preview)
    preview.add_argument("--format", choices=FORMATS, default="text")
    push = subparsers.add_parser("push", help="push your aggregates to the team database now")
    _share_options(push)
    _team_url_option(push)
    push.add_argument(
        "--all",
        action="store_true",
        help="recompute the last 28 days instead of the last 48 hours",
    )
    push.add_argument("--format", choices=FORMATS, default="text")
    leave = subparsers.add_parser(
        "leave", help="delete your rows from the team database and stop sharing"
    )
    _team_url_option(leave)
    add_database_option(leave)


def _team_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--team-url",
        metavar="URL",
        help=f"the team database (default: ${TEAM_URL_ENV})",
    )


def _share_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--share",
        choices=TEAM_SHARE_LEVELS,
        help="devfocus.team.share: what is shared per hour (default: totals)",
    )
    parser.add_argument(
        "--share-name",
        action="store_true",
        help="devfocus.team.shareName: your rows appear under your name in the team report",
    )
    parser.add_argument(
        "--alias",
        action="append",
        metavar="NAME=ALIAS",
        help="devfocus.team.aliases: share a project or task name as ALIAS (repeat for more)",
    )
    add_session_options(parser)  # the local database's option with them


def _settings(args: argparse.Namespace) -> Settings | None:
    # Imported here, for start-up time: only this command computes or pushes aggregates.
    from dataclasses import replace

    from devfocus.config import load_settings

    base = settings_from(args)
    team: dict[str, Any] = {}
    if getattr(args, "share", None):
        team["share"] = args.share
    if getattr(args, "share_name", False):
        team["shareName"] = True
    aliases: dict[str, str] = {}
    for pair in getattr(args, "alias", None) or ():
        name, sep, alias = pair.partition("=")
        if not sep or not name.strip() or not alias.strip():
            output.error(f"--alias {pair!r}: write NAME=ALIAS")
            return None
        aliases[name.strip()] = alias.strip()
    if aliases:
        team["aliases"] = aliases
    loaded, problems = load_settings({"team": team})
    for problem in problems:
        output.error(str(problem))
    return replace(base, team=loaded.team)


def _team_url(args: argparse.Namespace, settings: Settings) -> str | None:
    # Imported here, for start-up time: only this command computes or pushes aggregates.
    from devfocus.app.teamshare import team_url

    url = getattr(args, "team_url", None) or team_url(settings)
    if not url:
        output.error(f"no team database: give --team-url URL or set ${TEAM_URL_ENV}")
    return url


def run(args: argparse.Namespace) -> int:
    actions = {"preview": preview, "push": push, "leave": leave}
    return actions[args.team_action](args)


def preview(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command computes or pushes aggregates.
    from devfocus.app.datastore import open_database
    from devfocus.app.teamshare import TeamShare

    settings = _settings(args)
    if settings is None:
        return 2
    database = open_database(settings)
    try:
        shown = TeamShare(database).preview(settings, now=time.time())
    finally:
        database.close()
    if args.format == "json":
        print(json.dumps(shown.wire(), indent=2, ensure_ascii=False))
    else:
        print(shown.markdown(), end="")
    return 0


def push(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command computes or pushes aggregates.
    from devfocus.app.datastore import open_database
    from devfocus.app.teamshare import TeamShare
    from devfocus.cli.process import collector_paused

    settings = _settings(args)
    if settings is None:
        return 2
    url = _team_url(args, settings)
    if url is None:
        return 2
    database = open_database(settings)
    try:
        with output.working("Pushing to the team database"), collector_paused():
            result = TeamShare(database).push(settings, url, now=time.time(), full=args.all)
    finally:
        database.close()
    if args.format == "json":
        print(
            json.dumps(
                {
                    "pushed": result.pushed,
                    "deleted": result.deleted,
                    "pending": result.pending,
                    "error": result.error,
                }
            )
        )
    elif result.error is None:
        print(
            f"pushed {output.plural(result.pushed, 'hourly row')}"
            + (f", removed {result.deleted}" if result.deleted else "")
            + (f"; {result.pending} still waiting" if result.pending else "")
        )
    if result.error is not None:
        output.error(f"{result.error}; {output.plural(result.pending, 'row')} kept to push later")
        return 1
    return 0


def leave(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command computes or pushes aggregates.
    from devfocus.app.datastore import open_database
    from devfocus.app.teamshare import TeamShare
    from devfocus.store.errors import StoreError

    settings = settings_from(args)
    url = _team_url(args, settings)
    if url is None:
        return 2
    database = open_database(settings)
    try:
        deleted = TeamShare(database).leave(url)
    except StoreError as error:  # the team database's, in one line
        output.error(str(error))
        return 1
    finally:
        database.close()
    print(
        f"left the team: {output.plural(deleted, 'row')} deleted from the team database. "
        "Remove devfocus.team.databaseUrl (VS Code: DevFocus: Disconnect Team Database) so "
        "the editor stops sharing."
    )
    return 0
