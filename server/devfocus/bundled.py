"""The server as the VS Code extension ships it: the libraries that start it as plain files, and
those it imports only on first use (libcst, jedi, the AI SDKs) in one compressed archive,
``payload.tar.xz``, built by scripts/bundle_server.py.

Active only when ``DEVFOCUS_BUNDLE`` names the bundle's folder (the extension sets it, with the
bundle's plain folders on PYTHONPATH). Then every DevFocus process (the server, its parser
process) looks for the payload's libraries in ``unpacked/shared`` and ``unpacked/cpXY`` (beside
the bundle, or in the user's cache folder when the extension's folder is read-only), and:

- until the byte code the bundle carries (``bytecode-*.xz``) of what the server imports before
  it answers is written beside those files, a process reads this Python's from the archive in
  memory: even the first start compiles nothing;
- ``start_background`` (the server, once it has answered ``initialize``) runs one process
  (devfocus.bundle_unpack): it unpacks this Python's part of the payload (at normal priority:
  an import may be waiting for it), writes the start-up byte code beside its files, then
  compiles the rest at low priority;
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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec, SourceFileLoader  # loaded with the interpreter
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

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
    bytecode: Path | None  # this Python's byte code of the start-up files, when the bundle has it

    @property
    def parts(self) -> tuple[Path, Path]:
        """This interpreter's unpacked folders, in module-path order."""
        return self.unpacked / self.tag, self.unpacked / "shared"

    def is_unpacked(self, stage: str = STAGES[-1]) -> bool:
        """Whether ``stage`` and the stages before it are unpacked for this interpreter."""
        return all(marker_matches(part, stage, self.digest) for part in self.parts)


def load(root: Path) -> Bundle:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    payload = manifest["payload"]
    digest = str(payload["sha256"])
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    bytecode = manifest.get("bytecode", {}).get(tag)
    modules = {module: stage for stage in STAGES for module in payload["stages"][stage]["modules"]}
    return Bundle(
        root=root,
        tag=tag,
        payload=root / payload["file"],
        digest=digest,
        modules=modules,
        startup=tuple(manifest.get("startup", ())),
        unpacked=_unpack_folder(root, digest),
        bytecode=root / bytecode if bytecode else None,
    )


def _unpack_folder(root: Path, digest: str) -> Path:
    """``unpacked/`` beside the bundle when the extension's folder is writable (it goes with the
    extension when VS Code removes it), else a folder of the user's cache named by the digest."""
    beside = root / "unpacked"
    # Once this payload is unpacked there, every later process knows without trying a write.
    if marker_matches(beside / "shared", STAGES[-1], digest) or _writable(beside):
        return beside
    from platformdirs import user_cache_dir  # plain in every bundle: it starts the server

    return Path(user_cache_dir("devfocus", appauthor=False)) / "bundle" / digest[:16]


def _writable(folder: Path) -> bool:
    """Whether files can be made in ``folder`` (tried: permission bits do not tell for root, a
    read-only mount or an immutable folder)."""
    probe = folder / f".probe-{os.getpid()}"
    try:
        folder.mkdir(exist_ok=True)
        os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        probe.unlink()
        return True
    except OSError:
        return False


_active: Bundle | None = None


def active() -> Bundle | None:
    """The bundle this process runs from, once ``activate`` found it."""
    return _active


def activate() -> Bundle | None:
    """Put the payload's folders on the module path, make an import of a payload library
    wait until it is unpacked, and serve the start-up modules' shipped byte code until it is
    written. Idempotent; None when not running from a bundle."""
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
    serve_bytecode(bundle)
    _active = bundle
    return bundle


def bytecode_marker(bundle: Bundle) -> Path:
    return bundle.unpacked / f".bytecode-{bundle.tag}"


def serve_bytecode(bundle: Bundle) -> None:
    """Until the byte code the bundle carries for this Python is written beside the start-up
    files (the first start's background process does that once the payload is unpacked),
    this process imports them from the archive, unpacked in memory by a thread while it
    starts: a first start compiles nothing. A bundle in a read-only folder does this on every
    start."""
    if (
        bundle.bytecode is None
        or os.environ.get(_BACKGROUND)  # it imports nothing it would help with
        or file_holds(bytecode_marker(bundle), bundle.digest)
    ):
        return
    shipped = _ShippedBytecode(bundle)
    # The thread hands over each stream it unpacks within a millisecond, not Python's default
    # five, while the imports run (the server sets this for itself in any case).
    sys.setswitchinterval(0.001)
    sys.meta_path.insert(0, shipped)
    threading.Thread(target=shipped.decode, name="devfocus-bytecode", daemon=True).start()


