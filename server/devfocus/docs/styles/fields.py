"""Field-list styles: Sphinx's reST fields (``:param x:``) and epytext (``@param x:``)."""

from __future__ import annotations

import re
from typing import ClassVar

from devfocus.docs.docstring import (
    Docstring,
    Entry,
    Section,
    SectionKind,
    dedent_lines,
    indent_width,
    strip_blank_edges,
    wrap,
)
from devfocus.docs.styles.base import Style

FIELD_KINDS: dict[str, SectionKind] = {
    "param": "params",
    "parameter": "params",
    "arg": "params",
    "argument": "params",
    "key": "params",
    "keyword": "params",
    "ivar": "attributes",
    "var": "attributes",
    "cvar": "attributes",
    "return": "returns",
    "returns": "returns",
    "yield": "yields",
    "yields": "yields",
    "raise": "raises",
    "raises": "raises",
    "except": "raises",
    "exception": "raises",
}
# Fields that give the type of another field's entry.
TYPE_FIELDS: dict[str, SectionKind] = {
    "type": "params",
    "vartype": "attributes",
    "rtype": "returns",
    "ytype": "yields",
}


class FieldStyle(Style):
    marker: ClassVar[str]
    tags: ClassVar[dict[SectionKind, str]]
    type_tags: ClassVar[dict[SectionKind, str]]

    def __init__(self) -> None:
        self._field = re.compile(
            rf"^{re.escape(self.marker)}(?P<tag>\w+)(?P<arg>[^:]*):(?P<text>(\s.*)?)$"
        )

    def title(self, kind: SectionKind) -> str:
        return self.tags.get(kind, "")

    def starts_section(self, lines: list[str], index: int) -> bool:
        return self._field.match(lines[index]) is not None

    def parse_rest(self, doc: Docstring, lines: list[str], index: int) -> None:
        fields: list[tuple[int, str, str, list[str]]] = []  # line, tag, argument, text lines
        description: list[str] = []
        prose: list[tuple[int, list[str]]] = []
        in_prose = False  # prose after the fields (``.. versionchanged::`` blocks and such)
        for offset, line in enumerate(lines[index:], start=index):
            match = self._field.match(line)
            if match is not None:
                in_prose = False
                text = match.group("text").strip()
                fields.append((offset, match.group("tag"), match.group("arg").strip(), [text]))
            elif not fields:
                description.append(line)
            elif not in_prose and (not line.strip() or indent_width(line) > 0):
                fields[-1][3].append(line)
            else:
                if not in_prose:
                    prose.append((offset, []))
                    in_prose = True
                prose[-1][1].append(line)
        doc.description = strip_blank_edges(description)
        sections: dict[str, Section] = {}
        order: list[Section] = []
        types: list[tuple[SectionKind, str, str]] = []
        for number, tag, argument, text in fields:
            first, *raw_rest = text
            rest = dedent_lines(raw_rest)
            kind = FIELD_KINDS.get(tag)
            if tag in TYPE_FIELDS:
                types.append((TYPE_FIELDS[tag], argument, " ".join([first, *rest]).strip()))
                key = TYPE_FIELDS[tag]
                if key not in sections:
                    sections[key] = Section(key, self.title(key), line=number)
                    order.append(sections[key])
                continue
            if kind is None:
                raw = [lines[number], *strip_blank_edges(raw_rest)]
                order.append(Section("text", tag, lines=raw, line=number))
                continue
            if kind not in sections:
                # The field name as written (``:return:`` stays ``:return:``).
                sections[kind] = Section(kind, tag, line=number)
                order.append(sections[kind])
            name, type_ = argument, None
            if kind in ("params", "attributes") and " " in argument:
                type_, name = argument.rsplit(" ", 1)
            if kind in ("returns", "yields"):
                name = ""
            sections[kind].entries.append(Entry(name, type_, [first, *rest], number))
        for kind, argument, type_text in types:
            section = sections[kind]
            target = next(
                (e for e in section.entries if kind in ("returns", "yields") or e.name == argument),
                None,
            )
            if target is None:
                target = Entry(argument if kind in ("params", "attributes") else "", None, [])
                section.entries.append(target)
            target.type = type_text or None
        doc.sections = order
        for number, block in prose:
            doc.sections.append(Section("text", "", lines=strip_blank_edges(block), line=number))

    def render_sections(self, sections: list[Section], unit: str, width: int) -> list[list[str]]:
        # Fields form one list; prose after them is its own paragraph.
        blocks: list[list[str]] = []
        fields: list[str] = []
        for section in sections:
            if section.kind == "text" and not section.title:
                if fields:
                    blocks.append(fields)
                    fields = []
                blocks.append(section.lines)
            else:
                fields += self.render_section(section, unit, width)
        if fields:
            blocks.append(fields)
        return blocks

    def render_section(self, section: Section, unit: str, width: int) -> list[str]:
        if section.kind == "text":
            return section.lines
        lines: list[str] = []
        tag = section.title or self.tags.get(section.kind, section.kind)
        type_tag = self.type_tags.get(section.kind)
        for entry in section.entries:
            argument = f" {entry.name}" if entry.name else ""
            if section.kind in ("returns", "yields"):
                argument = ""
            first, *rest = self.entry_description(entry)
            head = f"{self.marker}{tag}{argument}: "
            if entry.line < 0:  # the field name is never broken across lines
                lines += wrap(first, width, first_prefix=head, prefix=unit)
            elif first or entry.description:
                lines.append((head + first).rstrip())
            lines += [unit + line if line else "" for line in rest]
            if entry.type and type_tag:
                lines.append(f"{self.marker}{type_tag}{argument}: {entry.type}")
        return lines


class Sphinx(FieldStyle):
    name = "sphinx"
    marker = ":"
    tags: ClassVar[dict[SectionKind, str]] = {
        "params": "param",
        "attributes": "ivar",
        "returns": "returns",
        "yields": "yields",
        "raises": "raises",
    }
    type_tags: ClassVar[dict[SectionKind, str]] = {
        "params": "type",
        "attributes": "vartype",
        "returns": "rtype",
        "yields": "ytype",
    }


class Epytext(FieldStyle):
    name = "epytext"
    marker = "@"
    stars = False
    calls_for = frozenset({"params", "returns", "raises"})  # epytext has no yield field
    tags: ClassVar[dict[SectionKind, str]] = {
        "params": "param",
        "attributes": "ivar",
        "returns": "return",
        "raises": "raise",
    }
    type_tags: ClassVar[dict[SectionKind, str]] = {"params": "type", "returns": "rtype"}
