"""GitHub's issues through its REST API (github.com and GitHub Enterprise Server).

A repository's issues are listed 100 a page, following the ``Link`` header. The first sync (or a
full one) lists the open issues and those closed within ``closed_days``; later syncs list what
changed ``since`` the newest ``updated_at`` already seen. That URL stays the same until something
changes, and every page is asked with the ``ETag`` its URL last had: an unchanged re-sync is one
conditional request per page, each answered 304 (which GitHub does not count against the rate
limit). A sync ends by reading the listing the next one will ask for, so that even the first
re-sync finds its ETag. The cursor remembers, per URL, the ETag and the next page, because a 304
may come without a ``Link`` header.

Pull requests come among the issues (items with a ``pull_request`` key): they are kept apart,
with the issue numbers their text names.
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from devfocus.trackers.http import Cancelled, JsonClient, Response, TrackerError
from devfocus.trackers.imported import (
    BODY_KEPT,
    PullRequest,
    TrackerIssue,
    kind_of,
    priority_of_labels,
)

__all__ = [
    "PUBLIC_API",
    "TOKEN_HINT",
    "OnPage",
    "client",
    "repository_of_remote",
    "scope_of",
    "sync_query",
    "sync_repository",
    "viewer",
]

PUBLIC_API = "https://api.github.com"
TOKEN_HINT = "run DevFocus: Connect GitHub or set GITHUB_TOKEN"
PER_PAGE = 100
AHEAD = 1  # pages waiting for the importer while the next is fetched, at most
KEPT_PAGES = 400  # listing pages whose ETag a cursor remembers

# issues, pull requests, page number (1-based, within one listing), pages of that listing
OnPage = Callable[[list[TrackerIssue], list[PullRequest], int, "int | None"], None]


def client(api_url: str = PUBLIC_API, token: str | None = None, **options: Any) -> JsonClient:
    """A client for GitHub's REST API at ``api_url``; ``options`` go to :class:`JsonClient`."""
    headers = {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return JsonClient(
        api_url,
        service="GitHub",
        headers=headers,
        auth_hint=TOKEN_HINT,
        secrets=(token,) if token else (),
        **options,
    )


# -- where the issues are -------------------------------------------------------------------


def _web_host(api_url: str) -> str:
    """The host people browse for an API: api.github.com ↔ github.com; GHE's is its own."""
    host = (urllib.parse.urlsplit(api_url).hostname or "").lower()
    return "github.com" if host == "api.github.com" else host


_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?!/)(?P<path>.+)$")


def repository_of_remote(remote_url: str, api_url: str) -> str | None:
    """``owner/name`` (lower case) of a git remote on the host of ``api_url``, else None.

    Remotes come as ``https://github.com/o/r.git``, ``git@github.com:o/r.git`` or
    ``ssh://git@github.com/o/r.git``.
    """
    url = remote_url.strip()
    if "://" in url:
        parts = urllib.parse.urlsplit(url)
        host, path = (parts.hostname or ""), parts.path
    elif (m := _SCP.match(url)) is not None:
        host, path = m["host"], m["path"]
    else:
        return None
    if not host or host.lower() != _web_host(api_url):
        return None
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    pieces = path.split("/")
    if len(pieces) != 2 or not all(re.fullmatch(r"[A-Za-z0-9_.-]+", p) for p in pieces):
        return None
    return "/".join(pieces).lower()


def scope_of(repo: str, api_url: str) -> str:
    """The scope issues of ``repo`` are stored under: ``owner/name`` on github.com,
    ``host/owner/name`` on GitHub Enterprise."""
    host = _web_host(api_url)
    repo = repo.strip("/").lower()
    return repo if host == "github.com" else f"{host}/{repo}"


def viewer(api: JsonClient) -> str | None:
    """The login of the token's user; None without a token."""
    if not api.authenticated:
        return None
    body = api.get("/user").body
    login = body.get("login") if isinstance(body, dict) else None
    if not isinstance(login, str):
        raise TrackerError("GitHub did not say whose the token is (GET /user had no login)")
    return login


# -- syncing ----------------------------------------------------------------------------------


