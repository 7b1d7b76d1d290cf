"""What a definition's docstring should say, from its facts: a new one, or an existing one brought
up to date (entries added, removed, reordered and retyped; every word the user wrote kept)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from devfocus.docs.docstring import (
    Docstring,
    Entry,
    Section,
    SectionKind,
    split_top_level,
    wrap,
)
from devfocus.docs.facts import Definition, ModuleFacts, Param
from devfocus.docs.prose import NameProse, Prose
from devfocus.docs.styles import SECTION_ORDER, Style

NO_VALUE = frozenset({"None", "NoReturn", "Never"})
_ALIASES = {
    "List": "list",
    "Dict": "dict",
    "Set": "set",
    "FrozenSet": "frozenset",
    "Tuple": "tuple",
    "Type": "type",
    "Text": "str",
}
_QUALIFIED = re.compile(r"\b(?:typing|typing_extensions|collections\.abc|builtins)\.")


@dataclass
class Options:
    style: Style
    width: int = 88  # the project's line length
    prose: Prose = field(default_factory=NameProse)
    # Return type of an unannotated function that returns a value (jedi), if known.
    infer_return: Callable[[Definition], str | None] | None = None


def init_of(facts: ModuleFacts, cls: Definition) -> Definition | None:
    return facts.by_qualname(f"{cls.qualname}.__init__")


def documented_params(
    facts: ModuleFacts, definition: Definition, style: Style, existing: Docstring | None = None
) -> list[Param]:
    """Parameters this definition's docstring documents under ``style``: a function's own; a
    class's ``__init__`` parameters where the style documents them in the class (numpy), or
    where the user already did."""
    has_section = existing is not None and existing.section("params") is not None
    params: list[Param] = []
    if definition.kind == "class":
        init = init_of(facts, definition)
        if init is not None and (style.init_params_in_class or has_section):
            params = init.params
    elif (
        definition.kind == "function"
        and not definition.is_property
        and not (definition.is_init and style.init_params_in_class and not has_section)
    ):
        params = definition.params
    # ``_`` and ``__`` mark parameters that are there only to be ignored.
    return [p for p in params if p.name.strip("_")]


def documented_raises(facts: ModuleFacts, definition: Definition, style: Style) -> list[str]:
    """Exceptions the docstring lists: a class documents its ``__init__``'s where the style
    documents the constructor in the class (numpy)."""
    if definition.kind == "class":
        init = init_of(facts, definition)
        return init.raises if init is not None and style.init_params_in_class else []
    return definition.raises


def written_type(annotation: str | None) -> str | None:
    """An annotation as a docstring writes it: a forward reference loses its quotes."""
    if annotation is None:
        return None
    text = annotation.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" and text[0] not in text[1:-1]:
        return text[1:-1]
    return annotation


def needs_returns(definition: Definition) -> bool:
    if definition.kind != "function" or definition.is_property or definition.yields:
        return False
    if definition.name in ("__init__", "__post_init__", "__new__") and definition.is_method:
        return False
    if definition.returns is not None:
        annotation = definition.returns.strip().strip("'\"")
        return annotation.rsplit(".", 1)[-1] not in NO_VALUE
    return definition.returns_value


def needs_yields(definition: Definition) -> bool:
    return definition.kind == "function" and definition.yields and not definition.is_property


def admits_none(annotation: str) -> bool:
    # A quoted (forward reference) annotation admits None as its text does.
    text = _QUALIFIED.sub("", annotation.replace(" ", "").strip("'\""))
    if text.startswith("Optional[") or text == "None":
        return True
    if text.startswith("Union["):
        text = text[len("Union[") : -1]
        return "None" in _top_level(text, ",")
    return "None" in _top_level(text, "|")


def _top_level(text: str, separator: str) -> list[str]:
    return [part.strip() for part in split_top_level(text, separator)]


def normalize_type(text: str) -> tuple[str, bool]:
    """A comparable form of a type as written in code or a docstring, and whether it was marked
    ``optional`` (a docstring convention, not part of the type)."""
    text = text.strip()
    optional = False
    for marker in (", optional", ",optional", " optional"):
        if text.endswith(marker):
            text, optional = text[: -len(marker)], True
    text = _QUALIFIED.sub("", text.replace("'", "").replace('"', "").replace("`", ""))
    text = text.replace(" ", "")
    for alias, builtin in _ALIASES.items():
        text = re.sub(rf"\b{alias}\[", f"{builtin}[", text)
    if text.startswith("Optional[") and text.endswith("]"):
        text = text[len("Optional[") : -1] + "|None"
    elif text.startswith("Union[") and text.endswith("]"):
        text = "|".join(_top_level(text[len("Union[") : -1], ","))
    members = sorted(_top_level(text, "|"))
    return "|".join(members), optional


def types_agree(documented: str, annotation: str) -> bool:
    doc, optional = normalize_type(documented)
    code, _ = normalize_type(annotation)
    if doc == code:
        return True
    # "int, optional" for an ``int | None`` annotation says the same thing.
    return optional and "|".join(sorted([*doc.split("|"), "None"])) == code


def param_type(style: Style, param: Param) -> str | None:
    annotation = written_type(param.annotation)
    if annotation is None:
        return None
    if style.optional_marker and param.default is not None and admits_none(annotation):
        return f"{annotation}, optional"
    return annotation


def return_type(definition: Definition, options: Options) -> str | None:
    if definition.returns is not None:
        return written_type(definition.returns)
    if options.infer_return is not None:
        return options.infer_return(definition)
    return None


def _indent_width(facts: ModuleFacts, definition: Definition) -> int:
    """Columns the docstring's lines are indented by (as the edit indents them)."""
    if definition.kind == "module":
        return 0
    indent = definition.body_indent
    if indent is None:
        indent = definition.indent + facts.indent_unit
    return len(indent.expandtabs(4))


