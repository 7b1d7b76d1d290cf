"""Issues from the trackers into the store: what to sync, syncing it, and what came of it.

What is synced comes from the settings: each workspace repository whose remote is on the host of
``devfocus.issues.github.apiUrl`` (or the repositories the settings name), a GitHub search query,
a Jira site. Tokens come from the environment only (``GITHUB_TOKEN``, ``DEVFOCUS_JIRA_TOKEN``);
nothing is sent anywhere unless a tracker is configured. One request at a time per tracker; a
page is stored while the next one is fetched. A tracker that fails (no network, a refused token,
a spent rate limit) keeps what was synced before, and its record says why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from devfocus.config import IssueSettings

if TYPE_CHECKING:
    from devfocus.store.database import Database
    from devfocus.store.trackerstore import SyncRecord
    from devfocus.trackers.http import JsonClient
    from devfocus.trackers.imported import PullRequest, TrackerIssue

log = logging.getLogger(__name__)

GITHUB_TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
JIRA_TOKEN_VARIABLE = "DEVFOCUS_JIRA_TOKEN"
Progress = Callable[[str, int | None], None]  # (what is being done, percentage if known)
WRITE_BATCH = 500  # issues and pull requests stored in one transaction


@dataclass(frozen=True)
class SyncTarget:
    """One thing to sync: a GitHub repository or query, or a Jira site."""

    tracker: str  # "github" | "jira"
    scope: str  # "owner/name", "host/owner/name", "search:<query>", "acme.atlassian.net"
    project: str | None = None  # the workspace repository root it was found in
    repository: str | None = None  # GitHub "owner/name"
    query: str | None = None  # a GitHub search query


@dataclass
class ScopeOutcome:
    """What one target's sync did."""

    tracker: str
    scope: str
    issues: int = 0
    pulls: int = 0
    requests: int = 0
    not_modified: int = 0
    seconds: float = 0.0
    rate_remaining: int | None = None
    error: str | None = None


@dataclass
class SyncOutcome:
    syncs: list[ScopeOutcome] = field(default_factory=list)
    cancelled: bool = False
    reason: str | None = None  # why nothing was synced

    @property
    def problems(self) -> list[str]:
        return [f"{s.scope}: {s.error}" for s in self.syncs if s.error]


def github_token(environ: Mapping[str, str]) -> str | None:
    for name in GITHUB_TOKEN_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def plan(
    settings: IssueSettings, remotes: Mapping[str, Sequence[str]]
) -> tuple[list[SyncTarget], str | None]:
    """The targets the settings ask for; ``remotes`` maps each readable workspace repository
    root to its remote URLs. The reason is why there are none."""
    # Deferred: the importers load with the first sync.
    from devfocus.trackers.github import repository_of_remote, scope_of

    targets: list[SyncTarget] = []
    github = settings.github
    if github.enabled:
        named = [r.strip().casefold() for r in github.repositories if r.strip()]
        seen: set[str] = set()
        for root, urls in remotes.items():
            for url in urls:
                repo = repository_of_remote(url, github.api_url)
                if repo is None or (named and repo not in named) or repo in seen:
                    continue
                seen.add(repo)
                targets.append(
                    SyncTarget("github", scope_of(repo, github.api_url), root, repository=repo)
                )
        for repo in named:
            if repo not in seen:
                seen.add(repo)
                targets.append(SyncTarget("github", scope_of(repo, github.api_url), None, repo))
        if github.query.strip():
            query = github.query.strip()
            targets.append(SyncTarget("github", f"search:{query}", query=query))
    if settings.jira.url.strip():
        from devfocus.trackers.jira import site_host

        targets.append(SyncTarget("jira", site_host(settings.jira.url.strip())))
    if targets:
        return targets, None
    if github.enabled:
        return [], (
            "no GitHub repository to sync: no remote of the workspace's repositories is on "
            f"{urlsplit(github.api_url).netloc or github.api_url}, and "
            "devfocus.issues.github.repositories names none"
        )
    return [], (
        "no issue tracker is configured: set devfocus.issues.github.enabled or "
        "devfocus.issues.jira.url"
    )


def sync_records(database: Database) -> list[SyncRecord]:
    """Where each tracker scope's last sync got."""
    from devfocus.store.trackerstore import load_syncs

    return database.read(load_syncs)


def due(
    records: Sequence[SyncRecord], targets: Sequence[SyncTarget], now: float, minutes: float
) -> bool:
    """Whether a sync on start is due: some target was never tried, or not within ``minutes``."""
    tried = {(r.tracker, r.scope): r.attempted for r in records}
    return any(now - tried.get((t.tracker, t.scope), 0.0) >= minutes * 60 for t in targets)


