"""Reports of a repository never opened in an editor: ``devfocus report PATH`` imports its
history first and infers sessions, tasks and switches from the commits of its user.

The repository (``user.email`` dev@example.com), in UTC, with days counted back from today:

* day -10, on main: 09:00 "Start the login page", 09:20 "Wire the settings"; 09:30 checkout
  of ``feature/ABC-12-login``; 09:45 "Add the login form", 10:05 "Check the password"; 10:15
  checkout of main; 10:20 the branch merged (``--no-ff``).
* day -5: 14:00 and 14:40, two commits by other@example.com.
* day -3: 16:00 and 17:30, by dev@example.com.

By the default rules (30-minute gap, 30 minutes before a session's first commit) dev's sessions
are 08:30–10:20 on day -10 (110 min), 15:30–16:00 and 17:00–17:30 on day -3 (30 min each).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from devfocus.git.sessions import git_hours
from tests.repos import git

DEV = "dev@example.com"
OTHER = "Other Person <other@example.com>"
FEATURE = "feature/ABC-12-login"
MINUTE = 60


def devfocus(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it, with its data directory in the test's temporary directory."""
    env = {**os.environ, "DEVFOCUS_DATA_DIR": str(data_dir), "TZ": "UTC"}
    return subprocess.run(
        [sys.executable, "-m", "devfocus", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def report_json(data_dir: Path, *args: str) -> dict[str, Any]:
    out = devfocus(data_dir, "report", *args, "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def at(days_back: int, clock: str) -> datetime:
    """``clock`` (HH:MM, UTC) on the day ``days_back`` days before today."""
    day = datetime.now(timezone.utc).date() - timedelta(days=days_back)
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=timezone.utc)


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def commit(repo: Path, moment: datetime, subject: str, author: str | None = None) -> str:
    """A commit at ``moment`` adding a line to ``app.py`` (by dev@example.com unless
    ``author``); returns its sha."""
    with (repo / "app.py").open("a") as out:
        out.write(f"# {subject}\n")
    git(repo, "add", "app.py")
    extra = ["--author", author] if author else []
    git(repo, "commit", "-q", "-m", subject, *extra, date=moment.isoformat())
    return git(repo, "rev-parse", "HEAD").strip()


def dev_times() -> list[datetime]:
    """dev@example.com's commits, in order (computed when used: tests may cross midnight)."""
    return [
        at(10, "09:00"),
        at(10, "09:20"),
        at(10, "09:45"),
        at(10, "10:05"),
        at(10, "10:20"),  # the merge
        at(3, "16:00"),
        at(3, "17:30"),
    ]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The repository of the module docstring (built before any data directory exists)."""
    path = tmp_path / "shop"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", DEV)
    commit(path, at(10, "09:00"), "Start the login page")
    commit(path, at(10, "09:20"), "Wire the settings")
    git(path, "checkout", "-q", "-b", FEATURE, date=at(10, "09:30").isoformat())
    commit(path, at(10, "09:45"), "Add the login form")
    commit(path, at(10, "10:05"), "Check the password")
    git(path, "checkout", "-q", "main", date=at(10, "10:15").isoformat())
    git(
        path,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        f"Merge branch '{FEATURE}'",
        FEATURE,
        date=at(10, "10:20").isoformat(),
    )
    commit(path, at(5, "14:00"), "Tidy the styles", author=OTHER)
    commit(path, at(5, "14:40"), "Tidy the scripts", author=OTHER)
    commit(path, at(3, "16:00"), "Show the user name")
    commit(path, at(3, "17:30"), "Log out after an hour")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def all_shas(repo: Path) -> set[str]:
    return set(git(repo, "rev-list", "--all").split())


# -- sessions, commits and tasks from history ------------------------------------------------
def test_report_of_a_repository_never_opened_in_an_editor(repo: Path, data_dir: Path) -> None:
    report = report_json(data_dir, str(repo), "--period", "30d")
    assert report["project"] == repo.as_posix()

    sessions = report["sessions"]
    assert all(s["fromHistory"] for s in sessions)
    assert [(when(s["start"]), when(s["end"])) for s in sessions] == [
        (at(10, "08:30"), at(10, "10:20")),
        (at(3, "15:30"), at(3, "16:00")),
        (at(3, "17:00"), at(3, "17:30")),
    ]
    assert [s["focusSeconds"] for s in sessions] == [110 * MINUTE, 30 * MINUTE, 30 * MINUTE]
    assert [s["commits"] for s in sessions] == [5, 1, 1]
    assert report["focusSeconds"] == 170 * MINUTE
    assert report["sessionCount"] == 3

    # Only user.email's commits are the developer's.
    assert report["commitCount"] == 7
    assert [when(c["at"]) for c in report["commits"]] == dev_times()
    assert {c["author"] for c in report["commits"]} == {"Dev Focus"}
    assert {c["root"] for c in report["commits"]} == {repo.as_posix()}


def test_the_author_option_switches_whose_commits_count(repo: Path, data_dir: Path) -> None:
    report = report_json(data_dir, str(repo), "--period", "30d", "--author", "other@example.com")
    assert [c["subject"] for c in report["commits"]] == ["Tidy the styles", "Tidy the scripts"]
    assert {c["author"] for c in report["commits"]} == {"Other Person"}
    # 30 minutes before 14:00, then the 40 minutes to 14:40.
    [session] = report["sessions"]
    assert (when(session["start"]), when(session["end"])) == (at(5, "13:30"), at(5, "14:40"))
    assert session["focusSeconds"] == report["focusSeconds"] == 70 * MINUTE


def test_git_hours_rules_give_the_git_hours_total(repo: Path, data_dir: Path) -> None:
    report = report_json(data_dir, str(repo), "--period", "30d", "--git-hours")
    seconds = [t.timestamp() for t in dev_times()]
    # By hand: 120 minutes before 09:00 on day -10, then 20 + 25 + 20 + 15 minutes; a gap of
    # days, so 120 minutes before 16:00 on day -3, then the 90 minutes to 17:30.
    by_hand = (120 + 20 + 25 + 20 + 15 + 120 + 90) * MINUTE
    assert git_hours(seconds) == by_hand
    assert report["focusSeconds"] == by_hand
    assert [s["focusSeconds"] for s in report["sessions"]] == [200 * MINUTE, 210 * MINUTE]
    # The explicit options say the same.
    explicit = report_json(
        data_dir,
        str(repo),
        "--period",
        "30d",
        "--no-import",
        "--session-gap-minutes",
        "120",
        "--first-commit-minutes",
        "120",
    )
    assert explicit["focusSeconds"] == by_hand


def test_the_merged_branch_names_the_task_and_the_checkout_is_a_switch(
    repo: Path, data_dir: Path
) -> None:
    report = report_json(data_dir, str(repo), "--period", "30d")
    merge = next(c for c in report["commits"] if c["merge"])
    assert merge["subject"] == f"Merge branch '{FEATURE}'"
    assert merge["task"] == {"title": "login", "kind": "feature", "ref": "ABC-12"}
    # The branch's time, 09:30 (the checkout) to 10:15 (back to main), is its task's. Time on
    # main in that session (08:30-09:30, 10:15-10:20) takes the task its commits name: merges
    # aside, only "Add the login form" names a kind of work. Day -3's subjects name none.
    tasks = {row["label"]: row["seconds"] for row in report["byTask"]}
    assert tasks == {
        "ABC-12 login": 45 * MINUTE,
        "Add the login form": 65 * MINUTE,
        "(no task)": 60 * MINUTE,
    }
    assert [s["task"] for s in report["sessions"]] == ["Add the login form", None, None]

    # Both checkouts fall inside the first session, between its commits.
    switches = [(when(s["at"]), s["from"]["branch"], s["to"]["branch"]) for s in report["switches"]]
    assert switches == [
        (at(10, "09:30"), "main", FEATURE),
        (at(10, "10:15"), FEATURE, "main"),
    ]
    assert report["switchCount"] == 2
    assert [s["switches"] for s in report["sessions"]] == [2, 0, 0]
    by_branch = {row["label"]: row["seconds"] for row in report["byBranch"]}
    assert by_branch == {f"shop @ {FEATURE}": 45 * MINUTE, "shop @ main": 125 * MINUTE}
    assert report["sessions"][0]["contexts"] == ["shop @ main", f"shop @ {FEATURE}"]


def test_markdown_report_lists_the_commits(repo: Path, data_dir: Path) -> None:
    out = devfocus(data_dir, "report", str(repo), "--period", "30d", "--format", "markdown")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "## Commits" in text
    table = text.split("## Commits", 1)[1]
    assert "| when | commit | score | subject | task | where |" in table
    merge_row = next(line for line in table.splitlines() if "Merge branch" in line)
    assert "| ABC-12 login |" in merge_row
    assert "Tidy the styles" not in text  # someone else's commit
    assert "(git history)" in text  # sessions inferred from history say so


# -- import, export, delete -------------------------------------------------------------------
def test_import_twice_reads_each_commit_once(repo: Path, data_dir: Path) -> None:
    first = devfocus(data_dir, "import", str(repo))
    assert first.returncode == 0, first.stderr
    assert f"{repo.as_posix()}: 9 new commits, 2 checkouts (" in first.stdout
    again = devfocus(data_dir, "import", str(repo))
    assert again.returncode == 0, again.stderr
    assert f"{repo.as_posix()}: 0 new commits, 0 checkouts (" in again.stdout


def test_export_contains_the_imported_history(repo: Path, data_dir: Path) -> None:
    assert devfocus(data_dir, "import", str(repo)).returncode == 0
    out = devfocus(data_dir, "export", "--format", "json")
    assert out.returncode == 0, out.stderr
    exported = json.loads(out.stdout)
    assert {c["sha"] for c in exported["commits"]} == all_shas(repo)
    assert [r["root"] for r in exported["repositories"]] == [repo.as_posix()]
    assert sorted((c["fromRef"], c["toRef"]) for c in exported["checkouts"]) == [
        (FEATURE, "main"),
        ("main", FEATURE),
    ]
    assert exported["commitFiles"] and exported["tasks"] == []


def test_delete_erases_the_history_of_a_named_database(
    repo: Path, data_dir: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert devfocus(data_dir, "import", str(repo), "--database-url", url).returncode == 0
    out = devfocus(data_dir, "delete", "--yes", "--database-url", url)
    assert out.returncode == 0, out.stderr
    assert "deleted 0 events and 9 commits" in out.stdout
    assert (tmp_path / "elsewhere.db").exists()  # a database named by URL is emptied, not removed
    exported = json.loads(
        devfocus(data_dir, "export", "--format", "json", "--database-url", url).stdout
    )
    for table in ("repositories", "commits", "commitFiles", "checkouts", "tasks"):
        assert exported[table] == [], table


def test_delete_of_the_default_file_leaves_no_commits(repo: Path, data_dir: Path) -> None:
    assert devfocus(data_dir, "import", str(repo)).returncode == 0
    out = devfocus(data_dir, "delete", "--yes")
    assert out.returncode == 0, out.stderr
    assert not (data_dir / "devfocus.db").exists()
    report = report_json(data_dir, str(repo), "--period", "30d", "--no-import")
    assert (report["commitCount"], report["sessions"]) == (0, [])
