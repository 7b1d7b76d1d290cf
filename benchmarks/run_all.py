"""Run every benchmark and print a summary table.

    python benchmarks/run_all.py                 # all of them, a few minutes
    python benchmarks/run_all.py startup burst   # some of them

import_real, cli_fixed and report_charts also import a real repository's history when
DEVFOCUS_BENCH_REPO names a clone with its full history (docs/benchmarks.md says which one was
measured).

Each benchmark runs in its own process (so one cannot warm or disturb another); their output
is shown as it comes, then one table of every result. The exit status is 1 when a target was
missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from _common import BENCH_DIR, PYTHON, REPO, RESULTS_ENV, fmt

BENCHMARKS = (
    "startup",
    "did_change",
    "burst",
    "report_1m",
    "report_charts",
    "docs_actions",
    "docs_check",
    "docs_generate",
    "docs_worker",
    "ai_docstrings",
    "git_ingest",
    "import_real",
    "cli_fixed",
    "git_live",
    "history_hover",
    "insight_diagnostics",
    "status_goals",
    "hostile_input",
    "ignore_checks",
    "vscode_start",
    "vsix_size",
    "ai_quality",
    "issues_sync",
    "team_mode",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)

    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp:
        results_file = Path(tmp) / "results.jsonl"
        env = dict(os.environ, **{RESULTS_ENV: str(results_file)})
        started = time.perf_counter()
        failed_to_run = []
        for name in names:
            code = subprocess.run(
                [PYTHON, str(BENCH_DIR / f"{name}.py")], env=env, cwd=REPO, check=False
            ).returncode
            if code not in (0, 1):
                failed_to_run.append(name)
            print(flush=True)
        results = (
            [json.loads(line) for line in results_file.read_text().splitlines() if line.strip()]
            if results_file.exists()
            else []
        )
        elapsed = time.perf_counter() - started

    print(
        f"Summary ({datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, {elapsed:.0f} s)"
    )
    rows = [("benchmark", "metric", "value", "reference", "ratio", "target", "result")]
    for r in results:
        unit = r["unit"]
        rows.append(
            (
                r["benchmark"],
                r["metric"],
                f"{fmt(r['value'])} {unit}",
                f"{fmt(r['reference'])} {unit} ({r['reference_name']})"
                if r["reference"] is not None
                else "",
                f"{r['ratio']:.3f}x" if r["ratio"] is not None else "",
                r["target"],
                {None: "info", True: "PASS", False: "FAIL"}[r["passed"]],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for name in failed_to_run:
        print(f"{name}: did not run to the end (see its output above)")
    missed = any(r["passed"] is False for r in results)
    return 1 if missed or failed_to_run else 0


if __name__ == "__main__":
    sys.exit(main())
