"""The live status: a devfocus/status notification on every change of state, and the commands."""

from __future__ import annotations

import random
import time
from datetime import datetime, timezone
from pathlib import Path

from devfocus.store.database import Database
from devfocus.store.events import write_events
from tests.lsp.conftest import Session, end_session, expose_client, start_session

WIRE_KEYS = {
    "state",
    "sessionStart",
    "sessionSeconds",
    "todaySeconds",
    "context",
    "switchesLastHour",
    "deepWork",
    "deepWorkSeconds",
    "task",
}


def seed_edits(data_dir: Path, project: Path, branch: str, start: float, minutes: int) -> None:
    """Stored history as the server writes it: one edit span per minute in one context."""
    rows = [
        {
            "id": random.getrandbits(63),
            "start_ms": int((start + 60 * i) * 1000),
            "end_ms": int((start + 60 * i + 50) * 1000),
            "kind": "edit",
            "project": project.as_posix(),
            "path": "app.py",
            "language": "python",
            "branch": branch,
            "editor": "seed",
            "source": "seed",
            "lines_added": 1,
            "lines_removed": 0,
        }
        for i in range(minutes)
    ]
    database = Database(f"sqlite:///{data_dir / 'devfocus.db'}")
    database.run(lambda engine: write_events(engine, rows))
    database.close()


async def test_status_goes_active_with_context_on_first_edit(session: Session) -> None:
    first = await session.statuses.wait_for(lambda s: True)
    assert first.state == "idle" and first.sessionStart is None

    session.type_lines(session.open("app.py"), line=0, count=1)
    active = await session.statuses.wait_for(lambda s: s.state == "active")
    assert active.context.project == session.repo.name
    assert active.context.branch == "main"
    assert active.sessionStart is not None

    result = await session.command("devfocus.status")
    assert set(result) >= WIRE_KEYS
    assert result["state"] == "active"
    assert result["context"] == {
        "project": session.repo.name,
        "root": session.repo.as_posix(),
        "branch": "main",
    }


async def test_losing_window_focus_makes_the_developer_idle(session: Session) -> None:
    session.type_lines(session.open("app.py"), line=0, count=1)
    await session.statuses.wait_for(lambda s: s.state == "active")
    session.client.protocol.notify("devfocus/windowState", {"focused": False})
    idle = await session.statuses.wait_for(lambda s: s.state == "idle")
    assert idle.sessionStart is None
    session.client.protocol.notify("devfocus/windowState", {"focused": True})
    await session.statuses.wait_for(lambda s: s.state == "active" and s is not idle)


async def test_pause_and_resume_are_announced(session: Session) -> None:
    session.type_lines(session.open("app.py"), line=0, count=1)
    await session.statuses.wait_for(lambda s: s.state == "active")
    await session.command("devfocus.tracking.pause")
    paused = await session.statuses.wait_for(lambda s: s.state == "paused")
    await session.command("devfocus.tracking.resume")
    await session.statuses.wait_for(lambda s: s.state == "idle" and s is not paused)


async def test_no_activity_for_the_idle_timeout_ends_the_session(
    request, repo, data_dir, preset
) -> None:
    # 0.1 minutes: the status must turn idle six seconds after the last edit, without traffic.
    s = await start_session(
        repo, data_dir, preset, initialization_options={"sessions": {"idleTimeoutMinutes": 0.1}}
    )
    expose_client(request, s.client)
    try:
        # Timed from the edit, not from the "active" notification: on a loaded machine that
        # one can arrive late, which made the idle one seem early.
        started = time.monotonic()
        s.type_lines(s.open("app.py"), line=0, count=1)
        active = await s.statuses.wait_for(lambda st: st.state == "active")
        idle = await s.statuses.wait_for(lambda st: st.state == "idle" and st is not active, 20)
        assert 5.5 <= time.monotonic() - started <= 14.0
        assert idle.sessionSeconds == 0
    finally:
        await end_session(s)


async def test_deep_work_and_today_come_from_stored_history(
    request, repo, data_dir, preset
) -> None:
    now = time.time()
    seed_edits(data_dir, repo, "main", start=now - 30 * 60, minutes=30)
    s = await start_session(repo, data_dir, preset)
    expose_client(request, s.client)
    try:
        s.type_lines(s.open("app.py"), line=0, count=1)
        status = await s.statuses.wait_for(lambda st: st.state == "active")
        # Thirty minutes in one context with no pause over five minutes: deep work (25 min).
        assert status.deepWork is True
        assert status.sessionSeconds >= 29 * 60
        assert status.deepWorkSeconds >= 25 * 60 or time.gmtime(now).tm_hour == 0
    finally:
        await end_session(s)