def _new_entry(name: str, type_: str | None, text: str) -> Entry:
    return Entry(name, type_, [text])


def generate(facts: ModuleFacts, definition: Definition, options: Options) -> Docstring:
    """A complete docstring for a definition that has none."""
    style, prose = options.style, options.prose
    doc = Docstring(summary=[prose.summary(definition)])
    description = prose.description(definition)
    if description:
        doc.description = wrap(description, options.width - _indent_width(facts, definition))
    if not style.calls_for:
        return doc
    sections: dict[SectionKind, Section] = {}
    params = documented_params(facts, definition, style)
    if params:
        sections["params"] = Section(
            "params",
            style.title("params"),
            [
                _new_entry(
                    style.param_name(p.name, p.kind),
                    param_type(style, p),
                    prose.parameter(definition, p),
                )
                for p in params
            ],
        )
    if definition.kind == "class" and definition.attributes and style.title("attributes"):
        sections["attributes"] = Section(
            "attributes",
            style.title("attributes"),
            [
                _new_entry(a.name, written_type(a.annotation), prose.attribute(definition, a))
                for a in definition.attributes
            ],
        )
    if needs_returns(definition) and "returns" in style.calls_for:
        sections["returns"] = Section(
            "returns",
            style.title("returns"),
            [_new_entry("", return_type(definition, options), prose.returns(definition))],
        )
    if needs_yields(definition) and "yields" in style.calls_for:
        sections["yields"] = Section(
            "yields",
            style.title("yields"),
            [_new_entry("", written_type(definition.yield_type), prose.yields(definition))],
        )
    raises = documented_raises(facts, definition, style)
    if raises and "raises" in style.calls_for:
        sections["raises"] = Section(
            "raises",
            style.title("raises"),
            [_new_entry(e, None, prose.raises(definition, e)) for e in raises],
        )
    doc.sections = [sections[kind] for kind in SECTION_ORDER if kind in sections]
    return doc


def same_exception(documented: str, raised: str) -> bool:
    return documented.rsplit(".", 1)[-1] == raised.rsplit(".", 1)[-1]


