"""didChange handling cost, in process: what DevFocus itself does with one ``didChange``.

A real ``DevFocusServer`` is initialized and opens a document through pygls's own message
handling; then ~20,000 realistic keystrokes (``_common.typing_edits``) arrive as JSON bodies.
For each one, side by side:

* reference: pygls turning the JSON body into ``DidChangeTextDocumentParams`` (``json.loads``
  with the protocol's ``structure_message``, exactly what pygls's reader does per message);
* measured: DevFocus's registered didChange handler, which hands the change to every feature's
  ``document_changed`` (line delta, coalescing into the open edit span, status wake-up check,
  the analyses' debounce).

Target: the handler's median is at most 0.1 ms. The editing clock advances 150 ms per keystroke
(about 400 characters a minute), so edit spans close and open as they do in real use.

For context it also times the whole per-message path (structure + pygls dispatch + document
update + handler) of DevFocus and of the bare pygls server (``bare_server.py``) on the same
messages.

    python benchmarks/did_change.py [--changes 20000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import json
import pstats
import sys
import time
from typing import Any

from lsprotocol import types
from pygls.io_ import StdoutWriter

from _common import (
    Result,
    did_change_message,
    did_open_message,
    dumps,
    emit,
    header,
    initial_document,
    initialize_message,
    median,
    percentile,
    typing_edits,
)
from bare_server import create as create_bare
from devfocus.lsp.features.activity import ActivityFeature
from devfocus.lsp.server import DevFocusServer

TARGET_US = 100.0
URI = "file:///home/dev/src/shop-api/src/orders.py"
WARMUP_URI = "file:///home/dev/src/shop-api/src/warmup.py"


class TypingClock:
    """Wall-clock time that advances one keystroke (150 ms) per reading."""

    def __init__(self, step: float = 0.15) -> None:
        self.now = time.time()
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def started(server: Any) -> Any:
    """Initialized through pygls's own message handling, output discarded (call with an event
    loop running)."""
    sink = io.BytesIO()
    server.protocol.set_writer(StdoutWriter(sink))
    handle(server, dumps(initialize_message(1, None)))
    if b'"result"' not in sink.getvalue():
        raise RuntimeError(f"initialize failed: {sink.getvalue().decode()}")
    return server


def handle(server: Any, body: bytes) -> None:
    """What pygls's reader does with one message body."""
    server.protocol.handle_message(json.loads(body, object_hook=server.protocol.structure_message))


def bodies(uri: str, count: int, seed: int) -> tuple[bytes, list[bytes]]:
    text, line = initial_document()
    opening = dumps(did_open_message(uri, text))
    changes = [
        dumps(did_change_message(uri, version, edit))
        for version, edit in enumerate(typing_edits(count, line=line, seed=seed), start=1)
    ]
    return opening, changes


def timer_overhead_ns() -> float:
    clock = time.perf_counter_ns
    samples = []
    for _ in range(10_000):
        t0 = clock()
        t1 = clock()
        samples.append(t1 - t0)
    return median(samples)


def activity_of(server: DevFocusServer) -> ActivityFeature:
    return next(f for f in server.features if isinstance(f, ActivityFeature))


def handler_costs(count: int) -> tuple[list[int], list[int]]:
    """(structure ns, handler ns) per message, measured side by side."""
    server = started(DevFocusServer())
    activity = activity_of(server)
    activity.clock = TypingClock()
    structure = server.protocol.structure_message
    # The server's didChange handler: every feature's document_changed hook, in turn.
    did_change = server.protocol.fm.features[types.TEXT_DOCUMENT_DID_CHANGE]
    clock = time.perf_counter_ns
    loads = json.loads

    warm_open, warm = bodies(WARMUP_URI, 2_000, seed=2)
    handle(server, warm_open)
    for body in warm:
        did_change(loads(body, object_hook=structure).params)

    opening, changes = bodies(URI, count, seed=1)
    handle(server, opening)
    parse_ns: list[int] = []
    handler_ns: list[int] = []
    for body in changes:
        t0 = clock()
        message = loads(body, object_hook=structure)
        t1 = clock()
        did_change(message.params)
        t2 = clock()
        parse_ns.append(t1 - t0)
        handler_ns.append(t2 - t1)
    tracker = server.tracking.tracker
    records = len(tracker.drain(activity.clock.now))
    print(f"  tracker holds {records} records after {count:,} changes (coalesced edit spans)")
    return parse_ns, handler_ns


