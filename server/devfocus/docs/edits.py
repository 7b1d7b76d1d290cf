"""Docstring edits that change nothing else: computed on the target definition alone (libcst for
insertions, the literal's exact span for replacements), reduced to the minimal text change, and
verified before they are offered.

Verification: the edited code must parse, its AST must equal the original's once docstrings are
removed, and the new docstring must be a fixed point of the generator (running it again changes
nothing).

Bounded work: an insertion shows libcst only the definition's header (decorators, signature, the
comments before the body), in the parser process (:mod:`devfocus.docs.worker`); the statements of
the body it leaves alone stand in as a placeholder name. A header larger or more deeply nested than
libcst handles safely is refused with the reason. Whatever a definition holds, the others of the
module are unaffected.
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass, replace
from typing import Any

from devfocus.docs.content import Options, generate, update
from devfocus.docs.docstring import body_lines
from devfocus.docs.facts import (
    Definition,
    ModuleFacts,
    Position,
    Span,
    parse_module,
    text_in,
)
from devfocus.docs.styles import own_style
from devfocus.text import split_lines

PLACEHOLDER = "__devfocus_kept__"
MAX_CST_CHARS = 64 * 1024  # of a header shown to libcst (it takes about 10 ms per KiB)
MAX_REGION_CHARS = 512 * 1024  # of the text a verification parses with ast
MAX_NESTING = 100  # levels of a header's expressions (libcst recurses once per level)
CST_TIMEOUT_SECONDS = 10.0


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


def _lf(text: str) -> str:
    """``text`` with every line break (LSP's: CR LF, CR, LF) written as LF: libcst keeps one
    kind of line break per module, and loses a lone CR at the end of its input."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Region:
    """What an insertion works on: a definition from its first decorator through the statements
    it keeps, as written in the file (with a line break at the end if the file has none). A
    plain class: a dataclass costs the CLI's start-up a millisecond."""

    def __init__(self, text: str, kept: tuple[int, int], placeholder: str) -> None:
        self.text = text
        self.kept = kept  # offsets of the kept statements in ``text``
        self.placeholder = placeholder  # a name ``text`` does not contain, standing for them

    @property
    def kept_text(self) -> str:
        return self.text[self.kept[0] : self.kept[1]]

    @property
    def held(self) -> str:
        """The text with the kept statements replaced by the placeholder."""
        return self.text[: self.kept[0]] + self.placeholder + self.text[self.kept[1] :]


def _region(facts: ModuleFacts, definition: Definition) -> _Region:
    kept = facts.kept_span(definition)
    if kept is None:
        raise EditRefused(f"`{definition.name}` is not where the index put it")
    lines = facts.lines[definition.start_line : kept.end.line + 1]
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += facts.newline
    text = "".join(lines)
    starts = _line_starts(text)
    first = definition.start_line
    start = starts[kept.start.line - first] + kept.start.character
    end = starts[kept.end.line - first] + kept.end.character
    placeholder = PLACEHOLDER
    while placeholder in text:
        placeholder += "_"
    return _Region(text, (start, end), placeholder)


def _insert_with_libcst(facts: ModuleFacts, definition: Definition, text: str) -> TextEdit:
    """Insert with libcst, in the parser process, on the definition's header alone."""
    from devfocus.docs.cst import InsertRequest
    from devfocus.docs.worker import WorkerFailed, WorkerRefused, shared

    region = _region(facts, definition)
    wrapper = _wrapper(facts, definition)
    _check_bounds(definition, wrapper + region.held)
    held = _lf(region.held)
    request = InsertRequest(
        source=_lf(wrapper) + held,
        wrapped=bool(wrapper),
        docstring=_lf(text),
        kind="class" if definition.kind == "class" else "function",
        indent_unit=facts.indent_unit,
    )
    try:
        new = shared().call("insert_docstring", request, timeout=CST_TIMEOUT_SECONDS)
    except WorkerRefused as exc:
        raise EditRefused(f"`{definition.name}` cannot be edited: {exc}") from exc
    except WorkerFailed as exc:
        raise EditRefused(f"the parser process failed on `{definition.name}`: {exc}") from exc
    edit, kept_at = _in_file(facts, region, held, new[len(_lf(wrapper)) :])
    _verify_insertion(definition, region, wrapper, edit, kept_at)
    return _shifted(edit, definition.start_line)


def _check_bounds(definition: Definition, source: str) -> None:
    """Refuse a header libcst should not be shown: too large, or nested too deeply."""
    name = definition.name
    if len(source) > MAX_CST_CHARS:
        raise EditRefused(
            f"the header of `{name}` is {len(source) // 1024} KiB, more than the "
            f"{MAX_CST_CHARS // 1024} KiB DevFocus edits"
        )
    try:
        tree = parse_module(source)
    except (SyntaxError, ValueError, SystemError) as exc:
        raise EditRefused(f"the header of `{name}` does not parse on its own") from exc
    except (RecursionError, MemoryError) as exc:
        raise EditRefused(f"the header of `{name}` is nested too deeply to edit") from exc
    depth = nesting(tree)
    if depth > MAX_NESTING:
        raise EditRefused(
            f"the header of `{name}` is nested {depth} levels deep, more than the "
            f"{MAX_NESTING} DevFocus edits"
        )


def nesting(tree: ast.AST) -> int:
    """How deep libcst's tree of ``tree`` goes: ast's depth, plus the levels a chain of ``and``
    or ``or`` takes in libcst (one per operator; ast keeps them flat)."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        depth += 1
        if isinstance(node, ast.BoolOp):
            depth += max(len(node.values) - 2, 0)
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest


def _in_file(facts: ModuleFacts, region: _Region, held: str, new: str) -> tuple[TextEdit, int]:
    """The change from ``held`` (the region with the placeholder, LF line breaks) to ``new``
    (libcst's result) as an edit of the region as written: positions relative to its first
    line, the file's line break, the kept statements as they were. Also where the kept
    statements are in its new text (-1 when the edit ends before them)."""
    start, end, inserted = _diff_offsets(held, new)
    held_starts = _line_starts(held)
    text_starts = _line_starts(region.text)
    # Before the kept statements, ``held`` has the lines of the file, only with LF endings.
    hold = _position(text_starts, region.kept[0], 0)
    hold_start = held_starts[hold.line] + hold.character
    hold_end = hold_start + len(region.placeholder)
    kept_end = _position(text_starts, region.kept[1], 0)

    def position(offset: int) -> Position:
        at = _position(held_starts, offset, 0)
        if offset <= hold_start:
            return at
        if offset < hold_end:
            raise _touches_body()
        if at.line == hold.line:  # after the placeholder, on its line
            moved = at.character - (hold.character + len(region.placeholder))
            return Position(kept_end.line, kept_end.character + moved)
        return Position(kept_end.line + at.line - hold.line, at.character)

    new_text = inserted.replace("\n", facts.newline)
    kept_at = -1
    if start <= hold_start and end >= hold_end:
        # The kept statements moved (a one-line body became a block): put them back as written.
        if new_text.count(region.placeholder) != 1:
            raise _touches_body()
        kept_at = new_text.index(region.placeholder)
        after = kept_at + len(region.placeholder)
        new_text = new_text[:kept_at] + region.kept_text + new_text[after:]
    elif start < hold_end and end > hold_start:
        raise _touches_body()
    return TextEdit(Span(position(start), position(end)), new_text), kept_at


def _touches_body() -> EditRefused:
    return EditRefused("the edit would change the body, not only the docstring")


def _verify_insertion(
    definition: Definition, region: _Region, wrapper: str, edit: TextEdit, kept_at: int
) -> None:
    """The region as edited must differ from the region as written only in docstrings. Both are
    compared with the kept statements replaced by the placeholder: the edit leaves them as they
    are, and they can be far larger than the header (this keeps the work bounded)."""
    old = region.text
    starts = _line_starts(old)
    start = _offset(starts, edit.span.start)
    end = _offset(starts, edit.span.end)
    edited = old[:start] + edit.new_text + old[end:]
    kept = len(region.kept_text)
    if kept_at >= 0:  # moved into the edit's text
        at = start + kept_at
    elif end <= region.kept[0]:  # after the edit: shifted by it
        at = region.kept[0] + len(edited) - len(old)
    else:
        at = region.kept[0]
    if edited[at : at + kept] != region.kept_text:
        raise _touches_body()
    new_held = edited[:at] + region.placeholder + edited[at + kept :]
    if not same_code(wrapper + region.held, wrapper + new_held):
        raise EditRefused(
            f"the edit to `{definition.name}` would change code, not only its docstring"
        )


def _shifted(edit: TextEdit, lines: int) -> TextEdit:
    start, end = edit.span.start, edit.span.end
    return TextEdit(
        Span(
            Position(start.line + lines, start.character), Position(end.line + lines, end.character)
        ),
        edit.new_text,
    )


def _diff_offsets(old: str, new: str) -> tuple[int, int, str]:
    """The smallest single replacement that turns ``old`` into ``new``: ``old[start:end]`` becomes
    the text returned. It never splits a CR LF pair."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    if 0 < start < len(old) and old[start - 1] == "\r" and old[start] == "\n":
        start -= 1  # the prefix took the CR of a CR LF: leave both to the replacement
    old_end = len(old) - end
    if 0 < old_end < len(old) and old[old_end - 1] == "\r" and old[old_end] == "\n":
        end -= 1  # the suffix took the LF of a CR LF
    return start, len(old) - end, new[start : len(new) - end]


def _diff(old: str, new: str, base_line: int) -> TextEdit:
    """The smallest single replacement that turns ``old`` into ``new``."""
    start, end, inserted = _diff_offsets(old, new)
    starts = _line_starts(old)
    return TextEdit(
        Span(_position(starts, start, base_line), _position(starts, end, base_line)), inserted
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


def _offset(starts: list[int], position: Position) -> int:
    return starts[min(position.line, len(starts) - 1)] + position.character


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
    """``lines`` with non-overlapping ``edits`` applied as an editor applies them: positions are
    in the original text, and texts inserted at one position appear in the order given."""
    text = "".join(lines)
    starts = _line_starts(text)
    order = sorted(
        range(len(edits)),
        key=lambda i: (edits[i].span.start.line, edits[i].span.start.character, i),
        reverse=True,
    )
    for index in order:
        edit = edits[index]
        start, end = _offset(starts, edit.span.start), _offset(starts, edit.span.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def overlapping(edits: list[TextEdit]) -> list[tuple[int, int]]:
    """Pairs (earlier, later) of indexes of ``edits`` whose ranges overlap, which LSP forbids in
    one edit; texts inserted at the same position do not overlap."""

    def key(i: int) -> tuple[int, int, int, int]:
        span = edits[i].span
        return (span.start.line, span.start.character, span.end.line, span.end.character)

    pairs: list[tuple[int, int]] = []
    reach: tuple[tuple[int, int], int] | None = None  # the furthest end so far, and whose
    for index in sorted(range(len(edits)), key=key):
        span = edits[index].span
        start, end = (span.start.line, span.start.character), (span.end.line, span.end.character)
        if reach is not None and start < reach[0]:
            pairs.append((reach[1], index))
        if reach is None or end > reach[0]:
            reach = (end, index)
    return pairs


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:]
    return tree


def _same_tree(old: ast.AST, new: ast.AST) -> bool:
    """Whether two syntax trees are equal, positions aside (an explicit stack: a deep expression
    must not fail the comparison with a RecursionError)."""
    stack: list[tuple[Any, Any]] = [(old, new)]
    while stack:
        a, b = stack.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, ast.AST):
            stack.extend((getattr(a, f, None), getattr(b, f, None)) for f in a._fields)
        elif isinstance(a, list):
            if len(a) != len(b):
                return False
            stack.extend(zip(a, b, strict=True))
        elif isinstance(a, (float, complex)):
            if repr(a) != repr(b):  # 0.0 and -0.0 are equal but are not the same code
                return False
        elif a != b:
            return False
    return True


def parses(source: str) -> bool:
    try:
        parse_module(source)
    except (SyntaxError, ValueError, SystemError, RecursionError, MemoryError):
        return False
    return True


def same_code(old: str, new: str) -> bool:
    """Whether ``new`` parses and differs from ``old`` only in docstrings."""
    try:
        new_tree = parse_module(new)
        old_tree = parse_module(old)
    except (SyntaxError, ValueError, SystemError, RecursionError, MemoryError):
        return False
    return _same_tree(_strip_docstrings(old_tree), _strip_docstrings(new_tree))


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
    old = "".join(region)
    name = definition.name or "the module"
    if len(old) > MAX_REGION_CHARS:
        raise EditRefused(
            f"the text around the docstring of `{name}` is {len(old) // 1024} KiB, more than "
            f"the {MAX_REGION_CHARS // 1024} KiB DevFocus checks an edit on"
        )
    local = TextEdit(
        Span(
            Position(edit.span.start.line - first, edit.span.start.character),
            Position(edit.span.end.line - first, edit.span.end.character),
        ),
        edit.new_text,
    )
    new = apply_edits(region, [local])
    wrapper = _wrapper(facts, definition) if definition.kind != "module" else ""
    tail = "pass" + facts.newline if placeholder else ""
    if not same_code(wrapper + old + tail, wrapper + new + tail):
        raise EditRefused(f"the edit to `{name}` would change code, not only its docstring")


def module_edits(
    facts: ModuleFacts, options: Options, qualnames: set[str] | None = None
) -> tuple[list[TextEdit], list[tuple[Definition, str]]]:
    """Edits for every definition (or those in ``qualnames``), and the ones refused (why). One
    definition's trouble never costs the others their edit."""
    edits: list[TextEdit] = []
    owners: list[Definition] = []
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
        except (RecursionError, MemoryError):
            refused.append((definition, "it is nested or chained too deeply to analyse"))
            continue
        if edit is not None:
            edits.append(edit)
            owners.append(definition)
    # Regions are disjoint by construction; should two edits still overlap, the later one goes
    # (an editor rejects a whole edit with overlapping ranges).
    dropped = {after for _, after in overlapping(edits)}
    for index in sorted(dropped):
        refused.append((owners[index], "its edit would overlap another docstring's edit"))
    kept = [edit for index, edit in enumerate(edits) if index not in dropped]
    return kept, refused
