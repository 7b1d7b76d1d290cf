"""A docstring as structure: summary, free text and sections of entries; shared by every style.

Parsing keeps what the user wrote: descriptions are kept line by line, sections a style does not
understand are kept verbatim, so an update that only adds or removes entries leaves every
word in place.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

SectionKind = Literal["params", "attributes", "returns", "yields", "raises", "text"]


@dataclass
class Entry:
    """One documented parameter, attribute, return value or exception."""

    name: str  # as written, stars included; "" for an unnamed return value
    type: str | None
    description: list[str]  # first line, then continuation lines (relative indentation kept)
    line: int = -1  # line within the docstring body where it is written; -1 when generated

    @property
    def key(self) -> str:
        """The name compared with the signature: no stars, no escapes."""
        return self.name.replace("\\", "").lstrip("*")


@dataclass
class Section:
    kind: SectionKind
    title: str
    entries: list[Entry] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # verbatim lines of a "text" section
    line: int = -1
    unread: SectionKind | None = None  # a "text" section titled as this kind, not readable


@dataclass
class Docstring:
    summary: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)  # free text before the first section
    sections: list[Section] = field(default_factory=list)
    summary_on_second_line: bool = False  # '"""\n    Summary.' as the user wrote it

    def section(self, kind: SectionKind) -> Section | None:
        for section in self.sections:
            if section.kind == kind:
                return section
        return None

    def sections_of(self, kind: SectionKind) -> list[Section]:
        return [s for s in self.sections if s.kind == kind]

    @property
    def structured(self) -> bool:
        """Whether it has sections beyond prose: short docstrings are not checked for them."""
        return any(s.kind != "text" for s in self.sections)


def body_lines(body: str) -> list[str]:
    """The docstring's lines, as :func:`inspect.cleandoc` would see them but without expanding
    tabs and without dropping leading lines: index ``i`` is the body's line ``i``."""
    raw = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rest = raw[1:]
    margins = [indent_width(line) for line in rest if line.strip()]
    margin = min(margins) if margins else 0
    return [raw[0].strip()] + [line[margin:].rstrip() if line.strip() else "" for line in rest]


def strip_blank_edges(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def dedent_lines(lines: list[str]) -> list[str]:
    """Without blank edges and without the indentation all of them share."""
    lines = strip_blank_edges(lines)
    margins = [indent_width(line) for line in lines if line.strip()]
    margin = min(margins) if margins else 0
    return [line[margin:] for line in lines]


def indent_width(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def split_summary(
    lines: list[str], starts_section: Callable[[int], bool] | None = None
) -> tuple[list[str], int, bool]:
    """(summary paragraph, index after it, whether it started on the second line). A docstring
    that opens with a section (``:param x:`` right after the quotes) has an empty summary."""
    index = 0
    on_second = False
    if lines and not lines[0]:
        on_second = True
        while index < len(lines) and not lines[index].strip():
            index += 1
    summary: list[str] = []
    if starts_section is not None and index < len(lines) and starts_section(index):
        return summary, index, on_second
    while index < len(lines) and lines[index].strip():
        summary.append(lines[index])
        index += 1
    return summary, index, on_second


def wrap(text: str, width: int, *, first_prefix: str = "", prefix: str = "") -> list[str]:
    """Wrap generated prose; at least 40 columns so deep nesting still reads."""
    width = max(width, 40 + len(prefix))
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first_prefix,
        subsequent_indent=prefix,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first_prefix.rstrip()]


def match_bracket(text: str, start: int) -> int:
    """Index of the bracket closing the one at ``start``, or -1."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack: list[str] = []
    for index in range(start, len(text)):
        char = text[index]
        if char in pairs:
            stack.append(pairs[char])
        elif stack and char == stack[-1]:
            stack.pop()
            if not stack:
                return index
    return -1


def split_top_level(text: str, separator: str) -> list[str]:
    """``text`` split at each ``separator`` outside brackets (pieces as written, unstripped)."""
    parts: list[str] = []
    depth = start = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def split_type_colon(text: str) -> tuple[str | None, str]:
    """``"int: The total."`` → ("int", "The total.") when the part before the colon reads as a
    type (no spaces outside brackets except around ``|``); else (None, text)."""
    head, *rest = split_top_level(text, ":")
    if not rest:
        return None, text
    head, tail = head.strip(), text[len(head) + 1 :]
    if tail and not tail[0].isspace():
        return None, text
    words = head.replace(" | ", "|").replace(", ", ",")
    if head and len(split_top_level(words, " ")) == 1:
        return head, tail.strip()
    return None, text
