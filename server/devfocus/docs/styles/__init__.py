"""Docstring styles by name, and which one a file or project already uses."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from devfocus.docs.styles.base import SECTION_ORDER, Style
from devfocus.docs.styles.fields import FIELD_KINDS, TYPE_FIELDS, Epytext, Sphinx
from devfocus.docs.styles.google import Google
from devfocus.docs.styles.numpy import Numpy
from devfocus.docs.styles.pep257 import Pep257

STYLES: dict[str, Style] = {
    style.name: style for style in (Google(), Numpy(), Sphinx(), Epytext(), Pep257())
}
STYLE_NAMES: tuple[str, ...] = tuple(STYLES)
DEFAULT_STYLE = "google"

_FIELDS = "|".join(sorted({*FIELD_KINDS, *TYPE_FIELDS}, key=len, reverse=True))
_MARKERS: dict[str, re.Pattern[str]] = {
    "google": re.compile(
        r"^[ \t]*(Args|Arguments|Parameters|Returns|Yields|Raises|Attributes):[ \t]*$", re.M
    ),
    "numpy": re.compile(
        r"^[ \t]*(Parameters|Returns|Yields|Raises|Attributes)[ \t]*\r?\n[ \t]*-{3,}[ \t]*$", re.M
    ),
    # Every field the style reads: a docstring left with only ``:yields:`` is still Sphinx.
    "sphinx": re.compile(rf"^[ \t]*:({_FIELDS})\b", re.M),
    "epytext": re.compile(rf"^[ \t]*@({_FIELDS})\b", re.M),
}


def get_style(name: str) -> Style:
    return STYLES[name]


def style_of(body: str) -> str | None:
    """The style a single docstring is written in, if it shows one."""
    # Bodies keep the file's line endings; ``$`` would not match before a CRLF's ``\r``.
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if _MARKERS["numpy"].search(body):
        return "numpy"
    for name in ("google", "sphinx", "epytext"):
        if _MARKERS[name].search(body):
            return name
    return None


def own_style(body: str, default: Style) -> Style:
    """The style an existing docstring is written in (it is updated in that style), else
    ``default``."""
    name = style_of(body)
    return STYLES[name] if name is not None else default


def detect_style(bodies: Iterable[str]) -> str | None:
    """The style most of ``bodies`` are written in; None when none shows a style."""
    votes = Counter(s for s in map(style_of, bodies) if s is not None)
    if not votes:
        return None
    return max(votes.items(), key=lambda item: (item[1], -STYLE_NAMES.index(item[0])))[0]


__all__ = [
    "DEFAULT_STYLE",
    "SECTION_ORDER",
    "STYLES",
    "STYLE_NAMES",
    "Style",
    "detect_style",
    "get_style",
    "own_style",
    "style_of",
]
