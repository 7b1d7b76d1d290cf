"""The live status: a ``devfocus/status`` notification when it changes, and the status commands.

A notification goes out at once when state, session start, context, deep work, switches in
the last hour or the focus block change, and at most every 15 s when only the counters moved. The
loop sleeps until something is due: activity wakes it, otherwise the status says when it would
change by itself. With nothing due it looks every 5 s, with one small indexed query, for a focus
block another window started or stopped.

The loop also does what the live status calls for, on its own timer and never per keystroke:
it announces the end of a focus block (the window that claims it in the database, so once for
all windows) and shows the nudges that are due (``window/showMessageRequest``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from lsprotocol import types

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler
from devfocus.lsp.names import PAUSE, RESUME, STATUS, STATUS_COMMAND
from devfocus.lsp.wire import JsonObject, JsonValue, to_json

if TYPE_CHECKING:
    from devfocus.activity.focusblock import FocusBlock
    from devfocus.activity.nudges import Nudge
    from devfocus.activity.status import Status
    from devfocus.ai.exchange import Health
    from devfocus.lsp.server import DevFocusServer

log = logging.getLogger(__name__)

REFRESH_SECONDS = 15.0
BLOCK_POLL_SECONDS = 5.0  # with nothing due: how often to look for another window's block
_STATE_FIELDS = (
    "state",
    "sessionStart",
    "context",
    "deepWork",
    "switchesLastHour",
    "task",
    "git",
    "ai",
    "teamDeepShareToday",
)


class StatusFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._state = "idle"
        self._last_uri: str | None = None
        self._sent: JsonObject | None = None
        self._sent_at = 0.0
        self._latest_block: tuple[int, float, bool] | None = None  # as last polled
        self._asking: asyncio.Task[None] | None = None  # a nudge waiting for its answer
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
        if self._asking is not None:
            self._asking.cancel()
            self._asking = None

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
        self.server.tracking.focus.forget()
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
        polling = False  # nothing is due: the timeout is only the look for another window's block
        while True:
            woken = await _woken(self._wake, timeout)
            self._wake.clear()
            try:
                if polling and not woken and not await self._block_moved():
                    continue  # no window started or stopped a block
                status = self._with_git(await self.server.tracking.status())
            except RuntimeError:  # shutting down
                return
            except Exception:
                log.exception("could not compute the status")
                timeout, polling = REFRESH_SECONDS, False
                continue
            self._state = status.state
            self._send_if_due(status)
            due = self._next_check(status)
            polling = due is None
            timeout = BLOCK_POLL_SECONDS if due is None else due
            try:
                await self._follow_up(status)
            except RuntimeError:  # shutting down
                return
            except Exception:
                log.exception("could not announce a focus block's end or a nudge")

    async def _block_moved(self) -> bool:
        """Whether the newest focus block (any window's) differs from the one last looked at."""
        latest = await self.server.tracking.focus.latest_block()
        moved = latest != self._latest_block
        self._latest_block = latest
        return moved

    async def _follow_up(self, status: Status) -> None:
        """The end notice of a block that ended, and a nudge that is due."""
        ended = status.ended_block
        if ended is not None:
            if await self.server.tracking.focus.claim_end_notice(ended):
                self._announce_end(ended)
            else:
                log.info("focus block over: announced by another window")
        if self._asking is None or self._asking.done():
            nudge = await self.server.tracking.focus.nudge(status)
            if nudge is not None:
                self._asking = asyncio.get_running_loop().create_task(self._ask(nudge))

    def _announce_end(self, block: FocusBlock) -> None:
        # Deferred, with the first block that ends.
        from devfocus.activity.focusblock import end_message

        log.info("focus block over: announced here")
        self.server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Info, message=end_message(block))
        )

    async def _ask(self, nudge: Nudge) -> None:
        """Shows ``nudge`` with its buttons and does what the answer asks."""
        # Deferred, with the first nudge.
        from devfocus.activity.nudges import NOT_TODAY, START_BLOCK

        log.info("nudge: %s", nudge.kind)
        try:
            answer = await self.server.window_show_message_request_async(
                types.ShowMessageRequestParams(
                    type=types.MessageType.Info,
                    message=nudge.message,
                    actions=[
                        types.MessageActionItem(START_BLOCK),
                        types.MessageActionItem(NOT_TODAY),
                    ],
                )
            )
            title = answer.title if answer is not None else None
            if title == START_BLOCK:
                await self.server.tracking.focus.start(None)
                log.info("focus block started from a nudge")
                self.server.state_changed()
            elif title == NOT_TODAY:
                await self.server.tracking.focus.silence(nudge.kind)
                log.info("%s nudges silenced until tomorrow", nudge.kind)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the client failed to answer, or the database to record it
            log.warning("could not carry out the answer to a nudge: %s", error)

    def _send_if_due(self, status: Status) -> None:
        wire = _wire(status, self.server.ai.health(), self.server.team_deep_share_today)
        now = time.monotonic()
        last = self._sent
        changed = (
            last is None
            or any(wire.get(k) != last.get(k) for k in _STATE_FIELDS)
            or _block_key(wire) != _block_key(last)
        )
        counters_due = last is not None and wire != last and now - self._sent_at >= REFRESH_SECONDS
        if changed or counters_due:
            self.server.protocol.notify(STATUS, wire)
            self._sent = wire
            self._sent_at = now

    def _next_check(self, status: Status) -> float | None:
        due = [status.next_change] if status.next_change is not None else []
        if status.state == "active" or status.focus_block is not None:
            due.append(max(0.0, REFRESH_SECONDS - (time.monotonic() - self._sent_at)))
        return max(0.05, min(due)) if due else None

    def _with_git(self, status: Status) -> Status:
        """The status with what the trust gate says of git (on, off, waiting for trust)."""
        return replace(status, git=self.server.trust.access(self.server.settings.git.enabled))

    # -- commands ------------------------------------------------------------------------------
    async def status_command(self, *args: object) -> JsonValue:
        return _wire(
            self._with_git(await self.server.tracking.status()),
            self.server.ai.health(),
            self.server.team_deep_share_today,
        )

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


def _block_key(wire: JsonObject) -> tuple[JsonValue, JsonValue] | None:
    """A block's identity on the wire: its start and end (its countdown alone is a counter)."""
    block = wire.get("focusBlock")
    return (block.get("start"), block.get("end")) if isinstance(block, dict) else None


def _wire(status: Status, ai: Health, team_deep_share: float | None = None) -> JsonObject:
    # Deferred, for start-up time: the typed messages load with the first command.
    from devfocus.lsp.messages import WireStatus

    wire = to_json(WireStatus.of(status, ai, team_deep_share))
    assert isinstance(wire, dict)  # a dataclass is always an object
    return wire


async def _woken(event: asyncio.Event, timeout: float | None) -> bool:
    """Until ``event`` is set (True) or ``timeout`` passes (False). Not ``asyncio.wait_for``: on
    Python 3.10 and 3.11 it can swallow a cancellation that arrives as the event is set, and a
    status loop that outlives its cancellation keeps the server from exiting."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiter}, timeout=timeout)
    finally:
        waiter.cancel()
    return event.is_set()
