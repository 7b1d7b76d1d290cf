"""Hostile input over stdio: the server keeps answering, and its memory follows the text.

A raw stdio client (``_common.RawClient``) runs ``python -m devfocus serve``, opens a small
document and asks ``devfocus.status`` in a loop (one request at a time, 10 ms apart), timed from
writing the request to reading its answer. First for two seconds with nothing else going on:
the reference, idle, same process, same run. Then it writes one hostile message and goes on
asking while the server works on it; a ``textDocument/hover`` written right after the message
waits for it (messages about a document are handled in order), so its answer marks the end of
the work. The status loop goes on for one second after that.

The messages (one server process each):

* ``didChange`` replacing the text with 10 MB, and with 50 MB (lines of 80 characters);
* ``didOpen`` of a 4.9 MiB plain-text file (under the 5 MiB limit: it is tracked);
* ``didOpen`` of a 4.9 MiB Python file of one-line functions: past the editor's 1 MiB limit
  for docstring analysis, so only tracked;
* ``didOpen`` of the same with 2,000 definitions (the editor's limit; 76 KB), analysed: the
  work ends when its docstring diagnostics arrive (the parsing runs in the parser process). Its
  memory target is not 12x the text but 1.5x the peak of ``devfocus docs check`` on the same
  file, a process of its own, in the same run: the server holds little more for an open module
  than checking it takes (the more is jedi's tree of the module, for return types);
* one ``didChange`` holding 100,000 small changes (typing and deleting a character).

Targets, for each: the status answers during and after the work at p99 within 100 ms; the
server's peak resident set grows by at most 12 times the text's size (the 100k changes: by at
most 12 times the message's size). Reported: p50/p99/max during the work against idle, and how
long the work took (write to the hover's answer).

    python benchmarks/hostile_input.py [--only NAME]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _common import (
    DEVFOCUS_CMD,
    PYTHON,
    RawClient,
    Result,
    did_open_message,
    dumps,
    emit,
    frame,
    header,
    make_project,
    median,
    percentile,
    server_env,
)

STATUS_P99_MS = 100.0
MEMORY_FACTOR = 12
IDLE_SECONDS = 2.0
AFTER_SECONDS = 1.0
MB = 1000 * 1000


@dataclass
class Hostile:
    name: str
    size: int  # bytes the memory target is measured against
    message: Callable[[str, Path], tuple[dict, str]]  # (message, uri the hover asks about)
    # The notification that ends the work, when the server goes on after the message (the
    # docstring analysis of a Python document ends with its diagnostics).
    settled: Callable[[dict], bool] | None = None
    # What the server's memory is held against instead of MEMORY_FACTOR x the input: a file
    # written to disk -> (MB, what that is), measured in the same run.
    memory_reference: Callable[[Path], tuple[float, str]] | None = None


def _full_change(size: int) -> Callable[[str, Path], tuple[dict, str]]:
    def make(uri: str, root: Path) -> tuple[dict, str]:
        text = ("x" * 79 + "\n") * (size // 80)
        params = {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}
        return {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": params}, uri

    return make


def _open_plain(size: int) -> Callable[[str, Path], tuple[dict, str]]:
    def make(uri: str, root: Path) -> tuple[dict, str]:
        big = (root / "notes.txt").as_uri()
        text = ("x" * 79 + "\n") * (size // 80)
        return did_open_message(big, text, language="plaintext"), big

    return make


def _python_of(size: int) -> str:
    """``size`` characters of one-line functions without docstrings: the most definitions, so
    the most facts, a module of that size can hold."""
    unit = "def f{:06d}(a, b):\n    return a + b\n\n\n"
    return "".join(unit.format(i) for i in range(size // len(unit.format(0))))


def _open_python(size: int) -> Callable[[str, Path], tuple[dict, str]]:
    def make(uri: str, root: Path) -> tuple[dict, str]:
        path = root / "generated.py"
        text = _python_of(size)
        path.write_text(text)
        return did_open_message(path.as_uri(), text), path.as_uri()

    return make


def _cli_check_peak(root: Path) -> tuple[float, str]:
    """Peak RSS of ``devfocus docs check`` on the same file, in a process of its own (which
    reports its own peak: the parser process of the CLI is not counted, as the server's is not)."""
    import json
    import subprocess

    # VmHWM, not getrusage's maxrss: that one survives exec, so it would start at the size of
    # this benchmark process when it forked.
    measure = (
        "import json, sys\n"
        "from devfocus.cli import main\n"
        "try:\n"
        "    main(['docs', 'check', sys.argv[1]])\n"
        "finally:\n"
        "    status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "    print(json.dumps({'peak_kib': int(status.split()[0])}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [PYTHON, "-c", measure, str(root / "generated.py")],
        capture_output=True,
        text=True,
        check=False,
        env=server_env(root.parent / "cli-data"),
    )
    peak_kib = json.loads(done.stderr.strip().splitlines()[-1])["peak_kib"]
    return peak_kib * 1024 / MB, "`devfocus docs check` of the file, peak RSS"


def _diagnostics_of(name: str) -> Callable[[dict], bool]:
    def settled(message: dict) -> bool:
        params = message.get("params") or {}
        return bool(
            message.get("method") == "textDocument/publishDiagnostics"
            and str(params.get("uri", "")).endswith(name)
        )

    return settled


def _many_changes(count: int) -> Callable[[str, Path], tuple[dict, str]]:
    def make(uri: str, root: Path) -> tuple[dict, str]:
        changes = [
            {
                "range": {
                    "start": {"line": 0, "character": 0},
                    "end": {"line": 0, "character": i % 2},
                },
                "text": "" if i % 2 else "x",
            }
            for i in range(count)
        ]
        params = {"textDocument": {"uri": uri, "version": 2}, "contentChanges": changes}
        return {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": params}, uri

    return make


HOSTILE = [
    Hostile("didChange 10 MB", 10 * MB, _full_change(10 * MB)),
    Hostile("didChange 50 MB", 50 * MB, _full_change(50 * MB)),
    Hostile("didOpen 4.9 MiB", int(4.9 * 1024 * 1024), _open_plain(int(4.9 * 1024 * 1024))),
    # Past the editor's analysis limit: the document is tracked, not analysed.
    Hostile(
        "didOpen 4.9 MiB of Python", int(4.9 * 1024 * 1024), _open_python(int(4.9 * 1024 * 1024))
    ),
    # At the editor's limit of definitions, analysed: the facts of each are the server's to hold.
    Hostile(
        "didOpen of Python with 2,000 definitions",
        len(_python_of(1_999 * 38)),
        _open_python(1_999 * 38),
        _diagnostics_of("generated.py"),
        _cli_check_peak,
    ),
    Hostile("100,000 changes in one didChange", 0, _many_changes(100_000)),
]


class StatusLoop:
    """``devfocus.status`` round trips, one at a time, on a thread of its own."""

    def __init__(self, client: RawClient) -> None:
        self.client = client
        self.samples: list[tuple[float, float]] = []  # (sent at, seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="status-loop", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, start: float, end: float) -> list[float]:
        return [seconds * 1000 for sent, seconds in self.samples if start <= sent < end]

    def _run(self) -> None:
        params = {"command": "devfocus.status", "arguments": []}
        while not self._stop.is_set():
            msg_id, message = self.client.request_message("workspace/executeCommand", params)
            body = frame(message)
            sent = time.perf_counter()
            self.client.write(body)
            arrived, _ = self.client.wait(msg_id, timeout=120)
            self.samples.append((sent, arrived - sent))
            time.sleep(0.01)


def run(hostile: Hostile, work: Path) -> list[Result]:
    header(hostile.name)
    root, source, text = make_project(work / hostile.name.replace(" ", "-").replace(",", ""))
    uri = source.as_uri()
    client = RawClient(DEVFOCUS_CMD, env=server_env(root.parent / "data"), log=work / "server.log")
    try:
        client.initialize(root)
        client.send(did_open_message(uri, text))
        client.request("workspace/executeCommand", {"command": "devfocus.status", "arguments": []})
        message, hover_uri = hostile.message(uri, root)
        payload = frame(dumps(message))
        size = hostile.size or len(payload)
        del message
        loop = StatusLoop(client)
        base_rss = client.rss_kib() or 0
        loop.start()
        time.sleep(IDLE_SECONDS)
        written = time.perf_counter()
        hover_id, hover = client.request_message(
            "textDocument/hover",
            {"textDocument": {"uri": hover_uri}, "position": {"line": 0, "character": 0}},
        )
        client.write(payload + frame(hover))
        del payload
        done, _ = client.wait(hover_id, timeout=600)
        if hostile.settled is not None:
            done, _ = client.wait_for_notification(hostile.settled, timeout=600)
        time.sleep(AFTER_SECONDS)
        loop.stop()
        peak_rss = client.peak_rss_kib() or 0
    finally:
        client.close()
    idle = loop.between(0, written)
    during = loop.between(written, done + AFTER_SECONDS)
    growth_mb = (peak_rss - base_rss) * 1024 / MB
    p99, p99_idle = percentile(during, 99), percentile(idle, 99)
    if hostile.memory_reference is not None:
        reference_mb, reference_name = hostile.memory_reference(root)
        # The server also holds jedi's tree of the module, for return types.
        memory_target, memory_passed = "<= 1.5x the reference", growth_mb <= 1.5 * reference_mb
    else:
        reference_mb, reference_name = size / MB, "input size"
        memory_target = f"<= {MEMORY_FACTOR}x the input"
        memory_passed = growth_mb * MB <= MEMORY_FACTOR * size
    print(
        f"  work took {done - written:.2f} s; status during and after it: n={len(during)}, "
        f"p50 {median(during):.1f} ms, p99 {p99:.1f} ms, max {max(during):.1f} ms "
        f"(idle: n={len(idle)}, p50 {median(idle):.1f} ms, p99 {p99_idle:.1f} ms, max "
        f"{max(idle):.1f} ms)"
    )
    print(f"  peak RSS {peak_rss / 1024:.0f} MiB, +{growth_mb:.0f} MB for {size / MB:.1f} MB")
    return [
        Result(
            "hostile_input",
            f"{hostile.name}: status p99 during the work",
            p99,
            "ms",
            reference=p99_idle,
            reference_name="idle, same server",
            ratio=p99 / p99_idle,
            target=f"<= {STATUS_P99_MS:.0f} ms",
            passed=p99 <= STATUS_P99_MS,
        ),
        Result(
            "hostile_input",
            f"{hostile.name}: peak RSS growth",
            growth_mb,
            "MB",
            reference=reference_mb,
            reference_name=reference_name,
            ratio=growth_mb / reference_mb,
            target=memory_target,
            passed=memory_passed,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=[h.name for h in HOSTILE], action="append")
    args = parser.parse_args()
    header("hostile input: status latency and memory while the server works")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="devfocus-hostile-") as tmp:
        for hostile in HOSTILE:
            if args.only and hostile.name not in args.only:
                continue
            results += run(hostile, Path(tmp))
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
