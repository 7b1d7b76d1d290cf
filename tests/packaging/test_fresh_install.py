"""The wheel and the sdist installed the ways users install them, each into a fresh virtual
environment (no system site packages, nothing from this checkout): the wheel with pip, the sdist
with pip (which builds the wheel from it), the wheel with pipx. Each install then runs
``devfocus --version``, ``devfocus doctor`` and ``devfocus serve`` (answering ``initialize``).

The three installs run at once, once per module, sharing pip's download cache; the checks reuse
them. Dependencies come from the package index.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.artifacts import ROOT
from tests.packaging.dists import OPTIONAL_SDKS, VERSION, Dists, logs_dir
from tests.system import InstallError, announce, run_logged

BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
INSTALL_TIMEOUT = 900.0
COMMAND_TIMEOUT = 120.0
LSP_TIMEOUT = 30.0
INSTALLS = ("pip-wheel", "pip-sdist", "pipx-wheel")
# Imports every module of the installed package (not the checkout's) and names the optional
# SDKs that are installed in that environment.
IMPORT_EVERYTHING = """
import importlib, importlib.metadata as metadata, json, pkgutil, sys
import devfocus
failed = {}
names = [m.name for m in pkgutil.walk_packages(devfocus.__path__, "devfocus.")
         if not m.name.endswith("__main__")]
for name in names:
    try:
        importlib.import_module(name)
    except Exception as error:
        failed[name] = repr(error)
sdks = []
for sdk in sys.argv[1:]:
    try:
        metadata.version(sdk)
        sdks.append(sdk)
    except metadata.PackageNotFoundError:
        pass
