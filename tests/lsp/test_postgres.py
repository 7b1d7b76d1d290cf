"""PostgreSQL as the activity database: the same features, and an outage loses nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.lsp.conftest import end_session, expose_client, start_session

pytestmark = pytest.mark.postgres


def rows(url: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT * FROM events ORDER BY start_ms")).mappings())
    finally:
        engine.dispose()


async def wait_for_rows(url: str, predicate, timeout: float = 30) -> list[Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            found = rows(url)
        except Exception:  # the server is not there yet, or the table not created
            found = []
        if predicate(found):
            return found
        assert loop.time() < deadline, f"PostgreSQL never matched: {found}"
        await asyncio.sleep(0.2)  # another process's database: poll it


async def test_activity_and_reports_in_postgresql(
    request, make_repo, data_dir, preset, postgres_url
) -> None:
    options = {"database": {"url": postgres_url}}
    first, second = make_repo("api"), make_repo("web")
    # Two windows start on an empty database at once: one migrates, neither fails.
    sessions = await asyncio.gather(
        start_session(first, data_dir, preset, initialization_options=options),
        start_session(second, data_dir, preset, initialization_options=options),
    )
    expose_client(request, sessions[0].client)
    try:
        for s in sessions:
            s.type_lines(s.open("app.py"), line=0, count=4)
        found = await wait_for_rows(postgres_url, lambda r: sum(x["lines_added"] for x in r) == 8)
        assert {x["project"] for x in found} == {first.as_posix(), second.as_posix()}
        # One window's report reads the other's activity from the shared database. (Which
        # project the time goes to depends on how the two windows' typing interleaves: time
        # present in both windows at once is counted once.)
        report = await sessions[0].command("devfocus.report", {"format": "json"})
        assert report["linesAdded"] == 8
        assert {row["label"] for row in report["byProject"]} <= {"api", "web"}
    finally:
        await asyncio.gather(*(end_session(s) for s in sessions))
    assert not (data_dir / "devfocus.db").exists()  # nothing went to the default SQLite file


async def test_postgresql_going_away_is_retried_and_loses_nothing(
    request, repo, data_dir, preset, postgres_server, postgres_url
) -> None:
    s = await start_session(
        repo, data_dir, preset, initialization_options={"database": {"url": postgres_url}}
    )
    expose_client(request, s.client)
    try:
        uri = s.open("app.py")
        s.type_lines(uri, line=0, count=2)
        await wait_for_rows(postgres_url, lambda r: sum(x["lines_added"] for x in r) == 2)

        postgres_server.stop()
        try:
            s.type_lines(uri, line=2, count=3, version=10)
            warning = await s.wait_for_message("cannot reach", timeout=30)
            assert "postgres" in warning.message and "***" not in warning.message
            assert (await s.command("devfocus.status"))["state"] == "active"
        finally:
            postgres_server.start()
        found = await wait_for_rows(
            postgres_url, lambda r: sum(x["lines_added"] for x in r) == 5, timeout=60
        )
        assert {x["path"] for x in found} == {"app.py"}
        assert s.shown("cannot reach") == 1
    finally:
        await end_session(s)
