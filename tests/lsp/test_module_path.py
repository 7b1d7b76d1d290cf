"""A project's files never stand in for a library: editors start the server in the project
folder, and `python -m devfocus` would otherwise put that folder first on the module path, where
a `jedi.py` or `sqlalchemy.py` of the project is imported (and run) on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.conftest import TIMEOUT, end_session, expose_client, start_session
from tests.lsp.docs_helpers import DocsClient
from tests.repos import git

# Libraries the server and the CLI import lazily, after start-up.
LIBRARIES = ("jedi", "libcst", "sqlalchemy", "pathspec", "tomllib", "platformdirs", "tqdm")
APP = "def total(prices, discount=0.0):\n    return sum(prices) * (1 - discount)\n"


def plant(project: Path, marker: Path) -> None:
    for name in LIBRARIES:
        (project / f"{name}.py").write_text(
            f"import pathlib\npathlib.Path({str(marker)!r}).write_text({name!r})\n"
        )


def test_the_cli_in_a_project_imports_no_file_of_it(tmp_path: Path) -> None:
    project, marker = tmp_path / "project", tmp_path / "MARKER"
    project.mkdir()
    plant(project, marker)
    (project / "app.py").write_text(APP)
    for args in (["docs", "fix", "app.py"], ["docs", "check", "."], ["doctor"]):
        done = subprocess.run(
            [sys.executable, "-m", "devfocus", *args],
            cwd=project,
            env={"DEVFOCUS_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Traceback" not in done.stderr, done.stderr
        assert not marker.exists(), f"devfocus {' '.join(args)} ran {marker.read_text()}.py"
    assert '"""' in (project / "app.py").read_text()  # and the fix was made


async def test_the_server_started_in_a_project_imports_no_file_of_it(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str, tmp_path: Path
) -> None:
    marker = tmp_path / "MARKER"
    plant(repo, marker)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Add the project's modules")
    # As an editor starts it: in the project folder.
    command = ["/bin/sh", "-c", 'cd "$0" && exec "$1" -m devfocus serve', str(repo), sys.executable]
    s = await start_session(repo, data_dir, preset, command=command)
    expose_client(request, s.client)
    try:
        docs = DocsClient(s, "utf-16")
        uri = docs.open("app.py", APP)
        [missing] = [
            d for d in await docs.diagnostics(uri, 1, timeout=TIMEOUT) if "total" in d.message
        ]
        [action] = [
            a
            for a in await docs.code_actions(uri, 0, 5, diagnostics=[missing])
            if "total" in a.title
        ]
        resolved = action if action.edit is not None else await docs.resolve(action)
        assert resolved.edit is not None  # jedi inferred, libcst edited
        hover = await s.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(0, 5),
            )
        )
        assert hover is not None  # history read, ignore rules checked
        s.type_lines(uri, line=2, count=2)
        report = await s.command("devfocus.report", {"period": "today", "format": "json"})
        assert report["linesAdded"] == 2  # written to the database and read back
    finally:
        await end_session(s)
    assert not marker.exists(), f"the server ran the project's {marker.read_text()}.py"
