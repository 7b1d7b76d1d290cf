"""The work a bundle's first start leaves for later (see devfocus.bundled): unpacking the
payload, which an import may wait for, and the background process that unpacks it all, writes
the start-up byte code beside its files and compiles the rest. Imported only when there is
such work, so that the module every start imports stays small."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from devfocus.bundled import (
    ENV,
    STAGES,
    Bundle,
    active,
    bytecode_marker,
    compiled_marker,
    file_holds,
    marker_matches,
    read_bytecode,
    stage_marker,
)

if TYPE_CHECKING:
    import tarfile


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
                if not marker_matches(part, step, bundle.digest)
            }
            if not todo:
                return  # another process did it while this one waited
            for part in bundle.parts:  # what an interrupted unpacking left, from the start
                if not marker_matches(part, STAGES[0], bundle.digest):
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
                stage_marker(part, step).write_bytes(bundle.digest.encode())


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


def write_bytecode(bundle: Bundle) -> None:
    """The start-up files' byte code, written once beside them for the later starts."""
    from importlib.util import cache_from_source

    if file_holds(bytecode_marker(bundle), bundle.digest):
        return
    for name, data in (pair for pairs in read_bytecode(bundle) for pair in pairs):
        destination = Path(cache_from_source(str(bundle.root / name)))
        destination.parent.mkdir(exist_ok=True)
        # Written whole, then renamed: a half-written file would fail an import.
        partial = destination.with_name(f"{destination.name}.{os.getpid()}")
        partial.write_bytes(data)
        os.replace(partial, destination)
    bytecode_marker(bundle).write_bytes(bundle.digest.encode())


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
    bundle = active()
    if bundle is None:
        raise SystemExit(f"{ENV} is not set: nothing to unpack")
    _compile_and_unpack(bundle, sys.stderr)


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
    if bundle.bytecode is not None and bundle.unpacked == bundle.root / "unpacked":
        try:  # for the next starts, which read the start-up modules' byte code from the files
            write_bytecode(bundle)
        except Exception as error:  # a full disk, a damaged archive: they compile, as before
            print(f"devfocus: the bundle's byte code was not written: {error}", file=log)
    _lower_priority()  # compiling the rest may take its time
    # Everything, the start-up files too: their checked-hash byte code becomes time-stamped,
    # which a start checks without reading and hashing the source.
    folders = [bundle.root / "libs", bundle.root / "native" / bundle.tag, *bundle.parts]
    for folder in folders:
        if folder.is_dir():  # a file this Python cannot compile stays source: not worth a retry
            compileall.compile_dir(str(folder), quiet=2, workers=1)
    compiled_marker(bundle).write_bytes(bundle.digest.encode())
