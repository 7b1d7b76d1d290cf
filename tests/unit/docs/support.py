"""Shared helpers: fix a source text the way an editor would, and read what was written."""

from __future__ import annotations

from collections.abc import Callable

from devfocus.docs.checks import Finding, Scope, check_module
from devfocus.docs.content import Options
from devfocus.docs.edits import TextEdit, apply_edits, docstring_edit, module_edits, same_code
from devfocus.docs.facts import Definition, ModuleFacts, analyze
from devfocus.docs.styles import get_style


def options(
    style: str = "google",
    width: int = 88,
    infer_return: Callable[[Definition], str | None] | None = None,
) -> Options:
    return Options(get_style(style), width=width, infer_return=infer_return)


def fix(source: str, style: str = "google", **kwargs: object) -> str:
    """``source`` with every definition's docstring written or updated; checks on the way that
    the result differs only in docstrings and that a second run changes nothing."""
    opts = options(style, **kwargs)  # type: ignore[arg-type]
    facts = analyze(source, "module")
    edits, refused = module_edits(facts, opts)
    assert [(d.qualname, why) for d, why in refused] == []
    new = apply_edits(facts.lines, edits)
    assert same_code(source, new)
    again, _ = module_edits(analyze(new, "module"), opts)
    assert again == [], f"a second run still edits: {again}"
    return new


def edit_of(source: str, qualname: str, style: str = "google", **kwargs: object) -> TextEdit | None:
    facts = analyze(source, "module")
    definition = facts.by_qualname(qualname)
    assert definition is not None, qualname
    return docstring_edit(facts, definition, options(style, **kwargs))  # type: ignore[arg-type]


def fix_one(source: str, qualname: str, style: str = "google", **kwargs: object) -> str:
    """``source`` with only ``qualname``'s docstring written or updated."""
    facts = analyze(source, "module")
    edit = edit_of(source, qualname, style, **kwargs)
    return source if edit is None else apply_edits(facts.lines, [edit])


def findings(source: str, style: str = "google", scope: Scope = "all") -> list[Finding]:
    return check_module(analyze(source, "module"), get_style(style), scope)


def codes(source: str, style: str = "google", scope: Scope = "all") -> list[tuple[str, str]]:
    return [(f.code, f.qualname) for f in findings(source, style, scope)]


def facts_of(source: str) -> ModuleFacts:
    return analyze(source, "module")


def covered(facts: ModuleFacts, finding: Finding) -> str:
    """The source text a finding's span points at."""
    start, end = finding.span.start, finding.span.end
    assert start.line == end.line, finding
    return facts.lines[start.line][start.character : end.character]
