"""Fixtures shared by every test: real git repositories with controlled dates."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

GIT_DATE = "2026-01-05T09:00:00+00:00"


def git(repo: Path, *args: str, date: str = GIT_DATE) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Dev Focus",
        "GIT_AUTHOR_EMAIL": "dev@example.com",
        "GIT_COMMITTER_NAME": "Dev Focus",
        "GIT_COMMITTER_EMAIL": "dev@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo),
    }
    out = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A git repository with one commit on ``branch`` and a Python file."""

    def make(name: str = "project", branch: str = "main") -> Path:
        repo = tmp_path / name
        repo.mkdir()
        git(repo, "init", "-q", "-b", branch)
        (repo / "app.py").write_text("def greet(name):\n    return f'hi {name}'\n")
        git(repo, "add", "app.py")
        git(repo, "commit", "-q", "-m", "Add greeting")
        return repo

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
