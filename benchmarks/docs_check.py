"""``devfocus docs check`` over real packages, whole process, against pydoclint on the same files.

Packages: click 8.1.7 (its wheel, downloaded once with pip into benchmarks/.work and unzipped),
the standard library's ``email`` (with ``email.mime``) and ``asyncio``, and the three together
in one process. Both tools get the same explicit list of ``.py`` files and the same style:

* measured: ``python -m devfocus docs check --style sphinx FILES``;
* reference: ``pydoclint --style=sphinx FILES`` (its own console script, same interpreter).

Each pair of runs is timed from spawn to exit, side by side, alternating which goes first, after
a warm-up pair (file cache, bytecode cache). Target: DevFocus takes at most 0.5x pydoclint's
time (median of the pairwise ratios).

    python benchmarks/docs_check.py [--runs 7] [--warmup 1] [--profile]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from _common import PYTHON, WORK_DIR, Result, emit, header, median, pairwise_ratio, python_env
from docs_common import (
    CLICK_VERSION,
    DEVFOCUS_CLI,
    click_package,
    profile_cli,
    pydoclint_cmd,
    python_files,
    stdlib_package,
    timed_run,
)

TARGET_RATIO = 0.5
STYLE = "sphinx"
PYDOCLINT_VIOLATION = re.compile(rb"^\s+\d+: DOC\d+", re.M)
DEVFOCUS_FINDING = re.compile(rb":\d+:\d+: DF\d+ ", re.M)


def file_sets() -> list[tuple[str, list[Path]]]:
    sets: list[tuple[str, list[Path]]] = []
    click = click_package()
    if click is not None:
        sets.append((f"click {CLICK_VERSION}", python_files(click)))
    else:
        print("  click is left out (no download); the standard library packages still run")
    sets.append(("stdlib email", python_files(stdlib_package("email"))))
    sets.append(("stdlib asyncio", python_files(stdlib_package("asyncio"))))
    together = [f for _, files in sets for f in files]
    sets.append((" + ".join(name.removeprefix("stdlib ") for name, _ in sets), together))
    return sets


def lines_of(files: list[Path]) -> int:
    return sum(f.read_bytes().count(b"\n") for f in files)


def devfocus_argv(files: list[Path]) -> list[str]:
    return ["docs", "check", "--style", STYLE, *map(str, files)]


# A fresh interpreter: how long the interpreter, DevFocus's imports and the checking take.
_PHASES = r"""
import contextlib, io, json, sys, time
t0 = time.perf_counter()
from devfocus.cli import main
import devfocus.cli.docs, devfocus.app.docstrings
t1 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:])
t2 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "check": t2 - t1}))
"""


def phases(files: list[Path], work: Path, runs: int = 5) -> None:
    env = python_env()
    empty, imports, check = [], [], []
    for _ in range(runs):
        empty.append(timed_run([PYTHON, "-c", "pass"], cwd=work, env=env)[0])
        done = subprocess.run(
            [PYTHON, "-c", _PHASES, *devfocus_argv(files)],
            cwd=work,
            env=env,
            capture_output=True,
            check=False,
        )
        step = json.loads(done.stdout.decode().strip().splitlines()[-1])
        imports.append(step["imports"])
        check.append(step["check"])
    print(
        f"  steps (median of {runs}): an empty interpreter {median(empty) * 1000:.0f} ms, "
        f"DevFocus's imports {median(imports) * 1000:.0f} ms, checking "
        f"{median(check) * 1000:.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of DevFocus")
    args = parser.parse_args()

    header("devfocus docs check against pydoclint, whole process")
    work = WORK_DIR / "docs_check"  # no pyproject.toml here: neither tool reads a config
    work.mkdir(parents=True, exist_ok=True)
    env = python_env()
    pydoclint = pydoclint_cmd()
    results: list[Result] = []
    missed: list[tuple[str, list[Path]]] = []
    for name, files in file_sets():
        commands = {
            "devfocus": [*DEVFOCUS_CLI, *devfocus_argv(files)],
            "pydoclint": [*pydoclint, f"--style={STYLE}", *map(str, files)],
        }
        times: dict[str, list[float]] = {"devfocus": [], "pydoclint": []}
        outputs: dict[str, bytes] = {}
        for i in range(args.warmup + args.runs):
            order = list(commands) if i % 2 == 0 else list(reversed(commands))
            for tool in order:
                elapsed, out, _ = timed_run(commands[tool], cwd=work, env=env)
                outputs[tool] = out
                if i >= args.warmup:
                    times[tool].append(elapsed)
        dev, ref = times["devfocus"], times["pydoclint"]
        ratio = pairwise_ratio(dev, ref)
        dev_ms, ref_ms = median(dev) * 1000, median(ref) * 1000
        found_dev = len(DEVFOCUS_FINDING.findall(outputs["devfocus"]))
        found_ref = len(PYDOCLINT_VIOLATION.findall(outputs["pydoclint"]))
        print(
            f"  {name}: {len(files)} files, {lines_of(files):,} lines; devfocus {dev_ms:.0f} ms "
            f"(min {min(dev) * 1000:.0f}), pydoclint {ref_ms:.0f} ms (min {min(ref) * 1000:.0f}); "
            f"ratio {ratio:.3f}; findings: devfocus {found_dev}, pydoclint {found_ref}",
            flush=True,
        )
        passed = ratio <= TARGET_RATIO
        if not passed:
            missed.append((name, files))
        results.append(
            Result(
                "docs_check",
                f"`devfocus docs check` on {name} ({len(files)} files), whole process (median)",
                dev_ms,
                "ms",
                reference=ref_ms,
                reference_name=f"pydoclint --style={STYLE}, same files",
                ratio=ratio,
                target=f"<= {TARGET_RATIO}x pydoclint (median of pairwise ratios)",
                passed=passed,
            )
        )
    if missed or args.profile:
        name, files = missed[0] if missed else file_sets()[-1]
        print(f"\nWhere `devfocus docs check` on {name} spends its time:")
        phases(files, work)
        print("cProfile of the whole CLI run in a fresh interpreter (imports included):")
        profile_cli(devfocus_argv(files), cwd=work, out=work / "docs-check.prof")
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
