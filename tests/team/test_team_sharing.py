"""A member's side of team mode through the real CLI: preview, push (with its outbox under a
dead database, kill -9 and two pushes at once), the team report, and leaving."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from devfocus.store import teamdb
from devfocus.store.database import Database
from devfocus.store.events import write_events
from tests.postgres import PostgresServer
from tests.team.test_team_policies import Team, new_team

pytestmark = pytest.mark.postgres

HOUR = 3600.0
DAY = 86400.0


def devfocus(data: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "devfocus", *args],
        env={**os.environ, "DEVFOCUS_DATA_DIR": str(data), "TZ": "UTC", **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(data: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    process = devfocus(data, *args, env=env)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def yesterday_at(hour: int) -> float:
    today = time.time() // DAY * DAY
    return today - DAY + hour * HOUR


def seed(data: Path, project: str, start: float, minutes: int) -> None:
    """One edit span per minute in ``project`` from ``start``: all of it focus, and deep work
    past 25 minutes in one place."""
    rows = [
        {
            "id": random.getrandbits(63),
            "start_ms": int((start + 60 * i) * 1000),
            "end_ms": int((start + 60 * i + 50) * 1000),
            "kind": "edit",
            "project": f"/home/someone/src/{project}",
            "path": "secret_plans.py",
            "language": "python",
            "branch": "feature/private-thing",
            "editor": "seed",
            "source": "seed",
            "lines_added": 1,
            "lines_removed": 0,
        }
        for i in range(minutes)
    ]
    database = Database(f"sqlite:///{data / 'devfocus.db'}")
    database.run(lambda engine: write_events(engine, rows))
    database.close()


def member_rows(team: Team, login: str) -> dict[tuple, tuple]:
    with psycopg.connect(teamdb.plain_url(team.url)) as conn:
        found = conn.execute(
            "SELECT hour, label_kind, label, focus_seconds, deep_seconds, switches, sessions "
            "FROM devfocus_team.hourly WHERE member = %s",
            (login,),
        ).fetchall()
    return {(r[0].timestamp(), r[1], r[2]): tuple(r[3:]) for r in found}


@pytest.fixture
def team(postgres_server) -> Team:
    return new_team(postgres_server)


def test_preview_shows_only_aggregates_and_sends_nothing(tmp_path: Path, team: Team) -> None:
    seed(tmp_path, "acme", yesterday_at(9), 90)
    code, out, err = run(tmp_path, "team", "preview", "--share", "totals+projects")
    assert code == 0, err
    assert "totals+projects" in out and "1 h 29 min" in out  # 90 one-minute spans, bridged
    assert "`acme`" in out  # the folder's name, never its path
    for private in ("/home/someone", "secret_plans", "feature/private-thing", "python"):
        assert private not in out
    shown = json.loads(run(tmp_path, "team", "preview", "--format", "json")[1])
    assert shown["share"] == "totals" and shown["labels"] == {}
    assert sum(d["focusSeconds"] for d in shown["days"]) == 89 * 60 + 50
    assert member_rows(team, team.role("ann")) == {}  # nobody was added, nothing was sent


def test_pushes_make_the_team_report(tmp_path: Path, team: Team) -> None:
    urls = {}
    for i, person in enumerate(("ann", "bob", "cyd")):
        urls[person] = team.add(person)
        data = tmp_path / person
        data.mkdir()
        seed(data, "acme", yesterday_at(9 + i), 60)  # a deep-work hour each: one row
        code, out, err = run(data, "team", "push", "--team-url", urls[person], "--format", "json")
        assert code == 0, err
        result = json.loads(out)
        assert result["pushed"] == 1 and result["pending"] == 0 and result["error"] is None
    code, out, err = run(
        tmp_path / "ann",
        "report",
        "--team",
        "--team-url",
        urls["ann"],
        "--period",
        "week",
        "--format",
        "json",
    )
    assert code == 0, err
    report = json.loads(out)
    totals = report["totals"]
    assert totals["focusSeconds"] == 3 * (59 * 60 + 50)
    assert totals["deepSeconds"] == totals["focusSeconds"]  # each hour was one deep block
    assert report["place"] is not None  # three members: Ann may see her place
    # Pushing again sends nothing new and changes nothing.
    before = member_rows(team, team.role("ann"))
    code, out, _ = run(
        tmp_path / "ann", "team", "push", "--team-url", urls["ann"], "--format", "json"
    )
    assert json.loads(out)["pushed"] == 0 and member_rows(team, team.role("ann")) == before


def test_two_members_are_too_few_to_be_shown(tmp_path: Path, team: Team) -> None:
    for i, person in enumerate(("ann", "bob")):
        url = team.add(person)
        (tmp_path / person).mkdir()
        seed(tmp_path / person, "acme", yesterday_at(9 + i), 30)
        assert run(tmp_path / person, "team", "push", "--team-url", url)[0] == 0
    code, out, err = run(
        tmp_path / "ann", "report", "--team", "--team-url", url, "--format", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["totals"]["focusSeconds"] == 0 and report["place"] is None


def test_a_dead_database_keeps_everything_queued_and_it_catches_up(
    tmp_path: Path, postgres_server
) -> None:
    server = PostgresServer(postgres_server.bin)  # its own server, to stop and start
    try:
        own = new_team(server, server.create_database())
        url = own.add("ann")
        seed(tmp_path, "acme", yesterday_at(9) + 30 * 60, 60)  # two hours' rows
        server.stop()
        code, out, err = run(tmp_path, "team", "push", "--team-url", url, "--format", "json")
        assert code == 1
        waiting = json.loads(out)
        assert waiting["pushed"] == 0 and waiting["pending"] == 2 and waiting["error"]
        password = urlsplit(url).password
        assert password and password not in err and password not in out
        server.start()
        code, out, err = run(tmp_path, "team", "push", "--team-url", url, "--format", "json")
        assert code == 0, err
        caught_up = json.loads(out)
        assert caught_up["pushed"] == waiting["pending"] and caught_up["pending"] == 0
        rows = member_rows(own, own.role("ann"))
        assert sum(r[0] for k, r in rows.items() if k[1] == "") == 59 * 60 + 50
    finally:
        server.close()


def test_kill_9_in_the_middle_of_a_push_loses_and_doubles_nothing(
    tmp_path: Path, team: Team
) -> None:
    url = team.add("ann")
    login = team.role("ann")
    seed(tmp_path, "acme", yesterday_at(9), 120)
    # The administrator holds Ann's member row: her push's one statement waits on it until
    # the push is killed.
    admin = psycopg.connect(teamdb.plain_url(team.url))
    admin.execute("SELECT 1 FROM devfocus_team.members WHERE member = %s FOR UPDATE", (login,))
    push = devfocus(tmp_path, "team", "push", "--team-url", url)
    deadline = time.monotonic() + 60
    while not _waiting_on_lock(team, login):
        assert push.poll() is None and time.monotonic() < deadline, (
            "the push never reached the lock"
        )
    push.send_signal(signal.SIGKILL)
    push.wait(timeout=30)
    admin.rollback()
    admin.close()
    # The killed push's statement may still finish on the server once the lock is free (the
    # server learns of the dead client only when it answers): either way, pushing again from
    # the outbox, where its rows still wait, ends with each hour once.
    code, out, err = run(tmp_path, "team", "push", "--team-url", url, "--format", "json")
    assert code == 0, err
    rows = member_rows(team, login)
    assert sum(r[0] for k, r in rows.items() if k[1] == "") == 119 * 60 + 50
    # Nothing is waiting any more, and a further push adds nothing.
    assert json.loads(out)["pending"] == 0
    assert (
        json.loads(run(tmp_path, "team", "push", "--team-url", url, "--format", "json")[1])[
            "pushed"
        ]
        == 0
    )
    assert member_rows(team, login) == rows


def _waiting_on_lock(team: Team, login: str) -> bool:
    with psycopg.connect(teamdb.plain_url(team.url)) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND wait_event_type = 'Lock'",
            (login,),
        ).fetchone()
    return bool(found and found[0])


def test_two_machines_pushing_at_once_never_double_count(tmp_path: Path, team: Team) -> None:
    """Two machines of one person on one personal database push together."""
    url = team.add("ann")
    seed(tmp_path, "acme", yesterday_at(9), 90)
    pushes = [devfocus(tmp_path, "team", "push", "--team-url", url) for _ in range(2)]
    for push in pushes:
        _, err = push.communicate(timeout=120)
        assert push.returncode == 0, err
    rows = member_rows(team, team.role("ann"))
    assert sum(r[0] for k, r in rows.items() if k[1] == "") == 89 * 60 + 50


def test_leaving_deletes_the_members_rows_and_the_editor_stops_pushing(
    tmp_path: Path, team: Team
) -> None:
    url = team.add("ann")
    seed(tmp_path, "acme", yesterday_at(9), 30)
    assert run(tmp_path, "team", "push", "--team-url", url, "--share", "totals+projects")[0] == 0
    assert member_rows(team, team.role("ann"))
    code, out, err = run(tmp_path, "team", "leave", "--team-url", url)
    assert code == 0, err
    assert "deleted from the team database" in out
    assert member_rows(team, team.role("ann")) == {}
    assert all(m.member != team.role("ann") for m in teamdb.team_status(team.url))
