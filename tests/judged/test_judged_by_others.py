"""Docstrings written by ``devfocus docs fix`` on real packages, judged by other tools.

After the fix, pydoclint (in the same style) finds no argument, return, yield or raise mismatch,
``ruff check --select D`` (with the matching convention) finds nothing missing and no formatting
error, ``devfocus docs check`` finds nothing, and a second fix changes nothing.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.judged.real_packages import TIMEOUT, FixedTree, count_docstrings, strip_docstrings

# pydoclint's argument, return, yield and raise mismatches.
MISMATCHES = frozenset(
    {
        *("DOC101", "DOC102", "DOC103", "DOC104", "DOC105"),
        *("DOC201", "DOC202", "DOC203"),
        *("DOC402", "DOC403", "DOC404"),
        *("DOC501", "DOC502", "DOC503"),
    }
)
# What ruff's pydocstyle conventions are called for each style (sphinx has none of its own).
CONVENTIONS = {"google": "google", "numpy": "numpy", "sphinx": "pep257"}

_VIOLATION = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<code>DOC\d+): (?P<message>.*)$")


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"


def pydoclint_options(tree: FixedTree) -> list[str]:
    options = [
        f"--style={tree.style}",
        # Class attributes are not part of what is judged here (and pydoclint does not count
        # the ``self.x = ...`` ones DevFocus documents under ``Attributes``).
        "--check-class-attributes=False",
    ]
    if tree.style in ("google", "sphinx"):
        # These styles document the constructor's parameters in ``__init__``'s own docstring;
        # numpy documents them in the class docstring (pydoclint's default).
        options.append("--allow-init-docstring=True")
    if not tree.package.typed:
        options += [
            # Unannotated code: parameters have no types to require or to compare with.
            "--arg-type-hints-in-signature=False",
            "--arg-type-hints-in-docstring=False",
            # DevFocus writes the return (and yield) types it infers for unannotated functions;
            # pydoclint compares docstring types only with annotations, so every inferred type
            # would be reported as contradicting a missing annotation (DOC203/DOC404).
            "--check-return-types=False",
            "--check-yield-types=False",
        ]
    return options


def run_pydoclint(tree: FixedTree) -> list[Violation]:
    command = [sys.executable, "-c", "from pydoclint.main import main; main()"]
    command += [*pydoclint_options(tree), "--quiet"]
    command.append("--show-filenames-in-every-violation-message=True")
    out = subprocess.run(
        [*command, *tree.paths],
        cwd=tree.root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    violations: list[Violation] = []
    unexpected: list[str] = []
    for line in (out.stdout + out.stderr).splitlines():
        match = _VIOLATION.match(line.strip())
        if match:
            violations.append(
                Violation(match["path"], int(match["line"]), match["code"], match["message"])
            )
        elif line.strip():
            unexpected.append(line)
    assert out.returncode in (0, 1) and not unexpected, (
        f"pydoclint failed (exit {out.returncode}):\n" + "\n".join(unexpected[-40:])
    )
    return violations


@cache
def _functions(path: Path) -> dict[int, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Functions by the line pydoclint reports them on (the ``def`` line)."""
    tree = ast.parse(path.read_bytes())
    return {
        node.lineno: node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The nodes of ``function``'s body, not of functions, lambdas or classes nested in it."""
    nodes: list[ast.AST] = []
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        nodes.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(node))
    return nodes


def _annotation_name(annotation: ast.expr | None) -> str | None:
    if annotation is None:
        return None
    text = ast.unparse(annotation)
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        text = annotation.value
    return text.strip().rsplit(".", 1)[-1]


