"""Jira Cloud's issues through its current search API (``GET /rest/api/3/search/jql``).

Pages come 100 at a time, linked by ``nextPageToken`` until ``isLast``; only the fields a task
needs are asked for. The JQL is bounded (by default the user's open issues and those updated
within ``closed_days``); a later sync asks only for what was updated since the last one, with
five minutes of overlap so that nothing falls between two syncs.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from devfocus.trackers.http import Cancelled, JsonClient, TrackerError, basic_auth
from devfocus.trackers.imported import (
    BODY_KEPT,
    PullRequest,
    TrackerIssue,
    kind_of,
    priority_of_name,
)

__all__ = [
    "FIELDS",
    "TOKEN_HINT",
    "OnPage",
    "adf_text",
    "client",
    "default_jql",
    "myself",
    "site_host",
    "sync_jira",
]

TOKEN_HINT = (
    "run DevFocus: Connect Jira or set DEVFOCUS_JIRA_TOKEN, with devfocus.issues.jira.email "
    "the token's account"
)
FIELDS = (
    "summary",
    "status",
    "issuetype",
    "priority",
    "labels",
    "assignee",
    "created",
    "updated",
    "resolutiondate",
    "description",
)
PAGE_SIZE = 100
OVERLAP_MINUTES = 5

OnPage = Callable[[list[TrackerIssue], list[PullRequest], int, "int | None"], None]


def client(site_url: str, email: str | None, token: str | None, **options: Any) -> JsonClient:
    """A client for the Jira site at ``site_url``: Basic auth with ``email`` and an API token
    (Jira Cloud), or the token alone as a Bearer token (a Data Center personal access token).
    ``options`` go to :class:`JsonClient`."""
    headers: dict[str, str] = {}
    if token and email:
        headers["Authorization"] = f"Basic {basic_auth(email, token)}"
    elif token:
        headers["Authorization"] = f"Bearer {token}"
    return JsonClient(
        site_url,
        service="Jira",
        headers=headers,
        auth_hint=TOKEN_HINT,
        secrets=(token,) if token else (),
        **options,
    )


def site_host(site_url: str) -> str:
    """The scope of a site's issues: its host (``acme.atlassian.net``)."""
    parts = urllib.parse.urlsplit(site_url if "://" in site_url else f"https://{site_url}")
    return (parts.hostname or "").lower()


def myself(api: JsonClient) -> str:
    """The accountId of the token's user."""
    body = api.get("/rest/api/3/myself").body
    account = body.get("accountId") if isinstance(body, dict) else None
    if not isinstance(account, str) or not account:
        raise TrackerError("Jira did not say whose the token is (/myself had no accountId)")
    return account


def default_jql(closed_days: float) -> str:
    """The user's open issues and those updated within ``closed_days``."""
    days = max(1, math.ceil(closed_days))
    return (
        f"assignee = currentUser() AND (statusCategory != Done OR updated >= -{days}d) "
        "ORDER BY updated DESC"
    )


_ORDER_BY = re.compile(r"\s+ORDER\s+BY\s+.*$", re.IGNORECASE | re.DOTALL)


def incremental_jql(jql: str, minutes: int) -> str:
    """``jql`` narrowed to what was updated in the last ``minutes``."""
    where = _ORDER_BY.sub("", " " + jql.strip()).strip()
    bounded = f"updated >= -{minutes}m"
    where = f"({where}) AND {bounded}" if where else bounded
    return f"{where} ORDER BY updated DESC"