async def test_context_switches_are_counted_live(request, make_repo, data_dir, preset) -> None:
    first = make_repo("api")
    second = make_repo("web", branch="develop")
    s = await start_session(first, data_dir, preset)
    expose_client(request, s.client)
    try:
        s.type_lines(s.open("app.py"), line=0, count=1)
        await s.statuses.wait_for(lambda st: st.state == "active" and st.context.project == "api")
        other = (second / "app.py").as_uri()
        s.client.text_document_did_open(_item(other))
        s.type_lines(other, line=0, count=1)
        switched = await s.statuses.wait_for(
            lambda st: st.context is not None and st.context.project == "web"
        )
        assert switched.context.branch == "develop"
        assert switched.switchesLastHour == 1
        s.type_lines(s.uri("app.py"), line=1, count=1, version=10)
        back = await s.statuses.wait_for(lambda st: st.switchesLastHour == 2)
        assert back.context.project == "api"
    finally:
        await end_session(s)


def _item(uri: str):
    from lsprotocol import types

    return types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text="")
    )


async def test_without_window_notifications_documents_and_the_idle_timeout_decide(
    request, repo, data_dir
) -> None:
    """Neovim, Emacs, Helix and most editors send neither devfocus/windowState nor
    devfocus/activeEditor: the window counts as focused, the edited document gives the context,
    and only the idle timeout ends a session."""
    s = await start_session(
        repo, data_dir, "neovim", initialization_options={"sessions": {"idleTimeoutMinutes": 0.1}}
    )
    expose_client(request, s.client)
    try:
        started = time.monotonic()
        s.type_lines(s.open("app.py"), line=0, count=1)
        active = await s.statuses.wait_for(lambda st: st.state == "active" and st.context)
        assert active.context.branch == "main" and active.context.project == repo.name
        await s.statuses.wait_for(lambda st: st.state == "idle" and st is not active, 20)
        assert time.monotonic() - started >= 5.5
        rows = await s.wait_for_events(lambda rows: any(r["kind"] == "edit" for r in rows))
        assert not [r for r in rows if r["kind"] in ("blur", "focus", "activate")]
    finally:
        await end_session(s)


async def test_goals_count_the_activity_of_every_window_today_and_this_week(
    request, repo, data_dir, preset
) -> None:
    """Another window's stored work counts toward the goals: 30 minutes today and an hour on
    Monday (when today is not Monday). The server's local time is UTC (TZ=UTC)."""
    now = time.time()
    today = datetime.fromtimestamp(now, timezone.utc).date()
    day_start = datetime(today.year, today.month, today.day, tzinfo=timezone.utc).timestamp()
    monday = day_start - today.weekday() * 86400
    start = max(now - 30 * 60, day_start)
    minutes = int((now - start) // 60)
    if minutes:
        seed_edits(data_dir, repo, "main", start=start, minutes=minutes)
    # Sixty one-minute spans, 50 s of edits each: focus from the first edit to the last one's end.
    earlier = 59 * 60 + 50.0 if monday < day_start else 0.0
    if earlier:
        seed_edits(data_dir, repo, "main", start=monday + 3600, minutes=60)
    goals = {"dailyFocusMinutes": 120, "weeklyFocusMinutes": 600}
    s = await start_session(repo, data_dir, preset, initialization_options={"goals": goals})
    expose_client(request, s.client)
    try:
        sent = await s.statuses.wait_for(lambda st: st.goals)
        assert [g.kind for g in sent.goals] == ["dailyFocus", "weeklyFocus"]
        status = await s.command("devfocus.status")
        daily, weekly = status["goals"]
        assert daily["targetSeconds"] == 7200 and weekly["targetSeconds"] == 36000
        worked_today = time.time() - start if minutes else 0.0
        assert abs(daily["doneSeconds"] - worked_today) <= 90
        assert abs(weekly["doneSeconds"] - (daily["doneSeconds"] + earlier)) <= 2
        assert abs(daily["share"] - daily["doneSeconds"] / 7200) < 0.002
    finally:
        await end_session(s)


async def test_without_goals_the_status_has_none(session: Session) -> None:
    status = await session.command("devfocus.status")
    assert status["goals"] == [] and status["focusBlock"] is None
