"""Findings about docstrings: missing ones, and ones the code has moved away from.

Codes are stable (tools and ``# noqa``-style filters may rely on them):

=====  ==============================================================
DF100  module has no docstring
DF101  class has no docstring
DF102  method has no docstring
DF103  function has no docstring
DF201  documented parameter is not in the signature
DF202  parameter is not documented
DF203  parameters are documented in a different order than the signature
DF204  documented type contradicts the annotation
DF210  missing Returns section
DF211  missing Yields section
DF212  raised exception is not documented
=====  ==============================================================

Like pydoclint, a docstring with no sections (a summary, maybe prose) is not checked for
parameters, returns, yields or raises: a one-line docstring is a choice, not a mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from devfocus.docs.content import (
    documented_params,
    documented_raises,
    needs_returns,
    needs_yields,
    same_exception,
    types_agree,
)
from devfocus.docs.docstring import Docstring, body_lines
from devfocus.docs.facts import Definition, ModuleFacts, Position, Span
from devfocus.docs.styles import Style, own_style

Scope = Literal["public", "all", "none"]
Fix = Literal["generate", "update"]

MISSING_CODES = {"module": "DF100", "class": "DF101", "method": "DF102", "function": "DF103"}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    span: Span
    qualname: str
    fix: Fix


def wants_docstring(definition: Definition, style: Style, scope: Scope) -> bool:
    """Whether a missing docstring here is worth a finding."""
    if scope == "none" or definition.skipped or definition.is_accessor:
        return False
    if definition.is_override:
        return False  # documented where it is declared
    if definition.is_init and style.init_params_in_class:
        return False  # numpy documents the constructor in the class docstring
    if scope == "all":
        return True
    return definition.public


def missing_kind(definition: Definition) -> str:
    if definition.kind == "function":
        return "method" if definition.is_method else "function"
    return definition.kind


def describe(definition: Definition) -> str:
    kind = missing_kind(definition)
    if kind == "module":
        return "Module"
    return f"{kind.capitalize()} `{definition.name}`"


def parsed(definition: Definition, style: Style) -> tuple[Docstring, list[str]] | None:
    if definition.docstring is None:
        return None
    lines = body_lines(definition.docstring.body)
    return style.parse(lines), lines


def check_definition(
    facts: ModuleFacts, definition: Definition, style: Style, scope: Scope
) -> list[Finding]:
    if definition.skipped or definition.is_accessor:
        return []  # an accessor's docstring is not the property's: the getter's is
    if definition.docstring is None:
        if not wants_docstring(definition, style, scope):
            return []
        code = MISSING_CODES[missing_kind(definition)]
        return [
            Finding(
                code,
                f"{describe(definition)} has no docstring",
                definition.name_span,
                definition.qualname,
                "generate",
            )
        ]
    style = own_style(definition.docstring.body, style)
    if not style.calls_for:
        return []
    result = parsed(definition, style)
    if result is None:
        return []
    doc, _ = result
    if not doc.structured:
        return []
    return _stale(facts, definition, doc, style)


def _entry_span(facts: ModuleFacts, definition: Definition, line: int) -> Span:
    site = definition.docstring
    assert site is not None
    file_line = site.span.start.line + max(line, 0)
    if line <= 0 or file_line >= len(facts.lines):
        return site.span
    text = facts.lines[file_line].rstrip("\r\n")
    start = len(text) - len(text.lstrip())
    return Span(Position(file_line, start), Position(file_line, len(text)))


def _stale(
    facts: ModuleFacts, definition: Definition, doc: Docstring, style: Style
) -> list[Finding]:
    findings: list[Finding] = []
    site = definition.docstring
    assert site is not None
    qual = definition.qualname

    def add(code: str, message: str, span: Span) -> None:
        findings.append(Finding(code, message, span, qual, "update"))

    if "params" in style.calls_for:
        params = documented_params(facts, definition, style, doc)
        by_name = {p.name: p for p in params}
        entries = [e for s in doc.sections_of("params") for e in s.entries]
        seen: list[str] = []
        for entry in entries:
            param = by_name.get(entry.key)
            span = _entry_span(facts, definition, entry.line)
            if param is None:
                add(
                    "DF201", f"Parameter `{entry.key}` is documented but not in the signature", span
                )
                continue
            seen.append(entry.key)
            if entry.type and param.annotation and not types_agree(entry.type, param.annotation):
                add(
                    "DF204",
                    f"Documented type `{entry.type}` of `{entry.key}` contradicts the "
                    f"annotation `{param.annotation}`",
                    span,
                )
        for param in params:
            if param.name not in seen:
                span = param.span if definition.kind == "function" else definition.name_span
                add("DF202", f"Parameter `{param.name}` is not documented", span)
        order = {p.name: index for index, p in enumerate(params)}
        for section in doc.sections_of("params"):
            keys = [e.key for e in section.entries if e.key in order]
            if keys != sorted(keys, key=order.__getitem__):
                add(
                    "DF203",
                    "Parameters are documented in a different order than the signature",
                    _entry_span(facts, definition, section.line),
                )
    if needs_returns(definition) and "returns" in style.calls_for:
        returns = doc.section("returns")
        if returns is None:
            add(
                "DF210",
                f"{describe(definition)} returns a value; the docstring has no Returns section",
                site.span,
            )
        elif definition.returns:
            for entry in returns.entries:
                if entry.type and not types_agree(entry.type, definition.returns):
                    add(
                        "DF204",
                        f"Documented return type `{entry.type}` contradicts the "
                        f"annotation `{definition.returns}`",
                        _entry_span(facts, definition, entry.line),
                    )
    if needs_yields(definition) and "yields" in style.calls_for:
        yields = doc.section("yields")
        yield_type = definition.yield_type
        if yields is None:
            add(
                "DF211",
                f"{describe(definition)} is a generator; the docstring has no Yields section",
                site.span,
            )
        elif yield_type:
            for entry in yields.entries:
                if entry.type and not types_agree(entry.type, yield_type):
                    add(
                        "DF204",
                        f"Documented yield type `{entry.type}` contradicts the "
                        f"annotation `{yield_type}`",
                        _entry_span(facts, definition, entry.line),
                    )
    raises = documented_raises(facts, definition, style)
    if raises and "raises" in style.calls_for:
        documented = [e.name for s in doc.sections_of("raises") for e in s.entries]
        for exception in raises:
            if not any(same_exception(d, exception) for d in documented):
                add("DF212", f"`{exception}` is raised but not documented", site.span)
    return findings


def check_module(facts: ModuleFacts, style: Style, scope: Scope) -> list[Finding]:
    findings: list[Finding] = []
    for definition in facts.definitions:
        findings += check_definition(facts, definition, style, scope)
    return findings
