"""The real ``devfocus serve`` process over stdio, driven by pytest-lsp.

Each test gets its own data directory (a real SQLite file), a real git repository as its
workspace, and a client speaking with the capabilities of VS Code or Neovim.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

TIMEOUT = 15.0  # seconds any single expectation may take
CLIENTS = ["visual-studio-code", "neovim"]
SERVER = [sys.executable, "-m", "devfocus", "serve"]


class Collected:
    """Every notification of one method, with a bounded wait for one that matches."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._changed = asyncio.Event()

    def add(self, params: Any) -> None:
        self.items.append(params)
        self._changed.set()

    async def wait_for(self, predicate: Callable[[Any], bool], timeout: float = TIMEOUT) -> Any:
        async def first_match() -> Any:
            seen = 0
            while True:
                for item in self.items[seen:]:
                    if predicate(item):
                        return item
                seen = len(self.items)
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(first_match(), timeout)


@dataclass
class Session:
    """A connected client plus what the tests inspect."""

    client: LanguageClient
    repo: Path
    data_dir: Path
    statuses: Collected = field(default_factory=Collected)
    registrations: list[Any] = field(default_factory=list)

    @property
    def root_uri(self) -> str:
        return self.repo.as_uri()

    @property
    def db_path(self) -> Path:
        return self.data_dir / "devfocus.db"

    def uri(self, name: str) -> str:
        return (self.repo / name).as_uri()

    def open(self, name: str, text: str | None = None, language: str = "python") -> str:
        path = self.repo / name
        if text is None:
            text = path.read_text() if path.exists() else ""
        uri = path.as_uri()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=text
                )
            )
        )
        return uri

    def type_lines(self, uri: str, line: int, count: int, version: int = 2) -> int:
        """Insert ``count`` new lines at ``line``, one didChange each; returns the next version."""
        for i in range(count):
            self.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(
                                start=types.Position(line=line + i, character=0),
                                end=types.Position(line=line + i, character=0),
                            ),
                            text=f"x{i} = {i}\n",
                        )
                    ],
                )
            )
            version += 1
        return version

    async def command(self, name: str, *arguments: Any) -> Any:
        return await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=list(arguments))
        )

    def events(self, where: str = "1=1") -> list[sqlite3.Row]:
        """Rows of the real database file, as another process sees them."""
        if not self.db_path.exists():
            return []
        with sqlite3.connect(self.db_path, timeout=10) as conn:
            conn.row_factory = sqlite3.Row
            query = f"SELECT * FROM events WHERE {where} ORDER BY start_ms"
            try:
                return conn.execute(query).fetchall()
            except sqlite3.OperationalError:
                return []  # not created yet

    async def wait_for_log(self, text: str, *, after: int = 0, timeout: float = TIMEOUT) -> None:
        """Until the server has logged a window/logMessage containing ``text`` (past ``after``)."""
        await _poll(
            lambda: any(text in m.message for m in self.client.log_messages[after:]),
            f"the server never logged {text!r}",
            timeout,
        )

    async def wait_for_message(
        self, text: str, timeout: float = TIMEOUT
    ) -> types.ShowMessageParams:
        """Until the user has been shown a window/showMessage containing ``text``."""
        await _poll(
            lambda: any(text in m.message for m in self.client.messages),
            f"the user was never shown {text!r}",
            timeout,
        )
        return next(m for m in self.client.messages if text in m.message)

    def shown(self, text: str) -> int:
        return sum(text in m.message for m in self.client.messages)

    async def wait_for_events(
        self, predicate: Callable[[list[sqlite3.Row]], bool], timeout: float = TIMEOUT
    ) -> list[sqlite3.Row]:
        """Poll the database file until ``predicate`` holds (the server writes on its own clock)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            rows = self.events()
            if predicate(rows):
                return rows
            if loop.time() > deadline:
                last = [dict(r) for r in rows]
                raise AssertionError(f"database never matched; last rows: {last}")
            await asyncio.sleep(0.1)  # polling another process's file: there is no event to await


async def _poll(condition: Callable[[], bool], failure: str, timeout: float) -> None:
    """pytest-lsp keeps messages and logs in lists of its own: poll them, with a bound."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(failure)
        await asyncio.sleep(0.05)


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DEVFOCUS_DATA_DIR": str(data_dir), "TZ": "UTC", **extra}


async def start_session(
    repo: Path,
    data_dir: Path,
    preset: str,
    *,
    initialization_options: Any = None,
    configuration: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    client_name: str = "pytest-lsp",
    push_only: bool = False,
    command: list[str] | None = None,
) -> Session:
    """Start and initialize a server (``command``, else :data:`SERVER`). ``push_only``: the
    client cannot answer workspace/configuration, so settings come with
    didChangeConfiguration."""
    config = ClientServerConfig(
        server_command=command or SERVER, server_env=env or server_env(data_dir)
    )
    client = await config.start()
    session = Session(client, repo, data_dir)
    client.feature("devfocus/status")(lambda params: session.statuses.add(params))
    client.feature(types.CLIENT_REGISTER_CAPABILITY)(
        lambda params: session.registrations.extend(params.registrations)
    )
    if configuration is not None:
        client.set_configuration(configuration, section="devfocus")
    capabilities = client_capabilities(preset)
    if push_only and capabilities.workspace is not None:
        capabilities.workspace.configuration = False
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=repo.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=repo.as_uri(), name=repo.name)],
            client_info=types.ClientInfo(name=client_name),
            initialization_options=initialization_options,
        )
    )
    return session


async def end_session(session: Session) -> None:
    """Shut the server down unless the test already did (or killed it)."""
    server = session.client._server
    if server is not None and server.returncode is None:
        await session.client.shutdown_session()
    await session.client.stop()


@pytest.fixture(params=CLIENTS)
def preset(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def expose_client(request: pytest.FixtureRequest, client: LanguageClient) -> None:
    """pytest-lsp attaches the server's window/logMessage output to a failing test when the
    test's arguments hold the client; sessions hold it one level down."""
    request.node.funcargs.setdefault("lsp_client", client)


@pytest_asyncio.fixture
async def session(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> AsyncIterator[Session]:
    s = await start_session(repo, data_dir, preset)
    expose_client(request, s.client)
    yield s
    await end_session(s)
