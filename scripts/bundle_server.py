"""Bundle the DevFocus server and its dependencies for the VS Code extension, per platform.

python scripts/bundle_server.py [--target linux-x64 ...|all] [--out DIR] [--python 3.12 ...]

The extension runs ``python -m devfocus serve`` on whatever Python 3.10+ the user has, with the
bundle on PYTHONPATH, so nothing has to be installed and it works offline. For each VS Code
target the dependencies are resolved from the package index's wheels for that platform and each
supported CPython (never built here; ``uv`` evaluates the target's markers, so Windows gets
colorama and tzdata), then laid out so that each file is stored once:

    libs/                 what starts the server, shared by every version (pure Python, and
                          compiled modules whose file names carry their version tag)
    native/cpXY/          what one CPython version has of its own: a release that differs from
                          the other versions' (SQLAlchemy 2.0 for 3.10), and the metadata of
                          distributions with compiled parts
    payload.tar.xz        everything the server imports only when it needs it (libcst and PyYAML
                          for docstring edits, jedi for types, the AI SDKs), as one solid
                          archive: ``shared/`` and ``cpXY/`` members, unpacked by the server
                          in the background on its first start (devfocus.bundled)
    bytecode-cpXY-cpXZ.xz the byte code of what the server imports before it answers, two
                          CPython versions to an archive: read in memory on the first start,
                          so that start compiles nothing, then written beside the files
                          (devfocus.bundled)
    manifest.json         what was bundled: versions, the wheel tags of every distribution,
                          the payload's modules and digest, the modules the server imports at
                          start in import order, the byte code archives

One archive instead of thousands of small files is what keeps the .vsix small: a zip compresses
each file alone, while the archive compresses the five versions of each compiled library together.
On Linux the extension modules' symbol tables (for debuggers and the linker, not for loading) are
stripped, as auditwheel's --strip does: PyYAML's is 7x its code.

The byte code is written by each CPython version itself: Pyodide, CPython built for WebAssembly,
published on npm for every version (scripts/compile_bytecode.mjs). A CPython's byte code depends
on its version only, and the tests check that this machine's Python writes the same code.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.10", "3.11", "3.12", "3.13", "3.14")
# pyproject.toml's optional dependencies the extension ships with.
EXTRAS = ("ai",)
# Shipped besides them: psycopg's pure-Python build, for a team database (and a PostgreSQL
# devfocus.database.url). It loads the system's libpq; the `postgres` extra's binary build would
# add a compiled copy of libpq and OpenSSL per Python version and platform (4 MB each).
ALSO = ("psycopg>=3.1",)
# Left out: SQLAlchemy 2.0's asyncio support, which DevFocus does not use (2.1 made it an
# extra, so a pip install on Python 3.11+ has none either); one compiled copy per version.
EXCLUDED = ("greenlet",)
# Base requirements the server imports only on first use: they go to the payload with everything
# only they (or the extras) need.
LAZY = ("libcst", "jedi")
# Not needed to run the server: byte code (Python writes its own), installers' scripts and the
# test suites some libraries ship inside their packages.
STRIP_DIRS = ("__pycache__", "tests")
# Left out of the bundle: jedi's stubs of third-party packages (typeshed's `stubs`, 1.4 MB of
# the payload, a tenth of the extension). The standard library's stay; for a third-party call,
# jedi infers from the package itself where it can read it, else the docstring leaves the
# return type out. A pip install keeps them.
UNBUNDLED = ("jedi/third_party/typeshed/stubs",)
STRIP_SUFFIXES = (".pyc", ".pyo")
PAYLOAD = "payload.tar.xz"
# The byte code of the start-up modules for two versions, in import order: xz streams one after
# the other, each one JSON line, [[path, cpXY, size], ...], followed by those files' bytes. The
# streams are small (up to 64 KiB, then twice as much each time up to 256 KiB), so a process
# can start importing from the first while a thread unpacks the next.
BYTECODE = "bytecode-{tags}.xz"
BYTECODE_VERSIONS = 2  # versions to an archive
# What runs before the bundle is found (`python -m devfocus` runs __main__): its byte code is
# shipped as the plain __pycache__ files Python looks for.
AHEAD = ("libs/devfocus/__init__.py", "libs/devfocus/bundled.py", "libs/devfocus/__main__.py")
BYTECODE_FIRST_STREAM = 64 * 1024
BYTECODE_STREAM = 256 * 1024
# The npm packages (package.json) whose CPython compiles for each version.
PYODIDE = ROOT / "node_modules" / "pyodide-{tag}"
# A 64 MiB dictionary holds the five versions of the largest compiled library at once; the
# extreme preset buys another few percent for the same time to unpack.
XZ_PRESET = 9
XZ_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": XZ_PRESET | lzma.PRESET_EXTREME}]
# Extension modules are named per version (``native.cpython-312-darwin.so``,
# ``_yaml.cp312-win_amd64.pyd``): so they can sit side by side in one folder.
VERSION_TAG = re.compile(r"\.(?:cpython-3\d+[^.]*|cp3\d+-[^.]+)(?=\.(?:so|pyd)$)")


@dataclass(frozen=True)
class Target:
    """A VS Code target and the platform wheels are resolved for."""

    name: str  # vsce --target
    uv_platform: str  # uv pip install --python-platform
    system: str  # marker environment: sys_platform / platform_system / platform_machine
    platform_system: str
    machine: str


TARGETS = {
    # VS Code needs glibc 2.28 on Linux (since 1.86) and macOS 11 (since 1.97).
    "linux-x64": Target("linux-x64", "x86_64-manylinux_2_28", "linux", "Linux", "x86_64"),
    "linux-arm64": Target("linux-arm64", "aarch64-manylinux_2_28", "linux", "Linux", "aarch64"),
    "darwin-x64": Target("darwin-x64", "x86_64-apple-darwin", "darwin", "Darwin", "x86_64"),
    "darwin-arm64": Target("darwin-arm64", "aarch64-apple-darwin", "darwin", "Darwin", "arm64"),
    "win32-x64": Target("win32-x64", "x86_64-pc-windows-msvc", "win32", "Windows", "AMD64"),
}


def host_target() -> str:
    """VS Code's name for this machine's platform: linux-x64, darwin-arm64, win32-x64..."""
    import platform

    system = {"Linux": "linux", "Darwin": "darwin", "Windows": "win32"}.get(platform.system())
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    return f"{system or platform.system().lower()}-{arch or machine}"


def run(command: list[str], what: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")


# -- resolving ------------------------------------------------------------------------------------


def uv_install(tree: Path, target: Target, python: str, *requirements: str) -> None:
    """Wheels only, resolved for ``python`` on ``target`` (markers evaluated for it)."""
    env = {**os.environ, "MACOSX_DEPLOYMENT_TARGET": "11.0"}
    command = [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--no-config"]
    command += ["--target", str(tree), "--python-platform", target.uv_platform]
    command += ["--python-version", python, "--only-binary", ":all:", *requirements]
    run(command, f"resolving for Python {python} on {target.name}", env)


NO_PURE_WHEEL: set[tuple[str, str]] = set()


def pure_wheel(tree: Path, python: str, name: str, version: str) -> bool:
    """Installs ``name``'s pure-Python wheel of ``version`` into ``tree`` when the index has one
    (SQLAlchemy's compiled parts only speed it up): one copy then serves every version."""
    if (name, version) in NO_PURE_WHEEL:
        return False
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    command += ["--no-compile", "--only-binary=:all:", "--no-deps", "--platform", "any"]
    command += ["--implementation", "py", "--python-version", python, "--target", str(tree)]
    try:
        run([*command, f"{name}=={version}"], f"the pure wheel of {name} {version}")
    except RuntimeError:
        NO_PURE_WHEEL.add((name, version))
        return False
    return True


@dataclass
class Distribution:
    name: str  # canonical
    version: str
    pure: bool
    tags: list[str]
    info: Path  # its .dist-info folder
    files: list[str]  # paths relative to the tree, from RECORD
    requires: list[str]


def distributions(tree: Path) -> dict[str, Distribution]:
    """The distributions installed in ``tree``, by canonical name."""
    found = {}
    for info in sorted(tree.glob("*.dist-info")):
        meta = HeaderParser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
        wheel = HeaderParser().parsestr((info / "WHEEL").read_text(encoding="utf-8"))
        record = (info / "RECORD").read_text(encoding="utf-8").splitlines()
        files = [line.rsplit(",", 2)[0] for line in record if line.strip()]
        name = canonicalize_name(meta["Name"])
        found[name] = Distribution(
            name=name,
            version=meta["Version"],
            pure=wheel.get("Root-Is-Purelib", "true").strip().lower() == "true",
            tags=wheel.get_all("Tag") or [],
            info=info,
            files=[f for f in files if (tree / f).is_file()],
            requires=meta.get_all("Requires-Dist") or [],
        )
    return found


def remove_distribution(tree: Path, dist: Distribution) -> None:
    for relative in dist.files:
        (tree / relative).unlink(missing_ok=True)
    shutil.rmtree(dist.info, ignore_errors=True)
    prune_empty(tree)


def drop_hashes(record: Path) -> None:
    """RECORD without its hashes and sizes (``path,,``, as the spec allows): they are for
    uninstalling with pip, which never touches a bundle, and random digits compress to nothing
    (jedi's alone, 5,000 files, were 0.7 MB). importlib.metadata's ``files()`` still lists the
    files."""
    lines = record.read_text(encoding="utf-8").splitlines()
    record.write_text("".join(f"{line.rsplit(',', 2)[0]},,\n" for line in lines if line.strip()))


def prune_empty(tree: Path) -> None:
    for folder in sorted(tree.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and (folder.name in STRIP_DIRS or not any(folder.iterdir())):
            shutil.rmtree(folder)


def resolve(wheel: Path, target: Target, pythons: list[str], work: Path) -> dict[str, Path]:
    """One installed tree per Python version that resolves on ``target``. Where versions got
    different releases of a library (SQLAlchemy 2.1 dropped 3.10), the newer versions are
    resolved again with the oldest one's releases, kept where that works: one copy then serves
    every version."""
    requirement = f"devfocus[{','.join(EXTRAS)}] @ {wheel.resolve().as_uri()}"
    trees = {}
    for python in pythons:
        tree = work / f"cp{python.replace('.', '')}"
        try:
            uv_install(tree, target, python, requirement, *ALSO)
        except RuntimeError as error:
            print(f"  skipping Python {python} on {target.name}: {str(error).splitlines()[-1]}")
            shutil.rmtree(tree, ignore_errors=True)
            continue
        trees[python] = tree
    if not trees:
        raise SystemExit(f"no Python version could be bundled for {target.name}")
    oldest, *newer = trees
    releases = {d.name: d.version for d in distributions(trees[oldest]).values()}
    pins = work / "same-releases.txt"
    pins.write_text("".join(f"{name}=={version}\n" for name, version in releases.items()))
    for python in newer:
        found = distributions(trees[python])
        if all(releases.get(name, d.version) == d.version for name, d in found.items()):
            continue
        again = work / f"pinned-{python}"
        try:
            uv_install(again, target, python, "--constraint", str(pins), requirement, *ALSO)
        except RuntimeError:
            shutil.rmtree(again, ignore_errors=True)
            continue
        shutil.rmtree(trees[python])
        again.rename(trees[python])
    for python, tree in trees.items():
        for dist in distributions(tree).values():
            if dist.name in EXCLUDED:
                remove_distribution(tree, dist)
            elif not dist.pure:
                remove_distribution(tree, dist)
                if not pure_wheel(tree, python, dist.name, dist.version):
                    uv_install(tree, target, python, "--no-deps", f"{dist.name}=={dist.version}")
        for dist in distributions(tree).values():
            drop_hashes(dist.info / "RECORD")
        for name in ("bin", "include", "share", *UNBUNDLED):  # beside the packages; see above
            shutil.rmtree(tree / name, ignore_errors=True)
        for path in list(tree.rglob("*")):
            if path.is_file() and path.suffix in STRIP_SUFFIXES:
                path.unlink()
        prune_empty(tree)
        if target.system == "linux":
            strip_symbols(tree)
    return trees


def strip_symbols(tree: Path) -> None:
    """Drops the symbol tables of the ELF extension modules under ``tree`` (what debuggers and
    the static linker read; loading needs only the dynamic symbols, which stay). Mach-O files
    are left alone: stripping one voids its code signature, which macOS on Apple silicon
    requires; Windows wheels keep their symbols in separate .pdb files already."""
    strip = llvm_strip()
    modules = [str(path) for path in sorted(tree.rglob("*.so")) if _is_elf(path)]
    if modules:
        run([strip, "--strip-unneeded", *modules], f"stripping {len(modules)} extension modules")


def _is_elf(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(4) == b"\x7fELF"


def llvm_strip() -> str:
    """llvm-strip: one program that strips ELF files of every architecture."""
    found = shutil.which("llvm-strip")
    if found is None:
        raise SystemExit(
            "bundling for Linux strips the extension modules with llvm-strip: install LLVM "
            "(Debian: apt-get install llvm; ./dev package does it)"
        )
    return found


# -- which distributions start the server --------------------------------------------------------


def lazy_distributions(dists: dict[str, Distribution], target: Target, python: str) -> set[str]:
    """What only the lazily imported requirements and the extras need: the payload's part."""

    def environment(extra: str) -> dict[str, str]:
        return {
            "sys_platform": target.system,
            "platform_system": target.platform_system,
            "platform_machine": target.machine,
            "python_version": python,
            "python_full_version": f"{python}.0",
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "os_name": "nt" if target.system == "win32" else "posix",
            "extra": extra,
        }

    def requirements(name: str, extra: str = "") -> list[str]:
        found = []
        for line in dists[name].requires:
            requirement = Requirement(line)
            marker: Marker | None = requirement.marker
            wanted = marker is None or marker.evaluate(environment(extra))
            if wanted and canonicalize_name(requirement.name) in dists:
                found.append(canonicalize_name(requirement.name))
        return found

    def closure(roots: list[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(requirements(name))
        return seen

    base = requirements("devfocus")
    extras = [name for extra in EXTRAS for name in requirements("devfocus", extra)]
    extras += [canonicalize_name(Requirement(line).name) for line in ALSO]
    startup = {"devfocus"} | closure([n for n in base if n not in LAZY])
    lazy = closure([n for n in base if n in LAZY] + [n for n in extras if n not in base])
    return lazy - startup


# -- layout ---------------------------------------------------------------------------------------


@dataclass
class Layout:
    """Where each file goes: ``shared`` (one copy for all versions) or one version's part."""

    shared: dict[str, Path]  # relative path -> a source file
    own: dict[str, dict[str, Path]]  # python -> relative path -> source file


def lay_out(trees: dict[str, Path], names: set[str], per_version: dict[str, dict]) -> Layout:
    """The files of distributions ``names``: a release most versions resolved to is shared
    (byte-identical files once, version-tagged extension modules side by side, the metadata of
    compiled distributions per version); another release stays in its version's part, where
    it comes first on the module path."""
    layout = Layout(shared={}, own={python: {} for python in trees})
    for name in sorted(names):
        releases = Counter(found[name].version for found in per_version.values() if name in found)
        if not releases:
            continue
        # The release most versions have; on a tie, the newest.
        shared_release = max(releases, key=lambda v: (releases[v], Version(v)))
        sharing = [
            p
            for p, found in per_version.items()
            if name in found and found[name].version == shared_release
        ]
        copies: dict[str, list[tuple[str, Path]]] = defaultdict(list)
        for python in sharing:
            for relative in per_version[python][name].files:
                copies[relative].append((python, trees[python] / relative))
        # A distribution some versions lack stays with those that have it: another version
        # must not find it (greenlet is for 3.10 only).
        conflict = any(name not in found for found in per_version.values())
        shared: dict[str, Path] = {}
        own: dict[str, dict[str, Path]] = defaultdict(dict)
        for relative, sources in copies.items():
            if conflict:
                break
            # The same bytes everywhere, or a compiled module named for its version: side by side
            same = len(sources) == len(sharing) and _identical([s for _, s in sources])
            if same or VERSION_TAG.search(relative):
                shared[relative] = sources[0][1]
            elif ".dist-info/" in relative:
                for python, source in sources:
                    own[python][relative] = source
            else:
                conflict = True
                break
        if conflict:  # a file that differs between versions: each version keeps its own copy
            for python in sharing:
                for relative in per_version[python][name].files:
                    layout.own[python][relative] = trees[python] / relative
        else:
            layout.shared.update(shared)
            for python, files in own.items():
                layout.own[python].update(files)
        for python, found in per_version.items():
            if name in found and found[name].version != shared_release:
                for relative in found[name].files:
                    layout.own[python][relative] = trees[python] / relative
    return layout


def _identical(paths: list[Path]) -> bool:
    first = paths[0].read_bytes()
    return all(p.read_bytes() == first for p in paths[1:])


def copy_files(files: dict[str, Path], destination: Path) -> None:
    for relative, source in files.items():
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def top_level_modules(files: list[str]) -> set[str]:
    """What ``import NAME`` finds among these files: top-level packages and modules."""
    names = set()
    for relative in files:
        first = relative.split("/", 1)[0]
        if first.endswith((".dist-info", ".data", ".pth")):
            continue
        names.add(VERSION_TAG.sub("", first).split(".", 1)[0])
    return names


def write_payload(stages: dict[str, Layout], out: Path) -> None:
    """The payload archive: one folder per stage (``early/``, ``late/``), each with ``shared/``
    and ``cpXY/`` members, the early stage first so it is unpacked from the head of the stream;
    within a stage each file next to its other versions' copies (the order is what lets the
    compressor store them once)."""
    members = []
    for stage, layout in stages.items():
        members += [
            (f"{stage}/shared/{relative}", source, stage)
            for relative, source in layout.shared.items()
        ]
        for python, files in layout.own.items():
            tag = "cp" + python.replace(".", "")
            members += [
                (f"{stage}/{tag}/{relative}", source, stage) for relative, source in files.items()
            ]
    rank = {stage: index for index, stage in enumerate(stages)}

    def order(member: tuple[str, Path, str]) -> tuple[int, str, str]:
        name = member[0].split("/", 2)[2]
        return (rank[member[2]], VERSION_TAG.sub("", name), member[0])

    with (
        lzma.open(out, "wb", format=lzma.FORMAT_XZ, filters=XZ_FILTERS) as xz,
        tarfile.open(fileobj=xz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for name, source, _ in sorted(members, key=order):
            info = tarfile.TarInfo(name)
            data = source.read_bytes()
            info.size = len(data)
            info.mode = 0o755 if os.access(source, os.X_OK) else 0o644
            info.mtime = 0  # the same inputs make the same archive
            tar.addfile(info, io.BytesIO(data))


def write_bytecode(staging: Path, startup: list[str], pythons: list[str]) -> dict[str, str]:
    """The byte code of ``startup`` (paths under ``staging``, in import order) for each of
    ``pythons``, written by that version's CPython: the archives (BYTECODE), and plain
    ``__pycache__`` files for what runs before the bundle is found (AHEAD). Returns cpXY ->
    its archive."""
    startup = [*startup, *(f for f in AHEAD if f not in startup)]
    node = shutil.which("node")
    if node is None:
        raise SystemExit("bundling compiles byte code with node: install Node.js")
    compiled: dict[str, dict[str, bytes]] = {}  # cpXY -> file -> its byte code
    for python in pythons:
        tag = "cp" + python.replace(".", "")
        pyodide = Path(str(PYODIDE).format(tag=tag))
        if not (pyodide / "pyodide.mjs").is_file():
            raise SystemExit(f"{pyodide} is missing: run `npm ci` (./dev package does it)")
        with tempfile.TemporaryDirectory(prefix=f"devfocus-bytecode-{tag}-") as out:
            request = {"source": str(staging), "out": out, "files": startup}
            done = subprocess.run(
                [node, str(ROOT / "scripts" / "compile_bytecode.mjs"), str(pyodide)],
                input=json.dumps(request),
                capture_output=True,
                text=True,
            )
            lines = done.stdout.split()
            if done.returncode != 0 or lines[-1:] != [f"cpython-{tag[2:]}"]:
                raise RuntimeError(
                    f"compiling the start-up byte code for Python {python} failed "
                    f"(got {lines[-1:]}):\n{done.stderr[-4000:]}"
                )
            compiled[tag] = {f: (Path(out) / (f[:-3] + ".pyc")).read_bytes() for f in startup}
    for tag, found in compiled.items():
        for file in AHEAD:
            pyc = staging / file
            pyc = pyc.parent / "__pycache__" / f"{pyc.stem}.cpython-{tag[2:]}.pyc"
            pyc.parent.mkdir(exist_ok=True)
            pyc.write_bytes(found[file])
    startup = [f for f in startup if f not in AHEAD]
    # Two versions to an archive, each file's two side by side: what they share (names,
    # constants, docstrings) is stored once, so two cost 1.4 times one, and a first start
    # unpacks twice what it needs (all five in one archive: 40% smaller, but a first start
    # slower by a tenth).
    tags = list(compiled)
    files = {}
    for pair in (tags[i : i + BYTECODE_VERSIONS] for i in range(0, len(tags), BYTECODE_VERSIONS)):
        name = BYTECODE.format(tags="-".join(pair))
        entries = [(file, tag, compiled[tag][file]) for file in startup for tag in pair]
        with (staging / name).open("wb") as archive:
            for group in _streams(entries):
                index = json.dumps([[f, tag, len(data)] for f, tag, data in group]).encode()
                body = b"".join([index, b"\n", *(data for _, _, data in group)])
                archive.write(lzma.compress(body, format=lzma.FORMAT_XZ, filters=XZ_FILTERS))
        files.update(dict.fromkeys(pair, name))
    return files


def _streams(entries: list[tuple[str, str, bytes]]) -> list[list[tuple[str, str, bytes]]]:
    """``entries`` in groups of up to BYTECODE_FIRST_STREAM bytes, twice as much for each next
    group up to BYTECODE_STREAM; every version of a file in one group, and a file larger than
    that in a group of its own (the modules before and after lsprotocol's 600 kB one must not
    wait for it)."""
    files: dict[str, list[tuple[str, str, bytes]]] = {}
    for entry in entries:
        files.setdefault(entry[0], []).append(entry)
    groups: list[list[tuple[str, str, bytes]]] = [[]]
    size, limit = 0, BYTECODE_FIRST_STREAM
    for versions in files.values():
        grows = sum(len(data) for _, _, data in versions)
        if groups[-1] and size + grows > limit:
            # After a file larger than the limit, small again: the next modules are needed as
            # soon as that one starts running (lsprotocol's types import attrs first).
            limit = BYTECODE_FIRST_STREAM if size > limit else min(limit * 2, BYTECODE_STREAM)
            groups.append([])
            size = 0
        groups[-1] += versions
        size += grows
    return groups


def layout_files(layout: Layout) -> list[str]:
    return list(layout.shared) + [f for files in layout.own.values() for f in files]


def startup_modules(tree: Path) -> list[str]:
    """The files (relative to ``tree``, one version's installed tree) that ``python -m devfocus
    serve`` imports before it answers ``initialize``, in the order it starts importing them:
    they stay plain files, and the bundle carries their byte code. Found by running the server
    from the tree; an empty list (it cannot run here) leaves every start-up library plain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PYTHONPATH"] = str(tree)

    def message(body: dict[str, object]) -> bytes:
        data = json.dumps({"jsonrpc": "2.0", **body}).encode()
        return b"Content-Length: %d\r\n\r\n%s" % (len(data), data)

    with tempfile.TemporaryDirectory(prefix="devfocus-startup-") as tmp:
        work = Path(tmp)
        env["DEVFOCUS_DATA_DIR"] = tmp
        initialize = {"processId": None, "rootUri": work.as_uri(), "capabilities": {}}
        talk = message({"id": 1, "method": "initialize", "params": initialize})
        talk += message({"method": "exit"})
        out = work / "modules.json"
        try:
            subprocess.run(
                [sys.executable, "-s", "-B", "-c", _RECORD_IMPORTS, str(out)],
                input=talk,
                capture_output=True,
                env=env,
                cwd=work,
                timeout=120,
            )
            files = json.loads(out.read_text())
        except (subprocess.TimeoutExpired, OSError, ValueError):
            return []
    root = str(tree) + os.sep
    return list(
        dict.fromkeys(
            Path(f).relative_to(tree).as_posix()
            for f in files
            if f.startswith(root) and f.endswith(".py")
        )
    )


# Runs the server (`python -m devfocus serve`) and writes to argv[1], when it exits, the files
# of the modules it began importing before its first write to stdout (the answer), in order.
_RECORD_IMPORTS = """
import atexit, io, json, runpy, sys

started, answered = [], []
sys.addaudithook(lambda event, args: event == "import" and not answered and started.append(args[0]))


class Answer(io.RawIOBase):
    def writable(self):
        return True

    def write(self, data):
        answered.append(True)
        return stdout.write(data)


stdout = sys.stdout.buffer.raw
sys.stdout = io.TextIOWrapper(io.BufferedWriter(Answer()), write_through=True)


def record(path=sys.argv[1]):
    # A package before its modules: `import a.b` reports a.b first, but runs a first.
    parts = (name.split(".") for name in started)
    names = dict.fromkeys(".".join(p[: i + 1]) for p in parts for i in range(len(p)))
    modules = (sys.modules.get(name) for name in names)
    with open(path, "w") as out:
        json.dump([f for f in (getattr(m, "__file__", None) for m in modules) if f], out)


atexit.register(record)
sys.argv = ["devfocus", "serve"]
runpy.run_module("devfocus", run_name="__main__", alter_sys=True)
"""


# -- one target -----------------------------------------------------------------------------------


def bundle(wheel: Path, target: Target, out: Path, pythons: list[str]) -> dict[str, object]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"devfocus-bundle-{target.name}-") as tmp:
        trees = resolve(wheel, target, pythons, Path(tmp) / "trees")
        per_version = {python: distributions(tree) for python, tree in trees.items()}
        everything = {name for found in per_version.values() for name in found}
        lazy: set[str] = set()
        for python, found in per_version.items():
            lazy |= lazy_distributions(found, target, python)
        # Plain files: what the server imports before it answers (and platformdirs, which
        # finds where to unpack the rest). The early stage: the rest of what it needs at once
        # (SQLAlchemy for the store), unpacked from the head of the archive in a moment.
        host = trees.get(_host(), trees[next(reversed(list(trees)))])
        startup = startup_modules(host)
        owners = {f: d.name for d in distributions(host).values() for f in d.files}
        plain = {"devfocus", "platformdirs"} | {owners[f] for f in startup if f in owners}
        core = everything - lazy
        if not startup:
            plain = core
        start = lay_out(trees, core & plain, per_version)
        stages = {
            "early": lay_out(trees, core - plain, per_version),
            "late": lay_out(trees, lazy, per_version),
        }

        staging = Path(tmp) / "bundled"
        copy_files(start.shared, staging / "libs")
        for python, files in start.own.items():
            copy_files(files, staging / "native" / f"cp{python.replace('.', '')}")
        write_payload(stages, staging / PAYLOAD)
        startup_files = [f"libs/{f}" for f in startup if (staging / "libs" / f).is_file()]
        bytecode = write_bytecode(staging, startup_files, list(trees))
        own = {
            python: {
                k: v for layout in (start, *stages.values()) for k, v in layout.own[python].items()
            }
            for python in trees
        }
        manifest = {
            "devfocus": per_version[next(iter(trees))]["devfocus"].version,
            "platform": target.name,
            "pythons": list(trees),
            "native": {
                python: {
                    d.name: d.version
                    for d in found.values()
                    if not d.pure or _owns_code(d, own[python])
                }
                for python, found in per_version.items()
            },
            "wheels": {
                python: {d.name: {"version": d.version, "tags": d.tags} for d in found.values()}
                for python, found in per_version.items()
            },
            "payload": {
                "file": PAYLOAD,
                "sha256": hashlib.sha256((staging / PAYLOAD).read_bytes()).hexdigest(),
                "stages": {
                    stage: {
                        "distributions": sorted({*core - plain} if stage == "early" else lazy),
                        "modules": sorted(top_level_modules(layout_files(layout))),
                    }
                    for stage, layout in stages.items()
                },
            },
            "startup": startup_files,
            "bytecode": bytecode,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        shutil.rmtree(out, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(out))
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(
        f"bundled devfocus {manifest['devfocus']} for Python {', '.join(trees)} on {target.name}"
        f" into {out}: {files} files, {size_mb(out):.1f} MB"
        f" (payload {(out / PAYLOAD).stat().st_size / 1e6:.1f} MB)"
        f" in {time.monotonic() - started:.0f} s"
    )
    return manifest


def _owns_code(dist: Distribution, own: dict[str, Path]) -> bool:
    """Whether a version keeps its own copy of the distribution's code (another release)."""
    return any(f in own for f in dist.files if ".dist-info/" not in f)


def _host() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def size_mb(tree: Path) -> float:
    return sum(p.stat().st_size for p in tree.rglob("*") if p.is_file()) / 1e6


def build_wheel(work: Path) -> Path:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--quiet"]
    run([*command, "--no-deps", "--wheel-dir", str(work), str(ROOT)], "building devfocus")
    (wheel,) = work.glob("devfocus-*.whl")
    return wheel


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--target",
        action="append",
        choices=[*TARGETS, "all"],
        help="a VS Code target (repeatable; `all`: every one; default: this machine's)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bundled",
        help="default: bundled/ (with several targets: bundled/<target>/)",
    )
    parser.add_argument(
        "--python",
        action="append",
        choices=SUPPORTED,
        help="a Python version to build for (repeatable; default: all supported)",
    )
    args = parser.parse_args(argv)
    chosen = args.target or [host_target()]
    names = list(TARGETS) if "all" in chosen else list(dict.fromkeys(chosen))
    unknown = [name for name in names if name not in TARGETS]
    if unknown:
        parser.error(f"no bundle for {', '.join(unknown)}; targets: {', '.join(TARGETS)}")
    pythons = args.python or list(SUPPORTED)
    with tempfile.TemporaryDirectory(prefix="devfocus-wheel-") as tmp:
        wheel = build_wheel(Path(tmp))
        outs = {n: args.out.resolve() / n if len(names) > 1 else args.out.resolve() for n in names}
        # Compressing the payload takes one core for a minute: the targets share the cores.
        with ProcessPoolExecutor(max_workers=min(len(names), os.cpu_count() or 1)) as pool:
            jobs = [pool.submit(bundle, wheel, TARGETS[n], outs[n], pythons) for n in names]
            for job in jobs:
                job.result()
    return 0


if __name__ == "__main__":
    sys.exit(main())
