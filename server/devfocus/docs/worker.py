"""A separate process for the parsing that can crash or blow up, so that it never takes down the
language server or stops a CLI run over other files.

libcst's native parser segfaults on some input Python's own parser accepts (a chain of ten
thousand ``and``), and takes tens of seconds and gigabytes on a one-line megabyte literal;
Python's parser holds the interpreter for seconds on a multi-megabyte module. So these run here:
one process, started on first use, that answers one request at a time over pipes (libcst loads
while the first ones are answered). It runs with an address-space limit, each request with a
time limit (past it the process is killed); a process that dies is replaced on the next request,
and the request that killed it gets a clear reason. A process that grew large is replaced after
it answers, so memory returns to the system.

Requests name an operation of :data:`OPERATIONS` and carry plain data (pickled both ways: both
ends are this package, and nothing from the worker is executed).
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import gc
import importlib
import logging
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# name -> (module, function), imported in the worker only when first asked for.
OPERATIONS: dict[str, tuple[str, str]] = {
    "insert_docstring": ("devfocus.docs.cst", "insert_docstring"),
    "analyse_document": ("devfocus.app.docstrings", "analyse_document"),
    "portable_facts": ("devfocus.app.docstrings", "portable_facts"),
    "parses": ("devfocus.docs.edits", "parses"),
}
MEMORY_LIMIT_BYTES = 2 * 1024**3
RECYCLE_RSS_BYTES = 384 * 1024**2
DEFAULT_TIMEOUT_SECONDS = 20.0
# The first call of an operation in a process also pays for the process's start and the
# operation's imports: libcst, which on the first start of the VS Code bundle waits for the
# payload to be unpacked.
FIRST_CALL_TIMEOUT_SECONDS = 90.0
_HEADER = struct.Struct(">Q")
TOO_DEEP = "it is nested or chained too deeply to parse"
TOO_BIG = "parsing it needs more memory than DevFocus allows"
# Started as ``python -c``: the first path entry is then the working directory, which may be the
# user's repository (editors start servers there); it goes before anything is imported, so no
# file of the repository can stand in for a module.
_BOOTSTRAP = (
    "import sys\n"
    "if sys.path[:1] == ['']: del sys.path[0]\n"
    "from devfocus.docs.worker import serve\n"
    "serve(int(sys.argv[1]))\n"
)


class Refusal(Exception):
    """Raised by an operation that declines its input; the message goes to the user as it is."""


class WorkerFailed(Exception):
    """The request got no answer: the process crashed, ran out of memory or time."""


class WorkerRefused(Exception):
    """The operation declined its input (libcst cannot parse it, for example)."""


@dataclass
class _Running:
    process: subprocess.Popen[bytes]
    stderr: collections.deque[str]  # its last lines on stderr (why it died, if it said)
    drain: threading.Thread
    # The modules of the operations it has answered (their imports are done).
    imported: set[str] = field(default_factory=set)


class ParserProcess:
    """The client side: ``call(operation, *args)`` runs it in the worker and returns its result,
    or raises :class:`WorkerRefused` / :class:`WorkerFailed`. Thread-safe (one request at a
    time)."""

    def __init__(
        self, memory_limit: int = MEMORY_LIMIT_BYTES, timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self.memory_limit = memory_limit
        self.timeout = timeout
        self.starts = 0  # processes started so far
        self._running: _Running | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        running = self._running
        if running is None or running.process.poll() is not None:
            return None
        return running.process.pid

    def start(self) -> None:
        """Start the process now if it is not running (a warm-up; ``call`` starts it anyway)."""
        with self._lock:
            self._ensure()

    def call(self, operation: str, *args: Any, timeout: float | None = None) -> Any:
        limit = self.timeout if timeout is None else timeout
        request = pickle.dumps((operation, args), protocol=5)
        with self._lock:
            running = self._ensure()
            process = running.process
            assert process.stdin is not None and process.stdout is not None
            module = OPERATIONS[operation][0] if operation in OPERATIONS else operation
            if module not in running.imported:
                limit = max(limit, FIRST_CALL_TIMEOUT_SECONDS)
            deadline = time.monotonic() + limit
            try:
                _write_frame(process.stdin.fileno(), request, deadline)
                frame = _read_frame(process.stdout.fileno(), deadline)
            except TimeoutError:
                self._stop(running)
                raise WorkerFailed(f"gave up after {limit:g} s") from None
            except (EOFError, OSError):
                raise WorkerFailed(self._death(running)) from None
            running.imported.add(module)
            status, value, retire = _loads(frame)
            if retire:
                self._stop(running, wait=True)
        if status == "ok":
            return value
        if status == "refused":
            raise WorkerRefused(value)
        raise WorkerFailed(value)

    def close(self) -> None:
        with self._lock:
            if self._running is not None:
                self._stop(self._running, wait=True)

    # -- the process ---------------------------------------------------------------------------
    def _ensure(self) -> _Running:
        running = self._running
        if running is not None and running.process.poll() is None:
            return running
        process = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, str(self.memory_limit)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            close_fds=True,
        )
        assert process.stdin is not None
        os.set_blocking(process.stdin.fileno(), False)  # writes wait with a deadline
        lines: collections.deque[str] = collections.deque(maxlen=20)
        drain = threading.Thread(
            target=_drain, args=(process, lines), name="devfocus-parser-stderr", daemon=True
        )
        drain.start()
        self._running = _Running(process, lines, drain)
        self.starts += 1
        log.debug("parser process %d started", process.pid)
        return self._running

    def _stop(self, running: _Running, wait: bool = False) -> None:
        if self._running is running:
            self._running = None
        process = running.process
        if process.stdin is not None:
            with contextlib.suppress(OSError):  # a polite stop: the worker exits at end of input
                process.stdin.close()
        if wait:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=2)
        if process.poll() is None:
            process.kill()
            process.wait()
        running.drain.join(timeout=1)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()

    def _death(self, running: _Running) -> str:
        """Why the process stopped answering, in words."""
        self._stop(running, wait=True)
        code = running.process.returncode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            what = f"crashed ({name})"
        else:
            what = f"stopped (exit status {code})"
        lines = list(running.stderr)
        # A failed allocation aborts after a few lines about backtraces: the first one says why.
        said = next((line for line in lines if "memory" in line), lines[-1] if lines else "")
        return f"{what}: {said}" if said else what


def _resident_bytes(resource: Any) -> int:
    """This process's resident memory now. Not ``ru_maxrss`` on Linux: that high-water mark
    survives exec, so a worker started by a large process (a language server with a long
    history in memory) would read as large from its start and be replaced after every answer."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere


