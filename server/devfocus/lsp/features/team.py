"""Team mode in the editor: a push of the member's aggregates every ``devfocus.team.pushMinutes``
once they have pushed themselves (``devfocus.team.push``, after ``devfocus.team.preview``: nothing
leaves before), and the team's deep-work share of today for the status.

Pushing runs on a thread of its own with its own database connection. A team database that cannot
be reached is said once, and the aggregates wait in the local outbox until it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import TEAM_PREVIEW, TEAM_PUSH
from devfocus.lsp.wire import JsonValue

if TYPE_CHECKING:
    from devfocus.app.teamshare import PushResult
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

RETRY_SECONDS = 60.0  # after a failed push, the first retry; it doubles up to pushMinutes


class TeamFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        server.command(TEAM_PUSH)(handler(self.push_command))
        server.command(TEAM_PREVIEW)(handler(self.preview_command))
        self._pushing = asyncio.Lock()
        self._loop_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._last_problem: str | None = None
        self._started = False

    # -- life cycle ------------------------------------------------------------------------------
    async def initialized(self) -> None:
        self._started = True
        self._run_soon()

    def settings_changed(self) -> None:
        self._wake.set()  # a new database, share level or interval: push with it now
        self._run_soon()

    def shutdown(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()

    def _url(self) -> str | None:
        # Deferred, for start-up time: sharing loads once a team is configured.
        from devfocus.app.teamshare import team_url

        return team_url(self.server.settings)

    def _run_soon(self) -> None:
        if not self._started or self._url() is None:
            return
        if self._loop_task is None or self._loop_task.done():
            self._loop_task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        delay, retry = 0.0, RETRY_SECONDS
        while True:
            if delay:
                self._wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)
            if self._url() is None:
                return
            every = self.server.settings.team.push_minutes * 60
            failed = True
            try:
                async with self._pushing:
                    result = await self._push(full=False, asked=False)
                self._announce(result)
                failed = result.error is not None
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("team: the background push failed")
            # After a failure, try again soon, then less and less often: a database that is
            # down for the night is not asked every minute.
            if failed:
                delay, retry = min(every, retry), min(every, retry * 2)
            else:
                delay, retry = every, RETRY_SECONDS

    async def _push(self, *, full: bool, asked: bool) -> PushResult:
        # Deferred, as above.
        from devfocus.app.datastore import open_database
        from devfocus.app.teamshare import TeamShare, team_url, today_deep_share

        settings = self.server.settings
        url = team_url(settings)
        assert url is not None
        now = self.server.tracking.clock()

        def work() -> tuple[PushResult, float | None]:
            database = open_database(settings)
            try:
                result = TeamShare(database).push(settings, url, now=now, full=full, asked=asked)
            finally:
                database.close()
            if result.error is not None:
                return result, None
            # Reading the team's figures shares nothing: a member who has not pushed yet sees
            # them too.
            return result, today_deep_share(url, now)

        result, share = await asyncio.to_thread(work)
        if result.error is None:
            self.server.team_deep_share_today = share
            self.server.state_changed()
        log.info(
            "team: pushed %d rows, removed %d, %d waiting%s",
            result.pushed,
            result.deleted,
            result.pending,
            f": {result.error or result.skipped}" if result.error or result.skipped else "",
        )
        return result

    def _announce(self, result: PushResult) -> None:
        """One message per new problem; the same one again (every retry) is not repeated."""
        if result.error is None:
            self._last_problem = None
            return
        if result.error == self._last_problem:
            return
        self._last_problem = result.error
        self.server.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Warning,
                message=f"DevFocus could not push to the team database ({result.error}). "
                f"{result.pending} hourly rows wait on this machine and go when it is back.",
            )
        )

    # -- commands ------------------------------------------------------------------------------
    async def push_command(self, *args: object) -> JsonValue:
        if self._url() is None:
            raise JsonRpcInvalidParams(
                f"{TEAM_PUSH}: no team database: set devfocus.team.databaseUrl "
                "(VS Code: DevFocus: Connect Team Database)"
            )
        full = bool(args and isinstance(args[0], dict) and args[0].get("all") is True)
        async with self._pushing:
            result = await self._push(full=full, asked=True)
        self._run_soon()  # the client shows this push's outcome: no message of our own
        return {
            "pushed": result.pushed,
            "deleted": result.deleted,
            "pending": result.pending,
            "error": result.error,
        }

    async def preview_command(self, *args: object) -> JsonValue:
        # Deferred, as above.
        from devfocus.app.teamshare import TeamShare

        settings = self.server.settings
        shown = await self.server.tracking.on_store(
            lambda database, _unwritten, now: TeamShare(database).preview(settings, now=now)
        )
        return shown.wire()  # type: ignore[return-value]
