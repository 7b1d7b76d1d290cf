"""The command line, run as a user runs it: a real process on a real database file."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.lsp.test_status import seed_edits


def devfocus(data_dir: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEVFOCUS_DATA_DIR": str(data_dir), "TZ": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "devfocus", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def history(make_repo, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two projects with activity today: 20 minutes in api, then 10 in web."""
    now = time.time()
    if now % 86400 < 41 * 60:  # the commands run with TZ=UTC
        pytest.skip("too close to midnight (UTC): forty minutes ago was yesterday")
    data_dir = tmp_path / "data"
    api, web = make_repo("api"), make_repo("web", branch="develop")
    seed_edits(data_dir, api, "main", start=now - 40 * 60, minutes=20)
    seed_edits(data_dir, web, "develop", start=now - 20 * 60, minutes=10)
    return data_dir, api, web


def test_console_script_and_version() -> None:
    script = Path(sys.executable).parent / "devfocus"
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("devfocus 0.")


def test_no_command_prints_help(tmp_path: Path) -> None:
    out = devfocus(
        tmp_path,
    )
    assert out.returncode == 2
    assert "serve" in out.stderr and "report" in out.stderr


def test_report_with_no_activity_says_so(tmp_path: Path, make_repo) -> None:
    repo = make_repo()
    out = devfocus(tmp_path / "data", "report", str(repo))
    assert out.returncode == 0, out.stderr
    assert "No activity recorded today in project" in out.stdout
    assert str(repo) in out.stdout


def test_text_report_of_everything(history) -> None:
    data_dir, *_ = history
    out = devfocus(data_dir, "report")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith("DevFocus — Today (")
    assert "Focus      29m 50s" not in text  # durations are minutes, not seconds
    # api: 20 min (its last pause precedes the switch); web: 9 min 50 s.
    assert "Focus      29m in 1 session" in text or "Focus      30m in 1 session" in text
    assert "Switches   1" in text
    assert "api" in text and "web @ develop" in text


