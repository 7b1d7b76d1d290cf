"""Git history through the real server: the start-up import, live pickup of commits and
checkouts, the import command, the hand-set task and reports made from commits alone.

Each repository is made here with commits dated relative to now (a report's period ends now) and
``user.email`` set to the author of the commits, as a developer's own repository has it. The
server writes on its own clock, so every expectation polls the database file or waits for a
notification, with a bound; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import Session, end_session, expose_client, start_session
from tests.repos import git

PICKUP = 10.0  # seconds: a commit or checkout must be in the database this soon
INVALID_PARAMS = -32602
FEATURE = "feature/ABC-7-export"


# -- repositories -----------------------------------------------------------------------------
def iso(moment: datetime) -> str:
    """A date as git's ``GIT_AUTHOR_DATE`` takes it."""
    return moment.isoformat(timespec="seconds")


def history_repo(path: Path, commits: Sequence[tuple[datetime, str]], branch: str = "main") -> Path:
    """A repository on ``branch`` whose commits are ``(when, subject)``, each adding a line to
    ``app.py``; its ``user.email`` is the commits' author (tests.repos.git's)."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", branch)
    git(path, "config", "user.email", "dev@example.com")
    for number, (when, subject) in enumerate(commits):
        commit(path, when, subject, line=f"step_{number} = {number}\n")
    return path


def commit(repo: Path, when: datetime, subject: str, line: str = "x = 1\n") -> str:
    """One commit at ``when`` adding ``line`` to ``app.py``; returns its sha."""
    with (repo / "app.py").open("a") as out:
        out.write(line)
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", subject, date=iso(when))
    return git(repo, "rev-parse", "HEAD").strip()


def three_days_ago() -> datetime:
    """A moment well inside the last 7 days, whole minutes (git keeps whole seconds)."""
    return (datetime.now(timezone.utc) - timedelta(days=3)).replace(second=0, microsecond=0)


# -- the database file --------------------------------------------------------------------------
def query(db: Path, sql: str, *params: Any) -> list[sqlite3.Row]:
    """Rows of the server's database file, as another process sees them; none before the file
    or the table exists."""
    if not db.exists():
        return []
    with closing(sqlite3.connect(db, timeout=10)) as conn:
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError:
            return []  # not created yet


async def wait_for_rows(
    db: Path,
    sql: str,
    predicate: Callable[[list[sqlite3.Row]], bool],
    timeout: float,
) -> list[sqlite3.Row]:
    """Poll the database file until ``predicate`` holds for the rows of ``sql``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        rows = query(db, sql)
        if predicate(rows):
            return rows
        if loop.time() > deadline:
            raise AssertionError(
                f"within {timeout:g} s the database never matched; last rows of {sql!r}: "
                f"{[dict(r) for r in rows]}"
            )
        await asyncio.sleep(0.1)  # another process's file: there is no event to await


def commit_count(db: Path) -> int:
    rows = query(db, "SELECT count(*) AS n FROM commits")
    return rows[0]["n"] if rows else 0


def imported(session: Session, root: Path) -> int:
    """Commits the server said its watcher imported from ``root`` (window/logMessage)."""
    pattern = re.compile(rf"git: {re.escape(root.as_posix())}: (\d+) new commits")
    return sum(
        int(m.group(1))
        for m in (pattern.search(message.message) for message in session.client.log_messages)
        if m is not None
    )


async def started(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str, **options: Any
) -> Session:
    """A server on ``repo`` whose log is attached to the test's report when it fails."""
    s = await start_session(repo, data_dir, preset, **options)
    expose_client(request, s.client)
    return s


def task_of(status: Any) -> dict[str, Any] | None:
    """The ``task`` of a status notification or ``devfocus.status`` result, as plain data."""
    task = status["task"] if isinstance(status, dict) else status.task
    if task is None:
        return None
    keys = ("title", "kind", "ref", "label", "source")
    if isinstance(task, dict):
        return {k: task[k] for k in keys}
    return {k: getattr(task, k) for k in keys}


