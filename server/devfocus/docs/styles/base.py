"""What every docstring style provides: parsing into :class:`Docstring` and rendering back."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from devfocus.docs.docstring import (
    Docstring,
    Entry,
    Section,
    SectionKind,
    split_summary,
    strip_blank_edges,
)

# The order sections are written in when a docstring is generated or a section is added.
SECTION_ORDER: tuple[SectionKind, ...] = ("params", "attributes", "returns", "yields", "raises")


class Style(ABC):
    name: ClassVar[str]
    # Sections a complete docstring of this style has when the code calls for them.
    calls_for: ClassVar[frozenset[SectionKind]] = frozenset(
        {"params", "returns", "yields", "raises"}
    )
    stars: ClassVar[bool] = True  # ``*args`` / ``**kwargs`` keep their stars
    optional_marker: ClassVar[bool] = False  # "(int | None, optional)"
    init_params_in_class: ClassVar[bool] = False  # numpy documents __init__ in the class

    def parse(self, lines: list[str]) -> Docstring:
        summary, index, on_second = split_summary(
            lines, lambda index: self.starts_section(lines, index)
        )
        doc = Docstring(summary=summary, summary_on_second_line=on_second)
        self.parse_rest(doc, lines, index)
        return doc

    def starts_section(self, lines: list[str], index: int) -> bool:
        """Whether ``lines[index]`` opens a section (a docstring may have no summary)."""
        return False

    @abstractmethod
    def parse_rest(self, doc: Docstring, lines: list[str], index: int) -> None:
        """Fill the description and sections from ``lines[index:]``."""

    @abstractmethod
    def render_section(self, section: Section, unit: str, width: int) -> list[str]:
        """The lines of one section."""

    @abstractmethod
    def title(self, kind: SectionKind) -> str:
        """The heading (or field name) a new section of ``kind`` gets."""

    def param_name(self, name: str, kind: str) -> str:
        if not self.stars:
            return name
        if kind == "var-positional":
            return f"*{name}"
        if kind == "var-keyword":
            return f"**{name}"
        return name

    def render(self, doc: Docstring, unit: str, width: int) -> list[str]:
        """The docstring's lines, without indentation or quotes."""
        lines: list[str] = []
        if doc.summary_on_second_line:
            lines.append("")
        lines += doc.summary
        blocks: list[list[str]] = []
        if doc.description:
            blocks.append(doc.description)
        blocks += self.render_sections(doc.sections, unit, width)
        for block in blocks:
            lines.append("")
            lines += block
        return lines

    def render_sections(self, sections: list[Section], unit: str, width: int) -> list[list[str]]:
        return [self.render_section(s, unit, width) for s in sections]

    @staticmethod
    def entry_description(entry: Entry) -> list[str]:
        return entry.description or [""]


class HeadedStyle(Style):
    """A style whose sections open with a heading (Google's ``Args:``, numpy's underlined
    ``Parameters``): free text before the first heading is the description, free text between
    sections a "text" section, and each block under a heading is read by :meth:`parse_section`."""

    titles: ClassVar[dict[SectionKind, str]]

    def title(self, kind: SectionKind) -> str:
        return self.titles[kind]

    def parse_rest(self, doc: Docstring, lines: list[str], index: int) -> None:
        for offset, block in self.blocks(lines[index:]):
            start = index + offset
            if self.starts_section(block, 0):
                doc.sections.append(self.parse_section(block, start))
                continue
            text = strip_blank_edges(block)
            if not doc.sections:
                doc.description = text
            elif text:
                doc.sections.append(Section("text", "", lines=text, line=start))

    @abstractmethod
    def blocks(self, lines: list[str]) -> list[tuple[int, list[str]]]:
        """``lines`` cut where sections (and free text after one) start: (offset, lines) each."""

    @abstractmethod
    def parse_section(self, block: list[str], start: int) -> Section:
        """The section of ``block`` (its heading first), which starts at line ``start``."""

    @staticmethod
    def as_written(header: str, block: list[str], start: int, kind: SectionKind) -> Section:
        """``block`` kept as written: a section of prose (``kind`` "text"), or one of ``kind``
        whose entries cannot be read; ``unread`` then stops an update from adding a second
        section of that kind beside it."""
        unread = None if kind == "text" else kind
        return Section("text", header, lines=strip_blank_edges(block), line=start, unread=unread)
