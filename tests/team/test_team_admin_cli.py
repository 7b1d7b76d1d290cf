"""``devfocus team init | add | remove | status`` end to end: the real command in a process of
its own, against the real PostgreSQL, checking what it prints and what the database holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest

from devfocus.store import teamdb
from devfocus.team.figures import HourRow

pytestmark = pytest.mark.postgres

DAY = 1_767_225_600.0  # 2026-01-01 00:00 UTC


def devfocus(*args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEVFOCUS_TEAM")}
    if url is not None:
        env["DEVFOCUS_TEAM_ADMIN_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "devfocus", "team", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(teamdb.plain_url(url), autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def test_init_add_status_and_remove(postgres_url: str) -> None:
    team = "c" + uuid.uuid4().hex[:10]
    alice, vic = f"{team}_alice", f"{team}_vic"

    init = devfocus("init", "--team", team, "--min-group-size", "4", url=postgres_url)
    assert init.returncode == 0, init.stderr
    assert init.stdout.startswith(f"Team {team} is ready in postgresql")
    assert query(postgres_url, "SELECT key, value FROM devfocus_team.settings ORDER BY key") == [
        ("min_group_size", "4"),
        ("partitioned", "false"),
        ("team", team),
    ]

    added = devfocus("add", alice, "--display-name", "Alice A", url=postgres_url)
    assert added.returncode == 0, added.stderr
    handed_out = added.stdout.strip()
    assert len(added.stdout.splitlines()) == 1 and handed_out.startswith(f"postgresql://{alice}:")
    password = handed_out.split(":")[2].split("@")[0]
    assert len(password) >= 24 and password not in added.stderr
    assert "not shown again" in added.stderr
    with teamdb.connect(handed_out) as conn:  # the URL works as it is
        assert conn.execute("SELECT current_user").fetchone() == (alice,)
        rows = [HourRow(DAY + h * 3600, "", "", 1800, 600, 2, 1) for h in range(9, 17)]
        teamdb.upsert_hours(conn, rows, share="totals", by_name=True)

    viewer = devfocus("add", vic, "--role", "viewer", url=postgres_url)
    assert viewer.returncode == 0, viewer.stderr
    query(postgres_url, f'CREATE ROLE "{team}_own" LOGIN')
    existing = devfocus("add", "Olga", "--existing-role", f"{team}_own", url=postgres_url)
    assert existing.returncode == 0, existing.stderr
    assert existing.stdout.strip().startswith(f"postgresql://{team}_own@")  # no password

    table = devfocus("status", url=postgres_url)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "MEMBER",
        "NAME",
        "ROLE",
        "SHARES",
        "BY",
        "NAME",
        "LAST",
        "PUSH",
        "HOURS",
    ]
    by_member = {line.split()[0]: line for line in lines[1:]}
    assert set(by_member) == {alice, vic, f"{team}_own"}
    assert by_member[alice].split()[1:6] == ["Alice", "A", "member", "totals", "yes"]
    assert by_member[alice].rstrip().endswith("UTC  8")
    assert "never" in by_member[vic] and " viewer " in by_member[vic]
    assert "3 members." in table.stderr

    as_json = devfocus("status", "--format", "json", url=postgres_url)
    members = {m["member"]: m for m in json.loads(as_json.stdout)["members"]}
    assert members[alice]["byName"] is True and members[alice]["hours"] == 8
    assert members[f"{team}_own"]["displayName"] == "Olga"

    removed = devfocus("remove", alice, url=postgres_url)
    assert removed.returncode == 0, removed.stderr
    assert "8 hourly rows deleted" in removed.stdout
    assert query(postgres_url, "SELECT 1 FROM pg_roles WHERE rolname = %s", (alice,)) == []
    kept = devfocus("remove", f"{team}_own", url=postgres_url)
    assert kept.returncode == 0 and "stays" in kept.stderr  # not made by devfocus: kept
    assert query(postgres_url, "SELECT member FROM devfocus_team.members") == [(vic,)]
    with pytest.raises(teamdb.TeamError, match="password of"):
        teamdb.connect(handed_out)  # the role is gone


def test_init_partitioned_and_again(postgres_url: str) -> None:
    team = "p" + uuid.uuid4().hex[:10]
    first = devfocus("init", "--team", team, "--partitioned", "--database-url", postgres_url)
    assert first.returncode == 0, first.stderr
    assert query(
        postgres_url, "SELECT relkind FROM pg_class WHERE oid = 'devfocus_team.hourly'::regclass"
    ) == [("p",)]
    again = devfocus("init", "--database-url", postgres_url)  # up to date: the same team
    assert again.returncode == 0 and f"Team {team} is ready" in again.stdout
    other = devfocus("init", "--team", "another", "--database-url", postgres_url)
    assert other.returncode == 1 and f"already holds team {team}" in other.stderr


def test_errors_are_one_line_and_never_show_a_password(postgres_server, postgres_url) -> None:
    missing = devfocus("status")
    assert missing.returncode == 2
    assert "--database-url" in missing.stderr and "DEVFOCUS_TEAM_ADMIN_URL" in missing.stderr

    not_a_team = devfocus("status", url=postgres_url)
    assert not_a_team.returncode == 1
    assert "not a team database" in not_a_team.stderr

    wrong = postgres_url.replace("postgres@", "postgres_nobody:hunter2-Secret@")
    refused = devfocus("status", url=wrong)
    assert refused.returncode == 1
    assert refused.stderr.startswith("devfocus: the password of postgres_nobody was refused")
    assert len(refused.stderr.splitlines()) == 1 and "hunter2" not in refused.stderr

    bad_name = devfocus("init", "--team", "Has-Caps", url=postgres_url)
    assert bad_name.returncode == 1 and "not a team name" in bad_name.stderr
