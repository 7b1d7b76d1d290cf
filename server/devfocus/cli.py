"""Command line: ``devfocus serve | report | export | import | docs | coach | doctor | delete``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    from devfocus import __version__

    parser = argparse.ArgumentParser(
        prog="devfocus",
        description="Local-first focus tracking and developer insights, as a language server.",
    )
    parser.add_argument("--version", action="version", version=f"devfocus {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead (for debugging)")
    # Generic clients (vscode-languageclient's stdio transport, some editor presets) add --stdio.
    serve.add_argument("--stdio", action="store_true", help="serve on stdio (the default)")
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="how much the server logs (default: info)",
    )

    report = sub.add_parser("report", help="print a focus report")
    report.add_argument("path", nargs="?", help="restrict to the project containing PATH")
    report.add_argument(
        "--period", choices=["today", "week", "30d", "90d", "year"], default="today"
    )
    report.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    _add_session_options(report)
    _add_history_options(report)

    export = sub.add_parser("export", help="export every stored event")
    export.add_argument("--format", choices=["csv", "json"], required=True)
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    _add_database_option(export)

    ingest = sub.add_parser("import", help="import the git history of the repositories at PATH")
    ingest.add_argument("path", nargs="*", default=["."], help="repositories (default: .)")
    _add_database_option(ingest)

    doctor = sub.add_parser("doctor", help="check versions, data location, database and git")
    doctor.add_argument("--format", choices=["text", "json"], default="text")
    doctor.add_argument(
        "path", nargs="?", help="a folder whose git repositories are checked (default: here)"
    )
    _add_database_option(doctor)

    from devfocus.docs_commands import add_parser as add_docs_parser

    add_docs_parser(sub)

    from devfocus.coach_commands import add_parser as add_coach_parser

    add_coach_parser(sub)

    delete = sub.add_parser("delete", help="erase all stored activity")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _add_database_option(delete)
    return parser


def _add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="SQLAlchemy URL of the database (default: the setting devfocus.database.url, "
        "else the SQLite file in the data directory)",
    )


def _add_session_options(parser: argparse.ArgumentParser) -> None:
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
    _add_database_option(parser)


def _add_history_options(parser: argparse.ArgumentParser) -> None:
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "serve":
        import gc

        import lsprotocol.types  # noqa: F401  most of what start-up allocates, alive for good

        gc.freeze()  # so that no later garbage collection walks those objects again
        from devfocus.lsp.server import serve

        serve(args.tcp, getattr(logging, args.log_level.upper()))
        return 0
    if args.command == "docs":
        from devfocus.docs_commands import run as run_docs

        return run_docs(args)
    if args.command == "coach":
        from devfocus.coach_commands import run as run_coach

        return run_coach(args)
    from devfocus.commands import run

    return run(args)