def test_report_restricted_to_a_project_path(history) -> None:
    data_dir, _, web = history
    out = devfocus(data_dir, "report", str(web / "app.py"), "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["project"] == web.as_posix()
    assert [row["label"] for row in report["byProject"]] == ["web"]
    assert report["focusSeconds"] == 9 * 60 + 50
    assert report["switchCount"] == 1  # the switch into web


def test_markdown_week_report_and_session_options(history) -> None:
    data_dir, *_ = history
    out = devfocus(
        data_dir, "report", "--period", "week", "--format", "markdown", "--deep-work-minutes", "15"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("# DevFocus — Last 7 days")
    assert "## By day" in out.stdout
    assert "## Deep work" in out.stdout  # the 20-minute api run is deep work at 15 minutes


def test_report_compared_with_the_period_before_and_ranges_of_days(history) -> None:
    data_dir, *_ = history
    out = devfocus(data_dir, "report", "--compare", "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["previous"]["period"]["name"] == "previous"
    assert report["change"]["focusSeconds"] == (
        report["focusSeconds"] - report["previous"]["focusSeconds"]
    )
    text = devfocus(data_dir, "report", "--compare").stdout
    assert "Compared with " in text and "  Focus  " in text

    today = datetime.now(timezone.utc).date()  # the command runs with TZ=UTC
    ranged = devfocus(
        data_dir, "report", "--from", str(today - timedelta(days=2)), "--format", "json"
    )
    assert ranged.returncode == 0, ranged.stderr
    assert len(json.loads(ranged.stdout)["byDay"]) == 3
    assert devfocus(data_dir, "report", "--period", "lastweek").returncode == 0

    lonely = devfocus(data_dir, "report", "--to", str(today))
    assert lonely.returncode == 2
    assert "devfocus: --to needs --from" in lonely.stderr
    both = devfocus(data_dir, "report", "--period", "week", "--from", str(today))
    assert both.returncode == 2 and "not both" in both.stderr
    backwards = devfocus(
        data_dir, "report", "--from", str(today), "--to", str(today - timedelta(days=1))
    )
    assert backwards.returncode == 2 and "before it starts" in backwards.stderr
    bad = devfocus(data_dir, "report", "--from", "monday")
    assert bad.returncode == 2 and "expected a date as YYYY-MM-DD" in bad.stderr


def test_a_redacted_report_names_no_project_and_keeps_its_aliases(history) -> None:
    data_dir, api, web = history
    out = devfocus(data_dir, "report", "--redact", "--format", "json")
    assert out.returncode == 0, out.stderr
    for name in (api.name, web.name, "develop", str(api.parent)):
        assert name not in out.stdout
    labels = [row["label"] for row in json.loads(out.stdout)["byProject"]]
    assert labels and all(label.startswith("project-") for label in labels)
    again = devfocus(data_dir, "report", "--redact", "--format", "json")
    assert [row["label"] for row in json.loads(again.stdout)["byProject"]] == labels
    assert (data_dir / "redaction.key").stat().st_size == 32


def test_bad_option_value_is_named_and_the_default_used(history) -> None:
    data_dir, _, _ = history
    out = devfocus(data_dir, "report", "--idle-timeout-minutes", "-3")
    assert out.returncode == 0
    assert "devfocus.sessions.idleTimeoutMinutes" in out.stderr
    assert "using the default 15" in out.stderr


def test_export_csv_and_json(history, tmp_path: Path) -> None:
    data_dir, api, web = history
    out = devfocus(data_dir, "export", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 30
    assert rows[0]["project"] == api.as_posix() and rows[0]["start"].endswith("Z")
    assert {r["branch"] for r in rows} == {"main", "develop"}

    target = tmp_path / "export.json"
    out = devfocus(data_dir, "export", "--format", "json", "--output", str(target))
    assert out.returncode == 0, out.stderr
    exported = json.loads(target.read_text())
    assert exported["format"] == "devfocus-export" and len(exported["events"]) == 30
    assert exported["events"][-1]["project"] == web.as_posix()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "exported 30 events" in out.stderr


def test_doctor_healthy_and_unhealthy(history, tmp_path: Path) -> None:
    data_dir, _, _ = history
    out = devfocus(data_dir, "doctor", "--format", "json")
    assert out.returncode == 0, out.stdout + out.stderr
    info = json.loads(out.stdout)
    assert info["healthy"] is True
    assert info["dataDirectory"]["path"] == str(data_dir)
    assert info["database"]["events"] == 30 and info["database"]["integrity"] == "ok"
    assert info["database"]["mode"] == "0o600"
    assert info["git"]["version"].startswith("git version")

    text = devfocus(data_dir, "doctor").stdout
    assert "healthy" in text and "30 events" in text

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "devfocus.db").write_bytes(b"garbage" * 1000)
    out = devfocus(broken, "doctor")
    assert out.returncode == 1
    assert "not a readable DevFocus database" in out.stdout


def test_report_on_a_corrupt_database_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "devfocus.db").write_bytes(b"garbage" * 1000)
    out = devfocus(tmp_path, "report")
    assert out.returncode == 1
    assert out.stderr.startswith("devfocus: ") and "may be corrupt" in out.stderr
    assert "Traceback" not in out.stderr


def test_delete_needs_confirmation_and_erases_everything(history) -> None:
    data_dir, _, _ = history
    out = devfocus(data_dir, "delete")
    assert out.returncode == 2 and "--yes" in out.stderr
    assert (data_dir / "devfocus.db").exists()
    out = devfocus(data_dir, "delete", "--yes")
    assert out.returncode == 0, out.stderr
    assert "30 events" in out.stdout
    assert not list(data_dir.glob("devfocus.db*"))
    assert "No activity recorded today" in devfocus(data_dir, "report").stdout


def test_delete_also_removes_the_report_files_the_editor_was_shown(history) -> None:
    """Reports opened in the editor (`devfocus.report` with `open`) hold what was worked on."""
    data_dir, _, _ = history
    reports = data_dir / "reports"
    reports.mkdir(mode=0o700)
    written = [reports / "devfocus-report-week-20261207-091500-3fa2c1.html"]
    written.append(reports / "devfocus-report-standup-20261207-091501-77ab10.md")
    for path in written:
        path.write_text("<h1>zebra-7781</h1>")
    mine = reports / "notes.txt"  # not DevFocus's: left alone
    mine.write_text("keep")
    out = devfocus(data_dir, "delete", "--yes")
    assert out.returncode == 0, out.stderr
    assert "removed 2 report files" in out.stdout
    assert [p.name for p in reports.iterdir()] == ["notes.txt"]


@pytest.mark.postgres
def test_report_and_delete_on_postgresql(make_repo, tmp_path: Path, postgres_url) -> None:
    from devfocus.store.database import Database
    from devfocus.store.events import write_events

    repo = make_repo()
    rows = [
        {
            "id": i + 1,
            "start_ms": int((time.time() - 600 + 60 * i) * 1000),
            "end_ms": int((time.time() - 600 + 60 * i + 30) * 1000),
            "kind": "edit",
            "project": repo.as_posix(),
            "path": "app.py",
            "language": "python",
            "branch": "main",
            "editor": "t",
            "source": "t",
            "lines_added": 2,
            "lines_removed": 0,
        }
        for i in range(5)
    ]
    database = Database(postgres_url)
    database.run(lambda engine: write_events(engine, rows))
    database.close()
    out = devfocus(tmp_path, "report", "--format", "json", "--database-url", postgres_url)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["linesAdded"] == 10
    out = devfocus(tmp_path, "delete", "--yes", "--database-url", postgres_url)
    assert out.returncode == 0 and "deleted 5 events" in out.stdout


def test_serve_over_tcp_for_debugging(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DEVFOCUS_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "devfocus", "serve", "--tcp", f"127.0.0.1:{port}"],
        env=env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline and server.poll() is None, "never listened"
                time.sleep(0.1)  # the server process is still starting: nothing to wait on
        uri = (tmp_path / "app.py").as_uri()

        def send(message: dict[str, Any]) -> None:
            body = json.dumps({"jsonrpc": "2.0", **message}).encode()
            conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)

        def wait_for(text: bytes) -> bytes:
            nonlocal reply
            while text not in reply:
                chunk = conn.recv(65536)
                assert chunk, f"connection closed before {text!r}"
                reply += chunk
            return reply

        reply = b""
        with conn:
            params = {"processId": None, "rootUri": None, "capabilities": {}}
            send({"id": 1, "method": "initialize", "params": params})
            assert b'"name": "devfocus"' in wait_for(b'"serverInfo"')
            send({"method": "initialized", "params": {}})
            document = {"uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}
            send({"method": "textDocument/didOpen", "params": {"textDocument": document}})
            # A body over a megabyte takes the same reader as stdio (parsed off the event loop).
            paste = {
                "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}
            }
            paste["text"] = "y = 2\n" * 400_000
            versioned = {"uri": uri, "version": 2}
            change = {"textDocument": versioned, "contentChanges": [paste]}
            send({"method": "textDocument/didChange", "params": change})
            status = {"command": "devfocus.status", "arguments": []}
            send({"id": 2, "method": "workspace/executeCommand", "params": status})
            wait_for(b'"id": 2')
        # The client went away: the server writes what it holds and ends by itself.
        assert server.wait(timeout=30) == 0
        out = devfocus(tmp_path, "export", "--format", "json")
        events = json.loads(out.stdout)["events"]
        assert sum(e["linesAdded"] or 0 for e in events) == 400_000
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)


def test_export_refuses_what_is_not_a_file_and_the_database(history, tmp_path: Path) -> None:
    from tests.lsp.test_data_commands import REFUSALS, file_types, special_files

    data_dir, *_ = history
    folder = tmp_path / "out"
    folder.mkdir()
    targets = special_files(folder)
    before = file_types(folder)
    for name, path in targets.items():
        out = devfocus(data_dir, "export", "--format", "json", "--output", str(path))
        assert out.returncode == 1, name
        assert out.stderr.startswith(f"devfocus: {path} {REFUSALS[name.split()[-1]]}"), out.stderr
        assert "Traceback" not in out.stderr
    assert file_types(folder) == before  # nothing replaced, nothing left beside them
    for spelling in (f"{data_dir}/./devfocus.db", f"{data_dir}/../data/devfocus.db-wal"):
        out = devfocus(data_dir, "export", "--format", "csv", "--output", spelling)
        assert out.returncode == 1 and "is the DevFocus database itself" in out.stderr
    assert len(json.loads(devfocus(data_dir, "export", "--format", "json").stdout)["events"]) == 30


def test_export_to_a_long_file_name_and_an_unwritable_one(history, tmp_path: Path) -> None:
    data_dir, *_ = history
    folder = tmp_path / "out"
    folder.mkdir()
    long = folder / ("e" * 246 + ".csv")  # 250 bytes
    out = devfocus(data_dir, "export", "--format", "csv", "--output", str(long))
    assert out.returncode == 0, out.stderr
    assert len(long.read_text().splitlines()) == 31
    assert [p.name for p in folder.iterdir()] == [long.name]
    out = devfocus(data_dir, "export", "--format", "csv", "--output", str(folder / ("e" * 256)))
    assert out.returncode == 1 and "File name too long" in out.stderr
    assert "Traceback" not in out.stderr
    assert [p.name for p in folder.iterdir()] == [long.name]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_doctor_flags_data_others_can_open_and_changes_nothing(history) -> None:
    data_dir, *_ = history
    database = data_dir / "devfocus.db"
    data_dir.chmod(0o777)
    database.chmod(0o644)
    out = devfocus(data_dir, "doctor", "--format", "json")
    assert out.returncode == 1, out.stdout
    info = json.loads(out.stdout)
    assert info["dataDirectory"]["mode"] == "0o777" and info["database"]["mode"] == "0o644"
    [folder_problem] = info["dataDirectory"]["problems"]
    assert "open to others (0o777)" in folder_problem and f"chmod 700 {data_dir}" in folder_problem
    assert f"{database} is readable by others (0o644)" in info["database"]["problems"][0]
    text = devfocus(data_dir, "doctor").stdout
    assert "mode 0o777)\n  ✗ the data directory is open to others" in text
    assert "problems found" in text
    assert (mode(data_dir), mode(database)) == (0o777, 0o644)  # doctor only reports

    # The next command that opens the database makes it private again.
    assert devfocus(data_dir, "report").returncode == 0
    assert (mode(data_dir), mode(database)) == (0o700, 0o600)
    assert devfocus(data_dir, "doctor").returncode == 0


def test_doctor_names_another_programs_database_and_leaves_it(tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    database = data_dir / "devfocus.db"
    with closing(sqlite3.connect(database)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.commit()
    database.chmod(0o600)
    content = database.read_bytes()
    out = devfocus(data_dir, "doctor")
    assert out.returncode == 1
    assert "an SQLite database of another program (tables notes)" in out.stdout
    assert "not a DevFocus database" in out.stdout
    assert database.read_bytes() == content  # not even its journal mode switched
    assert sorted(p.name for p in data_dir.iterdir()) == ["devfocus.db"]
    out = devfocus(data_dir, "report")
    assert out.returncode == 1 and "not a DevFocus database" in out.stderr
    assert database.read_bytes() == content
