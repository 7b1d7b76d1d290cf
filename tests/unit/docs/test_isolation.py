"""What can crash or blow up stays bounded and out of the caller's process: libcst runs only in the
parser process, on a definition's header; Python's parser giving up costs one file; only regular
files of bounded size are read."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from devfocus.app.docstrings import DocsConfig, configured_line_length, fix_source, read_source
from devfocus.config import DocsSettings
from devfocus.docs.cst import InsertRequest
from devfocus.docs.edits import (
    EditRefused,
    _diff_offsets,
    apply_edits,
    docstring_edit,
    module_edits,
    overlapping,
)
from devfocus.docs.facts import ParseFailure, analyze
from devfocus.docs.worker import ParserProcess, WorkerFailed, WorkerRefused
from tests.unit.docs.support import fix, options

AND_CHAIN = " and ".join(["a"] * 10_000)
SIMPLE = InsertRequest("def f(a):\n    kept\n", False, '"""Doc."""', "function", "    ")
SIMPLE_DONE = 'def f(a):\n    """Doc."""\n    kept\n'


@pytest.fixture
def parser() -> ParserProcess:
    process = ParserProcess()
    yield process
    process.close()


# -- the parser process -----------------------------------------------------------------------
def test_a_crash_costs_one_request_and_the_next_gets_a_new_process(parser: ParserProcess) -> None:
    crashing = InsertRequest(
        f"def f(a):\n    return {AND_CHAIN}\n", False, '"""D."""', "function", "    "
    )
    with pytest.raises(WorkerFailed, match=r"crashed \(SIGSEGV\)"):
        parser.call("insert_docstring", crashing)
    assert parser.pid is None
    assert parser.call("insert_docstring", SIMPLE) == SIMPLE_DONE
    assert parser.starts == 2


def test_a_request_past_its_time_is_stopped(parser: ParserProcess) -> None:
    literal = "[" + ", ".join(["1"] * 300_000) + "]"  # libcst needs many seconds on it
    slow = InsertRequest(f"def f(a):\n    return {literal}\n", False, '"""D."""', "function", "")
    assert parser.call("insert_docstring", SIMPLE) == SIMPLE_DONE
    first = parser.pid
    with pytest.raises(WorkerFailed, match=r"gave up after 0.5 s"):
        parser.call("insert_docstring", slow, timeout=0.5)
    assert parser.pid is None  # killed, not left running
    assert parser.call("insert_docstring", SIMPLE) == SIMPLE_DONE
    assert parser.pid != first


def test_an_operations_first_call_has_time_for_its_start_and_imports(
    parser: ParserProcess,
) -> None:
    """Starting Python and importing libcst take far longer than 10 ms (and on the bundle's
    first start, the unpacking of libcst): an operation's first call in a process is not held
    to the short limit; its later calls are."""
    assert parser.call("insert_docstring", SIMPLE, timeout=0.01) == SIMPLE_DONE
    assert parser.starts == 1
    literal = "[" + ", ".join(["1"] * 300_000) + "]"  # libcst needs many seconds on it
    slow = InsertRequest(f"def f(a):\n    return {literal}\n", False, '"""D."""', "function", "")
    with pytest.raises(WorkerFailed, match=r"gave up after 0.5 s"):
        parser.call("insert_docstring", slow, timeout=0.5)


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="Linux's ru_maxrss survives exec")
def test_a_parser_started_by_a_large_process_keeps_serving() -> None:
    """A language server that holds a lot in memory starts the parser process; the process is
    small, and must not be replaced after every answer (a new one costs libcst's import)."""
    code = textwrap.dedent(
        """
        ballast = bytearray(600 * 1024 * 1024)  # the parent's peak memory, touched
        for i in range(0, len(ballast), 4096):
            ballast[i] = 1
        from devfocus.docs.cst import InsertRequest
        from devfocus.docs.worker import ParserProcess
        simple = InsertRequest("def f(a):\\n    kept\\n", False, "'D.'", "function", "    ")
        parser = ParserProcess()
        pids = []
        for _ in range(3):
            parser.call("insert_docstring", simple)
            pids.append(parser.pid)
        parser.close()
        print(parser.starts, len(set(pids)), None in pids)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["1", "1", "False"], done.stdout + done.stderr


def test_memory_is_limited_and_a_failure_says_why() -> None:
    parser = ParserProcess(memory_limit=200 * 1024**2)
    literal = "[" + ", ".join(["1"] * 300_000) + "]"
    try:
        with pytest.raises((WorkerFailed, WorkerRefused), match="memory"):
            parser.call(
                "insert_docstring", InsertRequest(f"x = {literal}\n", False, "", "function", "")
            )
        assert parser.call("insert_docstring", SIMPLE) == SIMPLE_DONE
    finally:
        parser.close()


def test_the_working_directory_cannot_stand_in_for_a_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editors start servers in the repository: a ``libcst.py`` there must not be imported."""
    marker = tmp_path / "ran"
    payload = f"open({str(marker)!r}, 'w').write('ran')\n"
    (tmp_path / "libcst.py").write_text(payload)
    (tmp_path / "devfocus").mkdir()
    (tmp_path / "devfocus" / "__init__.py").write_text(payload)
    monkeypatch.chdir(tmp_path)
    parser = ParserProcess()
    try:
        assert parser.call("insert_docstring", SIMPLE) == SIMPLE_DONE
    finally:
        parser.close()
    assert not marker.exists()


def test_fixing_a_file_never_loads_libcst_in_the_process_that_asks(tmp_path: Path) -> None:
    code = (
        "import sys; from devfocus.app.docstrings import DocsConfig, fix_source;"
        "r = fix_source(DocsConfig(), 'def f(x):\\n    return x\\n', 'f.py');"
        "print('\"\"\"Return the f.' in r.source, 'libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


# -- bounded work -----------------------------------------------------------------------------
def test_libcst_sees_the_header_only_so_a_monster_body_is_documented() -> None:
    source = f"def monster(a): return {AND_CHAIN}\n\n\ndef deep(b):\n    return {'-' * 900}b\n"
    fixed = fix(source)  # also checks: same code but docstrings, a second run changes nothing
    assert fixed.startswith('"""Module."""\n\n\ndef monster(a):\n    """Return the monster.')
    assert f"\n    return {AND_CHAIN}\n" in fixed
    assert 'def deep(b):\n    """Return the deep.' in fixed


def test_headers_libcst_should_not_see_are_refused_with_the_reason() -> None:
    chain = " and ".join(["a"] * 1500)
    source = (
        f"def deep(a=({chain})):\n    return a\n\n\n"
        f"def wide(a={'x' * 70_000!r}):\n    return a\n\n\n"
        "def fine(a):\n    return a\n"
    )
    facts = analyze(source)
    edits, refused = module_edits(facts, options(), {"deep", "wide", "fine"})
    reasons = {d.name: why for d, why in refused}
    assert reasons["deep"] == (
        "the header of `deep` is nested 1504 levels deep, more than the 100 DevFocus edits"
    )
    assert reasons["wide"] == "the header of `wide` is 68 KiB, more than the 64 KiB DevFocus edits"
    assert len(edits) == 1
    assert '    """Return the fine.' in apply_edits(facts.lines, edits)


def test_a_module_too_deep_for_pythons_parser_is_one_files_problem() -> None:
    source = "def f(a):\n    return a\n\n\nx = a" + ".b" * 10_000 + "\n"
    facts = analyze(source)
    assert isinstance(facts.syntax_error, ParseFailure)
    assert facts.parse_problem == "cannot parse: nested or chained too deeply for Python's parser"
    assert facts.definitions == []
    result = fix_source(DocsConfig(DocsSettings(infer_types=False)), source, None)
    assert (result.source, result.problem) == (source, facts.parse_problem)


# -- line breaks ------------------------------------------------------------------------------
LINES = [
    "class Cart:\x0c",
    "    def total(self, items: list[int]) -> int: return sum(items)  # one\u2028line",
    "def pay(amount: int) -> int:",
    "    return amount",
    "X = 1",
]
FIXED = [
    ('"""Module."""', None),
    ("", None),
    ("", None),
    ("class Cart:\x0c", 0),
    ('    """Cart."""', None),
    ("", None),
    ("    def total(self, items: list[int]) -> int:  # one\u2028line", None),
    ('        """Return the total.', None),
    ("", None),
    ("        Args:", None),
    ("            items (list[int]): The items.", None),
    ("", None),
    ("        Returns:", None),
    ("            int: The total.", None),
    ('        """', None),
    ("        return sum(items)", 1),
    ("def pay(amount: int) -> int:", 2),
    ('    """Return the pay.', None),
    ("", None),
    ("    Args:", None),
    ("        amount (int): The amount.", None),
    ("", None),
    ("    Returns:", None),
    ("        int: The pay.", None),
    ('    """', None),
    ("    return amount", 3),
    ("X = 1", 4),
]


@pytest.mark.parametrize(
    "endings",
    [["\r"] * 5, ["\r\n"] * 5, ["\n"] * 5, ["\r", "\n", "\r\n", "\r", "\n"]],
    ids=["cr", "crlf", "lf", "mixed"],
)
def test_every_kind_of_line_break_survives_the_fix(endings: list[str]) -> None:
    source = "".join(line + end for line, end in zip(LINES, endings, strict=True))
    facts = analyze(source)
    edits, refused = module_edits(facts, options())
    assert refused == []
    assert overlapping(edits) == []
    expected = "".join(text + endings[0 if at is None else at] for text, at in FIXED)
    assert apply_edits(facts.lines, edits) == expected
    for edit in edits:  # each one alone leaves the lines after it as they were
        alone = apply_edits(facts.lines, [edit])
        assert alone.endswith("    return amount" + endings[3] + "X = 1" + endings[4])


@pytest.mark.parametrize(
    "old, new",
    [
        ("a\r\nb", "a\r\r\nb"),
        ("a\r\nb", "a\rX\nb"),
        ("x\r\n", "x\r\n\r\n"),
        ("x\r\ny", "x\ny"),
        ("x\ry", "x\r\ny"),
    ],
)
def test_a_change_never_starts_or_ends_inside_a_crlf(old: str, new: str) -> None:
    start, end, text = _diff_offsets(old, new)
    assert old[:start] + text + old[end:] == new
    for at in (start, end):
        assert old[at - 1 : at + 1] != "\r\n", (old, new, at)


def test_a_definition_whose_edit_touches_its_body_is_refused() -> None:
    facts = analyze("def f(a):\n    return a\n")
    definition = facts.by_qualname("f")
    assert definition is not None and definition.kept_statements is not None
    broken = type(definition)(**{**definition.__dict__, "kept_statements": None})
    with pytest.raises(EditRefused, match="not where the index put it"):
        docstring_edit(facts, broken, options())


# -- what is read -----------------------------------------------------------------------------
def finishes(call: object, seconds: float = 10.0) -> None:
    """Run ``call`` on a thread; fail if it has not returned in time (a FIFO would block)."""
    done = threading.Event()

    def run() -> None:
        try:
            call()  # type: ignore[operator]
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(seconds), "blocked reading a file"


def test_only_regular_files_of_bounded_size_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.py"
    zero.symlink_to("/dev/zero")
    big = tmp_path / "big.py"
    big.write_bytes(b"#" * (5 * 1024 * 1024 + 1))
    for path, why in ((fifo, "not a regular file"), (zero, "not a regular file"), (big, "larger")):

        def read(path: Path = path, why: str = why) -> None:
            with pytest.raises(ValueError, match=why):
                read_source(path)

        finishes(read)


def test_project_settings_are_data_read_within_bounds(tmp_path: Path) -> None:
    fifo_project, big_project, good = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for folder in (fifo_project, big_project, good):
        (folder / ".git").mkdir(parents=True)
    os.mkfifo(fifo_project / "pyproject.toml")
    (big_project / "pyproject.toml").write_text(
        "[tool.ruff]\nline-length = 60\n" + "# padding\n" * 200_000
    )
    (good / "pyproject.toml").write_text("[tool.ruff]\nline-length = 60\n")
    configured_line_length.cache_clear()
    found: dict[Path, int | None] = {}
    finishes(
        lambda: found.update(
            {f: configured_line_length(f) for f in (fifo_project, big_project, good)}
        )
    )
    assert found == {fifo_project: None, big_project: None, good: 60}


def test_a_decorated_first_statement_is_kept_whole_from_its_first_decorator() -> None:
    source = (
        "@dec\ndef f(a):\n    return a\n\n\n"
        "class B:\n    # first\n    @property\n    @other\n    def x(self):\n        return 1\n"
    )
    assert fix(source) == (
        '"""Module."""\n\n\n@dec\ndef f(a):\n    """Return the f.\n\n    Args:\n'
        '        a: The a.\n\n    Returns:\n        The f.\n    """\n    return a\n\n\n'
        'class B:\n    """B."""\n\n    # first\n    @property\n    @other\n    def x(self):\n'
        '        """The x."""\n        return 1\n'
    )