def pydoclint_cannot_be_satisfied(tree: FixedTree, violation: Violation) -> bool:
    """Reports no docstring could avoid: limits of pydoclint 0.12, not generation errors.

    * DOC201/DOC203 on a function annotated ``-> te.NoReturn`` (or ``typing.NoReturn``,
      ``Never``): pydoclint only knows the bare name ``NoReturn``; for any other spelling it
      wants a "Returns" section for a function that never returns.
    * DOC403 on a generator function without a return annotation: pydoclint reports DOC402
      when such a function has no "Yields" section and DOC403 when it has one.
    """
    function = _functions(tree.root / violation.path).get(violation.line)
    if function is None:
        return False
    if violation.code in ("DOC201", "DOC203"):
        returns_value = any(
            isinstance(node, ast.Return) and node.value is not None for node in _own_nodes(function)
        )
        return _annotation_name(function.returns) in ("NoReturn", "Never") and not returns_value
    if violation.code == "DOC403":
        yields = any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in _own_nodes(function))
        return function.returns is None and yields
    return False


def _relative(tree: FixedTree, filename: str) -> str:
    path = Path(filename).resolve()
    root = tree.root.resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else filename


def _fix_output(tree: FixedTree) -> str:
    assert tree.fix is not None
    return f"devfocus docs fix said:\n{tree.fix.stderr[-4000:]}"


def test_fix_writes_docstrings_and_changes_nothing_else(fixed: FixedTree) -> None:
    assert fixed.fix is not None and fixed.fix.returncode == 0, _fix_output(fixed)
    written = 0
    for path in fixed.files():
        relative = path.relative_to(fixed.root)
        after = path.read_bytes().decode("utf-8")
        before = (fixed.stripped / relative).read_bytes().decode("utf-8")
        written += count_docstrings(ast.parse(after))
        assert ast.dump(ast.parse(strip_docstrings(after))) == ast.dump(ast.parse(before)), (
            f"{relative}: the fix changed code, not only docstrings"
        )
    # A sanity check only: whether every public definition got one is judged by ruff's D1 rules
    # and by ``docs check``.
    assert written >= 20, f"only {written} docstrings written\n{_fix_output(fixed)}"


def test_pydoclint_finds_no_mismatch(fixed: FixedTree) -> None:
    mismatches = [
        violation
        for violation in run_pydoclint(fixed)
        if violation.code in MISMATCHES and not pydoclint_cannot_be_satisfied(fixed, violation)
    ]
    assert not mismatches, (
        f"{len(mismatches)} pydoclint mismatch(es) in generated docstrings:\n"
        + "\n".join(map(str, mismatches))
        + f"\n{_fix_output(fixed)}"
    )


def test_ruff_pydocstyle_finds_nothing(fixed: FixedTree) -> None:
    convention = CONVENTIONS[fixed.style]
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",  # no configuration from around the temporary directory
            "--no-cache",
            "--select",
            "D",
            "--config",
            f"lint.pydocstyle.convention='{convention}'",
            "--output-format",
            "json",
            "--exit-zero",
            *fixed.paths,
        ],
        cwd=fixed.root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0, out.stderr
    findings = json.loads(out.stdout)
    # Every D rule the convention keeps: D1xx (a public definition without a docstring) and
    # D2xx/D3xx/D4xx (formatting and content of the docstrings that were written).
    report = [
        f"{_relative(fixed, f['filename'])}:{f['location']['row']}: {f['code']} {f['message']}"
        for f in findings
    ]
    assert not report, (
        f"{len(report)} ruff finding(s) with the {convention} convention:\n"
        + "\n".join(report)
        + f"\n{_fix_output(fixed)}"
    )


def test_docs_check_finds_nothing_after_fix(fixed: FixedTree) -> None:
    out = fixed.devfocus("check", "--format", "json")
    rows = json.loads(out.stdout) if out.stdout.strip() else []
    report = [f"{r['path']}:{r['line']}: {r['code']} {r['message']}" for r in rows]
    assert out.returncode == 0 and not rows, (
        f"docs check exit {out.returncode}:\n" + "\n".join(report) + f"\n{out.stderr[-2000:]}"
    )


def test_second_fix_changes_nothing(fixed: FixedTree) -> None:
    out = fixed.devfocus("fix", "--diff")
    assert out.returncode == 0 and out.stdout == "", (
        f"a second fix would change (exit {out.returncode}):\n{out.stdout[-6000:]}"
    )
