"""What the ast tells about each definition: parameters, returns, yields, raises, attributes,
and where its docstring is."""

from __future__ import annotations

import pytest

from devfocus.docs.facts import Definition, Position, Span, analyze


def only(source: str, qualname: str) -> Definition:
    definition = analyze(source).by_qualname(qualname)
    assert definition is not None
    return definition


def test_parameter_kinds_defaults_and_annotations_as_written() -> None:
    source = (
        "def f(a, b: 'int' = 1, /, c: dict[str,  int] | None = None, *args: int,\n"
        "      d, e: Callable[[int], str] = lambda x: str(x), **kwargs: Any) -> None:\n"
        "    pass\n"
    )
    params = only(source, "f").params
    assert [(p.name, p.kind, p.annotation, p.default) for p in params] == [
        ("a", "positional-only", None, None),
        ("b", "positional-only", "'int'", "1"),
        ("c", "positional", "dict[str,  int] | None", "None"),
        ("args", "var-positional", "int", None),
        ("d", "keyword-only", None, None),
        ("e", "keyword-only", "Callable[[int], str]", "lambda x: str(x)"),
        ("kwargs", "var-keyword", "Any", None),
    ]


def test_self_and_cls_are_dropped_only_for_methods() -> None:
    source = """\
class C:
    def method(self, a): pass
    @classmethod
    def build(cls, a): pass
    @staticmethod
    def check(a): pass
    def star(*args): pass

def plain(cls, a): pass
"""
    assert [p.name for p in only(source, "C.method").params] == ["a"]
    assert [p.name for p in only(source, "C.build").params] == ["a"]
    assert [p.name for p in only(source, "C.check").params] == ["a"]
    assert [p.name for p in only(source, "C.star").params] == ["args"]
    assert [p.name for p in only(source, "plain").params] == ["cls", "a"]


def test_multi_line_annotations_are_joined() -> None:
    source = "def f(a: dict[\n    str,\n    int,\n]) -> tuple[\n    int, str\n]:\n    pass\n"
    definition = only(source, "f")
    assert definition.params[0].annotation == "dict[str, int,]"
    assert definition.returns == "tuple[int, str]"


@pytest.mark.parametrize(
    ("annotation", "yielded"),
    [
        ("Generator[int, None, None]", "int"),
        ("typing.Generator[dict[str, int], None, bool]", "dict[str, int]"),
        ("Iterator[str]", "str"),
        ("collections.abc.AsyncIterator[bytes]", "bytes"),
        ("AsyncGenerator[tuple[int, int], None]", "tuple[int, int]"),
        ("list[int]", None),
        ("Iterator", None),
    ],
)
def test_yield_type(annotation: str, yielded: str | None) -> None:
    assert only(f"def f() -> {annotation}:\n    yield 1\n", "f").yield_type == yielded


def test_returns_and_yields_of_the_own_body_only() -> None:
    source = """\
def outer():
    def inner():
        return 1
    class Local:
        def method(self):
            yield 2
    callback = lambda: (yield)
    return None


def gives():
    if x:
        return
    return x


def gen():
    x = yield
    return 3


async def agen():
    yield 1
"""
    outer = only(source, "outer")
    assert (outer.returns_value, outer.yields) == (False, False)
    assert only(source, "outer.<locals>.inner").returns_value
    assert only(source, "outer.<locals>.Local.method").yields
    assert only(source, "gives").returns_value
    gen = only(source, "gen")
    assert (gen.yields, gen.returns_value) == (True, True)
    agen = only(source, "agen")
    assert (agen.yields, agen.is_async) == (True, True)


def test_raises() -> None:
    # A bare ``raise`` re-raises what its handler caught, as pydoclint reads it.
    source = """\
def f(x):
    try:
        g()
    except (KeyError, errors.Missing) as exc:
        raise exc
    except ValueError as err:
        raise err from None
    except OSError:
        raise
    except Exception as exc:
        raise RuntimeError("wrapped") from exc
    raise KeyError(x)
    raise TypeError

    def inner():
        raise AttributeError

    class Local:
        def method(self):
            raise IndexError
"""
    assert only(source, "f").raises == [
        "KeyError",
        "errors.Missing",
        "ValueError",
        "OSError",
        "RuntimeError",
        "TypeError",
    ]


def test_a_bare_re_raise_under_a_bare_except_adds_nothing() -> None:
    source = "def f():\n    try:\n        g()\n    except:\n        raise\n"
    assert only(source, "f").raises == []


