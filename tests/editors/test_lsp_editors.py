"""DevFocus in real LSP editors, each set up with its own block from docs/editors.md: Neovim
(Debian's 0.7, headless) and Emacs (Debian's 28 with Eglot, batch). In each: the status arrives
and follows an edit, docstring diagnostics come for the current document version, hover works, a
"Generate docstring" code action is applied and saved to disk, and the report comes through
workspace/executeCommand. The drivers are tests/editors/neovim/drive.lua and
tests/editors/emacs/drive.el; each run leaves its results and logs in
``.test-artifacts/editors/<editor>/``, and a failure names the step it stopped at."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.artifacts import artifacts_dir
from tests.repos import init_repo
from tests.system import ensure

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EDITORS_PAGE = ROOT / "docs" / "editors.md"
APP = '''"""Checkout arithmetic."""


def total(prices, discount=0.0):
    return sum(prices) * (1 - discount)
'''

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Debian's editors")


@dataclass(frozen=True)
class Editor:
    name: str  # also its part in tests/system.py
    setup_file: str
    fence: str

    def command(self, binary: str, setup: Path) -> list[str]:
        if self.name == "neovim":
            driver = HERE / "neovim" / "drive.lua"
            return [binary, "--headless", "--clean", "-u", str(setup), "-c", f"luafile {driver}"]
        return [binary, "--batch", "-Q", "-l", str(HERE / "emacs" / "drive.el")]


EDITORS = {
    "neovim": Editor("neovim", "init.lua", "lua"),
    "emacs": Editor("emacs", "devfocus.el", "elisp"),
}


def documented_setup(editor: Editor) -> str:
    """The setup block docs/editors.md gives for ``editor``, verbatim."""
    pattern = (
        rf"<!-- {editor.name}-setup:begin -->\n```{editor.fence}\n(.*?)```\n"
        rf"<!-- {editor.name}-setup:end -->"
    )
    found = re.search(pattern, EDITORS_PAGE.read_text(encoding="utf-8"), re.S)
    assert found, f"the {editor.name} setup block is missing from {EDITORS_PAGE.relative_to(ROOT)}"
    return found.group(1)


@pytest.fixture(scope="module", params=list(EDITORS))
def results(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    editor = EDITORS[request.param]
    binary = ensure(editor.name)
    home = tmp_path_factory.mktemp(editor.name)
    project = init_repo(home / "shop", files={"app.py": APP})
    setup = home / editor.setup_file
    setup.write_text(documented_setup(editor))
    out = artifacts_dir("editors", editor.name, fresh=True)
    env = {
        **os.environ,
        # `devfocus` as the documented setups name it: the one installed with this checkout.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "DEVFOCUS_DATA_DIR": str(home / "data"),
        "DEVFOCUS_FILE": str(project / "app.py"),
        "DEVFOCUS_OUT": str(out),
        "DEVFOCUS_SETUP": str(setup),
    }
    try:
        done = subprocess.run(
            editor.command(str(binary), setup),
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=180,
        )
        code, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as stopped:
        code, output = None, _text(stopped.stdout) + _text(stopped.stderr)
    (out / "editor-output.log").write_text(output)
    for log in home.rglob("lsp.log"):  # Neovim's
        shutil.copy(log, out / "lsp.log")
    report = out / "results.json"
    found = json.loads(report.read_text()) if report.exists() else {}
    if code != 0:
        ended = f"exited with {code}" if code is not None else "was stopped after 180 s"
        raise AssertionError(
            f"{editor.name} {ended} at step {found.get('step', 'start-up')!r}: "
            f"{found.get('exit') or 'no message'}\nlogs: {out}\n{output[-3000:]}"
        )
    found["project"] = project
    return found


def _text(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        return output.decode(errors="replace")
    return output or ""


def test_the_status_arrives_and_follows_the_edit(results: dict) -> None:
    status = results["status"]
    assert status["state"] == "active"
    assert status["context"]["project"] == "shop" and status["context"]["branch"] == "main"


def test_docstring_diagnostics_are_for_the_current_version(results: dict) -> None:
    published = results["diagnostics"]
    assert published["version"] == results["version"] > 0
    messages = [d["message"] for d in published["diagnostics"]]
    assert any("total" in m for m in messages), messages


def test_hover_on_a_function(results: dict) -> None:
    contents = results["hover"]["contents"]
    text = contents["value"] if isinstance(contents, dict) else json.dumps(contents)
    assert "total" in text


def test_the_docstring_action_is_applied_and_saved(results: dict) -> None:
    assert results["applied"] == "Generate docstring for `total`"
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
