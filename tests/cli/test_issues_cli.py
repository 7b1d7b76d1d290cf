"""``devfocus issues sync``, ``devfocus tasks`` and the imported issues in reports, doctor and
delete: the real command line against local servers speaking GitHub's and Jira's APIs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.repos import git, init_repo
from tests.trackerservers import GitHubServer, JiraServer, github_issues, jira_issues

TOKEN = "t0k3n"


def devfocus(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("GITHUB_TOKEN", "GH_TOKEN", "DEVFOCUS_JIRA_TOKEN")
    }
    environment.update({"DEVFOCUS_DATA_DIR": str(data_dir), "TZ": "UTC", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "devfocus", *args],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def rows(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(data_dir / "devfocus.db", timeout=10)) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def github() -> Iterator[GitHubServer]:
    """GitHub Enterprise Server on this machine (its API under /api/v3): acme/app holds 120
    items, every 5th a pull request that fixes the issue before it, every 7th closed."""
    with GitHubServer(token=TOKEN, prefix="/api/v3") as server:
        server.repos["acme/app"] = github_issues(
            120, pulls_every=5, closed_every=7, host=server.url
        )
        yield server


@pytest.fixture
def shop(tmp_path: Path, github: GitHubServer) -> Path:
    """A repository whose origin is acme/app on that server, with work on an issue's branch."""
    repo = init_repo(tmp_path / "shop", files={"app.py": "x = 1\n"})
    git(repo, "remote", "add", "upstream", "https://example.org/elsewhere/app.git")
    git(repo, "remote", "add", "origin", f"{github.url}/acme/app.git")
    git(repo, "config", "user.email", "dev@example.com")  # whose commits the report counts
    git(repo, "checkout", "-q", "-b", "fix/1-crash")
    (repo / "app.py").write_text("x = 2\n")
    git(repo, "commit", "-q", "-am", "Stop the crash", date=_iso(time.time() - 3600))
    return repo


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def sync(data_dir: Path, repo: Path, server: GitHubServer, *more: str, token: str = TOKEN):
    return devfocus(
        data_dir,
        "issues",
        "sync",
        str(repo),
        "--github-api-url",
        server.api_url,
        *more,
        env={"GITHUB_TOKEN": token},
    )


def test_sync_imports_the_repositorys_issues_and_keeps_pull_requests_apart(
    tmp_path: Path, shop: Path, github: GitHubServer
) -> None:
    data_dir = tmp_path / "data"
    out = sync(data_dir, shop, github)
    assert out.returncode == 0, out.stderr
    assert "github 127.0.0.1/acme/app: 96 issues new or changed, 24 pull requests" in out.stdout
    issues = rows(data_dir, "SELECT key, kind, priority, state FROM tracker_issues ORDER BY 1")
    assert len(issues) == 96  # 120 minus the 24 pull requests
    assert ("#1", "bug", "high", "open") in issues
    assert all(not key.endswith(("5", "0")) for key, *_ in issues)  # no pull request is a task
    pulls = rows(data_dir, "SELECT number, issues FROM tracker_pulls WHERE number = 5")
    assert pulls == [(5, "[4]")]
    assert TOKEN not in out.stdout + out.stderr


def test_an_unchanged_resync_only_asks_conditionally_and_changes_nothing(
    tmp_path: Path, shop: Path, github: GitHubServer
) -> None:
    data_dir = tmp_path / "data"
    assert sync(data_dir, shop, github, "--full").returncode == 0
    before = rows(data_dir, "SELECT * FROM tracker_issues ORDER BY key")
    first = len(github.requests)
    out = sync(data_dir, shop, github, "--full")
    assert out.returncode == 0, out.stderr
    again = [r for r in github.requests[first:] if "/issues" in r.path]
    assert again and all("if-none-match" in r.headers for r in again)
    assert "0 issues new or changed" in out.stdout
    assert rows(data_dir, "SELECT * FROM tracker_issues ORDER BY key") == before


def test_a_changed_issue_is_updated_in_place(
    tmp_path: Path, shop: Path, github: GitHubServer
) -> None:
    data_dir = tmp_path / "data"
    assert sync(data_dir, shop, github).returncode == 0
    closed = _iso(time.time())
    github.update(1, title="Crash when saving a big file", state="closed", closed_at=closed)
    out = sync(data_dir, shop, github)
    assert out.returncode == 0, out.stderr
    assert rows(data_dir, "SELECT title, state FROM tracker_issues WHERE key = '#1'") == [
        ("Crash when saving a big file", "closed")
    ]
    assert rows(data_dir, "SELECT count(*) FROM tracker_issues")[0][0] == 96


def test_a_refused_token_says_so_and_keeps_what_was_synced(
    tmp_path: Path, shop: Path, github: GitHubServer
) -> None:
    data_dir = tmp_path / "data"
    assert sync(data_dir, shop, github).returncode == 0
    out = sync(data_dir, shop, github, token="wrong-token")
    assert out.returncode == 1
    assert "401" in out.stderr and "kept" in out.stderr
    assert "wrong-token" not in out.stderr + out.stdout
    assert rows(data_dir, "SELECT count(*) FROM tracker_issues")[0][0] == 96


