"""Docstring work on real files, shared by the CLI and the language server: which style and line
length apply where, and checking or fixing one module's text."""

from __future__ import annotations

import logging
import os
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from devfocus.config import DocsSettings
from devfocus.docs.checks import Finding, Scope, check_module
from devfocus.docs.content import Options
from devfocus.docs.edits import TextEdit, apply_edits, module_edits, parses
from devfocus.docs.facts import ModuleFacts, analyze
from devfocus.docs.infer import ReturnInference
from devfocus.docs.styles import DEFAULT_STYLE, STYLES, Style, detect_style, style_of

log = logging.getLogger(__name__)

DEFAULT_LINE_LENGTH = 88
MAX_SOURCE_BYTES = 5 * 1024 * 1024
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


def read_source(path: Path) -> tuple[str, str]:
    """A Python file's text (line endings as they are) and its encoding; ValueError if it is not
    a text file."""
    data = path.read_bytes()
    if len(data) > MAX_SOURCE_BYTES:
        raise ValueError(f"larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB")
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
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError:
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
    try:
        import tomllib
    except ImportError:  # Python 3.10
        return None
    try:
        table = tomllib.loads(text)
    except ValueError:
        return None
    for part in section.split("."):
        table = table.get(part, {}) if isinstance(table, dict) else {}
    value = table.get("line-length") if isinstance(table, dict) else None
    return value if isinstance(value, int) and 20 <= value <= 400 else None


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
        self, facts: ModuleFacts, path: str | None, inference: ReturnInference | None = None
    ) -> Options:
        """Options for one module; ``inference`` reuses a module's jedi state across calls."""
        infer = None
        if self.settings.infer_types:
            infer = inference if inference is not None else ReturnInference(facts.source, path)
        return Options(
            style=STYLES[self.style_name(facts, path)],
            width=self.line_length(path),
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
        return self.settings.missing  # type: ignore[return-value]


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


@dataclass
class FixResult:
    source: str
    edits: list[TextEdit]
    refused: list[tuple[str, str]]  # (qualname, reason)


def fix_source(
    config: DocsConfig, source: str, path: str | None, qualnames: set[str] | None = None
) -> FixResult:
    """Every missing docstring (in the configured scope) written and every stale one updated;
    the result is verified as a whole before it is returned."""
    facts = analyze(source, module_name(path))
    if facts.syntax_error is not None:
        return FixResult(source, [], [("", f"syntax error: {facts.syntax_error.msg}")])
    options = config.options(facts, path)
    wanted = {f.qualname for f in findings_for(config, facts, path, options.style)}
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
    if edits and not parses(new):
        return FixResult(source, [], [("", "the combined edits would not parse")])
    return FixResult(new, edits, [(d.qualname, why) for d, why in refused])
