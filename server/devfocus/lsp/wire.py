"""JSON on the wire: the type of a JSON value, and typed results (dataclasses) turned into the
camelCase objects the protocol sends. ``scripts/sync_protocol.py`` reads the same field metadata
to write the client's TypeScript types, so what is sent and what the client expects agree."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import TypeAlias

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"

# Field metadata: a key left out of the JSON while its value is None (``key?: T`` for the client).
OMITTED_WHEN_NONE = "devfocus.omitted_when_none"
OMITTED: Mapping[str, object] = {OMITTED_WHEN_NONE: True}
# Field metadata: the strings a field may hold, a list kept elsewhere (a union of literals for the
# client). A callable, so the list is imported when it is needed, never while the server starts.
CHOICES = "devfocus.choices"


def choices(of: Callable[[], tuple[str, ...]]) -> Mapping[str, object]:
    """The metadata of a string field that holds one of ``of()``."""
    return {CHOICES: of}


def camel(name: str) -> str:
    """``new_commits`` → ``newCommits``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@functools.cache
def _keys(cls: type) -> tuple[tuple[str, str, bool], ...]:
    """(attribute, JSON key, omitted when None) of a result class, worked out once per class."""
    return tuple(
        (f.name, camel(f.name), bool(f.metadata.get(OMITTED_WHEN_NONE)))
        for f in dataclasses.fields(cls)
    )


def to_json(value: object) -> JsonValue:
    """A typed result as JSON data: dataclasses become camelCase objects, tuples arrays."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: JsonObject = {}
        for name, key, omitted in _keys(type(value)):
            item = getattr(value, name)
            if item is None and omitted:
                continue
            out[key] = to_json(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"{type(value).__name__} is not JSON data")


def plain(value: object) -> JsonValue:
    """pygls hands over JSON objects of untyped params as namedtuples: make them dicts again."""
    asdict = getattr(value, "_asdict", None)
    if callable(asdict):
        return {str(k): plain(v) for k, v in asdict().items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # not JSON (a client library's own object): its text, never an error
