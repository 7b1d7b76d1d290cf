"""Helpers shared by the docstring benchmarks (``docs_actions.py``, ``docs_check.py``,
``docs_generate.py``): the files they work on, whole-process timing, pydoclint, and profiles of
DevFocus's CLI in a fresh interpreter."""

from __future__ import annotations

import pstats
import shutil
import subprocess
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from _common import PYTHON, WORK_DIR, profile_by_package, python_env

CLICK_VERSION = "8.1.7"
CLICK_DIR = WORK_DIR / f"click-{CLICK_VERSION}"  # the unzipped wheel
DEVFOCUS_CLI = [PYTHON, "-m", "devfocus"]


def pydecimal_path() -> Path:
    """The standard library's ``_pydecimal.py`` (about 6,400 lines)."""
    import _pydecimal

    return Path(_pydecimal.__file__)


def stdlib_package(name: str) -> Path:
    """The directory of a standard-library package (``email``, ``asyncio``)."""
    module = __import__(name)
    return Path(module.__file__).parent


def pydoclint_cmd() -> list[str]:
    """pydoclint's own console script, next to this interpreter (the project's venv)."""
    script = Path(PYTHON).parent / "pydoclint"
    if script.exists():
        return [str(script)]
    found = shutil.which("pydoclint")
    if found is None:
        raise SystemExit("pydoclint is not installed (it is one of the dev dependencies)")
    return [found]


def click_package() -> Path | None:
    """click 8.1.7's package directory, its wheel downloaded from PyPI (with pip, no
    dependencies) and unzipped into benchmarks/.work the first time; None when that fails."""
    package = CLICK_DIR / "click"
    if (package / "core.py").exists():
        return package
    wheels = WORK_DIR / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    wheel = wheels / f"click-{CLICK_VERSION}-py3-none-any.whl"
    if not wheel.exists():
        print(f"  downloading click=={CLICK_VERSION} (wheel, no dependencies) ...", flush=True)
        done = subprocess.run(
            [
                PYTHON,
                "-m",
                "pip",
                "download",
                f"click=={CLICK_VERSION}",
                "--no-deps",
                "--only-binary",
                ":all:",
                "-d",
                str(wheels),
                "-q",
            ],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0 or not wheel.exists():
            print(f"  could not download click: {done.stderr.decode(errors='replace')[-500:]}")
            return None
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(CLICK_DIR)
    return package


def python_files(directory: Path) -> list[Path]:
    """Every ``.py`` file under ``directory`` (sorted; no caches or hidden directories)."""
    return sorted(
        p
        for p in directory.rglob("*.py")
        if not any(
            part.startswith(".") or part == "__pycache__" for part in p.relative_to(directory).parts
        )
    )


def timed_run(
    cmd: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, bytes, int]:
    """(wall seconds from spawn to exit, stdout and stderr, exit status) of one process; its
    output goes to pipes that are read as it comes."""
    started = time.perf_counter()
    done = subprocess.run(
        list(cmd),
        cwd=cwd,
        env=env if env is not None else python_env(),
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(
            f"{' '.join(map(str, cmd[:4]))} ... exited with {done.returncode}:\n"
            + done.stderr.decode(errors="replace")[-2000:]
        )
    return elapsed, done.stdout + done.stderr, done.returncode


# A fresh interpreter runs DevFocus's CLI under cProfile, imports included.
_PROFILE_CLI = r"""
import cProfile, contextlib, io, sys
out, argv = sys.argv[1], sys.argv[2:]
profiler = cProfile.Profile()
profiler.enable()
from devfocus.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(argv)
profiler.disable()
profiler.dump_stats(out)
"""


def profile_cli(argv: Sequence[str], *, cwd: Path, out: Path, top: int = 25) -> pstats.Stats:
    """cProfile of ``devfocus <argv>`` in a fresh interpreter: by package, then the functions
    with the most cumulative time."""
    subprocess.run(
        [PYTHON, "-c", _PROFILE_CLI, str(out), *argv],
        cwd=cwd,
        env=python_env(),
        stderr=subprocess.DEVNULL,
        check=True,
    )
    stats = pstats.Stats(str(out))
    print_profile(stats, top=top)
    return stats


def print_profile(stats: pstats.Stats, *, top: int = 25) -> None:
    profile_by_package(stats)
    print(f"  cumulative time, top {top} (file:function):")
    rows = []
    for (filename, line, name), (_, _, _, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((cumtime, f"{short(filename)}:{line}:{name}"))
    for seconds, label in sorted(rows, reverse=True)[:top]:
        print(f"    {seconds:7.3f} s  {label}")


def short(filename: str) -> str:
    """A file name without the machine's directories: from the package on."""
    if filename == "~" or filename.startswith("<"):
        return filename
    parts = Path(filename).parts
    for marker in ("site-packages", "server"):
        if marker in parts:
            return "/".join(parts[parts.index(marker) + 1 :])
    stdlib = [i for i, part in enumerate(parts[:-1]) if part.startswith("python3")]
    if stdlib:
        return "stdlib/" + "/".join(parts[stdlib[-1] + 1 :])
    return Path(filename).name
