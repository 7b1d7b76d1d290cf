"""`devfocus serve --stdio`: generic clients (vscode-languageclient's stdio transport among them)
append the flag; the server takes it and serves on stdio as it does without it."""

from __future__ import annotations

import sys
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities

from tests.lsp.conftest import server_env


async def test_serve_accepts_stdio(tmp_path: Path) -> None:
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "devfocus", "serve", "--stdio"],
        server_env=server_env(tmp_path / "data"),
    )
    client = await config.start()
    try:
        result = await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=tmp_path.as_uri(),
            )
        )
        assert result.server_info is not None and result.server_info.name == "devfocus"
        status = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="devfocus.status")
        )
        assert status["state"] in {"idle", "active"}
    finally:
        await client.shutdown_session()
        await client.stop()
