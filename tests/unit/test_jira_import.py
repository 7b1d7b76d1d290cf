"""Jira Cloud issues imported by the real importer from a local server speaking Jira's REST API:
the search/jql endpoint's pages, the fields asked for, incremental JQL, and clear errors."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest

from devfocus.trackers import jira
from devfocus.trackers.http import Cancelled, JsonClient, TrackerError
from devfocus.trackers.imported import PullRequest, TrackerIssue
from tests.trackerservers import DAY, Clock, JiraServer, jira_issues, jira_item, jira_time

EMAIL = "dev@example.com"
TOKEN = "j1r4-t0k3n"
ME = "5b10ac8d82e05b22cc7d4ef5"
NOW = time.time()


class Pages:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int, int | None]] = []
        self.issues: dict[str, TrackerIssue] = {}

    def __call__(
        self, issues: list[TrackerIssue], pulls: list[PullRequest], page: int, pages: int | None
    ) -> None:
        assert pulls == []
        self.calls.append((len(issues), page, pages))
        self.issues.update({i.key: i for i in issues})


def client(server: JiraServer, clock: Clock | None = None, **options: Any) -> JsonClient:
    clock = clock or Clock()
    return jira.client(server.url, EMAIL, TOKEN, sleep=clock.sleep, clock=clock, **options)


def sync(
    api: JsonClient,
    server: JiraServer,
    cursor: dict[str, Any] | None = None,
    *,
    now: float = NOW,
    **options: Any,
) -> tuple[dict[str, Any], Pages]:
    pages = Pages()
    settings: dict[str, Any] = {
        "jql": None,
        "closed_days": 90,
        "kind_map": None,
        "me": ME,
        "full": False,
        **options,
    }
    new = jira.sync_jira(api, server.url, cursor=cursor, now=now, on_page=pages, **settings)
    return new, pages


def test_pages_follow_next_page_token_until_the_last() -> None:
    with JiraServer(jira_issues(250), email=EMAIL, token=TOKEN) as server:
        _, pages = sync(client(server), server)
    assert pages.calls == [(100, 1, None), (100, 2, None), (50, 3, None)]
    assert len(pages.issues) == 250
    asked = [r.query for r in server.requests]
    assert all(r.path == "/rest/api/3/search/jql" for r in server.requests)
    assert all(q["maxResults"] == "100" for q in asked)
    assert asked[0]["fields"] == (
        "summary,status,issuetype,priority,labels,assignee,created,updated,resolutiondate,"
        "description"
    )
    assert "nextPageToken" not in asked[0]
    assert asked[1]["nextPageToken"] and asked[2]["nextPageToken"] != asked[1]["nextPageToken"]
    assert asked[0]["jql"] == (
        "assignee = currentUser() AND (statusCategory != Done OR updated >= -90d) "
        "ORDER BY updated DESC"
    )


def test_an_issue_carries_what_a_task_shows() -> None:
    created = NOW - 5 * DAY
    bug = jira_item(
        "ABC-42",
        summary="Export stops half way",
        issuetype="Bug",
        priority="Highest",
        labels=["backend"],
        assignee=ME,
        created=created,
        updated=created + 3600,
        resolved=created + 7200,
        description={
            "type": "doc",
            "version": 1,
            "content": [
                {"type": "heading", "content": [{"type": "text", "text": "Steps"}]},
                {
                    "type": "bulletList",
                    "content": [
                        {
                            "type": "listItem",
                            "content": [
                                {
                                    "type": "paragraph",
                                    "content": [
                                        {"type": "text", "text": "Open the "},
                                        {
                                            "type": "text",
                                            "text": "report",
                                            "marks": [{"type": "strong"}],
                                        },
                                        {"type": "hardBreak"},
                                        {"type": "text", "text": "then export"},
                                    ],
                                }
                            ],
                        }
                    ],
                },
            ],
        },
    )
    story = jira_item(
        "ABC-43",
        summary="Dark mode",
        issuetype="Story",
        priority="Major",
        assignee="someone-else",
        created=created,
    )
    with JiraServer([bug, story], email=EMAIL, token=TOKEN) as server:
        _, pages = sync(client(server), server)
    issue = pages.issues["ABC-42"]
    assert issue.tracker == "jira" and issue.scope == "127.0.0.1"
    assert issue.url == f"{server.url}/browse/ABC-42"
    assert issue.title == "Export stops half way"
    assert (issue.kind, issue.priority, issue.state) == ("bug", "highest", "closed")
    assert issue.assigned_to_me and issue.labels == ("backend",)
    assert issue.created == pytest.approx(int(created))
    assert issue.closed == pytest.approx(int(created) + 7200)
    assert issue.body == "Steps\nOpen the report\nthen export"
    other = pages.issues["ABC-43"]
    assert (other.kind, other.priority, other.state, other.closed) == (
        "feature",
        "high",
        "open",
        None,
    )
    assert not other.assigned_to_me


def test_the_kind_map_wins_over_the_issue_type() -> None:
    spike = jira_item("ABC-7", summary="Try caching", issuetype="Spike", created=NOW)
    with JiraServer([spike], email=EMAIL, token=TOKEN) as server:
        _, pages = sync(client(server), server, kind_map={"spike": "feature"})
    assert pages.issues["ABC-7"].kind == "feature"


def test_a_later_sync_asks_only_for_what_was_updated_since() -> None:
    items = jira_issues(30, start=NOW - 10 * DAY)
    with JiraServer(items, email=EMAIL, token=TOKEN) as server:
        api = client(server)
        cursor, _ = sync(api, server, jql="project = ABC ORDER BY created ASC")
        later = NOW + 17 * 60
        items[0]["fields"]["summary"] = "Export fails, renamed"
        items[0]["fields"]["updated"] = jira_time(later)
        server.now = lambda: later
        cursor, pages = sync(
            api, server, cursor, now=later, jql="project = ABC ORDER BY created ASC"
        )
    assert server.jqls[-1] == "(project = ABC) AND updated >= -22m ORDER BY updated DESC"
    assert list(pages.issues) == ["ABC-1"]
    assert pages.issues["ABC-1"].title == "Export fails, renamed"
    assert cursor["synced"] == later


def test_another_jql_or_a_full_sync_asks_for_everything_again() -> None:
    with JiraServer(jira_issues(5), email=EMAIL, token=TOKEN) as server:
        api = client(server)
        cursor, _ = sync(api, server)
        _, pages = sync(api, server, cursor, jql="project = ABC")
        assert server.jqls[-1] == "project = ABC"
        sync(api, server, cursor, full=True)
        assert server.jqls[-1] == jira.default_jql(90)
    assert len(pages.issues) == 5


def test_a_429_waits_retry_after_then_goes_on() -> None:
    clock = Clock()
    with JiraServer(jira_issues(150), email=EMAIL, token=TOKEN) as server:
        server.retry_after(7)
        _, pages = sync(client(server, clock), server)
    assert len(pages.issues) == 150
    assert clock.waited == pytest.approx(7)
    assert len(server.requests) == 3  # the refused one asked again, then page 2


def test_a_refused_token_says_what_to_do_and_shows_no_secret() -> None:
    with (
        JiraServer(jira_issues(3), email=EMAIL, token="the-right-one") as server,
        pytest.raises(TrackerError) as caught,
    ):
        jira.myself(client(server))
    message = caught.value.message
    assert message == (
        "Jira refused the token (401 You are not authenticated. Authentication required.): "
        "run DevFocus: Connect Jira or set DEVFOCUS_JIRA_TOKEN, with devfocus.issues.jira.email "
        "the token's account"
    )
    basic = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
    assert TOKEN not in message and basic not in message
    assert server.requests[0].headers["authorization"] == "<refused>"


def test_myself_is_the_account_id() -> None:
    with JiraServer(email=EMAIL, token=TOKEN, account_id="acc-1") as server:
        assert jira.myself(client(server)) == "acc-1"


def test_cancelling_between_pages_stops() -> None:
    with JiraServer(jira_issues(250), email=EMAIL, token=TOKEN) as server:
        done: list[int] = []
        api = jira.client(server.url, EMAIL, TOKEN, cancelled=lambda: bool(done))
        with pytest.raises(Cancelled):
            jira.sync_jira(
                api,
                server.url,
                jql=None,
                closed_days=90,
                kind_map=None,
                me=ME,
                cursor=None,
                now=NOW,
                on_page=lambda issues, pulls, page, pages: done.append(page),
            )
    assert done == [1] and len(server.requests) == 1


def test_descriptions_and_times() -> None:
    assert jira.adf_text(None) == ""
    assert jira.adf_text("plain, from API v2") == "plain, from API v2"
    mention = {
        "type": "paragraph",
        "content": [
            {"type": "mention", "attrs": {"id": "1", "text": "@Ana"}},
            {"type": "text", "text": " please look"},
        ],
    }
    assert jira.adf_text({"type": "doc", "content": [mention, mention]}) == (
        "@Ana please look\n@Ana please look"
    )
    assert jira.parse_time("2026-11-20T10:00:00.000+0100") == pytest.approx(1795165200.0)
    assert jira.parse_time("2026-11-20T09:00:00Z") == pytest.approx(1795165200.0)
    assert jira.parse_time("yesterday") is None
    assert jira.site_host("https://Acme.atlassian.net/") == "acme.atlassian.net"
    assert jira.default_jql(30) == (
        "assignee = currentUser() AND (statusCategory != Done OR updated >= -30d) "
        "ORDER BY updated DESC"
    )
