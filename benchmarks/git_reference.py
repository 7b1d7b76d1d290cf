"""The reference for git history ingestion: how long git itself takes to print the history.

On the repository of ``git_repo.py`` (10,000 commits by default, built once into
benchmarks/.work and reused), each command below is timed from spawn to exit, its output read
from a pipe as it comes and thrown away (as an ingester reads it), median of 5 runs after one
warm-up run (file cache), the commands taking turns round by round:

* ``git log --branches --numstat``: the reference for ingestion;
* the same with ``-z`` and a full format (ids, parents, mailmapped names and e-mails, dates,
  the whole message): about what an ingester asks for;
* for comparison: without rename detection, without ``--numstat``, and the bare walk.

    python benchmarks/git_reference.py [--commits 10000] [--seed 7] [--runs 5] [--repo DIR]

``time_git_log`` is what the ingestion benchmark times its reference with.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from _common import Result, emit, header, median
from git_repo import cached_history_repo, describe

# Every field an ingester needs, NUL-separated (messages may hold anything but NUL).
FULL_FORMAT = "%H%x00%P%x00%aN%x00%aE%x00%at%x00%ad%x00%cN%x00%cE%x00%ct%x00%B"
LOG_ARGS = ["log", "--branches", "--numstat"]
FULL_LOG_ARGS = ["log", "--branches", "--numstat", "-z", f"--format={FULL_FORMAT}"]
VARIANTS: tuple[tuple[str, list[str]], ...] = (
    ("log --numstat (reference)", LOG_ARGS),
    ("log --numstat -z --format=<full>", FULL_LOG_ARGS),
    ("log --numstat --no-renames", [*LOG_ARGS, "--no-renames"]),
    ("log -z --format=<full> (no numstat)", ["log", "--branches", "-z", f"--format={FULL_FORMAT}"]),
    ("rev-list --branches (walk only)", ["rev-list", "--branches"]),
)
CHUNK = 1 << 20


def git_env() -> dict[str, str]:
    """The environment DevFocus runs git in (no prompts, no optional locks, C locale)."""
    env = dict(os.environ)
    env.update(
        {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_PAGER": "cat"}
    )
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)
    return env


def _run(repo: Path, args: Sequence[str], sink: bytearray | None = None) -> tuple[float, float]:
    """(wall seconds from spawn to exit, CPU seconds: user + system) of ``git -C repo ARGS``;
    stdout is read in chunks from the pipe and dropped (or kept in ``sink``)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["git", "-C", str(repo), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=git_env(),
        bufsize=0,
    )
    assert proc.stdout is not None and proc.stderr is not None
    read = proc.stdout.read
    while chunk := read(CHUNK):
        if sink is not None:
            sink += chunk
    error = proc.stderr.read()  # git log says little there; read after stdout is drained
    # wait4 rather than wait: the CPU time tells git's work apart from a busy machine's delays
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    for stream in (proc.stdout, proc.stderr):
        stream.close()
    if code != 0:
        raise RuntimeError(f"git {' '.join(args)} exited with {code}: {error.decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def time_git_log(repo: Path, args: list[str], runs: int = 5, *, warmup: int = 1) -> list[float]:
    """Wall seconds of ``runs`` runs of ``git -C repo ARGS`` (after ``warmup`` untimed ones),
    stdout read from a pipe and thrown away."""
    return [wall for wall, _ in time_git_log_cpu(repo, args, runs, warmup=warmup)]


def time_git_log_cpu(
    repo: Path, args: list[str], runs: int = 5, *, warmup: int = 1
) -> list[tuple[float, float]]:
    """Like :func:`time_git_log`, with git's CPU seconds (user + system): (wall, cpu) per run."""
    for _ in range(warmup):
        _run(repo, args)
    return [_run(repo, args) for _ in range(runs)]


def interleaved(repo: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    """(wall, cpu) of every variant, ``runs`` rounds after a warm-up round; each round runs
    them all in turn, so a busy moment on the machine is shared rather than hitting one."""
    measured: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in VARIANTS}
    for round_ in range(runs + 1):
        for name, git_args in VARIANTS:
            result = _run(repo, git_args)
            if round_ > 0:
                measured[name].append(result)
    return measured


def git_output(repo: Path, args: list[str]) -> bytes:
    """The whole stdout of ``git -C repo ARGS``."""
    sink = bytearray()
    _run(repo, args, sink)
    return bytes(sink)


def renames_in_numstat(output: bytes) -> int:
    """Renames git reported in plain ``--numstat`` output (``old => new`` paths)."""
    return sum(1 for line in output.splitlines() if line.count(b"\t") == 2 and b" => " in line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repo", type=Path, help="time this repository instead of a built one")
    args = parser.parse_args()

    header("git itself printing the history (the reference for ingestion)")
    repo = args.repo or cached_history_repo(args.commits, args.seed)
    facts = describe(repo)
    reference_output = git_output(repo, LOG_ARGS)
    full_output = git_output(repo, FULL_LOG_ARGS)
    renames = renames_in_numstat(reference_output)
    print(
        f"  repository: {facts['commits']:,} commits ({facts['merges']:,} merges) on "
        f"{facts['branches']} branches, {facts['tags']} tags, {facts['files']} files at HEAD, "
        f".git {facts['git_bytes'] / 1e6:.1f} MB (not repacked)"
    )
    print(
        f"  output: --numstat {len(reference_output) / 1e6:.1f} MB with {renames} renames "
        f"detected; -z full format {len(full_output) / 1e6:.1f} MB"
    )
    version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"  {version}")

    rows = [("command (git -C REPO ... --branches)", "median", "min", "max", "CPU (median)")]
    medians: dict[str, float] = {}
    for name, measured in interleaved(repo, args.runs).items():
        times = [wall for wall, _ in measured]
        medians[name] = median(times)
        rows.append(
            (
                name,
                f"{median(times) * 1000:,.0f} ms",
                f"{min(times) * 1000:,.0f} ms",
                f"{max(times) * 1000:,.0f} ms",
                f"{median(cpu for _, cpu in measured) * 1000:,.0f} ms",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        numbers = zip(row[1:], widths[1:], strict=True)
        cells = [row[0].ljust(widths[0]), *(c.rjust(w) for c, w in numbers)]
        print("  | " + " | ".join(cells) + " |")
        if i == 0:
            print("  |" + "|".join("-" * (w + 2) for w in widths) + "|")

    size = f"{facts['commits']:,} commits, {facts['files']} files"
    reference_name, full_name = VARIANTS[0][0], VARIANTS[1][0]
    results = [
        Result(
            "git_reference",
            f"`git log --branches --numstat` on {size}, output read and dropped (median)",
            medians[reference_name] * 1000,
            "ms",
        ),
        Result(
            "git_reference",
            f"`git log --branches --numstat -z --format=<full>` on {size} (median)",
            medians[full_name] * 1000,
            "ms",
            reference=medians[reference_name] * 1000,
            reference_name="git log --branches --numstat",
            ratio=medians[full_name] / medians[reference_name],
        ),
    ]
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
