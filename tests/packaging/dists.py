"""The project's packaging facts the tests check against, and how they build the sdist and the
wheel: once per run, by ``python -m build`` from the checkout as a release is (the sdist first,
then the wheel from the unpacked sdist, which proves the sdist holds what rebuilding needs)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.artifacts import ROOT, artifacts_dir
from tests.system import announce, ensure, run_logged

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest and build both need tomli before 3.11
    import tomli as tomllib

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
PACKAGE_JSON: dict[str, Any] = json.loads((ROOT / "package.json").read_text())
VERSION: str = PYPROJECT["project"]["version"]
# What only the `ai` and `postgres` extras may bring.
OPTIONAL_SDKS = frozenset({"anthropic", "openai", "psycopg"})
BUILD_TIMEOUT = 600.0


@dataclass(frozen=True)
class Dists:
    sdist: Path
    wheel: Path


def logs_dir() -> Path:
    """``.test-artifacts/packaging/``: the build's and each install's whole output."""
    return artifacts_dir("packaging")


def build(out: Path) -> Dists:
    log = artifacts_dir("packaging", fresh=True) / "build.log"
    started = time.monotonic()
    # build makes its own isolated environment with the [build-system] requirements.
    run_logged(
        [sys.executable, "-m", "build", "--outdir", out, ROOT],
        log,
        "python -m build",
        cwd=out,
        timeout=BUILD_TIMEOUT,
    )
    announce(f"packaging: built the sdist and the wheel in {time.monotonic() - started:.1f} s")
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Dists(sdist=sdist, wheel=wheel)


def git_files(folder: str) -> list[str]:
    """The files git tracks under ``folder``, plus the new ones it does not ignore: what hatch
    packs from a checkout."""
    listed = subprocess.run(
        [ensure("git"), "ls-files", "--cached", "--others", "--exclude-standard", "--", folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]
