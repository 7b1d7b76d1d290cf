"""Generating every missing docstring of the standard library's ``_pydecimal.py`` (6,400 lines).

The file is copied into a project of its own (a directory with a ``.git`` marker, so the style
and line length are looked up there and nowhere else). ``--missing all`` asks for a docstring on
every definition: 36 of them change (34 methods and a class without one, plus one stale
docstring, ``Decimal._fix``: a parameter and the Returns section); the default scope,
``public``, finds nothing missing in this file. The style is left to ``auto`` (the file shows
none, so google).

Measured, each against a reference in the same run:

* the CLI, whole process: ``python -m devfocus docs fix --diff --missing all FILE`` against
  ``pydoclint --style=sphinx FILE`` (a whole process reading and checking the same file);
  side by side, alternating, after a warm-up pair; ratio = median of the pairwise ratios;
* in process, in fresh interpreters: the first ``fix_source`` (it starts the parser process,
  which loads libcst, and jedi)
  and then the median of further calls (a new ``DocsConfig`` each, so a new jedi state), against
  ``ast.parse`` + ``compile`` of the same text in the same interpreter.

Target: at most 2 s for each. Also shown: the CLI with ``--no-infer`` (no jedi).

    python benchmarks/docs_generate.py [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import PYTHON, Result, emit, header, median, pairwise_ratio, python_env
from docs_common import (
    DEVFOCUS_CLI,
    profile_cli,
    pydecimal_path,
    pydoclint_cmd,
    timed_run,
)

TARGET_S = 2.0
CHANGED = re.compile(rb"(\d+) docstring\(s\) would change")

# A fresh interpreter: the reference (ast.parse + compile), then fix_source, first and again.
_IN_PROCESS = r"""
import json, sys, time
path, runs = sys.argv[1], int(sys.argv[2])
clock = time.perf_counter
source = open(path, encoding="utf-8").read()
reference = []
for _ in range(runs):
    t0 = clock()
    compile(__import__("ast").parse(source, path), path, "exec")
    reference.append(clock() - t0)
t0 = clock()
from devfocus.app.docstrings import DocsConfig, fix_source
from devfocus.config import DocsSettings
t1 = clock()
times, counts = [], []
for _ in range(runs + 1):
    config = DocsConfig(DocsSettings(missing="all"))
    t2 = clock()
    result = fix_source(config, source, path)
    times.append(clock() - t2)
    counts.append(len(result.edits))
    if result.source == source or any(result.refused):
        raise SystemExit(f"unexpected result: {len(result.edits)} edits, {result.refused[:3]}")
print(json.dumps({"imports": t1 - t0, "first": times[0], "again": times[1:],
                  "reference": reference, "edits": counts[0]}))
"""


# A fresh interpreter: the steps of one cold fix, timed one by one.
_STEPS = r"""
import json, sys, time
path = sys.argv[1]
clock = time.perf_counter
source = open(path, encoding="utf-8").read()
t = [clock()]
from devfocus.app.docstrings import DocsConfig, check_source, fix_source
from devfocus.config import DocsSettings
t.append(clock())
from devfocus.docs.cst import InsertRequest
from devfocus.docs.worker import shared
shared().call("insert_docstring", InsertRequest("def f():\n    k\n", False, "'D.'", "function", ""))
t.append(clock())
import jedi
t.append(clock())
config = DocsConfig(DocsSettings(missing="all"))
check_source(config, source, path)
t.append(clock())
fixed = fix_source(DocsConfig(DocsSettings(missing="all", infer_types=False)), source, path)
t.append(clock())
from devfocus.docs.edits import same_code
same_code(source, fixed.source)
t.append(clock())
fix_source(config, source, path)
t.append(clock())
names = ["DevFocus imports", "parser process started, libcst loaded there", "import jedi",
         "check_source",
         "fix_source without jedi", "same_code(whole file): fix_source's final check, alone",
         "fix_source with jedi (its 0.75 s budget)"]
print(json.dumps(dict(zip(names, [b - a for a, b in zip(t, t[1:])]))))
"""

# Another fresh interpreter: how long jedi takes to answer every question a fix asks it.
_JEDI = r"""
import json, sys, time
path = sys.argv[1]
source = open(path, encoding="utf-8").read()
from devfocus.app.docstrings import DocsConfig, check_source
from devfocus.config import DocsSettings
from devfocus.docs.infer import ReturnInference
facts, findings = check_source(DocsConfig(DocsSettings(missing="all")), source, path)
wanted = {f.qualname for f in findings}
asked = [d for d in facts.definitions if d.qualname in wanted and d.kind == "function"
         and d.returns is None and d.returns_value]
t0 = time.perf_counter()
inference = ReturnInference(source, path, budget_seconds=600.0)
answers = [inference(d) for d in asked]
name = (f"jedi answering all {len(asked)} questions of the fix, no budget (import included; "
        f"{sum(a is not None for a in answers)} with a type)")
