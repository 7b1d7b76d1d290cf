"""Bundle the DevFocus server and its dependencies for the VS Code extension.

python scripts/bundle_server.py [--out bundled] [--python 3.12 ...]

The extension runs ``python -m devfocus serve`` on whatever Python 3.10+ the user has, with
these folders on PYTHONPATH (so nothing has to be installed, and it works offline):

    bundled/libs/          devfocus and every pure-Python dependency, for all versions
    bundled/native/cpXY/   what CPython X.Y needs of its own: the dependencies with compiled
                           parts (libcst, PyYAML, and pydantic-core and jiter of the AI SDKs)
                           built for it on this platform, and releases that differ by version
                           (SQLAlchemy 2.0 for 3.10); never also in libs/
    bundled/manifest.json  {"devfocus", "platform", "pythons", "native"}: the client reads
                           "pythons" to refuse an interpreter this build has nothing for;
                           "native" lists each version's own distributions

The server is bundled with the extras in EXTRAS: `ai` brings the official `anthropic` and `openai`
SDKs, so a provider set in VS Code works without installing anything (they are imported only
when a model is asked). The .vsix is built per platform (linux-x64, darwin-arm64, ...); each
holds every supported Python version's compiled parts.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.10", "3.11", "3.12", "3.13", "3.14")
# pyproject.toml's optional dependencies the extension ships with.
EXTRAS = ("ai",)
# Not needed to run the server: byte code (Python writes its own), installers' scripts, and the
# test suites that some libraries ship inside their packages.
STRIP_DIRS = ("__pycache__", "tests")
STRIP_SUFFIXES = (".pyc", ".pyo")


def pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr}")


def vscode_platform() -> str:
    """VS Code's name for this platform: linux-x64, darwin-arm64, win32-x64..."""
    system = {"Linux": "linux", "Darwin": "darwin", "Windows": "win32"}.get(platform.system())
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    return f"{system or platform.system().lower()}-{arch or machine}"


def distributions(libs: Path) -> dict[str, tuple[str, bool, Path]]:
    """Installed distributions in ``libs``: name → (version, pure, dist-info folder)."""
    found = {}
    for info in sorted(libs.glob("*.dist-info")):
        meta = HeaderParser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
        wheel = HeaderParser().parsestr((info / "WHEEL").read_text(encoding="utf-8"))
        pure = wheel.get("Root-Is-Purelib", "true").strip().lower() == "true"
        found[meta["Name"]] = (meta["Version"], pure, info)
    return found


