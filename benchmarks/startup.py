"""Start-up: from process start to the ``initialize`` result, DevFocus against a bare pygls server.

Target: DevFocus takes at most 1.10x the time of ``bare_server.py`` (the least a pygls server
can be), measured as the median of the ratios of runs made side by side. Runs alternate which
server goes first so drift on a shared machine hits both alike, and the first pairs only warm
up (file cache, bytecode cache).

Compiled bytecode is cached (in benchmarks/.work/pycache) as it is for any installed copy, even
where PYTHONDONTWRITEBYTECODE is set; ``--no-bytecode-cache`` measures with the calling
environment's setting instead (every DevFocus module is then compiled on every start, while the
installed dependencies keep the bytecode pip wrote).

    python benchmarks/startup.py [--pairs 15] [--profile] [--no-bytecode-cache]
"""

from __future__ import annotations

import argparse
import json
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import (
    BARE_CMD,
    BENCH_DIR,
    DEVFOCUS_CMD,
    PYTHON,
    RawClient,
    Result,
    emit,
    header,
    make_project,
    median,
    own_time_by_package,
    pairwise_ratio,
    profile_by_package,
    server_env,
)

TARGET_RATIO = 1.10


def time_start(cmd: list[str], env: dict[str, str], root: Path, log: Path) -> float:
    """Seconds from spawning ``cmd`` to its answer to ``initialize``."""
    client = RawClient(cmd, env=env, log=log)
    try:
        return client.initialize(root, initialized=False)
    finally:
        client.close()


# Run in a fresh interpreter: the steps of start-up one by one, with the time spent in the
# garbage collector, and optionally a cProfile of them.
PHASES = r"""
import asyncio, cProfile, gc, io, json, sys, time
kind, profile_to = sys.argv[1], sys.argv[2]
clock = time.perf_counter
gc_time = [0.0, 0]
mark = []
def on_gc(phase, info):
    if phase == "start":
        mark[:] = [clock()]
    else:
        gc_time[0] += clock() - mark[0]
        gc_time[1] += info["generation"] == 2
gc.callbacks.append(on_gc)
profiler = cProfile.Profile() if profile_to else None
if profiler:
    profiler.enable()
t0 = clock()
if kind == "bare":
    sys.path.insert(0, sys.argv[3])
    import bare_server
    t1 = clock()
    server = bare_server.create()
else:
    import devfocus.cli
    import devfocus.lsp.server
    t1 = clock()
    server = devfocus.lsp.server.DevFocusServer()
t2 = clock()
from pygls.io_ import StdoutWriter
sink = io.BytesIO()
server.protocol.set_writer(StdoutWriter(sink))
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"processId": None, "capabilities": {}, "rootUri": None}})
async def initialize():  # handlers may look up the running loop, as in the server
    message = json.loads(body, object_hook=server.protocol.structure_message)
    server.protocol.handle_message(message)
asyncio.run(initialize())
t3 = clock()
if b'"error"' in sink.getvalue():
    raise SystemExit("initialize failed: " + sink.getvalue().decode())
if profiler:
    profiler.disable()
    profiler.dump_stats(profile_to)
print(json.dumps({"import": t1 - t0, "construct": t2 - t1, "initialize": t3 - t2,
                  "gc": gc_time[0], "full_gc": gc_time[1], "modules": len(sys.modules)}))
"""


