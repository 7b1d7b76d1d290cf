"""A real VS Code for the end-to-end tests: code-server with the packaged extension installed,
driven by headless Chromium through Playwright.

What a VS Code test file uses (the fixtures are in tests/editors/conftest.py):

- fixtures ``browser`` (Chromium, installed when missing), ``vscode_install`` (code-server and
  the .vsix of this checkout) and ``vscode_artifacts`` (this module's screenshot folder);
- ``Steps``: every action in a ``with steps.step("what a person does"):`` block. A step that
  ends well leaves a screenshot; one that fails raises StepFailed naming the step and the path
  of the screenshot taken at that moment;
- ``vscode_window(...)``: code-server on a workspace and a page showing it;
- ``palette``, ``open_file``, ``go_to_line``, ``item_text``, ``wait_for`` to drive and read it,
  ``server_pids`` to find the DevFocus servers it started.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.artifacts import ROOT, artifacts_dir
from tests.system import E2E_DIR, InstallError, announce, ensure, file_lock, run_logged

# A closed network and a root user: no sandbox, no GPU, nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What the package is built from: a .vsix is reused only for the same contents of these.
PACKAGE_INPUTS = [
    "package.json",
    "package-lock.json",
    "client-vscode/src",
    "client-vscode/build.mjs",
    "client-vscode/package.mjs",
    "client-vscode/README.md",
    "client-vscode/images",
    "CHANGELOG.md",
    "LICENSE",
    "server/devfocus",
    "scripts/bundle_server.py",
    "scripts/compile_bytecode.mjs",
    "pyproject.toml",
]
PACKAGES = E2E_DIR / "vsix"
USER_SETTINGS: dict[str, Any] = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.enableExperiments": False,
    "extensions.ignoreRecommendations": True,
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "chat.commandCenter.enabled": False,
    "editor.lightbulb.enabled": "on",
    "files.autoSave": "off",
    "git.openRepositoryInParentFolders": "never",
}
STATUS_ITEM = '[id="devfocus.devfocus.status"]'
TIMEOUT_MS = 60_000
CLOCK = re.compile(r"^(\d+:)?\d{1,2}:\d\d\b")


@dataclass(frozen=True)
class VSCodeInstall:
    code_server: Path
    vsix: Path


def install_vscode() -> VSCodeInstall:
    """code-server and this checkout's .vsix, each installed or built when missing."""
    return VSCodeInstall(ensure("code-server"), packaged_extension())


# VS Code's targets, as `npm run package -- --target all` builds them.
TARGETS = ("linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64")


def packaged_extension() -> Path:
    """The .vsix for this machine (linux-x64) that ``npm run package`` builds from this
    checkout."""
    return packaged_extensions()["linux-x64"]


def packaged_extensions() -> dict[str, Path]:
    """Every target's .vsix, built from this checkout by ``npm run package -- --target all``.
    They are kept under ``.e2e/vsix/<digest of the inputs>/``, so a package built from other
    sources (an older run, another branch) is never used."""
    folder = PACKAGES / _inputs_digest()
    version = json.loads((ROOT / "package.json").read_text())["version"]
    names = {target: f"devfocus-{target}-{version}.vsix" for target in TARGETS}
    with file_lock(E2E_DIR / "vsix.lock"):  # two builds at once would write the same files
        if all((folder / name).is_file() for name in names.values()):
            return {target: folder / name for target, name in names.items()}
        ensure("node-modules")  # with the CPython of each version that writes byte code
        ensure("llvm-strip")
        log = artifacts_dir("vscode") / "package.log"
        log.write_text("")
        started = time.monotonic()
        announce(f"building the extension for every platform (npm run package; log: {log})")
        env = {**os.environ, "DEVFOCUS_PYTHON": sys.executable}
        command = ["npm", "run", "package", "--", "--target", "all"]
        try:
            run_logged(command, log, "npm run package", cwd=ROOT, env=env)
        except InstallError as error:
            raise InstallError(f"could not build the extension's .vsix files: {error}") from None
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for name in names.values():
            shutil.move(ROOT / name, partial / name)
        for old in PACKAGES.iterdir():  # packages of other sources: never used again
            if old != partial:
                shutil.rmtree(old, ignore_errors=True)
        partial.rename(folder)
        announce(f"built {len(names)} .vsix files in {time.monotonic() - started:.0f} s")
        return {target: folder / name for target, name in names.items()}


