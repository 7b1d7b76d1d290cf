"""Ignore checks without a git process: the history hover's "is this file ignored?".

The repository (built in a temporary directory, under a second): a Python project's tree of 1,000
files in nested directories, some of them generated, vendored or cached, with a root .gitignore
of 70 patterns (GitHub's Python template and a few more), four nested .gitignore files with
negations, ``.git/info/exclude`` and the user's ``~/.config/git/ignore``.

Each round asks about the 1,000 paths twice, the order of the two alternating from round to
round:

* the reference, what the hover did before: one ``git check-ignore -- PATH`` per path, through
  DevFocus's git runner;
* ``devfocus.git.ignore.IgnoreRules``, new for the round (so every ignore file is read and
  compiled again), then asked the same 1,000 questions.

Both must give the same 1,000 answers. Target: the matcher at least as fast as the reference
(ratio <= 1, the median of the rounds' ratios). For information: the same questions to a matcher
whose files are already compiled (what a hover pays), one ``git check-ignore --stdin`` for all
1,000 paths, and the cost of importing pathspec, paid once per process.

    python benchmarks/ignore_checks.py [--rounds 5] [--paths 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PYTHON, Result, emit, header, median
from devfocus.git.ignore import IgnoreRules
from devfocus.git.runner import run_git

PYTHON_GITIGNORE = """\
# Byte-compiled / optimized / DLL files
__pycache__/
*.py[cod]
*$py.class
*.so
.Python
build/
develop-eggs/
dist/
downloads/
eggs/
.eggs/
lib/
lib64/
parts/
sdist/
var/
wheels/
*.egg-info/
.installed.cfg
*.egg
MANIFEST
*.manifest
*.spec
pip-log.txt
pip-delete-this-directory.txt
htmlcov/
.tox/
.nox/
.coverage
.coverage.*
.cache
nosetests.xml
coverage.xml
*.cover
*.py,cover
.hypothesis/
.pytest_cache/
*.mo
*.pot
*.log
local_settings.py
db.sqlite3
db.sqlite3-journal
instance/
.webassets-cache
.scrapy
docs/_build/
.pybuilder/
target/
.ipynb_checkpoints
profile_default/
ipython_config.py
.python-version
celerybeat-schedule
celerybeat.pid
*.sage.py
.env
.venv
env/
venv/
ENV/
.spyderproject
.spyproject
.ropeproject
/site
.mypy_cache/
.dmypy.json
dmypy.json
.pyre/
node_modules/
!lib/keep/
"""
NESTED = {
    "src/.gitignore": "*.generated.py\n!keep.generated.py\nscratch/\n",
    "src/app/.gitignore": "/local_*.py\n*.bak\n",
    "tests/.gitignore": "fixtures/big/\n!fixtures/big/README.md\n*.out\n",
    "docs/.gitignore": "*.html\n!index.html\n",
}
EXCLUDE = "*.swp\n.idea/\n"
USER_IGNORE = ".DS_Store\n*~\n"
KINDS = [
    ("src/{pkg}/mod_{n}.py", 30),
    ("src/{pkg}/sub_{m}/mod_{n}.py", 20),
    ("src/{pkg}/__pycache__/mod_{n}.cpython-311.pyc", 10),
    ("src/{pkg}/mod_{n}.generated.py", 4),
    ("src/app/local_{n}.py", 2),
    ("tests/test_{n}.py", 10),
    ("tests/fixtures/big/data_{n}.json", 3),
    ("tests/run_{n}.out", 2),
    ("build/lib/{pkg}/mod_{n}.py", 5),
    ("dist/{pkg}-{n}.tar.gz", 2),
    ("node_modules/pkg_{m}/index_{n}.js", 5),
    ("docs/page_{n}.html", 3),
    ("docs/page_{n}.md", 3),
    ("logs/run_{n}.log", 2),
    ("notes/{pkg}_{n}.txt~", 1),
    (".idea/ws_{n}.xml", 1),
]


def build(root: Path, count: int, home: Path) -> list[str]:
    rng = random.Random(11)
    templates = [template for template, _ in KINDS]
    weights = [weight for _, weight in KINDS]
    paths: set[str] = set()
    while len(paths) < count:
        (template,) = rng.choices(templates, weights)
        pkg, m, n = rng.choice(["core", "api", "web", "cli"]), rng.randrange(6), rng.randrange(400)
        paths.add(template.format(pkg=pkg, m=m, n=n))
    git = ["git", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    (root / ".gitignore").write_text(PYTHON_GITIGNORE)
    for name, text in NESTED.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text(EXCLUDE)
    (home / ".config" / "git").mkdir(parents=True)
    (home / ".config" / "git" / "ignore").write_text(USER_IGNORE)
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x\n")
    ordered = sorted(paths)
    rng.shuffle(ordered)
    return ordered


def per_file_git(root: Path, paths: list[str]) -> tuple[float, set[str]]:
    started = time.perf_counter()
    ignored = set()
    for path in paths:
        if run_git(root, "check-ignore", "--", path, ok_codes=(0, 1)).strip():
            ignored.add(path)
    return time.perf_counter() - started, ignored


def matcher(
    root: Path, paths: list[str], rules: IgnoreRules | None = None
) -> tuple[float, set[str]]:
    started = time.perf_counter()
    rules = rules or IgnoreRules()
    top = str(root)
    ignored = {path for path in paths if rules.ignored(top, path)}
    return time.perf_counter() - started, ignored


def batch_git(root: Path, paths: list[str]) -> float:
    started = time.perf_counter()
    run_git(root, "check-ignore", "--stdin", input="\n".join(paths).encode(), ok_codes=(0, 1))
    return time.perf_counter() - started


def import_cost() -> float:
    """Seconds to import pathspec in a fresh interpreter, beyond the interpreter itself."""
    code = "import time; t = time.perf_counter(); import pathspec; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([PYTHON, "-c", code], capture_output=True, text=True).stdout)
        for _ in range(3)
    ]
    return median(runs)


def measure(rounds: int, count: int, work: Path) -> list[Result]:
    home = work / "home"
    home.mkdir()
    os.environ["HOME"] = str(home)  # the user's ignore file is this one, for git and DevFocus
    os.environ.pop("XDG_CONFIG_HOME", None)
    os.environ.pop("GIT_CONFIG_GLOBAL", None)
    os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
    root = work / "project"
    root.mkdir()
    paths = build(root, count, home)
    matcher(root, paths[:10])  # warm-up: pathspec imported, as in a running server
    per_file_git(root, paths[:10])
    ratios, mine, reference = [], [], []
    for n in range(rounds):
        if n % 2:
            git_time, expected = per_file_git(root, paths)
            own_time, found = matcher(root, paths)
        else:
            own_time, found = matcher(root, paths)
            git_time, expected = per_file_git(root, paths)
        if found != expected:
            wrong = sorted(found ^ expected)
            raise SystemExit(f"the matcher and git disagree on {len(wrong)} paths: {wrong[:10]}")
        print(
            f"round {n + 1}: matcher {own_time * 1000:.1f} ms, git check-ignore per file "
            f"{git_time * 1000:.0f} ms ({len(expected)} of {len(paths)} ignored)",
            flush=True,
        )
        mine.append(own_time)
        reference.append(git_time)
        ratios.append(own_time / git_time)
    warm_rules = IgnoreRules()
    matcher(root, paths, warm_rules)
    warm = median(matcher(root, paths, warm_rules)[0] for _ in range(rounds))
    batch = median(batch_git(root, paths) for _ in range(rounds))
    ratio = median(ratios)
    reference_name = "git check-ignore per file, through the runner"
    return [
        Result(
            "ignore_checks",
            f"{count} paths, new matcher each round (median of {rounds})",
            median(mine) * 1000,
            "ms",
            reference=median(reference) * 1000,
            reference_name=reference_name,
            ratio=ratio,
            target="<= 1x (at least as fast)",
            passed=ratio <= 1.0,
        ),
        Result(
            "ignore_checks",
            f"{count} paths, matcher with its files compiled (median)",
            warm * 1000,
            "ms",
            reference=median(reference) * 1000,
            reference_name=reference_name,
            ratio=warm / median(reference),
        ),
        Result("ignore_checks", f"{count} paths, one git check-ignore --stdin", batch * 1000, "ms"),
        Result(
            "ignore_checks", "importing pathspec (once per process)", import_cost() * 1000, "ms"
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--paths", type=int, default=1000)
    args = parser.parse_args()
    header(f"ignore checks on {args.paths} paths: pure matcher vs git check-ignore per file")
    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp:
        results = measure(args.rounds, args.paths, Path(tmp))
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
