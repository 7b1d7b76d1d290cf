"""``devfocus doctor [PATH]``: versions, data location, database and git, checked by
:mod:`devfocus.app.health` and printed as text or JSON."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from devfocus.cli import output
from devfocus.cli.issues import add_tracker_options
from devfocus.cli.options import add_ai_options, add_database_option, settings_from

if TYPE_CHECKING:
    from devfocus.cli.subcommands import Subcommands
    from devfocus.config import Settings

FORMATS = ("text", "json")


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser(
        "doctor", help="check versions, data location, database and git", arguments=_arguments
    )


def _arguments(doctor: argparse.ArgumentParser) -> None:
    doctor.add_argument("--format", choices=FORMATS, default="text")
    doctor.add_argument(
        "path", nargs="?", help="a folder whose git repositories are checked (default: here)"
    )
    add_database_option(doctor)
    add_ai_options(doctor)
    add_tracker_options(doctor)


def run(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: the checks load the store and git's helpers.
    import json
    from pathlib import Path

    from devfocus.app import health
    from devfocus.config import data_dir, database_url

    settings = settings_from(args)
    directory = data_dir()
    with output.working("Checking the database"):
        database = health.check_database(database_url(settings))
    folder = health.check_data_directory(directory)
    result: dict[str, Any] = {
        "versions": health.versions(),
        "dataDirectory": folder,
        "database": database,
        "git": {
            **health.check_git(),
            "repositories": health.check_repositories(Path(args.path or ".")),
        },
    }
    with output.working("Asking the AI provider whether it answers"):
        result["ai"] = health.check_ai(settings)  # no network call unless one is configured
    result["issues"] = _trackers(args, settings, database["ok"])
    # git and AI are optional: their absence or failure is reported, not a failure
    healthy = database["ok"] and not folder["problems"]
    result["healthy"] = healthy
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(render_text(result))
    return 0 if healthy else 1


def render_text(r: dict[str, Any]) -> str:
    """The doctor's findings for a person: one block per part, each problem marked ✗."""
    v = r["versions"]
    libs = ", ".join(f"{k} {v[k]}" for k in v if k not in ("devfocus", "python"))
    d, db, git = r["dataDirectory"], r["database"], r["git"]
    lines = [
        f"DevFocus {v['devfocus']} on Python {v['python']} ({sys.executable})",
        f"  {libs}",
        "",
        f"Data directory  {d['path']}  (from {d['from']}"
        + (f", mode {d['mode']})" if d["exists"] else ", not created yet)"),
        *(f"  ✗ {p}" for p in d["problems"]),
        f"Database        {db['url']}",
    ]
    if "size" in db:
        lines.append(f"                {db['size'] / 1048576:.1f} MiB, mode {db['mode']}")
    if db.get("note"):
        lines.append(f"                {db['note']}")
    if "schema" in db:
        lines.append(
            f"                schema {db['schema']} (this version knows {db['schemaKnown']})"
            + (
                f", integrity {db['integrity']}, journal {db['journal']}"
                if "integrity" in db
                else ""
            )
        )
    if "events" in db:
        span = f", {db['first']} … {db['last']}" if "first" in db else ""
        lines.append(f"                {output.plural(db['events'], 'event')}{span}")
    lines += [f"  ✗ {p}" for p in db.get("problems", [])]
    lines.append(f"Git             {git.get('version') or 'not available'}")
    lines += [f"  ✗ {p}" for p in git.get("problems", [])]
    for repo in git["repositories"]:  # not read is a choice git makes too, not a failure
        lines.append(f"  {repo['root']}: " + ("read" if repo["read"] else repo["reason"]))
    lines += render_ai(r["ai"])
    from devfocus.app.trackerhealth import render_trackers  # here: only the doctor prints them

    lines += render_trackers(r["issues"])
    lines += ["", "healthy" if r["healthy"] else "problems found (see ✗ above)"]
    return "\n".join(lines)


def _trackers(args: argparse.Namespace, settings: Settings, readable: bool) -> list[Any]:
    """The issue trackers the flags and variables configure, and their last syncs."""
    # Imported here, for start-up time: only the doctor checks the trackers.
    import os
    from dataclasses import replace

    from devfocus.app.issuesync import github_token
    from devfocus.app.trackerhealth import check_trackers
    from devfocus.cli.issues import tracker_settings

    records: list[Any] = []
    if readable:
        # Imported here: only a database that answered is read for them.
        from devfocus.app.datastore import open_database
        from devfocus.app.issuesync import sync_records
        from devfocus.store.errors import StoreError

        try:
            records = sync_records(open_database(settings))
        except StoreError as error:
            output.error(f"the issue trackers' syncs could not be read: {error.message}")
    issues = tracker_settings(args, settings).issues
    # On the command line GitHub counts as set up once something points at it.
    asked = bool(
        github_token(os.environ)
        or args.github_api_url
        or os.environ.get("DEVFOCUS_GITHUB_API_URL")
        or args.github_repo
        or any(r.tracker == "github" for r in records)
    )
    github = replace(issues.github, enabled=asked and not args.no_github)
    return list(check_trackers(replace(issues, github=github), os.environ, records))


def render_ai(ai: dict[str, Any]) -> list[str]:
    if ai["provider"] == "none":
        return ["AI              off (devfocus.ai.provider: none): nothing is sent anywhere"]
    where = ai["baseUrl"] or "the provider's API"
    lines = [
        f"AI              {ai['provider']} ({ai['model'] or 'no model set'}) at {where}",
        f"                key: {ai['key']}; SDK: {ai['sdk']}",
        f"                {'reachable' if ai['reachable'] else ai['state']}",
    ]
    if ai.get("lastError"):
        lines.append(f"                last error: {ai['lastError']}")
    lines += [f"  ✗ {p}" for p in ai["problems"]]
    return lines
