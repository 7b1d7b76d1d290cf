"""Quality of ``devfocus docs fix --ai`` on a real package, against a model that answers with
hostile replies.

click 8.1.8's wheel (the judged tests' pin) is downloaded once with pip into benchmarks/.work,
its docstrings stripped, then ``python -m devfocus docs fix --ai`` writes them again in a real
process, its provider a local server speaking the Anthropic Messages wire format (or, with
``--provider openai-compatible``, OpenAI Chat Completions) whose every answer comes from
tests/judged/hostile_model.py: invented, missing and misspelt parameters, code, doctests,
fences, quotes, backslashes, docstring markup, injected instructions, values that are not text,
slots of the wrong shape, huge, empty and control-character texts, and some well-formed replies.
The same stripped copy is also fixed without a model: every docstring must have the structure
the template gives it. The judgement is tests/judged/test_ai_judged.py's.

Targets: at least 300 definitions asked; zero invented parameters; zero code changes outside
docstrings; zero pydoclint argument/return/yield/raise mismatches; zero files that no longer
parse, docstrings holding code from a reply or unsafe characters, and docstrings whose
structure differs from the template's. Informational: replies by kind, fallbacks to the
template, wall time.

    python benchmarks/ai_quality.py [--provider anthropic|openai-compatible] [--style google]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from _common import PYTHON, REPO, WORK_DIR, Result, emit, header

sys.path.insert(0, str(REPO))

# Importable once the repository is on the path (above).
from tests.judged import test_ai_judged as judged
from tests.judged.real_packages import python_files, strip_docstrings

NAME = "ai_quality"
UNITS = {
    "invented parameters": "docstrings",
    "code changes outside docstrings": "files",
    "files that no longer parse": "files",
    "pydoclint mismatches": "reports",
}


def stripped_package(dest: Path) -> Path:
    """The judged package's ``.py`` files with every docstring removed, under ``dest``."""
    package = judged.PACKAGE
    wheels = WORK_DIR / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pattern = f"{package.name}-{package.version}-*.whl"
    if not any(wheels.glob(pattern)):
        print(f"  downloading {package.name}=={package.version} (wheel, no dependencies) ...")
        done = subprocess.run(
            [
                *(PYTHON, "-m", "pip", "download", f"{package.name}=={package.version}"),
                *("--no-deps", "--only-binary", ":all:", "-d", str(wheels), "-q"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"could not download {package.name}: {done.stderr[-500:]}")
    wheel = sorted(wheels.glob(pattern))[0]
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.split("/", 1)[0] in package.imports and member.endswith(".py"):
                archive.extract(member, dest)
    for path in python_files(dest, package.imports):
        path.write_text(strip_docstrings(path.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--provider", choices=("anthropic", "openai-compatible"), default="anthropic"
    )
    parser.add_argument("--style", choices=("google", "numpy", "sphinx"), default=judged.STYLE)
    args = parser.parse_args()
    package = judged.PACKAGE
    header(
        f"docs fix --ai on {package.name} {package.version} ({args.style}) against a hostile "
        f"model ({args.provider} wire format)"
    )
    with tempfile.TemporaryDirectory(prefix="devfocus-ai-quality-") as tmp:
        work = Path(tmp)
        stripped = stripped_package(work / "stripped")
        for name in ("ai", "template", "data-ai", "data-template"):
            (work / name).mkdir()
        run = judged.run_against_stand_in(
            stripped, work / "ai", work / "data-ai", provider=args.provider, style=args.style
        )
        assert run.tree.fix is not None
        if run.tree.fix.returncode != 0:
            print(run.output)
            raise SystemExit(f"docs fix --ai exited with {run.tree.fix.returncode}")
        run.template = judged.template_tree(
            stripped, work / "template", work / "data-template", args.style
        )
        verdict = judged.judge(run.tree, run.template)
        output = run.tree.fix.stderr

    kinds = run.model.kinds()
    sizes = [sum(run.counts[f] for f in group) for group in run.groups]
    print(
        f"  {len(run.groups)} command lines, {judged.PROCESSES} at a time, asking "
        f"{', '.join(map(str, sizes))} definitions (requestsPerMinute "
        f"{judged.REQUESTS_PER_MINUTE}, the default)"
    )
    print(f"  replies by kind: {', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}")
    print(f"  parameter names invented by the replies: {run.model.invented()}")
    print(f"  docstrings quoting an injected instruction as prose: {verdict.injected_prose}")
    for what, found in verdict.failures().items():
        for line in found[:10]:
            print(f"  {what}: {line}")
    results = [
        Result(
            NAME,
            "definitions asked",
            run.requests,
            "requests",
            target=">= 300",
            passed=run.requests >= judged.MIN_DEFINITIONS,
        ),
        Result(
            NAME,
            "docstrings written",
            verdict.docstrings,
            "docstrings",
            target=">= 300",
            passed=verdict.docstrings >= judged.MIN_DEFINITIONS,
        ),
        Result(
            NAME,
            "hostile replies",
            sum(n for k, n in kinds.items() if k != "well_formed"),
            "replies",
            target=f"all {len(judged.KINDS)} kinds",
            passed=set(kinds) == set(judged.KINDS),
        ),
    ]
    for what, found in verdict.failures().items():
        unit = UNITS.get(what, "docstrings")
        results.append(Result(NAME, what, len(found), unit, target="0", passed=not found))
    results += [
        Result(
            NAME,
            "well-formed prose used",
            verdict.landed,
            "docstrings",
            target=f">= {kinds['well_formed']}",
            passed=verdict.landed >= kinds["well_formed"],
        ),
        Result(NAME, "fallbacks to the template", judged.fallbacks(output), "definitions"),
        Result(
            NAME,
            "wall time of docs fix --ai",
            run.seconds,
            "s",
            target=f"<= {run.allowed_seconds:.0f} s (the limiter's wait + 60 s)",
            passed=run.seconds <= run.allowed_seconds,
        ),
    ]
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