def test_without_a_network_the_last_sync_stays_and_one_line_says_why(
    tmp_path: Path, shop: Path, github: GitHubServer
) -> None:
    data_dir = tmp_path / "data"
    assert sync(data_dir, shop, github).returncode == 0
    api_url = github.api_url
    github.close()
    out = devfocus(
        data_dir,
        "issues",
        "sync",
        str(shop),
        "--github-api-url",
        api_url,
        env={"GITHUB_TOKEN": TOKEN},
    )
    assert out.returncode == 1
    assert "could not be reached" in out.stderr
    assert rows(data_dir, "SELECT count(*) FROM tracker_issues")[0][0] == 96
    doctor = devfocus(
        data_dir, "doctor", str(shop), "--github-api-url", api_url, env={"GITHUB_TOKEN": TOKEN}
    )
    assert "127.0.0.1/acme/app: 96 items" in doctor.stdout
    assert "could not be reached" in doctor.stdout


def test_jira_issues_are_imported_from_the_site(tmp_path: Path, shop: Path) -> None:
    data_dir = tmp_path / "data"
    with JiraServer(jira_issues(230, done_every=4)) as jira:
        out = devfocus(
            data_dir,
            "issues",
            "sync",
            str(shop),
            "--no-github",
            "--jira-url",
            jira.url,
            "--jira-email",
            jira.email,
            env={"DEVFOCUS_JIRA_TOKEN": jira.token},
        )
        assert out.returncode == 0, out.stderr
        assert "230 issues new or changed" in out.stdout
    found = rows(data_dir, "SELECT key, kind, priority, state, assigned_to_me FROM tracker_issues")
    assert ("ABC-1", "bug", "highest", "open", 1) in found
    assert ("ABC-4", "feature", "low", "closed", 0) in found


def test_tasks_lists_imported_issues_mine_first_and_searches(
    tmp_path: Path, shop: Path, github: GitHubServer
) -> None:
    data_dir = tmp_path / "data"
    assert sync(data_dir, shop, github).returncode == 0
    out = devfocus(data_dir, "tasks", "--format", "json", "--limit", "500")
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert listed["total"] == 96
    mine = [t["assignedToMe"] and t["state"] == "open" for t in listed["tasks"]]
    assert mine == sorted(mine, reverse=True)  # assigned to me and open first
    first = next(t for t in listed["tasks"] if t["key"] == "#1")
    assert first["label"] == "#1 Crash when saving file 1 (bug, high)"
    assert first["url"] == f"{github.url}/acme/app/issues/1"
    four = next(t for t in listed["tasks"] if t["key"] == "#4")
    assert [k["url"] for k in four["links"]] == [
        f"{github.url}/acme/app/issues/4",
        f"{github.url}/acme/app/pull/5",
    ]
    found = devfocus(data_dir, "tasks", "--search", "file 12", "--format", "json")
    assert [t["key"] for t in json.loads(found.stdout)["tasks"]] == ["#12"]
    text = devfocus(data_dir, "tasks", "--search", "saving file 1")
    assert "#1 Crash when saving file 1 (bug, high)" in text.stdout


def test_a_branch_naming_an_imported_issue_reports_its_title_kind_and_priority(
    tmp_path: Path, shop: Path, github: GitHubServer
) -> None:
    data_dir = tmp_path / "data"
    assert sync(data_dir, shop, github).returncode == 0
    out = devfocus(data_dir, "report", str(shop), "--period", "today", "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    tasks = [row["label"] for row in report["byTask"]]
    assert "#1 Crash when saving file 1 (bug, high)" in tasks


def test_delete_erases_imported_issues(tmp_path: Path, shop: Path, github: GitHubServer) -> None:
    data_dir = tmp_path / "data"
    assert sync(data_dir, shop, github).returncode == 0
    assert devfocus(data_dir, "delete", "--yes").returncode == 0
    db = data_dir / "devfocus.db"
    assert not db.exists() or rows(data_dir, "SELECT count(*) FROM tracker_issues") == [(0,)]


def test_nothing_configured_sends_nothing_and_says_what_to_set(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "local", files={"a.py": "a = 1\n"})
    out = devfocus(tmp_path / "data", "issues", "sync", str(repo))
    assert out.returncode == 1
    assert "no GitHub repository to sync" in out.stderr


def test_report_issues_counts_the_imported_issues_in_every_format(
    tmp_path: Path, shop: Path, github: GitHubServer
) -> None:
    data_dir = tmp_path / "data"
    assert sync(data_dir, shop, github).returncode == 0
    out = devfocus(data_dir, "report", "--issues", "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    # 96 issues (the pull requests apart) opened an hour apart 40 days ago; every 7th that is
    # not a pull request (14 of them) closed a day after it opened.
    assert report["scope"] == "127.0.0.1/acme/app"
    assert sum(w["opened"] for w in report["weeks"]) == 96
    assert sum(w["closed"] for w in report["weeks"]) == 14
    assert report["timeToClose"]["medianDays"] == 1.0
    html = devfocus(data_dir, "report", "--issues", "--format", "html")
    assert html.returncode == 0 and "<svg" in html.stdout
    refused = devfocus(data_dir, "report", "--issues", "--compare")
    assert refused.returncode == 2 and "--issues takes none of" in refused.stderr