def test_a_rebound_name_outside_its_handler_is_the_name_raised() -> None:
    source = """\
def f():
    try:
        pass
    except ValueError as exc:
        pass
    raise exc
"""
    assert only(source, "f").raises == ["exc"]


def test_decorators_of_nested_definitions_run_in_the_outer_scope() -> None:
    source = """\
def outer():
    @register(lambda: None)
    def inner():
        raise KeyError
"""
    assert only(source, "outer").raises == []


def test_attributes() -> None:
    source = """\
class Model(BaseModel):
    name: str
    tags: list[str] = []
    limit = 3
    VERSION: ClassVar[int] = 1
    KIND: typing.ClassVar = "m"
    _secret: str = ""

    def __init__(self, path: str) -> None:
        self.path = path
        self.size: int = 0
        self.name = "again"
        self._cache = {}
        if path:
            self.extra = 1
        other.attr = 2

    def reset(self):
        self.later = 1
"""
    attributes = only(source, "Model").attributes
    assert [(a.name, a.annotation) for a in attributes] == [
        ("name", "str"),
        ("tags", "list[str]"),
        ("limit", None),
        ("path", None),
        ("size", "int"),
        ("extra", None),
    ]


def test_public_names() -> None:
    source = """\
class Shown:
    def method(self): pass
    def _hidden(self): pass
    def __eq__(self, other): pass
    class Inner:
        def deep(self): pass

class _Hidden:
    def method(self): pass

def f():
    def local(): pass
"""
    facts = analyze(source)
    public = {d.qualname for d in facts.definitions if d.public}
    assert public == {
        "",
        "Shown",
        "Shown.method",
        "Shown.__eq__",
        "Shown.Inner",
        "Shown.Inner.deep",
        "f",
    }
    assert analyze(source, "_private").definitions[0].public is False
    assert analyze(source, "__init__").definitions[0].public is True


def test_positions() -> None:
    source = '''\
@decorator
class  Café:
    """Un café."""

    async def   método(self, ñ: int = 1, b=2):
        r"""Raw."""
'''
    facts = analyze(source)
    cls, method = facts.definitions[1], facts.definitions[2]
    assert cls.start_line == 0
    assert cls.name_span == Span(Position(1, 7), Position(1, 11))
    assert cls.body_indent == "    "
    assert cls.docstring is not None
    assert cls.docstring.span == Span(Position(2, 4), Position(2, 18))
    assert (cls.docstring.prefix, cls.docstring.quote, cls.docstring.body) == (
        "",
        '"""',
        "Un café.",
    )
    assert method.name_span == Span(Position(4, 16), Position(4, 22))
    assert [p.span for p in method.params] == [
        Span(Position(4, 29), Position(4, 35)),
        Span(Position(4, 41), Position(4, 42)),
    ]
    assert method.docstring is not None
    assert method.docstring.prefix == "r"
    assert method.docstring.span == Span(Position(5, 8), Position(5, 19))


def test_docstring_sites_that_are_not_rewritten() -> None:
    source = 'def f():\n    "One" "Two"\n\ndef g():\n    b"bytes"\n\ndef h():\n    f"{x}"\n'
    facts = analyze(source)
    assert [d.docstring for d in facts.definitions[1:]] == [None, None, None]


def test_file_conventions() -> None:
    facts = analyze("class A:\r\n\tdef f(self):\r\n\t\t'''Doc.'''\r\n")
    assert (facts.newline, facts.indent_unit, facts.quote) == ("\r\n", "\t", "'''")
    facts = analyze("x = 1\n")
    assert (facts.newline, facts.indent_unit, facts.quote) == ("\n", "    ", '"""')


def test_form_feeds_do_not_split_lines() -> None:
    source = "x = 1\n\x0c\ndef f():\n    pass\n"
    facts = analyze(source)
    assert len(facts.lines) == 4
    assert facts.definitions[1].name_span.start.line == 2


def test_overloads_and_accessors_are_marked() -> None:
    source = """\
class C:
    @typing.overload
    def f(self, x: int) -> int: ...
    def f(self, x): return x

    @property
    def p(self): return 1
    @p.setter
    def p(self, value): pass
"""
    facts = analyze(source)
    flags = [(d.qualname, d.skipped, d.is_property, d.is_accessor) for d in facts.definitions[2:]]
    assert flags == [
        ("C.f", True, False, False),
        ("C.f", False, False, False),
        ("C.p", False, True, False),
        ("C.p", False, True, True),
    ]