def dispatch_costs(count: int, chunk: int = 500) -> tuple[list[int], list[int]]:
    """Per-message cost of the whole path (structure, dispatch, document, handler): DevFocus
    and the bare pygls server, alternating in chunks on the same messages."""
    devfocus = started(DevFocusServer())
    activity_of(devfocus).clock = TypingClock()
    bare = started(create_bare())
    opening, changes = bodies(URI, count, seed=1)
    for server in (devfocus, bare):
        handle(server, opening)
    times: dict[int, list[int]] = {id(devfocus): [], id(bare): []}
    clock = time.perf_counter_ns
    for start in range(0, len(changes), chunk):
        for server in (devfocus, bare) if start % (2 * chunk) else (bare, devfocus):
            out = times[id(server)]
            for body in changes[start : start + chunk]:
                t0 = clock()
                handle(server, body)
                out.append(clock() - t0)
    same = (
        devfocus.workspace.get_text_document(URI).source
        == bare.workspace.get_text_document(URI).source
    )
    print(f"  documents agree after {count:,} changes: {same}")
    return times[id(devfocus)], times[id(bare)]


def profile(count: int) -> None:
    server = started(DevFocusServer())
    activity_of(server).clock = TypingClock()
    did_change = server.protocol.fm.features[types.TEXT_DOCUMENT_DID_CHANGE]
    opening, changes = bodies(URI, count, seed=1)
    handle(server, opening)
    params = [json.loads(b, object_hook=server.protocol.structure_message).params for b in changes]

    def run() -> None:
        for p in params:
            did_change(p)

    profiler = cProfile.Profile()
    profiler.runcall(run)
    print(f"\ncProfile of {count:,} did_change handler calls (top 15, internal time):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the handler")
    args = parser.parse_args()
    # The servers are driven from inside a running event loop, as they are in real use (their
    # handlers may look the loop up); nothing else runs on it meanwhile.
    return asyncio.run(measure(args))


async def measure(args: argparse.Namespace) -> int:
    header("didChange handling cost (in process)")
    gc.collect()
    overhead = timer_overhead_ns()
    parse_ns, handler_ns = handler_costs(args.changes)
    handler_us = median(handler_ns) / 1000
    parse_us = median(parse_ns) / 1000
    ratio = median(h / p for h, p in zip(handler_ns, parse_ns, strict=True))
    print(
        f"  DevFocus handler: median {handler_us:.2f} us, p90 "
        f"{percentile(handler_ns, 90) / 1000:.2f} us, p99 {percentile(handler_ns, 99) / 1000:.2f}"
        f" us (timer overhead {overhead:.0f} ns included)"
    )
    print(
        f"  pygls structuring the same message: median {parse_us:.2f} us, p99 "
        f"{percentile(parse_ns, 99) / 1000:.2f} us"
    )
    dev_all, bare_all = dispatch_costs(args.changes)
    dev_all_us, bare_all_us = median(dev_all) / 1000, median(bare_all) / 1000
    print(
        f"  whole message path, median: DevFocus {dev_all_us:.1f} us "
        f"(p99 {percentile(dev_all, 99) / 1000:.1f}), bare pygls {bare_all_us:.1f} us "
        f"(p99 {percentile(bare_all, 99) / 1000:.1f})"
    )
    if args.profile or handler_us > TARGET_US:
        profile(args.changes)
    return emit(
        [
            Result(
                "did_change",
                "DevFocus didChange handler (median)",
                handler_us,
                "us",
                reference=parse_us,
                reference_name="pygls structuring the same message",
                ratio=ratio,
                target=f"<= {TARGET_US:.0f} us",
                passed=handler_us <= TARGET_US,
            ),
            Result(
                "did_change",
                "whole message path, DevFocus (median)",
                dev_all_us,
                "us",
                reference=bare_all_us,
                reference_name="bare pygls server, same messages",
                ratio=dev_all_us / bare_all_us,
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
