"""``devfocus import FILE``: an export made on another machine merged into this database, run as
a user runs it (a real process on real database files)."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from devfocus.store.database import Database
from devfocus.store.events import write_events
from tests.cli.test_cli import devfocus

DAY = "2026-03-04"  # a past day: reports of it do not depend on when the tests run
TEN = int(datetime(2026, 3, 4, 10, tzinfo=timezone.utc).timestamp() * 1000)  # 10:00 UTC, in ms
MINUTE = 60_000


def spans(project: str, start_ms: int, minutes: int, source: str) -> list[dict[str, Any]]:
    """One edit span a minute (50 s each), as an editor's server writes them."""
    return [
        {
            "id": random.getrandbits(63),
            "start_ms": start_ms + MINUTE * i,
            "end_ms": start_ms + MINUTE * i + 50_000,
            "kind": "edit",
            "project": project,
            "path": "app.py",
            "language": "python",
            "branch": "main",
            "editor": "vscode",
            "source": source,
            "lines_added": 2,
            "lines_removed": 1,
            "lines_bulk": 0,
        }
        for i in range(minutes)
    ]


def seed(data_dir: Path, rows: list[dict[str, Any]]) -> None:
    database = Database(f"sqlite:///{data_dir / 'devfocus.db'}")
    database.run(lambda engine: write_events(engine, rows))
    database.close()


def export(data_dir: Path, target: Path, fmt: str = "json") -> Path:
    out = devfocus(data_dir, "export", "--format", fmt, "--output", str(target))
    assert out.returncode == 0, out.stderr
    return target


