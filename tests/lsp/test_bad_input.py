"""Bad input is logged and ignored; the server keeps serving."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import Session


async def still_serving(session: Session) -> None:
    result = await session.command("devfocus.status")
    assert result["state"] in {"idle", "active", "paused"}


@pytest.mark.parametrize(
    "method, params",
    [
        ("devfocus/windowState", {"focused": "yes"}),
        ("devfocus/windowState", None),
        ("devfocus/windowState", [1, 2]),
        ("devfocus/activeEditor", {"uri": 5}),
        ("devfocus/activeEditor", "file:///x"),
    ],
)
async def test_malformed_custom_notifications_are_ignored(session: Session, method, params) -> None:
    session.client.protocol.notify(method, params)
    await still_serving(session)
    await session.wait_for_log(f"ignored {method}")
    assert session.client.messages == []  # logged, no pop-up for the user


async def test_unknown_methods(session: Session) -> None:
    session.client.protocol.notify("devfocus/doesNotExist", {"a": 1})
    with pytest.raises(JsonRpcException, match="Method Not Found"):
        await session.client.protocol.send_request_async("devfocus/doesNotExist", {"a": 1})
    with pytest.raises(JsonRpcException, match="not defined"):
        await session.command("devfocus.noSuchCommand")
    await still_serving(session)


async def test_changes_to_unknown_documents_are_ignored(session: Session) -> None:
    session.type_lines(session.uri("never-opened.py"), line=0, count=2)
    await still_serving(session)
    await session.wait_for_log("never opened")
    uri = session.open("app.py")
    session.type_lines(uri, line=0, count=1)
    rows = await session.wait_for_events(lambda rows: any(r["kind"] == "edit" for r in rows))
    assert {r["path"] for r in rows} == {"app.py"}


@pytest.mark.parametrize(
    "text, reason",
    [("x" * (5 * 1024 * 1024 + 1), "larger than 5 MiB"), ("PK\x03\x04\x00\x00binary", "binary")],
)
async def test_huge_and_binary_documents_are_not_tracked(session: Session, text, reason) -> None:
    uri = session.open("blob.dat", text, language="plaintext")
    session.type_lines(uri, line=0, count=3)
    session.client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    await session.wait_for_log(reason)
    session.type_lines(session.open("app.py"), line=0, count=1)
    await session.client.shutdown_session()
    assert {r["path"] for r in session.events() if r["path"]} == {"app.py"}


def send_raw(session: Session, message: object) -> None:
    """Write a message as-is (the client library would refuse to build it)."""
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    session.client.protocol.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


async def test_malformed_standard_params_do_not_stop_the_server(session: Session) -> None:
    send_raw(
        session,
        {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": 7}},
    )
    send_raw(
        session,
        {
            "jsonrpc": "2.0",
            "id": "bad-hover",
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": 1}, "position": "here"},
        },
    )
    await still_serving(session)
    assert session.client.messages == []


async def test_garbage_on_the_wire_does_not_stop_the_server(session: Session) -> None:
    """Bytes that are not JSON, then a valid request: it is answered."""
    send_raw(session, b"{not json")
    send_raw(session, {"jsonrpc": "2.0", "method": 5})
    await still_serving(session)