def phases(kind: str, work: Path, env: dict[str, str], profile_to: str = "") -> dict[str, float]:
    done = subprocess.run(
        [PYTHON, "-c", PHASES, kind, profile_to, str(BENCH_DIR)],
        capture_output=True,
        check=True,
        cwd=work,
        env=env,
    )
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def profile(work: Path, env: dict[str, str], runs: int = 7) -> None:
    """Where DevFocus's extra start-up goes: each step timed in fresh processes against the
    bare server ("in gc": the part of the three steps spent collecting garbage), then cProfile:
    the packages that cost DevFocus more than the bare server, and DevFocus's start-up."""
    print("\nStart-up steps in a fresh interpreter (medians of", runs, "runs, ms):")
    samples: dict[str, list[dict[str, float]]] = {"bare": [], "devfocus": []}
    for _ in range(runs):
        for kind in samples:
            samples[kind].append(phases(kind, work, env))
    print(
        f"  {'':10s} {'imports':>8s} {'server()':>8s} {'initialize':>10s} {'in gc':>6s} "
        f"{'full gcs':>8s} {'modules':>7s}"
    )
    for kind, runs_of in samples.items():
        m = {key: median(r[key] for r in runs_of) for key in runs_of[0]}
        print(
            f"  {kind:10s} {m['import'] * 1000:8.1f} {m['construct'] * 1000:8.1f} "
            f"{m['initialize'] * 1000:10.1f} {m['gc'] * 1000:6.1f} {m['full_gc']:8.0f} "
            f"{m['modules']:7.0f}"
        )
    stats = {}
    for kind in samples:
        out = work / f"startup-{kind}.prof"
        phases(kind, work, env, str(out))
        stats[kind] = pstats.Stats(str(out))
    print("\ncProfile, own time by package: DevFocus's start-up minus the bare server's (ms):")
    own = {kind: own_time_by_package(st) for kind, st in stats.items()}
    delta = {k: own["devfocus"].get(k, 0.0) - own["bare"].get(k, 0.0) for k in own["devfocus"]}
    for package, seconds in sorted(delta.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {seconds * 1000:+8.1f}  {package}")
    print("\ncProfile of DevFocus's start-up (imports, DevFocusServer(), initialize):")
    profile_by_package(stats["devfocus"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of DevFocus")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep the calling environment's bytecode setting (by default compiled bytecode is "
        "cached in benchmarks/.work/pycache, as for any installed copy)",
    )
    args = parser.parse_args()

    header("start-up: process start to initialize result")
    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp:
        work = Path(tmp)
        root, _, _ = make_project(work)
        env = server_env(work / "data", bytecode_cache=not args.no_bytecode_cache)
        log = work / "servers.log"
        devfocus: list[float] = []
        bare: list[float] = []
        for i in range(args.warmup + args.pairs):
            order = [("devfocus", DEVFOCUS_CMD), ("bare", BARE_CMD)]
            if i % 2:
                order.reverse()
            times = {name: time_start(cmd, env, root, log) for name, cmd in order}
            if i < args.warmup:
                continue
            devfocus.append(times["devfocus"])
            bare.append(times["bare"])
            print(
                f"  pair {i - args.warmup + 1:2d}: devfocus {times['devfocus'] * 1000:6.1f} ms"
                f"  bare {times['bare'] * 1000:6.1f} ms"
                f"  ratio {times['devfocus'] / times['bare']:.3f}",
                flush=True,
            )
        ratio = pairwise_ratio(devfocus, bare)
        dev_ms, bare_ms = median(devfocus) * 1000, median(bare) * 1000
        print(
            f"  medians: devfocus {dev_ms:.1f} ms, bare {bare_ms:.1f} ms "
            f"(ratio of medians {dev_ms / bare_ms:.3f}); "
            f"min: devfocus {min(devfocus) * 1000:.1f} ms, bare {min(bare) * 1000:.1f} ms"
        )
        if args.profile or ratio > TARGET_RATIO:
            profile(work, env)
        return emit(
            [
                Result(
                    "startup",
                    "process start to initialize result (median)",
                    dev_ms,
                    "ms",
                    reference=bare_ms,
                    reference_name="bare pygls server",
                    ratio=ratio,
                    target=f"<= {TARGET_RATIO}x bare (median of pairwise ratios)",
                    passed=ratio <= TARGET_RATIO,
                )
            ]
        )


if __name__ == "__main__":
    sys.exit(main())
