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

    from devfocus.app.aiservice import AIService
    from devfocus.app.docstrings import DocsConfig, FixResult
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
    fix.add_argument(
        "--ai",
        action="store_true",
        help="the words from the configured AI model (the structure stays the engine's; "
        "needs --ai-provider or DEVFOCUS_AI_PROVIDER)",
    )
    _add_common(fix)
    # Imported here, for start-up time, as in _add_common.
    from devfocus.cli.options import add_ai_options

    add_ai_options(fix)


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
    if args.ai:
        return _fix_with_ai(args)
    # Imported here, for start-up time, as in check().
    from devfocus.app.docstrings import fix_source

    files = _EachFile(args, partial(fix_source, _config(args)))
    tally = _Tally(args.diff)
    for path, source, encoding, result in files:
        tally.add(path, source, encoding, result)
    tally.unread += files.skipped
    output.summary(tally.summary() + ".")
    return tally.exit_code()


class _Tally:
    """What `docs fix` did to each file (written, or shown as a diff), counted for its summary."""

    def __init__(self, diff: bool) -> None:
        self.diff = diff
        self.changed_files = self.written = self.refused = self.unread = 0

    def add(self, path: Path, source: str, encoding: str, result: FixResult) -> None:
        if result.problem is not None:
            output.error(f"{path}: not fixed: {result.problem}")
            self.unread += 1
            return
        for qualname, reason in result.refused:
            self.refused += 1
            where = f" `{qualname}`" if qualname else ""
            output.error(f"{path}:{where} not fixed: {reason}")
        if result.source == source:
            return
        self.changed_files += 1
        self.written += len(result.edits)
        if self.diff:
            # Imported here, for start-up time: only a diff needs it.
            import difflib

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

    def summary(self) -> str:
        verb = "would change" if self.diff else "changed"
        plural = output.plural
        return (
            f"{plural(self.written, 'docstring')} {verb} in {plural(self.changed_files, 'file')}"
            + (f"; {self.refused} left alone (see above)" if self.refused else "")
            + (
                f"; {plural(self.unread, 'file')} could not be fixed (see above)"
                if self.unread
                else ""
            )
        )

    def exit_code(self) -> int:
        return 1 if self.unread or (self.diff and self.changed_files) else 0


def _fix_with_ai(args: argparse.Namespace) -> int:
    """`docs fix --ai`: the model's words in the engine's docstrings, file by file."""
    # Imported here, for start-up time: only --ai loads the AI layer and the settings.
    import asyncio
    from dataclasses import replace

    from devfocus.cli.aiopen import ai_service
    from devfocus.cli.options import settings_from

    config = _config(args)
    settings = replace(settings_from(args), docs=config.settings)
    if settings.ai.provider == "none":
        output.error(
            "--ai needs an AI provider: --ai-provider (or DEVFOCUS_AI_PROVIDER) anthropic, openai "
            "or openai-compatible, and its key in the environment"
        )
        return 2
    service = ai_service(settings)
    try:
        return asyncio.run(_fix_files_with_ai(args, service, config))
    except KeyboardInterrupt:
        output.error("interrupted: the files written so far stay written")
        return 130


async def _fix_files_with_ai(
    args: argparse.Namespace, service: AIService, config: DocsConfig
) -> int:
    # Imported here, for start-up time, as above.
    from collections import Counter

    from devfocus.app.aidocs import fix_with_ai

    files = _EachFile(args, lambda source, path: None)  # analysed by fix_with_ai
    tally = _Tally(args.diff)
    origins: Counter[str] = Counter()
    fallbacks = excluded = 0
    try:
        with output.progress_bar("docstring", label=f"asking {service.provider}") as bar:

            def counted(*_: object) -> None:
                bar.update()

            for path, source, encoding, _ in files:
                result = await fix_with_ai(service, config, source, str(path), on_reply=counted)
                if result.excluded is not None:
                    output.error(f"{path}: not sent: {result.excluded}")
                    excluded += 1
                    continue
                for why in result.fallbacks:
                    output.error(f"{path}: {why}")
                fallbacks += len(result.fallbacks)
                tally.add(path, source, encoding, result.fixed)
                if result.fixed.problem is None:
                    origins.update(o.origin for o in result.outcomes)
    finally:
        await service.aclose()
    tally.unread += files.skipped
    words = (
        f"{origins['model']} from the model, {origins['cache']} from the cache, "
        f"{origins['template']} from the template"
    )
    if fallbacks:
        words += f" ({fallbacks} because the model's answer could not be used; see above)"
    elif origins["template"]:
        words += " (they needed no new words)"
    if excluded:
        words += f"; {output.plural(excluded, 'file')} not sent (devfocus.ai.exclude)"
    output.summary(f"{tally.summary()}. Words: {words}.")
    return tally.exit_code()


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
