"""Merging another machine's export: ``devfocus import FILE`` of 200,000 events.

A database of ``--events`` events (default 200,000: a year and more of one person's editing,
spans of a minute in a few projects and branches, as the editor's server writes them) is
exported with ``devfocus export --format json`` and ``--format csv``. Each round, in rotating
order, as the command runs (a process of its own, start-up included):

* the import: ``devfocus import FILE`` into a fresh SQLite file (each file read twice, checked
  then merged, 2,000 events to a transaction);
* the reference: ``devfocus export`` of the same events to a file, the same amount of data
  the other way (one read of the database, one written file).

Reported: seconds and events per second of each, and the median of the per-round ratios
import / export (informational: no target). For information, an import of the same file
again (every event already present) and the CSV import.

    python benchmarks/import_export.py [--events 200000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PYTHON, REPO, Result, emit, header, median, pairwise_ratio, python_env

START_MS = 1_420_070_400_000  # 2015-01-01T00:00:00Z: the last event is years before today


def seed(data_dir: Path, count: int) -> None:
    """``count`` edit spans, a minute apart in working hours, through the store's own writer."""
    from devfocus.store.database import Database
    from devfocus.store.events import write_events

    rng = random.Random(7)
    projects = [f"/home/dev/src/project-{i}" for i in range(6)]
    branches = ["main", "develop", "feature/login", "fix/cache"]
    rows = []
    at = START_MS
    for _ in range(count):
        at += 60_000 if rng.random() < 0.97 else rng.randint(1, 20) * 3_600_000
        added = rng.randint(0, 12)
        rows.append(
            {
                "id": rng.getrandbits(63),
                "start_ms": at,
                "end_ms": at + rng.randint(5_000, 59_000),
                "kind": "edit",
                "project": rng.choice(projects),
                "path": f"src/module_{rng.randint(0, 80)}.py",
                "language": "python",
                "branch": rng.choice(branches),
                "editor": "vscode",
                "source": f"{rng.getrandbits(32):08x}",
                "lines_added": added,
                "lines_removed": rng.randint(0, 5),
                "lines_bulk": added if rng.random() < 0.05 else 0,
            }
        )
    database = Database(f"sqlite:///{data_dir / 'devfocus.db'}")
    for i in range(0, len(rows), 20_000):
        batch = rows[i : i + 20_000]
        database.run(lambda engine, batch=batch: write_events(engine, batch))
    database.close()


def run(data_dir: Path, *args: str, expect: str = "") -> float:
    """Seconds ``devfocus ARGS`` took, as a process of its own; ``expect``: in its output."""
    env = python_env()
    env["DEVFOCUS_DATA_DIR"] = str(data_dir)
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "devfocus", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"devfocus {' '.join(args)} failed: {done.stderr}{done.stdout}")
    if expect not in done.stdout:
        raise RuntimeError(f"devfocus {' '.join(args)}: {expect!r} expected, got {done.stdout}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    header(f"import_export: {args.events:,} events, {args.rounds} rounds")
    work = Path(tempfile.mkdtemp(prefix="devfocus-bench-import-"))
    try:
        source = work / "source"
        source.mkdir()
        seed(source, args.events)
        dump = work / "export.json"
        dump_csv = work / "export.csv"
        run(source, "export", "--format", "json", "--output", str(dump))  # also a warm-up
        run(source, "export", "--format", "csv", "--output", str(dump_csv))
        print(f"  export: {dump.stat().st_size / 1e6:.1f} MB of JSON")
        fresh = f": {args.events} new events, 0 already present, 0 updated, 0 refused"
        present = f": 0 new events, {args.events} already present, 0 updated, 0 refused"
        imports: list[float] = []
        exports: list[float] = []
        again: list[float] = []
        for i in range(args.rounds):
            target = work / f"round{i}"
            for what in ("import", "export")[i % 2 :] + ("import", "export")[: i % 2]:
                if what == "import":
                    imports.append(run(target, "import", str(dump), expect=fresh))
                else:
                    out = work / f"round{i}.json"
                    exports.append(run(source, "export", "--format", "json", "-o", str(out)))
                    out.unlink()
            again.append(run(target, "import", str(dump), expect=present))
            print(
                f"  round {i + 1}: import {imports[-1]:.2f} s, export {exports[-1]:.2f} s, "
                f"import again (all present) {again[-1]:.2f} s"
            )
        csv_seconds = run(work / "csv", "import", str(dump_csv), expect=fresh)
        print(f"  CSV import into a fresh database: {csv_seconds:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    seconds = median(imports)
    reference = median(exports)
    return emit(
        [
            Result(
                "import_export",
                f"import of {args.events:,} events (JSON, fresh SQLite)",
                seconds,
                "s",
                reference,
                "devfocus export of them",
                pairwise_ratio(imports, exports),
            ),
            Result("import_export", "import rate", args.events / seconds, "events/s"),
            Result("import_export", "export rate", args.events / reference, "events/s"),
            Result("import_export", "import again (all present)", median(again), "s"),
            Result("import_export", "CSV import (fresh SQLite)", csv_seconds, "s"),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
