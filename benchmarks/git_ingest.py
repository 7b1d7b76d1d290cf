"""Git history ingestion: a 10,000-commit repository in full, then one new commit at a time.

The repository is the one of ``git_repo.py`` (10,000 commits, built once into benchmarks/.work
and reused). Three measurements:

* full ingestion into a fresh SQLite file, against ``git log --branches --numstat`` on the same
  repository (stdout read from a pipe and dropped, ``git_reference.time_git_log_cpu``):

  - in process: ``Ingester(Database(url)).ingest(repo)``, engine creation and schema included;
  - the CLI: ``python -m devfocus import REPO --database-url URL`` as a whole process, Python
    start-up and imports included.

  For information, the CLI again on a database already up to date (no ``git log`` then): what
  the CLI costs whatever the history. One warm-up round, then ``--runs`` rounds (default 7),
  each running the four in turn with the order rotating round by round. The ratio is the median
  of the per-round ratios. Target: at most 1.5x.
* one new commit: a copy of the repository (``cp -a``: a normal repository with a working tree)
  is ingested in full; then, ``--new`` times (default 20), a real ``git commit`` of a one-line
  change (not timed) and ``Ingester.ingest(repo)`` timed with the same long-lived ``Ingester``,
  as the server's watch does. Target: at most 100 ms (median and max). For information, the
  same after a commit with a fresh ``Database`` and ``Ingester`` (what a new CLI run does, in
  process); the two take turns. Reference: ``git log -1 --numstat HEAD`` (one git process),
  timed after each.
* the watch's poll: one ``gitwatch.stamp(repo)`` call (median of 1,000), against one
  ``os.stat``, for information.

A breakdown follows the rounds: git running with the ingester's own arguments, the ingester's
parser without the database, and what the CLI adds (interpreter start-up and its imports, in
fresh interpreters), and for comparison a ``git rev-list --count`` walk (which the progress bar
no longer needs). On a miss it prints
a cProfile of the path that missed (one full in-process ingestion, or five one-commit
ingestions); ``--profile`` prints both.

    python benchmarks/git_ingest.py [--commits 10000] [--seed 7] [--runs 7] [--new 20] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import PYTHON, Result, emit, header, median, pairwise_ratio, python_env
from git_reference import LOG_ARGS, time_git_log_cpu
from git_repo import cached_history_repo, describe
from git_repo import git_env as build_git_env

FULL_RATIO = 1.5
NEW_COMMIT_MS = 100.0
ONE_COMMIT_ARGS = ["log", "-1", "--numstat", "HEAD"]
IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench Mark",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench Mark",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def _sqlite_url(path: Path) -> str:
    return "sqlite:///" + path.as_posix()


# -- full ingestion ---------------------------------------------------------------------------
def ingest_in_process(repo_path: Path, db_file: Path) -> tuple[float, float, float, Any]:
    """(wall s, this process's CPU s, git's CPU s, result) of a full ingestion into a new file."""
    from devfocus.app.gitsync import Ingester
    from devfocus.git.repository import open_repository
    from devfocus.store.database import Database

    gc.collect()  # garbage left by an earlier run is not this one's to collect
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    started = time.perf_counter()
    repo = open_repository(repo_path)
    assert repo is not None
    database = Database(_sqlite_url(db_file))
    result = Ingester(database).ingest(repo)
    database.close()
    wall = time.perf_counter() - started
    own = time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    git_cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    if result.problem is not None:
        raise RuntimeError(f"ingestion failed: {result.problem}")
    return wall, own, git_cpu, result


def ingest_cli(repo_path: Path, db_file: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """(wall s, CPU s of the process and its waited-for git children, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "devfocus",
            "import",
            str(repo_path),
            "--database-url",
            _sqlite_url(db_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    # wait4 rather than wait: its rusage has the CPU of the process and of the git it waited for
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    if code != 0:
        raise RuntimeError(f"devfocus import exited with {code}: {err.decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, out.decode()


def full_rounds(repo: Path, work: Path, runs: int, expected: int) -> dict[str, list[tuple]]:
    """Warm-up round, then ``runs`` rounds of the reference, in process, the CLI, and the CLI on
    a database already up to date (its fixed cost), in turn."""
    env = python_env()
    env["DEVFOCUS_DATA_DIR"] = str(work / "cli-data")  # nothing read or written elsewhere
    kinds = ["git log", "in process", "CLI", "CLI up to date"]
    measured: dict[str, list[tuple]] = {kind: [] for kind in kinds}
    counter = 0
    up_to_date = work / "up-to-date.db"
    ingest_cli(repo, up_to_date, env)

    def fresh_db() -> Path:
        nonlocal counter
        counter += 1
        return work / f"full-{counter}.db"

    for round_ in range(runs + 1):
        order = kinds[round_ % len(kinds) :] + kinds[: round_ % len(kinds)]
        row: dict[str, tuple] = {}
        for kind in order:
            if kind == "git log":
                wall, cpu = time_git_log_cpu(repo, LOG_ARGS, 1, warmup=0)[0]
                row[kind] = (wall, cpu)
            elif kind == "in process":
                db = fresh_db()
                wall, own, git_cpu, result = ingest_in_process(repo, db)
                if result.new_commits != expected:
                    raise RuntimeError(f"{result.new_commits} commits ingested, not {expected}")
                row[kind] = (wall, own, git_cpu)
                _remove_db(db)
            elif kind == "CLI":
                db = fresh_db()
                wall, cpu, out = ingest_cli(repo, db, env)
                if f"{expected} new commits" not in out:
                    raise RuntimeError(f"unexpected output of devfocus import: {out!r}")
                row[kind] = (wall, cpu)
                _remove_db(db)
            else:
                wall, cpu, out = ingest_cli(repo, up_to_date, env)
                if ": 0 new commits" not in out:
                    raise RuntimeError(f"unexpected output of devfocus import: {out!r}")
                row[kind] = (wall, cpu)
        label = "warm-up" if round_ == 0 else f"round {round_}"
        print(
            f"  {label}: git log {row['git log'][0] * 1000:,.0f} ms, in process "
            f"{row['in process'][0] * 1000:,.0f} ms, CLI {row['CLI'][0] * 1000:,.0f} ms, CLI "
            f"up to date {row['CLI up to date'][0] * 1000:,.0f} ms (order: {', '.join(order)})",
            flush=True,
        )
        if round_ > 0:
            for kind in kinds:
                measured[kind].append(row[kind])
    return measured


def _spread(measured: list[float], reference: list[float]) -> str:
    ratios = [m / r for m, r in zip(measured, reference, strict=True)]
    return f"pairs {min(ratios):.3f}-{max(ratios):.3f}x"


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def breakdown(repo: Path, runs: int = 3) -> None:
    """Where the full ingestion's time goes: git with the ingester's arguments, the parser; and
    what the CLI adds: interpreter start-up, its imports, the commit count for its progress bar."""
    from devfocus.git.logstream import log_arguments, read_commits

    ingester_args = [*log_arguments(["--branches"])]
    count_args = ["rev-list", "--count", "--branches", "--"]
    env = python_env()
    fresh = {
        "python -c pass": [PYTHON, "-c", "pass"],
        "python -m devfocus --version": [PYTHON, "-m", "devfocus", "--version"],
        "the modules `devfocus import` loads": [
            PYTHON,
            "-c",
            "import devfocus.cli, devfocus.cli.data, devfocus.app.gitsync, "
            "devfocus.git.repository, devfocus.store.database, tqdm",
        ],
    }
    times: dict[str, list[float]] = {
        "plain": [],
        "git_only": [],
        "parse": [],
        "count": [],
        **{name: [] for name in fresh},
    }
    count = 0
    for _ in range(runs):
        times["plain"].append(time_git_log_cpu(repo, LOG_ARGS, 1, warmup=0)[0][0])
        times["git_only"].append(time_git_log_cpu(repo, ingester_args, 1, warmup=0)[0][0])
        started = time.perf_counter()
        count = sum(1 for _ in read_commits(repo, ["--branches"]))
        times["parse"].append(time.perf_counter() - started)
        times["count"].append(time_git_log_cpu(repo, count_args, 1, warmup=0)[0][0])
        for name, argv in fresh.items():
            started = time.perf_counter()
            subprocess.run(argv, env=env, capture_output=True, check=True)
            times[name].append(time.perf_counter() - started)
    ms = {name: median(values) * 1000 for name, values in times.items()}
    print(
        f"  breakdown, median of {runs}: `git log --branches --numstat` {ms['plain']:,.0f} ms; "
        f"git with the ingester's arguments (-z, full format, mailmap, --find-renames), output "
        f"dropped: {ms['git_only']:,.0f} ms; the same parsed into {count:,} Commit objects (no "
        f"database): {ms['parse']:,.0f} ms"
    )
    print(
        f"  for comparison, `git rev-list --count --branches` (a second walk the import no longer "
        f"makes) {ms['count']:,.0f} ms; what the CLI adds, in fresh interpreters: "
        + "; ".join(f"{name} {ms[name]:,.0f} ms" for name in fresh),
        flush=True,
    )


# -- one new commit ---------------------------------------------------------------------------
def _git(repo: Path, *args: str) -> str:
    env = dict(build_git_env(), **IDENTITY)
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.decode(errors="replace")


def new_commit(repo: Path, target: Path, n: int) -> str:
    """A one-line change of ``target`` committed with a real ``git commit``; its sha."""
    with target.open("a", encoding="utf-8") as out:
        out.write(f"\nA note added by benchmark commit {n}.\n")
    _git(repo, "commit", "-q", "-a", "-m", f"docs: add benchmark note {n}")
    return _git(repo, "rev-parse", "HEAD").strip()


def incremental(source: Path, work: Path, count: int, profile: bool) -> dict[str, Any]:
    from devfocus.app.gitsync import Ingester
    from devfocus.git.repository import open_repository
    from devfocus.store.database import Database

    copy = work / "incremental" / source.name
    copy.parent.mkdir(parents=True)
    started = time.perf_counter()
    subprocess.run(["cp", "-a", str(source), str(copy)], check=True)
    print(f"  copied the repository in {time.perf_counter() - started:.1f} s", flush=True)
    target = next(
        copy / name
        for name in _git(copy, "ls-files", "*.md").splitlines()
        if (copy / name).stat().st_size < 20_000
    )
    repo = open_repository(copy)
    assert repo is not None
    url = _sqlite_url(work / "incremental.db")
    database = Database(url)
    ingester = Ingester(database)
    first = ingester.ingest(repo)
    if first.problem is not None:
        raise RuntimeError(first.problem)
    print(
        f"  full ingestion of the copy: {first.new_commits:,} commits in {first.seconds:.2f} s; "
        f"then {count} commits changing {target.relative_to(copy).as_posix()}",
        flush=True,
    )

    def fresh_ingest() -> tuple[float, Any]:
        t0 = time.perf_counter()
        db = Database(url)
        result = Ingester(db).ingest(repo)
        db.close()
        return time.perf_counter() - t0, result

    def kept_ingest() -> tuple[float, Any]:
        t0 = time.perf_counter()
        result = ingester.ingest(repo)
        return time.perf_counter() - t0, result

    kept: list[float] = []
    fresh: list[float] = []
    reference: list[float] = []
    n = 0
    for i in range(count):
        order = [("kept", kept_ingest), ("fresh", fresh_ingest)]
        if i % 2:
            order.reverse()
        for label, run in order:
            n += 1
            sha = new_commit(copy, target, n)
            gc.collect()
            seconds, result = run()
            if result.problem is not None or result.new_commits != 1:
                raise RuntimeError(f"ingesting {sha[:12]}: {result}")
            (kept if label == "kept" else fresh).append(seconds)
            reference.append(time_git_log_cpu(copy, ONE_COMMIT_ARGS, 1, warmup=0)[0][0])

    # The watch's poll, for information.
    from devfocus.app.gitwatch import stamp

    head = repo.git_dir / "HEAD"
    stamps: list[float] = []
    stats: list[float] = []
    for _ in range(1000):
        t0 = time.perf_counter()
        stamp(repo)
        t1 = time.perf_counter()
        os.stat(head)
        t2 = time.perf_counter()
        stamps.append(t1 - t0)
        stats.append(t2 - t1)

    if profile or median(kept) * 1000 > NEW_COMMIT_MS:
        profiler = cProfile.Profile()
        for _ in range(5):
            n += 1
            new_commit(copy, target, n)
            profiler.enable()
            ingester.ingest(repo)
            profiler.disable()
        print("\ncProfile of 5 one-commit ingestions (the long-lived Ingester):")
        from _common import profile_by_package

        profile_by_package(pstats.Stats(profiler), top=15)
    database.close()
    return {
        "kept": kept,
        "fresh": fresh,
        "reference": reference,
        "stamp": stamps,
        "stat": stats,
    }


def profile_full(repo: Path, work: Path) -> None:
    from _common import profile_by_package

    profiler = cProfile.Profile()
    db = work / "profiled.db"
    profiler.enable()
    ingest_in_process(repo, db)
    profiler.disable()
    print("\ncProfile of one full in-process ingestion (git runs beside it, unprofiled):")
    profile_by_package(pstats.Stats(profiler), top=20)
    _remove_db(db)


# -- main ---------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--new", type=int, default=20, help="one-commit ingestions of each kind")
    parser.add_argument("--profile", action="store_true", help="profile the in-process paths")
    args = parser.parse_args()

    header("git history ingestion against git log --numstat")
    repo = cached_history_repo(args.commits, args.seed)
    facts = describe(repo)
    version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    print(
        f"  repository: {facts['commits']:,} commits ({facts['merges']:,} merges) on "
        f"{facts['branches']} branches, {facts['files']} files at HEAD, .git "
        f"{facts['git_bytes'] / 1e6:.1f} MB; {version}; load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp:
        work = Path(tmp)
        measured = full_rounds(repo, work, args.runs, facts["commits"])
        breakdown(repo)
        inc = incremental(repo, work, args.new, args.profile)
        ref = [m[0] for m in measured["git log"]]
        inproc = [m[0] for m in measured["in process"]]
        cli = [m[0] for m in measured["CLI"]]
        fixed = [m[0] for m in measured["CLI up to date"]]
        inproc_ratio = pairwise_ratio(inproc, ref)
        cli_ratio = pairwise_ratio(cli, ref)
        git_cpu = median(m[1] for m in measured["git log"])
        py_cpu = median(m[1] for m in measured["in process"])
        child_cpu = median(m[2] for m in measured["in process"])
        cli_cpu = median(m[1] for m in measured["CLI"])
        print(
            f"\n  full ingestion, median of {args.runs}: git log {median(ref) * 1000:,.0f} ms "
            f"(CPU {git_cpu * 1000:,.0f} ms); in process {median(inproc) * 1000:,.0f} ms (CPU: "
            f"Python {py_cpu * 1000:,.0f} ms + git {child_cpu * 1000:,.0f} ms), ratio "
            f"{inproc_ratio:.3f}x ({_spread(inproc, ref)}); CLI {median(cli) * 1000:,.0f} ms "
            f"(CPU {cli_cpu * 1000:,.0f} ms), ratio {cli_ratio:.3f}x ({_spread(cli, ref)}); "
            f"CLI on an up-to-date database {median(fixed) * 1000:,.0f} ms"
        )
        kept, fresh, one = inc["kept"], inc["fresh"], inc["reference"]
        print(
            f"  one new commit, {len(kept)} each: long-lived Ingester median "
            f"{median(kept) * 1000:.1f} ms, max {max(kept) * 1000:.1f} ms; fresh Database + "
            f"Ingester median {median(fresh) * 1000:.1f} ms, max {max(fresh) * 1000:.1f} ms; "
            f"`git log -1 --numstat` median {median(one) * 1000:.1f} ms"
        )
        print(
            f"  gitwatch.stamp: median {median(inc['stamp']) * 1e6:.1f} µs; one os.stat "
            f"{median(inc['stat']) * 1e6:.2f} µs; load average now "
            f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        if args.profile or inproc_ratio > FULL_RATIO or cli_ratio > FULL_RATIO:
            profile_full(repo, work)

    size = f"{facts['commits']:,} commits"
    ref_name = "git log --branches --numstat"
    one_name = "git log -1 --numstat HEAD"
    results = [
        Result(
            "git_ingest",
            f"full ingestion of {size}, in process, fresh SQLite (median; ratio of pairs)",
            median(inproc) * 1000,
            "ms",
            reference=median(ref) * 1000,
            reference_name=ref_name,
            ratio=inproc_ratio,
            target=f"<= {FULL_RATIO}x",
            passed=inproc_ratio <= FULL_RATIO,
        ),
        Result(
            "git_ingest",
            f"full ingestion of {size}, `devfocus import` whole process (median; ratio of pairs)",
            median(cli) * 1000,
            "ms",
            reference=median(ref) * 1000,
            reference_name=ref_name,
            ratio=cli_ratio,
            target=f"<= {FULL_RATIO}x",
            passed=cli_ratio <= FULL_RATIO,
        ),
        Result(
            "git_ingest",
            "`devfocus import` of the same, database already up to date (median; its fixed cost)",
            median(fixed) * 1000,
            "ms",
            reference=median(ref) * 1000,
            reference_name=ref_name,
            ratio=pairwise_ratio(fixed, ref),
        ),
        Result(
            "git_ingest",
            f"one new commit, long-lived Ingester ({len(kept)} commits, median)",
            median(kept) * 1000,
            "ms",
            reference=median(one) * 1000,
            reference_name=one_name,
            ratio=median(kept) / median(one),
            target=f"<= {NEW_COMMIT_MS:.0f} ms",
            passed=median(kept) * 1000 <= NEW_COMMIT_MS,
        ),
        Result(
            "git_ingest",
            f"one new commit, long-lived Ingester ({len(kept)} commits, max)",
            max(kept) * 1000,
            "ms",
            reference=max(one) * 1000,
            reference_name=one_name + " (max)",
            ratio=max(kept) / max(one),
            target=f"<= {NEW_COMMIT_MS:.0f} ms",
            passed=max(kept) * 1000 <= NEW_COMMIT_MS,
        ),
        Result(
            "git_ingest",
            f"one new commit, fresh Database + Ingester ({len(fresh)} commits, median)",
            median(fresh) * 1000,
            "ms",
            reference=median(one) * 1000,
            reference_name=one_name,
            ratio=median(fresh) / median(one),
        ),
        Result(
            "git_ingest",
            "gitwatch.stamp(repo), the watch's poll (median of 1,000)",
            median(inc["stamp"]) * 1000,
            "ms",
            reference=median(inc["stat"]) * 1000,
            reference_name="one os.stat",
            ratio=median(inc["stamp"]) / median(inc["stat"]),
        ),
    ]
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
