"""``devfocus export``, ``devfocus import`` and ``devfocus delete``: the user's data, out of the
store, into it from git history or from an export made elsewhere, and erased."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from devfocus.cli import output
from devfocus.cli.options import add_database_option, settings_from
from devfocus.cli.process import collector_paused

if TYPE_CHECKING:
    from pathlib import Path

    from devfocus.app.importing import FileImport
    from devfocus.cli.subcommands import Subcommands

EXPORT_FORMATS = ("csv", "json")


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser("export", help="export every stored event", arguments=_export_arguments)
    subparsers.add_parser(
        "import",
        help="import the git history of the repositories at PATH, or merge the export FILE "
        "made by `devfocus export` (on another machine, say)",
        arguments=_import_arguments,
    )
    subparsers.add_parser("delete", help="erase all stored activity", arguments=_delete_arguments)


def _export_arguments(export: argparse.ArgumentParser) -> None:
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    add_database_option(export)


def _import_arguments(ingest: argparse.ArgumentParser) -> None:
    ingest.add_argument(
        "path",
        nargs="*",
        default=["."],
        metavar="PATH|FILE",
        help="a folder: the git repositories there (default: .); a file: an export (JSON or "
        "CSV) to merge",
    )
    ingest.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (the default), or json: what was imported, for scripts",
    )
    add_database_option(ingest)


def _delete_arguments(delete: argparse.ArgumentParser) -> None:
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_database_option(delete)


def run(args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "export": export,
        "import": import_paths,
        "delete": delete,
    }
    return commands[args.command](args)


# -- export ------------------------------------------------------------------------------------
def export(args: argparse.Namespace) -> int:
    # Imported here, for start-up time, as in every command below.
    from devfocus.app.datastore import open_database
    from devfocus.app.userdata import ExportRefused, check_target, count_events, write_export

    database = open_database(settings_from(args))
    try:
        target = check_target(database, args.output) if args.output else None
        total = count_events(database)
        progress = output.progress_bar(" events", total=total)
        recheck = (lambda: check_target(database, args.output)) if args.output else None
        with _output(target, recheck) as out, progress:
            write_export(database, args.format, out, progress.update)
    except ExportRefused as refused:
        output.error(str(refused))
        return 1
    except OSError as error:
        if args.output is None:
            raise  # stdout: a closed pipe is handled where every command's is
        reason = error.strerror or str(error)
        output.error(f"cannot write {args.output}: {reason}; nothing was written")
        return 1
    if args.output:
        output.summary(f"exported {output.plural(total, 'event')} to {args.output}")
    return 0


@contextmanager
def _output(
    path: Path | None, before_replacing: Callable[[], Any] | None = None
) -> Iterator[IO[str]]:
    """stdout, or a file readable by its owner only (see ``private_file``)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    from devfocus.app.userdata import private_file  # for start-up time, as above

    with private_file(path, before_replacing) as out:
        yield out


# -- import ------------------------------------------------------------------------------------
def import_paths(args: argparse.Namespace) -> int:
    """Each regular file an export to merge, anything else a folder of git repositories."""
    files = [p for p in args.path if os.path.isfile(p)]
    folders = [p for p in args.path if p not in files]
    reports: list[dict[str, Any]] = []
    failed = 0
    if files:
        failed += import_exports(args, files, reports)
    if folders:
        failed += import_history(args, folders, reports)
    if args.format == "json":
        import json  # here, for start-up time, as the other imports of this command

        print(json.dumps({"imports": reports}, indent=2, ensure_ascii=False))
    return 1 if failed else 0


def import_exports(
    args: argparse.Namespace, files: list[str], reports: list[dict[str, Any]]
) -> int:
    """Merge each export file; returns how many could not be imported."""
    # Imported here, for start-up time: the store is for this command only.
    from devfocus.app.datastore import open_database
    from devfocus.app.importing import NotImportable, import_export

    database = open_database(settings_from(args))
    failed = 0
    for path in files:
        bar = output.progress_bar(" events", label=os.path.basename(path))

        def progress(done: int, total: int, bar: output.ProgressBar = bar) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            with bar, collector_paused():
                result = import_export(database, path, progress)
        except NotImportable as refused:
            failed += 1
            output.error(f"{path}: not imported: {refused}")
            reports.append({"file": path, "error": str(refused)})
            continue
        reports.append(result.as_json())
        if args.format != "json":
            _print_import(result)
    database.close()
    return failed


