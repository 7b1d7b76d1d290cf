"""Fixtures of the VS Code end-to-end tests (see tests/editors/vscode.py). Each installs what it
uses itself, so any test file runs alone on a fresh machine and in any order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.artifacts import artifacts_dir
from tests.editors.vscode import VSCodeInstall, install_vscode, launch_chromium


@pytest.fixture(scope="session")
def vscode_install() -> VSCodeInstall:
    """code-server and the .vsix of this checkout, installed and built when missing."""
    return install_vscode()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, installed when missing; one per module (Playwright's sync API runs one
    at a time)."""
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def vscode_artifacts(request: pytest.FixtureRequest) -> Path:
    """``.test-artifacts/vscode/<test module>/``, emptied for this run: its screenshots."""
    return artifacts_dir("vscode", request.module.__name__.rsplit(".", 1)[-1], fresh=True)
