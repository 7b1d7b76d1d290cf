"""``json.loads`` for big message bodies, in bounded slices of work.

``json.loads`` is one C call that holds the interpreter lock from start to end: 0.2–0.4 s for a
50 MB body, seconds when its text is escaped. On a worker thread that still stops the event loop
for as long. Here every C call gets a bounded slice of the text: small values (most of them) are
parsed by the C decoder inside a window, containers too big for the window are walked here, and
long strings are decoded a slice at a time, so the lock changes hands between slices.

The result equals ``json.loads`` for every document it accepts; numbers longer than the window
are refused.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TypeAlias

WINDOW = 8 * 1024  # characters the C decoder gets for one small value
SLICE = 256 * 1024  # characters of a long string, or of whitespace, per C call
SCALAR = 5000  # the longest number accepted (Python refuses integers of more digits anyway)

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# Whole tokens of a string's inside, so that a slice never ends within an escape. A surrogate
# pair written as two escapes stays together: a high-surrogate escape on its own only matches
# when what follows is visible and is not a low-surrogate escape.
_STRING_PART = re.compile(
    r"(?:[^\"\\]+"
    r"|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|\\u[dD][89abAB][0-9a-fA-F]{2}(?=[^\\]|\\[^u]|\\u(?:[0-9a-cA-CeEfF]|[dD][0-9abAB]))"
    r"|\\u(?![dD][89abAB])[0-9a-fA-F]{4}"
    r"|\\[\"\\/bfnrt])*"
)
_NUMBER_PARTS = frozenset("0123456789.eE+-")
# An open container: the container, the key awaiting its value (objects only), the path of keys
# to it, and the hook for its items.
Open: TypeAlias = (
    "tuple[dict[str, object] | list[object], str | None, tuple[str, ...], Hook | None]"
)
Hook: TypeAlias = "Callable[[object], object]"
# The C scanner of JSON strings, which typeshed does not list.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_OBJECT = object()
_ARRAY = object()


def decode_utf8(pieces: Sequence[bytes]) -> str:
    """The text of a body read in ``pieces`` (UTF-8), decoded a piece at a time."""
    if len(pieces) == 1:
        return pieces[0].decode("utf-8")
    decoder = codecs.getincrementaldecoder("utf-8")()
    last = len(pieces) - 1
    return "".join(decoder.decode(piece, final=i == last) for i, piece in enumerate(pieces))


def loads(
    text: str,
    *,
    window: int = WINDOW,
    slice_chars: int = SLICE,
    item_hooks: Mapping[tuple[str, ...], Hook] | None = None,
) -> object:
    """The JSON value ``text`` holds (``json.JSONDecodeError`` if it holds none).

    ``item_hooks``: for the array found under a path of object keys from the top (``("params",
    "contentChanges")``), what to make of each of its items as soon as it is parsed (so a long
    array of small objects is never held as dicts all at once). An array small enough for the
    C decoder's window is returned as it is."""
    n = len(text)
    hooks = item_hooks or {}
    stack: list[Open] = []
    pos = _skip(text, 0, slice_chars)
    while True:
        value, pos = _value(text, pos, window, slice_chars)
        if value is _OBJECT or value is _ARRAY:
            pos = _skip(text, pos, slice_chars)
            closer = "}" if value is _OBJECT else "]"
            if text.startswith(closer, pos):
                value, pos = ({} if value is _OBJECT else []), pos + 1
            else:
                path: tuple[str, ...] = ()
                if stack:
                    parent, parent_key, parent_path, _ = stack[-1]
                    path = (
                        *parent_path,
                        parent_key if isinstance(parent, dict) and parent_key is not None else "*",
                    )
                if value is _OBJECT:
                    key, pos = _key(text, pos, window, slice_chars)
                    stack.append(({}, key, path, None))
                else:
                    stack.append(([], None, path, hooks.get(path)))
                continue
        # A complete value: into its container, closing every container that ends here.
        while True:
            if not stack:
                end = _skip(text, pos, slice_chars)
                if end != n:
                    raise json.JSONDecodeError("Extra data", text, end)
                return value
            container, slot, path, hook = stack[-1]
            if isinstance(container, dict):
                container[slot or ""] = value  # an object's slot is never None
            else:
                container.append(value if hook is None else hook(value))
            pos = _skip(text, pos, slice_chars)
            if text.startswith(",", pos):
                pos = _skip(text, pos + 1, slice_chars)
                if isinstance(container, dict):
                    key, pos = _key(text, pos, window, slice_chars)
                    stack[-1] = (container, key, path, hook)
                break
            closer = "}" if isinstance(container, dict) else "]"
            if not text.startswith(closer, pos):
                raise json.JSONDecodeError(f"Expecting ',' or '{closer}'", text, pos)
            stack.pop()
            value, pos = container, pos + 1


def _skip(text: str, pos: int, slice_chars: int) -> int:
    while True:
        # The pattern matches the empty string too: never None.
        end = _WHITESPACE.match(text, pos, pos + slice_chars).end()  # type: ignore[union-attr]
        if end < pos + slice_chars:
            return end
        pos = end


def _key(text: str, pos: int, window: int, slice_chars: int) -> tuple[str, int]:
    if not text.startswith('"', pos):
        raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, pos)
    key, pos = _value(text, pos, window, slice_chars)
    assert isinstance(key, str)  # it began with a quote
    pos = _skip(text, pos, slice_chars)
    if not text.startswith(":", pos):
        raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
    return key, _skip(text, pos + 1, slice_chars)


def _value(text: str, pos: int, window: int, slice_chars: int) -> tuple[object, int]:
    """The value at ``pos`` and the position after it; for a container too big for the window,
    a marker and the position after its opening bracket."""
    found = _small_value(text, pos, window)
    if found is not None:
        return found
    first = text[pos : pos + 1]
    if first == "{":
        return _OBJECT, pos + 1
    if first == "[":
        return _ARRAY, pos + 1
    if first == '"':
        return _long_string(text, pos, slice_chars)
    found = _small_value(text, pos, max(window, SCALAR))
    if found is None:
        raise json.JSONDecodeError("Expecting value", text, pos)
    return found


def _small_value(text: str, pos: int, window: int) -> tuple[object, int] | None:
    """The value at ``pos`` if it fits in ``window`` characters."""
    chunk = text[pos : pos + window]
    try:
        value, end = _DECODER.raw_decode(chunk)
    except json.JSONDecodeError:
        return None
    # A number cut by the window's edge may go on past it.
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and text[pos + end : pos + end + 1] in _NUMBER_PARTS:
        return None
    return value, pos + end


def _long_string(text: str, pos: int, slice_chars: int) -> tuple[str, int]:
    pieces: list[str] = []
    start = pos + 1
    slice_chars = max(slice_chars, 12)  # room for a surrogate pair's two escapes
    while True:
        # The pattern matches the empty string too: never None.
        end = _STRING_PART.match(text, start, start + slice_chars).end()  # type: ignore[union-attr]
        if end > start:
            # The C decoder checks what the pattern lets through (control characters).
            pieces.append(_scanstring(f'"{text[start:end]}"', 1, True)[0])
        if text.startswith('"', end):
            return "".join(pieces), end + 1
        if end == start:
            raise json.JSONDecodeError("Invalid \\escape or unterminated string", text, end)
        start = end
