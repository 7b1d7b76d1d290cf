"""Docstring edits that change nothing else: computed on the target definition alone (libcst for
insertions, the literal's exact span for replacements), reduced to the minimal text change, and
verified before they are offered.

Verification: the edited code must parse, its AST must equal the original's once docstrings are
removed, and the new docstring must be a fixed point of the generator (running it again changes
nothing).
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass, replace
from typing import Any

from devfocus.docs.content import Options, generate, update
from devfocus.docs.docstring import body_lines
from devfocus.docs.facts import Definition, ModuleFacts, Position, Span, split_lines, text_in
from devfocus.docs.styles import own_style


class EditRefused(Exception):
    """No safe edit: the reason is for the log and the user."""


@dataclass(frozen=True)
class TextEdit:
    span: Span
    new_text: str


def body_indent(facts: ModuleFacts, definition: Definition) -> str:
    if definition.kind == "module":
        return ""
    if definition.body_indent is not None:
        return definition.body_indent
    return definition.indent + facts.indent_unit


def planned_lines(facts: ModuleFacts, definition: Definition, options: Options) -> list[str] | None:
    """The docstring's new lines (unindented), or None when it is already as it should be."""
    style = options.style
    width = options.width - len(body_indent(facts, definition).expandtabs(4))
    if definition.docstring is None:
        return style.render(generate(facts, definition, options), facts.indent_unit, width)
    style = own_style(definition.docstring.body, style)
    options = replace(options, style=style)
    existing = style.parse(body_lines(definition.docstring.body))
    new = update(facts, definition, existing, options)
    if new == existing:
        return None
    added = {s.kind for s in new.sections} - {s.kind for s in existing.sections}
    unread = [s for s in existing.sections if s.unread in added]
    if unread:
        raise EditRefused(
            f"its `{unread[0].title}` section is not written in a form DevFocus can read; "
            "a second one would be added beside it"
        )
    return style.render(new, facts.indent_unit, width)


def _is_fixed_point(
    facts: ModuleFacts, definition: Definition, lines: list[str], options: Options
) -> bool:
    # The next run reads the new text, in the style that text shows (not the old one's).
    style = own_style("\n".join(lines), options.style)
    options = replace(options, style=style)
    width = options.width - len(body_indent(facts, definition).expandtabs(4))
    again = style.parse(lines)
    return (
        style.render(update(facts, definition, again, options), facts.indent_unit, width) == lines
    )


def literal(lines: list[str], indent: str, quote: str, prefix: str, newline: str) -> str:
    if len(lines) == 1 and not lines[0].endswith(quote[0]):
        return f"{prefix}{quote}{lines[0]}{quote}"
    inner = newline.join(indent + line if line else "" for line in lines[1:])
    rest = f"{newline}{inner}" if len(lines) > 1 else ""
    return f"{prefix}{quote}{lines[0]}{rest}{newline}{indent}{quote}"


def docstring_edit(facts: ModuleFacts, definition: Definition, options: Options) -> TextEdit | None:
    """The verified edit that writes or updates ``definition``'s docstring; None if there is
    nothing to change. Raises :class:`EditRefused` when no safe edit exists."""
    if facts.syntax_error is not None:
        raise EditRefused(f"the module does not parse: {facts.syntax_error.msg}")
    if definition.skipped:
        raise EditRefused(
            f"`{definition.name}` is an @overload stub; its implementation is documented instead"
        )
    lines = planned_lines(facts, definition, options)
    if lines is None:
        return None
    if not _is_fixed_point(facts, definition, lines, options):
        raise EditRefused("the generated docstring would change again on a second run")
    indent = body_indent(facts, definition)
    site = definition.docstring
    if site is not None:
        quote = site.quote if len(site.quote) == 3 or len(lines) == 1 else facts.quote
        text = literal(lines, indent, quote, site.prefix, facts.newline)
        # Verified as offered: the reduced edit, not the whole-literal one it came from.
        edit = _minimal(facts, TextEdit(site.span, text))
        first = definition.start_line if definition.kind != "module" else 0
        _verify_region(facts, definition, edit, first, site.span.end.line)
        return edit
    text = literal(lines, indent, facts.quote, "", facts.newline)
    if definition.kind == "module":
        return _insert_module_docstring(facts, definition, text)
    return _insert_with_libcst(facts, definition, text)


