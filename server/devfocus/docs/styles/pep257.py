"""PEP 257: a summary line and free text, no sections."""

from __future__ import annotations

from devfocus.docs.docstring import Docstring, Section, SectionKind, strip_blank_edges
from devfocus.docs.styles.base import Style


class Pep257(Style):
    name = "pep257"
    calls_for = frozenset()

    def parse_rest(self, doc: Docstring, lines: list[str], index: int) -> None:
        doc.description = strip_blank_edges(lines[index:])

    def render_section(self, section: Section, unit: str, width: int) -> list[str]:
        return section.lines

    def title(self, kind: SectionKind) -> str:
        return ""
