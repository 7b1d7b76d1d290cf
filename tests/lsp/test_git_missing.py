"""Without a git executable: git features say so once, everything else keeps working."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.conftest import _poll, end_session, expose_client, server_env, start_session

MISSING = "git is not installed"


def path_without_git(tmp_path: Path) -> str:
    """A PATH holding only the Python interpreter: no git."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    return str(bin_dir)


async def test_no_git_is_said_once_and_the_rest_works(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, tmp_path: Path, preset: str
) -> None:
    env = server_env(data_dir, PATH=path_without_git(tmp_path))
    assert not any((Path(p) / "git").exists() for p in env["PATH"].split(os.pathsep) if p), (
        "the test needs a PATH without git"
    )
    s = await start_session(repo, data_dir, preset, env=env)
    expose_client(request, s.client)
    try:
        message = await s.wait_for_message(MISSING)
        assert message.type == types.MessageType.Warning

        # Activity, status, docstrings and reports carry on.
        uri = s.open("app.py")
        await _poll(lambda: bool(s.client.diagnostics.get(uri)), "no docstring diagnostics", 15)
        assert any(d.source == "devfocus-docs" for d in s.client.diagnostics[uri])
        status = await s.command("devfocus.status")
        assert status["state"] == "active"
        report = await s.command("devfocus.report", {"period": "today", "format": "json"})
        assert report["commitCount"] == 0
        result = await s.command("devfocus.git.import")
        assert result == {"repositories": []}

        # A hover on a definition finds no history, and asks no question it cannot answer.
        hover = await s.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=0, character=5),
            )
        )
        assert hover is None
        assert s.shown(MISSING) == 1  # said once, however often git was wanted
    finally:
        await end_session(s)
