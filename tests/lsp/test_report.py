"""devfocus.report answers with the same report as the CLI, as Markdown or JSON."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import Session, end_session, expose_client, start_session
from tests.lsp.test_status import seed_edits


async def test_week_report_as_json_and_markdown(request, make_repo, data_dir, preset) -> None:
    api = make_repo("api")
    web = make_repo("web", branch="develop")
    now = time.time()
    # Today: 20 minutes in api, then 10 in web; three days ago (same week): 30 in api.
    seed_edits(data_dir, api, "main", start=now - 40 * 60, minutes=20)
    seed_edits(data_dir, web, "develop", start=now - 20 * 60, minutes=10)
    seed_edits(data_dir, api, "main", start=now - 3 * 86400, minutes=30)
    s = await start_session(api, data_dir, preset)
    expose_client(request, s.client)
    try:
        report = await s.command("devfocus.report", {"period": "week", "format": "json"})
        assert report["period"]["name"] == "week"
        assert len(report["byDay"]) == 7
        by_project = {row["label"]: row["seconds"] for row in report["byProject"]}
        # Each seeded minute is a 50 s edit span and a 10 s pause, bridged and counted for the
        # place before it; only a session's last minute lacks its pause. Today's api run is
        # followed by web, so its last pause is api's: 20 min today + 30 min - 10 s.
        assert by_project["api"] == pytest.approx(20 * 60 + 30 * 60 - 10, abs=2)
        assert by_project["web"] == pytest.approx(10 * 60 - 10, abs=2)
        assert report["switchCount"] == 1
        assert report["switches"][0]["from"]["project"] == "api"
        assert report["switches"][0]["to"] == {
            "project": "web",
            "root": web.as_posix(),
            "branch": "develop",
        }
        assert report["sessionCount"] == 2
        assert report["deepWork"][0]["context"]["project"] == "api"  # the 30-minute run

        markdown = await s.command("devfocus.report", {"period": "week"})
        assert markdown.startswith("# DevFocus — Last 7 days")
        assert "| api |" in markdown and "| web |" in markdown
        assert "## Deep work" in markdown

        only_web = await s.command(
            "devfocus.report", {"period": "week", "format": "json", "project": web.as_uri()}
        )
        assert [row["label"] for row in only_web["byProject"]] == ["web"]
        assert only_web["project"] == web.as_posix()
    finally:
        await end_session(s)


async def test_yesterday_compared_with_the_day_before_and_a_range_of_days(
    request, make_repo, data_dir, preset
) -> None:
    from datetime import datetime, timedelta, timezone

    api = make_repo("api")
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    seed_edits(
        data_dir, api, "main", start=(yesterday + timedelta(hours=10)).timestamp(), minutes=20
    )
    seed_edits(data_dir, api, "main", start=(before + timedelta(hours=10)).timestamp(), minutes=10)
    s = await start_session(api, data_dir, preset)
    expose_client(request, s.client)
    try:
        report = await s.command(
            "devfocus.report", {"period": "yesterday", "compare": True, "format": "json"}
        )
        assert report["period"]["name"] == "yesterday"
        assert report["focusSeconds"] == pytest.approx(20 * 60 - 10, abs=2)
        assert report["previous"]["focusSeconds"] == pytest.approx(10 * 60 - 10, abs=2)
        assert report["change"]["focusSeconds"] == pytest.approx(10 * 60, abs=2)

        markdown = await s.command("devfocus.report", {"period": "yesterday", "compare": True})
        assert f"## Compared with {before:%a %d %b}" in markdown

        both = await s.command(
            "devfocus.report",
            {"fromDate": f"{before:%Y-%m-%d}", "toDate": f"{yesterday:%Y-%m-%d}", "format": "json"},
        )
        assert both["period"]["name"] == "custom"
        assert both["focusSeconds"] == pytest.approx(30 * 60 - 20, abs=4)
        assert [day["date"] for day in both["byDay"]] == [
            f"{before:%Y-%m-%d}",
            f"{yesterday:%Y-%m-%d}",
        ]
    finally:
        await end_session(s)


async def test_a_redacted_report_from_the_editor(session: Session) -> None:
    session.type_lines(session.open("app.py"), line=0, count=2)
    report = await session.command(
        "devfocus.report", {"period": "today", "format": "json", "redact": True}
    )
    labels = [row["label"] for row in report["byProject"]]
    assert labels and all(label.startswith("project-") for label in labels)
    assert session.repo.name not in labels  # the repository is "project": its alias is not
    assert session.repo.as_posix() not in json.dumps(report)
    markdown = await session.command("devfocus.report", {"period": "today", "redact": True})
    assert f"| {labels[0]} |" in markdown and f"| {session.repo.name} |" not in markdown


async def test_the_editor_gets_every_format_of_one_report(session: Session) -> None:
    """HTML with its charts, text, CSV and JSON: the same report, the same figures."""
    session.type_lines(session.open("app.py"), line=0, count=4)
    data = await session.command("devfocus.report", {"period": "today", "format": "json"})
    assert data["schema"] == "devfocus.report/2" and data["linesAdded"] == 4

    html = await session.command("devfocus.report", {"period": "today", "format": "html"})
    assert html.lower().startswith("<!doctype html>") and "<svg" in html
    assert session.repo.name in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # nothing fetched

    text = await session.command("devfocus.report", {"period": "today", "format": "text"})
    assert text.startswith("DevFocus — Today") and session.repo.name in text

    table = await session.command("devfocus.report", {"period": "today", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(table)))
    sessions = [r for r in rows if r["record"] == "session"]
    assert len(sessions) == data["sessionCount"] == 1


async def test_today_report_includes_activity_not_yet_written(session: Session) -> None:
    session.type_lines(session.open("app.py"), line=0, count=3)
    report = await session.command("devfocus.report", {"period": "today", "format": "json"})
    assert report["linesAdded"] == 3
    assert [row["label"] for row in report["byProject"]] == [session.repo.name]


@pytest.mark.parametrize(
    "arguments, complaint",
    [
        (
            {"period": "decade"},
            "period must be one of today, yesterday, thisweek, lastweek, week, 30d, 90d, year",
        ),
        ({"toDate": "2026-01-02"}, "toDate needs fromDate"),
        ({"fromDate": "2999-01-01"}, "the range starts after today"),
        ({"format": "pdf"}, "format must be one of markdown, json"),
        ({"project": 42}, "project must be a path"),
    ],
)
async def test_bad_report_arguments_get_a_clear_error(
    session: Session, arguments, complaint
) -> None:
    with pytest.raises(JsonRpcException, match=complaint):
        await session.command("devfocus.report", arguments)
    assert (await session.command("devfocus.status"))["state"] in {"idle", "active"}
