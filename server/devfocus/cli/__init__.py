"""Command line: ``devfocus serve | report | issues | tasks | export | import | delete | doctor |
docs | coach``.

Each command is a module of this package with ``add_parser(subparsers)`` and ``run(args)``; the
list below is the one place they are registered. A command's arguments are built only when it
runs, and its module imports what it needs inside ``run``: ``devfocus --version`` and each
command load only what they use. Errors a command does not handle itself are reported here,
once: a closed pipe ends quietly, a database problem is one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from devfocus import __version__
from devfocus.cli import (
    ai,
    coach,
    data,
    docs,
    doctor,
    insights,
    issues,
    output,
    report,
    serve,
    standup,
    team,
)
from devfocus.cli.subcommands import Subcommands
from devfocus.store.errors import StoreError

COMMANDS = (serve, report, standup, insights, issues, data, doctor, docs, coach, ai, team)
Run = Callable[[argparse.Namespace], int]


def _parser() -> tuple[argparse.ArgumentParser, dict[str, Run]]:
    parser = argparse.ArgumentParser(
        prog=output.PROGRAM,
        description="Local-first focus tracking and developer insights, as a language server.",
    )
    parser.add_argument("--version", action="version", version=f"devfocus {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", action=Subcommands)
    runs: dict[str, Run] = {}
    for command in COMMANDS:
        known = set(subparsers.choices)
        command.add_parser(subparsers)
        runs.update(dict.fromkeys(set(subparsers.choices) - known, command.run))
    return parser, runs


def main(argv: Sequence[str] | None = None) -> int:
    parser, runs = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return runs[args.command](args)
    except BrokenPipeError:  # `devfocus export ... | head`
        return output.pipe_closed()
    except StoreError as error:
        output.error(error.message)
        return 1