def sync_jira(
    api: JsonClient,
    site: str,
    *,
    jql: str | None,
    closed_days: float,
    kind_map: Mapping[str, str] | None,
    me: str | None,
    cursor: Mapping[str, Any] | None,
    now: float,
    full: bool = False,
    on_page: OnPage | None = None,
) -> dict[str, Any]:
    """Import the issues ``jql`` finds on ``site`` through ``on_page``; returns the cursor to
    hand to the next sync (JSON-serialisable)."""
    base = (jql or "").strip() or default_jql(closed_days)
    old = dict(cursor or {})
    asked = base
    last = old.get("synced")
    if not full and old.get("jql") == base and isinstance(last, (int, float)):
        minutes = max(0, math.ceil((now - float(last)) / 60)) + OVERLAP_MINUTES
        asked = incremental_jql(base, minutes)
    scope = site_host(site)
    site_url = site.rstrip("/") if "://" in site else f"https://{site.rstrip('/')}"
    token: str | None = None
    seen: set[str] = set()
    page = 0
    while True:
        if api.cancelled():
            raise Cancelled()
        params: dict[str, object] = {
            "jql": asked,
            "maxResults": PAGE_SIZE,
            "fields": ",".join(FIELDS),
        }
        if token:
            params["nextPageToken"] = token
        body = api.get("/rest/api/3/search/jql", params).body
        if not isinstance(body, dict) or not isinstance(body.get("issues", []), list):
            raise TrackerError("Jira answered with no list of issues (search/jql)")
        page += 1
        issues = [
            issue
            for item in body.get("issues") or []
            if (issue := _issue(item, scope, site_url, me, kind_map)) is not None
        ]
        if issues and on_page is not None:
            on_page(issues, [], page, None)
        token = body.get("nextPageToken")
        if body.get("isLast", True) or not isinstance(token, str) or not token or token in seen:
            break
        seen.add(token)
    return {"synced": now, "jql": base}


def _issue(
    item: object,
    scope: str,
    site_url: str,
    me: str | None,
    kind_map: Mapping[str, str] | None,
) -> TrackerIssue | None:
    if not isinstance(item, dict) or not isinstance(item.get("key"), str):
        return None
    fields = _dict(item.get("fields"))
    labels = tuple(str(x).strip() for x in fields.get("labels") or [] if str(x).strip())
    issuetype = _name(fields.get("issuetype"))
    done = _dict(_dict(fields.get("status")).get("statusCategory")).get("key") == "done"
    assignee = _dict(fields.get("assignee"))
    created = parse_time(fields.get("created")) or 0.0
    updated = parse_time(fields.get("updated")) or created
    key = item["key"]
    return TrackerIssue(
        tracker="jira",
        scope=scope,
        key=key,
        title=str(fields.get("summary") or "").strip(),
        url=f"{site_url}/browse/{key}",
        kind=kind_of([*labels, *([issuetype] if issuetype else [])], kind_map),
        priority=priority_of_name(_name(fields.get("priority"))),
        state="closed" if done else "open",
        assigned_to_me=bool(me) and assignee.get("accountId") == me,
        labels=labels,
        created=created,
        updated=updated,
        closed=(parse_time(fields.get("resolutiondate")) or updated) if done else None,
        body=adf_text(fields.get("description"))[:BODY_KEPT],
    )


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _name(value: object) -> str | None:
    name = value.get("name") if isinstance(value, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


_BLOCKS = frozenset(
    ("paragraph", "heading", "listItem", "codeBlock", "blockquote", "rule", "tableRow", "panel")
)


def adf_text(document: object) -> str:
    """The plain text of an Atlassian Document Format description (a string passes as is)."""
    if isinstance(document, str):
        return document.strip()
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if kind == "text" and isinstance(node.get("text"), str):
            out.append(node["text"])
        elif kind == "hardBreak":
            out.append("\n")
        elif kind in ("mention", "emoji") and isinstance(node.get("attrs"), dict):
            out.append(str(node["attrs"].get("text") or ""))
        walk(node.get("content"))
        if kind in _BLOCKS:
            out.append("\n")

    walk(document)
    text = re.sub(r"[ \t]+\n", "\n", "".join(out))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_time(value: object) -> float | None:
    """Jira's ``2026-11-20T10:00:00.000+0100`` (and ISO variants) as epoch seconds."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for pattern in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(text, pattern).timestamp()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
