"""The shape the design depends on: a pure core, layers that import only downwards, deferred
imports only where start-up time needs them, and one source of truth for settings."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "server" / "devfocus"
PURE = ["activity", "insights", "git", "docs", "ai", "trackers", "team", "timeutil.py"]
FORBIDDEN = ("pygls", "lsprotocol", "sqlalchemy")

# Which part of devfocus may import which. A part is a subpackage or a top-level module of
# devfocus; "devfocus" is the package's own __init__ (the version). A part imports itself freely,
# and nothing that its row does not name: a new part needs a row, and that row is a design
# decision. Imports inside functions and under `if TYPE_CHECKING:` count like any other.
CORE = {"activity", "docs", "git", "insights", "text", "timeutil"}
MAY_IMPORT: dict[str, set[str]] = {
    # the pure core: plain functions over plain data
    "text": set(),
    "timeutil": set(),
    "docs": {"text"},
    "git": {"activity", "text", "timeutil"},  # not docs: callers hand git what docs found
    "activity": {"git", "text", "timeutil"},
    "insights": {"activity", "git", "text", "timeutil", "trackers"},
    # issue trackers: their issues as tasks (pure), and the HTTP their importers speak
    "trackers": {"activity", "devfocus", "text", "timeutil"},
    # team mode: a member's hourly aggregates and the team's report (pure)
    "team": {"activity", "insights", "text", "timeutil"},
    # the core's data on disk: settings and the database
    "config": {"activity", "text", "timeutil"},  # activity: the task kinds a kindMap may name
    "store": {"activity", "config", "git", "team", "text", "timeutil", "trackers"},
    # the AI layer: prompts from the core's facts, replies checked against them, the providers
    "ai": CORE | {"config"},
    # services: the core wired to the database, git, the disk and the network
    "app": CORE | {"ai", "config", "store", "devfocus", "team", "trackers"},
    # adapters for the editor and the terminal: they reach the database through app only
    "lsp": CORE | {"ai", "app", "config", "devfocus", "team", "trackers"},
    "cli": CORE
    | {"ai", "app", "config", "devfocus", "lsp", "team"},  # lsp: `devfocus serve` starts it
    "__main__": {"cli"},
    # the package's own start: run from the VS Code extension, it finds the bundled libraries
    "devfocus": {"bundled"},
    # the standard library only: it runs before anything else; its first start's later work
    # (unpacking, the background process) is a module of its own, imported when there is some
    "bundled": {"bundle_unpack"},
    "bundle_unpack": {"bundled"},
}
# Single modules of a part that a part may import although its row does not allow the part.
MAY_ALSO_IMPORT: dict[str, set[str]] = {
    # The errors the services raise: catching one needs its class (SQLAlchemy stays unloaded).
    "devfocus.store.errors": {"lsp", "cli"},
    # The team database's administration (devfocus team init|add|remove|status): it keeps no
    # local state, so the command talks to the team database itself.
    "devfocus.store.teamdb": {"cli"},
}
# Where an import inside a function must say why on the line above or on its own line.
DEFERRED_NEEDS_A_REASON = ["lsp", "cli"]


@dataclass(frozen=True)
class Import:
    module: str  # absolute, e.g. "devfocus.store.errors"
    line: int
    end_line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[Import]:
    """Every import of the file, wherever it is, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]

    def visit(node: ast.AST, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            end = child.end_lineno if isinstance(child, ast.stmt) else None
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(alias.name, child.lineno, end or child.lineno, in_function)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                names = [base] if child.module or not child.level else []
                names += [f"{base}.{alias.name}" for alias in child.names if not child.module]
                for name in names:
                    yield Import(name, child.lineno, end or child.lineno, in_function)
            yield from visit(child, nested)

    yield from visit(tree, False)


def imported_modules(path: Path) -> set[str]:
    return {found.module for found in imports_of(path)}


def part_of(module: str) -> str | None:
    """The part of devfocus ``module`` belongs to; None for a module from outside."""
    names = module.split(".")
    if names[0] != "devfocus":
        return None
    return names[1] if len(names) > 1 else "devfocus"


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("part", PURE)
def test_the_core_imports_neither_pygls_nor_sqlalchemy(part: str) -> None:
    target = PACKAGE / part
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    for path in files:
        bad = {m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_every_part_of_the_package_has_a_row_in_the_import_rules() -> None:
    parts = {part_of(module_name(path)) for path in source_files()}
    assert parts == set(MAY_IMPORT), "add the new part to MAY_IMPORT (or remove the stale row)"


def test_each_part_imports_only_what_its_row_allows() -> None:
    broken: list[str] = []
    for path in source_files():
        importer = part_of(module_name(path))
        assert importer is not None
        for found in imports_of(path):
            imported = part_of(found.module)
            if imported is None or imported == importer or imported in MAY_IMPORT[importer]:
                continue
            if any(
                (found.module == allowed or found.module.startswith(f"{allowed}."))
                and importer in parts
                for allowed, parts in MAY_ALSO_IMPORT.items()
            ):
                continue
            where = f"{path.relative_to(ROOT)}:{found.line}"
            broken.append(f"{where}: {importer} imports {found.module}")
    assert not broken, "imports against MAY_IMPORT:\n" + "\n".join(broken)


def comment_lines(path: Path) -> tuple[set[int], set[int]]:
    """Lines holding a comment, and lines that are only a comment."""
    any_comment: set[int] = set()
    only_comment: set[int] = set()
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            row = token.start[0]
            any_comment.add(row)
            if lines[row - 1].lstrip().startswith("#"):
                only_comment.add(row)
    return any_comment, only_comment


@pytest.mark.parametrize("part", DEFERRED_NEEDS_A_REASON)
def test_imports_inside_functions_say_why(part: str) -> None:
    """An import inside a function is deferred for start-up time (what ``initialize`` or a
    command's first output waits for); the comment above it or on its line says why. A run of
    such imports (blank lines apart at most) needs the comment once."""
    silent: list[str] = []
    for path in sorted((PACKAGE / part).rglob("*.py")):
        any_comment, only_comment = comment_lines(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        run_end = -1  # last line of the run of deferred imports being read
        for found in sorted((f for f in imports_of(path) if f.in_function), key=lambda f: f.line):
            between = lines[run_end : found.line - 1] if run_end > 0 else ["-"]
            if not any(line.strip() for line in between):  # same run: its first one was judged
                run_end = max(run_end, found.end_line)
                continue
            run_end = found.end_line
            own_lines = set(range(found.line, found.end_line + 1))
            if (found.line - 1) not in only_comment and not any_comment & own_lines:
                silent.append(f"{path.relative_to(ROOT)}:{found.line}: {found.module}")
    assert not silent, "deferred imports without a reason:\n" + "\n".join(silent)


def test_starting_the_server_does_not_import_the_store() -> None:
    """SQLAlchemy and the store load after `initialize` is answered, on the store thread; libcst
    and jedi when the first Python document needs them."""
    code = (
        "import sys; import devfocus.lsp.server as s; s.DevFocusServer();"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'pathspec', 'platformdirs', 'tqdm', 'zoneinfo', 'libcst', 'jedi')"
        " or m.startswith('devfocus.store')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_package_json_and_the_settings_page_match_the_settings() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "sync_settings.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_checking_docstrings_imports_neither_libcst_nor_jedi() -> None:
    """`devfocus docs check` parses with ast only: libcst and jedi are for edits."""
    code = (
        "import sys; from devfocus.app.docstrings import DocsConfig, check_source;"
        "check_source(DocsConfig(), 'def f(x):\\n    return x\\n', 'f.py');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('libcst', 'jedi', 'cattrs')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_write_transaction_takes_the_lock_at_its_start() -> None:
    """`engine.begin()` is a deferred transaction on SQLite: one that reads, then writes, fails
    with "locked" when another window or thread wrote in between. Writes use `writing()`."""
    deferred = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "engine.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "engine.begin()" in line
    ]
    assert deferred == [], "use devfocus.store.engine.writing(engine):\n" + "\n".join(deferred)


def test_no_two_modules_share_a_file_name() -> None:
    """A name says what a module is wherever it is read (a traceback, a search, an import):
    apart from packages' __init__.py and the features, which carry their capability's name."""
    seen: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if path.name == "__init__.py" or relative.parts[:2] == ("lsp", "features"):
            continue
        seen.setdefault(path.name, []).append(relative.as_posix())
    shared = {name: places for name, places in seen.items() if len(places) > 1}
    assert shared == {}
