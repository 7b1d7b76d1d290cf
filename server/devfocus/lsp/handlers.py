"""Registering bound methods as pygls handlers, reading what the client supports, and logging
what a client sent briefly."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import cast


def handler(method: Callable[..., object]) -> Callable[..., object]:
    """A plain function that calls ``method``.

    pygls marks handlers by setting attributes on them, which bound methods cannot carry; the
    wrapper keeps the method's signature (through ``__wrapped__``) and whether it is a coroutine,
    which is all pygls inspects. Its annotations are left out: pygls passes the server as the
    first argument to a handler whose first parameter's type the server is an instance of, and
    ``*args: object`` is such a type.
    """
    wrapper: Callable[..., object]
    if inspect.iscoroutinefunction(method):
        coroutine = cast(Callable[..., Awaitable[object]], method)

        async def call_async(*args: object, **kwargs: object) -> object:
            return await coroutine(*args, **kwargs)

        wrapper = functools.wraps(method)(call_async)
    else:

        def call(*args: object, **kwargs: object) -> object:
            return method(*args, **kwargs)

        wrapper = functools.wraps(method)(call)
    wrapper.__annotations__ = {}
    return wrapper


def capability(capabilities: object, dotted: str) -> object:
    """A client capability by its dotted path (``"workspace.configuration"``), None if absent."""
    node = capabilities
    for part in dotted.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def brief(value: object, limit: int = 200) -> str:
    """``repr(value)`` cut to about ``limit`` characters, without formatting the rest (a client
    can send megabytes where a flag was expected; ``%.200r`` would format all of it first)."""
    out: list[str] = []
    left = limit

    def put(text: str) -> None:
        nonlocal left
        out.append(text[: max(left, 0)])
        left -= len(text)

    def walk(item: object) -> None:
        asdict = getattr(item, "_asdict", None)
        if callable(asdict):
            item = asdict()
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
