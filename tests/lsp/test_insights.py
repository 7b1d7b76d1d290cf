"""devfocus.insights answers with the insights of a period and their evidence, from the real
server reading a real database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import end_session, expose_client, start_session
from tests.lsp.test_status import seed_edits


def days_ago(days: int, hour: int) -> datetime:
    """``hour``:00 UTC (the server runs with TZ=UTC) ``days`` days before today."""
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days) + timedelta(hours=hour)


async def test_the_week_insights_with_their_evidence(request, make_repo, data_dir, preset) -> None:
    api, web = make_repo("api"), make_repo("web")
    # Two days ago: 100 minutes of editing in api without a pause of 5 minutes.
    stretch = days_ago(2, 10)
    seed_edits(data_dir, api, "main", start=stretch.timestamp(), minutes=100)
    # Three days ago: 72 minutes moving between api and web every 2 minutes (35 switches): with
    # the stretch, 35 switches in under 3 focused hours.
    hopping = days_ago(3, 14)
    for block in range(36):
        project = api if block % 2 == 0 else web
        start = hopping.timestamp() + block * 2 * 60
        seed_edits(data_dir, project, "main", start=start, minutes=2)
    s = await start_session(api, data_dir, preset)
    expose_client(request, s.client)
    try:
        result = await s.command("devfocus.insights")  # the default period: the last 7 days
        assert result["period"]["name"] == "week"
        by_kind = {i["kind"]: i for i in result["insights"]}

        long = by_kind["long-stretch"]
        # The last of the 100 one-minute spans ends 50 s into its minute.
        assert long["evidence"]["numbers"]["minutes"] == pytest.approx(99.8, abs=0.1)
        assert long["evidence"]["numbers"]["thresholdMinutes"] == 90
        assert long["start"] == stretch.isoformat()
        assert long["evidence"]["sessions"] == [{"start": long["start"], "end": long["end"]}]
        assert "without a break" in long["message"]
        assert long["severity"] == "information"

        switching = by_kind["context-switching"]
        numbers = switching["evidence"]["numbers"]
        assert numbers["switches"] == 35
        # 35 switches in 100 + 72 minutes of focus, less the last span's 10 s.
        assert numbers["switchesPerHour"] == pytest.approx(35 / (172 / 60), abs=0.05)
        assert numbers["threshold"] == 6
        assert "baseline" not in numbers  # nothing in the 4 weeks before
        assert switching["evidence"]["sessions"][0]["start"] == hopping.isoformat()

        # Warnings first, then by time; every insight has the documented keys.
        order = {"warning": 0, "information": 1, "hint": 2}
        ranks = [(order[i["severity"]], i["start"]) for i in result["insights"]]
        assert ranks == sorted(ranks)
        for insight in result["insights"]:
            assert set(insight) == {
                "id",
                "kind",
                "severity",
                "start",
                "end",
                "message",
                "path",
                "definition",
                "evidence",
            }
            assert set(insight["evidence"]) == {"numbers", "sessions", "files", "commits"}

        # The same insights in the week's report.
        same = await s.command("devfocus.insights", "week")
        assert [i["id"] for i in same["insights"]] == [i["id"] for i in result["insights"]]

        # Only today: neither happened today.
        today = await s.command("devfocus.insights", {"period": "today"})
        assert today["period"]["name"] == "today"
        assert not {"long-stretch", "context-switching"} & {i["kind"] for i in today["insights"]}
    finally:
        await end_session(s)


async def test_a_wrong_argument_is_invalid_params(request, make_repo, data_dir, preset) -> None:
    s = await start_session(make_repo("api"), data_dir, preset)
    expose_client(request, s.client)
    try:
        with pytest.raises(JsonRpcException, match="period must be one of"):
            await s.command("devfocus.insights", {"period": "fortnight"})
        with pytest.raises(JsonRpcException, match="toDate needs fromDate"):
            await s.command("devfocus.insights", {"toDate": "2026-01-01"})
    finally:
        await end_session(s)


async def test_docstring_debt_is_counted_and_its_growth_is_an_insight(
    request, make_repo, data_dir, preset
) -> None:
    import sqlite3

    from tests.lsp.conftest import _poll

    api = make_repo("api")
    # app.py's greet() and these six public functions have no docstring; _private() needs none.
    (api / "shop.py").write_text(
        '"""The shop."""\n\n'
        + "".join(f"def step_{i}():\n    return {i}\n\n" for i in range(6))
        + "def _private():\n    return 0\n"
    )
    s = await start_session(api, data_dir, preset)
    expose_client(request, s.client)
    db = data_dir / "devfocus.db"

    def kept() -> list[tuple]:
        if not db.exists():
            return []
        with sqlite3.connect(db, timeout=10) as conn:
            try:
                return conn.execute(
                    "SELECT project, undocumented, definitions FROM docstring_debt"
                ).fetchall()
            except sqlite3.OperationalError:  # not migrated yet
                return []

    try:
        # Counted in the background once the server is ready.
        await _poll(lambda: bool(kept()), "no docstring debt was kept", timeout=30)
        # app.py: its module and greet(); shop.py: its module (documented) and six functions.
        assert kept() == [(api.as_posix(), 8, 9)]

        # Three days ago the project had no debt: it grew by 8 this week.
        three_days_ago = days_ago(3, 12)
        with sqlite3.connect(db, timeout=10) as conn:
            conn.execute(
                "INSERT INTO docstring_debt VALUES (?, ?, ?, 0, 9)",
                (
                    api.as_posix(),
                    three_days_ago.date().isoformat(),
                    int(three_days_ago.timestamp() * 1000),
                ),
            )
        result = await s.command("devfocus.insights", {"period": "week"})
        [debt] = [i for i in result["insights"] if i["kind"] == "docstring-debt"]
        assert debt["evidence"]["numbers"] == {
            "undocumented": 8,
            "undocumentedBefore": 0,
            "definitions": 9,
            "growth": 8,
        }
        assert debt["evidence"]["files"] == [api.as_posix()]
        assert "grew from 0 to 8" in debt["message"]
    finally:
        await end_session(s)
