"""The JSON object inside a model's text reply (pure).

A provider asked for structured output answers with JSON and nothing else. A server that cannot
be asked for it (some OpenAI-compatible servers) answers with text: the object alone, the object
in a Markdown code fence, or the object with a sentence around it. :func:`extract_object` finds
the object in each of these and says what it had to do, so the caller can log it. One repair is
made, and named: trailing commas before ``}`` or ``]`` (a habit of small local models) are
removed only when the text does not parse without it. Anything else that is not valid JSON
(single quotes, comments, unquoted keys, a truncated object) is no answer: guessing would put
words in the model's mouth.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\r?\n(.*?)(?:\r?\n)?```", re.DOTALL)
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\r\n]*")

FENCED = "json in a code fence"
SURROUNDED = "text around the json"
TRAILING_COMMAS = "trailing commas removed"


@dataclass(frozen=True)
class Extracted:
    """The object found and what it took (``notes``: empty when the text was the object)."""

    data: dict[str, Any]
    notes: tuple[str, ...] = ()


class NoObject(ValueError):
    """The text holds no JSON object; the message says why in a few words (never the text)."""


def extract_object(text: str) -> Extracted:
    """The first JSON object of ``text``: the whole text, else a fenced block, else the first
    ``{...}`` that parses. Raises :class:`NoObject` when there is none."""
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise NoObject("the reply is empty")
    whole = _parse_whole(stripped)
    if whole is not None:
        return whole
    for match in _FENCE.finditer(stripped):
        if match.group(1).lower() not in ("", "json", "jsonc", "json5"):
            continue
        found = _parse_whole(match.group(2).strip())
        if found is not None:
            return Extracted(found.data, (FENCED, *found.notes))
    found = _first_embedded(stripped)
    if found is not None:
        return found
    if stripped.startswith(("{", "[")) or "{" in stripped:
        raise NoObject("the reply holds no complete JSON object")
    raise NoObject("the reply is text, not JSON")


def _parse_whole(text: str) -> Extracted | None:
    """``text`` parsed as one JSON object, with trailing commas removed only if needed."""
    value = _loads(text)
    if isinstance(value, dict):
        return Extracted(value)
    repaired = remove_trailing_commas(text)
    if repaired != text:
        value = _loads(repaired)
        if isinstance(value, dict):
            return Extracted(value, (TRAILING_COMMAS,))
    return None


def _first_embedded(text: str) -> Extracted | None:
    """The first ``{`` from which a JSON object decodes, in prose."""
    start = text.find("{")
    while start != -1:
        try:
            value, _end = _DECODER.raw_decode(text, start)
        except ValueError:
            value = None
        if isinstance(value, dict):
            return Extracted(value, (SURROUNDED,))
        closing = _matching_brace(text, start)
        if closing is not None:
            candidate = remove_trailing_commas(text[start : closing + 1])
            value = _loads(candidate)
            if isinstance(value, dict):
                return Extracted(value, (SURROUNDED, TRAILING_COMMAS))
        start = text.find("{", start + 1)
    return None


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _outside_strings(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """Each character of ``text`` from ``start`` that is not inside a JSON string, with its
    index (the quotes themselves included)."""
    in_string = False
    escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        yield index, char


def _matching_brace(text: str, start: int) -> int | None:
    """Where the ``{`` at ``start`` closes, strings skipped; None if it never does."""
    depth = 0
    for index, char in _outside_strings(text, start):
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index
    return None


def _closes_next(text: str, start: int) -> bool:
    """Whether the first character from ``start`` that is not whitespace is ``}`` or ``]``."""
    after = _SPACE.match(text, start).end()  # type: ignore[union-attr]  # `*` always matches
    return after < len(text) and text[after] in "}]"


def remove_trailing_commas(text: str) -> str:
    """``text`` without commas that stand (whitespace apart) before ``}`` or ``]``, outside
    strings."""
    dropped = {
        index
        for index, char in _outside_strings(text)
        if char == "," and _closes_next(text, index + 1)
    }
    return "".join(char for index, char in enumerate(text) if index not in dropped)
