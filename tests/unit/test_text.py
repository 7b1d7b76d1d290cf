"""The text helpers every layer shares: counts with their nouns, text clipped to a width."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devfocus.text import ELLIPSIS, clip, plural


@pytest.mark.parametrize(
    ("count", "word", "many", "expected"),
    [
        (0, "finding", None, "0 findings"),
        (1, "finding", None, "1 finding"),
        (3, "finding", None, "3 findings"),
        (1, "switch", "switches", "1 switch"),
        (2, "switch", "switches", "2 switches"),
        (-1, "event", None, "-1 events"),
    ],
)
def test_plural_counts_as_ruff_does(count: int, word: str, many: str | None, expected: str) -> None:
    assert plural(count, word, many) == expected


def test_clip_keeps_text_that_fits() -> None:
    assert clip("Add the parser", 14) == "Add the parser"
    assert clip("", 0) == ""


def test_clip_ends_longer_text_with_an_ellipsis_in_the_width() -> None:
    assert clip("Add the parser", 8) == "Add the" + ELLIPSIS
    assert clip("ab", 1) == ELLIPSIS


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_clip_never_exceeds_the_width_and_keeps_the_start(text: str, width: int) -> None:
    clipped = clip(text, width)
    assert len(clipped) <= width
    if clipped != text:
        assert clipped.endswith(ELLIPSIS) and text.startswith(clipped[:-1])
