"""What the parser process costs: libcst, and whole-module parsing for the editor, run in a process
of their own (``devfocus.docs.worker``) so that a crash or a blow-up cannot take the server down.

Measured in one run, each against a reference in the same run:

* start: from creating the process to its first answer (a trivial ``parses`` request), against
  a bare ``python -c pass`` started and waited for in the same way; and from there until libcst
  is loaded (it is imported while the process is idle, so the first insertion waits at most for
  the rest of that import);
* per edit: the docstring edit of each of the 36 definitions of ``_pydecimal.py`` that lack or
  need one (``docs.missing = "all"``), computed as the server does, the libcst step in the
  parser process; against the same edits with the libcst step called in this process (what the
  server did before). Target: the process adds at most 2 ms to an edit (median); D1's 50 ms
  per resolve is the limit that matters to the user;
* analysis: ``_pydecimal.py`` analysed in the parser process (what the server does for every
  version of an open document), round trip, against ``analyse_document`` in this process.

    python benchmarks/docs_worker.py [--runs 30]
"""

from __future__ import annotations

import argparse
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import PYTHON, Result, emit, header, median, percentile
from docs_common import pydecimal_path

OVERHEAD_TARGET_MS = 2.0


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def start_times(runs: int) -> tuple[list[float], list[float], list[float]]:
    """(first answer, then libcst loaded, bare python) for ``runs`` fresh processes each."""
    from devfocus.docs.cst import InsertRequest
    from devfocus.docs.worker import ParserProcess

    request = InsertRequest("def f(a):\n    kept\n", False, '"""Doc."""', "function", "    ")
    first, loaded, bare = [], [], []
    for _ in range(runs):
        bare.append(timed(lambda: subprocess.run([PYTHON, "-c", "pass"], check=True)))
        process = ParserProcess()
        try:
            first.append(timed(lambda p=process: p.call("parses", "x = 1\n")))
            loaded.append(timed(lambda p=process: p.call("insert_docstring", request)))
        finally:
            process.close()
    return first, loaded, bare


def edit_times(runs: int) -> tuple[list[float], list[float], int]:
    """Per edit: (in the parser process, libcst in this process), and how many edits."""
    from devfocus.app.docstrings import DocsConfig, analyse_document
    from devfocus.config import DocsSettings
    from devfocus.docs import cst, worker
    from devfocus.docs.edits import docstring_edit

    path = pydecimal_path()
    source = path.read_text(encoding="utf-8")
    config = DocsConfig(DocsSettings(missing="all", infer_types=False))
    analysis = analyse_document(source, str(path), config)
    facts = analysis.facts
    options = config.options(facts, str(path), style=analysis.style, width=analysis.width)
    wanted = {f.qualname for f in analysis.findings}
    targets = [d for d in facts.definitions if d.qualname in wanted]

    class InProcess:
        def call(self, operation: str, *args: Any, timeout: float | None = None) -> Any:
            assert operation == "insert_docstring"
            return cst.insert_docstring(*args)

    isolated = worker.shared()
    isolated.start()
    for definition in targets:  # warm both: libcst loaded in each process
        docstring_edit(facts, definition, options)
    in_process: list[float] = []
    in_worker: list[float] = []
    shared = worker.shared
    try:
        for _ in range(runs):
            for definition in targets:
                in_worker.append(timed(lambda d=definition: docstring_edit(facts, d, options)))
                worker.shared = lambda: InProcess()  # type: ignore[assignment, return-value]
                in_process.append(timed(lambda d=definition: docstring_edit(facts, d, options)))
                worker.shared = shared
    finally:
        worker.shared = shared
    return in_worker, in_process, len(targets)


def analysis_times(runs: int) -> tuple[list[float], list[float]]:
    from devfocus.app.docstrings import DocsConfig, analyse_document, analyse_isolated
    from devfocus.config import DocsSettings

    path = pydecimal_path()
    source = path.read_text(encoding="utf-8")
    config = DocsConfig(DocsSettings(missing="all"))
    analyse_isolated(source, str(path), config)  # warm
    isolated = [timed(lambda: analyse_isolated(source, str(path), config)) for _ in range(runs)]
    local = [timed(lambda: analyse_document(source, str(path), config)) for _ in range(runs)]
    return isolated, local


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    header("docs_worker: the parser process")
    print(f"  {pydecimal_path()}", flush=True)

    first, loaded, bare = start_times(max(args.runs // 3, 5))
    in_worker, in_process, edits = edit_times(max(args.runs // 10, 3))
    isolated, local = analysis_times(max(args.runs // 3, 5))
    overhead = (median(in_worker) - median(in_process)) * 1000
    print(f"  {edits} edits per round", flush=True)
    name = "docs_worker"
    results = [
        Result(
            name,
            "start: process created to its first answer, median",
            median(first) * 1000,
            "ms",
            median(bare) * 1000,
            "python -c pass, whole process",
            median(first) / median(bare),
        ),
        Result(
            name,
            "start: then libcst loaded and a first insertion, median",
            median(loaded) * 1000,
            "ms",
        ),
        Result(
            name,
            "edit with libcst in the parser process, median",
            median(in_worker) * 1000,
            "ms",
            median(in_process) * 1000,
            "libcst in this process",
            median(in_worker) / median(in_process),
        ),
        Result(
            name,
            "edit, the same, p99",
            percentile(in_worker, 99) * 1000,
            "ms",
            percentile(in_process, 99) * 1000,
            "libcst in this process",
            percentile(in_worker, 99) / percentile(in_process, 99),
        ),
        Result(
            name,
            "what the process adds to an edit, median",
            overhead,
            "ms",
            target=f"<= {OVERHEAD_TARGET_MS:g} ms",
            passed=overhead <= OVERHEAD_TARGET_MS,
        ),
        Result(
            name,
            f"analysis of {Path(pydecimal_path()).name} in the parser process, median",
            median(isolated) * 1000,
            "ms",
            median(local) * 1000,
            "in this process",
            median(isolated) / median(local),
        ),
    ]
    return emit(results)


if __name__ == "__main__":
    raise SystemExit(main())
