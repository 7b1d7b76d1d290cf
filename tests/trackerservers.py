"""Local HTTP servers speaking GitHub's and Jira Cloud's REST API wire formats.

The real importer talks to them exactly as it talks to the trackers: point the API URL (GitHub)
or the site URL (Jira) at ``server.url``, in this process or in a ``devfocus`` process started by
a test. Each server runs in a thread of the test process (stdlib ``ThreadingHTTPServer`` on port
0, HTTP/1.1 keep-alive, gzip when asked) and answers at once.

    with GitHubServer(issues=github_issues(250, pulls_every=5)) as server:
        server.fail_next(500)                      # the next request gets a 500, then normal
        server.rate_limited(reset_in=30)           # a primary rate limit (403, remaining 0)
        ... run the importer with api_url=server.url, token=server.token ...
        assert [r.query["page"] for r in server.requests] == ["1", "2", "3"]

``requests`` lists what was received (method, path, query, headers); the credentials never
appear there: ``headers["authorization"]`` says ``"<valid>"`` or ``"<refused>"``.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import re
import socket
import threading
import time
import urllib.parse
import zlib
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "Clock",
    "GitHubServer",
    "JiraServer",
    "Received",
    "github_issues",
    "github_item",
    "iso",
    "jira_issues",
    "jira_item",
    "jira_time",
]

DAY = 86400.0


def iso(t: float) -> str:
    """GitHub's time format: ``2026-11-20T10:00:00Z``."""
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def jira_time(t: float, offset_hours: int = 1) -> str:
    """Jira's time format: ``2026-11-20T11:00:00.000+0100``."""
    tz = timezone(timedelta(hours=offset_hours))
    return datetime.fromtimestamp(t, tz).strftime("%Y-%m-%dT%H:%M:%S.000%z")


@dataclass(frozen=True)
class Received:
    """One request as a server received it (credentials replaced by <valid>/<refused>)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case


@dataclass
class _Scripted:
    status: int
    headers: dict[str, str]
    body: bytes | None  # None: drop the connection without an answer


class _Server:
    """What both servers share: the thread, the record of requests, scripted failures."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.connections = 0  # TCP connections accepted (keep-alive shows as few)
        self.gzip = True  # compress answers when the client accepts gzip
        self._script: deque[_Scripted] = deque()
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm
                # holds the body for the client's delayed ACK (some 40 ms a request).
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                with owner._lock:
                    owner.connections += 1

            def do_GET(self) -> None:
                owner._handle(self)

            def do_POST(self) -> None:
                owner._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> _Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    # -- scripting --------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        headers: Mapping[str, str] | None = None,
        body: object = None,
        *,
        times: int = 1,
    ) -> None:
        """The next ``times`` requests get this answer (a queue: later calls come after).
        ``body``: bytes or text as they are, anything else as JSON; None gives an error body."""
        if body is None:
            data = json.dumps({"message": f"scripted {status}"}).encode()
        elif isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = json.dumps(body).encode()
        with self._lock:
            for _ in range(times):
                self._script.append(_Scripted(status, dict(headers or {}), data))

    def drop_next(self, times: int = 1) -> None:
        """The next ``times`` requests see their connection closed without an answer."""
        with self._lock:
            for _ in range(times):
                self._script.append(_Scripted(0, {}, None))

    def malformed_next(self) -> None:
        """The next answer is a 200 whose body is not JSON (a proxy's error page)."""
        self.fail_next(200, {"Content-Type": "text/html"}, "<html><body>Bad gateway</body>")

    def retry_after(self, seconds: float, status: int = 429) -> None:
        """The next answer asks to wait ``seconds`` (429, or 403 for GitHub's secondary
        limits)."""
        self.fail_next(
            status,
            {"Retry-After": f"{seconds:g}"},
            {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
        )

    # -- serving ----------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        if length:
            handler.rfile.read(length)
        authorized = self._authorized(handler.headers.get("Authorization"))
        headers = {k.lower(): v for k, v in handler.headers.items()}
        if "authorization" in headers:
            headers["authorization"] = "<valid>" if authorized else "<refused>"
        with self._lock:
            self.requests.append(Received(handler.command, parts.path, query, headers))
            scripted = self._script.popleft() if self._script else None
        if scripted is not None:
            if scripted.body is None:
                handler.close_connection = True
                with contextlib.suppress(OSError):
                    handler.connection.shutdown(2)
                return
            self._send(handler, scripted.status, scripted.headers, scripted.body)
            return
        status, extra, body = self._answer(handler.command, parts.path, query, headers, authorized)
        self._send(handler, status, extra, body)

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
    ) -> None:
        zipped = (
            self.gzip
            and status != 304
            and len(body) > 0
            and "gzip" in (handler.headers.get("Accept-Encoding") or "")
        )
        if zipped:
            body = gzip.compress(body, compresslevel=1)
        handler.send_response(status)
        sent = {k.lower() for k in headers}
        for name, value in headers.items():
            handler.send_header(name, value)
        if "content-type" not in sent and status != 304:
            handler.send_header("Content-Type", "application/json; charset=utf-8")
        if zipped:
            handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(body) if status != 304 else 0))
        handler.end_headers()
        if status != 304:
            handler.wfile.write(body)

    def _authorized(self, value: str | None) -> bool:
        raise NotImplementedError

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        authorized: bool,
    ) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError


