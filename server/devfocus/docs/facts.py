"""What a Python module's definitions say about themselves, read with :mod:`ast` (fast enough for
every file of a project; libcst is kept for the edit itself).

Positions are 0-based lines and columns counted in Python characters (``str`` indices), the
unit every other part of this package works in; ast's UTF-8 byte columns are converted here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from devfocus.docs.docstring import split_top_level
from devfocus.text import split_lines

DefinitionKind = Literal["module", "class", "function"]
ParamKind = Literal[
    "positional-only", "positional", "var-positional", "keyword-only", "var-keyword"
]

# Decorators are matched by their last dotted part: ``t.overload`` is ``typing.overload``.
OVERLOAD = frozenset({"overload"})
OVERRIDE = frozenset({"override"})
PROPERTY = frozenset({"property", "cached_property", "abstractproperty"})
STATIC = frozenset({"staticmethod"})
# Generator annotations whose first argument is the yielded type.
GENERATOR_TYPES = frozenset(
    {"Generator", "Iterator", "Iterable", "AsyncGenerator", "AsyncIterator", "AsyncIterable"}
)


@dataclass(frozen=True)
class Position:
    line: int
    character: int


@dataclass(frozen=True)
class Span:
    start: Position
    end: Position


@dataclass(frozen=True)
class Param:
    name: str
    kind: ParamKind
    annotation: str | None
    default: str | None
    span: Span


@dataclass(frozen=True)
class Attribute:
    name: str
    annotation: str | None


@dataclass(frozen=True)
class DocstringSite:
    """The docstring literal as written: ``span`` covers prefix, quotes and body."""

    span: Span
    prefix: str  # string prefix as written, e.g. "" or "r"
    quote: str  # '"""', "'''", '"' or "'"
    body: str  # source text between the quotes, exactly as written


@dataclass
class BodyFacts:
    returns_value: bool = False
    yields: bool = False
    raises: list[str] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)  # classes


@dataclass
class Definition:
    kind: DefinitionKind
    name: str
    qualname: str
    public: bool
    start_line: int  # first decorator, or the def/class line; the module: 0
    name_span: Span  # where diagnostics about the definition point
    end_line: int  # last line of the definition
    indent: str  # indentation of the def/class line
    body_indent: str | None  # indentation of the body's first statement; None for one-line bodies
    first_statement: tuple[int, int]  # (first line, last line) of the body's first statement
    docstring: DocstringSite | None
    # What a docstring insertion never changes, so libcst need not see it: the first statement
    # of an indented body, every statement of a one-line body (None for the module). As ast
    # gives it, turned into a Span only for an edit (ModuleFacts.kept_span): 0-based start line,
    # its UTF-8 column (-1: where the line's indentation ends), end line, end column.
    kept_statements: tuple[int, int, int, int] | None = None
    params: list[Param] = field(default_factory=list)
    returns: str | None = None  # return annotation as written
    decorators: tuple[str, ...] = ()
    is_async: bool = False
    is_method: bool = False
    in_function: bool = False  # nested in a function: never public API
    parent: str | None = None  # qualname of the enclosing class, for methods
    skipped: bool = False  # overload stubs: never documented
    # What the body says (returns, yields, raises; a class's attributes) is read on first use:
    # checking a project needs it only for the few definitions with full docstrings.
    read_body: Callable[[], BodyFacts] | None = field(default=None, repr=False, compare=False)
    _body: BodyFacts | None = field(default=None, repr=False, compare=False)

    @property
    def body(self) -> BodyFacts:
        if self._body is None:
            self._body = self.read_body() if self.read_body is not None else BodyFacts()
            self.read_body = None  # drops the syntax tree
        return self._body

    @property
    def returns_value(self) -> bool:
        """A ``return <value>`` in its own body (not in nested functions)."""
        return self.body.returns_value

    @property
    def yields(self) -> bool:
        return self.body.yields

    @property
    def raises(self) -> list[str]:
        """Exceptions raised explicitly in its own body, in order, without repeats."""
        return self.body.raises

    @property
    def attributes(self) -> list[Attribute]:
        return self.body.attributes

    @property
    def is_property(self) -> bool:
        return any(
            _last(d) in PROPERTY or d.endswith((".setter", ".deleter")) for d in self.decorators
        )

    @property
    def is_accessor(self) -> bool:
        """A property's setter or deleter: documented by the getter."""
        return any(d.endswith((".setter", ".deleter")) for d in self.decorators)

    @property
    def is_override(self) -> bool:
        return any(_last(d) in OVERRIDE for d in self.decorators)

    @property
    def is_init(self) -> bool:
        return self.is_method and self.name == "__init__"

    @property
    def yield_type(self) -> str | None:
        """``Y`` of a ``Generator[Y, S, R]`` / ``Iterator[Y]`` return annotation."""
        if self.returns is None:
            return None
        head, sep, rest = self.returns.partition("[")
        if not sep or head.rsplit(".", 1)[-1].strip() not in GENERATOR_TYPES:
            return None
        first = split_top_level(rest.rstrip().removesuffix("]"), ",")[0].strip()
        return first or None


