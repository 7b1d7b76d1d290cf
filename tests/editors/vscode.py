"""A real VS Code for the end-to-end tests: code-server with the packaged extension installed,
driven by headless Chromium. Screenshots of each step go to ``.test-artifacts/vscode/``."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = ROOT / ".e2e"
ARTIFACTS = Path(os.environ.get("DEVFOCUS_ARTIFACTS", ROOT / ".test-artifacts")) / "vscode"
CHROMIUM = "/usr/bin/chromium"
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
# What the package needs rebuilt for: a .vsix older than any of these is built again.
PACKAGE_INPUTS = [
    "package.json",
    "package-lock.json",
    "client-vscode/src",
    "client-vscode/build.mjs",
    "client-vscode/package.mjs",
    "server/devfocus",
    "scripts/bundle_server.py",
    "pyproject.toml",
]
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


def _newest_input() -> float:
    newest = 0.0
    for name in PACKAGE_INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        newest = max([newest, *(p.stat().st_mtime for p in files if "__pycache__" not in p.parts)])
    return newest


def run(cmd: list[str], *, cwd: Path = ROOT, timeout: float = 1200) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        output = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{output}")


def packaged_extension() -> Path:
    """The .vsix from ``npm run package``, built again when a source is newer."""
    version = json.loads((ROOT / "package.json").read_text())["version"]
    found = sorted(ROOT.glob(f"devfocus-*-{version}.vsix"), key=lambda p: p.stat().st_mtime)
    if found and found[-1].stat().st_mtime > _newest_input():
        return found[-1]
    if not (ROOT / "node_modules" / ".bin" / "vsce").exists():
        run(["npm", "ci", "--no-audit", "--no-fund"])
    run(["npm", "run", "package"])
    found = sorted(ROOT.glob(f"devfocus-*-{version}.vsix"), key=lambda p: p.stat().st_mtime)
    return found[-1]


def code_server() -> Path:
    run(["bash", str(ROOT / "scripts" / "install_vscode_e2e.sh"), str(E2E_DIR)])
    return E2E_DIR / "node_modules" / ".bin" / "code-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_code_server(
    binary: Path, vsix: Path, workspace: Path, home: Path, env: dict[str, str]
) -> Iterator[str]:
    """code-server serving ``workspace`` with only the packaged extension; yields its URL."""
    extensions, user_data = home / "extensions", home / "user-data"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
    dirs = ["--extensions-dir", str(extensions), "--user-data-dir", str(user_data)]
    run([str(binary), *dirs, "--install-extension", str(vsix)], timeout=300)
    port = free_port()
    log = (home / "code-server.log").open("w")
    process = subprocess.Popen(
        [
            str(binary),
            *("--auth", "none", "--bind-addr", f"127.0.0.1:{port}", *dirs),
            *("--disable-telemetry", "--disable-update-check", "--disable-workspace-trust"),
            *("--disable-getting-started-override", str(workspace)),
        ],
        env=env,
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
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


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


CLOCK = re.compile(r"^(\d+:)?\d{1,2}:\d\d\b")
