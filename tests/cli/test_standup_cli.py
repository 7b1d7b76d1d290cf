"""``devfocus standup PATH``: the notes of the last working day and today, from editor activity in
the real store and the commits of a real repository, as a user runs the command.

Days are counted back from today (UTC), and the work week is every day but yesterday's weekday,
so the last working day is the day before yesterday whatever day the test runs. On the branch
``feature/ABC-12-login`` (task ``ABC-12 login``):

* day -4, 10:00–10:30, with the commit "Add the login form" at 10:25;
* day -2, 09:00–10:40: 100 minutes and no commit (a long session without a commit);
* day -1, 09:00–09:20 (not a working day);
* today: ten minutes ending a minute ago, with the commit "Check the password" in them.

The task came back on four days: a likely blocker too.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import devfocus
from tests.lsp.test_status import seed_edits
from tests.repos import git

DEV = "dev@example.com"
BRANCH = "feature/ABC-12-login"
TASK = "ABC-12 login"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTE = 60


def day(back: int) -> datetime:
    """Midnight (UTC) ``back`` days before today."""
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=back)


def commit(repo: Path, moment: datetime, subject: str) -> None:
    with (repo / "app.py").open("a") as out:
        out.write(f"# {subject}\n")
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", subject, date=moment.isoformat())


@pytest.fixture
def week(tmp_path: Path) -> tuple[Path, Path, str]:
    """The repository and the data directory of the module docstring, and the work week."""
    now = time.time()
    today = day(0)
    if now - today.timestamp() < 15 * MINUTE:
        pytest.skip("too close to midnight (UTC) for a session today")
    repo, data_dir = tmp_path / "shop", tmp_path / "data"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", DEV)
    git(repo, "commit", "-q", "--allow-empty", "-m", "Start", date=day(30).isoformat())
    git(repo, "checkout", "-q", "-b", BRANCH, date=day(30).isoformat())
    commit(repo, day(4) + timedelta(hours=10, minutes=25), "Add the login form")
    today_start = now - 11 * MINUTE
    commit(
        repo, datetime.fromtimestamp(today_start + 5 * MINUTE, timezone.utc), "Check the password"
    )

    seed_edits(data_dir, repo, BRANCH, (day(4) + timedelta(hours=10)).timestamp(), 30)
    seed_edits(data_dir, repo, BRANCH, (day(2) + timedelta(hours=9)).timestamp(), 100)
    seed_edits(data_dir, repo, BRANCH, (day(1) + timedelta(hours=9)).timestamp(), 20)
    seed_edits(data_dir, repo, BRANCH, today_start, 10)
    not_yesterday = [d for i, d in enumerate(WEEKDAYS) if i != day(1).weekday()]
    return repo, data_dir, ",".join(not_yesterday)


def standup_json(data_dir: Path, *args: str) -> dict[str, Any]:
    out = devfocus(data_dir, "standup", *args, "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_standup_of_the_last_working_day_and_today(week: tuple[Path, Path, str]) -> None:
    repo, data_dir, work_week = week
    notes = standup_json(data_dir, str(repo), "--work-week", work_week)
    last, today = notes["lastWorkingDay"], notes["today"]
    assert last["date"] == day(2).date().isoformat()
    # Each seeded minute is a 50 s edit and a 10 s pause; a session's last pause is not counted.
    assert last["focusSeconds"] == pytest.approx(100 * MINUTE - 10, abs=2)
    assert [t["label"] for t in last["tasks"]] == [TASK]
    assert last["commits"] == []
    assert today["date"] == day(0).date().isoformat()
    assert [c["subject"] for c in today["commits"]] == ["Check the password"]
    assert today["tasks"][0]["label"] == TASK and today["tasks"][0]["commits"] == 1
    blockers = {b["kind"]: b for b in notes["blockers"]}
    assert blockers["long-session"]["task"] == TASK
    assert blockers["recurring-task"]["days"] == [
        day(back).date().isoformat() for back in (4, 2, 1, 0)
    ]

    text = devfocus(data_dir, "standup", str(repo), "--work-week", work_week, "--no-import")
    assert text.returncode == 0, text.stderr
    assert f"{day(2):%A %d %b}\n1h 39m focus in 1 session, 0 commits." in text.stdout
    assert "Check the password" in text.stdout
    assert f"{TASK} came back on 4 days" in text.stdout
    assert "without a commit" in text.stdout


def test_standup_redacted_for_sharing(week: tuple[Path, Path, str]) -> None:
    repo, data_dir, work_week = week
    out = devfocus(
        data_dir, "standup", str(repo), "--work-week", work_week, "--redact", "--format", "markdown"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("# DevFocus — Standup\n")
    for secret in ("ABC-12", "login", "Check the password", "shop"):
        assert secret not in out.stdout
    assert "came back on 4 days" in out.stdout  # the blockers stay, under aliases


def test_a_wrong_work_week_is_refused(tmp_path: Path) -> None:
    out = devfocus(tmp_path / "data", "standup", "--work-week", "mon,funday")
    assert out.returncode == 2
    assert out.stderr.startswith("devfocus: --work-week:")