class ParseFailure(SyntaxError):
    """Python's own parser gave up on the module (nested or chained too deeply for its stack):
    the file may be valid Python, but nothing can be said about it."""


TOO_DEEP = "nested or chained too deeply for Python's parser"


class TooManyDefinitions(ParseFailure):
    """The module parsed, but has more definitions than the editor keeps facts of."""


@dataclass
class ModuleFacts:
    source: str
    lines: list[str]  # with their line endings
    definitions: list[Definition]  # the module first, then in source order
    newline: str
    indent_unit: str
    quote: str  # the triple quote the file's docstrings use
    syntax_error: SyntaxError | None = None  # a ParseFailure when Python's parser gave up

    @property
    def parse_problem(self) -> str | None:
        """Why the module has no definitions, in words for the user (None: it parsed)."""
        error = self.syntax_error
        if error is None:
            return None
        if isinstance(error, ParseFailure):
            return f"cannot parse: {error.msg}"
        return f"syntax error: {error.msg}"

    def kept_span(self, definition: Definition) -> Span | None:
        """Where ``definition``'s kept statements are, in characters."""
        if definition.kept_statements is None:
            return None
        line, column, end_line, end_column = definition.kept_statements
        text = _Text(self.lines)
        if column < 0:
            start = Position(line, len(_indent_of(self.lines[line])))
        else:
            start = text.position(line + 1, column)
        return Span(start, text.position(end_line + 1, end_column))

    def read_bodies(self) -> None:
        """Read what every definition's body says now (the syntax tree is then dropped, and the
        facts can be pickled)."""
        for definition in self.definitions:
            definition.body  # noqa: B018 (read for its effect)

    def by_qualname(self, qualname: str) -> Definition | None:
        for definition in self.definitions:
            if definition.qualname == qualname:
                return definition
        return None


def _last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


def text_in(lines: list[str], span: Span) -> str:
    """The source text ``span`` covers."""
    if span.start.line == span.end.line:
        line = lines[span.start.line] if span.start.line < len(lines) else ""
        return line[span.start.character : span.end.character]
    parts = [lines[span.start.line][span.start.character :]]
    parts += lines[span.start.line + 1 : span.end.line]
    if span.end.line < len(lines):
        parts.append(lines[span.end.line][: span.end.character])
    return "".join(parts)


