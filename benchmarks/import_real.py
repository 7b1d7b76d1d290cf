"""``devfocus import`` of a whole history, as a process, against ``git log`` in the same run.

Point it at a real repository cloned with its full history (``--repo DIR``); without one it uses
the synthetic repository of ``git_repo.py`` (10,000 commits, built once into benchmarks/.work).
Each round runs, in turn (the order rotating round by round):

* ``git log --branches --numstat`` (``git_reference.LOG_ARGS``), stdout read from a pipe and
  dropped: the reference;
* ``python -m devfocus import DIR --database-url URL`` into a fresh SQLite file, Python start-up
  and imports included; its output must name every commit as new;
* the same command on a database already up to date, for information (what the command costs
  whatever the history).

One warm-up round, then ``--runs`` rounds (default 7). The ratio is the median of the per-round
ratios. Target: at most 1.5x. The progress bar takes no extra pass over the history either way:
the benchmark counts the git processes the import starts (``GIT_TRACE``) and fails if ``git log``
is not the only one that walks the history.

    python benchmarks/import_real.py [--repo DIR] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    PYTHON,
    Result,
    add_repo_option,
    emit,
    header,
    median,
    pairwise_ratio,
    python_env,
)
from git_ingest import ingest_cli
from git_reference import LOG_ARGS, time_git_log_cpu
from git_repo import cached_history_repo

TARGET_RATIO = 1.5
WALKS = ("rev-list", "log")  # git commands that walk the history


def commit_count(repo: Path) -> int:
    out = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--count", "--branches"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip())


def walks_of_one_import(repo: Path, work: Path, env: dict[str, str]) -> list[str]:
    """The git commands of one full ``devfocus import`` that walk the history, seen by a ``git``
    first on PATH that notes its arguments and runs the real one."""
    real = shutil.which("git")
    assert real is not None
    shim_dir, calls = work / "git-shim", work / "git-calls.txt"
    shim_dir.mkdir()
    shim = shim_dir / "git"
    shim.write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    traced = dict(env, PATH=f"{shim_dir}{os.pathsep}{env.get('PATH', '')}")
    db = work / "traced.db"
    subprocess.run(
        [PYTHON, "-m", "devfocus", "import", str(repo), "--database-url", f"sqlite:///{db}"],
        env=traced,
        capture_output=True,
        check=True,
    )
    walks = []
    for line in calls.read_text(errors="replace").splitlines():
        words = line.split()
        while words[:1] == ["-C"] or (words and words[0].startswith("-")):
            words = words[2:] if words[0] in ("-C", "-c") else words[1:]
        if words and words[0] in WALKS:
            walks.append(words[0])
    return walks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_repo_option(parser, "the synthetic 10,000-commit repository")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    header("devfocus import of a whole history against git log")
    repo = (args.repo or cached_history_repo()).resolve()
    expected = commit_count(repo)
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"  repository: {repo.name} at {head[:12]}, {expected:,} commits on its branches; "
        f"{version}; {os.cpu_count()} CPUs, load average {load}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp:
        work = Path(tmp)
        env = python_env()
        env["DEVFOCUS_DATA_DIR"] = str(work / "data")  # nothing read or written elsewhere
        walks = walks_of_one_import(repo, work, env)
        print(f"  git commands of one import that walk the history: {', '.join(walks)}")
        up_to_date = work / "up-to-date.db"
        ingest_cli(repo, up_to_date, env)
        kinds = ["git log", "import", "import, up to date"]
        measured: dict[str, list[float]] = {kind: [] for kind in kinds}
        for round_ in range(args.runs + 1):
            order = kinds[round_ % len(kinds) :] + kinds[: round_ % len(kinds)]
            row: dict[str, float] = {}
            for kind in order:
                if kind == "git log":
                    row[kind] = time_git_log_cpu(repo, LOG_ARGS, 1, warmup=0)[0][0]
                elif kind == "import":
                    db = work / f"full-{round_}.db"
                    row[kind], _, out = ingest_cli(repo, db, env)
                    if f"{expected:,} new commits".replace(",", "") not in out.replace(",", ""):
                        raise RuntimeError(f"unexpected output of devfocus import: {out!r}")
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                else:
                    row[kind], _, out = ingest_cli(repo, up_to_date, env)
                    if ": 0 new commits" not in out:
                        raise RuntimeError(f"unexpected output of devfocus import: {out!r}")
            label = "warm-up" if round_ == 0 else f"round {round_}"
            print(
                f"  {label}: "
                + ", ".join(f"{kind} {row[kind] * 1000:,.0f} ms" for kind in kinds)
                + f" (order: {', '.join(order)})",
                flush=True,
            )
            if round_ > 0:
                for kind in kinds:
                    measured[kind].append(row[kind])
    ref, full, fixed = (measured[kind] for kind in kinds)
    ratio = pairwise_ratio(full, ref)
    one_walk = walks == ["log"]
    print(
        f"\n  median of {args.runs}: git log {median(ref) * 1000:,.0f} ms; devfocus import "
        f"{median(full) * 1000:,.0f} ms, ratio {ratio:.3f}x; up to date "
        f"{median(fixed) * 1000:,.0f} ms; load average now "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    size = f"{repo.name}, {expected:,} commits"
    ref_name = "git log --branches --numstat"
    return emit(
        [
            Result(
                "import_real",
                f"`devfocus import` of {size}, fresh SQLite, whole process (median; pairs)",
                median(full) * 1000,
                "ms",
                reference=median(ref) * 1000,
                reference_name=ref_name,
                ratio=ratio,
                target=f"<= {TARGET_RATIO}x",
                passed=ratio <= TARGET_RATIO,
            ),
            Result(
                "import_real",
                "git commands of one import that walk the history (1: no count before the log)",
                len(walks),
                "walks",
                target="1 (git log)",
                passed=one_walk,
            ),
            Result(
                "import_real",
                f"`devfocus import` of {size}, database up to date (median)",
                median(fixed) * 1000,
                "ms",
                reference=median(ref) * 1000,
                reference_name=ref_name,
                ratio=pairwise_ratio(fixed, ref),
            ),
        ]
    )


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"  ({time.perf_counter() - started:.0f} s)")
    sys.exit(code)