# -- 1. live pickup -------------------------------------------------------------------------------
async def test_a_new_commit_is_in_the_database_within_ten_seconds(
    request, tmp_path: Path, data_dir: Path, preset: str
) -> None:
    t = three_days_ago()
    repo = history_repo(
        tmp_path / "project",
        [(t, "Start the exporter"), (t + timedelta(minutes=10), "Write rows")],
    )
    s = await started(request, repo, data_dir, preset)
    try:
        await s.wait_for_log(f"git: {repo.as_posix()}: 2 new commits, 0 checkouts")
        assert commit_count(s.db_path) == 2
        stored = query(s.db_path, "SELECT root, user_email FROM repositories")
        assert [tuple(r) for r in stored] == [(repo.as_posix(), "dev@example.com")]

        logged = len(s.client.log_messages)
        sha = commit(repo, datetime.now(timezone.utc), "Quote commas in the export")
        made = time.monotonic()
        rows = await wait_for_rows(
            s.db_path,
            "SELECT sha, branch, author_email, message, reachable FROM commits",
            lambda rows: any(r["sha"] == sha for r in rows),
            PICKUP,
        )
        assert time.monotonic() - made <= PICKUP
        row = next(r for r in rows if r["sha"] == sha)
        assert row["message"].startswith("Quote commas in the export")
        assert (row["branch"], row["author_email"], row["reachable"]) == (
            "main",
            "dev@example.com",
            1,
        )
        assert len(rows) == 3  # the earlier two once each, not read again
        await s.wait_for_log(
            f"git: {repo.as_posix()}: 1 new commits, 0 checkouts, 0 no longer on a branch",
            after=logged,
        )
    finally:
        await end_session(s)


# -- 2. a checkout: stored, and the branch's task in the status ---------------------------------
async def test_a_checkout_is_stored_and_its_branch_names_the_task(
    request, tmp_path: Path, data_dir: Path, preset: str
) -> None:
    t = three_days_ago()
    repo = history_repo(tmp_path / "project", [(t, "Start the exporter")])
    s = await started(request, repo, data_dir, preset)
    try:
        s.type_lines(s.open("app.py"), line=0, count=1)
        on_main = await s.statuses.wait_for(
            lambda st: st.state == "active" and st.context.branch == "main"
        )
        assert on_main.task is None  # a main line is no task
        await s.wait_for_log(f"git: {repo.as_posix()}: 1 new commits")

        now = datetime.now(timezone.utc).replace(microsecond=0)
        git(repo, "checkout", "-q", "-b", FEATURE, date=iso(now))
        head = git(repo, "rev-parse", "HEAD").strip()
        rows = await wait_for_rows(
            s.db_path,
            "SELECT from_ref, to_ref, sha, at_ms FROM checkouts",
            lambda rows: any(r["to_ref"] == FEATURE for r in rows),
            PICKUP,
        )
        assert [(r["from_ref"], r["to_ref"], r["sha"]) for r in rows] == [("main", FEATURE, head)]
        assert rows[0]["at_ms"] == int(now.timestamp()) * 1000  # the reflog's time

        # The status's branch is where the editor works: a file edited after the checkout.
        other = s.open("export.py", "")
        s.type_lines(other, line=0, count=1)
        on_feature = await s.statuses.wait_for(
            lambda st: st.context is not None and st.context.branch == FEATURE
        )
        expected = {
            "title": "export",
            "kind": "feature",
            "ref": "ABC-7",
            "label": "ABC-7 export",
            "source": "branch",
        }
        assert task_of(on_feature) == expected
        assert task_of(await s.command("devfocus.status")) == expected
    finally:
        await end_session(s)


# -- 3. the import command -------------------------------------------------------------------------
async def test_the_import_command_counts_new_commits_once_and_shows_progress(
    request, tmp_path: Path, data_dir: Path, preset: str
) -> None:
    t = three_days_ago()
    repo = history_repo(
        tmp_path / "project",
        [(t + timedelta(minutes=m), f"Step {m}") for m in (0, 10, 25)],
    )
    s = await started(request, repo, data_dir, preset)
    try:
        first = await s.command("devfocus.git.import")
        [entry] = first["repositories"]
        assert entry["root"] == repo.as_posix()
        assert (entry["problem"], entry["unreachable"], entry["checkouts"]) == (None, 0, 0)
        assert entry["seconds"] >= 0
        # The watcher imports at start-up too, on the same thread: whichever ran first read
        # every commit, the other none (its log line, if any, came before this answer).
        assert entry["newCommits"] + imported(s, repo) == 3
        assert commit_count(s.db_path) == 3

        second = await s.command("devfocus.git.import")
        assert [(r["root"], r["newCommits"]) for r in second["repositories"]] == [
            (repo.as_posix(), 0)
        ]
        assert commit_count(s.db_path) == 3

        # Both presets announce window.workDoneProgress: one progress bar per call, ended.
        bars = {
            token: reports
            for token, reports in s.client.progress_reports.items()
            if str(token).startswith("devfocus-git")
        }
        assert len(bars) == 2
        for reports in bars.values():
            kinds = [r.kind for r in reports]
            assert (kinds[0], kinds[-1]) == ("begin", "end")
            assert set(kinds[1:-1]) <= {"report"}
            assert reports[0].title == "Importing git history"
            assert reports[-1].message == "Done"
    finally:
        await end_session(s)