# -- insertion -----------------------------------------------------------------------------------
def _insert_module_docstring(facts: ModuleFacts, module: Definition, text: str) -> TextEdit:
    newline = facts.newline
    first_line = module.first_statement[0]
    if first_line < 0:  # no statements: after any leading comments
        at = len(facts.lines)
        prefix = newline if facts.lines and not facts.lines[-1].endswith(("\n", "\r")) else ""
        edit = TextEdit(_at_end(facts), prefix + text + newline)
    else:
        at = first_line
        # PEP 8: two blank lines before a top-level def or class, one before other code.
        blank = 2 if _starts_definition(facts.lines[at]) else 1
        edit = TextEdit(Span(Position(at, 0), Position(at, 0)), text + newline * (blank + 1))
    _verify_region(facts, module, edit, 0, at - 1, placeholder=first_line >= 0)
    return edit


def _starts_definition(line: str) -> bool:
    return line.startswith(("def ", "async def ", "class ", "@"))


def _at_end(facts: ModuleFacts) -> Span:
    if not facts.lines:
        return Span(Position(0, 0), Position(0, 0))
    last = len(facts.lines) - 1
    end = Position(last, len(facts.lines[last]))
    if facts.lines[last].endswith(("\n", "\r")):
        end = Position(last + 1, 0)
    return Span(end, end)


def _wrapper(facts: ModuleFacts, definition: Definition) -> str:
    # An indented definition parses on its own inside a block; Python accepts any indentation
    # for the block's first line, so the original lines need no change.
    return f"if 1:{facts.newline}" if definition.indent else ""


def _insert_with_libcst(facts: ModuleFacts, definition: Definition, text: str) -> TextEdit:
    import libcst as cst

    first, last = definition.start_line, definition.first_statement[1]
    snippet = "".join(facts.lines[first : last + 1])
    if not snippet.endswith(("\n", "\r")):
        snippet += facts.newline
    wrapper = _wrapper(facts, definition)
    try:
        module = cst.parse_module(wrapper + snippet)
    except cst.ParserSyntaxError as exc:
        raise EditRefused(f"libcst cannot parse `{definition.name}`: {exc.message}") from exc
    target: Any = module.body[0]
    if wrapper:
        target = target.body.body[0]
    if not isinstance(target, (cst.FunctionDef, cst.ClassDef)):
        raise EditRefused(f"`{definition.name}` is not where the index put it")
    docstring = cst.SimpleStatementLine(body=[cst.Expr(cst.SimpleString(text))])
    body = target.body
    if isinstance(body, cst.IndentedBlock):
        statement = body.body[0]
        leading = list(statement.leading_lines)
        while leading and leading[0].comment is None:
            leading.pop(0)  # no blank line between a docstring and the code it documents
        if definition.kind == "class":  # PEP 257: a blank line after a class docstring
            leading.insert(0, cst.EmptyLine(indent=False))
        new_body: Any = body.with_changes(
            body=[docstring, statement.with_changes(leading_lines=leading), *body.body[1:]]
        )
    else:  # one-line body: ``def f(): return 1``
        blank = [cst.EmptyLine(indent=False)] if definition.kind == "class" else []
        new_body = cst.IndentedBlock(
            header=body.trailing_whitespace,
            indent=facts.indent_unit,
            body=[docstring, cst.SimpleStatementLine(body=body.body, leading_lines=blank)],
        )
    new_module = module.deep_replace(target, target.with_changes(body=new_body))
    new_code = new_module.code[len(wrapper) :]
    edit = _diff(snippet, new_code, first)
    _verify_region(facts, definition, edit, first, last)
    return edit


