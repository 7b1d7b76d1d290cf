"""AI docstrings over stdio: DevFocus's own cost per docstring, a cached answer, and a
300-definition file through the request limits (issue 15).

A raw stdio client (no client library) runs ``python -m devfocus serve`` with VS Code-like
capabilities and ``initializationOptions`` naming the provider ``anthropic`` at ``baseUrl``: a
local server speaking the Anthropic Messages wire format (``tests/aiservers.py``, in this
process), reached through the real ``anthropic`` SDK; the key is in the server's environment.
The client answers the server's ``workspace/applyEdit`` (applied) and
``window/workDoneProgress/create`` as an editor does, and never sends the edited text back, so
every definition stays without its docstring and can be asked for again.

1. Overhead per AI docstring. On a copy of the standard library's ``_pydecimal.py``
   (``docs.missing = "all"``: the definitions with a quick fix), ``workspace/executeCommand
   devfocus.docs.generateWithAI {uri, version, qualname}`` for each definition, timed from
   writing the request to reading its response: everything DevFocus does (plan, prompt, the
   SDK's request, the reply checked, the edit made and verified, progress, applyEdit) plus the
   stand-in's own handling, which answers at once and is reported as measured inside it.
   ``--rounds`` rounds, every kept answer erased before each (``devfocus.data.delete``), so each
   command asks the model once (checked); definitions whose source is word for word an earlier
   one's are answered from the cache and left out. ``requestsPerMinute`` is set to its maximum
   so that the limiter never makes a command wait. The first command of the session (it imports
   the SDK) is reported apart. Target: median and p99 at most 20 ms. References in the same
   run, request by request: the template quick fix's ``codeAction/resolve`` of the same
   definition (the engine's own cost without a model), and the bare pygls server
   (``bare_server.py``) answering the same executeCommand trivially.
2. Cached: after each round the same commands again, nothing changed: every answer comes from
   the cache (the stand-in must see no request). Target: median at most 5 ms (p99 reported).
3. A file of 300 definitions (synthetic: classes with methods and functions, with parameters,
   returns, raises and yields, no docstrings) through ``devfocus.docs.generateFile {uri, ai:
   true}`` with ``maxConcurrent`` 4, the stand-in taking ``--delay`` seconds per answer, in a
   fresh server (no answer kept), twice: with ``requestsPerMinute`` 10x the definitions (only
   the concurrency limit can bind) and ``--rpm`` (below 300: the per-minute limit binds too).
   Checked: never more than 4 requests in flight at the stand-in, never more than
   ``requestsPerMinute`` arriving there in any 60 s, every definition written with the model's
   words. The wall time (command to response) is compared with the least the limits allow:
   each answer takes the stand-in's time, at most 4 at once, and a request may start only 60 s
   after the one ``requestsPerMinute`` places before it started (the limiter's sliding window).
   Target: never under the bound; when the per-minute limit binds, at most 1.2x of it (when it
   does not, the bound is the stand-in's time alone and DevFocus's fixed costs, reported, show).
   Then a real module the same way (``requestsPerMinute`` 10000): the standard library's
   ``test/test_functools.py``, where the installation has its tests.

    python benchmarks/ai_docstrings.py [--rounds 5] [--delay 0.05] [--rpm 240] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import (
    DEVFOCUS_CMD,
    PYTHON,
    REPO,
    RawClient,
    Result,
    ServerPair,
    did_open_message,
    emit,
    header,
    median,
    percentile,
    read_message,
    round_trip,
    server_env,
    vscode_initialize_params,
)
from docs_actions import CAPABILITIES, code_action_params, quick_fixes, server_errors

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # tests.aiservers: the local provider servers

from tests.aiservers import AnthropicServer, Request

OVERHEAD_MS = 20.0
CACHED_MS = 5.0
BOUND_RATIO = 1.2
GENERATE_WITH_AI = "devfocus.docs.generateWithAI"
GENERATE_FILE = "devfocus.docs.generateFile"
KEY = "sk-ant-bench-0000000000000000"
REFERENCE_CMD = [PYTHON, str(Path(__file__).resolve()), "--reference-server"]
WINDOW_S = 60.0
UNBOUND_RPM = 10_000  # the setting's maximum


# -- the stand-in ---------------------------------------------------------------------------------
def prose_answer(request: Request) -> dict[str, Any]:
    """Prose for every slot the request's schema asks for, as a model writes it."""
    properties = (request.schema or {}).get("properties") or {}
    texts = {
        "summary": "Work out the result from the values given.",
        "description": "The values are checked first; nothing is changed in place.",
        "returns": "The value worked out.",
        "yields": "Each item in turn.",
    }
    answer: dict[str, Any] = {}
    for key, schema in properties.items():
        if key in texts:
            answer[key] = texts[key]
        elif isinstance(schema, dict) and schema.get("type") == "object":
            text = "If the value given is not valid." if key == "raises" else "The value to use."
            answer[key] = dict.fromkeys(schema.get("properties") or {}, text)
        else:
            answer[key] = "Sample text."
    return answer


