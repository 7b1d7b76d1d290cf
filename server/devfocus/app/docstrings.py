"""Docstring work on real files, shared by the CLI and the language server: which style and line
length apply where, and checking or fixing one module's text."""

from __future__ import annotations

import logging
import os
import re
import stat
import sys
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from devfocus.config import DocsSettings
from devfocus.docs.checks import Finding, Scope, check_module
from devfocus.docs.content import Options
from devfocus.docs.facts import (
    ModuleFacts,
    ParseFailure,
    TooManyDefinitions,
    analyze,
)
from devfocus.docs.styles import DEFAULT_STYLE, STYLES, Style, detect_style, style_of
from devfocus.text import split_lines

if TYPE_CHECKING:  # checking needs neither edits nor jedi: `docs check` starts without them
    from devfocus.docs.edits import TextEdit
    from devfocus.docs.infer import ReturnInference

log = logging.getLogger(__name__)

DEFAULT_LINE_LENGTH = 88
_SCOPES: dict[str, Scope] = {"public": "public", "all": "all", "none": "none"}  # docs.missing
MAX_SOURCE_BYTES = 5 * 1024 * 1024
MAX_CONFIG_BYTES = 1024 * 1024  # a pyproject.toml or ruff.toml larger than this is not read
# Directories never walked into when a directory is given (the user can still name them).
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "build",
        "dist",
    }
)
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
STYLE_SAMPLE_FILES = 200
_LINE_LENGTH = re.compile(r"^\s*line-length\s*=\s*(\d+)", re.M)


def module_name(path: str | None) -> str:
    if not path:
        return "module"
    p = Path(path)
    return p.parent.name if p.stem == "__init__" and p.parent.name else p.stem