# -- 4. the hand-set task ------------------------------------------------------------------------
BRANCH_TASK = {
    "title": "export",
    "kind": "feature",
    "ref": "ABC-7",
    "label": "ABC-7 export",
    "source": "branch",
}
MANUAL_TASK = {
    "title": "Write the export",
    "kind": "feature",
    "ref": None,
    "label": "Write the export",
    "source": "manual",
}


async def test_a_task_set_by_hand_replaces_the_branch_task_until_cleared(
    request, tmp_path: Path, data_dir: Path, preset: str
) -> None:
    repo = history_repo(tmp_path / "project", [(three_days_ago(), "Start")], branch=FEATURE)
    s = await started(request, repo, data_dir, preset)
    try:
        s.type_lines(s.open("app.py"), line=0, count=1)
        active = await s.statuses.wait_for(lambda st: st.state == "active")
        assert task_of(active) == BRANCH_TASK

        answer = await s.command(
            "devfocus.task.set", {"title": "Write the export", "kind": "feature"}
        )
        assert dict(answer) == {
            "title": "Write the export",
            "kind": "feature",
            "project": repo.as_posix(),
            "branch": FEATURE,
        }
        assert task_of(await s.command("devfocus.status")) == MANUAL_TASK
        stored = query(s.db_path, "SELECT project, branch, title, kind FROM tasks")
        assert [tuple(r) for r in stored] == [
            (repo.as_posix(), FEATURE, "Write the export", "feature")
        ]

        with pytest.raises(JsonRpcException) as refused:
            await s.command("devfocus.task.set", {"title": "Plan", "kind": "epic"})
        assert refused.value.code == INVALID_PARAMS
        assert "kind must be one of feature, bug, refactor, docs, test, chore" in str(refused.value)
        assert task_of(await s.command("devfocus.status")) == MANUAL_TASK  # nothing changed
        assert len(query(s.db_path, "SELECT id FROM tasks")) == 1

        cleared = await s.command("devfocus.task.set", {"title": ""})
        assert (cleared["title"], cleared["kind"]) == (None, None)
        assert task_of(await s.command("devfocus.status")) == BRANCH_TASK
    finally:
        await end_session(s)


async def test_the_status_notification_follows_the_hand_set_task(
    request, tmp_path: Path, data_dir: Path, preset: str
) -> None:
    repo = history_repo(tmp_path / "project", [(three_days_ago(), "Start")], branch=FEATURE)
    s = await started(request, repo, data_dir, preset)
    try:
        s.type_lines(s.open("app.py"), line=0, count=1)
        await s.statuses.wait_for(lambda st: st.state == "active")
        await s.command("devfocus.task.set", {"title": "Write the export", "kind": "feature"})
        # The editor's status bar shows the notification: it must not wait for a later edit.
        # 5 s: well under the 15 s between notifications that only move counters.
        shown = await s.statuses.wait_for(lambda st: task_of(st) == MANUAL_TASK, timeout=5)
        assert shown.state == "active"
        await s.command("devfocus.task.set", {"title": ""})
        await s.statuses.wait_for(
            lambda st: st is not shown and task_of(st) == BRANCH_TASK, timeout=5
        )
    finally:
        await end_session(s)


