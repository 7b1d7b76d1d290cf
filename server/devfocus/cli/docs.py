"""``devfocus docs check`` and ``devfocus docs fix``: the editor's docstring checks and fixes for
CI and pre-commit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from devfocus.cli import output

if TYPE_CHECKING:
    from pathlib import Path

    from devfocus.app.docstrings import DocsConfig
    from devfocus.cli.subcommands import Subcommands
    from devfocus.docs.facts import Span

MISSING_SCOPES = ("public", "all", "none")
CHECK_FORMATS = ("text", "json")
A = TypeVar("A")  # what a command's analysis of one file gives


def add_parser(subparsers: Subcommands) -> None:
    subparsers.add_parser("docs", help="check or fix Python docstrings", arguments=_arguments)


def _arguments(docs: argparse.ArgumentParser) -> None:
    actions = docs.add_subparsers(dest="docs_command", metavar="ACTION", required=True)

    check = actions.add_parser(
        "check", help="report missing and stale docstrings (exit 1 on findings)"
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    check.add_argument("--format", choices=CHECK_FORMATS, default="text")
    _add_common(check)

    fix = actions.add_parser("fix", help="write missing docstrings and update stale ones")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    fix.add_argument(
        "--diff", action="store_true", help="print a unified diff instead of writing files"
    )
    _add_common(fix)


def _add_common(parser: argparse.ArgumentParser) -> None:
    # Imported here, for start-up time: built only when `docs` runs.
    from devfocus.config import DOC_STYLES, DocsSettings

    defaults = DocsSettings()
    parser.add_argument(
        "--style",
        choices=DOC_STYLES,
        default=defaults.style,
        help="style of new docstrings (default: auto — the file's, else the project's, else "
        "google)",
    )
    parser.add_argument(
        "--missing",
        choices=MISSING_SCOPES,
        default=defaults.missing,
        help="which definitions must have a docstring (default: public)",
    )
    parser.add_argument(
        "--line-length",
        type=int,
        default=0,
        metavar="N",
        help="wrap generated text at N columns (default: the project's line-length, else 88)",
    )
    parser.add_argument(
        "--no-infer", action="store_true", help="do not infer return types with jedi"
    )


def _config(args: argparse.Namespace) -> DocsConfig:
    # Imported here, for start-up time: the docstring engine is for `docs` only.
    from devfocus.app.docstrings import DocsConfig
    from devfocus.config import DocsSettings

    return DocsConfig(
        DocsSettings(
            style=args.style,
            missing=args.missing,
            line_length=float(max(args.line_length, 0)),
            infer_types=not args.no_infer,
        )
    )


def run(args: argparse.Namespace) -> int:
    if args.docs_command == "check":
        return check(args)
    return fix(args)


def _files(args: argparse.Namespace) -> list[Path]:
    from devfocus.app.docstrings import iter_python_files  # for start-up time, as above

    files = list(iter_python_files(args.paths))
    missing = [str(p) for p in files if not p.exists()]
    for path in missing:
        output.error(f"{path}: no such file or directory")
    return [p for p in files if p.exists()]


class _EachFile(Generic[A]):
    """The Python files the command line names, each read and analysed by ``analyse(source,
    path)``: (path, source, its encoding, the analysis). A file that cannot be read or analysed
    is said on stderr, counted in :attr:`skipped` and passed over."""

    def __init__(self, args: argparse.Namespace, analyse: Callable[[str, str], A]) -> None:
        self._paths = _files(args)
        self._analyse = analyse
        self.skipped = 0

    def __iter__(self) -> Iterator[tuple[Path, str, str, A]]:
        from devfocus.app.docstrings import read_source  # for start-up time, as above

        for path in self._paths:
            try:
                source, encoding = read_source(path)
            except (OSError, ValueError) as exc:
                self._skip(path, str(exc))
                continue
            try:
                analysis = self._analyse(source, str(path))
            except (RecursionError, MemoryError) as exc:
                # One file beyond what this process can analyse must not stop the run.
                self._skip(path, _too_much(exc))
                continue
            yield path, source, encoding, analysis

    def _skip(self, path: Path, why: str) -> None:
        output.error(f"{path}: skipped: {why}")
        self.skipped += 1


def check(args: argparse.Namespace) -> int:
    # Imported here, for start-up time, as in fix(): the docstring engine is the heaviest part.
    import json

    from devfocus.app.docstrings import check_source
    from devfocus.docs.facts import Position, Span

    files = _EachFile(args, partial(check_source, _config(args)))
    rows: list[dict[str, Any]] = []
    for path, _, _, (facts, findings) in files:
        if facts.syntax_error is not None:
            error = facts.syntax_error
            at = Position((error.lineno or 1) - 1, max((error.offset or 1) - 1, 0))
            rows.append(_row(path, Span(at, at), "DF000", f"cannot parse: {error.msg}", ""))
            continue
        rows += [_row(path, f.span, f.code, f.message, f.qualname) for f in findings]
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        out = sys.stdout
        for row in rows:
            out.write(
                f"{row['path']}:{row['line']}:{row['column']}: {row['code']} {row['message']}\n"
            )
        if rows:
            output.summary(output.found(len(rows), "finding"))
    return 1 if rows or files.skipped else 0


def _row(path: Path, span: Span, code: str, message: str, definition: str) -> dict[str, Any]:
    """One finding with 1-based lines and columns, as editors and CI annotations count them."""
    return {
        "path": str(path),
        "line": span.start.line + 1,
        "column": span.start.character + 1,
        "endLine": span.end.line + 1,
        "endColumn": span.end.character + 1,
        "code": code,
        "message": message,
        "definition": definition,
    }


def _too_much(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested or chained too deeply to analyse"
    return "analysing it needs more memory than is available"


def fix(args: argparse.Namespace) -> int:
    # Imported here, for start-up time, as in check().
    import difflib

    from devfocus.app.docstrings import fix_source

    files = _EachFile(args, partial(fix_source, _config(args)))
    changed_files = written = refused = unread = 0
    for path, source, encoding, result in files:
        if result.problem is not None:
            output.error(f"{path}: not fixed: {result.problem}")
            unread += 1
            continue
        for qualname, reason in result.refused:
            refused += 1
            where = f" `{qualname}`" if qualname else ""
            output.error(f"{path}:{where} not fixed: {reason}")
        if result.source == source:
            continue
        changed_files += 1
        written += len(result.edits)
        if args.diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    source.splitlines(keepends=True),
                    result.source.splitlines(keepends=True),
                    fromfile=f"a/{path}",
                    tofile=f"b/{path}",
                )
            )
        else:
            _write(path, result.source, encoding)
    unread += files.skipped
    verb = "would change" if args.diff else "changed"
    plural = output.plural
    output.summary(
        f"{plural(written, 'docstring')} {verb} in {plural(changed_files, 'file')}"
        + (f"; {refused} left alone (see above)" if refused else "")
        + (f"; {plural(unread, 'file')} could not be fixed (see above)" if unread else "")
        + "."
    )
    return 1 if unread or (args.diff and changed_files) else 0


def _write(path: Path, text: str, encoding: str) -> None:
    """Write in the file's own encoding, atomically, keeping its permissions."""
    # Imported here, for start-up time: only a fix that writes needs them.
    import os
    import tempfile
    from pathlib import Path

    mode = path.stat().st_mode
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode(encoding))
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