class _Text:
    """ast positions (1-based lines, UTF-8 byte columns) → 0-based characters, and source slices."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def column(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))

    def position(self, line: int, byte_col: int) -> Position:
        return Position(line - 1, self.column(line, byte_col))

    def span(self, node: ast.expr | ast.arg) -> Span:
        # ast.parse sets both ends of every node; only hand-made nodes lack them.
        assert node.end_lineno is not None and node.end_col_offset is not None
        start = self.position(node.lineno, node.col_offset)
        end = self.position(node.end_lineno, node.end_col_offset)
        return Span(start, end)

    def segment(self, node: ast.expr) -> str:
        """The node's source, on one line (continuation lines joined with single spaces)."""
        span = self.span(node)
        written = text_in(self.lines, span)
        if span.start.line == span.end.line:
            return written
        parts = split_lines(written)
        joined = " ".join(p.strip() for p in parts if p.strip())
        # Brackets opened or closed at a line break: ``Optional[\n    int\n]`` → ``Optional[int]``.
        return _BRACKET_SPACE.sub(lambda m: m.group(0).replace(" ", ""), joined)


_BRACKET_SPACE = re.compile(r"[\[(] | [\])]|, [\])]")


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _first_line(node: ast.stmt) -> int:
    """The 0-based line a statement starts on: its first decorator's, if it has decorators
    (ast puts a decorated def or class at its ``def`` or ``class`` line)."""
    decorators: list[ast.expr] = getattr(node, "decorator_list", None) or []
    return min([d.lineno for d in decorators] + [node.lineno]) - 1


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _docstring_node(body: list[ast.stmt]) -> ast.Constant | None:
    if body and isinstance(body[0], ast.Expr):
        value = body[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value
    return None


def _docstring_site(node: ast.Constant, text: _Text) -> DocstringSite | None:
    """The literal as written, or None for literals we do not rewrite (implicit concatenation,
    bytes, anything whose quotes are not where a single literal puts them)."""
    span = text.span(node)
    raw = text_in(text.lines, span)
    prefix_len = 0
    while prefix_len < len(raw) and raw[prefix_len] in "rRuU":
        prefix_len += 1
    prefix, rest = raw[:prefix_len], raw[prefix_len:]
    for quote in ('"""', "'''", '"', "'"):
        if rest.startswith(quote) and rest.endswith(quote) and len(rest) >= 2 * len(quote):
            body = rest[len(quote) : -len(quote)]
            if quote in body.replace("\\" + quote[0], ""):
                return None  # implicit concatenation of several literals
            return DocstringSite(span, prefix, quote, body)
    return None


class _Collector:
    def __init__(self, text: _Text) -> None:
        self.text = text
        self.definitions: list[Definition] = []

    def visit_body(
        self,
        body: list[ast.stmt],
        prefix: str,
        *,
        in_class: str | None,
        in_function: bool,
        public: bool,
    ) -> None:
        for statement in body:
            self._visit_statement(statement, prefix, in_class, in_function, public)

    def _visit_statement(
        self, node: ast.stmt, prefix: str, in_class: str | None, in_function: bool, public: bool
    ) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(node, prefix, in_class, in_function, public)
        elif isinstance(node, ast.ClassDef):
            self._class(node, prefix, in_function, public)
        else:
            # Definitions under if/try/with/for/while/match blocks belong to the same scope.
            for child_body in _child_bodies(node):
                self.visit_body(
                    child_body, prefix, in_class=in_class, in_function=in_function, public=public
                )

    def _common(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
        kind: DefinitionKind,
        qualname: str,
        public: bool,
    ) -> Definition:
        text = self.text
        start_line = min([d.lineno for d in node.decorator_list] + [node.lineno]) - 1
        def_line = node.lineno - 1
        line_text = text.lines[def_line]
        keyword_col = text.column(node.lineno, node.col_offset)
        name_col = line_text.find(node.name, keyword_col)
        if name_col < 0:  # the name is on a continuation line: point at the keyword
            name_col = keyword_col
            name_end = keyword_col + 3
        else:
            name_end = name_col + len(node.name)
        first = node.body[0]
        first_line = first.lineno - 1
        last = node.body[-1]
        first_lines = (_first_line(first), (first.end_lineno or first.lineno) - 1)
        first_col = text.column(first.lineno, first.col_offset)
        before_first = text.lines[first_line][:first_col]
        # One-line bodies (``def f(): return 1``) follow the header's colon on its line.
        body_indent = before_first if not before_first.strip() else None
        kept_end = first if body_indent is not None else last
        kept = (
            first_lines[0],
            first.col_offset if first_lines[0] == first_line else -1,  # decorated: its "@"
            (kept_end.end_lineno or kept_end.lineno) - 1,
            kept_end.end_col_offset or 0,
        )
        doc_node = _docstring_node(node.body)
        return Definition(
            kind=kind,
            name=node.name,
            qualname=qualname,
            public=public,
            start_line=start_line,
            name_span=Span(Position(def_line, name_col), Position(def_line, name_end)),
            end_line=(node.end_lineno or node.lineno) - 1,
            indent=_indent_of(line_text),
            body_indent=body_indent,
            first_statement=first_lines,
            docstring=_docstring_site(doc_node, text) if doc_node else None,
            kept_statements=kept,
            decorators=tuple(_dotted(d) for d in node.decorator_list),
        )

    def _function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        prefix: str,
        in_class: str | None,
        in_function: bool,
        public: bool,
    ) -> None:
        qualname = f"{prefix}{node.name}"
        is_public = public and not in_function and _public_name(node.name)
        definition = self._common(node, "function", qualname, is_public)
        definition.is_async = isinstance(node, ast.AsyncFunctionDef)
        definition.is_method = in_class is not None
        definition.in_function = in_function
        definition.parent = in_class
        definition.skipped = any(_last(d) in OVERLOAD for d in definition.decorators)
        definition.params = self._params(node.args, definition)
        definition.returns = self.text.segment(node.returns) if node.returns else None
        definition.read_body = lambda: _scan_body(node)
        self.definitions.append(definition)
        if self._may_nest(definition):
            self.visit_body(
                node.body, f"{qualname}.<locals>.", in_class=None, in_function=True, public=False
            )

    def _may_nest(self, definition: Definition) -> bool:
        """Whether the function's body text could hold a nested def or class (walking every
        statement of every function to find out costs as much as parsing)."""
        body = self.text.lines[definition.first_statement[0] : definition.end_line + 1]
        return any("def " in line or "class " in line for line in body)

    def _params(self, args: ast.arguments, definition: Definition) -> list[Param]:
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults += list(args.defaults)
        params: list[Param] = []
        for index, arg in enumerate(positional):
            kind: ParamKind = "positional-only" if index < len(args.posonlyargs) else "positional"
            params.append(self._param(arg, kind, defaults[index]))
        if args.vararg is not None:
            params.append(self._param(args.vararg, "var-positional", None))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            params.append(self._param(arg, "keyword-only", default))
        if args.kwarg is not None:
            params.append(self._param(args.kwarg, "var-keyword", None))
        if (
            definition.is_method
            and not any(_last(d) in STATIC for d in definition.decorators)
            and positional
            and params
            and params[0].kind in ("positional-only", "positional")
        ):
            params = params[1:]  # self / cls
        return params

    def _param(self, arg: ast.arg, kind: ParamKind, default: ast.expr | None) -> Param:
        return Param(
            name=arg.arg,
            kind=kind,
            annotation=self.text.segment(arg.annotation) if arg.annotation else None,
            default=self.text.segment(default) if default is not None else None,
            span=self.text.span(arg),
        )

    def _class(self, node: ast.ClassDef, prefix: str, in_function: bool, public: bool) -> None:
        qualname = f"{prefix}{node.name}"
        is_public = public and not in_function and _public_name(node.name)
        definition = self._common(node, "class", qualname, is_public)
        definition.in_function = in_function
        definition.read_body = lambda: BodyFacts(attributes=self._attributes(node))
        self.definitions.append(definition)
        self.visit_body(
            node.body, f"{qualname}.", in_class=qualname, in_function=in_function, public=is_public
        )

    def _attributes(self, node: ast.ClassDef) -> list[Attribute]:
        found: dict[str, Attribute] = {}

        def add(name: str, annotation: ast.expr | None) -> None:
            if name.startswith("_") or name in found:
                return
            found[name] = Attribute(name, self.text.segment(annotation) if annotation else None)

        for statement in node.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                annotation = statement.annotation
                # ``ClassVar`` or ``ClassVar[int]`` (a subscript's dotted name is its base's).
                base = annotation.value if isinstance(annotation, ast.Subscript) else annotation
                if _last(_dotted(base)) == "ClassVar":
                    continue
                add(statement.target.id, annotation)
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        add(target.id, None)
        for statement in node.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                statement.name == "__init__"
            ):
                for assigned in ast.walk(statement):
                    written: ast.expr | None = None
                    declared: ast.expr | None = None
                    if isinstance(assigned, ast.AnnAssign):
                        written, declared = assigned.target, assigned.annotation
                    elif isinstance(assigned, ast.Assign) and len(assigned.targets) == 1:
                        written = assigned.targets[0]
                    if (
                        isinstance(written, ast.Attribute)
                        and isinstance(written.value, ast.Name)
                        and written.value.id == "self"
                    ):
                        add(written.attr, declared)
        return list(found.values())


