"""``devfocus ai preview docstring|commit|report``: what the AI features would send to a model.

The command's module (:mod:`devfocus.cli.aipreview`) loads only when it runs: every command is
registered while ``devfocus`` starts, the language server's start included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from devfocus.cli.subcommands import Subcommands


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser(
        "ai", help="what the AI features would send to a model", arguments=_arguments
    )


def _arguments(parser: argparse.ArgumentParser) -> None:
    # Deferred, for start-up time: the preview loads only for this command.
    from devfocus.cli.aipreview import add_arguments

    add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # Deferred, as above.
    from devfocus.cli.aipreview import run as preview

    return preview(args)
