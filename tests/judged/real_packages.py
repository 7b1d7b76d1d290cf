"""The real packages judged, how their docstrings are stripped, and one fixed copy of each."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LINE_LENGTH = 88
TIMEOUT = 600  # seconds for any one command


@dataclass(frozen=True)
class Package:
    name: str  # on PyPI
    version: str
    imports: tuple[str, ...]  # the top-level packages inside the wheel
    typed: bool  # annotated signatures (pydoclint is told when they are not)


# Pinned, so that every run judges the same code.
PACKAGES = (
    Package("click", "8.1.8", ("click",), typed=True),
    Package("packaging", "24.2", ("packaging",), typed=True),
    Package("attrs", "24.3.0", ("attr", "attrs"), typed=False),
)
STYLES = ("google", "numpy", "sphinx")  # the styles pydoclint understands

_SCOPES = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def docstring_expr(node: ast.AST) -> ast.Expr | None:
    """The statement that is ``node``'s docstring, if it has one."""
    if not isinstance(node, _SCOPES) or not node.body:
        return None
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def count_docstrings(tree: ast.AST) -> int:
    return sum(docstring_expr(node) is not None for node in ast.walk(tree))


def without_docstrings(tree: ast.Module) -> ast.Module:
    """``tree`` with its docstring statements dropped (``pass`` where a body would be empty)."""
    for node in ast.walk(tree):
        if docstring_expr(node) is not None:
            assert isinstance(node, _SCOPES)
            node.body = node.body[1:] or ([] if isinstance(node, ast.Module) else [ast.Pass()])
    return tree


def strip_docstrings(source: str) -> str:
    """``source`` without any docstring, everything else exactly as it was.

    A docstring on lines of its own loses those lines; one sharing a line with other code loses
    its own text (and a ``;`` after it). A body that was only a docstring becomes ``pass``.
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    found = [(node, expr) for node in ast.walk(tree) if (expr := docstring_expr(node))]
    # From the end of the file backwards, so that earlier positions stay valid.
    found.sort(key=lambda item: (item[1].lineno, item[1].col_offset), reverse=True)
    for node, expr in found:
        first, last = expr.lineno - 1, (expr.end_lineno or expr.lineno) - 1
        # ast columns count UTF-8 bytes.
        start = len(lines[first].encode()[: expr.col_offset].decode())
        end = len(lines[last].encode()[: expr.end_col_offset].decode())
        before, after = lines[first][:start], lines[last][end:]
        only_statement = len(node.body) == 1
        replacement = "pass" if only_statement and not isinstance(node, ast.Module) else ""
        if not only_statement and after.lstrip(" \t").startswith(";"):
            after = after.lstrip(" \t")[1:].lstrip(" \t")
        if not replacement and not before.strip() and not after.strip():
            del lines[first : last + 1]
        else:
            lines[first : last + 1] = [before + replacement + after]
    return "".join(lines)


def python_files(root: Path, imports: tuple[str, ...]) -> list[Path]:
    return sorted(path for name in imports for path in (root / name).rglob("*.py"))


@dataclass
class FixedTree:
    """One package, stripped and then fixed by ``devfocus docs fix --style <style>``."""

    package: Package
    style: str
    root: Path  # holds the package's top-level directories
    stripped: Path  # the same files before the fix
    data_dir: Path
    fix: subprocess.CompletedProcess[str] | None = None

    @property
    def paths(self) -> list[str]:
        return list(self.package.imports)

    def files(self) -> list[Path]:
        return python_files(self.root, self.package.imports)

    def devfocus(self, action: str, *options: str) -> subprocess.CompletedProcess[str]:
        """``devfocus docs <action>`` on the package, with the style and width of the fix."""
        command = [sys.executable, "-m", "devfocus", "docs", action, *options]
        command += ["--style", self.style, "--line-length", str(LINE_LENGTH), *self.paths]
        return subprocess.run(
            command,
            cwd=self.root,
            env={**os.environ, "DEVFOCUS_DATA_DIR": str(self.data_dir)},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
