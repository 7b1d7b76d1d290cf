"""Docstrings through the real server: diagnostics, code actions, resolve and commands."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.lsp.conftest import Session

SOURCE = """def compute_total_price(items: list[int], factor: float = 1.0) -> float:
    return sum(items) * factor
"""


async def _diagnostics(session: Session, uri: str, version: int) -> list[types.Diagnostic]:
    while True:
        params = await session.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri and params.version == version:
            return params.diagnostics


@pytest.mark.asyncio
async def test_missing_docstring_is_diagnosed_and_fixed(session: Session) -> None:
    waiting = session.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    uri = session.open("shop.py", SOURCE)
    params = await waiting
    assert params.uri == uri
    codes = [(d.code, d.source) for d in params.diagnostics]
    assert ("DF103", "devfocus-docs") in codes
    actions = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(0, 6), end=types.Position(0, 6)),
            context=types.CodeActionContext(diagnostics=params.diagnostics),
        )
    )
    titles = [a.title for a in actions]
    assert "Generate docstring for `compute_total_price`" in titles
    action = next(a for a in actions if a.title.startswith("Generate docstring for `"))
    if action.edit is None:
        action = await session.client.code_action_resolve_async(action)
    print(action.edit)
    assert action.edit is not None
