"""Helpers of the LSP adapters."""

from __future__ import annotations

from collections import namedtuple

from devfocus.lsp.handlers import brief

Params = namedtuple("Params", "focused uri")


def test_brief_is_the_repr_of_small_values() -> None:
    for value in ({"focused": True}, [1, 2.5, None], "file:///x", 5, None):
        assert brief(value) == repr(value)
    assert brief(Params("yes", None)) == "{'focused': 'yes', 'uri': None}"


def test_brief_cuts_big_values_without_formatting_them() -> None:
    """A client can send megabytes where a flag was expected; the log line stays short."""
    huge = Params("yes" * 10_000_000, [list(range(1000))] * 1000)
    text = brief(huge, limit=100)
    assert text.startswith("{'focused': 'yesyes") and text.endswith("...")
    assert len(text) <= 103
    assert brief([list(range(1000))] * 1000, limit=50).endswith("...")
