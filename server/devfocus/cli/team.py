"""``devfocus team init | add | remove | status``: set up a team database on a shared PostgreSQL
and manage who belongs to it, over the administrator's connection (``--database-url``, else
``$DEVFOCUS_TEAM_ADMIN_URL``). A member's own commands (``preview``, ``push``, ``leave``) live in
devfocus.cli.teammember and are dispatched from here.

``add`` prints the URL to hand to the new person on stdout, alone, so it can be piped to where
it goes; the generated password is in no log and is not shown again.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from devfocus.cli import output

if TYPE_CHECKING:
    from devfocus.cli.subcommands import Subcommands
    from devfocus.store.teamdb import Member

ADMIN_URL_VARIABLE = "DEVFOCUS_TEAM_ADMIN_URL"
ADMIN_ACTIONS = ("init", "add", "remove", "status")
STATUS_FORMATS = ("text", "json")


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser(
        "team",
        help="share focus aggregates with a team on a shared PostgreSQL, and administer it",
        arguments=_arguments,
    )


def _arguments(team: argparse.ArgumentParser) -> None:
    actions = team.add_subparsers(dest="team_action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init", help="create the team schema, roles and policies (or bring them up to date)"
    )
    init.add_argument(
        "--team",
        metavar="NAME",
        help="the team's name, which prefixes its roles: 1 to 20 of a-z, 0-9 and _ "
        "(default: the database's name)",
    )
    init.add_argument(
        "--min-group-size",
        type=int,
        metavar="N",
        help="hide every figure of fewer than N members (default 3, at least 3; given again, "
        "changes it)",
    )
    init.add_argument(
        "--partitioned",
        action="store_true",
        help="store the hourly figures in monthly partitions (for large teams; at creation)",
    )
    add = actions.add_parser("add", help="add a person: a new login role, and the URL to hand them")
    add.add_argument("name", help="the new role's name (with --existing-role: a display name)")
    add.add_argument("--role", choices=("member", "admin", "viewer"), default="member")
    add.add_argument(
        "--existing-role",
        metavar="ROLE",
        help="let an existing login role in instead of making one (its password stays its own)",
    )
    add.add_argument(
        "--display-name", metavar="TEXT", help="the name shown when they share by name"
    )
    remove = actions.add_parser("remove", help="remove a person and every figure they pushed")
    remove.add_argument("name", help="the member's role")
    remove.add_argument(
        "--keep-role", action="store_true", help="keep the login role (only leave the team)"
    )
    status = actions.add_parser(
        "status", help="list the members, what each shares and their last push"
    )
    status.add_argument("--format", choices=STATUS_FORMATS, default="text")
    for parser in (init, add, remove, status):
        parser.add_argument(
            "--database-url",
            metavar="URL",
            help=f"the administrator's connection to the team database; else ${ADMIN_URL_VARIABLE}",
        )
    # Imported here, for start-up time: only `devfocus team` builds these parsers.
    from devfocus.cli import teammember

    teammember.add_member_parsers(actions)


def run(args: argparse.Namespace) -> int:
    if args.team_action not in ADMIN_ACTIONS:
        # Imported here, for start-up time: the member's commands compute from the local data.
        from devfocus.cli import teammember

        return teammember.run(args)
    url = args.database_url or os.environ.get(ADMIN_URL_VARIABLE)
    if not url:
        output.error(f"which team database? pass --database-url URL or set ${ADMIN_URL_VARIABLE}")
        return 2
    # Imported here, for start-up time: only these commands reach the team database.
    from devfocus.store.teamdb import TeamError

    try:
        return {"init": _init, "add": _add, "remove": _remove, "status": _status}[args.team_action](
            args, url
        )
    except TeamError as error:
        output.error(error.message)
        return 1


def _init(args: argparse.Namespace, url: str) -> int:
    # Imported here, for start-up time, as in run.
    from devfocus.store.teamdb import init_team, shown, team_name

    with output.working(f"Setting up the team database {shown(url)}"):
        version = init_team(
            url,
            team=args.team,
            min_group_size=args.min_group_size,
            partitioned=args.partitioned,
        )
        name = team_name(url)
    print(f"Team {name} is ready in {shown(url)} (schema version {version}).")
    output.summary("Next: devfocus team add NAME --role member|admin|viewer")
    return 0


def _add(args: argparse.Namespace, url: str) -> int:
    # Imported here, for start-up time, as in run.
    from devfocus.store.teamdb import add_member, member_url

    password = add_member(
        url,
        args.name,
        args.role,
        existing_role=args.existing_role,
        display_name=args.display_name,
    )
    login = args.existing_role or args.name
    print(member_url(url, login, password))
    if password is None:
        output.summary(
            f"Added {login} as {args.role}: they connect with this URL and their own password."
        )
    else:
        output.summary(
            f"Added {login} as {args.role}. Hand them the URL above privately: it holds their "
            "password, which is not shown again (they keep it in VS Code with "
            "DevFocus: Connect Team Database, or in $DEVFOCUS_TEAM_URL)."
        )
    return 0


def _remove(args: argparse.Namespace, url: str) -> int:
    # Imported here, for start-up time, as in run.
    from devfocus.store.teamdb import remove_member, role_exists

    deleted = remove_member(url, args.name, drop_role=not args.keep_role)
    print(f"Removed {args.name} from the team: {output.plural(deleted, 'hourly row')} deleted.")
    if not args.keep_role and role_exists(url, args.name):
        output.summary(
            f"The login role {args.name} stays (it was not made by devfocus team add for this "
            "team, belongs to other roles, or dropping roles needs CREATEROLE); it is in no "
            "team group."
        )
    return 0


def _status(args: argparse.Namespace, url: str) -> int:
    # Imported here, for start-up time, as in run.
    import json

    from devfocus.store.teamdb import team_status

    members = team_status(url)
    if args.format == "json":
        json.dump({"members": [_member_json(m) for m in members]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not members:
        output.summary("No members yet (or none you may see): devfocus team add NAME")
        return 0
    header = ("MEMBER", "NAME", "ROLE", "SHARES", "BY NAME", "LAST PUSH", "HOURS")
    rows = [header, *(_member_row(m) for m in members)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    output.summary(f"{output.plural(len(members), 'member')}.")
    return 0


def _when(moment: float | None) -> str:
    # Imported here: only the status table shows times.
    from datetime import datetime, timezone

    if moment is None:
        return "never"
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _member_row(member: Member) -> tuple[str, ...]:
    return (
        member.member,
        member.display_name,
        member.role,
        member.share,
        "yes" if member.by_name else "no",
        _when(member.last_push),
        str(member.hours),
    )


def _member_json(member: Member) -> dict[str, Any]:
    return {
        "member": member.member,
        "displayName": member.display_name,
        "role": member.role,
        "share": member.share,
        "byName": member.by_name,
        "addedAt": member.added_at,
        "lastPush": member.last_push,
        "hours": member.hours,
    }