def _print_import(result: FileImport) -> None:
    events = result.events
    print(
        f"{result.path}: {output.plural(events.new, 'new event')}, {events.present} already "
        f"present, {events.updated} updated, {events.refused} refused ({result.seconds:.2f} s)"
    )
    for reason in events.reasons:
        print(f"  refused {reason}")
    if events.refused > len(events.reasons):
        print(f"  … and {events.refused - len(events.reasons)} more refused")
    if result.history:
        parts = [
            f"{_HISTORY_NAMES.get(name, name)} {counts.new} new, {counts.present} already present"
            + (f", {counts.refused} refused" if counts.refused else "")
            for name, counts in result.history.items()
        ]
        print(f"  git history: {'; '.join(parts)}")
        for counts in result.history.values():
            for reason in counts.reasons:
                print(f"  refused {reason}")
    if result.not_merged:
        left = ", ".join(f"{rows} {name}" for name, rows in result.not_merged.items())
        print(f"  not merged (only events and git history are): {left}")


_HISTORY_NAMES = {
    "repositories": "repositories",
    "commits": "commits",
    "commitFiles": "commit files",
    "checkouts": "checkouts",
    "tasks": "tasks",
}


def import_history(
    args: argparse.Namespace, paths: list[str], reports: list[dict[str, Any]]
) -> int:
    """Ingest the git history of the repositories at ``paths``; returns how many failed."""
    # Imported here, for start-up time: git and the store are for this command only.
    from pathlib import Path

    from devfocus.app.datastore import open_database
    from devfocus.app.gitsync import Ingester
    from devfocus.git.repository import find_repositories
    from devfocus.git.runner import git_executable

    if git_executable() is None:
        output.error("git is not installed (no `git` on PATH)")
        return 1
    settings = settings_from(args)
    repos = find_repositories([Path(p) for p in paths])
    if not repos:
        output.error(f"no git repository at {', '.join(paths)}")
        return 1
    database = open_database(settings)
    ingester = Ingester(database)
    failed = 0
    for repo in repos:
        bar = output.progress_bar(" commits", label=repo.root.name)

        def progress(done: int, total: int | None, bar: output.ProgressBar = bar) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        with bar, collector_paused():
            result = ingester.ingest(repo, progress if not bar.disable else None)
        if result.problem is not None:
            failed += 1
            print(f"{repo.key}: {result.problem}", file=sys.stderr)
            reports.append({"repository": repo.key, "error": result.problem})
            continue
        reports.append(
            {
                "repository": repo.key,
                "newCommits": result.new_commits,
                "checkouts": result.checkouts,
                "unreachable": result.unreachable,
                "seconds": round(result.seconds, 3),
            }
        )
        if args.format == "json":
            continue
        extra = f", {result.unreachable} no longer on a branch" if result.unreachable else ""
        print(
            f"{repo.key}: {output.plural(result.new_commits, 'new commit')}, "
            f"{output.plural(result.checkouts, 'checkout')}{extra} ({result.seconds:.2f} s)"
        )
    database.close()
    return failed


# -- delete ------------------------------------------------------------------------------------
def delete(args: argparse.Namespace) -> int:
    # Imported here, for start-up time: the store is for the commands that use it.
    from devfocus.app.datastore import database_file, open_database, remove_database_file
    from devfocus.app.reportfiles import remove_report_files
    from devfocus.app.userdata import count_events, delete_all

    settings = settings_from(args)
    path = database_file(settings)
    if path is not None and not path.exists():
        removed = remove_report_files()  # written from a database deleted by hand since
        print(f"nothing to delete: {path} does not exist" + _report_files(removed))
        return 0
    database = open_database(settings)
    count = count_events(database)
    events = output.plural(count, "event")
    if not args.yes:
        if not sys.stdin.isatty():
            output.error("refusing to delete without --yes (no terminal to ask)")
            return 2
        answer = input(f"Erase all {events} in {database.display}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return 1
    if path is not None and not settings.database.url:
        database.close()  # the default file is ours alone: remove it with its journal files
        remove_database_file(path)
        print(f"deleted {path} ({events})" + _report_files(remove_report_files()))
    else:
        erased = delete_all(database)
        database.close()
        print(
            f"deleted {output.plural(erased.events, 'event')} and "
            f"{output.plural(erased.commits, 'commit')} from {database.display}"
            + _report_files(remove_report_files())
        )
    return 0


def _report_files(removed: int) -> str:
    return f"; removed {output.plural(removed, 'report file')}" if removed else ""