class IssueSync:
    """Syncs targets into ``database``; one instance per sync (it holds its cancel flag)."""

    def __init__(
        self,
        database: Database,
        settings: IssueSettings,
        environ: Mapping[str, str],
        *,
        clock: Callable[[], float] = time.time,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        self.database = database
        self.settings = settings
        self.environ = environ
        self.clock = clock
        self.cancelled = cancelled

    def run(
        self, targets: Sequence[SyncTarget], *, full: bool = False, progress: Progress | None = None
    ) -> SyncOutcome:
        from devfocus.store.trackerstore import load_syncs
        from devfocus.trackers.http import Cancelled

        records = {(r.tracker, r.scope): r for r in self.database.read(load_syncs)}
        outcome = SyncOutcome()
        for index, target in enumerate(targets):
            if self.cancelled():
                outcome.cancelled = True
                break
            report = _scaled(progress, target.scope, index, len(targets))
            result = ScopeOutcome(target.tracker, target.scope)
            outcome.syncs.append(result)
            try:
                self._sync(
                    target, records.get((target.tracker, target.scope)), full, result, report
                )
            except Cancelled:
                outcome.cancelled = True
                break
        return outcome

    # -- one target ------------------------------------------------------------------------------
    def _sync(
        self,
        target: SyncTarget,
        record: SyncRecord | None,
        full: bool,
        result: ScopeOutcome,
        progress: Callable[[int, int | None], None],
    ) -> None:
        from devfocus.store.trackerstore import SyncRecord, count_issues, write_issues, write_sync
        from devfocus.trackers.http import Cancelled, TrackerError

        started = self.clock()
        cursor: dict[str, Any] = dict(record.cursor) if record is not None else {}
        client = self._client(target)

        pending: tuple[list[TrackerIssue], list[PullRequest]] = ([], [])

        def store() -> None:
            issues, pulls = pending
            if issues or pulls:
                self.database.run(lambda engine: write_issues(engine, issues, pulls))
                pending[0].clear()
                pending[1].clear()

        def on_page(
            issues: list[TrackerIssue], pulls: list[PullRequest], page: int, pages: int | None
        ) -> None:
            result.issues += len(issues)
            result.pulls += len(pulls)
            pending[0].extend(issues)
            pending[1].extend(pulls)
            # Stored a few pages at a time, while the importer's own thread fetches the next.
            if len(pending[0]) + len(pending[1]) >= WRITE_BATCH:
                store()
            progress(page, pages)

        error: str | None = None
        try:
            cursor = self._walk(target, client, cursor, full, on_page)
        except Cancelled:
            raise
        except TrackerError as exc:
            error = exc.message
            log.warning("issues: %s %s: %s", target.tracker, target.scope, exc.message)
        finally:
            store()  # what arrived is kept, whatever stopped the sync
            result.requests = client.requests
            result.not_modified = client.not_modified
            rate = client.rate
            result.rate_remaining = rate.remaining if rate is not None else None
            result.seconds = self.clock() - started
            client.close()
        result.error = error
        now = self.clock()
        if target.query is None:
            items = self.database.read(lambda s: count_issues(s, target.tracker, target.scope))
        else:  # a search's issues are stored under their own repositories
            items = result.issues
        self.database.run(
            lambda engine: write_sync(
                engine,
                SyncRecord(
                    target.tracker,
                    target.scope,
                    target.project,
                    now if error is None else (record.synced if record else None),
                    now,
                    items,
                    rate.remaining if rate is not None else None,
                    rate.limit if rate is not None else None,
                    rate.reset if rate is not None else None,
                    error,
                    cursor,
                ),
            )
        )

    def _walk(
        self,
        target: SyncTarget,
        client: JsonClient,
        cursor: dict[str, Any],
        full: bool,
        on_page: Callable[[list[TrackerIssue], list[PullRequest], int, int | None], None],
    ) -> dict[str, Any]:
        settings = self.settings
        kind_map = dict(settings.kind_map)
        now = self.clock()
        if target.tracker == "jira":
            from devfocus.trackers.jira import default_jql, myself, sync_jira

            me = cursor.get("me") or myself(client)
            site = settings.jira.url.strip().rstrip("/")
            new = sync_jira(
                client,
                site,
                jql=settings.jira.jql.strip() or default_jql(int(settings.closed_days)),
                closed_days=int(settings.closed_days),
                kind_map=kind_map,
                me=me,
                cursor=cursor,
                now=now,
                full=full,
                on_page=on_page,
            )
            return {**new, "me": me}
        from devfocus.trackers.github import sync_query, sync_repository, viewer

        me = cursor.get("me") or viewer(client)
        common: dict[str, Any] = {
            "scope": target.scope,
            "project": target.project,
            "me": me,
            "cursor": cursor,
            "closed_days": int(settings.closed_days),
            "kind_map": kind_map,
            "now": now,
            "full": full,
            "on_page": on_page,
        }
        if target.query is not None:
            new = sync_query(client, target.query, **common)
        else:
            assert target.repository is not None
            new = sync_repository(client, target.repository, **common)
        return {**new, "me": me}

    def _client(self, target: SyncTarget) -> JsonClient:
        if target.tracker == "jira":
            from devfocus.trackers import jira

            token = self.environ.get(JIRA_TOKEN_VARIABLE, "").strip() or None
            return jira.client(
                self.settings.jira.url.strip().rstrip("/"),
                self.settings.jira.email.strip() or None,
                token,
                cancelled=self.cancelled,
            )
        from devfocus.trackers import github

        return github.client(
            self.settings.github.api_url.strip().rstrip("/"),
            github_token(self.environ),
            cancelled=self.cancelled,
        )


def _scaled(
    progress: Progress | None, scope: str, index: int, count: int
) -> Callable[[int, int | None], None]:
    """Page progress of target ``index`` of ``count`` as a share of the whole sync."""

    def report(page: int, pages: int | None) -> None:
        if progress is None:
            return
        within = min(1.0, page / pages) if pages else 0.0
        message = f"{scope}: page {page}" + (f" of {pages}" if pages else "")
        progress(message, int(100 * (index + within) / max(1, count)))

    return report