def sync_repository(
    api: JsonClient,
    repo: str,
    *,
    scope: str,
    project: str | None,
    me: str | None,
    cursor: Mapping[str, Any] | None,
    closed_days: float,
    kind_map: Mapping[str, str] | None,
    now: float,
    full: bool = False,
    on_page: OnPage | None = None,
) -> dict[str, Any]:
    """Import the issues of ``repo`` (``owner/name``) through ``on_page``; returns the cursor
    to hand to the next sync (JSON-serialisable)."""
    owner, _, name = repo.strip("/").partition("/")
    path = f"/repos/{urllib.parse.quote(owner)}/{urllib.parse.quote(name)}/issues"
    window = _window_start(now, closed_days)
    old = dict(cursor or {})
    since = None if full else old.get("since")
    if since:
        listings = [{"state": "all", "since": since}]
    else:
        listings = [{"state": "open"}, {"state": "closed", "since": _iso(window)}]
    walker = _Walker(api, scope, project, me, window, kind_map, old, on_page)
    try:
        for params in listings:
            walker.walk(api.url(path, {**params, "per_page": PER_PAGE}), "list")
    except TrackerError as e:
        if e.status == 404:
            raise TrackerError(
                f"GitHub has no repository {owner}/{name}, or the token cannot see it", status=404
            ) from None
        raise
    walker.prime(since, lambda s: api.url(path, {"state": "all", "since": s, "per_page": PER_PAGE}))
    return walker.cursor(since)


def sync_query(
    api: JsonClient,
    query: str,
    *,
    scope: str | None = None,
    project: str | None,
    me: str | None,
    cursor: Mapping[str, Any] | None,
    closed_days: float,
    kind_map: Mapping[str, str] | None,
    now: float,
    full: bool = False,
    on_page: OnPage | None = None,
) -> dict[str, Any]:
    """Import the issues a GitHub search (``/search/issues``) finds; each keeps the scope of
    its own repository (``scope`` is accepted for a caller's uniform call, and not used).
    Returns the cursor for the next sync."""
    del scope
    window = _window_start(now, closed_days)
    old = dict(cursor or {})
    if old.get("query") != query:
        old = {}  # another query: nothing of the old one's cursor holds
    since = None if full else old.get("since")

    def url(since: str | None) -> str:
        q = " ".join(query.split())
        q = f"{q} updated:>={since}" if since else q
        params = {"q": q, "sort": "updated", "order": "desc", "per_page": PER_PAGE}
        return api.url("/search/issues", params)

    walker = _Walker(api, None, project, me, window, kind_map, old, on_page)
    walker.walk(url(since), "search")
    walker.prime(since, url, "search")
    return {**walker.cursor(since), "query": query}


