"""Documents that grow past the size limit, big and long messages, and LSP's line breaks,
through the real server. Every wait is on something the server sends, with a bound."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import TIMEOUT, Session
from tests.lsp.docs_helpers import DocsClient, apply_text_edits, edits_by_uri, plain, titles

MIB = 1024 * 1024
LIMIT = 5 * MIB
SHOP = '"""Shop."""\n\n\ndef total(a, b):\n    return a + b\n'
GENERATE_TOTAL = "Generate docstring for `total`"


@pytest.fixture(autouse=True)
def initialize_results(monkeypatch: pytest.MonkeyPatch) -> dict[int, types.InitializeResult]:
    """The server's answer to ``initialize``: positions are read in the encoding it chose."""
    results: dict[int, types.InitializeResult] = {}
    initialize = LanguageClient.initialize_session

    async def recording(self: LanguageClient, params: types.InitializeParams) -> Any:
        result = await initialize(self, params)
        results[id(self)] = result
        return result

    monkeypatch.setattr(LanguageClient, "initialize_session", recording)
    return results


@pytest.fixture
def docs(session: Session, initialize_results: dict[int, types.InitializeResult]) -> DocsClient:
    encoding = initialize_results[id(session.client)].capabilities.position_encoding
    return DocsClient(session, encoding or types.PositionEncodingKind.Utf16)


def edit(start: tuple[int, int], end: tuple[int, int], text: str) -> types.TextEdit:
    return types.TextEdit(
        range=types.Range(start=types.Position(*start), end=types.Position(*end)), new_text=text
    )


def logged(session: Session, text: str) -> int:
    return sum(text in m.message for m in session.client.log_messages)


def send_raw(session: Session, message: dict[str, Any]) -> None:
    """Write a message as-is: the client library would spend seconds building a big one."""
    body = json.dumps(message).encode()
    session.client.protocol.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


def did_change(uri: str, version: int, changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes},
    }


def peak_rss_mib(session: Session) -> float:
    """The server process's peak resident set (VmHWM)."""
    pid = session.client._server.pid  # type: ignore[union-attr]
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


async def in_order_of_answer(**requests: Any) -> list[str]:
    """The names of ``requests`` (awaitables, already sent) in the order their answers came."""
    order: list[str] = []

    async def answered(name: str, request: Any) -> None:
        await request
        order.append(name)

    await asyncio.wait_for(
        asyncio.gather(*(answered(name, r) for name, r in requests.items())), TIMEOUT * 4
    )
    return order


# -- the size limit holds after every change ----------------------------------------------------
async def test_a_document_that_grows_past_the_limit_is_dropped_and_comes_back(
    docs: DocsClient,
) -> None:
    session = docs.session
    uri = docs.open("shop.py", SHOP)
    assert titles(await docs.code_actions(uri, 3, 5))[0] == GENERATE_TOTAL
    assert [d.code for d in await docs.diagnostics(uri, 1)] == ["DF103"]

    # A paste makes it 5 MiB and a bit: every feature lets go of it, with one log line.
    seen = len(docs.publishes.items)
    docs.change(uri, [edit((5, 0), (5, 0), "# " + "x" * LIMIT + "\n")])
    assert await docs.diagnostics(uri, None, after=seen) == []  # cleared
    await session.wait_for_log(f"stopped tracking {uri}: it is larger than 5 MiB")
    # Edits while it is too big are followed (the server's copy stays the editor's), not used.
    docs.change(uri, [edit((3, 0), (3, 0), "def more(x):\n    return x\n\n\n")])
    docs.change(uri, [edit((0, 0), (0, 0), "\x00")])  # now binary as well
    assert await docs.code_actions(uri, 3, 5) == []
    docs.change(uri, [edit((0, 0), (0, 1), "")])

    # Deleting the pasted line brings it back, as the editor has it: both functions diagnosed.
    back = docs.change(uri, [edit((9, 0), (10, 0), "")])
    assert docs.texts[uri] == SHOP.replace("def total", "def more(x):\n    return x\n\n\ndef total")
    found = await docs.diagnostics(uri, back)
    assert sorted((d.range.start.line, d.code) for d in found) == [(3, "DF103"), (7, "DF103")]
    await session.wait_for_log(f"tracking {uri} again")
    assert logged(session, f"stopped tracking {uri}") == 1
    assert logged(session, f"tracking {uri} again") == 1

    # Activity counts the edits made while it was within the limits only.
    docs.change(uri, [edit((9, 0), (9, 0), "x = 1\n")])
    await session.client.shutdown_session()
    rows = session.events("path = 'shop.py'")
    assert sum(r["lines_added"] or 0 for r in rows if r["kind"] == "edit") == 1
    kinds = [r["kind"] for r in rows]
    assert kinds.count("open") == 2 and kinds.count("close") == 1, kinds


