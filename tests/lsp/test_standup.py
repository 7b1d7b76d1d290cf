"""``devfocus.report {period: "standup"}``: the standup notes from the editor, with the work week
of the editor's settings.

Days are counted back from today (UTC); the work week is every day but yesterday's weekday, so
the last working day is the day before yesterday whatever day the test runs. Stored activity on
the branch ``feature/ABC-12-login`` (task ``ABC-12 login``): 100 minutes on day -2 and 20 on day
-1, then ten minutes ending a minute ago in ``tools`` on main.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import end_session, expose_client, start_session
from tests.lsp.test_status import seed_edits

BRANCH = "feature/ABC-12-login"
TASK = "ABC-12 login"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day(back: int) -> datetime:
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=back)


async def test_standup_notes_in_the_editor(
    request: pytest.FixtureRequest,
    make_repo: Callable[..., Path],
    data_dir: Path,
    preset: str,
) -> None:
    now = time.time()
    if now - day(0).timestamp() < 15 * 60:
        pytest.skip("too close to midnight (UTC) for a session today")
    shop, tools = make_repo("shop"), make_repo("tools")
    seed_edits(data_dir, shop, BRANCH, (day(2) + timedelta(hours=9)).timestamp(), 100)
    seed_edits(data_dir, shop, BRANCH, (day(1) + timedelta(hours=9)).timestamp(), 20)
    seed_edits(data_dir, tools, "main", now - 11 * 60, 10)
    work_week = [d for i, d in enumerate(WEEKDAYS) if i != day(1).weekday()]
    s = await start_session(
        shop, data_dir, preset, configuration={"reports": {"workWeek": work_week}}
    )
    expose_client(request, s.client)
    try:
        await s.wait_for_log("settings applied")  # the work week, from workspace/configuration
        notes = await s.command("devfocus.report", {"period": "standup", "format": "json"})
        assert notes["workWeek"] == work_week
        last, today = notes["lastWorkingDay"], notes["today"]
        assert last["date"] == day(2).date().isoformat()
        assert last["tasks"] == [{"label": TASK, "seconds": 100 * 60 - 10, "commits": 0}]
        assert today["date"] == day(0).date().isoformat()
        assert today["tasks"] == []
        assert [p["label"] for p in today["projects"]] == ["tools"]
        [blocker] = notes["blockers"]  # the task came back on two days only: not a blocker
        assert blocker["kind"] == "long-session" and blocker["task"] == TASK

        markdown = await s.command("devfocus.report", {"period": "standup"})
        assert markdown.startswith(f"# DevFocus — Standup\n\n## {day(2):%A %d %b}\n")
        assert "- worked in tools 9m" in markdown
        assert "without a commit" in markdown

        redacted = await s.command("devfocus.report", {"period": "standup", "redact": True})
        assert "ABC-12" not in redacted and "tools" not in redacted
        assert "without a commit" in redacted

        opened = await s.command("devfocus.report", {"period": "standup", "open": True})
        assert opened["shown"] is True
        assert [d.uri for d in s.client.shown_documents] == [opened["uri"]]
        assert Path(opened["path"]).read_text() == markdown

        with pytest.raises(JsonRpcException, match="standup takes neither fromDate nor compare"):
            await s.command("devfocus.report", {"period": "standup", "compare": True})
    finally:
        await end_session(s)
