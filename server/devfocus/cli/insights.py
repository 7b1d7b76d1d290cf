"""``devfocus insights [PATH]``: what the detectors found in a period, with their evidence."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from devfocus.cli import output
from devfocus.cli.options import add_history_options, add_session_options, settings_from
from devfocus.cli.process import collector_paused
from devfocus.cli.reading import add_period_options, open_for_reading, period_from

if TYPE_CHECKING:
    from devfocus.cli.subcommands import Subcommands

FORMATS = ("text", "json")
DEFAULT_PERIOD = "week"  # most insights compare days: a day alone shows few


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser(
        "insights", help="print what the insight detectors found", arguments=_arguments
    )


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", help="restrict to the project containing PATH")
    add_period_options(
        parser,
        "week (the last 7 days, the default), today, yesterday, thisweek, lastweek, 30d, 90d or "
        "year",
    )
    parser.add_argument(
        "--redact",
        action="store_true",
        help="hide project, file, branch and task names and commits behind stable aliases",
    )
    parser.add_argument("--format", choices=FORMATS, default="text")
    add_session_options(parser)
    add_history_options(parser)


def run(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: only this command reads the store for insights.
    import json
    import time

    from devfocus.app.reporting import make_reports
    from devfocus.insights.insightjson import insights_json

    now = time.time()
    period = period_from(args, DEFAULT_PERIOD, now)
    if period is None:
        return 2
    settings = settings_from(args)
    database, project = open_for_reading(settings, args)
    with output.working(f"Reading activity from {database.display}"), collector_paused():
        report, _ = make_reports(
            database, period, settings, now=now, project=project, redact=args.redact
        )
    data = insights_json(report)
    if args.format == "json":
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(data, period.title))
    return 0


def render_text(data: dict[str, Any], title: str) -> str:
    """One block per insight: severity and message, then when, and the figures behind it."""
    from devfocus.text import plural  # for start-up time, as above

    found = data["insights"]
    if not found:
        return f"{title}: no insights.\n"
    lines = [f"{title}: {plural(len(found), 'insight')}", ""]
    for insight in found:
        lines.append(f"[{insight['severity']}] {insight['message']}")
        start, end = insight["start"][:16].replace("T", " "), insight["end"][:16].replace("T", " ")
        numbers = ", ".join(f"{k} {v:g}" for k, v in insight["evidence"]["numbers"].items())
        lines.append(f"    {insight['kind']}, {start} to {end}")
        if numbers:
            lines.append(f"    {numbers}")
        for path in insight["evidence"]["files"]:
            lines.append(f"    {path}")
        lines.append("")
    return "\n".join(lines)