def _inputs_digest() -> str:
    digest = hashlib.sha256()
    for name in PACKAGE_INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Headless Chromium (Debian's, installed when missing) under Playwright."""
    executable = ensure("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class StepFailed(AssertionError):
    """A step of an end-to-end run failed: the message names it and its screenshot."""


class Steps:
    """The named steps of one VS Code window, in order. A step that ends well leaves the
    screenshot ``<prefix>NN-<step>.png`` in ``folder``; a failing one leaves
    ``<prefix>NN-<step>-FAILED.png`` and raises StepFailed naming the step and that file."""

    def __init__(self, folder: Path, prefix: str = "") -> None:
        self.folder = folder
        self.prefix = prefix
        self.page: Any = None  # screenshots start once the window has a page
        self.logs: Path | None = None  # the window's log folder, once code-server runs
        self.count = 0
        self.last_shot: Path | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        try:
            yield
        except StepFailed:
            raise  # an inner step already said which
        except Exception as error:
            self.screenshot(f"{_slug(name)}-FAILED", numbered=True)
            first_line = (str(error).strip().splitlines() or [""])[0]
            raise StepFailed(
                f"step {name!r} failed: {type(error).__name__}: {first_line}\n"
                f"last screenshot: {self.last_shot or 'none (no window yet)'}"
                f"{self.log_tail()}"
            ) from error
        self.screenshot(_slug(name), numbered=True)

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` of the extension's DevFocus output channel, for a failure's
        message: a CI run keeps the message, not the screenshots."""
        if self.logs is None:
            return ""
        found = sorted(self.logs.glob("**/*DevFocus*.log"), key=lambda p: p.stat().st_mtime)
        if not found:
            return "\nno DevFocus output channel log was written"
        tail = found[-1].read_text(errors="replace").splitlines()[-lines:]
        return f"\nthe DevFocus output channel's last lines ({found[-1].name}):\n" + "\n".join(
            f"  {line}" for line in tail
        )

    def screenshot(self, name: str, *, numbered: bool = False) -> None:
        if self.page is None:
            return
        if numbered:
            self.count += 1
            name = f"{self.count:02d}-{name}"
        path = self.folder / f"{self.prefix}{name}.png"
        try:
            self.page.screenshot(path=str(path), timeout=10_000)
        except Exception:  # a closed or crashed page: the last one taken stays the last
            return
        self.last_shot = path


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


@contextmanager
def vscode_window(
    browser: Any,
    install: VSCodeInstall,
    workspace: Path,
    home: Path,
    env: dict[str, str],
    steps: Steps,
    *,
    settings: dict[str, Any] | None = None,
    workspace_trust: bool = False,
) -> Iterator[Any]:
    """A page showing VS Code on ``workspace``: code-server run with ``env``, ``home`` for its
    folders, the packaged extension alone, ``settings`` over USER_SETTINGS. Workspace Trust is
    off unless ``workspace_trust``."""
    with contextlib.ExitStack() as stack:
        steps.logs = home / "user-data" / "logs"
        with steps.step("start code-server with the packaged extension"):
            url = stack.enter_context(
                running_code_server(
                    install,
                    workspace,
                    home,
                    env,
                    settings=settings,
                    workspace_trust=workspace_trust,
                )
            )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        steps.page = page
        try:
            with steps.step("open the VS Code window"):
                page.goto(f"{url}?folder={workspace}")
                page.wait_for_selector(".statusbar")
            yield page
        finally:
            steps.screenshot("zz-at-close")
            page.close()


@contextmanager
def running_code_server(
    install: VSCodeInstall,
    workspace: Path,
    home: Path,
    env: dict[str, str],
    *,
    settings: dict[str, Any] | None = None,
    workspace_trust: bool = False,
) -> Iterator[str]:
    """code-server serving ``workspace`` with only the packaged extension; yields its URL."""
    extensions, user_data = home / "extensions", home / "user-data"
    (user_data / "User").mkdir(parents=True)
    user_settings = {**USER_SETTINGS, "security.workspace.trust.enabled": workspace_trust}
    (user_data / "User" / "settings.json").write_text(
        json.dumps({**user_settings, **(settings or {})}, indent=2)
    )
    dirs = ["--extensions-dir", str(extensions), "--user-data-dir", str(user_data)]
    run([str(install.code_server), *dirs, "--install-extension", str(install.vsix)], timeout=300)
    port = free_port()
    trust = [] if workspace_trust else ["--disable-workspace-trust"]
    log = (home / "code-server.log").open("w")
    process = subprocess.Popen(
        [
            str(install.code_server),
            *("--auth", "none", "--bind-addr", f"127.0.0.1:{port}", *dirs),
            *("--disable-telemetry", "--disable-update-check", *trust),
            *("--disable-getting-started-override", str(workspace)),
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its extension host and our server die with it
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: _answers(url), "code-server did not start", 60, process)
        yield url
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def run(cmd: list[str], *, cwd: Path = ROOT, timeout: float = 1200) -> None:
    done = subprocess.run(
        cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{output}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(
    condition: Callable[[], Any],
    failure: str | Callable[[], str],
    timeout: float,
    process: Any = None,
) -> Any:
    """``condition()``'s first truthy value, polled with a bound: another process's state has no
    event to wait on. ``failure`` may be a function, to describe the state at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        message = failure if isinstance(failure, str) else None
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{message or failure()}: exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise AssertionError(message or failure())
        time.sleep(0.1)


def server_pids(data: Path) -> list[int]:
    """The DevFocus servers that write to ``data``."""
    found = []
    marker = f"DEVFOCUS_DATA_DIR={data}".encode()
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            env = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue  # not a process, or gone
        if b"devfocus" in command and b"serve" in command and marker in env:
            found.append(int(proc.name))
    return found


def palette(page: Any, title: str) -> None:
    """Runs ``title`` from the command palette."""
    page.keyboard.press("F1")
    box = page.locator(".quick-input-widget input")
    box.wait_for()
    box.fill(f">{title}")
    page.locator(".quick-input-list .monaco-list-row", has_text=title).first.wait_for()
    page.keyboard.press("Enter")


def open_file(page: Any, name: str) -> None:
    tab = page.locator(f'.tab[aria-label^="{name}"]')
    if tab.count():
        # Its tab, not Quick Open: keys go nowhere while a webview (the preview) has focus.
        tab.first.click()
        page.locator(".monaco-editor .view-lines").first.wait_for()
        return
    page.keyboard.press("Control+P")
    box = page.locator(".quick-input-widget input")
    box.wait_for()
    box.fill(name)
    page.locator(".quick-input-list .monaco-list-row", has_text=name).first.wait_for()
    page.keyboard.press("Enter")
    page.locator(f'.tab[aria-label^="{name}"]').first.wait_for()
    page.locator(".monaco-editor .view-lines").first.wait_for()


def go_to_line(page: Any, line: int) -> None:
    page.keyboard.press("Control+G")
    box = page.locator(".quick-input-widget input")
    box.wait_for()
    box.fill(f":{line}")
    page.keyboard.press("Enter")
    page.locator(".monaco-editor .current-line").first.wait_for()


def item_text(page: Any) -> str:
    """The DevFocus status bar item's text."""
    return str(page.locator(STATUS_ITEM).inner_text()).strip()


def status_tooltip(page: Any, text: str = "DevFocus", attempts: int = 3) -> Any:
    """The DevFocus item's tooltip holding ``text``, as a person sees it: hover the item.

    Only a visible hover counts: an editor hover that closed stays in the page, hidden. VS Code
    can drop a hover whose item it redraws (the clock changes every second), so the pointer
    leaves and hovers again, a few times, each bounded."""
    shown = page.locator(".workbench-hover, .monaco-hover", has_text=text).filter(visible=True)
    for attempt in range(attempts):
        page.mouse.move(0, 0)
        page.locator(STATUS_ITEM).hover()
        try:
            # The newest: a hover of an earlier state (shown while the server started) can
            # linger in the page beside the one just opened.
            shown.last.wait_for(timeout=20_000)
            return shown.last
        except Exception:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
    raise AssertionError("unreachable")


def tooltip(page: Any) -> str:
    """The text of the DevFocus item's tooltip; the pointer leaves it afterwards, so the next
    hover is a fresh one."""
    text = str(status_tooltip(page).inner_text())
    page.mouse.move(700, 450)
    return text


def server_environment(pid: int) -> dict[str, str]:
    """The environment a DevFocus server process was started with."""
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    pairs = (entry.decode(errors="replace").partition("=") for entry in raw if entry)
    return {name: value for name, _, value in pairs}


def new_server(data: Path, old: int) -> int:
    """The one DevFocus server that replaced ``old``."""

    def replaced() -> list[int]:
        pids = server_pids(data)
        return [] if old in pids else pids

    (pid,) = wait_for(replaced, "the server was not started again", 60)
    return pid
