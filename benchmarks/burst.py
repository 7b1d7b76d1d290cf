"""A burst of didChange notifications over stdio, as a raw client writes them.

10,000 realistic keystrokes on one document (typing along lines of about 60 characters with a
line break at the end of each, the occasional backspace) are serialized up front and written in
one go, followed by one request. Measured: the time from the first byte of the burst to the
response to that request, which the server only answers once everything before it has been
handled (messages are handled in order).

* DevFocus gets ``workspace/executeCommand devfocus.status``: its answer also drains the
  tracker and writes the coalesced activity to the database, so it proves the burst was
  recorded (the reported state must be ``active``).
* The reference, the bare pygls server (``bare_server.py``), gets ``shutdown``.

Target: DevFocus answers within 2 s. Memory: DevFocus's peak resident set (``VmHWM``) after
10,000 and after 100,000 changes; coalescing keeps a constant number of records, so the peak
must stay flat (the 100k peak within 10% of the 10k peak).

    python benchmarks/burst.py [--runs 3] [--big 100000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import pstats
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    BARE_CMD,
    DEVFOCUS_CMD,
    PYTHON,
    RawClient,
    Result,
    did_change_message,
    did_open_message,
    dumps,
    emit,
    frame,
    header,
    initial_document,
    initialize_message,
    make_project,
    median,
    profile_by_package,
    server_env,
    typing_edits,
)

TARGET_S = 2.0
MEMORY_GROWTH = 1.10  # the 100k peak may be at most this times the 10k peak


def burst_payload(uri: str, count: int) -> bytes:
    _, line = initial_document()
    return b"".join(
        frame(dumps(did_change_message(uri, version, edit)))
        for version, edit in enumerate(typing_edits(count, line=line), start=1)
    )


def run_burst(
    kind: str, count: int, payload: bytes, work: Path, cmd: list[str] | None = None
) -> dict:
    data_dir = work / f"data-{kind}-{count}-{time.monotonic_ns()}"
    root, source, text = make_project(work)
    uri = source.as_uri()
    client = RawClient(
        cmd or (DEVFOCUS_CMD if kind == "devfocus" else BARE_CMD),
        env=server_env(data_dir),
        log=work / f"{kind}.log",
    )
    response: dict | None = None
    try:
        client.initialize(root)
        client.send(did_open_message(uri, text))
        if kind == "devfocus":
            # Wait until the database is open and the status loop runs: the burst comes later.
            client.request("workspace/executeCommand", {"command": "devfocus.status"})
            msg_id, last = client.request_message(
                "workspace/executeCommand", {"command": "devfocus.status", "arguments": []}
            )
        else:
            msg_id, last = client.request_message("shutdown")
        data = payload + frame(last)
        before_kib = client.rss_kib()
        started = time.perf_counter()
        client.write(data)
        arrived, response = client.wait(msg_id, timeout=300)
        elapsed = arrived - started
        peak_kib = client.peak_rss_kib()
        if "error" in response:
            raise RuntimeError(f"{kind}: the request after the burst failed: {response['error']}")
        state = (response.get("result") or {}).get("state") if kind == "devfocus" else None
        if kind == "devfocus" and state != "active":
            raise RuntimeError(f"devfocus did not record the burst: status {response['result']}")
    finally:
        # the bare server was shut down by the timed request, if it got that far
        client.close(shut_down=kind == "bare" and response is not None)
    return {"seconds": elapsed, "peak_kib": peak_kib, "before_kib": before_kib, "state": state}


def profile(payload: bytes, count: int, work: Path) -> None:
    """Where DevFocus's time goes while it absorbs a burst (cProfile of the server process;
    start-up and exit are included but small next to the burst)."""
    out = work / "burst.prof"
    cmd = [PYTHON, "-m", "cProfile", "-o", str(out), "-m", "devfocus", "serve"]
    result = run_burst("devfocus", count, payload, work, cmd)
    print(f"\ncProfile of the DevFocus server absorbing {count:,} changes ", end="")
    print(f"({result['seconds']:.2f} s under the profiler):")
    profile_by_package(pstats.Stats(str(out)))


def memory_profile(count: int) -> None:
    """What stays in memory per didChange: the same messages through pygls's message handling
    in this process (inside an event loop, as in the server), traced with tracemalloc."""
    asyncio.run(_memory_profile(count))


async def _memory_profile(count: int) -> None:
    import io
    import json
    import tracemalloc

    from pygls.io_ import StdoutWriter

    from devfocus.lsp.server import DevFocusServer

    server = DevFocusServer()
    sink = io.BytesIO()
    server.protocol.set_writer(StdoutWriter(sink))
    text, _ = initial_document()
    uri = "file:///home/dev/src/shop-api/src/orders.py"
    structure = server.protocol.structure_message
    messages = [dumps(initialize_message(1, None)), dumps(did_open_message(uri, text))]
    for body in messages:
        server.protocol.handle_message(json.loads(body, object_hook=structure))
    if b'"result"' not in sink.getvalue():
        raise RuntimeError(f"initialize failed: {sink.getvalue().decode()}")
    changes = [
        dumps(did_change_message(uri, version, edit))
        for version, edit in enumerate(typing_edits(count, line=initial_document()[1]), start=1)
    ]
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for body in changes:
        server.protocol.handle_message(json.loads(body, object_hook=structure))
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    futures = server.protocol._request_futures
    done = sum(1 for f in futures.values() if f.done())
    print(
        f"\nMemory kept after {count:,} didChange handled in process: "
        f"{sum(s.size for s in after.statistics('filename')) / 2**20:.1f} MiB traced; "
        f"pygls protocol._request_futures holds {len(futures):,} futures ({done:,} done)"
    )
    if done >= count:
        print(
            "  pygls keeps the (done) Future of every notification whose handler runs as a "
            "generator,\n  async or threaded function in protocol._request_futures; only "
            "request responses remove\n  entries (pygls/protocol/json_rpc.py, "
            "JsonRPCProtocol._execute_handler)."
        )
    print("  allocations still alive, by line (tracemalloc, top 8):")
    for stat in after.compare_to(before, "lineno")[:8]:
        frame = stat.traceback[0]
        print(
            f"    {stat.size_diff / 2**20:7.2f} MiB {stat.count_diff:8,d} blocks  "
            f"{Path(frame.filename).parent.name}/{Path(frame.filename).name}:{frame.lineno}"
        )


def mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000, help="changes of the memory run")
    parser.add_argument("--runs", type=int, default=3, help="side-by-side runs of the burst")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of DevFocus")
    args = parser.parse_args()

    header(f"burst of {args.changes:,} didChange notifications over stdio")
    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp:
        work = Path(tmp)
        _, source, _ = make_project(work)
        payload = burst_payload(source.as_uri(), args.changes)
        print(f"  payload: {len(payload) / 1e6:.2f} MB, {args.changes:,} messages")
        runs: dict[str, list[dict]] = {"devfocus": [], "bare": []}
        for i in range(args.runs):
            order = ["devfocus", "bare"] if i % 2 == 0 else ["bare", "devfocus"]
            for kind in order:
                result = run_burst(kind, args.changes, payload, work)
                runs[kind].append(result)
                print(
                    f"  run {i + 1} {kind:8s}: answered after {result['seconds']:.3f} s, "
                    f"peak RSS {mib(result['peak_kib'])} (before the burst "
                    f"{mib(result['before_kib'])})",
                    flush=True,
                )
        dev = [r["seconds"] for r in runs["devfocus"]]
        bare = [r["seconds"] for r in runs["bare"]]
        ratio = median(d / b for d, b in zip(dev, bare, strict=True))

        big_payload = burst_payload(source.as_uri(), args.big)
        big = run_burst("devfocus", args.big, big_payload, work)
        print(
            f"  devfocus, {args.big:,} changes ({len(big_payload) / 1e6:.1f} MB): answered after "
            f"{big['seconds']:.3f} s, peak RSS {mib(big['peak_kib'])} "
            f"(before the burst {mib(big['before_kib'])})"
        )
        if args.profile or median(dev) > TARGET_S:
            profile(payload, args.changes, work)

    results = [
        Result(
            "burst",
            f"{args.changes:,} didChange, then a request: answered after (median)",
            median(dev),
            "s",
            reference=median(bare),
            reference_name="bare pygls server",
            ratio=ratio,
            target=f"<= {TARGET_S:g} s",
            passed=median(dev) <= TARGET_S,
        )
    ]
    small_peaks = [r["peak_kib"] for r in runs["devfocus"] if r["peak_kib"] is not None]
    if small_peaks and big["peak_kib"] is not None:
        small = median(small_peaks) / 1024
        large = big["peak_kib"] / 1024
        results.append(
            Result(
                "burst",
                f"DevFocus peak RSS after {args.big:,} changes",
                large,
                "MiB",
                reference=small,
                reference_name=f"after {args.changes:,} changes",
                ratio=large / small,
                target=f"<= {MEMORY_GROWTH:g}x (bounded)",
                passed=large / small <= MEMORY_GROWTH,
            )
        )
        if args.profile or large / small > MEMORY_GROWTH:
            memory_profile(args.changes)
        bare_peaks = [r["peak_kib"] for r in runs["bare"] if r["peak_kib"] is not None]
        if bare_peaks:
            results.append(
                Result(
                    "burst",
                    f"DevFocus peak RSS after {args.changes:,} changes",
                    small,
                    "MiB",
                    reference=median(bare_peaks) / 1024,
                    reference_name="bare pygls server",
                    ratio=small / (median(bare_peaks) / 1024),
                )
            )
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
