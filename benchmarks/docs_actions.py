"""Docstring code actions over stdio on the standard library's ``_pydecimal.py`` (6,400 lines).

A raw stdio client (``_common.RawClient``, no client library) initializes ``python -m devfocus
serve`` with VS Code-like capabilities: code action literals, ``dataSupport`` and
``resolveSupport`` for ``edit`` (so listing actions computes no edit), versioned document
changes, pulled configuration. ``initializationOptions`` ask for docstrings on every definition
(``docs.missing = "all"``: 36 definitions of this file then have an action, against 2 with the
default ``public``). It opens a copy of ``_pydecimal.py`` and waits for its
``publishDiagnostics``. Then, each timed from writing the request to reading its response:

* listing: ``textDocument/codeAction`` at 500 cursor positions spread over the file (an empty
  range at the line's first character, ``triggerKind`` Automatic, the published diagnostics on
  that line in the context, as VS Code sends when the cursor moves). Targets: median at most
  5 ms, p99 at most 25 ms.
* resolving: ``codeAction/resolve`` of the Generate/Update quick fix of every definition that
  has one (asked for at the definition's diagnostic, as a click on the light bulb does), twice
  over. The very first resolve is reported separately (it may wait for libcst and jedi); the target,
  at most 50 ms, applies to the median and p99 of the others.

Reference: the same requests, byte for byte, to the bare pygls server (``bare_server.py``) with
two trivial handlers added: ``textDocument/codeAction`` answers ``null`` and
``codeAction/resolve`` returns the action unchanged. Each request goes to both servers, side by
side, alternating which goes first; ratios are of the medians (and of the p99s).

For context it also reports the time from ``didOpen`` to the first diagnostics, and from an edit
to the diagnostics of the new version (after the server's 300 ms debounce).

    python benchmarks/docs_actions.py [--positions 500] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (
    PYTHON,
    RawClient,
    Result,
    ServerPair,
    did_open_message,
    dumps,
    emit,
    header,
    median,
    percentile,
    vscode_initialize_params,
)

LIST_MEDIAN_MS = 5.0
LIST_P99_MS = 25.0
RESOLVE_MS = 50.0
INIT_OPTIONS = {"devfocus": {"docs": {"missing": "all"}}}
REFERENCE_CMD = [PYTHON, str(Path(__file__).resolve()), "--reference-server"]

# What VS Code 1.9x announces, trimmed to what matters here.
CAPABILITIES: dict[str, Any] = {
    "workspace": {
        "applyEdit": True,
        "workspaceEdit": {
            "documentChanges": True,
            "resourceOperations": ["create", "rename", "delete"],
            "failureHandling": "textOnlyTransactional",
            "normalizesLineEndings": True,
            "changeAnnotationSupport": {"groupsOnLabel": True},
        },
        "configuration": True,
        "workspaceFolders": True,
        "didChangeConfiguration": {"dynamicRegistration": True},
        "executeCommand": {"dynamicRegistration": True},
    },
    "textDocument": {
        "synchronization": {
            "dynamicRegistration": True,
            "willSave": True,
            "willSaveWaitUntil": True,
            "didSave": True,
        },
        "publishDiagnostics": {
            "relatedInformation": True,
            "versionSupport": False,
            "tagSupport": {"valueSet": [1, 2]},
            "codeDescriptionSupport": True,
            "dataSupport": True,
        },
        "codeAction": {
            "dynamicRegistration": True,
            "isPreferredSupport": True,
            "disabledSupport": True,
            "dataSupport": True,
            "resolveSupport": {"properties": ["edit"]},
            "codeActionLiteralSupport": {
                "codeActionKind": {
                    "valueSet": [
                        "",
                        "quickfix",
                        "refactor",
                        "refactor.extract",
                        "refactor.inline",
                        "refactor.rewrite",
                        "source",
                        "source.organizeImports",
                    ]
                }
            },
            "honorsChangeAnnotations": True,
        },
    },
    "window": {"workDoneProgress": True, "showDocument": {"support": True}},
    "general": {"positionEncodings": ["utf-16"]},
}


def initialize_params(root: Path) -> dict[str, Any]:
    return vscode_initialize_params(root, CAPABILITIES, INIT_OPTIONS)


# -- the reference server -------------------------------------------------------------------------
def reference_server() -> Any:
    """``bare_server.py`` plus the two requests this benchmark sends, answered trivially."""
    from lsprotocol import types

    from bare_server import create

    server = create()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION)
    def code_action(params: types.CodeActionParams) -> None:
        return None

    @server.feature(types.CODE_ACTION_RESOLVE)
    def resolve(action: types.CodeAction) -> types.CodeAction:
        return action

    return server


# -- the client side ------------------------------------------------------------------------------
def answered_after(client: RawClient, uri: str, start: float) -> float:
    """Seconds from ``start`` to the answer of a trivial request sent now."""
    msg_id, message = client.request_message(
        "textDocument/codeAction", code_action_params(uri, 0, 0, [])
    )
    client.send(message)
    arrived, _ = client.wait(msg_id)
    return arrived - start


def wait_for_diagnostics(client: RawClient, uri: str, after: int, timeout: float = 120.0) -> dict:
    """The first publishDiagnostics for ``uri`` among the notifications from index ``after``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in client.notifications[after:]:
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and message["params"]["uri"] == uri
            ):
                return message["params"]
        time.sleep(0.001)
    raise TimeoutError(f"no diagnostics for {uri} within {timeout:.0f} s")


