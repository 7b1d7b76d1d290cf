"""Real packages from PyPI, their docstrings stripped, then written again by ``devfocus docs fix``.

The wheels are downloaded once per session. Every docstring is removed from their ``.py`` files,
and each package is fixed once per style, in its own copy; the tests judge those copies.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.judged.real_packages import (
    PACKAGES,
    STYLES,
    TIMEOUT,
    FixedTree,
    count_docstrings,
    python_files,
    strip_docstrings,
    without_docstrings,
)


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pinned wheels, downloaded once for the session."""
    dest = tmp_path_factory.mktemp("wheels")
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary",
        ":all:",  # pure-Python wheels: unpacked with zipfile, nothing is built
        "--disable-pip-version-check",
        "--no-input",
        "--dest",
        str(dest),
        *(f"{package.name}=={package.version}" for package in PACKAGES),
    ]
    out = subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL
    )
    if out.returncode != 0:
        pytest.skip(f"cannot download the packages from PyPI:\n{out.stderr[-2000:]}")
    found: dict[str, Path] = {}
    for package in PACKAGES:
        matches = sorted(dest.glob(f"{package.name}-{package.version}-*.whl"))
        assert matches, f"pip saved no wheel for {package.name}=={package.version}"
        found[package.name] = matches[0]
    return found


@pytest.fixture(scope="session")
def stripped(wheels: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Per package, a directory holding its ``.py`` files with every docstring removed."""
    trees: dict[str, Path] = {}
    for package in PACKAGES:
        root = tmp_path_factory.mktemp(f"{package.name}-stripped")
        # Only the sources: stub files (attrs ships some) carry no docstrings, and ruff's D
        # rules ask for none there.
        with zipfile.ZipFile(wheels[package.name]) as wheel:
            for member in wheel.namelist():
                if member.split("/", 1)[0] in package.imports and member.endswith(".py"):
                    wheel.extract(member, root)
        files = python_files(root, package.imports)
        assert files, f"no Python files in the {package.name} wheel"
        had = 0
        for path in files:
            source = path.read_bytes().decode("utf-8")
            original = ast.parse(source)
            had += count_docstrings(original)
            text = strip_docstrings(source)
            tree = ast.parse(text, filename=str(path))  # still parses
            assert count_docstrings(tree) == 0, f"{path}: a docstring is left"
            assert ast.dump(tree) == ast.dump(without_docstrings(original)), (
                f"{path}: stripping changed more than the docstrings"
            )
            path.write_bytes(text.encode("utf-8"))
        assert had > 50, f"{package.name}: only {had} docstrings to strip"
        trees[package.name] = root
    return trees


@pytest.fixture(
    scope="session",
    params=[
        pytest.param((package, style), id=f"{package.name}-{style}")
        for package in PACKAGES
        for style in STYLES
    ],
)
def fixed(
    request: pytest.FixtureRequest,
    stripped: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> FixedTree:
    """A fresh copy of one stripped package, after ``devfocus docs fix`` in one style."""
    package, style = request.param
    root = tmp_path_factory.mktemp(f"{package.name}-{style}")
    for name in package.imports:
        shutil.copytree(stripped[package.name] / name, root / name)
    data_dir = tmp_path_factory.mktemp("devfocus-data")
    tree = FixedTree(package, style, root, stripped[package.name], data_dir)
    tree.fix = tree.devfocus("fix")
    return tree
