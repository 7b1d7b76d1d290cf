"""Fixtures shared by every test: real git repositories with controlled dates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.repos import init_repo


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A git repository with one commit on ``branch`` and a Python file."""

    def make(name: str = "project", branch: str = "main") -> Path:
        greeting = "def greet(name):\n    return f'hi {name}'\n"
        return init_repo(tmp_path / name, branch, {"app.py": greeting})

    return make


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL server for the whole run."""
    from tests.postgres import PostgresServer

    server = PostgresServer()
    yield server
    server.close()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the real server."""
    return postgres_server.create_database()