def iter_python_files(paths: Iterable[str]) -> Iterator[Path]:
    """Python files named, or found under named directories (in a stable order)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if name.endswith((".py", ".pyi")):
                        yield Path(root) / name
        else:
            yield path


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes; ValueError
    otherwise. A repository's "file" may be a FIFO (reading would wait forever) or a link to a
    device such as /dev/zero (it would never end): only regular files are read, and never more
    than ``limit`` + 1 bytes."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb", buffering=0) as handle:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise ValueError("not a regular file")
        chunks: list[bytes] = []
        total, size = 0, min(found.st_size, limit) + 1  # the file's size, then what it grew by
        while total <= limit:
            chunk = handle.read(min(size, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            size = 64 * 1024
        data = b"".join(chunks)
    if len(data) > limit:
        raise ValueError(f"larger than {limit // (1024 * 1024)} MiB")
    return data


def read_source(path: Path) -> tuple[str, str]:
    """A Python file's text (line endings as they are) and its encoding; ValueError if it is not
    a text file."""
    data = read_regular(path, MAX_SOURCE_BYTES)
    if b"\x00" in data:
        raise ValueError("binary (contains NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(iter(data.splitlines(keepends=True)).__next__)
        return data.decode(encoding), encoding
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"cannot be decoded: {exc}") from exc


def project_root(path: Path) -> Path:
    for parent in [path, *path.parents]:
        if any((parent / marker).exists() for marker in PROJECT_MARKERS):
            return parent
    return path


@lru_cache(maxsize=256)
def configured_line_length(directory: Path) -> int | None:
    """``line-length`` from the nearest ruff or black configuration at or above ``directory``."""
    for parent in [directory, *directory.parents]:
        for name, section in (
            ("ruff.toml", None),
            (".ruff.toml", None),
            ("pyproject.toml", "tool.ruff"),
            ("pyproject.toml", "tool.black"),
        ):
            file = parent / name
            if not file.is_file():
                continue
            try:
                text = read_regular(file, MAX_CONFIG_BYTES).decode("utf-8", errors="replace")
            except (OSError, ValueError):
                continue
            value = _line_length_in(text, section)
            if value is not None:
                return value
        if (parent / ".git").exists():
            break
    return None


def _line_length_in(text: str, section: str | None) -> int | None:
    if section is None:
        match = _LINE_LENGTH.search(text)
        return int(match.group(1)) if match else None
    if sys.version_info >= (3, 11):
        import tomllib  # deferred: only a pyproject.toml with a [tool.*] table needs it

        try:
            table = tomllib.loads(text)
        except ValueError:
            return None
        for part in section.split("."):
            table = table.get(part, {}) if isinstance(table, dict) else {}
        value = table.get("line-length") if isinstance(table, dict) else None
        return value if isinstance(value, int) and 20 <= value <= 400 else None
    return None  # Python 3.10 has no tomllib: the [tool.*] table's setting is not read


@lru_cache(maxsize=64)
def project_style(root: Path) -> str | None:
    """The style most docstrings of the project use (sampling a bounded number of files)."""
    votes: list[str] = []
    for count, path in enumerate(iter_python_files([str(root)])):
        if count >= STYLE_SAMPLE_FILES:
            break
        try:
            text, _ = read_source(path)
        except (OSError, ValueError):
            continue
        style = style_of(text)
        if style is not None:
            votes.append(style)
    return detect_style(votes) if votes else None


@dataclass
class DocsConfig:
    """Settings resolved for one file."""

    settings: DocsSettings = field(default_factory=DocsSettings)

    def options(
        self,
        facts: ModuleFacts,
        path: str | None,
        inference: ReturnInference | None = None,
        *,
        style: str | None = None,
        width: int | None = None,
    ) -> Options:
        """Options for one module; ``inference`` reuses a module's jedi state across calls, and
        ``style`` and ``width``, when given, are what an analysis already worked out."""
        infer = None
        if self.settings.infer_types:
            from devfocus.docs.infer import ReturnInference

            infer = inference if inference is not None else ReturnInference(facts.source, path)
        return Options(
            style=STYLES[style or self.style_name(facts, path)],
            width=width or self.line_length(path),
            infer_return=infer,
        )

    def style_name(self, facts: ModuleFacts, path: str | None) -> str:
        if self.settings.style != "auto":
            return self.settings.style
        in_file = detect_style(d.docstring.body for d in facts.definitions if d.docstring)
        if in_file is not None:
            return in_file
        if path:
            in_project = project_style(project_root(Path(path).resolve().parent))
            if in_project is not None:
                return in_project
        return DEFAULT_STYLE

    def line_length(self, path: str | None) -> int:
        if self.settings.line_length:
            return int(self.settings.line_length)
        if path:
            found = configured_line_length(Path(path).resolve().parent)
            if found is not None:
                return found
        return DEFAULT_LINE_LENGTH

    @property
    def scope(self) -> Scope:
        return _SCOPES.get(self.settings.missing, "public")  # config accepts only these


def findings_for(
    config: DocsConfig, facts: ModuleFacts, path: str | None, style: Style
) -> list[Finding]:
    # Stubs describe an interface the real module documents; they are not asked for docstrings.
    scope = "none" if path is not None and path.endswith(".pyi") else config.scope
    return check_module(facts, style, scope)


def check_source(
    config: DocsConfig, source: str, path: str | None
) -> tuple[ModuleFacts, list[Finding]]:
    facts = analyze(source, module_name(path))
    if facts.syntax_error is not None:
        return facts, []
    return facts, findings_for(config, facts, path, STYLES[config.style_name(facts, path)])


class DocumentAnalysis:
    """One module analysed under one configuration: its facts, its findings, and the style and
    line length that apply to it. (A plain class: a dataclass costs the CLI's start-up a
    millisecond.)"""

    def __init__(self, facts: ModuleFacts, findings: list[Finding], style: str, width: int) -> None:
        self.facts = facts
        self.findings = findings
        self.style = style
        self.width = width

    def portable(self) -> DocumentAnalysis:
        """The same without the source text (the receiver has it): fit to send between
        processes. Every body is read first, so no syntax tree needs to go along."""
        self.facts.read_bodies()
        facts = replace(self.facts, source="", lines=[])
        return DocumentAnalysis(facts, self.findings, self.style, self.width)

    def with_source(self, source: str) -> DocumentAnalysis:
        facts = replace(self.facts, source=source, lines=split_lines(source))
        return DocumentAnalysis(facts, self.findings, self.style, self.width)


# The editor keeps the facts of every definition of an open module (a few kilobytes each, and
# a megabyte of one-line functions is 27,000 of them); past this many it keeps none, and says
# so. Hand-written modules stay far below; `devfocus docs check` checks a module of any size.
EDITOR_MAX_DEFINITIONS = 2_000


def analyse_document(
    source: str,
    path: str | None,
    config: DocsConfig,
    portable: bool = False,
    max_definitions: int | None = None,
) -> DocumentAnalysis:
    """Facts and findings of one module (``portable``: ready to leave the process). Past
    ``max_definitions``, no facts at all: a :class:`TooManyDefinitions` says why."""
    facts = analyze(source, module_name(path))
    width = config.line_length(path)
    if max_definitions is not None and len(facts.definitions) > max_definitions:
        why = TooManyDefinitions(
            f"it has {len(facts.definitions):,} definitions, more than the {max_definitions:,} "
            "the editor analyses (`devfocus docs check` checks it)"
        )
        kept = "" if portable else source
        empty = ModuleFacts(kept, [] if portable else facts.lines, [], "\n", "    ", '"""', why)
        return DocumentAnalysis(empty, [], DEFAULT_STYLE, width)
    if facts.syntax_error is not None:
        return DocumentAnalysis(facts, [], DEFAULT_STYLE, width)
    style = config.style_name(facts, path)
    analysis = DocumentAnalysis(
        facts, findings_for(config, facts, path, STYLES[style]), style, width
    )
    return analysis.portable() if portable else analysis


