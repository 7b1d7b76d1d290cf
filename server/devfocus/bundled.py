"""The server as the VS Code extension ships it: the libraries that start it as plain files, and
those it imports only on first use (libcst, jedi, the AI SDKs) in one compressed archive,
``payload.tar.xz``, built by scripts/bundle_server.py.

Active only when ``DEVFOCUS_BUNDLE`` names the bundle's folder (the extension sets it, with the
bundle's plain folders on PYTHONPATH). Then every DevFocus process (the server, its parser
process) looks for the payload's libraries in ``unpacked/shared`` and ``unpacked/cpXY`` (beside
the bundle, or in the user's cache folder when the extension's folder is read-only), and:

- ``start_background`` (the server, first thing) runs one process: it compiles the byte code
  of what the server imports at start, in the server's order and without running it, so it
  gets ahead and the server finds most of it compiled; then it unpacks this Python's part of
  the payload (at normal priority: an import may be waiting for it), and compiles the rest at
  low priority;
- an import of a payload library before it is unpacked waits for it, or unpacks it itself if
  nobody is doing it (a lock file keeps two processes, or two editor windows, from unpacking at
  once, and a crash half-way is redone on the next start).

Standard library only, and cheap to import: it runs before anything else in every process.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tarfile

ENV = "DEVFOCUS_BUNDLE"
COMPLETE = ".complete"


# The payload's stages, in archive order: ``early`` holds what the server needs right after it
# answers (SQLAlchemy for the store), at the head of the stream, so it is out in a moment;
# ``late`` the libraries of features used later.
STAGES = ("early", "late")


@dataclass(frozen=True)
class Bundle:
    root: Path  # the bundle's folder: manifest.json, libs/, native/, the payload
    tag: str  # this interpreter's part: cp312
    payload: Path
    digest: str  # the payload's sha256: an unpacked copy of another payload is never used
    modules: dict[str, str]  # the payload's top-level modules -> their stage
    startup: tuple[str, ...]  # files the server imports at start, in order (relative to root)
    unpacked: Path  # holds shared/ and cpXY/

    @property
    def parts(self) -> tuple[Path, Path]:
        """This interpreter's unpacked folders, in module-path order."""
        return self.unpacked / self.tag, self.unpacked / "shared"

    def is_unpacked(self, stage: str = STAGES[-1]) -> bool:
        """Whether ``stage`` and the stages before it are unpacked for this interpreter."""
        return all(_marker_matches(part, stage, self.digest) for part in self.parts)


def load(root: Path) -> Bundle:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    payload = manifest["payload"]
    digest = str(payload["sha256"])
    modules = {module: stage for stage in STAGES for module in payload["stages"][stage]["modules"]}
    return Bundle(
        root=root,
        tag=f"cp{sys.version_info.major}{sys.version_info.minor}",
        payload=root / payload["file"],
        digest=digest,
        modules=modules,
        startup=tuple(manifest.get("startup", ())),
        unpacked=_unpack_folder(root, digest),
    )


def _unpack_folder(root: Path, digest: str) -> Path:
    """``unpacked/`` beside the bundle when the extension's folder is writable (it goes with the
    extension when VS Code removes it), else a folder of the user's cache named by the digest."""
    beside = root / "unpacked"
    # Once this payload is unpacked there, every later process knows without trying a write.
    if _marker_matches(beside / "shared", STAGES[-1], digest) or _writable(beside):
        return beside
    from platformdirs import user_cache_dir  # plain in every bundle: it starts the server

    return Path(user_cache_dir("devfocus", appauthor=False)) / "bundle" / digest[:16]