print(json.dumps({name: time.perf_counter() - t0}))
"""


def in_process(path: Path, work: Path, runs: int) -> dict:
    done = subprocess.run(
        [PYTHON, "-c", _IN_PROCESS, str(path), str(runs)],
        cwd=work,
        env=python_env(),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace")[-2000:])
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def steps(path: Path, work: Path) -> None:
    for script in (_STEPS, _JEDI):
        done = subprocess.run(
            [PYTHON, "-c", script, str(path)],
            cwd=work,
            env=python_env(),
            capture_output=True,
            check=True,
        )
        for name, seconds in json.loads(done.stdout.decode().strip().splitlines()[-1]).items():
            print(f"    {seconds * 1000:7.0f} ms  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of DevFocus")
    args = parser.parse_args()

    header("generating every missing docstring of _pydecimal.py")
    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp:
        work = Path(tmp)
        root = work / "decimal-project"
        (root / ".git").mkdir(parents=True)
        path = root / "_pydecimal.py"
        shutil.copyfile(pydecimal_path(), path)
        lines = path.read_bytes().count(b"\n")
        env = python_env()
        fix = ["docs", "fix", "--diff", "--missing", "all", str(path)]
        commands = {
            "devfocus": [*DEVFOCUS_CLI, *fix],
            "no-infer": [*DEVFOCUS_CLI, *fix[:-1], "--no-infer", str(path)],
            "pydoclint": [*pydoclint_cmd(), "--style=sphinx", str(path)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        written: dict[str, int] = {}
        for i in range(args.warmup + args.runs):
            order = list(commands) if i % 2 == 0 else list(reversed(commands))
            for name in order:
                elapsed, out, _ = timed_run(commands[name], cwd=root, env=env)
                if name != "pydoclint":
                    match = CHANGED.search(out)
                    written[name] = int(match.group(1)) if match else 0
                if i >= args.warmup:
                    times[name].append(elapsed)
        if path.read_bytes() != pydecimal_path().read_bytes():
            raise RuntimeError("--diff changed the file")
        cli, no_infer, ref = times["devfocus"], times["no-infer"], times["pydoclint"]
        print(
            f"  CLI on {lines:,} lines: devfocus {median(cli):.2f} s (min {min(cli):.2f}, "
            f"{written['devfocus']} docstrings), --no-infer {median(no_infer):.2f} s "
            f"({written['no-infer']} docstrings), pydoclint {median(ref):.2f} s",
            flush=True,
        )

        firsts, agains, references, imports = [], [], [], []
        edits = 0
        for _ in range(3):
            got = in_process(path, root, args.runs)
            firsts.append(got["first"])
            agains.extend(got["again"])
            references.extend(got["reference"])
            imports.append(got["imports"])
            edits = got["edits"]
        first, again, reference = median(firsts), median(agains), median(references)
        print(
            f"  in process ({edits} edits): imports {median(imports) * 1000:.0f} ms, first "
            f"fix_source {first:.2f} s, then {again:.2f} s (max {max(agains):.2f}); ast.parse + "
            f"compile {reference * 1000:.0f} ms"
        )
        results = [
            Result(
                "docs_generate",
                f"`devfocus docs fix --diff --missing all` on _pydecimal.py ({written['devfocus']} "
                "docstrings), whole process (median)",
                median(cli),
                "s",
                reference=median(ref),
                reference_name="pydoclint --style=sphinx, same file",
                ratio=pairwise_ratio(cli, ref),
                target=f"<= {TARGET_S:.0f} s",
                passed=median(cli) <= TARGET_S,
            ),
            Result(
                "docs_generate",
                "the same with --no-infer (no jedi), whole process (median)",
                median(no_infer),
                "s",
                reference=median(ref),
                reference_name="pydoclint --style=sphinx, same file",
                ratio=pairwise_ratio(no_infer, ref),
            ),
            Result(
                "docs_generate",
                "in process: first fix_source (loads libcst, starts jedi)",
                first,
                "s",
                reference=reference,
                reference_name="ast.parse + compile, same process",
                ratio=first / reference,
                target=f"<= {TARGET_S:.0f} s",
                passed=first <= TARGET_S,
            ),
            Result(
                "docs_generate",
                "in process: fix_source again, new config (median)",
                again,
                "s",
                reference=reference,
                reference_name="ast.parse + compile, same process",
                ratio=again / reference,
                target=f"<= {TARGET_S:.0f} s",
                passed=again <= TARGET_S,
            ),
        ]
        if args.profile or any(r.passed is False for r in results):
            print("\nSteps of one cold fix in a fresh interpreter:")
            steps(path, root)
            print("cProfile of the whole CLI run in a fresh interpreter (main thread; jedi runs on")
            print("its own thread, so its work shows here as waiting):")
            profile_cli(fix, cwd=root, out=work / "docs-fix.prof", top=40)
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