def update(
    facts: ModuleFacts, definition: Definition, existing: Docstring, options: Options
) -> Docstring:
    """``existing`` with what the code changed applied. With nothing to apply, an equal copy."""
    style, prose = options.style, options.prose
    doc = copy.deepcopy(existing)
    if not doc.summary:
        # Blank, or opening with its sections (as PyCharm's stubs do): the summary a new
        # docstring would get, never an empty first line.
        doc.summary = [prose.summary(definition)]
        if not doc.description and not doc.sections:
            doc.summary_on_second_line = False
    if not style.calls_for:
        return doc
    params = (
        documented_params(facts, definition, style, existing) if "params" in style.calls_for else []
    )
    _update_params(doc, definition, params, options)
    if needs_returns(definition) and "returns" in style.calls_for:
        _ensure_single(
            doc,
            "returns",
            definition.returns,
            lambda: _new_entry("", return_type(definition, options), prose.returns(definition)),
            style,
        )
    if needs_yields(definition) and "yields" in style.calls_for:
        _ensure_single(
            doc,
            "yields",
            definition.yield_type,
            lambda: _new_entry("", written_type(definition.yield_type), prose.yields(definition)),
            style,
        )
    raises = documented_raises(facts, definition, style)
    if raises and "raises" in style.calls_for:
        documented = [e.name for s in doc.sections_of("raises") for e in s.entries]
        missing = [e for e in raises if not any(same_exception(d, e) for d in documented)]
        if missing:
            section = doc.section("raises") or _add_section(doc, "raises", style)
            section.entries += [_new_entry(e, None, prose.raises(definition, e)) for e in missing]
    return doc


def _update_params(
    doc: Docstring, definition: Definition, params: list[Param], options: Options
) -> None:
    style = options.style
    sections = doc.sections_of("params")
    by_key = {p.name: p for p in params}
    order = {p.name: index for index, p in enumerate(params)}
    documented: set[str] = set()
    for section in sections:
        kept = []
        for entry in section.entries:
            param = by_key.get(entry.key)
            if param is None or entry.key in documented:
                continue  # no longer in the signature (or documented twice)
            documented.add(entry.key)
            entry.name = style.param_name(param.name, param.kind)
            if entry.type and param.annotation and not types_agree(entry.type, param.annotation):
                entry.type = param_type(style, param)
            kept.append(entry)
        kept.sort(key=lambda e: order[e.key])
        section.entries = kept
    missing = [p for p in params if p.name not in documented]
    if missing:
        main = sections[0] if sections else _add_section(doc, "params", style)
        for param in missing:
            entry = _new_entry(
                style.param_name(param.name, param.kind),
                param_type(style, param),
                options.prose.parameter(definition, param),
            )
            main.entries.append(entry)
        main.entries.sort(key=lambda e: order[e.key])
    doc.sections = [s for s in doc.sections if s.kind != "params" or s.entries]


def _ensure_single(
    doc: Docstring,
    kind: SectionKind,
    annotation: str | None,
    new_entry: Callable[[], Entry],
    style: Style,
) -> None:
    """A Returns or Yields section: added when missing (``new_entry`` is only made then, since a
    return type may have to be inferred), retyped where it contradicts ``annotation``."""
    section = doc.section(kind) or _add_section(doc, kind, style)
    for entry in section.entries:
        if entry.type and annotation and not types_agree(entry.type, annotation):
            entry.type = written_type(annotation)
    if not section.entries:
        section.entries.append(new_entry())


def _add_section(doc: Docstring, kind: SectionKind, style: Style) -> Section:
    """A new empty section where the style's order puts it among the existing ones."""
    section = Section(kind, style.title(kind))
    rank = SECTION_ORDER.index(kind)
    position = None
    for index, existing in enumerate(doc.sections):
        if existing.kind != "text" and SECTION_ORDER.index(existing.kind) > rank:
            position = index
            break
    if position is None:
        later = [
            i
            for i, s in enumerate(doc.sections)
            if s.kind != "text" and SECTION_ORDER.index(s.kind) < rank
        ]
        position = later[-1] + 1 if later else 0
    doc.sections.insert(position, section)
    return section
