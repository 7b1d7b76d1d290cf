"""The live status: a ``devfocus/status`` notification when it changes, and the status commands.

A notification goes out at once when state, session start, context, deep work or switches in
the last hour change, and at most every 15 s when only the counters moved. The loop sleeps until
something is due: activity wakes it, otherwise the status says when it would change by itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import PAUSE, RESUME, STATUS, STATUS_COMMAND
from devfocus.lsp.wire import JsonObject, JsonValue, to_json

if TYPE_CHECKING:
    from lsprotocol import types

    from devfocus.activity.status import Status
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

REFRESH_SECONDS = 15.0
_STATE_FIELDS = ("state", "sessionStart", "context", "deepWork", "switchesLastHour", "task", "git")


class StatusFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._state = "idle"
        self._last_uri: str | None = None
        self._sent: JsonObject | None = None
        self._sent_at = 0.0
        server.command(STATUS_COMMAND)(handler(self.status_command))
        server.command(PAUSE)(handler(self.pause_command))
        server.command(RESUME)(handler(self.resume_command))

    # -- hooks ---------------------------------------------------------------------------------
    async def initialized(self) -> None:
        self._wake = asyncio.Event()
        self._wake.set()  # the first status goes out right away
        self._task = asyncio.get_running_loop().create_task(self._run())

    def shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def close(self) -> None:
        self.shutdown()

    def document_opened(self, params: types.DidOpenTextDocumentParams) -> None:
        self.on_activity(params.text_document.uri)

    def document_changed(self, params: types.DidChangeTextDocumentParams) -> None:
        self.on_activity(params.text_document.uri)

    def document_saved(self, params: types.DidSaveTextDocumentParams) -> None:
        self.on_activity(params.text_document.uri)

    def settings_changed(self) -> None:
        self.poke()

    def state_changed(self) -> None:
        self.poke()

    def data_erased(self) -> None:
        """Send the next status whatever changed (after the data behind it was erased, today's
        total may be the only change, and it would otherwise wait for the next refresh)."""
        self._sent = None
        self.poke()

    # -- the loop ------------------------------------------------------------------------------
    def poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def on_activity(self, uri: str | None) -> None:
        """Cheap check on every notification: only a possible change of state or place wakes."""
        if self._state != "active" or uri != self._last_uri:
            self._last_uri = uri
            self.poke()

    async def _run(self) -> None:
        assert self._wake is not None
        timeout: float | None = None
        while True:
            await _woken(self._wake, timeout)
            self._wake.clear()
            try:
                status = self._with_git(await self.server.tracking.status())
            except RuntimeError:  # shutting down
                return
            except Exception:
                log.exception("could not compute the status")
                timeout = REFRESH_SECONDS
                continue
            self._state = status.state
            self._send_if_due(status)
            timeout = self._next_check(status)

    def _send_if_due(self, status: Status) -> None:
        wire = _wire(status)
        now = time.monotonic()
        last = self._sent
        changed = last is None or any(wire.get(k) != last.get(k) for k in _STATE_FIELDS)
        counters_due = last is not None and wire != last and now - self._sent_at >= REFRESH_SECONDS
        if changed or counters_due:
            self.server.protocol.notify(STATUS, wire)
            self._sent = wire
            self._sent_at = now

    def _next_check(self, status: Status) -> float | None:
        due = [status.next_change] if status.next_change is not None else []
        if status.state == "active":
            due.append(max(0.0, REFRESH_SECONDS - (time.monotonic() - self._sent_at)))
        return max(0.05, min(due)) if due else None

    def _with_git(self, status: Status) -> Status:
        """The status with what the trust gate says of git (on, off, waiting for trust)."""
        return replace(status, git=self.server.trust.access(self.server.settings.git.enabled))

    # -- commands ------------------------------------------------------------------------------
    async def status_command(self, *args: object) -> JsonValue:
        return _wire(self._with_git(await self.server.tracking.status()))

    async def pause_command(self, *args: object) -> JsonValue:
        self.server.tracking.tracker.pause(time.time())
        log.info("tracking paused")
        self.poke()
        return await self.status_command()

    async def resume_command(self, *args: object) -> JsonValue:
        self.server.tracking.tracker.resume()
        log.info("tracking resumed")
        self.poke()
        return await self.status_command()


def _wire(status: Status) -> JsonObject:
    # Deferred, for start-up time: the typed messages load with the first command.
    from devfocus.lsp.messages import WireStatus

    wire = to_json(WireStatus.of(status))
    assert isinstance(wire, dict)  # a dataclass is always an object
    return wire


async def _woken(event: asyncio.Event, timeout: float | None) -> None:
    """Until ``event`` is set or ``timeout`` passes. Not ``asyncio.wait_for``: on Python 3.10 and
    3.11 it can swallow a cancellation that arrives as the event is set, and a status loop that
    outlives its cancellation keeps the server from exiting."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiter}, timeout=timeout)
    finally:
        waiter.cancel()
