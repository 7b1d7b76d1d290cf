"""``devfocus docs fix --ai`` on a real package, against a model that answers with hostile replies.

The package's docstrings are stripped (see conftest.py), then the real command line writes them
again with prose from :class:`~tests.judged.hostile_model.HostileModel` behind a local server
speaking the provider's wire format. Every reply is an attack of some kind: parameters that do
not exist, left out or misspelt; code, doctests, fences, quotes and backslashes; docstring markup;
injected instructions; values that are not text; huge, empty and control-character texts; some
well formed. The result is judged:

1. no invented parameter: every parameter a written docstring documents (read back with the
   project's own style parser) is one of its signature's;
2. no code change: each file's AST with the docstrings dropped equals the stripped original's;
3. pydoclint (same style, same filter as test_judged_by_others.py) finds no argument, return,
   yield or raise mismatch: each docstring is complete for its signature;
4. every file parses, and no docstring holds code, fences, doctest lines, quotes or backslashes
   from a reply, nor control or bidirectional-override characters;
5. every docstring has the structure the template alone gives (the same sections and entries):
   the model only ever supplied words;
6. the model was asked about at least :data:`MIN_DEFINITIONS` definitions, every hostile kind
   was sent, and the well-formed prose did land.
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devfocus.cli.options import AI_OPTIONS
from devfocus.config import AISettings
from devfocus.docs.docstring import Docstring, body_lines
from devfocus.docs.styles import STYLES
from tests.aiservers import AnthropicServer, OpenAIServer
from tests.judged.hostile_model import KINDS, HostileModel
from tests.judged.real_packages import (
    LINE_LENGTH,
    PACKAGES,
    TIMEOUT,
    FixedTree,
    count_docstrings,
    docstring_expr,
    strip_docstrings,
)
from tests.judged.test_judged_by_others import (
    MISMATCHES,
    Violation,
    pydoclint_cannot_be_satisfied,
    run_pydoclint,
)

PACKAGE = next(p for p in PACKAGES if p.name == "click")  # 372 definitions to document
STYLE = "google"
MIN_DEFINITIONS = 300
API_KEY = "sk-ant-judged-0000"
# The command line's flag for devfocus.ai.requestsPerMinute, if it has one; else it keeps to the
# default, and the package is fixed in several processes so that none waits long.
RATE_FLAG = next(
    (flag for flag, (key, _) in AI_OPTIONS.items() if key == "requestsPerMinute"), None
)
REQUESTS_PER_MINUTE = 10_000 if RATE_FLAG else int(AISettings().requests_per_minute)
PROCESSES = 2  # command lines at a time (the machines running this have two cores)
WELL_FORMED_SUMMARY = "Carry out the work this definition is named for."
UNSAFE = "control or bidirectional characters in a docstring"

# What a reply sent that must never reach a docstring (each a piece of the stand-in's code).
_CODE_IN_DOCSTRING = re.compile(
    r"```|^\s*>>>|^\s*(?:async\s+)?def\s+\w+\s*\(|^\s*return x\s*$|os\.system|os\.remove|"
    r"__import__|^\s*import os\b|\bdef helper\b|return value \* 2",
    re.MULTILINE,
)
# C0 controls other than tab and newline, DEL, line and paragraph separators, the zero-width
# space, and the bidirectional marks, overrides and isolates that make text read other than it
# runs (ruff's PLE2502 and PLE2510-PLE2515 report them in source).
_UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x85\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


# -- running the command line -------------------------------------------------------------------
@dataclass
class AIRun:
    """One package fixed with ``docs fix --ai`` against the stand-in, with what it was sent."""

    tree: FixedTree
    model: HostileModel
    requests: int  # answer requests the server received
    seconds: float  # the commands' wall time
    counts: Counter[str] = field(default_factory=Counter)  # definitions to fix, per file
    groups: list[list[str]] = field(default_factory=list)  # the files of each process
    template: FixedTree | None = None  # the same package fixed without a model

    @property
    def allowed_seconds(self) -> float:
        """What the limiter makes the slowest process wait, plus a minute for the work."""
        most = max((sum(self.counts[f] for f in group) for group in self.groups), default=0)
        return (math.ceil(most / REQUESTS_PER_MINUTE) - 1) * 60 + 60

    @property
    def output(self) -> str:
        assert self.tree.fix is not None
        return f"devfocus docs fix --ai said:\n{self.tree.fix.stderr[-4000:]}"


def copy_package(stripped: Path, root: Path) -> None:
    for name in PACKAGE.imports:
        shutil.copytree(stripped / name, root / name)


def fix_with_model(
    tree: FixedTree,
    server: AnthropicServer | OpenAIServer,
    provider: str,
    files: Sequence[str],
    data_dir: Path,
) -> subprocess.CompletedProcess[str]:
    """``devfocus docs fix --ai`` on ``files`` of ``tree`` in a real process."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DEVFOCUS_AI_")}
    environ |= {"ANTHROPIC_API_KEY": API_KEY, "OPENAI_API_KEY": API_KEY}
    environ["DEVFOCUS_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "devfocus", "docs", "fix", "--ai"]
    command += ["--ai-provider", provider, "--ai-base-url", server.url]
    if provider == "openai-compatible":
        command += ["--ai-model", "llama3.2:latest"]
    if RATE_FLAG is not None:
        command += [RATE_FLAG, str(REQUESTS_PER_MINUTE)]
    command += ["--style", tree.style, "--line-length", str(LINE_LENGTH), *files]
    return subprocess.run(
        command,
        cwd=tree.root,
        env=environ,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def definitions_to_fix(tree: FixedTree) -> Counter[str]:
    """Per file, the definitions ``docs fix`` will write a docstring for (``docs check``)."""
    out = tree.devfocus("check", "--format", "json")
    assert out.returncode in (0, 1) and out.stdout.strip(), out.stderr[-2000:]
    return Counter(row["path"] for row in json.loads(out.stdout))


def batches(counts: Counter[str], limit: int) -> list[list[str]]:
    """Files grouped so that each group asks at most ``limit`` definitions (a file asking more
    is a group of its own), largest first."""
    groups: list[tuple[int, list[str]]] = []
    for path, count in counts.most_common():
        for index, (size, files) in enumerate(groups):
            if size + count <= limit:
                groups[index] = (size + count, [*files, path])
                break
        else:
            groups.append((count, [path]))
    return [files for _, files in groups]


def merged(runs: list[subprocess.CompletedProcess[str]]) -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(
        [arg for run in runs for arg in run.args],
        max(run.returncode for run in runs),
        "".join(run.stdout for run in runs),
        "".join(run.stderr for run in runs),
    )


def run_against_stand_in(
    stripped: Path,
    root: Path,
    data_dir: Path,
    *,
    provider: str = "anthropic",
    style: str = STYLE,
    files: tuple[str, ...] = (),
) -> AIRun:
    """The package copied to ``root`` and fixed by the command line (all of it, or only
    ``files``) against a hostile model.

    With a flag for ``requestsPerMinute`` (:data:`RATE_FLAG`) one process fixes everything with
    the limit raised. Without one the command line keeps to the default (50), and one process on
    the whole package would mostly wait on its own limiter (about 7 minutes for click): the files
    are split into runs of at most that many definitions each, two processes at a time; a module
    with more (click's core.py, 122) is a run of its own and waits as it should.
    """
    copy_package(stripped, root)
    tree = FixedTree(PACKAGE, style, root, stripped, data_dir)
    counts = definitions_to_fix(tree)
    if files:
        counts = Counter({path: counts[path] for path in files})
    groups = batches(counts, REQUESTS_PER_MINUTE)
    model = HostileModel()
    server = AnthropicServer() if provider == "anthropic" else OpenAIServer()
    with server, ThreadPoolExecutor(max_workers=PROCESSES) as pool:
        server.answer_with(model)
        started = time.perf_counter()
        runs = list(
            pool.map(
                lambda job: fix_with_model(tree, server, provider, job[1], data_dir / str(job[0])),
                enumerate(groups),
            )
        )
        seconds = time.perf_counter() - started
        requests = server.count
    tree.fix = merged(runs)
    return AIRun(tree, model, requests, seconds, counts=counts, groups=groups)


def template_tree(stripped: Path, root: Path, data_dir: Path, style: str = STYLE) -> FixedTree:
    """The package fixed by ``docs fix`` alone: the structure every docstring must have."""
    copy_package(stripped, root)
    tree = FixedTree(PACKAGE, style, root, stripped, data_dir)
    tree.fix = tree.devfocus("fix")
    assert tree.fix.returncode == 0, tree.fix.stderr[-2000:]
    return tree


# -- reading the docstrings back ----------------------------------------------------------------
@dataclass(frozen=True)
class Written:
    """One docstring in a fixed file."""

    path: str  # relative to the tree's root
    line: int
    qualname: str
    node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
    text: str

    def parsed(self, style: str) -> Docstring:
        return STYLES[style].parse(body_lines(self.text))

    def where(self) -> str:
        return f"{self.path}:{self.line} {self.qualname or '<module>'}"


def docstrings(tree: FixedTree) -> Iterator[Written]:
    for path in tree.files():
        relative = str(path.relative_to(tree.root))
        module = ast.parse(path.read_bytes())
        todo: list[tuple[ast.AST, str]] = [(module, "")]
        while todo:
            node, qualname = todo.pop()
            expr = docstring_expr(node)
            if expr is not None:
                assert isinstance(
                    node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
                )
                text = expr.value.value  # type: ignore[attr-defined]  # a str constant
                yield Written(relative, expr.lineno, qualname, node, text)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    todo.append((child, f"{qualname}.{child.name}".lstrip(".")))
                elif not isinstance(child, ast.expr):
                    todo.append((child, qualname))  # into if/try blocks, same scope


def signature_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = function.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    return names


def documented_params(doc: Docstring) -> list[str]:
    names: list[str] = []
    for section in doc.sections:
        if section.kind == "params":
            for entry in section.entries:
                names += [n.strip().lstrip("*") for n in entry.name.split(",") if n.strip()]
    return names


def parameters_of(written: Written) -> set[str]:
    """The parameters a docstring may document: its function's, or its class's constructor's."""
    node = written.node
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return signature_names(node)
    if isinstance(node, ast.ClassDef):
        for child in node.body:
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.name in (
                "__init__",
                "__new__",
            ):
                return signature_names(child) - {"self", "cls"}
    return set()


def structure(doc: Docstring) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The sections and entry names of a docstring: what the engine decides, not the words."""
    return tuple(
        (section.kind, section.title, tuple(entry.name for entry in section.entries))
        for section in doc.sections
    )


# -- the judgement ------------------------------------------------------------------------------
@dataclass
class Judgement:
    docstrings: int = 0
    invented: list[str] = field(default_factory=list)
    code_changes: list[str] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)
    code_in_docstrings: list[str] = field(default_factory=list)
    unsafe_characters: list[str] = field(default_factory=list)
    structure: list[str] = field(default_factory=list)  # differs from the template's
    mismatches: list[Violation] = field(default_factory=list)
    landed: int = 0  # docstrings holding the well-formed replies' summary
    injected_prose: int = 0  # docstrings quoting an injected instruction, as prose

    def failures(self) -> dict[str, list[str]]:
        return {
            "invented parameters": self.invented,
            "code changes outside docstrings": self.code_changes,
            "files that no longer parse": self.unparsable,
            "code from a reply in a docstring": self.code_in_docstrings,
            UNSAFE: self.unsafe_characters,
            "docstrings whose structure differs from the template's": self.structure,
            "pydoclint mismatches": [str(v) for v in self.mismatches],
        }


def judge(tree: FixedTree, template: FixedTree | None) -> Judgement:
    """Everything the tests check, in one pass over the fixed files (the benchmark's too)."""
    result = Judgement()
    for path in tree.files():
        relative = path.relative_to(tree.root)
        after = path.read_bytes().decode("utf-8")
        before = (tree.stripped / relative).read_bytes().decode("utf-8")
        try:
            parsed = ast.parse(after)
        except SyntaxError as error:
            result.unparsable.append(f"{relative}: {error}")
            continue
        if ast.dump(ast.parse(strip_docstrings(after))) != ast.dump(ast.parse(before)):
            result.code_changes.append(str(relative))
        result.docstrings += count_docstrings(parsed)
    if result.unparsable:
        return result
    expected = (
        {(w.path, w.qualname): w.parsed(tree.style) for w in docstrings(template)}
        if template is not None
        else {}
    )
    for written in docstrings(tree):
        doc = written.parsed(tree.style)
        allowed = parameters_of(written)
        extra = [n for n in documented_params(doc) if n not in allowed]
        if extra:
            result.invented.append(f"{written.where()}: documents {', '.join(extra)}")
        if _CODE_IN_DOCSTRING.search(written.text) or any(
            bad in written.text for bad in ('"""', "'''", "\\")
        ):
            result.code_in_docstrings.append(f"{written.where()}: {written.text[:200]!r}")
        if _UNSAFE_CHARACTERS.search(written.text):
            result.unsafe_characters.append(f"{written.where()}: {written.text[:200]!r}")
        if template is not None:
            reference = expected.get((written.path, written.qualname))
            if reference is None or structure(reference) != structure(doc):
                shown = structure(reference) if reference is not None else "no docstring"
                result.structure.append(f"{written.where()}: {structure(doc)} != {shown}")
        result.landed += WELL_FORMED_SUMMARY in written.text
        result.injected_prose += "Ignore previous instructions" in written.text
    result.mismatches = [
        v
        for v in run_pydoclint(tree)
        if v.code in MISMATCHES and not pydoclint_cannot_be_satisfied(tree, v)
    ]
    return result


def fallbacks(output: str) -> int:
    """Definitions the command line says got the template's words because of the model."""
    return sum("the template was used" in line for line in output.splitlines())


# -- the tests ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def template(stripped: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> FixedTree:
    return template_tree(
        stripped[PACKAGE.name],
        tmp_path_factory.mktemp(f"{PACKAGE.name}-template-{STYLE}"),
        tmp_path_factory.mktemp("devfocus-data"),
    )


@pytest.fixture(scope="module")
def hostile_run(
    stripped: dict[str, Path], template: FixedTree, tmp_path_factory: pytest.TempPathFactory
) -> AIRun:
    source = stripped[PACKAGE.name]
    run = run_against_stand_in(
        source,
        tmp_path_factory.mktemp(f"{PACKAGE.name}-ai-{STYLE}"),
        tmp_path_factory.mktemp("devfocus-data"),
    )
    run.template = template
    return run


def test_the_model_was_asked_about_every_definition_in_every_hostile_way(
    hostile_run: AIRun,
) -> None:
    fix = hostile_run.tree.fix
    assert fix is not None and fix.returncode == 0, hostile_run.output
    kinds = hostile_run.model.kinds()
    asked = sum(kinds.values())
    assert hostile_run.requests >= MIN_DEFINITIONS and asked == hostile_run.requests, (
        f"the stand-in answered {asked} of {hostile_run.requests} requests\n{hostile_run.output}"
    )
    assert sum(hostile_run.counts.values()) >= MIN_DEFINITIONS, hostile_run.counts
    assert set(kinds) == set(KINDS), f"kinds never sent: {set(KINDS) - set(kinds)}"
    assert hostile_run.model.invented() > 0
    # Within the default limits, the runs take no longer than the limiter makes them wait.
    assert hostile_run.seconds <= hostile_run.allowed_seconds, (
        hostile_run.seconds,
        hostile_run.groups,
    )
    # The command line says which definitions got the template, and why.
    assert fallbacks(fix.stderr) > 0, hostile_run.output


@pytest.fixture(scope="module")
def hostile_verdict(hostile_run: AIRun) -> Judgement:
    return judge(hostile_run.tree, hostile_run.template)


def failed(verdict: Judgement, but: str = UNSAFE) -> str:
    """What ``verdict`` found wrong (all but ``but``, which a test of its own judges)."""
    found = {what: lines for what, lines in verdict.failures().items() if lines and what != but}
    return "\n".join(
        f"{len(lines)} {what}:\n  " + "\n  ".join(lines[:15]) for what, lines in found.items()
    )


def test_every_docstring_is_the_models_words_in_the_engines_structure(
    hostile_run: AIRun, hostile_verdict: Judgement
) -> None:
    assert hostile_verdict.docstrings >= MIN_DEFINITIONS, (
        f"only {hostile_verdict.docstrings} docstrings written\n{hostile_run.output}"
    )
    assert not failed(hostile_verdict), failed(hostile_verdict)
    # The well-formed replies' words are used: the model is not merely ignored.
    well_formed = hostile_run.model.kinds()["well_formed"]
    assert hostile_verdict.landed >= well_formed > 0, (hostile_verdict.landed, well_formed)


def test_no_control_or_bidirectional_character_reaches_a_docstring(
    hostile_verdict: Judgement,
) -> None:
    found = hostile_verdict.unsafe_characters
    assert not found, f"{len(found)} {UNSAFE}:\n  " + "\n  ".join(found[:15])


# The OpenAI wire format, through ``openai-compatible`` (a local server's way), on two modules
# (46 definitions: within the default requestsPerMinute, so the run never waits on the limiter).
OPENAI_FILES = ("click/exceptions.py", "click/formatting.py")


@pytest.fixture(scope="module")
def openai_run(
    stripped: dict[str, Path], template: FixedTree, tmp_path_factory: pytest.TempPathFactory
) -> AIRun:
    source = stripped[PACKAGE.name]
    run = run_against_stand_in(
        source,
        tmp_path_factory.mktemp(f"{PACKAGE.name}-ai-openai"),
        tmp_path_factory.mktemp("devfocus-data"),
        provider="openai-compatible",
        files=OPENAI_FILES,
    )
    run.template = template
    return run


def test_openai_compatible_replies_are_judged_the_same(openai_run: AIRun) -> None:
    fix = openai_run.tree.fix
    assert fix is not None and fix.returncode == 0, openai_run.output
    kinds = openai_run.model.kinds()
    assert openai_run.requests >= 40 and sum(kinds.values()) == openai_run.requests, (
        openai_run.requests,
        openai_run.output,
    )
    assert len(kinds) >= len(KINDS) // 2, kinds
    verdict = judge(openai_run.tree, openai_run.template)
    assert verdict.docstrings >= 40, openai_run.output
    assert not failed(verdict), failed(verdict)
