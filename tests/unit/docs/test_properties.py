"""Properties of whole-file fixes on real code: modules of Python's own standard library, with
their docstrings kept, stripped or half stripped, re-indented with tabs, with CRLF line endings,
with ''' docstrings, under every style and several line lengths.

For every such file a fix changes nothing but docstrings, a second fix changes nothing, and
the definitions it fixed have no stale findings left.
"""

from __future__ import annotations

import ast
import io
import sysconfig
import tokenize
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devfocus.app.docstrings import DocsConfig, check_source, fix_source
from devfocus.config import DocsSettings
from devfocus.docs.styles import STYLE_NAMES

SAMPLE_SIZE = 40
MIN_BYTES, MAX_BYTES = 1_500, 30_000  # big enough to be interesting, small enough to be quick
DEFINITIONS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _docstring_expr(node: ast.AST) -> ast.Expr | None:
    body = getattr(node, "body", None)
    if (
        isinstance(node, DEFINITIONS)
        and body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return body[0]
    return None


def code_of(source: str) -> str:
    """The module's AST without docstrings: what a docstring fix must never change. (Written here
    rather than taken from the code under test, so a bug there cannot hide itself.)"""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if _docstring_expr(node) is not None:
            rest = node.body[1:]  # type: ignore[attr-defined]
            # A body that was only its docstring is stripped to ``pass`` (a module to nothing).
            node.body = rest or ([] if isinstance(node, ast.Module) else [ast.Pass()])  # type: ignore[attr-defined]
    return ast.dump(tree, include_attributes=False)


@cache
def sample() -> tuple[Path, ...]:
    """~40 top-level standard library modules, the same ones on every run."""
    root = Path(sysconfig.get_paths()["stdlib"])
    candidates = []
    for path in sorted(root.glob("*.py")):
        if not MIN_BYTES <= path.stat().st_size <= MAX_BYTES:
            continue
        try:
            ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        candidates.append(path)
    step = max(len(candidates) // SAMPLE_SIZE, 1)
    return tuple(candidates[::step][:SAMPLE_SIZE])


@cache
def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# -- transformations ------------------------------------------------------------------------------
def _character(line: str, byte_col: int) -> int:
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))


def _docstring_spans(source: str) -> list[tuple[int, int, int, int, bool]]:
    """(first line, first char, last line, end char, only statement of its body) of every
    docstring, 0-based, last first."""
    lines = source.splitlines(keepends=True)
    spans = []
    for node in ast.walk(ast.parse(source)):
        expr = _docstring_expr(node)
        if expr is None:
            continue
        assert expr.end_lineno is not None and expr.end_col_offset is not None
        first, last = expr.lineno - 1, expr.end_lineno - 1
        start = _character(lines[first], expr.col_offset)
        end = _character(lines[last], expr.end_col_offset)
        alone = len(node.body) == 1 and not isinstance(node, ast.Module)  # type: ignore[attr-defined]
        spans.append((first, start, last, end, alone))
    return sorted(spans, reverse=True)


def strip_docstrings(source: str, every: int) -> str:
    """Without every ``every``-th docstring (1: all of them), cut at their exact positions; a body
    that was only its docstring gets ``pass``."""
    lines = source.splitlines(keepends=True)
    for index, (first, start, last, end, alone) in enumerate(_docstring_spans(source)):
        if index % every:
            continue
        before, after = lines[first][:start], lines[last][end:]
        if alone:
            kept = [before + "pass" + after]
        else:
            rest = after.lstrip(" \t")
            if rest.startswith(";"):  # ``"Doc."; x = 1``
                rest = rest[1:].lstrip(" \t")
            kept = [before + rest] if before.strip() or rest.strip() else []
        lines[first : last + 1] = kept
    return "".join(lines)


def _logical_line_rows(source: str) -> set[int]:
    """0-based rows where a logical line starts (where indentation means something)."""
    rows: set[int] = set()
    depth = 0
    expect = True
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.INDENT, tokenize.DEDENT):
            continue
        if expect and token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER):
            if depth == 0:
                rows.add(token.start[0] - 1)
            expect = False
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        if token.type == tokenize.NEWLINE or (token.type == tokenize.NL and depth == 0):
            expect = True
    return rows