class StandIn(AnthropicServer):
    """The Anthropic wire-format server, noting when each answer request came in and how long
    the stand-in itself took over it (its fixed delay included)."""

    def __init__(self) -> None:
        super().__init__()
        self.answer_with(prose_answer)
        self.starts: list[float] = []  # perf_counter, in arrival order
        self.handling: list[float] = []  # seconds inside answer(), per answer request

    def answer(self, request: Request) -> tuple[int, dict[str, str], bytes, str]:
        began = time.perf_counter()
        if request.method == "POST":
            with self._lock:
                self.starts.append(began)
        result = super().answer(request)
        if request.method == "POST":
            with self._lock:
                self.handling.append(time.perf_counter() - began)
        return result

    def reset(self) -> None:
        self.clear()
        with self._lock:
            self.starts.clear()
            self.handling.clear()


# -- the client -----------------------------------------------------------------------------------
class EditorClient(RawClient):
    """A raw client that answers the server's requests as an editor does: edits applied (the
    text is not sent back), progress bars created, nothing configured beyond the options."""

    def __init__(self, argv: Sequence[str], *, env: dict[str, str], log: Path) -> None:
        self.applied: list[dict] = []
        self.notified_at: list[float] = []  # perf_counter, one per notification
        self.asked: list[tuple[float, str]] = []  # (perf_counter, method) of the server's requests
        super().__init__(argv, env=env, log=log)

    def _read(self) -> None:
        while True:
            message = read_message(self._stdout)
            now = time.perf_counter()
            if message is None:
                with self._arrived:
                    self._arrived.notify_all()
                return
            if "method" in message and "id" in message:
                self.asked.append((now, message["method"]))
                result: Any = None
                if message["method"] == "workspace/applyEdit":
                    self.applied.append(message["params"])
                    result = {"applied": True}
                elif message["method"] == "workspace/configuration":
                    result = [None for _ in message["params"]["items"]]
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif "method" in message:
                with self._arrived:
                    self.notifications.append(message)
                    self.notified_at.append(now)
                    self._arrived.notify_all()
            else:
                with self._arrived:
                    self._responses[message.get("id")] = (now, message)
                    self._arrived.notify_all()

    def progress_at(self, after: float, contains: str) -> list[float]:
        """When ``$/progress`` reports whose message holds ``contains`` arrived after ``after``."""
        with self._arrived:
            pairs = list(zip(self.notified_at, self.notifications, strict=True))
        return [
            at
            for at, m in pairs
            if at >= after
            and m.get("method") == "$/progress"
            and contains in str((m.get("params") or {}).get("value", {}).get("message", ""))
        ]


class EditorPair(ServerPair):
    """DevFocus and the bare pygls reference, both behind an :class:`EditorClient`."""

    devfocus: EditorClient
    reference: EditorClient

    def __init__(self, work: Path, initialize: dict[str, Any], env: dict[str, str]) -> None:
        super().__init__(work, REFERENCE_CMD, initialize, env=env, client=EditorClient)


def ai_options(url: str, **ai: Any) -> dict[str, Any]:
    return {
        "devfocus": {
            "docs": {"missing": "all"},
            "ai": {"provider": "anthropic", "baseUrl": url, **ai},
        }
    }


def ai_env(data: Path) -> dict[str, str]:
    env = server_env(data)
    env["ANTHROPIC_API_KEY"] = KEY
    return env


# -- the reference server -------------------------------------------------------------------------
def reference_server() -> Any:
    """docs_actions' reference (``bare_server.py`` answering the code-action requests
    trivially), answering ``generateWithAI`` with nothing too."""
    from docs_actions import reference_server as docs_reference

    server = docs_reference()

    @server.command(GENERATE_WITH_AI)
    def generate_with_ai(*args: Any) -> None:
        return None

    return server


# -- 1 and 2: one definition at a time ------------------------------------------------------------
def wait_for_diagnostics(client: RawClient, uri: str, timeout: float = 120.0) -> list[dict]:
    _, message = client.wait_for_notification(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        ),
        timeout,
    )
    return list(message["params"]["diagnostics"])


