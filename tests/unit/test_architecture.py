"""The shape the design depends on: a pure core, and one source of truth for settings."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "server" / "devfocus"
PURE = ["activity", "insights", "git", "docs", "timeutil.py"]
FORBIDDEN = ("pygls", "lsprotocol", "sqlalchemy")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("part", PURE)
def test_the_core_imports_neither_pygls_nor_sqlalchemy(part: str) -> None:
    target = PACKAGE / part
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    for path in files:
        bad = {m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


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


def test_package_json_and_readme_match_the_settings() -> None:
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
