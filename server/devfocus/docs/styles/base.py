"""What every docstring style provides: parsing into :class:`Docstring` and rendering back."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from devfocus.docs.docstring import Docstring, Entry, Section, SectionKind, split_summary

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