def command(qualname: str, uri: str, version: int) -> dict[str, Any]:
    return {
        "command": GENERATE_WITH_AI,
        "arguments": [{"uri": uri, "version": version, "qualname": qualname}],
    }


def stats_ms(values: Sequence[float]) -> tuple[float, float]:
    return median(values) * 1000, percentile(values, 99) * 1000


def one_at_a_time(
    work: Path, stand_in: StandIn, rounds: int
) -> tuple[list[Result], dict[str, Any]]:
    from docs_common import pydecimal_path

    root = work / "decimal-project"
    (root / ".git").mkdir(parents=True)
    source = root / "_pydecimal.py"
    shutil.copyfile(pydecimal_path(), source)
    text = source.read_text(encoding="utf-8")
    uri = source.as_uri()

    # The per-minute limit (50 by default) must not make a request wait here.
    options = ai_options(stand_in.url, requestsPerMinute=UNBOUND_RPM)
    params = vscode_initialize_params(root, CAPABILITIES, options)
    pair = EditorPair(work, params, ai_env(work / "data"))
    try:
        for client in (pair.devfocus, pair.reference):
            client.send(did_open_message(uri, text))
        diagnostics = wait_for_diagnostics(pair.devfocus, uri)
        templates: dict[str, dict] = {}
        with_ai: set[str] = set()
        for diagnostic in diagnostics:
            start = diagnostic["range"]["start"]
            ask = code_action_params(uri, start["line"], start["character"], diagnostics)
            _, response = round_trip(pair.devfocus, "textDocument/codeAction", ask)
            for action in quick_fixes(response):
                qualname = action["data"]["qualname"]
                if action["data"].get("ai"):
                    with_ai.add(qualname)
                else:
                    templates.setdefault(qualname, action)
        qualnames = [q for q in templates if q in with_ai]
        if len(qualnames) < 10:
            raise RuntimeError(f"only {len(qualnames)} definitions offer the AI quick fix")
        print(f"  {source.name}: {len(qualnames)} definitions with both quick fixes")

        # The session's first command loads the SDK: timed apart, on a definition of its own.
        first_name = qualnames[0]
        first, answer = round_trip(
            pair.devfocus, "workspace/executeCommand", command(first_name, uri, 0)
        )
        check_written(answer, first_name, "model")
        print(f"  first command of the session ({first_name}): {first * 1000:.0f} ms")
        measured = qualnames[1:]

        ai: list[float] = []
        template: list[float] = []
        bare: list[float] = []
        handling: list[float] = []
        cached: list[float] = []
        cached_bare: list[float] = []
        same_source: set[str] = set()
        for round_ in range(rounds):
            if round_:
                # Every kept answer erased (devfocus.data.delete, the cache with the rest): the
                # next round's answers are fresh again.
                erase = {"command": "devfocus.data.delete", "arguments": [{"confirm": True}]}
                round_trip(pair.devfocus, "workspace/executeCommand", erase)
            stand_in.reset()
            for i, qualname in enumerate(measured):
                steps = ["ai", "template"] if (i + round_) % 2 else ["template", "ai"]
                for step in steps:
                    if step == "template":
                        dev, response, _ = pair.both("codeAction/resolve", templates[qualname])
                        if not (response["result"].get("edit") or {}).get("documentChanges"):
                            raise RuntimeError(f"template resolve of {qualname}: no edit")
                        if qualname not in same_source:
                            template.append(dev)
                        continue
                    before = stand_in.count
                    dev, response, ref = pair.both(
                        "workspace/executeCommand", command(qualname, uri, 0)
                    )
                    if (response.get("result") or {}).get("fromCache") == 1:
                        # Its source is another definition's, word for word (the many
                        # ``handle`` methods): that answer was kept, as it should be.
                        same_source.add(qualname)
                        continue
                    check_written(response, qualname, "model")
                    if stand_in.count != before + 1:
                        raise RuntimeError(f"{qualname}: {stand_in.count - before} requests")
                    ai.append(dev)
                    bare.append(ref)
            handling += stand_in.handling

            stand_in.reset()
            for qualname in measured:
                dev, response, ref = pair.both(
                    "workspace/executeCommand", command(qualname, uri, 0)
                )
                check_written(response, qualname, "cache")
                cached.append(dev)
                cached_bare.append(ref)
            if stand_in.count:
                raise RuntimeError(f"a cached round sent {stand_in.count} requests to the stand-in")

        # Not counted: where a command's time goes, by the server's own requests to the client.
        erase = {"command": "devfocus.data.delete", "arguments": [{"confirm": True}]}
        round_trip(pair.devfocus, "workspace/executeCommand", erase)
        for label in ("fresh", "kept"):
            split = [phases(pair.devfocus, command(q, uri, 0)) for q in measured]
            parts = [median(column) * 1000 for column in zip(*split, strict=True)]
            print(
                f"  where a command's time goes ({label} answers, medians): to the progress "
                f"bar's create {parts[0]:.2f} ms, to the applyEdit {parts[1]:.2f} ms (plan, "
                f"answer, edit), to the response {parts[2]:.2f} ms"
            )
    finally:
        pair.close()
    for line in server_errors(work / "servers.log")[:6]:
        print(f"    server log: {line}")

    ai_med, ai_p99 = stats_ms(ai)
    tpl_med, tpl_p99 = stats_ms(template)
    bare_med, bare_p99 = stats_ms(bare)
    hand_med, hand_p99 = stats_ms(handling)
    c_med, c_p99 = stats_ms(cached)
    cb_med, cb_p99 = stats_ms(cached_bare)
    n, cached_n = len(ai), len(cached)
    print(
        f"  {rounds} rounds, the kept answers erased before each; {len(same_source)} definitions "
        "have the same source as an earlier one (answered from the cache at once, as they "
        "should be): left out of the fresh answers"
    )
    print(
        f"  generateWithAI, {n} definitions, fresh answers: median {ai_med:.1f} ms, p90 "
        f"{percentile(ai, 90) * 1000:.1f}, p99 {ai_p99:.1f}, max {max(ai) * 1000:.1f}; the "
        f"stand-in's own handling: median {hand_med:.2f} ms, p99 {hand_p99:.2f}"
    )
    print(
        f"  template codeAction/resolve, same definitions: median {tpl_med:.1f} ms, p99 "
        f"{tpl_p99:.1f}; bare pygls executeCommand: median {bare_med:.2f} ms, p99 {bare_p99:.2f}"
    )
    print(
        f"  generateWithAI again, answers kept: median {c_med:.2f} ms, p90 "
        f"{percentile(cached, 90) * 1000:.2f}, p99 {c_p99:.2f}, max {max(cached) * 1000:.2f}; "
        f"bare pygls median {cb_med:.2f} ms"
    )
    ref_bare = "bare pygls, trivial executeCommand, same requests"
    results = [
        Result(
            "ai_docstrings",
            f"generateWithAI, {n} commands on _pydecimal.py, fresh answers (median)",
            ai_med,
            "ms",
            reference=tpl_med,
            reference_name="template codeAction/resolve, same definitions",
            ratio=ai_med / tpl_med,
            target=f"<= {OVERHEAD_MS:.0f} ms",
            passed=ai_med <= OVERHEAD_MS,
        ),
        Result(
            "ai_docstrings",
            f"generateWithAI, {n} commands on _pydecimal.py, fresh answers (p99)",
            ai_p99,
            "ms",
            reference=tpl_p99,
            reference_name="template codeAction/resolve, same definitions",
            ratio=ai_p99 / tpl_p99,
            target=f"<= {OVERHEAD_MS:.0f} ms",
            passed=ai_p99 <= OVERHEAD_MS,
        ),
        Result(
            "ai_docstrings",
            "generateWithAI, fresh answers, against bare pygls (median)",
            ai_med,
            "ms",
            reference=bare_med,
            reference_name=ref_bare,
            ratio=ai_med / bare_med,
        ),
        Result(
            "ai_docstrings",
            "the stand-in's own handling per answer, inside it (median)",
            hand_med,
            "ms",
        ),
        Result(
            "ai_docstrings",
            "first generateWithAI of the session (imports the SDK)",
            first * 1000,
            "ms",
        ),
        Result(
            "ai_docstrings",
            f"generateWithAI again, {cached_n} commands answered from the cache (median)",
            c_med,
            "ms",
            reference=cb_med,
            reference_name=ref_bare,
            ratio=c_med / cb_med,
            target=f"<= {CACHED_MS:.0f} ms",
            passed=c_med <= CACHED_MS,
        ),
        Result(
            "ai_docstrings",
            f"generateWithAI again, {cached_n} commands answered from the cache (p99)",
            c_p99,
            "ms",
            reference=cb_p99,
            reference_name=ref_bare,
            ratio=c_p99 / cb_p99,
        ),
    ]
    return results, {"root": root, "uri": uri, "text": text, "qualnames": measured}


