"""The Neovim and Emacs packages as packages: devfocus.el installs from its file with
package.el and byte-compiles without a warning (checkdoc clean too); the Neovim plugin's help
resolves after :helptags and :checkhealth finds the server; with no `devfocus` on PATH each
says once, clearly, how to install it; and both show a status in the words of VS Code's status
item. Driving the server through the packages is in test_lsp_editors.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.artifacts import artifacts_dir
from tests.system import ensure

ROOT = Path(__file__).resolve().parents[2]
NEOVIM_PLUGIN = ROOT / "editors" / "neovim"
EMACS_PACKAGE = ROOT / "editors" / "emacs" / "devfocus.el"
PROJECT_URL = "https://github.com/devfocus/devfocus"
# With -Q, Debian's elpa packages (Eglot for Emacs 28) are not active.
ACTIVATE_ELPA = """(require 'package)
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
"""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Debian's editors")


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Runs an editor in batch; its output, or a failure that shows it."""
    done = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, "HOME": str(cwd), **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{command[0]} exited with {done.returncode}:\n{output[-3000:]}"
    return output


def lisp_string(text: str | Path) -> str:
    return json.dumps(str(text))  # the same escapes as an Emacs Lisp string's, for paths


# -- Emacs ----------------------------------------------------------------------------------------
def test_devfocus_el_byte_compiles_without_warnings_and_passes_checkdoc(tmp_path: Path) -> None:
    emacs = ensure("emacs")
    script = tmp_path / "compile.el"
    script.write_text(
        ACTIVATE_ELPA
        + f"""(package-initialize)
(setq byte-compile-error-on-warn t)
(let ((byte-compile-dest-file-function (lambda (_) {lisp_string(tmp_path / "devfocus.elc")})))
  (unless (byte-compile-file {lisp_string(EMACS_PACKAGE)}) (kill-emacs 2)))
(require 'checkdoc)
(checkdoc-file {lisp_string(EMACS_PACKAGE)})
"""
    )
    output = run([str(emacs), "--batch", "-Q", "-l", str(script)], tmp_path)
    (artifacts_dir("editors", "emacs-package") / "compile.log").write_text(output)
    assert (tmp_path / "devfocus.elc").exists()
    assert "Warning" not in output and "devfocus.el:" not in output, output


def test_devfocus_el_installs_from_its_file_and_autoloads_the_mode(tmp_path: Path) -> None:
    emacs = ensure("emacs")
    elpa = tmp_path / "elpa"
    install = tmp_path / "install.el"
    install.write_text(
        ACTIVATE_ELPA
        + f"""(setq package-user-dir {lisp_string(elpa)})
(package-initialize)
(package-install-file {lisp_string(EMACS_PACKAGE)})
(let ((desc (cadr (assq 'devfocus package-alist))))
  (princ (format "version=%s\\nurl=%s\\nrequires=%S\\n"
                 (package-version-join (package-desc-version desc))
                 (alist-get :url (package-desc-extras desc))
                 (package-desc-reqs desc))))
"""
    )
    installed = run([str(emacs), "--batch", "-Q", "-l", str(install)], tmp_path)
    assert "version=0.1.0" in installed and f"url={PROJECT_URL}" in installed, installed
    assert "(emacs (28 1))" in installed and "(eglot (1 9))" in installed, installed
    # A new Emacs with the package activated, as at start-up: the mode and the commands are
    # autoloaded, nothing loaded until used.
    use = tmp_path / "use.el"
    use.write_text(
        ACTIVATE_ELPA
        + f"""(setq package-user-dir {lisp_string(elpa)})
(package-initialize)
(princ (format "loaded-before=%s\\n" (featurep 'devfocus)))
(dolist (command '(devfocus-mode devfocus-report devfocus-pause devfocus-resume
                   devfocus-focus-start))
  (princ (format "%s=%s\\n" command (commandp command))))
(devfocus-mode 1)
(princ (format "loaded-after=%s\\nregistered=%s\\n" (featurep 'devfocus)
               ;; first in Eglot's list for Python buffers
               (and (memq 'python-mode (car (car eglot-server-programs))) t)))
"""
    )
    used = run([str(emacs), "--batch", "-Q", "-l", str(use)], tmp_path)
    assert "loaded-before=nil" in used and "loaded-after=t" in used, used
    for command in ("devfocus-mode", "devfocus-report", "devfocus-pause", "devfocus-resume"):
        assert f"{command}=t" in used, used
    assert "registered=t" in used, used


def test_emacs_says_how_to_install_a_missing_server(tmp_path: Path) -> None:
    emacs = ensure("emacs")
    (tmp_path / "app.py").write_text("x = 1\n")
    script = tmp_path / "missing.el"
    script.write_text(
        ACTIVATE_ELPA
        + f"""(package-initialize)
(add-to-list 'load-path {lisp_string(EMACS_PACKAGE.parent)})
(require 'devfocus)
(require 'python)
(devfocus-mode 1)
(find-file {lisp_string(tmp_path / "app.py")})
(condition-case err
    (progn (apply #'eglot (eglot--guess-contact)) (princ "started\\n"))
  (user-error (princ (format "user-error: %s\\n" (error-message-string err)))))
"""
    )
    empty = tmp_path / "bin"
    empty.mkdir()
    output = run([str(emacs), "--batch", "-Q", "-l", str(script)], tmp_path, {"PATH": str(empty)})
    said = output.translate(str.maketrans("‘’", "`'"))  # Emacs's curved quotes, as typed
    assert "user-error: DevFocus: the `devfocus' command was not found" in said, output
    assert "install it with `pipx install devfocus'" in said, output


# -- Neovim ---------------------------------------------------------------------------------------
def test_the_neovim_help_resolves_and_checkhealth_finds_the_server(tmp_path: Path) -> None:
    nvim = ensure("neovim")
    # As a plugin manager installs it: the plugin's folder on the runtimepath, :helptags run.
    plugin = tmp_path / "devfocus"
    shutil.copytree(NEOVIM_PLUGIN, plugin)
    out = tmp_path / "help.json"
    script = tmp_path / "help.lua"
    script.write_text(
        f"""
local found = {{}}
for _, topic in ipairs({{ "devfocus", "devfocus-setup", ":DevFocusReport", ":DevFocusPause",
                         ":DevFocusResume", ":DevFocusFocusStart", "devfocus.status()",
                         "devfocus.statusline()" }}) do
  local ok = pcall(vim.cmd, "help " .. topic)
  found[topic] = ok and vim.fn.expand("%:t") == "devfocus.txt"
end
vim.cmd("checkhealth devfocus")
found.health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\\n")
local f = assert(io.open({lisp_string(out)}, "w"))
f:write(vim.json.encode(found))
f:close()
vim.cmd("qall!")
"""
    )
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    run(
        [
            str(nvim),
            "--headless",
            "--clean",
            "--cmd",
            f"set runtimepath+={plugin}",
            "-c",
            f"helptags {plugin / 'doc'}",
            "-c",
            'lua require("devfocus").setup({})',
            "-c",
            f"luafile {script}",
        ],
        tmp_path,
        env,
    )
    found = json.loads(out.read_text())
    health = found.pop("health")
    assert all(found.values()), found
    assert "OK" in health and "devfocus 0.1.0" in health, health


def test_neovim_says_once_how_to_install_a_missing_server(tmp_path: Path) -> None:
    nvim = ensure("neovim")
    for name in ("a.py", "b.md"):
        (tmp_path / name).write_text("x = 1\n")
    out = tmp_path / "messages.json"
    script = tmp_path / "missing.lua"
    script.write_text(
        f"""
local messages = {{}}
vim.notify = function(message, level) table.insert(messages, {{ message, level }}) end
vim.opt.runtimepath:append({lisp_string(NEOVIM_PLUGIN)})
require("devfocus").setup({{}})
vim.cmd("edit a.py")
vim.cmd("edit b.md")
-- After the attaches the edits scheduled (files with no filetype attach once read).
vim.schedule(function()
  local f = assert(io.open({lisp_string(out)}, "w"))
  f:write(vim.json.encode({{ messages = messages, clients = #vim.lsp.get_active_clients() }}))
  f:close()
  vim.cmd("qall!")
end)
"""
    )
    empty = tmp_path / "bin"
    empty.mkdir()
    run([str(nvim), "--headless", "--clean", "-u", str(script)], tmp_path, {"PATH": str(empty)})
    found = json.loads(out.read_text())
    assert found["clients"] == 0
    assert len(found["messages"]) == 1, found["messages"]
    message, level = found["messages"][0]
    assert message.startswith("DevFocus: the `devfocus` command was not found"), message
    assert "pipx install devfocus" in message and level == 4  # vim.log.levels.ERROR


# -- the status texts, as VS Code's status item shows them (client-vscode/src/status.ts) ----------
LONG_TASK = "ABC-123 make the checkout faster"
STATUS_TEXTS = [
    # (status, seconds since it arrived, text)
    (
        {"state": "active", "sessionSeconds": 3725, "context": {"branch": "main"}},
        2,
        "1:02:07 · main",
    ),
    (
        {"state": "active", "sessionSeconds": 5, "deepWork": True, "task": {"label": LONG_TASK}},
        0,
        f"0:05 · {LONG_TASK[:23]}…",
    ),
    (
        {"state": "active", "sessionSeconds": 0, "context": {"branch": None, "project": "shop"}},
        0,
        "0:00 · shop",
    ),
    ({"state": "paused", "sessionSeconds": 0, "todaySeconds": 50}, 0, "Paused"),
    ({"state": "idle", "todaySeconds": 7500, "context": None, "task": None}, 9, "2h 05m today"),
    ({"state": "idle", "todaySeconds": 59, "deepWork": False}, 0, "0m today"),
    (
        {"state": "active", "focusBlock": {"remainingSeconds": 300}, "context": {"branch": "main"}},
        2.5,
        "4:58 focus · main",
    ),
    ({"state": "paused", "focusBlock": {"remainingSeconds": 300}}, 0, "Paused"),
]


def test_the_neovim_statusline_texts_are_vs_codes(tmp_path: Path) -> None:
    nvim = ensure("neovim")
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([[status, elapsed] for status, elapsed, _ in STATUS_TEXTS]))
    out = tmp_path / "texts.json"
    script = tmp_path / "texts.lua"
    script.write_text(
        f"""
local format = require("devfocus.format")
local texts = {{}}
local cases = vim.json.decode(table.concat(vim.fn.readfile({lisp_string(cases)}), "\\n"))
for _, case in ipairs(cases) do
  table.insert(texts, format.text(case[1], case[2]))
end
vim.fn.writefile({{ vim.json.encode(texts) }}, {lisp_string(out)})
vim.cmd("qall!")
"""
    )
    run(
        [
            str(nvim),
            "--headless",
            "--clean",
            "--cmd",
            f"set runtimepath+={NEOVIM_PLUGIN}",
            "-c",
            f"luafile {script}",
        ],
        tmp_path,
    )
    assert json.loads(out.read_text()) == [text for _, _, text in STATUS_TEXTS]


def test_the_emacs_mode_line_texts_are_vs_codes(tmp_path: Path) -> None:
    emacs = ensure("emacs")
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([[status, elapsed] for status, elapsed, _ in STATUS_TEXTS]))
    out = tmp_path / "texts.json"
    script = tmp_path / "texts.el"
    script.write_text(
        ACTIVATE_ELPA
        + f"""(package-initialize)
(add-to-list 'load-path {lisp_string(EMACS_PACKAGE.parent)})
(require 'devfocus)
(let* ((cases (with-temp-buffer
                (insert-file-contents {lisp_string(cases)})
                ;; as Eglot's jsonrpc reads the server's messages
                (json-parse-buffer :object-type 'plist :null-object nil :false-object :json-false)))
       (texts (mapcar (lambda (case) (devfocus-status-text (aref case 0) (aref case 1))) cases)))
  (with-temp-file {lisp_string(out)}
    (set-buffer-file-coding-system 'utf-8)
    (insert (json-serialize (vconcat texts)))))
"""
    )
    run([str(emacs), "--batch", "-Q", "-l", str(script)], tmp_path)
    assert json.loads(out.read_text(encoding="utf-8")) == [text for _, _, text in STATUS_TEXTS]