def with_tabs(source: str) -> str | None:
    """Block indentation as tabs (one per four spaces); None if the module does not allow it."""
    lines = source.splitlines(keepends=True)
    for row in _logical_line_rows(source):
        line = lines[row]
        width = len(line) - len(line.lstrip(" "))
        lines[row] = "\t" * (width // 4) + " " * (width % 4) + line[width:]
    tabbed = "".join(lines)
    try:
        same = code_of(tabbed) == code_of(source)
    except SyntaxError:
        return None
    return tabbed if same and "\n\t" in tabbed else None


def with_single_quotes(source: str) -> str:
    """Every ``\"\"\"`` docstring that can be written with ``'''`` written so."""
    lines = source.splitlines(keepends=True)
    for first, start, last, end, _ in _docstring_spans(source):
        text = "".join(lines[first : last + 1])
        offset = len("".join(lines[first : last + 1])) - len(lines[last]) + end
        literal = text[start:offset]
        body = literal[3:-3]
        if (
            not literal.startswith('"""')
            or "'''" in body
            or body.endswith(("'", "\\"))
            or '"""' in body
        ):
            continue
        text = text[:start] + "'''" + body + "'''" + text[offset:]
        lines[first : last + 1] = [text]
    return "".join(lines)


def with_crlf(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\n", "\r\n")


@dataclass(frozen=True)
class Case:
    path: Path
    style: str
    docstrings: str  # "kept", "stripped", "half"
    tabs: bool
    crlf: bool
    single_quotes: bool
    width: int

    def source(self) -> str:
        text = read(self.path)
        if self.docstrings == "stripped":
            text = strip_docstrings(text, 1)
        elif self.docstrings == "half":
            text = strip_docstrings(text, 2)
        if self.single_quotes:
            text = with_single_quotes(text)
        if self.tabs:
            text = with_tabs(text) or text
        if self.crlf:
            text = with_crlf(text)
        return text

    def config(self) -> DocsConfig:
        return DocsConfig(
            DocsSettings(
                style=self.style,
                missing="all",
                line_length=float(self.width),
                infer_types=False,  # jedi is slow, and pinned by the unit tests
            )
        )


cases = st.builds(
    Case,
    path=st.sampled_from(sample()),
    style=st.sampled_from(STYLE_NAMES),
    docstrings=st.sampled_from(["kept", "stripped", "half"]),
    tabs=st.booleans(),
    crlf=st.booleans(),
    single_quotes=st.booleans(),
    width=st.sampled_from([40, 72, 88, 120]),
)


def test_the_sample_is_real() -> None:
    files = sample()
    assert len(files) >= SAMPLE_SIZE // 2
    assert any(with_tabs(read(path)) for path in files)


def test_the_transformations_keep_the_code() -> None:
    path = sample()[0]
    source = read(path)
    for changed in (
        strip_docstrings(source, 1),
        strip_docstrings(source, 2),
        with_single_quotes(source),
        with_crlf(source),
        with_tabs(source) or source,
    ):
        assert code_of(changed) == code_of(source)


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases)
def test_a_fix_changes_only_docstrings_once_and_leaves_nothing_stale(case: Case) -> None:
    source = case.source()
    config = case.config()
    facts, before = check_source(config, source, None)
    assert facts.syntax_error is None

    result = fix_source(config, source, None)

    # Only docstrings change.
    assert code_of(result.source) == code_of(source)
    # Applying it again is a no-op.
    again = fix_source(config, result.source, None)
    assert again.edits == [], f"second run edited {again.edits[:2]}"
    assert again.source == result.source
    # What was fixed has no stale (or missing) findings left.
    refused = {qualname for qualname, _ in result.refused}
    fixed = {f.qualname for f in before} - refused
    _, after = check_source(config, result.source, None)
    left = [(f.code, f.qualname, f.message) for f in after if f.qualname in fixed]
    assert left == []
    # The file's own conventions are kept.
    if case.crlf and "\n" in source:
        assert result.source.count("\n") == result.source.count("\r\n")
    if facts.quote == "'''":
        assert result.source.count('"""') <= source.count('"""')
    if facts.indent_unit == "\t" and case.docstrings == "stripped":
        added = set(result.source.splitlines()) - set(source.splitlines())
        assert not [line for line in added if line.startswith(" ")]