def _writable(folder: Path) -> bool:
    """Whether files can be made in ``folder`` (tried: permission bits do not tell for root, a
    read-only mount or an immutable folder)."""
    import tempfile

    try:
        folder.mkdir(exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


_active: Bundle | None = None


def active() -> Bundle | None:
    """The bundle this process runs from, once ``activate`` found it."""
    return _active


def activate() -> Bundle | None:
    """Put the payload's folders on the module path, and make an import of a payload library
    wait until it is unpacked. Idempotent; None when not running from a bundle."""
    global _active
    if _active is not None or not os.environ.get(ENV):
        return _active
    bundle = load(Path(os.environ[ENV]))
    for part in bundle.parts:
        # The folders must exist before an import looks at them: a missing folder is cached as
        # "nothing here" for the life of the process.
        part.mkdir(parents=True, exist_ok=True)
        if str(part) not in sys.path:
            sys.path.append(str(part))
    if not bundle.is_unpacked():
        sys.meta_path.insert(0, _WaitForPayload(bundle))
    _active = bundle
    return bundle


class _WaitForPayload:
    """Holds back the first import of a payload library until the payload is unpacked (a meta
    path finder: importlib.abc's base class would cost its import in every process)."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> None:
        # Only a payload library's own name gets past this line: anything else (the codecs an
        # open() below imports, say) must not come back here.
        stage = self.bundle.modules.get(fullname) if path is None else None
        if stage is None:
            return
        if not self.bundle.is_unpacked(stage):
            try:
                unpack(self.bundle, stage)
            except Exception as error:  # a damaged archive, a full disk: say what to do
                raise ImportError(
                    f"DevFocus could not unpack {fullname} from {self.bundle.payload} into "
                    f"{self.bundle.unpacked}: {error}. Free some space, or reinstall the "
                    "extension if the file is damaged.",
                    name=fullname,
                ) from error
            importlib.invalidate_caches()
        if self.bundle.is_unpacked():
            with contextlib.suppress(ValueError):
                sys.meta_path.remove(self)
        # None: the path finder imports it, from the unpacked folders


_unpacking = threading.Lock()


def unpack(bundle: Bundle, stage: str = STAGES[-1]) -> None:
    """This interpreter's part of the payload, and the shared part, unpacked once up to
    ``stage`` (the archive is read from its head and no further than that stage)."""
    import shutil
    import tarfile

    with _unpacking:
        if bundle.is_unpacked(stage):
            return
        bundle.unpacked.mkdir(parents=True, exist_ok=True)
        with _exclusive(bundle.unpacked / ".lock"):
            wanted = STAGES[: STAGES.index(stage) + 1]
            todo = {
                (step, part.name): part
                for step in wanted
                for part in bundle.parts
                if not _marker_matches(part, step, bundle.digest)
            }
            if not todo:
                return  # another process did it while this one waited
            for part in bundle.parts:  # what an interrupted unpacking left, from the start
                if not _marker_matches(part, STAGES[0], bundle.digest):
                    shutil.rmtree(part, ignore_errors=True)
                    # Another process's start may have made it again meanwhile (activate).
                    part.mkdir(parents=True, exist_ok=True)
            with tarfile.open(bundle.payload, mode="r|xz") as archive:
                for member in archive:
                    step, _, rest = member.name.partition("/")
                    top, _, relative = rest.partition("/")
                    if step not in wanted:
                        break  # the stages come in order: the rest is for later
                    into = todo.get((step, top))
                    if into is not None and member.isfile():
                        _extract(archive, member, into, relative)
            for (step, _), part in sorted(todo.items(), key=lambda item: STAGES.index(item[0][0])):
                _marker(part, step).write_bytes(bundle.digest.encode())


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, part: Path, name: str) -> None:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or "\\" in name or ":" in name:
        raise ValueError(f"the bundle's payload holds an unsafe name: {member.name!r}")
    destination = part.joinpath(*relative.parts)
    destination.parent.mkdir(parents=True, exist_ok=True)
    source = archive.extractfile(member)
    assert source is not None  # a regular file
    with source, open(destination, "wb") as out:
        while chunk := source.read(1 << 20):
            out.write(chunk)
    if member.mode & 0o111:
        destination.chmod(0o755)


def _marker(part: Path, stage: str) -> Path:
    return part / f"{COMPLETE}-{stage}"


def _marker_matches(part: Path, stage: str, digest: str) -> bool:
    try:  # bytes: no codec to import while an import waits
        return _marker(part, stage).read_bytes() == digest.encode()
    except OSError:
        return False


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path``, waited for; the system drops it when a holder dies."""
    with open(path, "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            while True:  # LK_LOCK gives up after 10 s: keep waiting, the holder is working
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# -- the background work of a first start -------------------------------------------------------


# The first start's background process. It first races the server, compiling what the server
# imports (no site, no devfocus, nothing but py_compile: it is compiling a few milliseconds after
# it is spawned); only then does it become the unpacker (`background`), so that the two never
# take the server's CPU at once.
_UNPACK = "from devfocus import bundled; bundled.background()"
_COMPILE_AHEAD = (
    "import os, sys, py_compile\n"
    "from importlib.util import cache_from_source\n"
    "for path in sys.argv[2:]:\n"
    "    if not os.path.exists(cache_from_source(path)):\n"
    "        try:\n"
    "            py_compile.compile(path, doraise=True)\n"
    "        except (OSError, py_compile.PyCompileError):\n"
    "            pass\n"
    "os.execv(sys.executable, [sys.executable, '-c', sys.argv[1]])\n"
)


def start_background(bundle: Bundle) -> subprocess.Popen[bytes] | None:
    """The first start's background process (none when a previous start did it all): it
    compiles what the server imports before it answers, in the server's order and without
    running it, so it gets ahead and the server finds most of it compiled; then it unpacks the
    payload, and compiles the rest at low priority. Its messages go to the server's log
    (stderr), never to stdout, the protocol."""
    global _started
    if _started or (bundle.is_unpacked() and _compiled(bundle)):
        return None
    _started = True
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}  # timestamp pycs
    # Its own session: it goes on unpacking and compiling if the server is stopped meanwhile.
    detached: dict[str, Any] = {"start_new_session": True}
    if sys.platform == "win32":
        detached = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    if _compiled(bundle):
        command = [sys.executable, "-c", _UNPACK]
    else:
        startup = [str(bundle.root / relative) for relative in bundle.startup]
        command = [sys.executable, "-S", "-c", _COMPILE_AHEAD, _UNPACK, *startup]
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        env=env,
        close_fds=True,
        **detached,
    )