def code_action_params(
    uri: str, line: int, character: int, diagnostics: list[dict]
) -> dict[str, Any]:
    position = {"line": line, "character": character}
    return {
        "textDocument": {"uri": uri},
        "range": {"start": position, "end": position},
        "context": {
            "diagnostics": [
                d
                for d in diagnostics
                if d["range"]["start"]["line"] <= line <= d["range"]["end"]["line"]
            ],
            "triggerKind": 2,  # Automatic: the cursor moved
        },
    }


def positions(lines: list[str], count: int) -> list[tuple[int, int]]:
    """``count`` cursor positions spread evenly over the file, at each line's first character."""
    step = len(lines) / count
    chosen = []
    for i in range(count):
        line = int(i * step)
        text = lines[line]
        chosen.append((line, len(text) - len(text.lstrip())))
    return chosen


def quick_fixes(response: dict) -> list[dict]:
    return [
        a
        for a in response.get("result") or []
        if a.get("kind") == "quickfix" and a["title"].startswith(("Generate", "Update"))
    ]


def server_errors(log: Path) -> list[str]:
    """Distinct error lines in the servers' stderr (a traceback's last line included)."""
    found: list[str] = []
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    for i, line in enumerate(lines):
        if "ERROR" in line or line.startswith("Traceback"):
            tail = next((x for x in lines[i + 1 :] if x and not x.startswith((" ", "Trace"))), "")
            text = f"{line.strip()[:160]} -> {tail.strip()[:160]}" if tail else line.strip()
            if text not in found:
                found.append(text)
    return found


def stats_ms(values: list[float]) -> tuple[float, float]:
    return median(values) * 1000, percentile(values, 99) * 1000


