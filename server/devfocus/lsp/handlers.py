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