def remove_distribution(libs: Path, info: Path) -> None:
    """Every file the distribution installed (its RECORD), then the folders left empty."""
    folders = set()
    for line in (info / "RECORD").read_text(encoding="utf-8").splitlines():
        relative = line.rsplit(",", 2)[0]
        path = (libs / relative).resolve()
        if not relative or libs.resolve() not in path.parents:
            continue
        path.unlink(missing_ok=True)
        folders.update(p for p in path.parents if libs.resolve() in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        shutil.rmtree(folder / "__pycache__", ignore_errors=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    shutil.rmtree(info, ignore_errors=True)


def strip(staging: Path) -> None:
    for tree in [staging / "libs", *(staging / "native").iterdir()]:
        for name in ("bin", "include"):  # what pip --target puts beside the packages
            shutil.rmtree(tree / name, ignore_errors=True)
    for path in sorted(staging.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and path.name in STRIP_DIRS:
            shutil.rmtree(path)
        elif path.is_file() and path.suffix in STRIP_SUFFIXES:
            path.unlink()


def size_mb(tree: Path) -> float:
    return sum(p.stat().st_size for p in tree.rglob("*") if p.is_file()) / 1e6


def pip_install(target: Path, python: str, *requirements: str, pure: bool = False) -> None:
    """Wheels only, resolved for ``python`` (and this platform, unless ``pure``)."""
    platform_args = ["--platform", "any", "--implementation", "py"] if pure else []
    pip(
        "install",
        "--quiet",
        "--no-compile",
        "--only-binary=:all:",
        "--python-version",
        python,
        *platform_args,
        *(["--no-deps"] if pure else []),
        "--target",
        str(target),
        *requirements,
    )


def prefer_pure(tree: Path, python: str) -> None:
    """Replaces each distribution with compiled parts by its pure-Python wheel where it has one
    (SQLAlchemy's compiled part only speeds it up): one copy can then serve several versions."""
    for name, (version, pure, info) in distributions(tree).items():
        if pure:
            continue
        remove_distribution(tree, info)
        try:
            pip_install(tree, python, f"{name}=={version}", pure=True)
        except RuntimeError:
            pip_install(tree, python, f"{name}=={version}")  # put the compiled one back


def share(staging: Path, trees: dict[str, Path]) -> None:
    """Moves each pure distribution that every version resolved to the same release into
    libs/; the rest stay in their version's folder."""
    libs = staging / "libs"
    libs.mkdir()
    per_version = {python: distributions(tree) for python, tree in trees.items()}
    first_python, first = next(iter(per_version.items()))
    for name, (version, pure, info) in first.items():
        same = all(
            found.get(name, ("", False, None))[:2] == (version, True)
            for found in per_version.values()
        )
        if not (pure and same):
            continue
        tree = trees[first_python]
        for path in _installed(tree, info):  # RECORD lists the .dist-info's files too
            destination = libs / path.relative_to(tree)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), str(destination))
        for python, found in per_version.items():
            if python != first_python:
                remove_distribution(trees[python], found[name][2])
    _prune_empty(trees[first_python])


def _installed(tree: Path, info: Path) -> list[Path]:
    lines = (info / "RECORD").read_text(encoding="utf-8").splitlines()
    paths = (tree / line.rsplit(",", 2)[0] for line in lines if line.strip())
    return [p for p in paths if p.is_file()]


def _prune_empty(tree: Path) -> None:
    for folder in sorted(tree.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and folder.name == "__pycache__":
            shutil.rmtree(folder)
        elif folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def bundle(out: Path, pythons: list[str]) -> dict[str, object]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="devfocus-bundle-") as tmp:
        wheels = Path(tmp) / "wheels"
        pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(ROOT))
        (wheel,) = wheels.glob("devfocus-*.whl")
        requirement = f"devfocus[{','.join(EXTRAS)}] @ {wheel.resolve().as_uri()}"
        staging = Path(tmp) / "bundled"
        trees = {}
        for python in pythons:
            tree = staging / "native" / f"cp{python.replace('.', '')}"
            try:
                pip_install(tree, python, requirement)
            except RuntimeError as error:
                print(f"skipping Python {python}: {str(error).splitlines()[-1]}")
                shutil.rmtree(tree, ignore_errors=True)
                continue
            prefer_pure(tree, python)
            trees[python] = tree
        if not trees:
            raise SystemExit("no Python version could be bundled")
        share(staging, trees)
        strip(staging)
        native = {
            python: {name: v for name, (v, _, _) in distributions(tree).items()}
            for python, tree in trees.items()
        }
        manifest = {
            "devfocus": distributions(staging / "libs")["devfocus"][0],
            "platform": vscode_platform(),
            "pythons": list(trees),
            "native": native,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        shutil.rmtree(out, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(out))
    print(
        f"bundled devfocus {manifest['devfocus']} for Python {', '.join(trees)} "
        f"({manifest['platform']}) into {out}: {size_mb(out):.1f} MB "
        f"in {time.monotonic() - started:.0f} s"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bundled", help="default: bundled/")
    parser.add_argument(
        "--python",
        action="append",
        choices=SUPPORTED,
        help="a Python version to build for (repeatable; default: all supported)",
    )
    args = parser.parse_args(argv)
    bundle(args.out.resolve(), args.python or list(SUPPORTED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