def _loads(frame: bytes) -> Any:
    """``pickle.loads`` with the garbage collector paused: an analysis of thousands of
    definitions is a million new objects, and the collections their creation triggers would
    walk them all again and again (3 s instead of 0.3 s for 27,000 definitions, with the
    interpreter held the whole time)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(frame)
    finally:
        if paused:
            gc.enable()


def _drain(process: subprocess.Popen[bytes], lines: collections.deque[str]) -> None:
    assert process.stderr is not None
    try:
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace").strip()
            if line:
                lines.append(line)
                log.debug("parser process %d: %s", process.pid, line)
    except (OSError, ValueError):
        pass  # closed by _stop


# -- framing ----------------------------------------------------------------------------------
def _wait(fd: int, deadline: float | None, *, write: bool = False) -> None:
    """Until ``fd`` can be read (or written); TimeoutError past ``deadline``."""
    if deadline is None:
        return
    remaining = deadline - time.monotonic()
    if remaining > 0:
        readable, writable, _ = select.select(
            [] if write else [fd], [fd] if write else [], [], remaining
        )
        if readable or writable:
            return
    raise TimeoutError


def _write_frame(fd: int, payload: bytes, deadline: float | None = None) -> None:
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        _wait(fd, deadline, write=True)
        try:
            written = os.write(fd, data[: 1 << 20])
        except BlockingIOError:
            continue
        data = data[written:]


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    while size:
        _wait(fd, deadline)
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float | None) -> bytes:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    return _read_exact(fd, size, deadline)


# -- the worker side --------------------------------------------------------------------------
def serve(memory_limit: int) -> None:
    """The worker's loop: read a request, answer it, until the input ends."""
    import resource

    for limit in ("RLIMIT_AS", "RLIMIT_DATA"):  # macOS enforces only the second
        with contextlib.suppress(AttributeError, ValueError, OSError):
            resource.setrlimit(getattr(resource, limit), (memory_limit, memory_limit))
            break
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file anywhere
    # Answers go out on a private copy of stdout; anything printed goes to stderr instead.
    requests, answers = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the client decides when this process stops
    # libcst loads beside the first requests (an analysis needs only ast), so that it is there
    # when the first insertion comes; an insertion that comes sooner waits for the import.
    threading.Thread(target=_warm_up, name="devfocus-libcst-import", daemon=True).start()
    while True:
        try:
            frame = _read_frame(requests, None)
        except EOFError:
            return
        try:
            operation, args = pickle.loads(frame)
            del frame
            status, value = _answer(operation, args)
        except MemoryError:
            status, value = "refused", TOO_BIG
        retire = _resident_bytes(resource) > RECYCLE_RSS_BYTES
        try:
            answer = pickle.dumps((status, value, retire), protocol=5)
        except MemoryError:
            answer = pickle.dumps(("refused", TOO_BIG, True), protocol=5)
            retire = True
        _write_frame(answers, answer)
        if retire:
            return


def _answer(operation: str, args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        module, name = OPERATIONS[operation]
        function = getattr(importlib.import_module(module), name)
        return "ok", function(*args)
    except RecursionError:
        return "refused", TOO_DEEP
    except MemoryError:
        return "refused", TOO_BIG
    except Refusal as exc:
        return "refused", str(exc)
    except Exception as exc:
        return "error", f"{type(exc).__name__}: {exc}"


def _warm_up() -> None:
    with contextlib.suppress(ImportError):
        import libcst  # noqa: F401


# -- the process this one uses ----------------------------------------------------------------
_shared: ParserProcess | None = None
_shared_lock = threading.Lock()


def shared() -> ParserProcess:
    """The parser process of this program, created on first use and stopped at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ParserProcess()
            atexit.register(_shared.close)
        return _shared
