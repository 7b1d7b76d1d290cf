"""The server as the VS Code extension ships it: built by scripts/bundle_server.py, run by a Python
that has none of the dependencies, with only the bundle on PYTHONPATH and DEVFOCUS_BUNDLE naming
it, as the extension starts it. The payload (libcst, jedi, the AI SDKs) is unpacked on first use;
these tests take each bundle fresh from one build, so each starts as a first start does."""

from __future__ import annotations

import io
import json
import lzma
import marshal
import os
import py_compile
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities

from tests.system import ensure

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
TAG = "cp" + VERSION.replace(".", "")
APP = "def total(prices, discount=0.0):\n    return sum(prices) * (1 - discount)\n"


def _system_python_version() -> str | None:
    if not shutil.which(SYSTEM_PYTHON):
        return None
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    done = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, text=True)
    return done.stdout.strip() or None


pytestmark = pytest.mark.skipif(
    _system_python_version() != VERSION or sys.platform != "linux",
    reason=f"needs {SYSTEM_PYTHON} at Python {VERSION} on Linux, what the bundle is built for here",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One linux-x64 bundle for this Python, never run: each test runs a copy."""
    ensure("node-modules")  # the CPython that writes its byte code
    ensure("llvm-strip")
    out = tmp_path_factory.mktemp("bundle") / "bundled"
    script = str(ROOT / "scripts" / "bundle_server.py")
    command = [sys.executable, script, "--out", str(out), "--python", VERSION]
    subprocess.run([*command, "--target", "linux-x64"], check=True, capture_output=True)
    return out


@pytest.fixture
def bundle(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "extension" / "bundled"
    shutil.copytree(built, copy)
    return copy


def bundle_env(bundle: Path, data: Path, **extra: str) -> dict[str, str]:
    path = os.pathsep.join([str(bundle / "native" / TAG), str(bundle / "libs")])
    # What the extension sets: only the bundle on the module path, no user site-packages.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return {
        **env,
        "PYTHONPATH": path,
        "PYTHONNOUSERSITE": "1",
        "PYTHONSAFEPATH": "1",
        "DEVFOCUS_BUNDLE": str(bundle),
        "DEVFOCUS_DATA_DIR": str(data),
        "XDG_CACHE_HOME": str(data / "cache"),
        **extra,
    }


def run_python(bundle: Path, data: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SYSTEM_PYTHON, "-c", code],
        env=bundle_env(bundle, data),
        capture_output=True,
        text=True,
        timeout=120,
    )


IMPORT_ALL = (
    "import devfocus, libcst, libcst.native, sqlalchemy, pygls, jedi, anthropic, openai\n"
    "for m in (devfocus, libcst, libcst.native, sqlalchemy, pygls, jedi, anthropic, openai):\n"
    "    print(m.__file__)\n"
)


def test_the_manifest_lists_versions_wheels_and_what_waits_in_the_payload(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    assert manifest["pythons"] == [VERSION]
    assert manifest["devfocus"] == "0.1.0" and manifest["platform"] == "linux-x64"
    stages = manifest["payload"]["stages"]
    early, late = set(stages["early"]["modules"]), set(stages["late"]["modules"])
    assert {"sqlalchemy", "pathspec"} <= early
    assert {"libcst", "jedi", "anthropic", "openai", "pydantic_core", "yaml"} <= late
    # The team database's driver: pure Python (the system's libpq), never a compiled copy.
    assert "psycopg" in late and not {"psycopg_binary", "psycopg_c"} & (early | late)
    libs = {p.name for p in (built / "libs").iterdir()}
    # Plain: what answers `initialize`, and what finds where the rest goes.
    assert {"devfocus", "pygls", "lsprotocol", "cattrs", "platformdirs"} <= libs
    assert not libs & (early | late), "a library both plain and in the payload"
    assert "greenlet" not in libs | early | late  # SQLAlchemy's asyncio part, never used
    # The only byte code files: what runs before the bundle is found, as Python looks for it.
    digits = VERSION.replace(".", "")
    assert sorted(p.relative_to(built).as_posix() for p in built.rglob("*.pyc")) == [
        f"libs/devfocus/__pycache__/{name}.cpython-{digits}.pyc"
        for name in ("__init__", "__main__", "bundled")
    ]
    # The start-up list is what the server imports before it answers, in order: devfocus
    # first, then its libraries and its features; the store's libraries come after the answer.
    startup = manifest["startup"]
    assert startup[0] == "libs/devfocus/__init__.py"
    assert {"libs/lsprotocol/types.py", "libs/devfocus/lsp/features/docs.py"} <= set(startup)
    assert startup.index("libs/lsprotocol/__init__.py") < startup.index("libs/lsprotocol/types.py")
    assert not [f for f in startup if "sqlalchemy" in f]
    assert manifest["bytecode"] == {TAG: f"bytecode-{TAG}.xz"}
    with tarfile.open(built / "payload.tar.xz") as archive:
        names = archive.getnames()
    so = f"late/shared/libcst/native.cpython-{VERSION.replace('.', '')}-x86_64-linux-gnu.so"
    assert so in names
    assert any(n.startswith("late/shared/jedi/third_party/typeshed/stdlib/") for n in names)
    assert all(
        n.startswith(("early/shared/", "late/shared/", f"early/{TAG}/", f"late/{TAG}/"))
        for n in names
    )
    # The early stage is the head of the stream: unpacking it reads no further.
    first_late = next(i for i, n in enumerate(names) if n.startswith("late/"))
    assert all(n.startswith("late/") for n in names[first_late:])


def shipped_bytecode(bundle: Path) -> list[tuple[str, bytes]]:
    """This Python's (start-up file, byte code) pairs, read from the bundle's archive as its
    format is written down in scripts/bundle_server.py: xz streams, each a JSON line of names,
    versions and sizes followed by the files."""
    data = (bundle / f"bytecode-{TAG}.xz").read_bytes()
    pairs = []
    while data:
        decompressor = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        head, _, body = decompressor.decompress(data).partition(b"\n")
        data = decompressor.unused_data
        offset = 0
        for name, tag, size in json.loads(head):
            if tag == TAG:
                pairs.append((name, body[offset : offset + size]))
            offset += size
    return pairs


def test_the_shipped_byte_code_is_what_this_python_writes_itself(
    built: Path, tmp_path: Path
) -> None:
    pairs = shipped_bytecode(built)
    manifest = json.loads((built / "manifest.json").read_text())
    # All of it but what runs before the bundle is found: that is shipped as plain files.
    ahead = ["libs/devfocus/__init__.py", "libs/devfocus/bundled.py", "libs/devfocus/__main__.py"]
    assert [name for name, _ in pairs] == [f for f in manifest["startup"] if f not in ahead]
    digits = VERSION.replace(".", "")
    for file in ahead:
        pyc = built / file
        pairs.append(
            (file, (pyc.parent / "__pycache__" / f"{pyc.stem}.cpython-{digits}.pyc").read_bytes())
        )
    for name, shipped in pairs:
        written = tmp_path / "written.pyc"
        py_compile.compile(
            str(built / name),
            str(written),
            dfile=name,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
        )
        own = written.read_bytes()
        # The header (version, checked-hash, the source's hash), then the code itself: equal
        # code objects (marshal's bytes may differ where one process had interned a string).
        assert shipped[:16] == own[:16], name
        assert marshal.loads(shipped[16:]) == marshal.loads(own[16:]), name


# What answers `initialize`: a server imports these before it answers.
IMPORT_SERVER = (
    "import devfocus.cli, devfocus.cli.serve, lsprotocol.types, devfocus.lsp.server, "
    "devfocus.lsp.features, devfocus.text\nprint(devfocus.text.__file__)"
)


def test_a_first_start_compiles_nothing_it_imports_to_answer(bundle: Path, tmp_path: Path) -> None:
    shipped = {p: p.read_bytes() for p in (bundle / "libs").rglob("*.pyc")}
    done = run_python(bundle, tmp_path / "data", IMPORT_SERVER)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(bundle / "libs" / "devfocus" / "text.py")
    # Python writes the byte code of what it compiles: nothing was (the three files there are
    # the ones the bundle ships for what runs before it is found).
    written = sorted(p.name for p in (bundle / "libs").rglob("*.pyc"))
    digits = VERSION.replace(".", "")
    assert written == [
        f"{name}.cpython-{digits}.pyc" for name in ("__init__", "__main__", "bundled")
    ]
    assert all(path.read_bytes() == data for path, data in shipped.items())  # not rewritten
    assert done.stderr == ""


def test_a_changed_start_up_file_runs_as_changed_not_from_the_shipped_byte_code(
    bundle: Path, tmp_path: Path
) -> None:
    text = bundle / "libs" / "devfocus" / "text.py"
    text.write_text(text.read_text() + "\nEDITED_BY_HAND = True\n")
    code = IMPORT_SERVER + "\nprint(devfocus.text.EDITED_BY_HAND)"
    done = run_python(bundle, tmp_path / "data", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "True"


def test_a_damaged_byte_code_archive_is_reported_and_the_modules_are_compiled(
    bundle: Path, tmp_path: Path
) -> None:
    archive = bundle / f"bytecode-{TAG}.xz"
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    done = run_python(bundle, tmp_path / "data", IMPORT_SERVER)
    assert done.returncode == 0, done.stderr
    assert "the bundle's byte code is unusable" in done.stderr
    # What the archive no longer holds, Python compiled (and wrote, as it always does).
    assert (bundle / "libs" / "devfocus" / "lsp" / "features" / "__pycache__").is_dir()


def test_a_bare_python_imports_everything_and_the_payload_is_unpacked_once(
    bundle: Path, tmp_path: Path
) -> None:
    bare = subprocess.run(
        [SYSTEM_PYTHON, "-s", "-c", "import pygls"], capture_output=True, text=True
    )
    assert bare.returncode != 0, "the system Python has pygls: this test would prove nothing"
    done = run_python(bundle, tmp_path / "data", IMPORT_ALL)
    assert done.returncode == 0, done.stderr
    for path in done.stdout.split():
        assert path.startswith(str(bundle)), path
    unpacked = bundle / "unpacked"
    assert (unpacked / TAG / ".complete-late").read_text() == _digest(bundle)
    assert (unpacked / "shared" / "libcst" / "__init__.py").is_file()
    stamp = (unpacked / "shared" / "libcst" / "__init__.py").stat().st_mtime_ns
    again = run_python(bundle, tmp_path / "data", IMPORT_ALL)
    assert again.returncode == 0, again.stderr
    assert (unpacked / "shared" / "libcst" / "__init__.py").stat().st_mtime_ns == stamp
    version = subprocess.run(
        [SYSTEM_PYTHON, "-m", "devfocus", "--version"],
        env=bundle_env(bundle, tmp_path / "data"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "devfocus 0.1.0"


def _digest(bundle: Path) -> str:
    return str(json.loads((bundle / "manifest.json").read_text())["payload"]["sha256"])


def test_the_store_s_libraries_come_out_first_and_alone(bundle: Path, tmp_path: Path) -> None:
    code = "import devfocus, sqlalchemy; print(sqlalchemy.__file__)"  # as every process does
    done = run_python(bundle, tmp_path / "data", code)
    assert done.returncode == 0, done.stderr
    shared = bundle / "unpacked" / "shared"
    assert done.stdout.strip() == str(shared / "sqlalchemy" / "__init__.py")
    assert (shared / ".complete-early").is_file()
    assert not (shared / ".complete-late").exists() and not (shared / "libcst").exists()


def test_an_interrupted_unpacking_is_done_again(bundle: Path, tmp_path: Path) -> None:
    half = bundle / "unpacked" / "shared" / "libcst"
    half.mkdir(parents=True)
    (half / "__init__.py").write_text("raise SystemExit('a half-unpacked libcst')\n")
    done = run_python(bundle, tmp_path / "data", "import devfocus, libcst; print(libcst.__file__)")
    assert done.returncode == 0, done.stderr
    assert "half-unpacked" not in (half / "__init__.py").read_text()


def test_two_processes_at_once_both_import_and_unpack_once(bundle: Path, tmp_path: Path) -> None:
    code = "import devfocus, libcst.native, jedi; print('ok')"
    env = bundle_env(bundle, tmp_path / "data")
    processes = [
        subprocess.Popen(
            [SYSTEM_PYTHON, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0 and out.strip() == b"ok", err.decode()[-2000:]
    assert (bundle / "unpacked" / TAG / ".complete-late").is_file()


@pytest.fixture
def immutable(bundle: Path) -> Iterator[Path]:
    """The bundle's folder, unwritable even for root (as a read-only install is)."""
    chattr = str(ensure("chattr"))
    subprocess.run([chattr, "+i", str(bundle)], check=True)
    try:
        yield bundle
    finally:
        subprocess.run([chattr, "-i", str(bundle)], check=True)


def test_a_read_only_extension_unpacks_into_the_user_cache(immutable: Path, tmp_path: Path) -> None:
    code = "import devfocus, libcst; print(libcst.__file__)"
    done = run_python(immutable, tmp_path / "data", code)
    assert done.returncode == 0, done.stderr
    cache = tmp_path / "data" / "cache" / "devfocus" / "bundle"
    assert done.stdout.strip().startswith(str(cache)), done.stdout
    assert not (immutable / "unpacked").exists()


def test_a_payload_member_outside_its_folder_is_refused(bundle: Path, tmp_path: Path) -> None:
    hostile = io.BytesIO()
    with (
        lzma.open(hostile, "wb", format=lzma.FORMAT_XZ) as xz,
        tarfile.open(fileobj=xz, mode="w") as archive,
    ):
        for name in (f"late/{TAG}/../../escaped.py", "late/shared/libcst/__init__.py"):
            info = tarfile.TarInfo(name)
            info.size = 2
            archive.addfile(info, io.BytesIO(b"#\n"))
    (bundle / "payload.tar.xz").write_bytes(hostile.getvalue())
    done = run_python(bundle, tmp_path / "data", "import devfocus, libcst")
    assert done.returncode != 0
    assert "unsafe name" in done.stderr
    assert not (bundle / "escaped.py").exists() and not (bundle.parent / "escaped.py").exists()


def test_a_damaged_payload_says_what_to_do_and_the_server_still_starts(
    bundle: Path, tmp_path: Path
) -> None:
    payload = bundle / "payload.tar.xz"
    payload.write_bytes(payload.read_bytes()[: payload.stat().st_size // 3])
    done = run_python(bundle, tmp_path / "data", "import devfocus, libcst")
    assert done.returncode != 0
    assert "ImportError: DevFocus could not unpack libcst" in done.stderr
    assert "reinstall the extension" in done.stderr
    # What answers `initialize` is plain: the server itself still starts.
    version = run_python(bundle, tmp_path / "data", "import devfocus.lsp.server; print('ok')")
    assert version.returncode == 0 and version.stdout.strip() == "ok", version.stderr


async def test_the_bundled_server_starts_writes_a_docstring_and_compiles_in_the_background(
    bundle: Path, tmp_path: Path
) -> None:
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
    # The background process started with the server compiles everything it can: the
    # libraries the next start imports are byte code by the time it is done.
    marker = bundle / "unpacked" / f".compiled-{TAG}"
    deadline = time.monotonic() + 180
    while not marker.exists():
        assert time.monotonic() < deadline, "the background compilation never finished"
        time.sleep(0.2)
    # The start-up files' byte code is written beside them for the later starts.
    assert (bundle / "unpacked" / f".bytecode-{TAG}").read_text() == _digest(bundle)
    pycache = f"types.cpython-{VERSION.replace('.', '')}.pyc"
    assert (bundle / "libs" / "lsprotocol" / "__pycache__" / pycache).is_file()
    assert list((bundle / "unpacked" / "shared" / "libcst" / "__pycache__").glob("*.pyc"))
