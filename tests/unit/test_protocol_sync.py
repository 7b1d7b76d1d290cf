"""The client's protocol.ts follows the server's typed messages, and the messages read what
editors send."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devfocus.activity.records import Context
from devfocus.activity.status import Status
from devfocus.activity.tasks import Task
from devfocus.git.trust import GitAccess as Access
from devfocus.lsp.messages import (
    ExportArguments,
    ImportResult,
    NotRead,
    ReportArguments,
    TaskArguments,
    WireStatus,
)
from devfocus.lsp.wire import to_json

ROOT = Path(__file__).resolve().parents[2]


def test_protocol_ts_matches_the_server() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "sync_protocol.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_status_is_sent_in_camel_case_with_git_only_when_known() -> None:
    status = Status(
        state="active",
        session_start=1_700_000_000.0,
        session_seconds=125.7,
        today_seconds=3600.2,
        context=Context("/src/shop", "main"),
        switches_last_hour=2,
        deep_work=True,
        deep_work_today_seconds=1800.9,
        task=Task("Fix login", "bug", "ABC-1", "manual"),
    )
    wire = to_json(WireStatus.of(status))
    assert wire == {
        "state": "active",
        "sessionStart": "2023-11-14T22:13:20Z",
        "sessionSeconds": 125,
        "todaySeconds": 3600,
        "context": {"project": "shop", "root": "/src/shop", "branch": "main"},
        "switchesLastHour": 2,
        "deepWork": True,
        "deepWorkSeconds": 1800,
        "task": {
            "title": "Fix login",
            "kind": "bug",
            "ref": "ABC-1",
            "label": status.task.label if status.task else "",
            "source": "manual",
            "links": [],
        },
        "focusBlock": None,
        "goals": [],
    }
    refused = (("/srv/x", "owned by nobody"),)
    with_git = to_json(
        WireStatus.of(Status(**{**vars(status), "git": Access("on", None, refused)}))
    )
    assert isinstance(with_git, dict)
    assert with_git["git"] == {
        "state": "on",
        "reason": None,
        "notRead": [{"root": "/srv/x", "reason": "owned by nobody"}],
    }


def test_optional_keys_are_left_out_while_empty() -> None:
    assert to_json(ImportResult(())) == {"repositories": []}
    found = to_json(ImportResult((), not_read=(NotRead("/x", "why"),)))
    assert found == {"repositories": [], "notRead": [{"root": "/x", "reason": "why"}]}


@pytest.mark.parametrize(
    "arguments, expected",
    [
        ([], ReportArguments("today", "markdown", None)),
        ([{"period": "week", "format": "json"}], ReportArguments("week", "json", None)),
        (["week", "json"], ReportArguments("week", "json", None)),
        (["30d"], ReportArguments("30d", "markdown", None)),
        ([{"project": "file:///src/shop"}], ReportArguments("today", "markdown", "/src/shop")),
    ],
)
def test_report_arguments_in_object_and_positional_forms(
    arguments: list[object], expected: ReportArguments
) -> None:
    assert ReportArguments.parse(arguments) == expected


def test_report_periods_come_from_the_report() -> None:
    from devfocus.insights.periods import PERIODS

    for period in PERIODS:
        assert ReportArguments.parse([period]).period == period
    with pytest.raises(ValueError, match="period must be one of today, yesterday, thisweek"):
        ReportArguments.parse([{"period": "decade"}])


def test_report_arguments_take_a_range_of_days_and_compare() -> None:
    parsed = ReportArguments.parse([{"fromDate": "2026-11-02", "compare": True}])
    assert (parsed.from_date, parsed.to_date, parsed.compare) == ("2026-11-02", None, True)
    with pytest.raises(ValueError, match="toDate needs fromDate"):
        ReportArguments.parse([{"toDate": "2026-11-08"}])
    with pytest.raises(ValueError, match="fromDate must be a date as YYYY-MM-DD"):
        ReportArguments.parse([{"fromDate": "last monday"}])
    with pytest.raises(ValueError, match="compare must be true or false"):
        ReportArguments.parse([{"compare": "yes"}])


def test_task_and_export_arguments() -> None:
    assert TaskArguments.parse(["Plan", "feature"]) == TaskArguments("Plan", "feature", None)
    assert TaskArguments.parse([]) == TaskArguments()
    with pytest.raises(ValueError, match="kind must be one of"):
        TaskArguments.parse([{"title": "Plan", "kind": "epic"}])
    assert ExportArguments.parse([{"format": "csv", "path": "file:///tmp/x.csv"}]) == (
        ExportArguments("csv", "/tmp/x.csv")
    )
    with pytest.raises(ValueError, match="expected one object argument"):
        ExportArguments.parse(["json", "/tmp/x.json"])
