"""``devfocus serve``: the language server, on stdio (or TCP for debugging)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devfocus.cli.subcommands import Subcommands

LOG_LEVELS = ("debug", "info", "warning", "error")


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser(
        "serve", help="run the language server (stdio by default)", arguments=_arguments
    )


def _arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead (for debugging)")
    # Generic clients (vscode-languageclient's stdio transport, some editor presets) add --stdio.
    serve.add_argument("--stdio", action="store_true", help="serve on stdio (the default)")
    serve.add_argument(
        "--log-level",
        default="info",
        choices=LOG_LEVELS,
        help="how much the server logs (default: info)",
    )


def run(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: the other commands need none of this.
    import gc
    import logging

    import lsprotocol.types  # noqa: F401  most of what start-up allocates, alive for good

    gc.freeze()  # so that no later garbage collection walks those objects again
    from devfocus.lsp.server import serve  # for start-up time: this command only

    serve(args.tcp, getattr(logging, args.log_level.upper()))
    return 0