class _ShippedBytecode:
    """A meta path finder for the start-up modules, while their byte code comes from the
    bundle's archive: it hands them to the standard source loader with the archive's bytes in
    place of a ``__pycache__`` file (checked-hash: compared with the source as usual)."""

    WAIT = 10.0  # seconds; past that the import goes on and Python compiles the module

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.names = {_module_name(name) for name in bundle.startup}
        self.sources: dict[str, str] = {}  # module name -> its source file
        self.bytecode: dict[str, bytes] = {}  # the byte code file a loader reads -> its bytes
        self.done = False
        self.changed = threading.Condition()
        # What the thread uses, imported here: an import in the thread would wait for the
        # import lock, which an import held back by this finder holds.
        import lzma  # noqa: F401
        from importlib.util import cache_from_source, spec_from_file_location

        self.cache_from_source = cache_from_source
        self.spec_from_file_location = spec_from_file_location

    def decode(self) -> None:
        try:
            for pairs in read_bytecode(self.bundle):
                found = {self.cache_from_source(str(self.bundle.root / n)): d for n, d in pairs}
                with self.changed:
                    self.bytecode.update(found)
                    self.sources.update(
                        (_module_name(n), str(self.bundle.root / n)) for n, _ in pairs
                    )
                    self.changed.notify_all()
        except Exception as error:  # a damaged archive (lzma's own error): Python compiles
            print(f"devfocus: the bundle's byte code is unusable: {error}", file=sys.stderr)
        finally:
            with self.changed:
                self.done = True
                self.changed.notify_all()

    def wait(self, until: Callable[[], bool]) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: until() or self.done, timeout=self.WAIT)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.names or not self.wait(lambda: fullname in self.sources):
            return None
        source = self.sources.get(fullname)
        if source is None:
            return None  # this version has its own copy (native/cpXY): the path finder's
        loader = _ShippedLoader(fullname, source, self.bytecode)
        return self.spec_from_file_location(fullname, source, loader=loader)


class _ShippedLoader(SourceFileLoader):
    """Python's source loader, reading the byte code from the bundle's archive instead of a
    ``__pycache__`` file."""

    def __init__(self, fullname: str, path: str, bytecode: dict[str, bytes]) -> None:
        super().__init__(fullname, path)
        self.bytecode = bytecode

    def get_data(self, path: str) -> bytes:
        found = self.bytecode.get(path)
        return found if found is not None else super().get_data(path)


def _module_name(relative: str) -> str:
    """The module a start-up file holds: libs/a/b/__init__.py is a.b, libs/a/c.py a.c."""
    parts = PurePosixPath(relative).with_suffix("").parts[1:]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def read_bytecode(bundle: Bundle) -> Iterator[list[tuple[str, bytes]]]:
    """This Python's (start-up file, byte code) pairs from the bundle's archive (BYTECODE in
    scripts/bundle_server.py), one stream at a time, each decompressed in one call (which lets
    other threads run)."""
    import lzma

    assert bundle.bytecode is not None
    data = bundle.bytecode.read_bytes()
    while data:
        decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        head, _, body = decompressor.decompress(data).partition(b"\n")
        data = decompressor.unused_data
        if not decompressor.eof:
            raise ValueError(f"{bundle.bytecode.name} is cut short")
        pairs, offset = [], 0
        for name, tag, size in json.loads(head):
            if name not in bundle.startup or offset + size > len(body):
                raise ValueError(f"{bundle.bytecode.name} is damaged at {name!r}")
            if tag == bundle.tag:
                pairs.append((name, body[offset : offset + size]))
            offset += size
        yield pairs


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
            from devfocus.bundle_unpack import unpack

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


def stage_marker(part: Path, stage: str) -> Path:
    return part / f"{COMPLETE}-{stage}"


def marker_matches(part: Path, stage: str, digest: str) -> bool:
    return file_holds(stage_marker(part, stage), digest)


def file_holds(path: Path, digest: str) -> bool:
    """Whether the marker file ``path`` says its work was done for the payload of ``digest``."""
    try:  # bytes: no codec to import while an import waits
        return path.read_bytes() == digest.encode()
    except OSError:
        return False


# -- the background work of a first start -------------------------------------------------------


_UNPACK = "from devfocus import bundle_unpack; bundle_unpack.background()"
_BACKGROUND = "DEVFOCUS_BUNDLE_BACKGROUND"  # set in the background process's environment


def start_background(bundle: Bundle) -> subprocess.Popen[bytes] | None:
    """The first start's background process (none when a previous start did it all): it
    unpacks the payload, then compiles the rest at low priority. Its messages go to the
    server's log (stderr), never to stdout, the protocol."""
    global _started
    if _started or (bundle.is_unpacked() and _compiled(bundle)):
        return None
    _started = True
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}  # timestamp pycs
    env[_BACKGROUND] = "1"
    # Its own session: it goes on unpacking and compiling if the server is stopped meanwhile.
    detached: dict[str, Any] = {"start_new_session": True}
    if sys.platform == "win32":
        detached = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    command = [sys.executable, "-c", _UNPACK]
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        env=env,
        close_fds=True,
        **detached,
    )


_started = False


def compiled_marker(bundle: Bundle) -> Path:
    return bundle.unpacked / f".compiled-{bundle.tag}"


def _compiled(bundle: Bundle) -> bool:
    return file_holds(compiled_marker(bundle), bundle.digest)
