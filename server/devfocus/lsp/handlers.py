"""Registering bound methods as pygls handlers, and reading what the client supports."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any


def handler(method: Callable[..., Any]) -> Callable[..., Any]:
    """A plain function that calls ``method``.

    pygls marks handlers by setting attributes on them, which bound methods cannot carry; the
    wrapper keeps the method's signature and annotations (through ``__wrapped__``) and whether it
    is a coroutine, which is all pygls inspects.
    """
    if inspect.iscoroutinefunction(method):

        async def call_async(*args: Any, **kwargs: Any) -> Any:
            return await method(*args, **kwargs)

        return functools.wraps(method)(call_async)

    def call(*args: Any, **kwargs: Any) -> Any:
        return method(*args, **kwargs)

    return functools.wraps(method)(call)


def capability(capabilities: Any, dotted: str) -> Any:
    """A client capability by its dotted path (``"workspace.configuration"``), None if absent."""
    node: Any = capabilities
    for part in dotted.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def plain(value: Any) -> Any:
    """pygls hands over JSON objects of untyped params as namedtuples: make them dicts again."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def brief(value: Any, limit: int = 200) -> str:
    """``repr(value)`` cut to about ``limit`` characters, without formatting the rest (a client
    can send megabytes where a flag was expected; ``%.200r`` would format all of it first)."""
    out: list[str] = []
    left = limit

    def put(text: str) -> None:
        nonlocal left
        out.append(text[: max(left, 0)])
        left -= len(text)

    def walk(item: Any) -> None:
        if hasattr(item, "_asdict"):
            item = item._asdict()
        if isinstance(item, dict):
            put("{")
            for i, (key, inner) in enumerate(item.items()):
                if left <= 0:
                    break
                put(f"{', ' if i else ''}{key!r}: " if isinstance(key, str) else ", ")
                walk(inner)
            put("}")
        elif isinstance(item, (list, tuple)):
            put("[")
            for i, inner in enumerate(item):
                if left <= 0:
                    break
                put(", " if i else "")
                walk(inner)
            put("]")
        elif isinstance(item, str):
            put(repr(item[: max(left, 0) + 1]))
        elif isinstance(item, (int, float, bool)) or item is None:
            put(repr(item))
        else:
            put(f"<{type(item).__name__}>")

    walk(value)
    text = "".join(out)
    return text if left >= 0 else text + "..."