# -- GitHub -----------------------------------------------------------------------------------


def github_issues(
    count: int,
    *,
    repo: str = "acme/app",
    start: float | None = None,
    closed_every: int = 0,
    pulls_every: int = 0,
    assignee: str | None = "dev",
    host: str = "https://github.com",
    first: int = 1,
) -> list[dict[str, Any]]:
    """``count`` issues in GitHub's JSON, numbered from ``first``, created an hour apart from
    ``start`` (default: 40 days ago). Every ``closed_every``-th is closed a day after it
    opened, every ``pulls_every``-th is a pull request that fixes the issue before it, every
    third is assigned to ``assignee``."""
    start = time.time() - 40 * DAY if start is None else start
    kinds: list[list[str]] = [["bug", "priority: high"], ["enhancement"], ["documentation", "P3"]]
    kinds.append([])
    items = []
    for i in range(count):
        number = first + i
        created = start + i * 3600.0
        closed = bool(closed_every) and number % closed_every == 0
        pull = bool(pulls_every) and number % pulls_every == 0
        items.append(
            github_item(
                number,
                repo=repo,
                title=f"{'Fix' if pull else 'Crash'} when saving file {number}",
                body=f"Fixes #{number - 1}" if pull else f"Steps to reproduce issue {number}.",
                labels=[] if pull else kinds[i % len(kinds)],
                assignees=[assignee] if assignee and i % 3 == 0 else [],
                created=created,
                updated=created + (DAY if closed else 600.0),
                closed=created + DAY if closed else None,
                pull=pull,
                host=host,
            )
        )
    return items


def github_item(
    number: int,
    *,
    repo: str = "acme/app",
    title: str = "An issue",
    body: str | None = "",
    labels: list[str] | None = None,
    assignees: list[str] | None = None,
    created: float,
    updated: float | None = None,
    closed: float | None = None,
    pull: bool = False,
    host: str = "https://github.com",
) -> dict[str, Any]:
    """One issue (or pull request) as GitHub's issues endpoint returns it."""
    api = "https://api.github.com" if host == "https://github.com" else f"{host}/api/v3"
    kind = "pull" if pull else "issues"
    item: dict[str, Any] = {
        "url": f"{api}/repos/{repo}/issues/{number}",
        "repository_url": f"{api}/repos/{repo}",
        "html_url": f"{host}/{repo}/{kind}/{number}",
        "id": 1_000_000 + number,
        "node_id": f"I_kwDO{number:08d}",
        "number": number,
        "title": title,
        "user": {"login": "reporter", "id": 7, "type": "User"},
        "labels": [
            {"id": 100 + j, "name": name, "color": "d73a4a", "default": False}
            for j, name in enumerate(labels or [])
        ],
        "state": "closed" if closed is not None else "open",
        "locked": False,
        "assignee": {"login": assignees[0], "id": 9} if assignees else None,
        "assignees": [{"login": login, "id": 9} for login in assignees or []],
        "comments": 0,
        "created_at": iso(created),
        "updated_at": iso(updated if updated is not None else created),
        "closed_at": iso(closed) if closed is not None else None,
        "author_association": "MEMBER",
        "body": body,
        "state_reason": "completed" if closed is not None else None,
    }
    if pull:
        item["pull_request"] = {
            "url": f"{api}/repos/{repo}/pulls/{number}",
            "html_url": f"{host}/{repo}/pull/{number}",
            "diff_url": f"{host}/{repo}/pull/{number}.diff",
            "patch_url": f"{host}/{repo}/pull/{number}.patch",
            "merged_at": iso(closed) if closed is not None else None,
        }
    return item