def measure(args: argparse.Namespace, work: Path) -> tuple[list[Result], dict[str, Any]]:
    from docs_common import pydecimal_path

    root = work / "decimal-project"
    (root / ".git").mkdir(parents=True)
    source = root / "_pydecimal.py"
    shutil.copyfile(pydecimal_path(), source)
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines()
    uri = source.as_uri()
    print(f"  {source.name}: {len(lines):,} lines")

    pair = ServerPair(work, REFERENCE_CMD, initialize_params(root))
    try:
        before = len(pair.devfocus.notifications)
        opened = time.perf_counter()
        for client in (pair.devfocus, pair.reference):
            client.send(did_open_message(uri, text))
        ref_open = answered_after(pair.reference, uri, opened)
        published = wait_for_diagnostics(pair.devfocus, uri, before)
        first_diagnostics = time.perf_counter() - opened
        diagnostics = published["diagnostics"]
        print(
            f"  didOpen to publishDiagnostics: {first_diagnostics * 1000:.0f} ms "
            f"({len(diagnostics)} diagnostics); the reference answers a request sent after its "
            f"didOpen in {ref_open * 1000:.0f} ms"
        )

        # Listing actions while the cursor moves.
        spots = positions(lines, args.positions)
        for line, character in spots[:: max(1, len(spots) // 20)]:  # warm-up, not counted
            pair.both(
                "textDocument/codeAction", code_action_params(uri, line, character, diagnostics)
            )
        dev_list: list[float] = []
        ref_list: list[float] = []
        listed = with_fix = with_edit = 0
        for line, character in spots:
            params = code_action_params(uri, line, character, diagnostics)
            dev, response, ref = pair.both("textDocument/codeAction", params)
            dev_list.append(dev)
            ref_list.append(ref)
            actions = response.get("result") or []
            listed += len(actions)
            with_fix += bool(quick_fixes(response))
            with_edit += sum(1 for a in actions if a.get("edit"))
        if with_edit:
            raise RuntimeError(f"{with_edit} listed actions carry an edit despite resolveSupport")
        print(
            f"  {len(spots)} codeAction requests: {listed} actions listed, {with_fix} positions "
            "with a quick fix, no edit computed"
        )

        # The quick fix of every definition with a finding, as a click on the light bulb asks.
        actions: dict[str, dict] = {}
        at_definitions: list[float] = []
        ref_at_definitions: list[float] = []
        for diagnostic in diagnostics:
            start = diagnostic["range"]["start"]
            params = code_action_params(uri, start["line"], start["character"], diagnostics)
            dev, response, ref = pair.both("textDocument/codeAction", params)
            at_definitions.append(dev)
            ref_at_definitions.append(ref)
            for action in quick_fixes(response):
                actions.setdefault(action["data"]["qualname"], action)
        print(f"  {len(actions)} definitions with a Generate/Update quick fix")
        if len(actions) < 2:
            raise RuntimeError("too few quick fixes to resolve")

        # Round 1 resolves each definition for the first time; round 2 asks again.
        rounds: dict[int, tuple[list[float], list[float]]] = {1: ([], []), 2: ([], [])}
        named: list[tuple[float, str]] = []
        first: tuple[float, float] | None = None
        for round_, (dev_times, ref_times) in rounds.items():
            for qualname, action in actions.items():
                dev, response, ref = pair.both("codeAction/resolve", action)
                edit = response["result"].get("edit") or {}
                changes = edit.get("documentChanges") or []
                if not changes or not changes[0]["edits"]:
                    raise RuntimeError(f"resolve of {qualname} brought no edit: {response}")
                if first is None:
                    first = (dev, ref)
                    print(f"  first resolve ({qualname}): {dev * 1000:.0f} ms")
                    continue
                dev_times.append(dev)
                ref_times.append(ref)
                if round_ == 1:
                    named.append((dev, qualname))
        assert first is not None
        slowest = ", ".join(f"{q} {t * 1000:.0f} ms" for t, q in sorted(named)[-6:])
        print(f"  slowest first-time resolves: {slowest}")

        # Re-analysis after an edit (a blank line at the top), for context.
        before = len(pair.devfocus.notifications)
        changed = time.perf_counter()
        for client in (pair.devfocus, pair.reference):
            client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": 1},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": 0, "character": 0},
                                "end": {"line": 0, "character": 0},
                            },
                            "text": "\n",
                        }
                    ],
                },
            )
        ref_change = answered_after(pair.reference, uri, changed)
        republished = wait_for_diagnostics(pair.devfocus, uri, before)
        reanalysis = time.perf_counter() - changed
        if republished.get("version") not in (None, 1):
            raise RuntimeError(f"diagnostics of version {republished.get('version')}, not 1")
        rss = pair.devfocus.rss_kib()
    finally:
        pair.close()
    errors = server_errors(work / "servers.log")
    if errors:
        print("  the servers logged errors (first lines):")
        for line in errors[:6]:
            print(f"    {line}")

    list_med, list_p99 = stats_ms(dev_list)
    ref_med, ref_p99 = stats_ms(ref_list)
    def_med, def_p99 = stats_ms(at_definitions)
    refdef_med, _ = stats_ms(ref_at_definitions)
    resolves, ref_resolves = rounds[1]
    res_med, res_p99 = stats_ms(resolves)
    refres_med, refres_p99 = stats_ms(ref_resolves)
    again_med, again_p99 = stats_ms(rounds[2][0])
    refagain_med, _ = stats_ms(rounds[2][1])
    print(
        f"  listing: DevFocus median {list_med:.2f} ms, p90 {percentile(dev_list, 90) * 1000:.2f},"
        f" p99 {list_p99:.2f}, max {max(dev_list) * 1000:.2f}; reference median {ref_med:.2f} ms,"
        f" p99 {ref_p99:.2f}"
    )
    print(
        f"  at the definitions' diagnostics: DevFocus median {def_med:.2f} ms, p99 {def_p99:.2f};"
        f" reference median {refdef_med:.2f} ms"
    )
    print(
        f"  resolve, {len(resolves)} definitions after the first, each for the first time: "
        f"DevFocus median {res_med:.1f} ms, p90 {percentile(resolves, 90) * 1000:.1f}, p99 "
        f"{res_p99:.1f}; reference median {refres_med:.2f} ms, p99 {refres_p99:.2f}"
    )
    print(
        f"  resolve, the same {len(rounds[2][0])} again: DevFocus median {again_med:.1f} ms, "
        f"p99 {again_p99:.1f}; reference median {refagain_med:.2f} ms"
    )
    print(f"  edit to re-published diagnostics: {reanalysis * 1000:.0f} ms (300 ms debounce)")
    if rss:
        print(f"  DevFocus resident set at the end: {rss / 1024:.0f} MiB")

    ref_name = "bare pygls, trivial handler, same requests"
    results = [
        Result(
            "docs_actions",
            f"codeAction at {len(dev_list)} positions, round trip (median)",
            list_med,
            "ms",
            reference=ref_med,
            reference_name=ref_name,
            ratio=list_med / ref_med,
            target=f"<= {LIST_MEDIAN_MS:.0f} ms",
            passed=list_med <= LIST_MEDIAN_MS,
        ),
        Result(
            "docs_actions",
            f"codeAction at {len(dev_list)} positions, round trip (p99)",
            list_p99,
            "ms",
            reference=ref_p99,
            reference_name=ref_name,
            ratio=list_p99 / ref_p99,
            target=f"<= {LIST_P99_MS:.0f} ms",
            passed=list_p99 <= LIST_P99_MS,
        ),
        Result(
            "docs_actions",
            f"codeAction at the {len(at_definitions)} diagnostics (median)",
            def_med,
            "ms",
            reference=refdef_med,
            reference_name=ref_name,
            ratio=def_med / refdef_med,
        ),
        Result(
            "docs_actions",
            f"codeAction/resolve, {len(resolves)} definitions after the first (median)",
            res_med,
            "ms",
            reference=refres_med,
            reference_name=ref_name,
            ratio=res_med / refres_med,
            target=f"<= {RESOLVE_MS:.0f} ms",
            passed=res_med <= RESOLVE_MS,
        ),
        Result(
            "docs_actions",
            f"codeAction/resolve, {len(resolves)} definitions after the first (p99)",
            res_p99,
            "ms",
            reference=refres_p99,
            reference_name=ref_name,
            ratio=res_p99 / refres_p99,
            target=f"<= {RESOLVE_MS:.0f} ms",
            passed=res_p99 <= RESOLVE_MS,
        ),
        Result(
            "docs_actions",
            f"codeAction/resolve, the same {len(rounds[2][0])} again (median)",
            again_med,
            "ms",
            reference=refagain_med,
            reference_name=ref_name,
            ratio=again_med / refagain_med,
        ),
        Result(
            "docs_actions",
            "first codeAction/resolve of the session",
            first[0] * 1000,
            "ms",
            reference=first[1] * 1000,
            reference_name=ref_name,
            ratio=first[0] / first[1],
        ),
        Result(
            "docs_actions",
            "didOpen to first publishDiagnostics",
            first_diagnostics * 1000,
            "ms",
            reference=ref_open * 1000,
            reference_name="bare pygls: didOpen to the answer of a request sent after it",
            ratio=first_diagnostics / ref_open,
        ),
        Result(
            "docs_actions",
            "didChange to publishDiagnostics of the new version (300 ms debounce included)",
            reanalysis * 1000,
            "ms",
            reference=ref_change * 1000,
            reference_name="bare pygls: didChange to the answer of a request sent after it",
            ratio=reanalysis / ref_change,
        ),
    ]
    context = {
        "uri": uri,
        "text": text,
        "lines": lines,
        "root": root,
        "diagnostics": diagnostics,
        "spots": spots,
        "actions": list(actions.values()),
    }
    return results, context