def imported(data_dir: Path, *paths: Path | str) -> dict[str, Any]:
    out = devfocus(data_dir, "import", *map(str, paths), "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def stored(data_dir: Path) -> list[dict[str, str]]:
    out = devfocus(data_dir, "export", "--format", "csv")
    assert out.returncode == 0, out.stderr
    return sorted(csv.DictReader(io.StringIO(out.stdout)), key=lambda row: row["id"])


def counts(report: dict[str, Any], index: int = 0) -> tuple[int, int, int, int]:
    events = report["imports"][index]["events"]
    return events["new"], events["alreadyPresent"], events["updated"], events["refused"]


def focus_seconds(data_dir: Path) -> int:
    out = devfocus(data_dir, "report", "--from", DAY, "--format", "json")
    assert out.returncode == 0, out.stderr
    return int(json.loads(out.stdout)["focusSeconds"])


def test_importing_twice_is_idempotent(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    seed(laptop, spans("/home/me/api", TEN, 25, "laptop-1"))
    seed(desktop, spans("/home/me/web", TEN + 3 * 60 * MINUTE, 5, "desktop-1"))
    dump = export(laptop, tmp_path / "laptop.json")

    assert counts(imported(desktop, dump)) == (25, 0, 0, 0)
    assert counts(imported(desktop, dump)) == (0, 25, 0, 0)
    mine = {row["id"] for row in stored(desktop)}
    assert len(mine) == 30 and {row["id"] for row in stored(laptop)} <= mine

    text = devfocus(desktop, "import", str(dump))
    assert text.returncode == 0, text.stderr
    assert "0 new events, 25 already present, 0 updated, 0 refused" in text.stdout


def test_a_second_machine_counts_each_minute_once_in_reports(tmp_path: Path) -> None:
    laptop, desktop, both = tmp_path / "laptop", tmp_path / "desktop", tmp_path / "both"
    # 10:00 to 10:20 on the laptop, 10:10 to 10:30 on the desktop: both busy 10:10 to 10:20.
    seed(laptop, spans("/home/me/api", TEN, 20, "laptop-1"))
    seed(desktop, spans("/home/me/web", TEN + 10 * MINUTE, 20, "desktop-1"))
    alone = {machine: focus_seconds(machine) for machine in (laptop, desktop)}
    assert 19 * 60 <= alone[laptop] <= 20 * 60 and 19 * 60 <= alone[desktop] <= 20 * 60

    for machine in (laptop, desktop):
        assert counts(imported(both, export(machine, tmp_path / f"{machine.name}.json")))[0] == 20
    merged = focus_seconds(both)
    # The union, 10:00 to 10:30 less the last span's unfinished minute, not the sum (40 min).
    assert 29 * 60 <= merged <= 30 * 60
    assert merged < sum(alone.values()) - 9 * 60


def test_an_export_from_a_newer_devfocus_is_refused_and_nothing_written(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    seed(laptop, spans("/home/me/api", TEN, 10, "laptop-1"))
    seed(desktop, spans("/home/me/web", TEN, 3, "desktop-1"))
    dump = export(laptop, tmp_path / "laptop.json")
    data = json.loads(dump.read_text())
    data["version"] = 2
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data))

    out = devfocus(desktop, "import", str(newer))
    assert out.returncode == 1
    assert "version 2, made by a newer DevFocus" in out.stderr and "Upgrade" in out.stderr
    assert "Traceback" not in out.stderr
    assert len(stored(desktop)) == 3


def test_a_csv_export_round_trips(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    rows = spans("/home/me/api", TEN, 12, "laptop-1")
    rows[3].update(project=None, path=None, branch=None, language=None, kind="focus")
    rows[3]["end_ms"] = rows[3]["start_ms"]
    rows[4].update(path='dir/naïve, "quoted".py', lines_added=40, lines_bulk=30)
    seed(laptop, rows)
    dump = export(laptop, tmp_path / "laptop.csv", "csv")

    assert counts(imported(desktop, dump)) == (12, 0, 0, 0)
    assert stored(desktop) == stored(laptop)
    assert counts(imported(desktop, dump)) == (0, 12, 0, 0)


def test_a_corrupt_file_is_named_and_nothing_of_it_written(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    seed(laptop, spans("/home/me/api", TEN, 2500, "laptop-1"))  # more than a batch
    seed(desktop, spans("/home/me/web", TEN, 3, "desktop-1"))
    whole = export(laptop, tmp_path / "laptop.json").read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(whole[: len(whole) * 9 // 10])
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(bytes(range(256)) * 40)
    other = tmp_path / "settings.json"
    other.write_text('{"editor.fontSize": 14, "events": [1, 2]}')
    notes = tmp_path / "notes.txt"
    notes.write_text("a shopping list\nmilk\n")
    whole_csv = export(laptop, tmp_path / "laptop.csv", "csv").read_text()
    cut_csv = tmp_path / "cut.csv"
    cut_csv.write_text(whole_csv[: len(whole_csv) * 9 // 10 - 7])

    expected = {
        cut: "cut short",
        binary: "binary file, not a DevFocus export",
        other: "not a DevFocus export",
        notes: "not a DevFocus export",
        cut_csv: "cut short",
    }
    for path, message in expected.items():
        out = devfocus(desktop, "import", str(path))
        assert out.returncode == 1, path
        assert f"{path}: not imported: " in out.stderr and message in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
    assert len(stored(desktop)) == 3

    # With a good file beside it: the good one is merged, the status still says one failed.
    out = devfocus(desktop, "import", str(cut), str(tmp_path / "laptop.json"))
    assert out.returncode == 1 and "2500 new events" in out.stdout


def test_a_span_that_grew_since_is_updated(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    rows = spans("/home/me/api", TEN, 5, "laptop-1")
    seed(laptop, rows)
    before = export(laptop, tmp_path / "before.json")
    grown = {**rows[-1], "end_ms": rows[-1]["end_ms"] + 40_000, "lines_added": 9}
    seed(laptop, [grown])  # the server rewrites a growing span under its id
    after = export(laptop, tmp_path / "after.json")

    assert counts(imported(desktop, before)) == (5, 0, 0, 0)
    assert counts(imported(desktop, after)) == (0, 4, 1, 0)
    assert stored(desktop) == stored(laptop)
    assert counts(imported(desktop, before)) == (0, 5, 0, 0)  # the older copy changes nothing
    assert stored(desktop) == stored(laptop)


def test_invalid_events_are_refused_with_reasons(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    seed(laptop, spans("/home/me/api", TEN, 4, "laptop-1"))
    taken = spans("/home/me/web", TEN, 1, "desktop-1")
    seed(desktop, taken)
    data = json.loads(export(laptop, tmp_path / "laptop.json").read_text())
    good = data["events"][0]
    bad = [
        {**good, "id": 1, "end": "2026-03-04T09:00:00.000Z"},
        {**good, "id": 2, "kind": "teleport"},
        {**good, "id": 2**63},
        {**good, "id": 4, "start": None},
        {**good, "id": 5, "path": "x" * 5000},
        {**good, "id": 6, "start": "2026-03-01T10:00:00.000Z"},
        {**good, "id": taken[0]["id"]},  # an id this database holds for another event
        "not an event",
    ]
    data["events"] += bad
    crafted = tmp_path / "crafted.json"
    crafted.write_text(json.dumps(data))

    report = imported(desktop, crafted)
    assert counts(report) == (4, 0, 0, len(bad))
    reasons = report["imports"][0]["events"]["refusedReasons"]
    assert reasons == [
        "event 5: id 1: end is before start",
        "event 6: id 2: unknown kind 'teleport'",
        f"event 7: id {2**63} is out of range (0 to 2^63 - 1)",
        "event 8: id 4: start is missing",
        "event 9: id 5: path is longer than 4,096 characters",
    ]
    assert len(stored(desktop)) == 5

    text = devfocus(desktop, "import", str(crafted))
    assert "0 new events, 4 already present, 0 updated, 8 refused" in text.stdout
    assert "  refused event 6: id 2: unknown kind 'teleport'" in text.stdout
    assert "… and 3 more refused" in text.stdout


def test_git_history_is_merged_once_and_folders_still_import_git(make_repo, tmp_path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    repo = make_repo("api")
    seed(laptop, spans(repo.as_posix(), TEN, 3, "laptop-1"))
    assert devfocus(laptop, "import", str(repo)).returncode == 0  # git history, as before
    dump = export(laptop, tmp_path / "laptop.json")
    exported = json.loads(dump.read_text())
    assert len(exported["commits"]) == 1 and len(exported["commitFiles"]) == 1

    # A folder and a file in one command: each by its kind.
    other = make_repo("web")
    report = imported(desktop, other, dump)
    first, git = report["imports"]
    assert git["repository"] and git["newCommits"] == 1
    history = {name: (c["new"], c["alreadyPresent"]) for name, c in first["history"].items()}
    assert history == {"repositories": (1, 0), "commits": (1, 0), "commitFiles": (1, 0)}

    again = imported(desktop, dump)["imports"][0]["history"]
    assert {name: (c["new"], c["alreadyPresent"]) for name, c in again.items()} == {
        "repositories": (0, 1),
        "commits": (0, 1),
        "commitFiles": (0, 1),
    }
    merged = json.loads(export(desktop, tmp_path / "desktop.json").read_text())
    assert {c["sha"] for c in exported["commits"]} <= {c["sha"] for c in merged["commits"]}
    assert len(merged["commits"]) == 2 and len(merged["commitFiles"]) == 2
    assert {r["root"] for r in merged["repositories"]} == {repo.as_posix(), other.as_posix()}


@pytest.mark.postgres
def test_merging_into_postgresql(make_repo, tmp_path: Path, postgres_url: str) -> None:
    laptop = tmp_path / "laptop"
    repo = make_repo("api")
    rows = spans(repo.as_posix(), TEN, 30, "laptop-1")
    seed(laptop, rows)
    assert devfocus(laptop, "import", str(repo)).returncode == 0
    before = export(laptop, tmp_path / "before.json")
    seed(laptop, [{**rows[-1], "end_ms": rows[-1]["end_ms"] + 5_000}])
    after = export(laptop, tmp_path / "after.json")

    def into_postgres(dump: Path) -> dict[str, Any]:
        out = devfocus(
            tmp_path, "import", str(dump), "--format", "json", "--database-url", postgres_url
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    first = into_postgres(before)
    assert counts(first) == (30, 0, 0, 0)
    assert first["imports"][0]["history"]["commits"]["new"] == 1
    second = into_postgres(after)
    assert counts(second) == (0, 29, 1, 0)
    assert second["imports"][0]["history"]["commits"]["alreadyPresent"] == 1
    out = devfocus(
        tmp_path, "report", "--from", DAY, "--format", "json", "--database-url", postgres_url
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["linesAdded"] == 60
