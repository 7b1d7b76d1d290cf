"""DevFocus in real LSP editors, each set up two ways: with its block from docs/editors.md, and
with its package (editors/neovim loaded through the runtimepath with
``require("devfocus").setup({})``; editors/emacs/devfocus.el with ``devfocus-mode``). Neovim is
Debian's 0.7 (headless), Emacs Debian's 28 with Eglot (batch). In each: the status arrives and
follows an edit, docstring diagnostics come for the current document version, hover works, a
"Generate docstring" code action is applied and saved to disk, and the report comes through
workspace/executeCommand. With a package, its own parts too: the status it keeps, the
statusline or mode line, pausing and resuming (each followed by the server's status), a focus
block and the report shown in a buffer. The drivers are tests/editors/neovim/drive.lua and
tests/editors/emacs/drive.el; each run leaves its results and logs in
``.test-artifacts/editors/<editor>[-package]/``, and a failure names the step it stopped at."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
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
    "emacs": Editor("emacs", "devfocus-setup.el", "elisp"),
}
BLOCK, PACKAGE = "block", "package"  # the two ways to set an editor up
PACKAGE_DIRS = {"neovim": ROOT / "editors" / "neovim", "emacs": ROOT / "editors" / "emacs"}


def documented_setup(editor: Editor) -> str:
    """The setup block docs/editors.md gives for ``editor``, verbatim."""
    pattern = (
        rf"<!-- {editor.name}-setup:begin -->\n```{editor.fence}\n(.*?)```\n"
        rf"<!-- {editor.name}-setup:end -->"
    )
    found = re.search(pattern, EDITORS_PAGE.read_text(encoding="utf-8"), re.S)
    assert found, f"the {editor.name} setup block is missing from {EDITORS_PAGE.relative_to(ROOT)}"
    return found.group(1)


def package_setup(editor: Editor) -> str:
    """What a user of the package writes: load it from the checkout, as a plugin manager would,
    with the default options (the server is `devfocus serve` from PATH)."""
    folder = json.dumps(str(PACKAGE_DIRS[editor.name]))  # a Lua and an Emacs Lisp string
    if editor.name == "neovim":
        return f'vim.opt.runtimepath:append({folder})\nrequire("devfocus").setup({{}})\n'
    return f"(add-to-list 'load-path {folder})\n(require 'devfocus)\n(devfocus-mode 1)\n"


def run_editor(editor: Editor, variant: str, home: Path) -> dict:
    """Runs the driver in ``editor`` set up the ``variant`` way; its results.json, with the
    project's path under "project"."""
    binary = ensure(editor.name)
    project = init_repo(home / "shop", files={"app.py": APP})
    setup = home / editor.setup_file
    setup.write_text(documented_setup(editor) if variant == BLOCK else package_setup(editor))
    label = editor.name if variant == BLOCK else f"{editor.name}-{variant}"
    out = artifacts_dir("editors", label, fresh=True)
    env = {
        **os.environ,
        # `devfocus` as the setups name it: the one installed with this checkout.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "DEVFOCUS_DATA_DIR": str(home / "data"),
        "DEVFOCUS_FILE": str(project / "app.py"),
        "DEVFOCUS_OUT": str(out),
        "DEVFOCUS_SETUP": str(setup),
        "DEVFOCUS_VARIANT": variant,
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
            f"{label} {ended} at step {found.get('step', 'start-up')!r}: "
            f"{found.get('exit') or 'no message'}\nlogs: {out}\n{output[-3000:]}"
        )
    found["project"] = project
    return found


RunEditor = Callable[[str, str], dict]


@pytest.fixture(scope="module")
def editor_runs(tmp_path_factory: pytest.TempPathFactory) -> RunEditor:
    """One run per editor and setup in this module, whichever fixture asks first."""
    runs: dict[tuple[str, str], dict] = {}

    def run(name: str, variant: str) -> dict:
        if (name, variant) not in runs:
            home = tmp_path_factory.mktemp(f"{name}-{variant}")
            runs[name, variant] = run_editor(EDITORS[name], variant, home)
        return runs[name, variant]

    return run


@pytest.fixture(
    scope="module",
    params=[(name, variant) for name in EDITORS for variant in (BLOCK, PACKAGE)],
    ids=lambda param: "-".join(param),
)
def results(request: pytest.FixtureRequest, editor_runs: RunEditor) -> dict:
    """The same steps in each editor, set up with the documented block and with the package."""
    name, variant = request.param
    return editor_runs(name, variant)


@pytest.fixture(scope="module", params=list(EDITORS))
def package_results(request: pytest.FixtureRequest, editor_runs: RunEditor) -> dict:
    """The run with the editor's package."""
    return editor_runs(request.param, PACKAGE)


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


# -- the packages' own parts ------------------------------------------------------------------
ACTIVE_TEXT = re.compile(r"^\d+:\d\d · main$")  # a session's clock and the branch
IDLE_TEXT = re.compile(r"^(\d+h )?\d+m today$")
FOCUS_TEXT = re.compile(r"^[45]:\d\d focus( · main)?$")  # a 5-minute block, counting down


def _shown(package: dict) -> str:
    """The statusline's text (Neovim) or the mode line's (Emacs: " DevFocus <text>")."""
    if "statusline" in package:
        return package["statusline"]
    mode_line = package["modeLine"]
    assert mode_line.startswith(" DevFocus "), mode_line
    return mode_line.removeprefix(" DevFocus ")


def test_the_package_keeps_the_status_and_shows_it(package_results: dict) -> None:
    package = package_results["package"]
    assert package["status"]["state"] == "active"
    assert package["status"]["context"]["project"] == "shop"
    assert ACTIVE_TEXT.match(_shown(package)), _shown(package)
    if "serverClass" in package:  # Emacs: the package's server class, and its mode line part
        assert package["serverClass"] == "devfocus-server"
        assert package["inModeLine"] is True


def test_pausing_from_the_package_is_followed_by_a_paused_status(package_results: dict) -> None:
    paused = package_results["package"]["paused"]
    assert paused["status"]["state"] == "paused"
    assert _shown(paused) == "Paused"


def test_resuming_from_the_package_ends_the_pause(package_results: dict) -> None:
    resumed = package_results["package"]["resumed"]
    state = resumed["status"]["state"]
    assert state != "paused"
    # Idle until the next edit: today's total, as VS Code's item shows it.
    assert (
        IDLE_TEXT.match(_shown(resumed)) if state == "idle" else ACTIVE_TEXT.match(_shown(resumed))
    )


def test_a_focus_block_from_the_package_counts_down(package_results: dict) -> None:
    focus = package_results["package"]["focus"]
    assert focus["status"]["focusBlock"]["remainingSeconds"] > 0
    assert FOCUS_TEXT.match(_shown(focus)), _shown(focus)


def test_the_package_shows_the_report_in_a_buffer(package_results: dict) -> None:
    report = package_results["package"]["report"]
    text = report["text"]
    assert text.startswith("# DevFocus — Today"), text[:200]
    assert "shop" in text
    if "filetype" in report:  # Neovim: a read-only markdown scratch buffer
        assert report["filetype"] == "markdown" and report["modifiable"] is False
        assert report["name"].endswith("DevFocus report (today, markdown)")
    else:  # Emacs: read-only, in view-mode
        assert report["readOnly"] is True
