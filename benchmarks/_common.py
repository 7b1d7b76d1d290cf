"""Shared helpers for the benchmarks: statistics, realistic typing, LSP framing, a raw client.

Everything here uses the standard library only, so the benchmarks measure the servers and
nothing else (no client library in the loop).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"  # git-ignored; generated data lives here
PYTHON = sys.executable
DEVFOCUS_CMD = [PYTHON, "-m", "devfocus", "serve"]
BARE_CMD = [PYTHON, str(BENCH_DIR / "bare_server.py")]
# A clone of a real public repository with its full history, for the benchmarks that take --repo
# (run_all passes it on through the environment).
REAL_REPO_ENV = "DEVFOCUS_BENCH_REPO"

# Servers made in a benchmark's own process (did_change, docs_actions, burst's memory profile)
# save activity where DEVFOCUS_DATA_DIR says: a folder of the run's own, never the user's data.
_RUN_DATA = tempfile.mkdtemp(prefix="devfocus-bench-data-")
os.environ["DEVFOCUS_DATA_DIR"] = _RUN_DATA
atexit.register(shutil.rmtree, _RUN_DATA, ignore_errors=True)


def add_repo_option(parser: argparse.ArgumentParser, default_text: str) -> None:
    """``--repo DIR``: a real repository's clone, default ``$DEVFOCUS_BENCH_REPO``, else what
    ``default_text`` says."""
    parser.add_argument(
        "--repo",
        type=Path,
        default=os.environ.get(REAL_REPO_ENV) or None,
        help=f"a clone with its full history (default: ${REAL_REPO_ENV}, else {default_text})",
    )


RESULTS_ENV = "DEVFOCUS_BENCH_RESULTS"  # run_all.py collects result lines through this file


# -- statistics ---------------------------------------------------------------------------------
def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def pairwise_ratio(measured: Sequence[float], reference: Sequence[float]) -> float:
    """The median of measured[i] / reference[i] over runs made side by side."""
    return median(m / r for m, r in zip(measured, reference, strict=True))


# -- results ------------------------------------------------------------------------------------
@dataclass
class Result:
    benchmark: str
    metric: str
    value: float
    unit: str
    reference: float | None = None
    reference_name: str = ""
    ratio: float | None = None
    target: str = ""
    passed: bool | None = None  # None: informational

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "info"
        return "PASS" if self.passed else "FAIL"

    def line(self) -> str:
        text = f"RESULT {self.benchmark} | {self.metric}: {fmt(self.value)} {self.unit}"
        if self.reference is not None:
            text += f" | reference ({self.reference_name}): {fmt(self.reference)} {self.unit}"
        if self.ratio is not None:
            text += f" | ratio {self.ratio:.3f}x"
        if self.target:
            text += f" | target {self.target}"
        return text + f" | {self.verdict}"


def fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if value < 1 else f"{value:.2f}"


def emit(results: Sequence[Result]) -> int:
    """Print the result lines (and hand them to run_all.py); 1 when a target was missed."""
    print()
    for result in results:
        print(result.line())
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            for result in results:
                out.write(json.dumps(asdict(result)) + "\n")
    return 1 if any(r.passed is False for r in results) else 0


# -- realistic typing ---------------------------------------------------------------------------
_CODE = (
    "def total(items): return sum(item.price * item.quantity for item in items if item.ok)  "
    "result = client.fetch(url, timeout=5.0); values[index] += 1  # keep going  "
)


def initial_document(lines_before: int = 150, lines_after: int = 150) -> tuple[str, int]:
    """A Python file with an empty line in the middle; returns the text and that line."""
    rng = random.Random(7)

    def code_line(i: int) -> str:
        indent = "    " * rng.randint(0, 2)
        width = rng.randint(10, 70)
        start = rng.randint(0, len(_CODE) - width)
        return f"{indent}{_CODE[start : start + width].strip()}  # {i}\n"

    before = [code_line(i) for i in range(lines_before)]
    after = [code_line(i) for i in range(lines_after)]
    return "".join([*before, "\n", *after]), lines_before


def typing_edits(
    count: int, *, line: int, line_length: int = 60, seed: int = 1
) -> Iterator[tuple[int, int, int, int, str]]:
    """``count`` keystrokes of someone typing from the empty line ``line`` on: one character at
    the cursor, a backspace now and then, and a line break every ``line_length`` characters.

    Yields (start line, start character, end line, end character, text) of each change.
    """
    rng = random.Random(seed)
    col = 0
    for _ in range(count):
        if col >= line_length:
            yield line, col, line, col, "\n"
            line, col = line + 1, 0
        elif col > 0 and rng.random() < 0.04:
            yield line, col - 1, line, col, ""
            col -= 1
        else:
            yield line, col, line, col, rng.choice(_CODE)
            col += 1


def did_change_message(uri: str, version: int, edit: tuple[int, int, int, int, str]) -> dict:
    sl, sc, el, ec, text = edit
    return {
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": sl, "character": sc},
                        "end": {"line": el, "character": ec},
                    },
                    "text": text,
                }
            ],
        },
    }


def did_open_message(uri: str, text: str, language: str = "python") -> dict:
    return {
        "jsonrpc": "2.0",
        "method": "textDocument/didOpen",
        "params": {
            "textDocument": {"uri": uri, "languageId": language, "version": 0, "text": text}
        },
    }


def initialize_message(msg_id: int, root: Path | None) -> dict:
    params: dict[str, Any] = {
        "processId": os.getpid(),
        "clientInfo": {"name": "devfocus-benchmark", "version": "1"},
        "capabilities": {},
        "rootUri": root.as_uri() if root else None,
    }
    if root is not None:
        params["workspaceFolders"] = [{"uri": root.as_uri(), "name": root.name}]
    return {"jsonrpc": "2.0", "id": msg_id, "method": "initialize", "params": params}


# -- LSP framing --------------------------------------------------------------------------------
def dumps(message: dict) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode()


def frame(message: dict | bytes) -> bytes:
    body = message if isinstance(message, bytes) else dumps(message)
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read_message(stream: BinaryIO) -> dict | None:
    length = None
    while True:
        header = stream.readline()
        if not header:
            return None
        if header in (b"\r\n", b"\n"):
            break
        name, _, value = header.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is None:
        return None
    return json.loads(stream.read(length))


# -- a raw stdio client -------------------------------------------------------------------------
class RawClient:
    """Runs a server process and talks LSP to it over its stdio, with nothing in between.

    A reader thread drains the server's output the whole time (so a server that writes never
    blocks) and notes when each response arrived (``time.perf_counter``).
    """

    def __init__(self, argv: Sequence[str], *, env: dict[str, str], log: Path) -> None:
        self._log = open(log, "ab")  # noqa: SIM115 - closed in close()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            cwd=REPO,
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._stdin = self.proc.stdin
        self._stdout = self.proc.stdout
        self._write_lock = threading.Lock()
        self._arrived = threading.Condition()
        self._responses: dict[Any, tuple[float, dict]] = {}
        self.notifications: list[dict] = []
        self._next_id = 1
        self._reader = threading.Thread(target=self._read, name="lsp-reader", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def next_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def write(self, data: bytes) -> None:
        with self._write_lock:
            self._stdin.write(data)
            self._stdin.flush()

    def send(self, message: dict) -> None:
        self.write(frame(message))

    def request_message(self, method: str, params: Any = None) -> tuple[int, dict]:
        msg_id = self.next_id()
        return msg_id, {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}

    def request(self, method: str, params: Any = None, timeout: float = 60.0) -> dict:
        msg_id, message = self.request_message(method, params)
        self.send(message)
        return self.wait(msg_id, timeout)[1]

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, msg_id: int, timeout: float = 60.0) -> tuple[float, dict]:
        """(perf_counter time it arrived, response) of request ``msg_id``."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while msg_id not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise TimeoutError(f"no response to request {msg_id} (see {self._log.name})")
                self._arrived.wait(min(left, 0.5))
            return self._responses[msg_id]

    def wait_for_notification(
        self, predicate: Callable[[dict], bool], timeout: float = 60.0
    ) -> tuple[float, dict]:
        """(perf_counter time it was found, the notification) of the first that matches."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._arrived:
            while True:
                for message in self.notifications[seen:]:
                    if predicate(message):
                        return time.perf_counter(), message
                seen = len(self.notifications)
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise TimeoutError(f"no matching notification (see {self._log.name})")
                self._arrived.wait(min(left, 0.5))

    def _read(self) -> None:
        while True:
            message = read_message(self._stdout)
            now = time.perf_counter()
            if message is None:
                with self._arrived:
                    self._arrived.notify_all()
                return
            if "method" in message and "id" in message:  # a request from the server
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "method" in message:
                with self._arrived:
                    self.notifications.append(message)
                    self._arrived.notify_all()
            else:
                with self._arrived:
                    self._responses[message.get("id")] = (now, message)
                    self._arrived.notify_all()

    def initialize(self, root: Path | None, *, initialized: bool = True) -> float:
        """Initialize; returns seconds from process start to the initialize result."""
        msg_id = self.next_id()
        self.send(initialize_message(msg_id, root))
        arrived, response = self.wait(msg_id)
        if "result" not in response:
            raise RuntimeError(f"initialize failed: {response}")
        if initialized:
            self.notify("initialized", {})
        return arrived - self.started

    def peak_rss_kib(self) -> int | None:
        """The process's peak resident set (VmHWM), where /proc has it (Linux)."""
        return _proc_status(self.pid, "VmHWM")

    def rss_kib(self) -> int | None:
        return _proc_status(self.pid, "VmRSS")

    def close(self, timeout: float = 30.0, *, shut_down: bool = False) -> int | None:
        """shutdown (unless ``shut_down`` already), exit, and wait for the process; killed if it
        does not go."""
        try:
            if self.proc.poll() is None:
                if not shut_down:
                    self.request("shutdown", None, timeout)
                self.notify("exit", None)
        except (OSError, TimeoutError, ValueError):
            pass
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        for stream in (self._stdin, self._stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self._log.close()
        return code


def _proc_status(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


# -- DevFocus beside a reference server ---------------------------------------------------------
def vscode_initialize_params(
    root: Path, capabilities: dict[str, Any], options: Any = None
) -> dict[str, Any]:
    """``initialize`` params as VS Code sends them for the workspace folder ``root``."""
    params: dict[str, Any] = {
        "processId": None,
        "clientInfo": {"name": "Visual Studio Code", "version": "1.95.0"},
        "capabilities": capabilities,
        "rootUri": root.as_uri(),
        "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
    }
    if options is not None:
        params["initializationOptions"] = options
    return params


def round_trip(client: RawClient, method: str, params: Any) -> tuple[float, dict]:
    """(seconds from writing the request to reading its response, the response); an error
    response raises."""
    msg_id, message = client.request_message(method, params)
    data = dumps(message)
    body = b"Content-Length: %d\r\n\r\n%s" % (len(data), data)
    sent = time.perf_counter()
    client.write(body)
    arrived, response = client.wait(msg_id)
    if "error" in response:
        raise RuntimeError(f"{method} failed: {response['error']}")
    return arrived - sent, response


class ServerPair:
    """DevFocus and a reference server, each a process behind a raw client, initialized with the
    same ``initialize`` params."""

    def __init__(
        self,
        work: Path,
        reference_cmd: Sequence[str],
        initialize: dict[str, Any],
        *,
        env: dict[str, str] | None = None,
        client: type[RawClient] = RawClient,
    ) -> None:
        env = env or server_env(work / "data")
        log = work / "servers.log"
        self.devfocus = client(DEVFOCUS_CMD, env=env, log=log)
        self.reference = client(reference_cmd, env=env, log=log)
        for client in (self.devfocus, self.reference):
            response = client.request("initialize", initialize)
            if "result" not in response:
                raise RuntimeError(f"initialize failed: {response}")
            client.notify("initialized", {})
        self.turn = 0

    def both(self, method: str, params: Any) -> tuple[float, dict, float]:
        """(DevFocus's round trip, its response, the reference's round trip) of one request,
        alternating which server is asked first."""
        self.turn += 1
        order = [self.devfocus, self.reference]
        if self.turn % 2:
            order.reverse()
        times: dict[int, float] = {}
        answers: dict[int, dict] = {}
        for client in order:
            times[id(client)], answers[id(client)] = round_trip(client, method, params)
        return times[id(self.devfocus)], answers[id(self.devfocus)], times[id(self.reference)]

    def close(self) -> None:
        for client in (self.devfocus, self.reference):
            client.close()


PYCACHE = WORK_DIR / "pycache"


def python_env(*, bytecode_cache: bool = True) -> dict[str, str]:
    """The environment for the Python processes a benchmark starts.

    With ``bytecode_cache`` (the default) compiled bytecode is written and reused, as it is for
    any installed copy, so start-up is measured in its steady state even where
    ``PYTHONDONTWRITEBYTECODE`` is set; the cache lives in benchmarks/.work/pycache (through
    ``PYTHONPYCACHEPREFIX``), so nothing is written next to the sources. Without it, whatever
    the calling environment does.
    """
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    if bytecode_cache:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def server_env(data_dir: Path, *, bytecode_cache: bool = True) -> dict[str, str]:
    env = python_env(bytecode_cache=bytecode_cache)
    env["DEVFOCUS_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def make_project(base: Path) -> tuple[Path, Path, str]:
    """A small git-like project on disk with one source file: (root, file, its text)."""
    root = base / "shop-api"
    (root / ".git").mkdir(parents=True, exist_ok=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    source = root / "src" / "orders.py"
    source.parent.mkdir(parents=True, exist_ok=True)
    text, _ = initial_document()
    source.write_text(text)
    return root, source, text


def profile_by_package(stats: Any, top: int = 12) -> None:
    """Print where a ``pstats.Stats`` profile spent its own time, by package, then by function."""
    own = own_time_by_package(stats)
    rows = []
    ours = []
    for (filename, line, name), (_, _, tottime, cumtime, _) in stats.stats.items():
        package = _package(filename, name)
        label = package if filename == "~" else f"{package}: {name} ({Path(filename).name}:{line})"
        rows.append((tottime, label))
        if package.startswith("devfocus"):
            ours.append((cumtime, label))
    total = sum(own.values()) or 1.0
    print(f"  own time by package (total {total:.2f} s under the profiler):")
    for package, seconds in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        print(f"    {seconds:7.3f} s {100 * seconds / total:5.1f}%  {package}")
    print("  functions with the most own time:")
    for seconds, label in sorted(rows, reverse=True)[:top]:
        print(f"    {seconds:7.3f} s {100 * seconds / total:5.1f}%  {label}")
    print("  DevFocus functions by cumulative time (their callees included):")
    for seconds, label in sorted(ours, reverse=True)[:top]:
        print(f"    {seconds:7.3f} s {100 * seconds / total:5.1f}%  {label}")


def own_time_by_package(stats: Any) -> dict[str, float]:
    """Own time by package; code in C (builtins, extension methods) by function name."""
    own: dict[str, float] = {}
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():
        package = _package(filename, name)
        own[package] = own.get(package, 0.0) + tottime
    return own


def _package(filename: str, name: str) -> str:
    path = Path(filename)
    parts = path.parts
    if filename == "~":
        return "C: " + name.strip("<>").removeprefix("built-in method ")
    if filename.startswith("<frozen"):
        return "import system (frozen importlib)"
    if filename.startswith("<"):
        return "generated code"
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if "devfocus" in parts:
        return "devfocus." + ".".join(parts[parts.index("devfocus") + 1 :]).removesuffix(".py")
    stdlib = [i for i, part in enumerate(parts[:-1]) if part.startswith("python3")]
    if stdlib:
        return "stdlib " + parts[stdlib[-1] + 1].removesuffix(".py")
    return path.stem


def header(title: str) -> None:
    print(f"== {title} ==", flush=True)
