"""numpydoc style: underlined section headings, ``name : type`` entries, indented descriptions."""

from __future__ import annotations

from devfocus.docs.docstring import (
    Entry,
    Section,
    SectionKind,
    wrap,
)
from devfocus.docs.styles.base import HeadedStyle
from devfocus.docs.styles.google import entries_of

STRUCTURED: dict[str, SectionKind] = {
    "parameters": "params",
    "other parameters": "params",
    "attributes": "attributes",
    "returns": "returns",
    "yields": "yields",
    "raises": "raises",
}
TITLES: dict[SectionKind, str] = {
    "params": "Parameters",
    "attributes": "Attributes",
    "returns": "Returns",
    "yields": "Yields",
    "raises": "Raises",
    "text": "",
}


def is_heading(lines: list[str], index: int) -> bool:
    """A title at the margin underlined by dashes on the next line."""
    if index + 1 >= len(lines):
        return False
    title, underline = lines[index], lines[index + 1].strip()
    return bool(
        title.strip()
        and not title[0].isspace()
        and len(underline) >= 3
        and set(underline) == {"-"}
        and not lines[index + 1][:1].isspace()
    )


class Numpy(HeadedStyle):
    name = "numpy"
    init_params_in_class = True
    titles = TITLES

    def starts_section(self, lines: list[str], index: int) -> bool:
        return is_heading(lines, index)

    def blocks(self, lines: list[str]) -> list[tuple[int, list[str]]]:
        """Sections start at an underlined heading; free text before the first is the
        description."""
        blocks: list[tuple[int, list[str]]] = []
        for offset, line in enumerate(lines):
            if is_heading(lines, offset) or not blocks:
                blocks.append((offset, [line]))
            else:
                blocks[-1][1].append(line)
        return blocks

    def parse_section(self, block: list[str], start: int) -> Section:
        header = block[0].strip()
        kind = STRUCTURED.get(header.lower(), "text")
        verbatim = self.as_written(header, block, start, kind)
        if kind == "text":
            return verbatim
        body = block[2:]
        items = entries_of([" " + line if line else "" for line in body], start + 2)
        if items is None:
            return verbatim
        entries = []
        for line, head, rest in items:
            if kind in ("returns", "yields"):
                name, sep, type_ = head.partition(" : ")
                if not sep:
                    name, type_ = "", head
            elif kind == "raises":
                name, type_ = head, ""
            else:
                name, sep, type_ = head.partition(":")
                name = name.strip()
                if not name or " " in name:
                    return verbatim
            entries.append(Entry(name.strip(), type_.strip() or None, rest, line))
        return Section(kind, header, entries, line=start)

    def render_section(self, section: Section, unit: str, width: int) -> list[str]:
        if section.kind == "text":
            return section.lines
        lines = [section.title, "-" * len(section.title)]
        for entry in section.entries:
            if section.kind == "raises":
                head = entry.name
            elif section.kind in ("returns", "yields") and not entry.name:
                head = entry.type or "object"  # numpydoc always names a type here
            else:
                head = f"{entry.name} : {entry.type}" if entry.type else entry.name
            lines.append(head)
            description = entry.description
            if entry.line < 0 and len(description) == 1:
                lines += wrap(description[0], width, first_prefix=unit, prefix=unit)
            else:
                lines += [unit + line if line else "" for line in description]
        return lines
