"""``devfocus doctor``'s part about issue trackers: for each, whether it is configured, whether a
token is there (never its value), and what its last sync did (when, items, rate limit left,
last error), read from the store. No network call: the last sync's record is what is known."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from devfocus.app.issuesync import GITHUB_TOKEN_VARIABLES, JIRA_TOKEN_VARIABLE, github_token
from devfocus.config import IssueSettings


class ScopeCheck(TypedDict):
    scope: str
    lastSync: str | None  # ISO 8601, UTC: the last sync that finished
    lastAttempt: str
    items: int
    rateRemaining: int | None
    rateLimit: int | None
    lastError: str | None


class TrackerCheck(TypedDict):
    tracker: str
    configured: bool
    where: str  # the API or site
    token: str  # where it comes from, or that it is missing
    syncs: list[ScopeCheck]
    problems: list[str]


def check_trackers(
    settings: IssueSettings, environ: Mapping[str, str], records: list[Any]
) -> list[TrackerCheck]:
    """One check per tracker; ``records`` are the store's sync records
    (:func:`devfocus.store.trackerstore.load_syncs`)."""
    from devfocus.timeutil import iso_utc

    def scopes(tracker: str) -> list[ScopeCheck]:
        return [
            ScopeCheck(
                scope=r.scope,
                lastSync=iso_utc(r.synced) if r.synced else None,
                lastAttempt=iso_utc(r.attempted),
                items=r.items,
                rateRemaining=r.rate_remaining,
                rateLimit=r.rate_limit,
                lastError=r.error,
            )
            for r in records
            if r.tracker == tracker
        ]

    github_variable = next((v for v in GITHUB_TOKEN_VARIABLES if environ.get(v, "").strip()), None)
    github = TrackerCheck(
        tracker="github",
        configured=settings.github.enabled,
        where=settings.github.api_url,
        token=f"from ${github_variable}"
        if github_token(environ)
        else "not set (public repositories only, 60 requests an hour)",
        syncs=scopes("github"),
        problems=[],
    )
    jira_token = bool(environ.get(JIRA_TOKEN_VARIABLE, "").strip())
    jira = TrackerCheck(
        tracker="jira",
        configured=bool(settings.jira.url.strip()),
        where=settings.jira.url.strip() or "no site (devfocus.issues.jira.url)",
        token=f"from ${JIRA_TOKEN_VARIABLE}" if jira_token else "not set",
        syncs=scopes("jira"),
        problems=[],
    )
    if jira["configured"] and not jira_token:
        jira["problems"].append(f"no token: set ${JIRA_TOKEN_VARIABLE} (Connect Jira in VS Code)")
    if jira["configured"] and jira_token and not settings.jira.email.strip():
        jira["problems"].append("no email (devfocus.issues.jira.email): Jira Cloud needs it")
    for check in (github, jira):
        failed = [s for s in check["syncs"] if s["lastError"]]
        check["problems"] += [f"{s['scope']}: {s['lastError']}" for s in failed]
    return [github, jira]


def render_trackers(checks: list[dict[str, Any]]) -> list[str]:
    """The checks for a person, as the doctor prints its other parts."""
    lines: list[str] = []
    for check in checks:
        name = {"github": "GitHub", "jira": "Jira"}[check["tracker"]]
        head = f"{name:<16}"
        if not check["configured"]:
            lines.append(f"{head}off: nothing is sent")
            continue
        lines.append(f"{head}{check['where']}; token {check['token']}")
        for sync in check["syncs"]:
            rate = (
                f", rate limit {sync['rateRemaining']} of {sync['rateLimit']} left"
                if sync["rateRemaining"] is not None
                else ""
            )
            when = sync["lastSync"] or "never finished"
            lines.append(
                f"                {sync['scope']}: {sync['items']} items, synced {when}{rate}"
            )
        if not check["syncs"]:
            lines.append("                not synced yet (devfocus issues sync)")
        lines += [f"  ✗ {p}" for p in check["problems"]]
    return lines
