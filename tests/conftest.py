"""Fixtures shared by every test: real git repositories with controlled dates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests import system
from tests.repos import init_repo


def pytest_configure(config: pytest.Config) -> None:
    """What tests/system.py installs shows on the terminal as it happens, past output capture
    (a first run spends minutes there)."""

    def announce(line: str) -> None:
        capture = config.pluginmanager.getplugin("capturemanager")
        terminal = config.pluginmanager.getplugin("terminalreporter")
        if capture is None or terminal is None:  # -p no:capture, -p no:terminal
            print(f"[system] {line}", flush=True)
            return
        with capture.global_and_fixture_disabled():
            terminal.write_line(f"[system] {line}")

    system.set_announcer(announce)


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A git repository with one commit on ``branch`` and a Python file."""

    def make(name: str = "project", branch: str = "main") -> Path:
        greeting = "def greet(name):\n    return f'hi {name}'\n"
        return init_repo(tmp_path / name, branch, {"app.py": greeting})

    return make


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL server for the whole run (installed first when missing)."""
    from tests.postgres import PostgresServer

    server = PostgresServer(system.ensure("postgresql"))
    yield server
    server.close()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the real server."""
    return postgres_server.create_database()