def _diff(old: str, new: str, base_line: int) -> TextEdit:
    """The smallest single replacement that turns ``old`` into ``new``."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    starts = _line_starts(old)
    return TextEdit(
        Span(_position(starts, start, base_line), _position(starts, len(old) - end, base_line)),
        new[start : len(new) - end],
    )


def _line_starts(text: str) -> list[int]:
    starts, offset = [0], 0
    for line in split_lines(text):
        offset += len(line)
        if line.endswith(("\n", "\r")):
            # Only a line break starts a line: the end of an unterminated last line stays on it.
            starts.append(offset)
    return starts


def _position(starts: list[int], offset: int, base_line: int) -> Position:
    line = bisect.bisect_right(starts, offset) - 1
    return Position(base_line + line, offset - starts[line])


def _minimal(facts: ModuleFacts, edit: TextEdit) -> TextEdit:
    old = text_in(facts.lines, edit.span)
    reduced = _diff(old, edit.new_text, 0)
    start = edit.span.start

    def shift(p: Position) -> Position:
        if p.line == 0:
            return Position(start.line, start.character + p.character)
        return Position(start.line + p.line, p.character)

    return TextEdit(Span(shift(reduced.span.start), shift(reduced.span.end)), reduced.new_text)


# -- verification --------------------------------------------------------------------------------
def apply_edits(lines: list[str], edits: list[TextEdit]) -> str:
    """``lines`` with non-overlapping ``edits`` applied (any order)."""
    text = "".join(lines)
    starts = _line_starts(text)

    def offset(p: Position) -> int:
        return starts[min(p.line, len(starts) - 1)] + p.character

    for edit in sorted(
        edits, key=lambda e: (e.span.start.line, e.span.start.character), reverse=True
    ):
        text = text[: offset(edit.span.start)] + edit.new_text + text[offset(edit.span.end) :]
    return text


def without_docstrings(tree: ast.AST) -> str:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:]  # type: ignore[attr-defined]
    return ast.dump(tree, include_attributes=False)


def parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def same_code(old: str, new: str) -> bool:
    """Whether ``new`` parses and differs from ``old`` only in docstrings."""
    try:
        new_tree = ast.parse(new)
        old_tree = ast.parse(old)
    except (SyntaxError, ValueError):
        return False
    return without_docstrings(old_tree) == without_docstrings(new_tree)


def _verify_region(
    facts: ModuleFacts,
    definition: Definition,
    edit: TextEdit,
    first: int,
    last: int,
    *,
    placeholder: bool = False,
) -> None:
    """Check the edit on the lines ``first..last`` that contain it (parsed on their own)."""
    region = facts.lines[first : last + 1]  # empty when the edit is at the very start
    if region and not region[-1].endswith(("\n", "\r")):
        region = [*region[:-1], region[-1] + facts.newline]
    local = TextEdit(
        Span(
            Position(edit.span.start.line - first, edit.span.start.character),
            Position(edit.span.end.line - first, edit.span.end.character),
        ),
        edit.new_text,
    )
    old = "".join(region)
    new = apply_edits(region, [local])
    wrapper = _wrapper(facts, definition) if definition.kind != "module" else ""
    tail = "pass" + facts.newline if placeholder else ""
    if not same_code(wrapper + old + tail, wrapper + new + tail):
        raise EditRefused(
            f"the edit to `{definition.name or 'the module'}` would change code, "
            "not only its docstring"
        )


def module_edits(
    facts: ModuleFacts, options: Options, qualnames: set[str] | None = None
) -> tuple[list[TextEdit], list[tuple[Definition, str]]]:
    """Edits for every definition (or those in ``qualnames``), and the ones refused (why)."""
    edits: list[TextEdit] = []
    refused: list[tuple[Definition, str]] = []
    for definition in facts.definitions:
        if qualnames is not None and definition.qualname not in qualnames:
            continue
        if definition.skipped or definition.is_accessor:
            # Never documented (an @overload stub; a property's setter or deleter, which the
            # getter documents), not refused: they share the qualname of what is documented.
            continue
        try:
            edit = docstring_edit(facts, definition, options)
        except EditRefused as exc:
            refused.append((definition, str(exc)))
            continue
        if edit is not None:
            edits.append(edit)
    return edits, refused
