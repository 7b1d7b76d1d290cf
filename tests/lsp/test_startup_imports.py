"""What the real server imports before it answers ``initialize``: a list, kept here, that fails
when a module sneaks onto the start-up path.

Start-up time is what every editor waits for on every launch, and it grows one import at a time
(a feature module importing its engine at the top, a setting read through a converter library).
The server runs as editors run it (``python -m devfocus serve``) with Python's own import trace
on stderr; every module it prints before the ``initialize`` result is on stdout was imported on
the way to that answer.
"""

from __future__ import annotations

import importlib.util
import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

from tests.lsp.conftest import server_env

# DevFocus's own modules that answering `initialize` needs: the CLI's entry point, the server,
# its features (each registers its handlers), the settings, and the tracker that receives the
# first didOpen. Engines (the store, git history, docstrings, reports) load later.
DEVFOCUS_AT_START = {
    "devfocus",
    "devfocus.activity",
    "devfocus.activity.records",
    "devfocus.activity.tracker",
    "devfocus.app",
    "devfocus.app.gitwatch",
    "devfocus.app.tracking",
    "devfocus.app.trustgate",
    "devfocus.cli",
    "devfocus.cli.ai",
    "devfocus.cli.coach",
    "devfocus.cli.data",
    "devfocus.cli.docs",
    "devfocus.cli.doctor",
    "devfocus.cli.options",
    "devfocus.cli.output",
    "devfocus.cli.process",
    "devfocus.cli.reading",
    "devfocus.cli.report",
    "devfocus.cli.insights",
    "devfocus.cli.issues",
    "devfocus.cli.serve",
    "devfocus.cli.standup",
    "devfocus.cli.subcommands",
    "devfocus.cli.team",
    "devfocus.config",
    "devfocus.git",
    "devfocus.git.head",
    "devfocus.lsp",
    "devfocus.lsp.analysis",
    "devfocus.lsp.documents",
    "devfocus.lsp.feature",
    "devfocus.lsp.features",
    "devfocus.lsp.features.activity",
    "devfocus.lsp.features.commits",
    "devfocus.lsp.features.tasks",
    "devfocus.lsp.features.team",
    "devfocus.lsp.features.data",
    "devfocus.lsp.features.docs",
    "devfocus.lsp.features.focus",
    "devfocus.lsp.features.git",
    "devfocus.lsp.features.history",
    "devfocus.lsp.features.hotspots",
    "devfocus.lsp.features.insights",
    "devfocus.lsp.features.report",
    "devfocus.lsp.features.settings",
    "devfocus.lsp.features.status",
    "devfocus.lsp.handlers",
    "devfocus.lsp.json_slices",
    "devfocus.lsp.log",
    "devfocus.lsp.names",
    "devfocus.lsp.progress",
    "devfocus.lsp.protocol",
    "devfocus.lsp.server",
    "devfocus.lsp.transport",
    "devfocus.lsp.wire",
    "devfocus.store",
    "devfocus.store.errors",
    "devfocus.text",
}
# Installed packages allowed before the answer: pygls and what it stands on.
PACKAGES_AT_START = {"pygls", "lsprotocol", "cattrs", "attr", "attrs", "typing_extensions"}
PACKAGES_AT_START |= {"exceptiongroup"}  # cattrs's backport on Python 3.10
PACKAGES_AT_START |= {"_distutils_hack", "sitecustomize"}  # the environment's own start-up
# Standard-library modules that cost real time and no answer to `initialize` needs.
STDLIB_NEVER_AT_START = {
    "sqlite3",
    "zoneinfo",
    "multiprocessing",
    "tomllib",
    "email",
    "http",
    "xml",
    "ctypes",
    "decimal",
    "csv",
}
ANSWER_TIMEOUT = 60.0


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_available(fd: int) -> bytes:
    data = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return data
        if not chunk:
            return data
        data += chunk


def imported_before_initialize(project: Path, data_dir: Path) -> list[str]:
    """The modules ``devfocus serve`` imports before its ``initialize`` result is written."""
    env = server_env(data_dir, PYTHONPROFILEIMPORTTIME="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "devfocus", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=project,
    )
    assert server.stdin is not None and server.stdout is not None and server.stderr is not None
    try:
        initialize = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"processId": None, "rootUri": project.as_uri(), "capabilities": {}},
        }
        server.stdin.write(_frame(initialize))
        server.stdin.flush()
        selector = selectors.DefaultSelector()
        for stream in (server.stdout, server.stderr):
            os.set_blocking(stream.fileno(), False)
            selector.register(stream, selectors.EVENT_READ)
        out, trace = b"", b""
        deadline = time.monotonic() + ANSWER_TIMEOUT
        while b'"result"' not in out:
            tail = trace.decode(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "no answer to initialize:\n" + tail
            assert server.poll() is None, "the server ended:\n" + tail
            for key, _ in selector.select(1.0):
                if key.fileobj is server.stdout:
                    out += _read_available(server.stdout.fileno())
                else:
                    trace += _read_available(server.stderr.fileno())
        # Everything the server printed before it wrote the answer is in the pipe by now.
        trace += _read_available(server.stderr.fileno())
    finally:
        server.kill()
        server.wait()
    modules = []
    for line in trace.decode(errors="replace").splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the header line
                modules.append(name)
    return modules


def test_the_server_answers_initialize_with_only_what_it_needs(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    modules = imported_before_initialize(project, tmp_path / "data")
    assert "devfocus.lsp.server" in modules, "the import trace was not read"

    own = {m for m in modules if m.split(".")[0] == "devfocus"}
    assert own - DEVFOCUS_AT_START == set(), "new DevFocus modules on the start-up path"

    tops = {m.split(".")[0] for m in modules}
    assert tops & STDLIB_NEVER_AT_START == set()
    installed = {
        top
        for top in tops - set(sys.stdlib_module_names) - {"devfocus"}
        if importlib.util.find_spec(top) is not None  # not an import the trace saw fail
    }
    assert installed - PACKAGES_AT_START == set(), "new packages on the start-up path"


def test_the_list_has_no_module_the_server_no_longer_needs(tmp_path: Path) -> None:
    """A module moved off the start-up path leaves the list too, so the list stays the truth."""
    project = tmp_path / "project"
    project.mkdir()
    modules = imported_before_initialize(project, tmp_path / "data")
    own = {m for m in modules if m.split(".")[0] == "devfocus"}
    assert DEVFOCUS_AT_START - own == set()