def phases(client: EditorClient, params: dict[str, Any]) -> tuple[float, float, float]:
    """(to the server's progress-create request, from it to its applyEdit request, from that to
    the response) of one command, in seconds. An answer the server holds in memory shows no
    progress bar (nothing to wait for): its first phase is then 0."""
    msg_id, message = client.request_message("workspace/executeCommand", params)
    sent = time.perf_counter()
    client.send(message)
    arrived, _ = client.wait(msg_id)
    asked = {method: at for at, method in client.asked if sent <= at <= arrived}
    created = asked.get("window/workDoneProgress/create", sent)
    applied = asked["workspace/applyEdit"]
    return created - sent, applied - created, arrived - applied


def check_written(response: dict, qualname: str, origin: str) -> None:
    result = response.get("result") or {}
    counts = {k: result.get(k) for k in ("applied", "fromModel", "fromCache", "fromTemplate")}
    wanted = {"model": "fromModel", "cache": "fromCache"}[origin]
    if result.get("applied") != 1 or result.get(wanted) != 1:
        raise RuntimeError(f"{qualname}: expected one docstring from the {origin}, got {counts}")


# -- 3: a whole file through the limits ------------------------------------------------------------
_VERBS = ["load", "parse", "merge", "compute", "render", "validate", "collect", "resolve"]
_NOUNS = ["orders", "invoice", "customer", "shipment", "ledger", "report", "catalog", "payment"]


