"""DevFocus in a real Neovim (Debian's 0.7, headless), set up with the README's own Lua: status,
diagnostics for the current version, hover, a docstring code action applied and saved, and the
report through workspace/executeCommand."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.editors.system import ensure_command
from tests.repos import init_repo

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("neovim") / "drive.lua"
APP = '''"""Checkout arithmetic."""


def total(prices, discount=0.0):
    return sum(prices) * (1 - discount)
'''
SETUP = re.compile(
    r"<!-- neovim-setup:begin -->\n```lua\n(.*?)```\n<!-- neovim-setup:end -->", re.S
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Debian's Neovim")


def readme_setup() -> str:
    found = SETUP.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "the README's Neovim setup block is missing"
    return found.group(1)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    nvim = ensure_command("nvim", "neovim")
    home = tmp_path_factory.mktemp("neovim")
    project = init_repo(home / "shop", files={"app.py": APP})
    init = home / "init.lua"
    init.write_text(readme_setup())
    out = home / "out"
    out.mkdir()
    env = {
        **os.environ,
        # `devfocus` as the README's setup names it: the one installed with this checkout.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "DEVFOCUS_DATA_DIR": str(home / "data"),
        "DEVFOCUS_FILE": str(project / "app.py"),
        "DEVFOCUS_OUT": str(out),
    }
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(init), "-c", f"luafile {DRIVER}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    found = (
        json.loads((out / "results.json").read_text()) if (out / "results.json").exists() else {}
    )
    assert done.returncode == 0, (
        f"exit {done.returncode}: {found.get('exit')}\n{done.stderr[-2000:]}"
    )
    found["project"] = project
    return found


def test_the_status_arrives_and_follows_the_edit(results: dict) -> None:
    status = results["status"]
    assert status["state"] == "active"
    assert status["context"]["project"] == "shop" and status["context"]["branch"] == "main"


def test_docstring_diagnostics_are_for_the_current_version(results: dict) -> None:
    published = results["diagnostics"]
    assert published["version"] == results["version"] > 1
    messages = [d["message"] for d in published["diagnostics"]]
    assert any("total" in m for m in messages), messages


def test_hover_on_a_function(results: dict) -> None:
    contents = results["hover"]["contents"]
    text = contents["value"] if isinstance(contents, dict) else json.dumps(contents)
    assert "total" in text


def test_the_docstring_action_is_applied_and_saved(results: dict) -> None:
    assert results["applied"] == "Generate docstring for `total`"
    import ast

    source = (results["project"] / "app.py").read_text()
    function = ast.parse(source).body[1]
    assert isinstance(function, ast.FunctionDef) and function.name == "total"
    docstring = ast.get_docstring(function) or ""
    assert "prices" in docstring and "discount" in docstring
    assert "RATE = 0.2" in source  # the edit before it is saved too


def test_the_report_through_execute_command(results: dict) -> None:
    report = results["report"]
    assert report.startswith("# DevFocus — Today")
    assert "shop" in report