def analyse_isolated(
    source: str, path: str | None, config: DocsConfig, max_definitions: int | None = None
) -> DocumentAnalysis:
    """:func:`analyse_document` in the parser process: Python's parser holds the interpreter for
    seconds on a multi-megabyte module, which a language server cannot afford. A failure there
    is an analysis with no definitions that says why."""
    from devfocus.docs.worker import WorkerFailed, WorkerRefused, shared

    try:
        analysis: DocumentAnalysis = shared().call(
            "analyse_document",
            source,
            path,
            config,
            True,
            max_definitions,
            timeout=_parse_timeout(source),
        )
    except (WorkerFailed, WorkerRefused) as exc:
        why = f"the parser process {exc}" if isinstance(exc, WorkerFailed) else str(exc)
        facts = ModuleFacts(source, split_lines(source), [], "\n", "    ", '"""', ParseFailure(why))
        return DocumentAnalysis(facts, [], DEFAULT_STYLE, DEFAULT_LINE_LENGTH)
    return analysis.with_source(source)


def portable_facts(source: str, max_definitions: int | None = None) -> ModuleFacts:
    """:func:`~devfocus.docs.facts.analyze`, ready to leave the process: bodies read, no source
    text (the receiver has it); no definitions past ``max_definitions``."""
    facts = analyze(source)
    if max_definitions is not None and len(facts.definitions) > max_definitions:
        why = TooManyDefinitions(f"it has more than {max_definitions:,} definitions")
        return ModuleFacts("", [], [], "\n", "    ", '"""', why)
    facts.read_bodies()
    return replace(facts, source="", lines=[])


def facts_isolated(source: str, max_definitions: int | None = None) -> ModuleFacts:
    """The facts of ``source`` from the parser process (see :func:`analyse_isolated`); no
    definitions, and why, when it failed there."""
    from devfocus.docs.worker import WorkerFailed, WorkerRefused, shared

    try:
        timeout = _parse_timeout(source)
        facts: ModuleFacts = shared().call(
            "portable_facts", source, max_definitions, timeout=timeout
        )
    except (WorkerFailed, WorkerRefused) as exc:
        why = f"the parser process {exc}" if isinstance(exc, WorkerFailed) else str(exc)
        return ModuleFacts(source, split_lines(source), [], "\n", "    ", '"""', ParseFailure(why))
    return replace(facts, source=source, lines=split_lines(source))


def parses_isolated(source: str) -> bool:
    """Whether ``source`` parses, asked of the parser process (see :func:`analyse_isolated`)."""
    from devfocus.docs.worker import WorkerFailed, WorkerRefused, shared

    try:
        return bool(shared().call("parses", source, timeout=_parse_timeout(source)))
    except (WorkerFailed, WorkerRefused):
        return False


def _parse_timeout(source: str) -> float:
    # ast takes about a second per MiB on a slow machine; the rest is margin.
    return 15.0 + 5.0 * len(source) / (1024 * 1024)


@dataclass
class FixResult:
    source: str
    edits: list[TextEdit]
    refused: list[tuple[str, str]]  # (qualname, reason); ("", reason) for the whole file
    problem: str | None = None  # why nothing in the file could be fixed


def _unfixed(source: str, problem: str) -> FixResult:
    return FixResult(source, [], [("", problem)], problem)


def fix_source(
    config: DocsConfig,
    source: str,
    path: str | None,
    qualnames: set[str] | None = None,
    *,
    isolated: bool = False,
) -> FixResult:
    """Every missing docstring (in the configured scope) written and every stale one updated;
    the result is verified as a whole before it is returned. ``isolated``: whole-module parsing
    happens in the parser process too (the language server's choice; the CLI parses in its own
    process, where a few seconds' parse harms nobody)."""
    from devfocus.docs.edits import apply_edits, module_edits, parses
    from devfocus.docs.infer import ReturnInference

    analysis = (
        analyse_isolated(source, path, config)
        if isolated
        else analyse_document(source, path, config)
    )
    facts = analysis.facts
    if facts.parse_problem is not None:
        return _unfixed(source, facts.parse_problem)
    options = config.options(facts, path, style=analysis.style, width=analysis.width)
    wanted = {f.qualname for f in analysis.findings}
    if qualnames is not None:
        wanted &= qualnames
    try:
        edits, refused = module_edits(facts, options, wanted)
    finally:
        if isinstance(options.infer_return, ReturnInference):
            options.infer_return.close()  # past its budget, jedi only slows the rest down
    new = apply_edits(facts.lines, edits)
    # Each edit was verified on its own region (same AST but for docstrings); the regions are
    # disjoint whole statements, so the file as a whole needs only to parse.
    if edits and not (parses_isolated(new) if isolated else parses(new)):
        return _unfixed(source, "the combined edits would not parse")
    return FixResult(new, edits, [(d.qualname, why) for d, why in refused])
