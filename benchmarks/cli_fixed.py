"""The CLI's fixed costs: commands that have (next to) nothing to do, against importing SQLAlchemy.

Measured as whole processes, side by side with ``python -c "import sqlalchemy"`` (the least a
command that may touch the database could cost), one warm-up round, then ``--runs`` rounds
(default 11) with the order rotating:

* ``devfocus import REPO`` on a database already up to date (REPO: ``--repo DIR``, else the
  synthetic 200-commit repository of ``git_repo.py``);
* ``devfocus report`` on an empty database (a DevFocus database without rows, created by a
  first report before the rounds; that first run, which creates the file, is reported for
  information).

Targets: each at most 1.3x the reference (median of the per-round ratios). For each command, the
modules it imports beyond the reference are listed (``-X importtime``), largest first.

    python benchmarks/cli_fixed.py [--repo DIR] [--runs 11]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    PYTHON,
    REPO,
    Result,
    add_repo_option,
    emit,
    header,
    median,
    pairwise_ratio,
    python_env,
)
from git_repo import cached_history_repo

TARGET_RATIO = 1.3
REFERENCE = [PYTHON, "-c", "import sqlalchemy"]


def run(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:6])} failed: {done.stderr.decode()[-2000:]}")
    return elapsed


def own_imports(argv: list[str], env: dict[str, str], top: int = 8) -> list[tuple[str, float]]:
    """Top-level imports (cumulative ms) of ``argv`` run with ``-X importtime``."""
    done = subprocess.run(
        [argv[0], "-X", "importtime", *argv[1:]], env=env, cwd=REPO, capture_output=True
    )
    found: list[tuple[str, float]] = []
    for line in done.stderr.decode(errors="replace").splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if name.startswith(" ") and not name.startswith("  ") and cumulative.strip().isdigit():
            found.append((name.strip(), int(cumulative) / 1000))
    return sorted(found, key=lambda item: -item[1])[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_repo_option(parser, "the synthetic 200-commit repository")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()

    header("the CLI's fixed costs against python -c 'import sqlalchemy'")
    repo = (args.repo or cached_history_repo(200, 7)).resolve()
    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp:
        work = Path(tmp)
        env = python_env()
        env["DEVFOCUS_DATA_DIR"] = str(work / "data")
        url = f"sqlite:///{work / 'history.db'}"
        importing = [PYTHON, "-m", "devfocus", "import", str(repo), "--database-url", url]
        reporting = [PYTHON, "-m", "devfocus", "report", "--no-import"]
        run(importing, env)  # the database is now up to date
        first_report = run(reporting, env)  # creates the (empty) database
        commands = {"reference": REFERENCE, "import": importing, "report": reporting}
        measured: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for round_ in range(args.runs + 1):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            for name in order:
                seconds = run(commands[name], env)
                if round_:
                    measured[name].append(seconds)
        for name in ("import", "report"):
            listed = ", ".join(f"{m} {ms:.1f} ms" for m, ms in own_imports(commands[name], env))
            print(f"  `devfocus {name}` imports (cumulative): {listed}")
    ref = measured["reference"]
    ratios = {name: pairwise_ratio(measured[name], ref) for name in ("import", "report")}
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"  median of {args.runs}: import sqlalchemy {median(ref) * 1000:.0f} ms; import up to "
        f"date {median(measured['import']) * 1000:.0f} ms ({ratios['import']:.3f}x); report on "
        f"an empty database {median(measured['report']) * 1000:.0f} ms "
        f"({ratios['report']:.3f}x); first report (creates the database) "
        f"{first_report * 1000:.0f} ms; load average {load}"
    )
    reference_name = 'python -c "import sqlalchemy"'
    return emit(
        [
            Result(
                "cli_fixed",
                f"`devfocus import` of {repo.name}, database up to date (median; pairs)",
                median(measured["import"]) * 1000,
                "ms",
                reference=median(ref) * 1000,
                reference_name=reference_name,
                ratio=ratios["import"],
                target=f"<= {TARGET_RATIO}x",
                passed=ratios["import"] <= TARGET_RATIO,
            ),
            Result(
                "cli_fixed",
                "`devfocus report` on an empty database (median; pairs)",
                median(measured["report"]) * 1000,
                "ms",
                reference=median(ref) * 1000,
                reference_name=reference_name,
                ratio=ratios["report"],
                target=f"<= {TARGET_RATIO}x",
                passed=ratios["report"] <= TARGET_RATIO,
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
