"""Tasks from the trackers through the real server: syncing issues (on start and on demand),
the status's task as the imported issue, the task list, links, and switch reasons."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import (
    Session,
    end_session,
    expose_client,
    server_env,
    start_session,
)
from tests.repos import git, init_repo
from tests.trackerservers import GitHubServer, JiraServer, github_issues, jira_issues

TOKEN = "t0k3n"
INVALID_PARAMS = -32602


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    with closing(sqlite3.connect(db, timeout=10)) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []  # not created yet


@pytest.fixture
def github() -> Iterator[GitHubServer]:
    with GitHubServer(token=TOKEN, prefix="/api/v3") as server:
        server.repos["acme/app"] = github_issues(30, pulls_every=5, host=server.url)
        yield server


@pytest.fixture
def shop(tmp_path: Path, github: GitHubServer) -> Path:
    repo = init_repo(tmp_path / "shop", files={"app.py": "x = 1\n"})
    git(repo, "remote", "add", "origin", f"{github.url}/acme/app.git")
    git(repo, "checkout", "-q", "-b", "fix/1-crash")
    return repo


def settings_for(github: GitHubServer, **issues: Any) -> dict[str, Any]:
    return {
        "issues": {
            "github": {"enabled": True, "apiUrl": github.api_url},
            **issues,
        }
    }


async def started(
    request: pytest.FixtureRequest,
    repo: Path,
    data_dir: Path,
    configuration: dict[str, Any],
    token: str | None = TOKEN,
    preset: str = "visual-studio-code",
    **env: str,
) -> Session:
    extra = {"GITHUB_TOKEN": token} if token else {}
    environment = server_env(data_dir, **extra, **env)
    if not token:
        environment.pop("GITHUB_TOKEN", None)
    environment.pop("GH_TOKEN", None)
    s = await start_session(
        repo,
        data_dir,
        preset,
        configuration=configuration,
        initialization_options=configuration,
        env=environment,
    )
    expose_client(request, s.client)
    return s


@pytest_asyncio.fixture
async def synced(
    request: pytest.FixtureRequest, shop: Path, data_dir: Path, github: GitHubServer
) -> AsyncIterator[Session]:
    """A server whose start synced acme/app's issues."""
    s = await started(request, shop, data_dir, settings_for(github))
    await wait_until(lambda: len(rows(s.db_path, "SELECT key FROM tracker_issues")) == 24)
    yield s
    await end_session(s)