class _Walker:
    """Walks listings page by page with conditional requests, collecting the new cursor."""

    def __init__(
        self,
        api: JsonClient,
        scope: str | None,
        project: str | None,
        me: str | None,
        window: float,
        kind_map: Mapping[str, str] | None,
        old: Mapping[str, Any],
        on_page: OnPage | None,
    ) -> None:
        self.api = api
        self.scope = scope
        self.project = project
        self.me = (me or "").casefold() or None
        self.window = window
        self.kind_map = kind_map
        self.known: Mapping[str, Any] = old.get("pages") or {}
        self.known_since: str | None = old.get("since")  # the newest item of the last sync
        self.pages: dict[str, dict[str, Any]] = {}
        self.newest: str | None = None
        self.on_page = on_page
        self.delivered: set[tuple[str, int, object]] = set()

    def walk(self, url: str, shape: str) -> None:
        page = 0
        pages: int | None = None
        for url_now, known, response in self._pages_from(url):
            if self.api.cancelled():  # a page fetched ahead is not read after a cancel
                raise Cancelled()
            page += 1
            if response.status == 304 and isinstance(known, Mapping):
                self.pages[url_now] = dict(known)
                self.newest = _later(self.newest, known.get("newest"))
                pages = known.get("last") or pages
                if self.on_page is not None:
                    self.on_page([], [], page, pages)  # nothing new: progress all the same
                continue
            body = response.body
            items = body.get("items") if shape == "search" and isinstance(body, dict) else body
            if not isinstance(items, list):
                raise TrackerError(f"GitHub answered with no list of issues ({url_now})")
            issues, pulls, newest = self._read(items)
            last = _page_number(response.links.get("last"))
            pages = last or pages or (page if "next" not in response.links else None)
            self.pages[url_now] = {
                "etag": response.etag,
                "next": response.links.get("next"),
                "last": pages,
                "newest": newest,
            }
            self.newest = _later(self.newest, newest)
            if (issues or pulls) and self.on_page is not None:
                self.on_page(issues, pulls, page, pages)

    def _pages_from(self, url: str) -> Iterator[tuple[str, Mapping[str, Any], Response]]:
        """The pages of the listing at ``url`` as they arrive: (url, what was known of it, the
        answer). A thread asks for each next page as soon as the last one has arrived (its Link
        header, or what is known of a 304, says where it is), while the caller reads and stores
        the one before: still one request at a time, but the server's time and ours overlap.
        The thread runs at most :data:`AHEAD` pages ahead of the caller, so a cancel stops
        the walk within that many requests."""
        arrived: queue.Queue[tuple[str, Mapping[str, Any], Response] | BaseException | None]
        arrived = queue.Queue(maxsize=AHEAD)
        stop = threading.Event()

        def fetch_all() -> None:
            seen = set(self.pages)
            next_url: str | None = url
            try:
                while next_url is not None and next_url not in seen and not stop.is_set():
                    if self.api.cancelled():
                        raise Cancelled()
                    seen.add(next_url)
                    known = self.known.get(next_url) or {}
                    etag = known.get("etag") if isinstance(known, Mapping) else None
                    response = self.api.get(next_url, etag=etag)
                    arrived.put((next_url, known, response))
                    if response.status == 304 and isinstance(known, Mapping):
                        next_url = known.get("next")
                    else:
                        next_url = response.links.get("next")
                arrived.put(None)
            except BaseException as error:  # handed to the caller, who raises it
                arrived.put(error)

        fetcher = threading.Thread(target=fetch_all, name="devfocus-github", daemon=True)
        fetcher.start()
        try:
            while (item := arrived.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            while fetcher.is_alive():  # let it finish its request, then end
                with contextlib.suppress(queue.Empty):
                    arrived.get(timeout=0.1)
            fetcher.join()

    def prime(self, since: str | None, url_of: Callable[[str], str], shape: str = "list") -> None:
        """Walk the listing the next sync will ask for (changes since the newest item seen),
        so that its ETag is known: an unchanged next sync is then one 304. The newest item
        is in it again (``since`` is inclusive), so a second walk settles it."""
        walked = since
        for _ in range(2):
            newest = _later(since, self.newest)
            if newest is None or newest == walked:
                return
            if newest == self.known_since and url_of(newest) in self.known:
                return  # nothing newer than last time: its ETag is known already
            self.walk(url_of(newest), shape)
            walked = newest

    def cursor(self, since: str | None) -> dict[str, Any]:
        # Pages not walked this time stay known (a full sync after incremental ones finds its
        # ETags), the ones walked last; the oldest go past KEPT_PAGES.
        pages = {u: p for u, p in self.known.items() if u not in self.pages}
        pages.update(self.pages)
        kept = dict(list(pages.items())[-KEPT_PAGES:])
        return {"since": _later(since, self.newest), "pages": kept}

    def _read(self, items: list[Any]) -> tuple[list[TrackerIssue], list[PullRequest], str | None]:
        issues: list[TrackerIssue] = []
        pulls: list[PullRequest] = []
        newest: str | None = None
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("number"), int):
                continue
            updated = item.get("updated_at")
            # GitHub's times are all "YYYY-MM-DDTHH:MM:SSZ": as text, later is larger.
            if isinstance(updated, str) and (newest is None or updated > newest):
                newest = updated
            scope = self.scope or _scope_of_item(item, self.api.base_url)
            if scope is None:
                continue
            seen = (scope, item["number"], updated)
            if seen in self.delivered:
                continue  # read again by the last walk (`since` is inclusive): told already
            self.delivered.add(seen)
            closed = _epoch(item.get("closed_at"))
            if item.get("state") == "closed" and (closed is None or closed < self.window):
                continue  # closed before the window: not worth a task
            if "pull_request" in item:
                pulls.append(_pull(item, scope, closed))
            else:
                issues.append(self._issue(item, scope, closed))
        return issues, pulls, newest

    def _issue(self, item: dict[str, Any], scope: str, closed: float | None) -> TrackerIssue:
        labels = tuple(_names(item.get("labels"), "name"))
        logins = {login.casefold() for login in _names(item.get("assignees"), "login")}
        if isinstance(item.get("assignee"), dict):
            logins.update(_names([item["assignee"]], "login"))
        created = _epoch(item.get("created_at")) or 0.0
        return TrackerIssue(
            tracker="github",
            scope=scope,
            key=f"#{item['number']}",
            title=str(item.get("title") or "").strip(),
            url=str(item.get("html_url") or ""),
            kind=kind_of(labels, self.kind_map),
            priority=priority_of_labels(labels),
            state="closed" if item.get("state") == "closed" else "open",
            assigned_to_me=self.me is not None and self.me in logins,
            labels=labels,
            created=created,
            updated=_epoch(item.get("updated_at")) or created,
            closed=closed if item.get("state") == "closed" else None,
            body=plain_text(item.get("body")),
            project=self.project,
        )