print(json.dumps({"file": devfocus.__file__, "modules": len(names), "failed": failed,
                  "sdks": sdks, "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


@dataclass(frozen=True)
class Installed:
    how: str
    command: Path  # the `devfocus` a user runs
    python: Path  # the interpreter of the environment it runs in
    seconds: float


def _clean_env() -> dict[str, str]:
    """This process's environment without what points at the checkout's environment or at
    DevFocus settings: what a user's shell would have."""
    venv_bin = str(Path(sys.prefix) / BIN)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PIPX_", "DEVFOCUS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return {**env, "PATH": path, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_PROGRESS_BAR": "off"}


def _fresh_venv(folder: Path, log: Path, env: dict[str, str]) -> Path:
    run_logged([sys.executable, "-m", "venv", folder], log, "python -m venv", env=env)
    return _isolated(folder)


def _isolated(venv: Path) -> Path:
    """The interpreter of ``venv``, once its configuration shows it cannot see the system's
    packages."""
    config = (venv / "pyvenv.cfg").read_text()
    if "include-system-site-packages = false" not in config:
        raise InstallError(f"{venv} sees the system's site packages:\n{config}")
    return venv / BIN / f"python{EXE}"


def _pip_install(target: Path, folder: Path, env: dict[str, str]) -> Installed:
    log = logs_dir() / f"install-{folder.name}.log"
    log.unlink(missing_ok=True)
    started = time.monotonic()
    python = _fresh_venv(folder / "venv", log, env)
    run_logged(
        [python, "-m", "pip", "install", target],
        log,
        f"pip install {target.name}",
        env=env,
        timeout=INSTALL_TIMEOUT,
    )
    command = folder / "venv" / BIN / f"devfocus{EXE}"
    return Installed(folder.name, command, python, time.monotonic() - started)


def _pipx(folder: Path, log: Path, env: dict[str, str]) -> list[str | Path]:
    """How to run pipx: the test environment's (the test extra has it), else one installed in
    a virtual environment of its own."""
    if importlib.util.find_spec("pipx") is not None:
        return [sys.executable, "-m", "pipx"]
    python = _fresh_venv(folder / "pipx-tool", log, env)
    run_logged([python, "-m", "pip", "install", "pipx"], log, "pip install pipx", env=env)
    return [python, "-m", "pipx"]


def _pipx_install(wheel: Path, folder: Path, env: dict[str, str]) -> Installed:
    log = logs_dir() / f"install-{folder.name}.log"
    log.unlink(missing_ok=True)
    started = time.monotonic()
    home, bin_dir = folder / "pipx-home", folder / "pipx-bin"
    pipx_env = {
        **env,
        "PIPX_HOME": str(home),
        "PIPX_BIN_DIR": str(bin_dir),
        "PIPX_MAN_DIR": str(folder / "pipx-man"),
        # pipx's classic backend: the same install whether or not uv is on this machine
        "PIPX_DEFAULT_BACKEND": "pip",
    }
    pipx = _pipx(folder, log, env)
    run_logged(
        [*pipx, "install", wheel],
        log,
        f"pipx install {wheel.name}",
        env=pipx_env,
        timeout=INSTALL_TIMEOUT,
    )
    python = _isolated(home / "venvs" / "devfocus")
    return Installed(folder.name, bin_dir / f"devfocus{EXE}", python, time.monotonic() - started)


@pytest.fixture(scope="module")
def installs(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Installed | str]:
    """Each install (or why it failed), made at once in three threads."""
    root = tmp_path_factory.mktemp("installs")
    env = _clean_env()
    jobs: dict[str, Callable[[], Installed]] = {
        "pip-wheel": lambda: _pip_install(dists.wheel, root / "pip-wheel", env),
        "pip-sdist": lambda: _pip_install(dists.sdist, root / "pip-sdist", env),
        "pipx-wheel": lambda: _pipx_install(dists.wheel, root / "pipx-wheel", env),
    }
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {how: pool.submit(job) for how, job in jobs.items()}
    results: dict[str, Installed | str] = {}
    for how, future in futures.items():
        try:
            results[how] = future.result()
        except InstallError as error:
            results[how] = str(error)
    each = ", ".join(
        f"{how} {r.seconds:.1f} s" if isinstance(r, Installed) else f"{how} failed"
        for how, r in results.items()
    )
    announce(f"packaging: fresh installs in {time.monotonic() - started:.1f} s ({each})")
    return results


@pytest.fixture(params=INSTALLS)
def installed(request: pytest.FixtureRequest, installs: dict[str, Installed | str]) -> Installed:
    result = installs[request.param]
    if isinstance(result, str):
        pytest.fail(result)
    return result


def _run(
    command: list[str | Path], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env or _clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def _user_env(data: Path, **extra: str) -> dict[str, str]:
    return {**_clean_env(), "DEVFOCUS_DATA_DIR": str(data), **extra}


def test_devfocus_version_prints_the_version(installed: Installed, tmp_path: Path) -> None:
    done = _run([installed.command, "--version"], tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"devfocus {VERSION}\n", "")


def test_every_module_imports_from_the_install_without_the_extras(
    installed: Installed, tmp_path: Path
) -> None:
    done = _run([installed.python, "-c", IMPORT_EVERYTHING, *sorted(OPTIONAL_SDKS)], tmp_path)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    site = Path(found["file"]).resolve()
    assert not site.is_relative_to(ROOT), f"imported the checkout's copy: {site}"
    assert site.is_relative_to(installed.python.parent.parent.resolve()), site
    assert found["modules"] > 100
    assert found["failed"] == {}
    assert found["sdks"] == [], "the base install pulled an optional SDK"
    assert not OPTIONAL_SDKS & set(found["loaded"])


def test_devfocus_doctor_finds_a_healthy_setup(installed: Installed, tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _run([installed.command, "doctor"], tmp_path, _user_env(data))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    python = f"Python {_python_version(installed)} ({installed.python})"
    assert lines[0] == f"DevFocus {VERSION} on {python}"
    assert f"Data directory  {data}  (from DEVFOCUS_DATA_DIR, not created yet)" in lines
    assert "AI              off (devfocus.ai.provider: none): nothing is sent anywhere" in lines
    assert "devfocus[ai]" not in done.stdout  # not configured: the extra is not mentioned
    assert lines[-1] == "healthy"


def test_devfocus_doctor_names_the_ai_extra_once_ai_is_configured(
    installed: Installed, tmp_path: Path
) -> None:
    # A key is set, so the one thing missing is the SDK: no request can be made, none is.
    env = _user_env(tmp_path / "data", ANTHROPIC_API_KEY="sk-ant-placeholder")
    done = _run([installed.command, "doctor", "--ai-provider", "anthropic"], tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr  # AI is optional: still healthy
    assert "SDK: missing" in done.stdout
    assert "  ✗ the anthropic package is not installed: pip install 'devfocus[ai]'" in (
        done.stdout.splitlines()
    )


async def test_devfocus_serve_answers_initialize(installed: Installed, tmp_path: Path) -> None:
    config = ClientServerConfig(
        server_command=[str(installed.command), "serve"],
        server_env=_user_env(tmp_path / "data"),
    )
    client = await config.start()
    try:
        assert isinstance(client, LanguageClient)
        result = await asyncio.wait_for(
            client.initialize_session(
                types.InitializeParams(
                    capabilities=client_capabilities("visual-studio-code"),
                    root_uri=tmp_path.as_uri(),
                )
            ),
            LSP_TIMEOUT,
        )
        assert result.server_info is not None
        assert (result.server_info.name, result.server_info.version) == ("devfocus", VERSION)
        commands = result.capabilities.execute_command_provider
        assert commands is not None and {"devfocus.status", "devfocus.report"} <= set(
            commands.commands
        )
        await asyncio.wait_for(client.shutdown_session(), LSP_TIMEOUT)
        assert client._server is not None and client._server.returncode == 0
    finally:
        server = client._server  # the process (pygls keeps it here)
        if server is not None and server.returncode is None:
            server.kill()  # a check failed before `exit`: stop() would wait for it forever
        await client.stop()


def _python_version(installed: Installed) -> str:
    probe = "import platform; print(platform.python_version())"
    return subprocess.run(
        [installed.python, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