async def wait_until(condition: Any, timeout: float = 30.0) -> None:
    """Until ``condition()`` holds: the server syncs on its own thread, into another process's
    file (there is no event to wait on)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the condition never held")
        await asyncio.sleep(0.1)


async def test_the_server_syncs_on_start_and_the_branch_task_becomes_the_issue(
    synced: Session, github: GitHubServer
) -> None:
    s = synced
    assert rows(s.db_path, "SELECT count(*) FROM tracker_pulls") == [(6,)]
    s.type_lines(s.open("app.py"), line=0, count=1)
    active = await s.statuses.wait_for(
        lambda st: st.state == "active" and st.task and "(bug, high)" in st.task.label
    )
    task = active.task
    assert task.label == "#1 Crash when saving file 1 (bug, high)"
    assert (task.ref, task.priority, task.tracker) == ("#1", "high", "github")
    assert task.url == f"{github.url}/acme/app/issues/1"
    assert [link.url for link in task.links] == [task.url]
    assert all(r.headers.get("authorization") == "<valid>" for r in github.requests)


async def test_a_sync_on_start_waits_for_sync_minutes(
    request: pytest.FixtureRequest,
    synced: Session,
    shop: Path,
    data_dir: Path,
    github: GitHubServer,
) -> None:
    await end_session(synced)
    seen = len(github.requests)
    again = await started(request, shop, data_dir, settings_for(github))
    try:
        # The previous sync was seconds ago: within devfocus.issues.syncMinutes, nothing is sent.
        await again.wait_for_log("issues: the last sync on start was")
        assert len(github.requests) == seen
    finally:
        await end_session(again)


async def test_sync_command_reports_progress_and_an_unchanged_resync_costs_nothing(
    synced: Session, github: GitHubServer
) -> None:
    s = synced
    before = len(github.requests)
    answer = await s.command("devfocus.issues.sync", {"full": True})
    (result,) = answer["syncs"]
    assert result["tracker"] == "github"
    assert result["scope"] == "127.0.0.1/acme/app"
    assert result["issues"] == 0 and result["requests"] == result["notModified"] > 0
    assert answer["cancelled"] is False
    sent = github.requests[before:]
    assert all("if-none-match" in r.headers for r in sent if "/issues" in r.path)
    reports = [value for values in s.client.progress_reports.values() for value in values]
    assert any(getattr(v, "kind", None) == "begin" and v.title == "Syncing issues" for v in reports)
    assert any(getattr(v, "kind", None) == "end" for v in reports)


async def test_tasks_list_searches_filters_and_refuses_bad_arguments(synced: Session) -> None:
    s = synced
    listed = await s.command("devfocus.tasks.list", {"query": "file 3"})
    keys = [t["key"] for t in listed["tasks"]]
    assert "#3" in keys and all(k.startswith("#3") for k in keys)
    bugs = await s.command("devfocus.tasks.list", {"kind": "bug", "limit": 3})
    assert len(bugs["tasks"]) == 3 and bugs["total"] > 3
    assert all(t["kind"] == "bug" for t in bugs["tasks"])
    with pytest.raises(JsonRpcException) as refused:
        await s.command("devfocus.tasks.list", {"kind": "epic"})
    assert refused.value.code == INVALID_PARAMS


async def test_picking_a_task_by_ref_and_linking_a_page_to_it(synced: Session) -> None:
    s = synced
    s.type_lines(s.open("app.py"), line=0, count=1)
    await s.statuses.wait_for(lambda st: st.state == "active")
    answer = await s.command("devfocus.task.set", {"ref": "#2"})
    assert answer["title"] == "Crash when saving file 2"
    status = await s.command("devfocus.status")
    assert status["task"]["label"] == "#2 Crash when saving file 2 (feature)"
    linked = await s.command(
        "devfocus.task.link", {"url": "https://docs.example.org/design", "title": "Design"}
    )
    assert linked["task"] == "#2 Crash when saving file 2 (feature)"
    assert [k["source"] for k in linked["links"]] == ["tracker", "user"]
    status = await s.command("devfocus.status")
    assert status["task"]["links"][-1] == {
        "url": "https://docs.example.org/design",
        "title": "Design",
        "source": "user",
    }
    with pytest.raises(JsonRpcException) as refused:
        await s.command("devfocus.task.link", {"url": "javascript:alert(1)"})
    assert refused.value.code == INVALID_PARAMS


async def test_a_switch_is_annotated_with_its_reason(synced: Session) -> None:
    s = synced
    with pytest.raises(JsonRpcException) as none_yet:
        await s.command("devfocus.switch.annotate", {"reason": "meeting"})
    assert "no context switch in the last hour" in str(none_yet.value)
    answer = await s.command(
        "devfocus.switch.annotate",
        {"reason": "other", "note": "fire drill", "at": "2026-12-01T10:00:00Z"},
    )
    assert (answer["reason"], answer["note"], answer["at"]) == (
        "other",
        "fire drill",
        "2026-12-01T10:00:00Z",
    )
    assert rows(s.db_path, "SELECT reason, note FROM switch_notes") == [("other", "fire drill")]
    with pytest.raises(JsonRpcException) as bad:
        await s.command("devfocus.switch.annotate", {"reason": "bored"})
    assert bad.value.code == INVALID_PARAMS


async def test_without_a_network_a_sync_says_why_and_keeps_the_issues(
    request: pytest.FixtureRequest,
    synced: Session,
    shop: Path,
    data_dir: Path,
    github: GitHubServer,
) -> None:
    await end_session(synced)
    github.close()
    s = await started(request, shop, data_dir, settings_for(github, syncMinutes=5))
    try:
        answer = await s.command("devfocus.issues.sync")
        (result,) = answer["syncs"]
        assert "could not be reached" in result["error"]
        message = await s.wait_for_message("could not sync issues")
        assert message.type == types.MessageType.Warning
        assert "127.0.0.1 could not be reached" in message.message
        assert "What was synced before is kept" in message.message
        assert rows(s.db_path, "SELECT count(*) FROM tracker_issues") == [(24,)]
    finally:
        await end_session(s)


async def test_nothing_configured_syncs_nothing(
    request: pytest.FixtureRequest, shop: Path, data_dir: Path, github: GitHubServer
) -> None:
    s = await started(request, shop, data_dir, {})
    try:
        answer = await s.command("devfocus.issues.sync")
        assert answer["syncs"] == [] and "no issue tracker is configured" in answer["reason"]
        assert github.requests == []
    finally:
        await end_session(s)


async def test_jira_issues_sync_from_the_site(
    request: pytest.FixtureRequest, shop: Path, data_dir: Path
) -> None:
    with JiraServer(jira_issues(12)) as jira:
        configuration = {"issues": {"jira": {"url": jira.url, "email": jira.email}}}
        s = await started(
            request, shop, data_dir, configuration, token=None, DEVFOCUS_JIRA_TOKEN=jira.token
        )
        try:
            answer = await s.command("devfocus.issues.sync")
            (result,) = answer["syncs"]
            assert (result["tracker"], result["issues"], result.get("error")) == ("jira", 12, None)
            listed = await s.command("devfocus.tasks.list", {"query": "ABC-1"})
            assert listed["tasks"][0]["label"] == "ABC-1 Export fails for report 1 (bug, highest)"
        finally:
            await end_session(s)


async def test_the_issue_report_comes_as_json_and_markdown(synced: Session) -> None:
    s = synced
    data = await s.command("devfocus.report", {"issues": True, "period": "90d", "format": "json"})
    assert data["schema"] == "devfocus.issues/1"
    assert sum(w["opened"] for w in data["weeks"]) == 24
    markdown = await s.command("devfocus.report", {"issues": True, "period": "90d"})
    assert markdown.startswith("# DevFocus — Issues") and "data:image/svg+xml" in markdown
    with pytest.raises(JsonRpcException) as refused:
        await s.command("devfocus.report", {"issues": True, "period": "standup"})
    assert refused.value.code == INVALID_PARAMS


class SlowGitHub(GitHubServer):
    """GitHub, a quarter of a second per answer: time to press cancel between pages."""

    def _answer(self, *args: Any, **kwargs: Any) -> Any:
        import time

        time.sleep(0.25)  # the server's own pace, as a slow network's
        return super()._answer(*args, **kwargs)


async def test_cancelling_the_progress_stops_the_sync_between_pages(
    request: pytest.FixtureRequest, tmp_path: Path, data_dir: Path
) -> None:
    with SlowGitHub(token=TOKEN, prefix="/api/v3") as slow:
        slow.repos["acme/app"] = github_issues(1000, host=slow.url)  # 10 pages
        repo = init_repo(tmp_path / "slow", files={"app.py": "x = 1\n"})
        git(repo, "remote", "add", "origin", f"{slow.url}/acme/app.git")
        s = await started(request, repo, data_dir, settings_for(slow, syncMinutes=10080))
        try:
            await s.wait_for_log("issues: github")  # the sync on start, done
            before = len(slow.requests)
            sync = asyncio.ensure_future(s.command("devfocus.issues.sync", {"full": True}))

            def reported() -> Any:
                for token, values in s.client.progress_reports.items():
                    if any(getattr(v, "kind", None) == "report" for v in values):
                        return token
                return None

            await wait_until(lambda: reported() is not None)
            s.client.window_work_done_progress_cancel(
                types.WorkDoneProgressCancelParams(token=reported())
            )
            answer = await asyncio.wait_for(sync, 30)
            assert answer["cancelled"] is True
            assert len(slow.requests) - before < 10  # it stopped before the last page
        finally:
            await end_session(s)


async def test_turning_github_on_while_the_server_runs_syncs_at_once(
    request: pytest.FixtureRequest, shop: Path, data_dir: Path, github: GitHubServer
) -> None:
    s = await started(request, shop, data_dir, {})
    try:
        await s.command("devfocus.status")
        assert github.requests == []  # nothing configured: nothing sent
        s.client.set_configuration(settings_for(github), section="devfocus")
        s.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None)
        )
        await wait_until(lambda: len(rows(s.db_path, "SELECT key FROM tracker_issues")) == 24)
    finally:
        await end_session(s)