def _pull(item: dict[str, Any], scope: str, closed: float | None) -> PullRequest:
    number = int(item["number"])
    created = _epoch(item.get("created_at")) or 0.0
    text = f"{item.get('title') or ''}\n{item.get('body') or ''}"
    return PullRequest(
        scope=scope,
        number=number,
        title=str(item.get("title") or "").strip(),
        url=str(item.get("html_url") or ""),
        state="closed" if item.get("state") == "closed" else "open",
        created=created,
        updated=_epoch(item.get("updated_at")) or created,
        closed=closed if item.get("state") == "closed" else None,
        issues=tuple(n for n in referenced_issues(text, scope) if n != number),
    )


_REF = re.compile(
    r"(?<![\w/#.-])(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(?P<num>\d+)\b"
    r"|(?<![\w&/])#(?P<bare>\d+)\b"
    r"|https?://[^\s/]+/(?P<urlrepo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/(?:issues|pull)/(?P<urlnum>\d+)"
)


def referenced_issues(text: str, scope: str) -> list[int]:
    """Issue numbers of ``scope``'s repository that ``text`` names: ``Fixes #12``, ``#12``,
    ``owner/name#12``, or the issue's URL; other repositories' references are left out."""
    own = scope.rsplit("/", 2)
    repo = "/".join(own[-2:]).casefold()
    found: list[int] = []
    for m in _REF.finditer(text or ""):
        named = m["repo"] or m["urlrepo"]
        if named is not None and named.casefold() != repo:
            continue
        number = int(m["num"] or m["bare"] or m["urlnum"])
        if number not in found:
            found.append(number)
    return found


def _scope_of_item(item: Mapping[str, Any], api_url: str) -> str | None:
    """A search result's repository, from its ``repository_url`` (``…/repos/o/r``)."""
    url = str(item.get("repository_url") or "")
    m = re.search(r"/repos/([^/]+/[^/]+)/?$", url)
    return scope_of(urllib.parse.unquote(m[1]), api_url) if m else None


def _names(values: object, key: str) -> Iterable[str]:
    for value in values if isinstance(values, list) else ():
        name = value.get(key) if isinstance(value, dict) else value
        if isinstance(name, str) and name.strip():
            yield name.strip()


_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)


def plain_text(markdown: object) -> str:
    """The first BODY_KEPT characters of an issue's text, without the HTML comments issue
    templates are full of."""
    if not isinstance(markdown, str):
        return ""
    text = _COMMENT.sub("", markdown.replace("\r\n", "\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text[:BODY_KEPT]


def _epoch(value: object) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _later(a: object, b: object) -> str | None:
    """The later of two ISO times (either may be missing)."""
    ta, tb = _epoch(a), _epoch(b)
    if ta is None:
        return b if tb is not None and isinstance(b, str) else None
    if tb is None or ta >= tb:
        return a if isinstance(a, str) else None
    return b if isinstance(b, str) else None


def _window_start(now: float, closed_days: float) -> float:
    """The start of the UTC day ``closed_days`` ago: a stable ``since`` for a whole day, so
    the closed listing's URL (and its ETags) hold between syncs."""
    day = datetime.fromtimestamp(now, timezone.utc) - timedelta(days=closed_days)
    return day.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def _page_number(url: str | None) -> int | None:
    if not url:
        return None
    values = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("page")
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None
