"""The server as the VS Code extension ships it: built by scripts/bundle_server.py, run by a Python
that has none of the dependencies, with only the bundle on PYTHONPATH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
APP = "def total(prices, discount=0.0):\n    return sum(prices) * (1 - discount)\n"


def _system_python_version() -> str | None:
    if not shutil.which(SYSTEM_PYTHON):
        return None
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    done = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, text=True)
    return done.stdout.strip() or None


pytestmark = pytest.mark.skipif(
    _system_python_version() != VERSION,
    reason=f"needs {SYSTEM_PYTHON} at Python {VERSION}, the version the bundle is built for here",
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "bundled"
    script = str(ROOT / "scripts" / "bundle_server.py")
    subprocess.run(
        [sys.executable, script, "--out", str(out), "--python", VERSION],
        check=True,
        capture_output=True,
    )
    return out


def bundle_env(bundle: Path, data: Path) -> dict[str, str]:
    tag = "cp" + VERSION.replace(".", "")
    path = os.pathsep.join([str(bundle / "native" / tag), str(bundle / "libs")])
    # What the extension sets: only the bundle on the module path, no user site-packages.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return {**env, "PYTHONPATH": path, "PYTHONNOUSERSITE": "1", "DEVFOCUS_DATA_DIR": str(data)}


def test_the_manifest_names_the_versions_and_no_package_is_twice(bundle: Path) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["pythons"] == [VERSION]
    assert manifest["devfocus"] == "0.1.0"
    assert "libcst" in manifest["native"][VERSION]
    libs = {p.name for p in (bundle / "libs").iterdir()}
    native = {p.name for p in (bundle / "native" / f"cp{VERSION.replace('.', '')}").iterdir()}
    assert not libs & native, f"in both libs/ and native/: {libs & native}"
    assert "devfocus" in libs and "pygls" in libs and "libcst" in native
    assert not list(bundle.rglob("__pycache__")) and not list(bundle.rglob("*.pyc"))


def test_a_bare_python_imports_everything_from_the_bundle(bundle: Path, tmp_path: Path) -> None:
    bare = subprocess.run(
        [SYSTEM_PYTHON, "-s", "-c", "import pygls"], capture_output=True, text=True
    )
    assert bare.returncode != 0, "the system Python has pygls: this test would prove nothing"
    code = (
        "import devfocus, libcst, libcst.native, sqlalchemy, pygls, jedi, anthropic, openai;"
        "print(devfocus.__file__, libcst.__file__, sqlalchemy.__file__, pygls.__file__,"
        " anthropic.__file__, openai.__file__)"
    )
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", code],
        env=bundle_env(bundle, tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    for path in done.stdout.split():
        assert path.startswith(str(bundle)), path
    version = subprocess.run(
        [SYSTEM_PYTHON, "-m", "devfocus", "--version"],
        env=bundle_env(bundle, tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "devfocus 0.1.0"


async def test_the_bundled_server_writes_a_docstring(bundle: Path, tmp_path: Path) -> None:
    config = ClientServerConfig(
        server_command=[SYSTEM_PYTHON, "-m", "devfocus", "serve"],
        server_env=bundle_env(bundle, tmp_path / "data"),
    )
    client = await config.start()
    try:
        project = tmp_path / "project"
        project.mkdir()
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=project.as_uri(),
            )
        )
        uri = (project / "app.py").as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=APP
                )
            )
        )
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(0, 4), end=types.Position(0, 4)),
            context=types.CodeActionContext(diagnostics=[]),
        )
        actions = await client.text_document_code_action_async(params)
        titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
        assert "Generate docstring for `total`" in titles, titles
        action = next(a for a in actions if a.title == "Generate docstring for `total`")
        resolved = await client.code_action_resolve_async(action)
        (edit,) = [e for edits in (resolved.edit.changes or {}).values() for e in edits] or [
            e for change in resolved.edit.document_changes or [] for e in change.edits
        ]
        assert "prices" in edit.new_text and '"""' in edit.new_text
    finally:
        await client.shutdown_session()
        await client.stop()