def _public_name(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


_SIMPLE = (
    ast.Expr,
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.Return,
    ast.Raise,
    ast.Pass,
    ast.Import,
    ast.ImportFrom,
    ast.Delete,
    ast.Assert,
    ast.Global,
    ast.Nonlocal,
    ast.Break,
    ast.Continue,
)


def _child_bodies(node: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(node, _SIMPLE):
        return []
    bodies: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            bodies.append(value)
    for handler in getattr(node, "handlers", ()) or ():
        bodies.append(handler.body)
    for case in getattr(node, "cases", ()) or ():
        bodies.append(case.body)
    return bodies


_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# The ``except`` clauses around a statement, innermost last: (name bound, exception names).
_Handlers = tuple[tuple[str | None, tuple[str, ...]], ...]


def _scan_body(node: ast.FunctionDef | ast.AsyncFunctionDef) -> BodyFacts:
    """Returns, yields and raises of one function's own body (not of nested scopes).

    An explicit stack, not recursion: an expression nested a thousand levels deep parses, and
    must not cost the definition its facts (or the file its other definitions)."""
    facts = BodyFacts()
    stack: list[tuple[ast.AST, _Handlers]] = [(s, ()) for s in reversed(node.body)]
    while stack:
        item, handlers = stack.pop()
        children: list[tuple[ast.AST, _Handlers]]
        if isinstance(item, _NESTED_SCOPES):
            # Only the decorators run in this scope.
            children = [(d, handlers) for d in item.decorator_list]
        elif isinstance(item, ast.Lambda):
            continue
        elif isinstance(item, _TRY):
            children = [(s, handlers) for s in item.body]
            for handler in item.handlers:
                caught = (handler.name, tuple(_handler_types(handler.type)))
                children += [(s, (*handlers, caught)) for s in handler.body]
            children += [(s, handlers) for s in item.orelse + item.finalbody]
        elif isinstance(item, ast.Raise):
            _add_raised(facts.raises, _raised(item, handlers))
            continue
        else:
            if isinstance(item, ast.Return) and not (
                item.value is None
                or (isinstance(item.value, ast.Constant) and item.value.value is None)
            ):
                facts.returns_value = True
            elif isinstance(item, (ast.Yield, ast.YieldFrom)):
                facts.yields = True
            children = [(c, handlers) for c in ast.iter_child_nodes(item)]
        stack.extend(reversed(children))
    return facts


def _raised(node: ast.Raise, handlers: _Handlers) -> list[str]:
    if node.exc is None:
        # A bare re-raise raises nothing new: what its handler caught goes on to the caller
        # (nothing named under a bare ``except:``).
        return list(handlers[-1][1]) if handlers else []
    exc = node.exc
    if isinstance(exc, ast.Name):
        for bound, types in reversed(handlers):
            if bound == exc.id:
                if types:
                    return list(types)
                break
    name = _dotted(exc)
    return [name] if name else []


def _add_raised(raises: list[str], names: list[str]) -> None:
    raises += [name for name in dict.fromkeys(names) if name not in raises]


def _handler_types(node: ast.expr | None) -> list[str]:
    if node is None:
        return []
    if isinstance(node, ast.Tuple):
        return [n for n in (_dotted(e) for e in node.elts) if n]
    name = _dotted(node)
    return [name] if name else []


def detect_newline(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
        if line.endswith("\r"):
            return "\r"
    return "\n"


def detect_indent_unit(tree: ast.Module, lines: list[str]) -> str:
    """The indentation one block level adds in this file (first nested block wins)."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(
                node,
                (
                    ast.FunctionDef,
                    ast.AsyncFunctionDef,
                    ast.ClassDef,
                    ast.If,
                    ast.For,
                    ast.While,
                    ast.With,
                    ast.Try,
                ),
            )
            and isinstance(body, list)
            and body
            and body[0].lineno > node.lineno
        ):
            outer = _indent_of(lines[node.lineno - 1])
            inner = _indent_of(lines[body[0].lineno - 1])
            if inner.startswith(outer) and len(inner) > len(outer):
                return inner[len(outer) :]
    return "    "


def parse_module(source: str) -> ast.Module:
    """``ast.parse``, tried again once on CPython 3.11's spurious "AST constructor recursion depth
    mismatch" SystemError (python/cpython#106905: another thread building syntax trees at the
    same moment, such as jedi's)."""
    try:
        return ast.parse(source, type_comments=False)
    except SystemError:
        return ast.parse(source, type_comments=False)


def analyze(source: str, module_name: str = "module") -> ModuleFacts:
    """Facts about every definition of ``source``. A syntax error yields no definitions (and is
    kept in ``syntax_error``): nothing is offered on a module Python cannot parse."""
    lines = split_lines(source)
    newline = detect_newline(lines)
    try:
        tree = parse_module(source)
    except (SyntaxError, ValueError) as exc:
        error = exc if isinstance(exc, SyntaxError) else SyntaxError(str(exc))
        return ModuleFacts(source, lines, [], newline, "    ", '"""', error)
    except SystemError as exc:
        failure = ParseFailure(f"Python's parser failed: {exc}")
        return ModuleFacts(source, lines, [], newline, "    ", '"""', failure)
    except (RecursionError, MemoryError):
        # Python's parser gives up on some deep nestings and very long operator chains with
        # these (its stack is fixed); the rest of a run, and the server, carry on.
        return ModuleFacts(source, lines, [], newline, "    ", '"""', ParseFailure(TOO_DEEP))
    try:
        return _module_facts(source, lines, newline, tree, module_name)
    except RecursionError:
        return ModuleFacts(source, lines, [], newline, "    ", '"""', ParseFailure(TOO_DEEP))


def _module_facts(
    source: str, lines: list[str], newline: str, tree: ast.Module, module_name: str
) -> ModuleFacts:
    text = _Text(lines)
    module_doc = _docstring_node(tree.body)
    first = tree.body[0] if tree.body else None
    module = Definition(
        kind="module",
        name=module_name,
        qualname="",
        public=_public_name(module_name) or module_name == "__init__",
        start_line=0,
        name_span=Span(Position(0, 0), Position(0, 0)),
        end_line=max(len(lines) - 1, 0),
        indent="",
        body_indent="",
        first_statement=(
            (_first_line(first), (first.end_lineno or first.lineno) - 1) if first else (-1, -1)
        ),
        docstring=_docstring_site(module_doc, text) if module_doc else None,
    )
    collector = _Collector(text)
    collector.visit_body(tree.body, "", in_class=None, in_function=False, public=module.public)
    definitions = [module, *collector.definitions]
    quotes = [d.docstring.quote for d in definitions if d.docstring and len(d.docstring.quote) == 3]
    quote = "'''" if quotes and quotes.count("'''") > len(quotes) / 2 else '"""'
    return ModuleFacts(source, lines, definitions, newline, detect_indent_unit(tree, lines), quote)