def _function(name: str, i: int, indent: str, method: bool) -> list[str]:
    """One realistic definition: parameters with types and defaults, a body that returns,
    raises or yields."""
    self_ = "self, " if method else ""
    shape = i % 4
    if shape == 0:
        head = (
            f"def {name}({self_}items: list[dict[str, float]], limit: int = 100, *, "
            "strict: bool = False) -> float:"
        )
        body = [
            "total = 0.0",
            "for item in items[:limit]:",
            "    if strict and item.get('price', 0) < 0:",
            "        raise ValueError(f'negative price in {item!r}')",
            "    total += item.get('price', 0) * item.get('quantity', 1)",
            "return total",
        ]
    elif shape == 1:
        head = f"def {name}({self_}path: str, encoding: str = 'utf-8') -> list[str]:"
        body = [
            "if not path:",
            "    raise FileNotFoundError(path)",
            "with open(path, encoding=encoding) as handle:",
            "    return [line.rstrip() for line in handle if line.strip()]",
        ]
    elif shape == 2:
        head = f"def {name}({self_}rows: list[tuple[str, int]], size: int = 50):"
        body = [
            "batch = []",
            "for key, value in rows:",
            "    batch.append((key.strip().lower(), value))",
            "    if len(batch) >= size:",
            "        yield batch",
            "        batch = []",
            "if batch:",
            "    yield batch",
        ]
    else:
        head = (
            f"async def {name}({self_}client: object, key: str, retries: int = 3, "
            "timeout: float | None = None) -> dict[str, object]:"
        )
        body = [
            "for attempt in range(retries):",
            "    answer = await client.fetch(key, timeout=timeout)  # type: ignore[attr-defined]",
            "    if answer is not None:",
            "        return {'key': key, 'value': answer, 'attempt': attempt}",
            "raise KeyError(key)",
        ]
    return [indent + head, *(indent + "    " + line for line in body), ""]


