"""GitHub issues imported by the real importer from a local server speaking GitHub's REST API:
pages, pull requests kept apart, the closed-issue window, conditional re-syncs and ``since``."""

from __future__ import annotations

import time
from typing import Any

import pytest

from devfocus.trackers import github
from devfocus.trackers.http import Cancelled, JsonClient, TrackerError
from devfocus.trackers.imported import PullRequest, TrackerIssue
from tests.trackerservers import DAY, Clock, GitHubServer, github_issues, github_item, iso

TOKEN = "t0k3n"
NOW = time.time()


class Pages:
    """What ``on_page`` received: ``calls`` for the pages with something new, ``progress``
    for every page (an unchanged one reports progress with nothing in it)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, int, int | None]] = []
        self.progress: list[tuple[int, int | None]] = []
        self.issues: dict[str, TrackerIssue] = {}
        self.pulls: dict[int, PullRequest] = {}

    def __call__(
        self, issues: list[TrackerIssue], pulls: list[PullRequest], page: int, pages: int | None
    ) -> None:
        self.progress.append((page, pages))
        if issues or pulls:
            self.calls.append((len(issues), len(pulls), page, pages))
        self.issues.update({i.key: i for i in issues})
        self.pulls.update({p.number: p for p in pulls})


def sync(
    api: JsonClient,
    cursor: dict[str, Any] | None = None,
    *,
    full: bool = False,
    repo: str = "acme/app",
    **options: Any,
) -> tuple[dict[str, Any], Pages]:
    pages = Pages()
    settings: dict[str, Any] = {
        "scope": repo,
        "project": "/home/dev/app",
        "me": "dev",
        "closed_days": 90,
        "kind_map": None,
        "now": NOW,
        **options,
    }
    new = github.sync_repository(api, repo, cursor=cursor, full=full, on_page=pages, **settings)
    return new, pages


def client(server: GitHubServer, **options: Any) -> JsonClient:
    clock = Clock()
    return github.client(server.api_url, TOKEN, sleep=clock.sleep, clock=clock, **options)


def test_many_pages_are_followed_and_pull_requests_kept_apart() -> None:
    items = github_issues(450, pulls_every=5, closed_every=7, start=NOW - 30 * DAY)
    with GitHubServer(items, token=TOKEN) as server:
        cursor, pages = sync(client(server))
    assert len(pages.issues) == 360 and len(pages.pulls) == 90
    # each told once, though the last walk (`since` the newest) reads the newest again
    assert sum(c[0] for c in pages.calls) == 360 and sum(c[1] for c in pages.calls) == 90
    assert all(int(key[1:]) % 5 for key in pages.issues)
    assert pages.pulls[10].issues == (9,)  # "Fixes #9"
    assert pages.pulls[10].url.endswith("/acme/app/pull/10")
    assert [(page, last) for _, _, page, last in pages.calls[:4]] == [
        (1, 4),
        (2, 4),
        (3, 4),
        (4, 4),
    ]
    listed = [r.query for r in server.requests if r.query.get("state") == "open"]
    assert [q.get("page", "1") for q in listed] == ["1", "2", "3", "4"]
    assert all(q["per_page"] == "100" for q in listed)
    assert cursor["since"] == max(i["updated_at"] for i in items)


def test_an_issue_carries_what_a_task_shows() -> None:
    created = NOW - 3 * DAY
    bug = github_item(
        12,
        title="Crash when saving",
        body="<!-- template: describe the bug -->\r\nSaving a file crashes the editor.",
        labels=["bug", "priority: high"],
        assignees=["someone", "Dev"],
        created=created,
        updated=created + 3600,
        closed=created + 7200,
    )
    chore = github_item(13, title="Bump deps", labels=["dependencies"], created=created)
    with GitHubServer([bug, chore], token=TOKEN) as server:
        _, pages = sync(client(server), kind_map={"dependencies": "chore"})
    issue = pages.issues["#12"]
    assert issue.tracker == "github" and issue.scope == "acme/app"
    assert issue.title == "Crash when saving"
    assert issue.url == "https://github.com/acme/app/issues/12"
    assert (issue.kind, issue.priority, issue.state) == ("bug", "high", "closed")
    assert issue.assigned_to_me  # the login matches whatever its case
    assert issue.labels == ("bug", "priority: high")
    assert issue.created == pytest.approx(int(created))
    assert issue.updated == pytest.approx(int(created) + 3600)
    assert issue.closed == pytest.approx(int(created) + 7200)
    assert issue.body == "Saving a file crashes the editor."
    assert issue.project == "/home/dev/app"
    other = pages.issues["#13"]
    assert (other.kind, other.state, other.assigned_to_me, other.closed) == (
        "chore",
        "open",
        False,
        None,
    )


def test_only_recently_closed_issues_come_in() -> None:
    old = github_item(1, title="Old", created=NOW - 400 * DAY, closed=NOW - 200 * DAY)
    # Closed long ago but commented on lately: GitHub's `since` is about updates.
    touched = github_item(
        2, title="Touched", created=NOW - 400 * DAY, updated=NOW - DAY, closed=NOW - 300 * DAY
    )
    recent = github_item(3, title="Recent", created=NOW - 20 * DAY, closed=NOW - 10 * DAY)
    still_open = github_item(4, title="Open", created=NOW - 500 * DAY)
    with GitHubServer([old, touched, recent, still_open], token=TOKEN) as server:
        _, pages = sync(client(server), closed_days=30)
    assert sorted(pages.issues) == ["#3", "#4"]
    closed_listing = next(r.query for r in server.requests if r.query.get("state") == "closed")
    day = time.strftime("%Y-%m-%dT00:00:00Z", time.gmtime(NOW - 30 * DAY))
    assert closed_listing["since"] == day  # a whole UTC day: the same URL all day


def test_an_unchanged_resync_sends_only_conditional_requests() -> None:
    with GitHubServer(github_issues(450, pulls_every=5), token=TOKEN) as server:
        api = client(server)
        cursor, _ = sync(api)
        first = len(server.requests)
        again, pages = sync(api, cursor)
        resent = server.requests[first:]
        assert len(resent) == 1  # the `since` listing, read at the end of the first sync
        assert resent[0].headers["if-none-match"]
        assert pages.calls == []
        _, pages = sync(api, again, full=True)
        full = server.requests[first + 1 :]
    # 5 open pages, 1 closed; not the `since` listing again: nothing is newer than last time
    # and its ETag is known.
    assert len(full) == 6
    assert all("if-none-match" in r.headers for r in full)
    assert pages.calls == []
    assert len(pages.progress) == 6  # each unchanged page still moves the progress bar
    assert api.not_modified == 7


def test_a_304_without_a_link_header_goes_on_to_the_remembered_next_page() -> None:
    items = github_issues(250, start=NOW - 30 * DAY)
    with GitHubServer(items, token=TOKEN, link_on_304=False) as server:
        api = client(server)
        cursor, _ = sync(api)
        server.update(5, title="Crash when saving, with a stack trace")  # on the last page
        mark = len(server.requests)
        _, pages = sync(api, cursor, full=True)
        walked = server.requests[mark:]
    open_pages = [r for r in walked if r.query.get("state") == "open"]
    assert [r.query.get("page", "1") for r in open_pages] == ["1", "2", "3"]
    assert all("if-none-match" in r.headers for r in open_pages)
    assert pages.calls[0] == (50, 0, 3, 3)  # pages 1 and 2: 304, nothing to import
    assert pages.issues["#5"].title == "Crash when saving, with a stack trace"


def test_an_incremental_sync_asks_for_what_changed_since_the_newest_issue() -> None:
    items = github_issues(120, start=NOW - 30 * DAY, closed_every=10)
    with GitHubServer(items, token=TOKEN) as server:
        api = client(server)
        cursor, _ = sync(api)
        before = cursor["since"]
        server.update(3, state="closed", closed_at=iso(time.time()))
        mark = len(server.requests)
        cursor, pages = sync(api, cursor)
        asked = server.requests[mark].query
    assert asked == {"state": "all", "since": before, "per_page": "100"}
    assert pages.issues["#3"].state == "closed"
    assert cursor["since"] > before


def test_cancelling_between_pages_stops_the_walk() -> None:
    with GitHubServer(github_issues(450), token=TOKEN) as server:
        seen: list[int] = []
        api = github.client(server.url, TOKEN, cancelled=lambda: len(seen) >= 2)
        with pytest.raises(Cancelled):
            github.sync_repository(
                api,
                "acme/app",
                scope="acme/app",
                project=None,
                me=None,
                cursor=None,
                closed_days=90,
                kind_map=None,
                now=NOW,
                on_page=lambda issues, pulls, page, pages: seen.append(page),
            )
    assert seen == [1, 2]
    # The next page is asked for while one is read: at most that one and the one after the
    # cancel was seen are sent, never the rest of the 5.
    assert len(server.requests) <= 4


def test_a_rate_limit_in_the_middle_of_a_sync_is_reported_with_its_reset() -> None:
    with GitHubServer(github_issues(450), token=TOKEN) as server:
        got: list[int] = []

        def on_page(issues: list[TrackerIssue], pulls: Any, page: int, pages: Any) -> None:
            got.append(page)
            if page == 1:
                server.rate_limited(reset_in=3600)

        mark = time.time()
        with pytest.raises(TrackerError) as caught:
            github.sync_repository(
                client(server, max_wait=60),
                "acme/app",
                scope="acme/app",
                project=None,
                me=None,
                cursor=None,
                closed_days=90,
                kind_map=None,
                now=NOW,
                on_page=on_page,
            )
    # What came before the limit was delivered: page 1, and page 2 when it was fetched ahead
    # while page 1 was read (the limit then hits page 3).
    assert got in ([1], [1, 2])
    assert caught.value.retry_at is not None and caught.value.retry_at >= mark + 3500
    assert "GitHub's rate limit is spent until" in caught.value.message


def test_the_token_user_is_me() -> None:
    with GitHubServer(token=TOKEN, login="octocat") as server:
        assert github.viewer(client(server)) == "octocat"
        assert github.viewer(github.client(server.url, None)) is None
    assert [r.path for r in server.requests] == ["/user"]


def test_enterprise_server_issues_are_scoped_by_host() -> None:
    with GitHubServer(github_issues(5), token=TOKEN, prefix="/api/v3") as server:
        scope = github.scope_of("Acme/App", server.api_url)
        _, pages = sync(client(server), scope=scope)
    assert scope == "127.0.0.1/acme/app"
    assert {i.scope for i in pages.issues.values()} == {scope}
    assert all(r.path == "/api/v3/repos/acme/app/issues" for r in server.requests)


def test_a_search_imports_issues_of_several_repositories() -> None:
    app = github_issues(3, repo="acme/app", start=NOW - DAY)
    web = github_issues(2, repo="acme/web", start=NOW - DAY, first=10)
    with GitHubServer(app, token=TOKEN) as server:
        server.repos["acme/web"] = web
        api = client(server)
        pages = Pages()
        options: dict[str, Any] = {
            "project": None,
            "me": "dev",
            "closed_days": 90,
            "kind_map": None,
            "now": NOW,
        }
        cursor = github.sync_query(api, "is:open", cursor=None, on_page=pages, **options)
        mark = len(server.requests)
        again = Pages()
        github.sync_query(api, "is:open", cursor=cursor, on_page=again, **options)
        resent = server.requests[mark:]
    by_scope = {(i.scope, i.key) for i in pages.issues.values()}
    app_scope, web_scope = (github.scope_of(r, server.api_url) for r in ("acme/app", "acme/web"))
    assert (app_scope, "#1") in by_scope and (web_scope, "#10") in by_scope
    assert server.requests[0].path == "/search/issues"
    assert len(resent) == 1 and "if-none-match" in resent[0].headers
    assert again.calls == []
    assert cursor["query"] == "is:open"


@pytest.mark.parametrize(
    ("remote", "api_url", "repo"),
    [
        ("https://github.com/Acme/App.git", "https://api.github.com", "acme/app"),
        ("git@github.com:acme/app.git", "https://api.github.com", "acme/app"),
        ("ssh://git@github.com/acme/app.git", "https://api.github.com", "acme/app"),
        ("https://user@github.com/acme/app", "https://api.github.com", "acme/app"),
        ("git@ghe.acme.io:team/svc.git", "https://ghe.acme.io/api/v3", "team/svc"),
        ("git@ghe.acme.io:team/svc.git", "https://api.github.com", None),
        ("https://gitlab.com/acme/app.git", "https://api.github.com", None),
        ("https://github.com/acme", "https://api.github.com", None),
        ("/srv/git/app.git", "https://api.github.com", None),
    ],
)
def test_repository_of_a_remote(remote: str, api_url: str, repo: str | None) -> None:
    assert github.repository_of_remote(remote, api_url) == repo


def test_scopes() -> None:
    assert github.scope_of("Acme/App", "https://api.github.com") == "acme/app"
    assert github.scope_of("team/svc", "https://ghe.acme.io/api/v3") == "ghe.acme.io/team/svc"


def test_pull_requests_name_issues_of_their_own_repository_only() -> None:
    text = (
        "Fixes #12, closes acme/app#13, see other/lib#14 and "
        "https://github.com/acme/app/issues/15; &#16; not an issue: v1#17"
    )
    assert github.referenced_issues(text, "acme/app") == [12, 13, 15]
    assert github.referenced_issues("Resolves #3", "ghe.acme.io/acme/app") == [3]


def test_an_unknown_repository_is_named() -> None:
    with GitHubServer(token=TOKEN) as server, pytest.raises(TrackerError) as caught:
        sync(client(server), repo="acme/nope")
    assert caught.value.message == "GitHub has no repository acme/nope, or the token cannot see it"
