"""Reading LSP messages (pygls's ``run_async``, with big bodies kept off the event loop).

A body is read a piece at a time (no copy of it is ever made on the event loop); a small one is
parsed at once, as pygls does; a big one is parsed on the protocol's worker thread in slices
(:mod:`devfocus.lsp.json_slices`), in its turn, while messages after it are read and those that
may go first (``devfocus.status``) are answered.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import typing
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from devfocus.lsp.json_slices import decode_utf8, loads

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from devfocus.lsp.protocol import DevFocusProtocol

log = logging.getLogger(__name__)

PIECE_BYTES = 1024 * 1024  # read at a time; a body up to this size is parsed on the loop
MAX_MESSAGE_BYTES = 1024 * 1024 * 1024  # bodies past this are read, dropped and logged
_CONTENT_LENGTH = re.compile(rb"^Content-Length: (\d+)\r\n$")


class AsyncReader(Protocol):
    def readline(self) -> Awaitable[bytes]: ...

    def readexactly(self, n: int) -> Awaitable[bytes]: ...


async def read_messages(
    reader: AsyncReader,
    protocol: DevFocusProtocol,
    error_handler: Callable[[Exception, type[JsonRpcException]], object],
) -> None:
    """Hand every message ``reader`` brings to ``protocol``, until the stream ends."""
    content_length = 0
    while True:
        try:
            header = await reader.readline()
        except ValueError:  # a line past the reader's limit: dropped by the reader
            log.warning("ignored an over-long header line")
            continue
        if not header:
            return
        if not content_length:
            match = _CONTENT_LENGTH.fullmatch(header)
            if match:
                content_length = int(match.group(1))
        if not content_length or header.strip():
            continue
        size, content_length = content_length, 0
        pieces = await _read_body(reader, size)
        if pieces is None:
            return
        if size > MAX_MESSAGE_BYTES:
            log.error(
                "ignored a message of %d bytes (at most %d are read)", size, MAX_MESSAGE_BYTES
            )
            continue
        if size > PIECE_BYTES:
            await protocol.room_to_read()
            protocol.handle_parsed_elsewhere(partial(_parse, pieces, protocol), size)
            continue
        try:
            message = json.loads(pieces[0], object_hook=protocol.structure_message)
            protocol.handle_message(message)
        except Exception as error:
            error_handler(error, JsonRpcException)


async def _read_body(reader: AsyncReader, size: int) -> list[bytes] | None:
    """The body in pieces (none kept past ``MAX_MESSAGE_BYTES``); None if the stream ended."""
    pieces: list[bytes] = []
    left = size
    try:
        while left:
            piece = await reader.readexactly(min(left, PIECE_BYTES))
            if not piece:
                return None
            left -= len(piece)
            if size <= MAX_MESSAGE_BYTES:
                pieces.append(piece)
    except EOFError:  # asyncio.IncompleteReadError
        return None
    return pieces


def _parse(pieces: list[bytes], protocol: DevFocusProtocol) -> object:
    """What pygls's ``json.loads(body, object_hook=structure_message)`` gives (on the worker
    thread); ``pieces`` is emptied on the way, so the body is not held three times over."""
    text = decode_utf8(pieces)
    pieces.clear()
    # A didChange's changes are structured one by one as they are parsed: 100,000 small changes
    # take a kilobyte each as dicts, a third of that structured.
    structure = partial(protocol._converter.structure, cl=_change_type())
    value = loads(text, item_hooks={_CHANGES: structure})
    del text
    if not isinstance(value, dict):
        return value
    changes = _changes(value)
    if changes is None:
        # pygls's hook structures the objects that carry "jsonrpc": the message itself.
        return protocol.structure_message(value)
    value["params"]["contentChanges"] = []
    message = protocol.structure_message(value)
    for i, change in enumerate(changes):
        if isinstance(change, dict):  # an array the C decoder took whole
            changes[i] = structure(change)
    message.params.content_changes = changes  # a list: emptied once applied (see protocol)
    return message


_CHANGES = ("params", "contentChanges")


def _changes(value: dict[str, object]) -> list[object] | None:
    """The content changes of a didChange."""
    if value.get("method") != types.TEXT_DOCUMENT_DID_CHANGE:
        return None
    params = value.get("params")
    changes = params.get("contentChanges") if isinstance(params, dict) else None
    return changes if isinstance(changes, list) else None


@functools.cache
def _change_type() -> Any:  # Any: a Union, which cattrs takes although its signature says type[T]
    """The type of one content change, its forward references resolved."""
    hints = typing.get_type_hints(types.DidChangeTextDocumentParams)
    return typing.get_args(hints["content_changes"])[0]
