"""Google style (as read by Sphinx's napoleon): ``Args:`` / ``Returns:`` / ``Raises:`` blocks."""

from __future__ import annotations

import re
from collections.abc import Callable

from devfocus.docs.docstring import (
    Entry,
    Section,
    SectionKind,
    dedent_lines,
    indent_width,
    match_bracket,
    split_type_colon,
    strip_blank_edges,
    wrap,
)
from devfocus.docs.styles.base import HeadedStyle

STRUCTURED: dict[str, SectionKind] = {
    "args": "params",
    "arguments": "params",
    "parameters": "params",
    "params": "params",
    "keyword args": "params",
    "keyword arguments": "params",
    "other parameters": "params",
    "attributes": "attributes",
    "returns": "returns",
    "return": "returns",
    "yields": "yields",
    "yield": "yields",
    "raises": "raises",
    "raise": "raises",
    "exceptions": "raises",
}
PROSE = frozenset(
    {
        "attention",
        "caution",
        "danger",
        "error",
        "example",
        "examples",
        "hint",
        "important",
        "methods",
        "note",
        "notes",
        "references",
        "see also",
        "tip",
        "todo",
        "warning",
        "warnings",
        "warns",
    }
)
TITLES: dict[SectionKind, str] = {
    "params": "Args",
    "attributes": "Attributes",
    "returns": "Returns",
    "yields": "Yields",
    "raises": "Raises",
    "text": "",
}
# A name, maybe starred or dotted (``binascii.Error``); an identifier starts with any letter or
# ``_`` (``[^\W\d]``): Python names may be non-ASCII.
_NAME = re.compile(r"(\\?\*{0,2}[^\W\d][\w\\]*(?:\.[^\W\d][\w\\]*)*)")


def heading(line: str) -> str | None:
    """The lowercase title if ``line`` is a section heading (at the docstring's margin)."""
    if not line or line[0].isspace() or not line.rstrip().endswith(":"):
        return None
    title = line.rstrip()[:-1].strip().lower()
    return title if title in STRUCTURED or title in PROSE else None


def split_blocks(
    lines: list[str], is_heading: Callable[[list[str], int], bool]
) -> list[tuple[int, list[str]]]:
    """Consecutive runs of lines: a heading starts one, and so does any line at the margin that
    follows the body of a heading (free text after a section)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    in_section = False
    for offset, line in enumerate(lines):
        starts = is_heading(lines, offset)
        if not starts and in_section and line and not line[0].isspace():
            starts = True  # prose back at the margin ends the section
        if starts and current:
            blocks.append((start, current))
            current = []
        if starts or not current:
            start = offset
            in_section = bool(is_heading(lines, offset))
        current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


def entries_of(body: list[str], first_line: int) -> list[tuple[int, str, list[str]]] | None:
    """Split an indented section body into (line, head, continuation lines) per entry; None if the
    body is not a list of entries at one indentation."""
    items: list[tuple[int, str, list[str]]] = []
    margin = None
    for offset, line in enumerate(body):
        if not line.strip():
            if items:
                items[-1][2].append("")
            continue
        width = indent_width(line)
        if margin is None:
            margin = width
        if width == margin:
            items.append((first_line + offset, line.strip(), []))
        elif width > margin and items:
            items[-1][2].append(line)
        else:
            return None
    return [(line, head, dedent_lines(rest)) for line, head, rest in items]


def split_name_type(head: str) -> tuple[str, str | None, str] | None:
    """``name (type): text`` → (name, type, text); None if ``head`` is not an entry."""
    match = _NAME.match(head)
    if match is None:
        return None
    name = match.group(1)
    rest = head[match.end() :].lstrip()
    type_: str | None = None
    if rest.startswith("("):
        close = match_bracket(rest, 0)
        if close < 0:
            return None
        type_ = rest[1:close].strip() or None
        rest = rest[close + 1 :].lstrip()
    if not rest.startswith(":"):
        return None
    return name, type_, rest[1:].strip()


class Google(HeadedStyle):
    name = "google"
    optional_marker = True
    titles = TITLES

    def starts_section(self, lines: list[str], index: int) -> bool:
        return heading(lines[index]) is not None

    def blocks(self, lines: list[str]) -> list[tuple[int, list[str]]]:
        return split_blocks(lines, self.starts_section)

    def parse_section(self, block: list[str], start: int) -> Section:
        header = block[0].rstrip()[:-1].strip()
        kind = STRUCTURED.get(header.lower(), "text")
        verbatim = self.as_written(header, block, start, kind)
        if kind == "text":
            return verbatim
        body = block[1:]
        if kind in ("returns", "yields"):
            content = strip_blank_edges(body)
            if not content:
                return Section(kind, header, [], line=start)
            first, *rest = dedent_lines(content)
            type_, text = split_type_colon(first)
            return Section(kind, header, [Entry("", type_, [text, *rest], start + 1)], line=start)
        items = entries_of(body, start + 1)
        if items is None:
            return verbatim
        entries = []
        for line, head, rest in items:
            parsed = split_name_type(head)
            if parsed is None:
                return verbatim
            name, type_, text = parsed
            entries.append(Entry(name, type_, [text, *rest], line))
        return Section(kind, header, entries, line=start)

    def render_section(self, section: Section, unit: str, width: int) -> list[str]:
        if section.kind == "text":
            return section.lines
        lines = [f"{section.title}:"]
        single = section.kind in ("returns", "yields")
        # A Returns/Yields body is one block: its continuation lines were read relative to the
        # section's margin (the Google guide writes them flush with the first line).
        continuation = unit if single else unit * 2
        for entry in section.entries:
            first, *rest = self.entry_description(entry)
            if single:
                head = f"{entry.type}: " if entry.type else ""
            else:
                kind = f" ({entry.type})" if entry.type else ""
                head = f"{entry.name}{kind}: "
            if entry.line < 0:  # generated: wrap to the line length, never inside the head
                lines += wrap(first, width, first_prefix=unit + head, prefix=unit * 2)
            else:
                lines.append((unit + head + first).rstrip())
            lines += [continuation + line if line else "" for line in rest]
        return lines