class GitHubServer(_Server):
    """GitHub's REST API: ``/user``, ``/repos/{owner}/{name}/issues`` and ``/search/issues``,
    with pages, ``Link`` headers, ETags and 304s, and the rate-limit headers.

    ``issues`` belong to ``repo`` (more repositories: ``server.repos[name] = [...]``). With
    ``prefix="/api/v3"`` it answers under that path, as GitHub Enterprise Server does. A
    request with a wrong token gets a 401; one without a token is served (a public repository)
    at the lower rate limit.
    """

    def __init__(
        self,
        issues: list[dict[str, Any]] | None = None,
        *,
        repo: str = "acme/app",
        token: str | None = "t0k3n",
        login: str = "dev",
        prefix: str = "",
        rate_limit: int = 5000,
        link_on_304: bool = False,
    ) -> None:
        super().__init__()
        self.token = token
        self.login = login
        self.prefix = prefix.rstrip("/")
        self.repos: dict[str, list[dict[str, Any]]] = {repo: list(issues or [])}
        self.rate_limit = rate_limit
        self.remaining = rate_limit
        self.reset = time.time() + 3600
        self.link_on_304 = link_on_304  # GitHub's 304s may come without the Link header

    @property
    def api_url(self) -> str:
        return f"{self.url}{self.prefix}"

    def __enter__(self) -> GitHubServer:
        super().__enter__()
        return self

    def update(self, number: int, repo: str | None = None, **fields: Any) -> None:
        """Change an issue as a user would on GitHub: ``updated_at`` moves to now."""
        items = self.repos[repo or next(iter(self.repos))]
        with self._lock:
            for item in items:
                if item["number"] == number:
                    item.update(fields)
                    item["updated_at"] = iso(time.time())

    def rate_limited(self, reset_in: float, limit: int = 60, status: int = 403) -> None:
        """The next answer: the primary rate limit is spent until ``reset_in`` seconds from
        now (``x-ratelimit-remaining: 0``)."""
        self.fail_next(
            status,
            {
                "x-ratelimit-limit": str(limit),
                "x-ratelimit-remaining": "0",
                "x-ratelimit-used": str(limit),
                "x-ratelimit-reset": str(int(time.time() + reset_in)),
                "x-ratelimit-resource": "core",
            },
            {
                "message": "API rate limit exceeded for user ID 9.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits",
            },
        )

    # -- answers ------------------------------------------------------------------------------

    def _authorized(self, value: str | None) -> bool:
        if self.token is None or value is None:
            return True
        return value in (f"Bearer {self.token}", f"token {self.token}")

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        authorized: bool,
    ) -> tuple[int, dict[str, str], bytes]:
        anonymous = "authorization" not in headers
        if not authorized:
            return self._json(401, {}, _BAD_CREDENTIALS)
        if not path.startswith(f"{self.prefix}/"):
            return self._json(404, {}, _NOT_FOUND)
        path = path[len(self.prefix) :]
        limits = self._limits(anonymous)
        if method != "GET":
            return self._json(404, limits, _NOT_FOUND)
        if path == "/user":
            if anonymous:
                return self._json(401, limits, {"message": "Requires authentication"})
            return self._json(200, limits, {"login": self.login, "id": 9, "type": "User"})
        m = re.fullmatch(r"/repos/([^/]+/[^/]+)/issues", path)
        if m is not None:
            items = self.repos.get(urllib.parse.unquote(m[1]).lower())
            if items is None:
                return self._json(404, limits, _NOT_FOUND)
            return self._page(path, query, headers, limits, self._listed(items, query), False)
        if path == "/search/issues":
            return self._page(path, query, headers, limits, self._searched(query), True)
        return self._json(404, limits, _NOT_FOUND)

    def _limits(self, anonymous: bool) -> dict[str, str]:
        with self._lock:
            limit = 60 if anonymous else self.rate_limit
            self.remaining = max(0, self.remaining - 1)
            return {
                "x-ratelimit-limit": str(limit),
                "x-ratelimit-remaining": str(min(self.remaining, limit)),
                "x-ratelimit-reset": str(int(self.reset)),
                "x-ratelimit-used": str(limit - min(self.remaining, limit)),
                "x-ratelimit-resource": "core",
            }

    def _listed(self, items: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
        state = query.get("state", "open")
        since = query.get("since")
        with self._lock:
            found = [
                dict(i)
                for i in items
                if (state == "all" or i["state"] == state)
                and (since is None or i["updated_at"] >= since)
            ]
        key = "updated_at" if query.get("sort") == "updated" else "created_at"
        found.sort(key=lambda i: (i[key], i["number"]), reverse=query.get("direction") != "asc")
        return found

    def _searched(self, query: dict[str, str]) -> list[dict[str, Any]]:
        """A small part of GitHub's search syntax: repo:, is:open/closed/issue/pr, assignee:,
        label:, updated:>=; other words are ignored."""
        words = query.get("q", "").split()
        with self._lock:
            found = [dict(i) for items in self.repos.values() for i in items]
        for word in words:
            name, _, value = word.partition(":")
            if name == "repo":
                found = [i for i in found if i["repository_url"].lower().endswith(f"/{value}")]
            elif name == "is" and value in ("open", "closed"):
                found = [i for i in found if i["state"] == value]
            elif name == "is" and value in ("issue", "pr"):
                found = [i for i in found if ("pull_request" in i) == (value == "pr")]
            elif name == "assignee":
                who = self.login if value == "@me" else value
                found = [i for i in found if who in [a["login"] for a in i["assignees"]]]
            elif name == "label":
                found = [i for i in found if value in [x["name"] for x in i["labels"]]]
            elif name == "updated" and value.startswith(">="):
                found = [i for i in found if i["updated_at"] >= value[2:]]
        found.sort(key=lambda i: (i["updated_at"], i["number"]), reverse=True)
        return found

    def _page(
        self,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        limits: dict[str, str],
        found: list[dict[str, Any]],
        search: bool,
    ) -> tuple[int, dict[str, str], bytes]:
        per_page = max(1, min(100, int(query.get("per_page") or 30)))
        page = max(1, int(query.get("page") or 1))
        last = max(1, -(-len(found) // per_page))
        chunk = found[(page - 1) * per_page : page * per_page]
        if search:
            data: object = {
                "total_count": len(found),
                "incomplete_results": False,
                "items": [{**i, "score": 1.0} for i in chunk],
            }
        else:
            data = chunk
        body = json.dumps(data).encode()
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:40]}"'
        links = []

        def at(n: int) -> str:
            q = urllib.parse.urlencode({**query, "page": str(n)})
            return f"<{self.url}{self.prefix}{path}?{q}>"

        if page < last:
            links += [f'{at(page + 1)}; rel="next"', f'{at(last)}; rel="last"']
        if page > 1:
            links += [f'{at(1)}; rel="first"', f'{at(page - 1)}; rel="prev"']
        extra = {**limits, "ETag": etag, "Cache-Control": "private, max-age=60, s-maxage=60"}
        if links:
            extra["Link"] = ", ".join(links)
        if headers.get("if-none-match") == etag:
            if not self.link_on_304:
                extra.pop("Link", None)
            with self._lock:
                self.remaining += 1  # a 304 costs nothing against the rate limit
            return 304, extra, b""
        return 200, extra, body

    @staticmethod
    def _json(
        status: int, headers: dict[str, str], data: object
    ) -> tuple[int, dict[str, str], bytes]:
        return status, headers, json.dumps(data).encode()


_BAD_CREDENTIALS = {
    "message": "Bad credentials",
    "documentation_url": "https://docs.github.com/rest",
    "status": "401",
}
_NOT_FOUND = {
    "message": "Not Found",
    "documentation_url": "https://docs.github.com/rest",
    "status": "404",
}


# -- Jira ----------------------------------------------------------------------------------------


def jira_issues(
    count: int,
    *,
    project: str = "ABC",
    start: float | None = None,
    done_every: int = 0,
    me: str = "5b10ac8d82e05b22cc7d4ef5",
    first: int = 1,
) -> list[dict[str, Any]]:
    """``count`` issues in Jira's JSON (all fields), keys ``ABC-1``…, created an hour apart
    from ``start``; every ``done_every``-th is Done; every other one is assigned to ``me``."""
    start = time.time() - 40 * DAY if start is None else start
    types = ("Bug", "Story", "Task", "Epic")
    priorities = ("Highest", "High", "Medium", "Low")
    items = []
    for i in range(count):
        number = first + i
        created = start + i * 3600.0
        done = bool(done_every) and number % done_every == 0
        items.append(
            jira_item(
                f"{project}-{number}",
                summary=f"Export fails for report {number}",
                issuetype=types[i % len(types)],
                priority=priorities[i % len(priorities)],
                labels=["backend"] if i % 2 else [],
                assignee=me if i % 2 == 0 else "557058:f0000000-0000-0000-0000-000000000000",
                created=created,
                updated=created + (DAY if done else 600.0),
                resolved=created + DAY if done else None,
                description=f"The export of report {number} stops half way.",
            )
        )
    return items


def jira_item(
    key: str,
    *,
    summary: str,
    issuetype: str = "Task",
    priority: str | None = "Medium",
    labels: list[str] | None = None,
    assignee: str | None = None,
    created: float,
    updated: float | None = None,
    resolved: float | None = None,
    description: str | dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One issue as ``/rest/api/3/search/jql`` returns it (every field; the server keeps only
    those asked for). A text ``description`` becomes an Atlassian Document Format paragraph."""
    if isinstance(description, str):
        description = {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": description}]}],
        }
    done = resolved is not None
    return {
        "expand": "renderedFields,names,schema,operations,editmeta,changelog",
        "id": str(10000 + zlib.crc32(key.encode()) % 90000),
        "self": f"https://example.atlassian.net/rest/api/3/issue/{key}",
        "key": key,
        "fields": {
            "summary": summary,
            "status": {
                "name": "Done" if done else "In Progress",
                "statusCategory": {
                    "id": 3 if done else 4,
                    "key": "done" if done else "indeterminate",
                    "name": "Done" if done else "In Progress",
                },
            },
            "issuetype": {"name": issuetype, "subtask": False},
            "priority": {"name": priority} if priority else None,
            "labels": labels or [],
            "assignee": (
                {"accountId": assignee, "displayName": "Dev", "active": True} if assignee else None
            ),
            "created": jira_time(created),
            "updated": jira_time(updated if updated is not None else created),
            "resolutiondate": jira_time(resolved) if resolved is not None else None,
            "description": description,
            "comment": {"comments": [], "total": 0},  # not asked for: left out by the server
        },
    }


class JiraServer(_Server):
    """Jira Cloud's REST API: ``/rest/api/3/myself`` and ``GET /rest/api/3/search/jql`` (paging
    by ``nextPageToken`` until ``isLast``, only the ``fields`` asked for, at most 100 a page).

    JQL is not evaluated, except ``updated >= -Nm`` / ``-Nd`` (relative to ``now``), so an
    incremental sync sees only what changed; ``jqls`` lists the JQL received. Basic auth with
    ``email`` and ``token``; anything else gets a 401.
    """

    def __init__(
        self,
        issues: list[dict[str, Any]] | None = None,
        *,
        email: str = "dev@example.com",
        token: str = "j1r4-t0k3n",
        account_id: str = "5b10ac8d82e05b22cc7d4ef5",
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.issues = list(issues or [])
        self.email = email
        self.token = token
        self.account_id = account_id
        self.now = now
        self.jqls: list[str] = []

    def __enter__(self) -> JiraServer:
        super().__enter__()
        return self

    def _authorized(self, value: str | None) -> bool:
        good = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        return value == f"Basic {good}"

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        authorized: bool,
    ) -> tuple[int, dict[str, str], bytes]:
        if not authorized:
            refused = ["You are not authenticated. Authentication required."]
            return 401, {}, json.dumps({"errorMessages": refused}).encode()
        if method == "GET" and path == "/rest/api/3/myself":
            me = {
                "accountId": self.account_id,
                "emailAddress": self.email,
                "displayName": "Dev",
                "active": True,
                "timeZone": "Europe/Berlin",
            }
            return 200, {}, json.dumps(me).encode()
        if method == "GET" and path == "/rest/api/3/search/jql":
            return 200, {}, json.dumps(self._search(query)).encode()
        return 404, {}, json.dumps({"errorMessages": ["Not found"], "errors": {}}).encode()

    def _search(self, query: dict[str, str]) -> dict[str, Any]:
        jql = query.get("jql", "")
        with self._lock:
            self.jqls.append(jql)
            found = [dict(i) for i in self.issues]
        for number, unit in re.findall(r"updated\s*>=\s*-(\d+)([md])", jql):
            cutoff = self.now() - int(number) * (60 if unit == "m" else DAY)
            found = [i for i in found if _jira_epoch(i["fields"]["updated"]) >= cutoff]
        found.sort(key=lambda i: _jira_epoch(i["fields"]["updated"]), reverse=True)
        size = max(1, min(100, int(query.get("maxResults") or 50)))
        token = query.get("nextPageToken")
        offset = int(base64.b64decode(token).decode()) if token else 0
        chunk = found[offset : offset + size]
        wanted = [f for f in query.get("fields", "").split(",") if f]
        issues = [
            {
                "id": i["id"],
                "key": i["key"],
                "self": i["self"],
                "fields": {f: i["fields"].get(f) for f in wanted if f in i["fields"]},
            }
            for i in chunk
        ]
        last = offset + size >= len(found)
        answer: dict[str, Any] = {"issues": issues, "isLast": last}
        if not last:
            answer["nextPageToken"] = base64.b64encode(str(offset + size).encode()).decode()
        return answer


def _jira_epoch(value: str) -> float:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


class Clock:
    """A clock for the client's ``clock`` and ``sleep`` seams: sleeping moves it on at once,
    and ``slept`` records every pause the client took."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    @property
    def waited(self) -> float:
        return sum(self.slept)