def synthetic_module(definitions: int) -> str:
    """A module of ``definitions`` definitions without docstrings (its own docstring given):
    classes of seven methods each making up about two thirds, plain functions the rest."""
    lines = [
        '"""Orders, invoices and payments of a small shop."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    count = i = 0
    classes = (definitions * 2 // 3) // 8
    for c in range(classes):
        lines += ["", f"class {_NOUNS[c % len(_NOUNS)].title()}Service{c}:", ""]
        lines += ["    timeout = 5.0", ""]
        count += 1
        for _ in range(7):
            name = f"{_VERBS[i % len(_VERBS)]}_{_NOUNS[(i // 8) % len(_NOUNS)]}_{i}"
            lines += _function(name, i, "    ", method=True)
            count += 1
            i += 1
    while count < definitions:
        name = f"{_VERBS[i % len(_VERBS)]}_{_NOUNS[(i // 8) % len(_NOUNS)]}_{i}"
        lines += ["", *_function(name, i, "", method=False)]
        count += 1
        i += 1
    return "\n".join(lines).rstrip() + "\n"


def real_module() -> Path | None:
    """The standard library's ``test/test_functools.py`` (3,000 lines, over 400 definitions
    without a docstring), where the installation has its tests."""
    import sysconfig

    path = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_functools.py"
    return path if path.exists() else None


def least_time(n: int, concurrent: int, per_minute: int, answer_s: float) -> float:
    """The least wall time ``n`` requests of ``answer_s`` each can take within the limits: the
    earliest start of each, at most ``concurrent`` at once and at most ``per_minute`` started
    in any 60 s (the i-th start at least 60 s after the (i - per_minute)-th)."""
    starts: list[float] = []
    ends: list[float] = []
    for i in range(n):
        start = 0.0
        if i >= concurrent:
            start = max(start, sorted(ends)[i - concurrent])
        if i >= per_minute:
            start = max(start, starts[i - per_minute] + WINDOW_S)
        starts.append(start)
        ends.append(start + answer_s)
    return max(ends)


def most_in_window(starts: Sequence[float], window: float) -> int:
    ordered = sorted(starts)
    return max(
        (bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered)), default=0
    )


def whole_file(
    work: Path,
    stand_in: StandIn,
    name: str,
    text: str,
    definitions: int | None,
    per_minute: int,
    delay: float,
) -> tuple[list[Result], dict[str, Any]]:
    """``generateFile {ai: true}`` on ``text`` (saved as ``name``) in a fresh server.
    ``definitions``: how many docstrings must come from the model (None: a real module, whose
    counts are reported)."""
    root = work / f"project-{len(list(work.glob('project-*')))}"
    (root / ".git").mkdir(parents=True)
    source = root / name
    source.write_text(text, encoding="utf-8")
    uri = source.as_uri()
    concurrent = 4
    options = ai_options(stand_in.url, maxConcurrent=concurrent, requestsPerMinute=per_minute)
    params = vscode_initialize_params(root, CAPABILITIES, options)
    client = EditorClient(DEVFOCUS_CMD, env=ai_env(root / "data"), log=work / "servers.log")
    try:
        if "result" not in client.request("initialize", params):
            raise RuntimeError("initialize failed")
        client.notify("initialized", {})
        client.send(did_open_message(uri, source.read_text(encoding="utf-8")))
        found = wait_for_diagnostics(client, uri)
        stand_in.reset()
        stand_in.delay_all = delay
        msg_id, message = client.request_message(
            "workspace/executeCommand",
            {"command": GENERATE_FILE, "arguments": [{"uri": uri, "ai": True}]},
        )
        sent = time.perf_counter()
        client.send(message)
        arrived, response = client.wait(msg_id, timeout=600.0)
        elapsed = arrived - sent
        if "error" in response:
            raise RuntimeError(f"{GENERATE_FILE} failed: {response['error']}")
        stand_in.delay_all = 0.0
        starts = list(stand_in.starts)
        handling = list(stand_in.handling)
        peak = stand_in.max_in_flight
    finally:
        client.close()
    for line in server_errors(work / "servers.log")[:6]:
        print(f"    server log: {line}")
    result = response.get("result") or {}
    requests = len(starts)
    counts = {k: result.get(k) for k in ("applied", "fromModel", "fromCache", "fromTemplate")}
    if definitions is not None and (
        result.get("fromModel") != definitions or result.get("applied") != definitions
    ):
        raise RuntimeError(
            f"expected {definitions} docstrings from the model ({len(found)} diagnostics, "
            f"{requests} requests): {counts}; refused {result.get('refused', [])[:3]}"
        )
    if not result.get("applied"):
        raise RuntimeError(f"{requests} requests, nothing written: {counts}")
    print(
        f"  {name}: {len(found)} diagnostics, {requests} requests; docstrings written "
        f"{counts['applied']}: the model's words {counts['fromModel']}, kept "
        f"{counts['fromCache']}, the template's {counts['fromTemplate']}; "
        f"{len(result.get('refused') or [])} left alone"
    )
    counted = sum(counts[k] or 0 for k in ("fromModel", "fromCache", "fromTemplate"))
    if counted != counts["applied"]:
        print(
            f"  NOTE: {counts['applied']} docstrings written but {counted} counted by origin: "
            "definitions that share a qualified name (a local class defined in two branches, "
            "singledispatch's `_`) share one answer and one count"
        )
    answer_s = median(handling)
    bound = least_time(requests, concurrent, per_minute, answer_s)
    in_window = most_in_window(starts, WINDOW_S)
    ordered = sorted(starts)
    spans = [b - a for a, b in zip(ordered, ordered[per_minute:], strict=False)]
    shortest = (
        f"; the shortest span of {per_minute + 1} arrivals {min(spans):.3f} s" if spans else ""
    )
    first_request = starts[0] - sent
    last_answer = max(s + h for s, h in zip(starts, handling, strict=True))
    after = sent + elapsed - last_answer
    ratio = elapsed / bound
    planned = client.progress_at(sent, "to write")
    replies = client.progress_at(sent, f"/{requests})")
    if planned and replies:
        # The server reports progress when the file is planned and at each reply.
        print(
            f"  phases: the command to the plan's progress report {(planned[0] - sent) * 1000:.0f}"
            f" ms, to the first request {first_request * 1000:.0f} ms (the SDK is imported "
            f"then: a fresh server); the last answer to the last reply's progress "
            f"{(max(replies) - last_answer) * 1000:.0f} ms, to the response "
            f"{(sent + elapsed - max(replies)) * 1000:.0f} ms (the edits made and applied)"
        )
    binds = requests > per_minute
    kind = "per-minute" if binds else "concurrency"
    print(
        f"  {requests} requests, maxConcurrent {concurrent}, requestsPerMinute "
        f"{per_minute} ({kind} limit binds), answers of {answer_s * 1000:.0f} ms: "
        f"{elapsed:.2f} s, bound {bound:.2f} s ({ratio:.3f}x); at most {peak} in flight, at most "
        f"{in_window} started in a 60 s window{shortest}"
    )
    label = (
        f"generateFile {{ai: true}}, {name} ({requests} requests), requestsPerMinute {per_minute}"
    )
    results = [
        Result(
            "ai_docstrings",
            f"{label}: wall time",
            elapsed,
            "s",
            reference=bound,
            reference_name=f"least time the limits allow ({kind} limit binds)",
            ratio=ratio,
            # With every request free to start at once, the bound is only the stand-in's time:
            # DevFocus's own planning and editing, before and after, show in full.
            target=f">= 1x and <= {BOUND_RATIO}x the bound" if binds else ">= 1x the bound",
            passed=1.0 <= ratio <= BOUND_RATIO if binds else ratio >= 1.0,
        ),
        Result(
            "ai_docstrings",
            f"{label}: most requests in flight",
            peak,
            "requests",
            target=f"<= {concurrent}",
            passed=peak <= concurrent,
        ),
        Result(
            "ai_docstrings",
            f"{label}: most requests started in any 60 s",
            in_window,
            "requests",
            target=f"<= {per_minute}",
            passed=in_window <= per_minute,
        ),
        Result(
            "ai_docstrings",
            f"{label}: command to the first request",
            first_request * 1000,
            "ms",
        ),
        Result(
            "ai_docstrings",
            f"{label}: last answer to the command's response",
            after * 1000,
            "ms",
        ),
    ]
    return results, {"uri": uri, "root": root}


# -- in process: where DevFocus's time goes --------------------------------------------------------
class DictCache:
    """Answers kept in a dict (the database's read is measured over stdio, not here)."""

    def __init__(self) -> None:
        self.kept: dict[str, dict[str, Any]] = {}

    async def get(self, key: str) -> dict[str, Any] | None:
        return self.kept.get(key)

    async def put(
        self, key: str, kind: str, data: dict[str, Any], provider: str, model: str
    ) -> None:
        self.kept[key] = data


def in_process_service(url: str, **ai: Any) -> Any:
    from devfocus.app.aiservice import AIService
    from devfocus.config import load_settings

    settings, problems = load_settings(ai_options(url, **ai))
    if problems:
        raise RuntimeError(f"settings: {problems}")
    return settings, AIService(settings, DictCache(), environ={"ANTHROPIC_API_KEY": KEY})


async def profile_one_at_a_time(path: Path, qualnames: list[str], stand_in: StandIn) -> None:
    """The steps of ``generateWithAI`` (plan, ask, edits) per definition, in this process, on
    one analysis of the file, as the server's index holds it; then under cProfile."""
    from devfocus.app import aidocs
    from devfocus.app.docstrings import DocsConfig, analyse_document
    from docs_common import print_profile

    settings, service = in_process_service(stand_in.url, requestsPerMinute=UNBOUND_RPM)
    config = DocsConfig(settings.docs)
    source = path.read_text(encoding="utf-8")
    analysis = analyse_document(source, str(path), config)
    facts = analysis.facts
    options = config.options(facts, str(path), style=analysis.style, width=analysis.width)
    ai = service.settings
    provider, model = service.provider, service.model

    async def one(qualname: str) -> tuple[float, float, float]:
        t0 = time.perf_counter()
        plan = aidocs.plan(facts, options, {qualname}, ai, str(path), provider, model)
        t1 = time.perf_counter()
        replies = await aidocs.ask(service, plan.requests)
        t2 = time.perf_counter()
        made = aidocs.edits(plan, replies)
        t3 = time.perf_counter()
        if not made.edits:
            raise RuntimeError(f"{qualname}: no edit in process")
        return t1 - t0, t2 - t1, t3 - t2

    await one(qualnames[0])  # the SDK and the engine loaded
    service.cache.kept.clear()
    for label in ("fresh answers", "answers kept"):
        steps = [await one(q) for q in qualnames]
        plan_s, ask_s, edit_s = (list(column) for column in zip(*steps, strict=True))
        print(
            f"  in process, {len(qualnames)} definitions, {label}: plan median "
            f"{median(plan_s) * 1e3:.2f} ms (max {max(plan_s) * 1e3:.2f}), ask "
            f"{median(ask_s) * 1e3:.2f} ms (max {max(ask_s) * 1e3:.2f}), edits "
            f"{median(edit_s) * 1e3:.2f} ms (max {max(edit_s) * 1e3:.2f})"
        )
    service.cache.kept.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    for qualname in qualnames:
        await one(qualname)
    profiler.disable()
    print(f"\ncProfile of plan + ask + edits, {len(qualnames)} definitions, fresh answers:")
    print_profile(pstats.Stats(profiler), top=30)
    await service.aclose()


async def profile_file(definitions: int, work: Path, stand_in: StandIn) -> None:
    """``fix_with_ai`` on the synthetic file in this process, all plain work on this thread,
    the stand-in answering at once: the time before the first request and after the last."""
    from devfocus.app import aidocs
    from devfocus.app.docstrings import DocsConfig
    from docs_common import print_profile

    root = work / "shop-profile"
    (root / ".git").mkdir(parents=True, exist_ok=True)
    path = root / "services.py"
    source = synthetic_module(definitions)
    path.write_text(source, encoding="utf-8")
    settings, service = in_process_service(
        stand_in.url, maxConcurrent=4, requestsPerMinute=10 * definitions
    )
    warm = root / "warm.py"
    warm.write_text("def add(a: int, b: int) -> int:\n    return a + b\n", encoding="utf-8")
    await aidocs.fix_with_ai(service, DocsConfig(settings.docs), warm.read_text(), str(warm))

    marks: dict[str, float] = {}

    def planned(plan: Any) -> None:
        marks["planned"] = time.perf_counter()

    def replied(request: Any, reply: Any) -> None:
        marks["last reply"] = time.perf_counter()

    async def run() -> Any:
        marks["start"] = time.perf_counter()
        result = await aidocs.fix_with_ai(
            service,
            DocsConfig(settings.docs),
            source,
            str(path),
            on_planned=planned,
            on_reply=replied,
        )
        marks["end"] = time.perf_counter()
        return result

    result = await run()
    print(
        f"\n  in process, fix_with_ai on {definitions} definitions ({len(result.fixed.edits)} "
        f"edits), answers at once: analysis + plan {marks['planned'] - marks['start']:.2f} s, "
        f"asking {marks['last reply'] - marks['planned']:.2f} s, edits + check "
        f"{marks['end'] - marks['last reply']:.2f} s"
    )
    service.cache.kept.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    await run()
    profiler.disable()
    print(f"\ncProfile of fix_with_ai on {definitions} definitions (jedi's thread not included):")
    print_profile(pstats.Stats(profiler), top=35)
    await service.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--definitions", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5, help="of the one-at-a-time commands")
    parser.add_argument(
        "--delay", type=float, default=0.05, help="the stand-in's seconds per answer"
    )
    parser.add_argument("--rpm", type=int, default=240, help="requestsPerMinute that binds")
    parser.add_argument("--rates", type=int, nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--skip-file", action="store_true", help="parts 1 and 2 only")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--reference-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference_server:
        reference_server().start_io()
        return 0

    header("AI docstrings: overhead, cache and limits")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="devfocus-bench-") as tmp, StandIn() as stand_in:
        work = Path(tmp)
        got, context = one_at_a_time(work, stand_in, args.rounds)
        results += got
        if args.profile or any(r.passed is False for r in got):
            print("\nIn process (the same steps, without the transport):")
            path = Path(context["root"]) / "_pydecimal.py"
            asyncio.run(profile_one_at_a_time(path, context["qualnames"], stand_in))
        if not args.skip_file:
            text = synthetic_module(args.definitions)
            for per_minute in args.rates or (10 * args.definitions, args.rpm):
                got, _ = whole_file(
                    work, stand_in, "services.py", text, args.definitions, per_minute, args.delay
                )
                results += got
            real = real_module()
            if real is not None and not args.rates:
                got, _ = whole_file(
                    work,
                    stand_in,
                    real.name,
                    real.read_text(encoding="utf-8"),
                    None,
                    UNBOUND_RPM,
                    args.delay,
                )
                results += got
            file_missed = any(r.passed is False for r in results if "generateFile" in r.metric)
            if args.profile or file_missed:
                asyncio.run(profile_file(args.definitions, work, stand_in))
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