async def test_a_document_opened_too_big_comes_back_when_it_shrinks(docs: DocsClient) -> None:
    uri = docs.open("big.py", SHOP + "# " + "x" * LIMIT + "\n")
    await docs.session.wait_for_log(f"not tracking {uri}: it is larger than 5 MiB")
    assert await docs.code_actions(uri, 0, 5) == []
    version = docs.change(uri, [edit((5, 0), (6, 0), "")])
    assert [d.code for d in await docs.diagnostics(uri, version)] == ["DF103"]


# -- big and long messages: the server keeps answering -------------------------------------------
async def test_status_answers_while_a_50_mb_change_is_worked_on(session: Session) -> None:
    uri = session.open("notes.txt", "start\n", language="plaintext")
    await session.command("devfocus.status")
    before = peak_rss_mib(session)
    text = ("x" * 79 + "\n") * (50 * 1000 * 1000 // 80)
    send_raw(session, did_change(uri, 2, [{"text": text}]))
    hover = types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)
    )
    # A hover on the document waits for the change; the status does not.
    order = await in_order_of_answer(
        hover=session.client.text_document_hover_async(hover),
        status=session.command("devfocus.status"),
    )
    assert order == ["status", "hover"]
    await session.wait_for_log(f"stopped tracking {uri}: it is larger than 5 MiB")
    # Memory follows the text (50 MB): it once peaked at 21 GiB.
    assert peak_rss_mib(session) - before < 12 * 50
    assert plain(await session.command("devfocus.status"))["state"] in {"idle", "active"}


async def test_100000_changes_in_one_message(docs: DocsClient) -> None:
    session = docs.session
    uri = docs.open("shop.py", SHOP)
    await docs.diagnostics(uri, 1)
    # Typing and deleting at the top 50,000 times, then two blank lines there.
    changes = [
        {
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": i % 2}},
            "text": "" if i % 2 else "x",
        }
        for i in range(100_000)
    ]
    changes.append(
        {
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "text": "\n\n",
        }
    )
    send_raw(session, did_change(uri, 2, changes))
    docs.texts[uri], docs.versions[uri] = "\n\n" + SHOP, 2
    # A hover in the module docstring (answered at once) waits for the changes; the status not.
    hover = types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 1)
    )
    order = await in_order_of_answer(
        hover=session.client.text_document_hover_async(hover),
        status=session.command("devfocus.status"),
    )
    assert order == ["status", "hover"]
    assert [(d.range.start.line, d.code) for d in await docs.diagnostics(uri, 2)] == [(5, "DF103")]
    assert titles(await docs.code_actions(uri, 5, 5))[0] == GENERATE_TOTAL


# -- line breaks are LSP's ----------------------------------------------------------------------
@pytest.mark.parametrize("separator", ["\x0c", "\u2028", "\x0b", "\x1c", "\x85"])
async def test_edits_below_other_line_separators_keep_the_quick_fix_in_place(
    docs: DocsClient, separator: str
) -> None:
    """str.splitlines() breaks lines at these; editors do not. An edit below one used to land
    on the wrong line of the server's copy, and the quick fix went with it."""
    first = f'"""Shop{separator}still the first line."""'
    uri = docs.open("shop.py", SHOP.replace('"""Shop."""', first))
    await docs.diagnostics(uri, 1)
    version = docs.change(uri, [edit((3, 14), (3, 14), ", c")])  # def total(a, b, c):
    found = await docs.diagnostics(uri, version)
    assert [(d.range.start.line, d.code) for d in found] == [(3, "DF103")]
    actions = await docs.code_actions(uri, 3, 5, diagnostics=found)
    [fix] = [a for a in actions if a.title == GENERATE_TOTAL]
    if fix.edit is None:
        fix = await docs.resolve(fix)
    assert fix.edit is not None
    [(_, edits)] = edits_by_uri(fix.edit).values()
    fixed = apply_text_edits(docs.texts[uri], edits, docs.encoding)
    print(fixed)
    lines = fixed.split("\n")
    assert lines[:4] == [first, "", "", "def total(a, b, c):"]
    assert lines[4].strip().startswith('"""')
    assert fixed.endswith("    return a + b\n")
