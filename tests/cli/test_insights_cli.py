"""``devfocus insights``: what the detectors found, against the person's own 4 weeks before, as
text and JSON, run as a user runs it (a real process, a real database file)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.cli.test_cli import devfocus
from tests.lsp.test_status import seed_edits
from tests.repos import git


@pytest.fixture
def habits(make_repo, tmp_path: Path) -> tuple[Path, str]:
    """Four weeks of 2 hours of deep work every morning, then one day (two days ago) of 100
    minutes without a break but moving between two projects every 10 minutes: no deep work."""
    data_dir = tmp_path / "data"
    api, web = make_repo("api"), make_repo("web")
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    day = today - timedelta(days=2)
    for back in range(1, 29):
        morning = day - timedelta(days=back) + timedelta(hours=9)
        seed_edits(data_dir, api, "main", start=morning.timestamp(), minutes=120)
    start = (day + timedelta(hours=9)).timestamp()
    for block in range(10):
        project = api if block % 2 == 0 else web
        seed_edits(data_dir, project, "main", start=start + block * 600, minutes=10)
    return data_dir, day.date().isoformat()


def test_insights_as_text_against_the_weeks_before(habits: tuple[Path, str]) -> None:
    data_dir, day = habits
    out = devfocus(data_dir, "insights", "--from", day, "--to", day, "--no-import")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.splitlines()[0].endswith(": 3 insights")
    assert "[warning] Deep work came to 0 min, 0% of your usual 2 h for this time" in text
    assert "[information] You worked 1 h 40 min without a break of 5 minutes" in text
    assert "[hint] Your deep work peaks from 09:00 to 11:00 (100% of 55 h 55 min)" in text
    assert text.index("[warning]") < text.index("[information]") < text.index("[hint]")
    # The day's figures were kept by the first run: a second one reads them and agrees.
    again = devfocus(data_dir, "insights", "--from", day, "--to", day, "--no-import")
    assert again.stdout == text


def test_insights_as_json(habits: tuple[Path, str]) -> None:
    data_dir, day = habits
    out = devfocus(data_dir, "insights", "--from", day, "--to", day, "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["period"]["name"] == "custom"
    assert data["period"]["start"] == f"{day}T00:00:00+00:00"
    by_kind = {i["kind"]: i for i in data["insights"]}
    assert set(by_kind) == {"low-focus", "long-stretch", "peak-hours"}
    low = by_kind["low-focus"]["evidence"]["numbers"]
    # 120 one-minute spans a morning, the last ending 50 s into its minute: 7190 s a day.
    assert low["baselineSeconds"] == pytest.approx(7190, abs=2)
    assert low["deepWorkSeconds"] == 0 and low["threshold"] == 0.5
    stretch = by_kind["long-stretch"]
    assert stretch["start"] == f"{day}T09:00:00+00:00"
    assert stretch["evidence"]["sessions"] == [{"start": stretch["start"], "end": stretch["end"]}]


def test_a_quiet_period_has_no_insights(tmp_path: Path, make_repo) -> None:
    out = devfocus(tmp_path / "data", "insights", "--period", "today", "--no-import")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "Today: no insights.\n"


def test_wrong_options_are_usage_errors(tmp_path: Path) -> None:
    out = devfocus(tmp_path / "data", "insights", "--to", "2026-01-01")
    assert out.returncode == 2 and "--to needs --from" in out.stderr


def test_a_file_changed_by_many_commits_and_worked_on_most_is_a_hotspot(
    make_repo, tmp_path: Path
) -> None:
    """Three of your commits (devfocus.insights.hotspotCommits) to app.py in a day you spent an
    hour in it: the insights name it, with the commits behind it."""
    data_dir = tmp_path / "data"
    repo = make_repo("shop")
    git(repo, "config", "user.email", "dev@example.com")
    day = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    day -= timedelta(days=2)
    shas = []
    for n, hour in enumerate((10, 11, 12)):
        (repo / "app.py").write_text(f"x = {n}\n")
        when = (day + timedelta(hours=hour)).isoformat()
        git(repo, "commit", "-q", "-am", f"Change {n}", date=when)
        shas.append(git(repo, "rev-parse", "HEAD").strip())
    seed_edits(data_dir, repo, "main", start=(day + timedelta(hours=9)).timestamp(), minutes=60)
    first = day.date().isoformat()

    args = ("insights", str(repo), "--from", first, "--to", first, "--format", "json")
    out = devfocus(data_dir, *args, cwd=repo)
    assert out.returncode == 0, out.stderr
    [hotspot] = [i for i in json.loads(out.stdout)["insights"] if i["kind"] == "hotspot"]
    assert hotspot["path"] == (repo / "app.py").as_posix()
    assert sorted(hotspot["evidence"]["commits"]) == sorted(shas)
    assert hotspot["evidence"]["numbers"]["commits"] == 3
    assert "app.py" in hotspot["message"]