# -- in process: where the server's time goes ----------------------------------------------------
def handle(server: Any, message: dict) -> None:
    server.protocol.handle_message(
        json.loads(dumps(message), object_hook=server.protocol.structure_message)
    )


async def profile_in_process(context: dict[str, Any], work: Path) -> None:
    """The code-action and resolve handlers of a ``DevFocusServer`` in this process, timed and
    then under cProfile (the resolve's work, which runs on the docs thread, is profiled by
    calling it here)."""
    from pygls.io_ import StdoutWriter

    from devfocus.lsp.features import docs as docs_module
    from devfocus.lsp.server import DevFocusServer

    server = DevFocusServer()
    sink = io.BytesIO()
    server.protocol.set_writer(StdoutWriter(sink))
    handle(
        server,
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": initialize_params(context["root"]),
        },
    )
    uri, text = context["uri"], context["text"]
    handle(server, did_open_message(uri, text))
    feature = next(f for f in server.features if isinstance(f, docs_module.DocsFeature))
    started = time.perf_counter()
    index = await feature.index_of(uri)
    print(
        f"  index built in {(time.perf_counter() - started) * 1000:.0f} ms"
        " (the parser process started first)"
    )
    assert index is not None

    structure = server.protocol.structure_message

    def typed(method: str, params: Any) -> Any:
        body = dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        return json.loads(body, object_hook=structure).params

    listing = [
        typed("textDocument/codeAction", code_action_params(uri, ln, ch, context["diagnostics"]))
        for ln, ch in context["spots"]
    ]
    handler_s = []
    for params in listing:
        t0 = time.perf_counter()
        await feature.code_action(params)
        handler_s.append(time.perf_counter() - t0)
    print(
        f"  code_action handler in process: median {median(handler_s) * 1e3:.3f} ms, "
        f"p99 {percentile(handler_s, 99) * 1e3:.3f} ms"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    for params in listing:
        await feature.code_action(params)
    profiler.disable()
    print(f"\ncProfile of {len(listing)} code_action handler calls:")
    from docs_common import print_profile

    print_profile(pstats.Stats(profiler), top=20)

    config = feature._config()
    qualnames = [a["data"]["qualname"] for a in context["actions"]]

    async def fresh_index() -> Any:
        """The document closed and opened again, as the server handles it: a new index of the
        same text with a new jedi state (whatever the server asks jedi ahead of time, too)."""
        handle(
            server,
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didClose",
                "params": {"textDocument": {"uri": uri}},
            },
        )
        handle(server, did_open_message(uri, text))
        built = await feature.index_of(uri)
        assert built is not None
        return built

    for label in ("new index, no jedi answers yet", "the same index again, answers cached"):
        if label.startswith("new"):
            index = await fresh_index()
        edit_s = []
        for qualname in qualnames:
            t0 = time.perf_counter()
            docs_module._edits_for(index, config, {qualname})
            edit_s.append(time.perf_counter() - t0)
        print(
            f"\n  resolve's work (_edits_for) in process, {len(qualnames)} definitions, {label}: "
            f"median {median(edit_s) * 1e3:.1f} ms, p90 {percentile(edit_s, 90) * 1e3:.1f} ms, "
            f"max {max(edit_s) * 1e3:.1f} ms"
        )
    for label in ("new index, no jedi answers yet", "the same index again, answers cached"):
        if label.startswith("new"):
            index = await fresh_index()
        profiler = cProfile.Profile()
        profiler.enable()
        for qualname in qualnames:
            docs_module._edits_for(index, config, {qualname})
        profiler.disable()
        print(f"\ncProfile of resolve's work for {len(qualnames)} definitions ({label}):")
        print_profile(pstats.Stats(profiler), top=30)
    if index.inference is not None:
        index.inference.close()
    feature.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="profile the handlers in process")
    parser.add_argument("--reference-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_server:
        reference_server().start_io()
        return 0

    header("docstring code actions on _pydecimal.py over stdio")
    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp:
        work = Path(tmp)
        results, context = measure(args, work)
        if args.profile or any(r.passed is False for r in results):
            print("\nIn process (the same requests, without the transport):")
            asyncio.run(profile_in_process(context, work))
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