_started = False


def _compiled_marker(bundle: Bundle) -> Path:
    return bundle.unpacked / f".compiled-{bundle.tag}"


def _compiled(bundle: Bundle) -> bool:
    try:
        return _compiled_marker(bundle).read_bytes() == bundle.digest.encode()
    except OSError:
        return False


def _lower_priority() -> None:
    if sys.platform == "win32":
        import ctypes

        below_normal = 0x4000  # BELOW_NORMAL_PRIORITY_CLASS
        kernel32 = ctypes.windll.kernel32
        kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
    else:
        os.nice(10)


def background() -> None:
    """The background process's work (see start_background)."""
    if _active is None:
        raise SystemExit(f"{ENV} is not set: nothing to unpack")
    _compile_and_unpack(_active, sys.stderr)


def _compile_and_unpack(bundle: Bundle, log: IO[str]) -> None:
    import compileall
    import time

    started = time.monotonic()
    # At normal priority: an import in the server or its parser process may be waiting for it.
    if not bundle.is_unpacked():
        unpack(bundle, STAGES[0])  # what the server is about to need, then the rest
        unpack(bundle)
        print(
            f"devfocus: unpacked the bundled libraries for Python {bundle.tag} into "
            f"{bundle.unpacked} ({time.monotonic() - started:.1f} s)",
            file=log,
        )
    _lower_priority()  # compiling the rest may take its time
    folders = [bundle.root / "libs", bundle.root / "native" / bundle.tag, *bundle.parts]
    for folder in folders:
        if folder.is_dir():  # a file this Python cannot compile stays source: not worth a retry
            compileall.compile_dir(str(folder), quiet=2, workers=1)
    _compiled_marker(bundle).write_bytes(bundle.digest.encode())