# -- 5. a report from commits alone ------------------------------------------------------------
async def test_week_report_of_commits_without_editor_activity(
    request, tmp_path: Path, data_dir: Path, preset: str
) -> None:
    t = three_days_ago()
    times = [t, t + timedelta(minutes=10), t + timedelta(minutes=25)]
    subjects = ["ABC-9: write CSV rows", "ABC-9: add the header", "Fix quoting of commas"]
    repo = history_repo(tmp_path / "project", list(zip(times, subjects, strict=True)))
    s = await started(request, repo, data_dir, preset)
    try:
        await s.wait_for_log(f"git: {repo.as_posix()}: 3 new commits")
        report = await s.command("devfocus.report", {"period": "week", "format": "json"})

        # One session: 30 minutes of credit before the first commit, then 10 + 15 minutes of
        # gaps under 30: 55 minutes, all of it in the project, on main.
        [session] = report["sessions"]
        assert session["fromHistory"] is True
        assert session["focusSeconds"] == 55 * 60
        assert session["commits"] == 3
        assert session["contexts"] == ["project @ main"]
        assert datetime.fromisoformat(session["start"]) == t - timedelta(minutes=30)
        assert datetime.fromisoformat(session["end"]) == t + timedelta(minutes=25)
        assert report["focusSeconds"] == 55 * 60
        assert report["sessionCount"] == 1
        assert [(r["label"], r["seconds"]) for r in report["byLanguage"]] == [
            ("(git history)", 55 * 60)
        ]
        assert [r["label"] for r in report["byProject"]] == ["project"]

        assert report["commitCount"] == 3
        listed = report["commits"]
        assert [c["subject"] for c in listed] == subjects
        assert [datetime.fromisoformat(c["at"]) for c in listed] == times
        assert {(c["root"], c["branch"], c["author"]) for c in listed} == {
            (repo.as_posix(), "main", "Dev Focus")
        }
        assert [c["task"]["ref"] for c in listed] == ["ABC-9", "ABC-9", None]
        assert listed[2]["task"] == {"title": "Fix quoting of commas", "kind": "bug", "ref": None}
        # ABC-9 is named twice, the fix once: the session is ABC-9's, titled by its latest.
        assert session["task"] == "ABC-9 add the header"
        assert [(r["label"], r["seconds"]) for r in report["byTask"]] == [
            ("ABC-9 add the header", 55 * 60)
        ]
    finally:
        await end_session(s)


# -- 6. a workspace folder that is no repository ------------------------------------------------
async def test_a_folder_without_git_works_without_history(
    request, tmp_path: Path, data_dir: Path, preset: str
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.py").write_text("items = []\n")
    s = await started(request, folder, data_dir, preset)
    try:
        s.type_lines(s.open("todo.py"), line=1, count=2)
        active = await s.statuses.wait_for(lambda st: st.state == "active")
        assert (active.context.project, active.context.branch) == ("notes", None)
        assert active.task is None

        report = await s.command("devfocus.report", {"period": "today", "format": "json"})
        assert report["linesAdded"] == 2 and report["commits"] == []
        await s.wait_for_events(lambda rows: any(r["kind"] == "edit" for r in rows))
        assert query(s.db_path, "SELECT root FROM repositories") == []
        assert commit_count(s.db_path) == 0
        assert s.client.messages == []  # nothing to warn the user about
        serious = (types.MessageType.Error, types.MessageType.Warning)
        assert [m.message for m in s.client.log_messages if m.type in serious] == []
    finally:
        await end_session(s)


async def test_the_import_command_in_a_folder_without_git_lists_no_repositories(
    request, tmp_path: Path, data_dir: Path, preset: str
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    s = await started(request, folder, data_dir, preset)
    try:
        assert dict(await s.command("devfocus.git.import")) == {"repositories": []}
        assert (await s.command("devfocus.status"))["state"] == "idle"
        assert s.client.messages == []
    finally:
        await end_session(s)


# -- 7. git switched off ------------------------------------------------------------------------
async def test_git_disabled_imports_nothing_and_status_still_works(
    request, tmp_path: Path, data_dir: Path, preset: str
) -> None:
    repo = history_repo(tmp_path / "project", [(three_days_ago(), "Start")], branch=FEATURE)
    s = await started(
        request, repo, data_dir, preset, initialization_options={"git": {"enabled": False}}
    )
    try:
        s.type_lines(s.open("app.py"), line=0, count=1)
        active = await s.statuses.wait_for(lambda st: st.state == "active")
        assert active.context.branch == FEATURE
        assert task_of(active) == BRANCH_TASK  # the branch name still says what the work is
        # Written edits mean the server has been up for a flush interval (2 s): an enabled
        # watcher would have imported by then (it starts before the first status).
        await s.wait_for_events(lambda rows: any(r["kind"] == "edit" for r in rows))
        assert commit_count(s.db_path) == 0
        # A commit now is not picked up either: by the next written edit, more than a poll
        # interval later, it is still not in the database.
        git(repo, "commit", "-q", "--allow-empty", "-m", "More", date=iso(three_days_ago()))
        s.type_lines(s.open("more.py", ""), line=0, count=1)
        await s.wait_for_events(lambda rows: any(r["path"] == "more.py" for r in rows))
        assert (await s.command("devfocus.status"))["state"] == "active"
        assert commit_count(s.db_path) == 0
        assert query(s.db_path, "SELECT root FROM repositories") == []
        assert not [m for m in s.client.log_messages if "new commits" in m.message]
    finally:
        await end_session(s)
