"""New docstrings: what each style writes for each kind of definition and parameter."""

from __future__ import annotations

import pytest

from tests.unit.docs.support import fix, fix_one

STYLES = ["google", "numpy", "sphinx", "epytext", "pep257"]

FUNCTION = '''\
"""Shop."""


def compute_total_price(items: list[int], factor: float = 1.0) -> float:
    if not items:
        raise ValueError("no items")
    return sum(items) * factor
'''

FUNCTION_DOCS = {
    "google": '''\
    """Compute total price.

    Args:
        items (list[int]): The items.
        factor (float): The factor. Defaults to 1.0.

    Returns:
        float: The total price.

    Raises:
        ValueError: If a value is not valid.
    """
''',
    "numpy": '''\
    """Compute total price.

    Parameters
    ----------
    items : list[int]
        The items.
    factor : float
        The factor. Defaults to 1.0.

    Returns
    -------
    float
        The total price.

    Raises
    ------
    ValueError
        If a value is not valid.
    """
''',
    "sphinx": '''\
    """Compute total price.

    :param items: The items.
    :type items: list[int]
    :param factor: The factor. Defaults to 1.0.
    :type factor: float
    :returns: The total price.
    :rtype: float
    :raises ValueError: If a value is not valid.
    """
''',
    "epytext": '''\
    """Compute total price.

    @param items: The items.
    @type items: list[int]
    @param factor: The factor. Defaults to 1.0.
    @type factor: float
    @return: The total price.
    @rtype: float
    @raise ValueError: If a value is not valid.
    """
''',
    "pep257": '''\
    """Compute total price."""
''',
}


def _with_doc(source: str, after_line: str, doc: str) -> str:
    head, sep, tail = source.partition(after_line)
    assert sep
    return head + sep + doc + tail


@pytest.mark.parametrize("style", STYLES)
def test_function(style: str) -> None:
    expected = _with_doc(FUNCTION, "-> float:\n", FUNCTION_DOCS[style])
    assert fix(FUNCTION, style) == expected


@pytest.mark.parametrize("style", STYLES)
def test_async_function_is_documented_like_a_function(style: str) -> None:
    source = FUNCTION.replace("def compute", "async def compute")
    expected = _with_doc(source, "-> float:\n", FUNCTION_DOCS[style])
    assert fix(source, style) == expected


@pytest.mark.parametrize("style", STYLES)
def test_module_docstring_goes_before_the_first_statement(style: str) -> None:
    from devfocus.docs.edits import apply_edits, docstring_edit
    from devfocus.docs.facts import analyze
    from tests.unit.docs.support import options

    source = "#!/usr/bin/env python\n# A comment.\nfrom __future__ import annotations\n\nx = 1\n"
    facts = analyze(source, "shopping_cart")
    edit = docstring_edit(facts, facts.definitions[0], options(style))
    assert edit is not None
    assert apply_edits(facts.lines, [edit]) == (
        '#!/usr/bin/env python\n# A comment.\n"""Shopping cart."""\n\n'
        "from __future__ import annotations\n\nx = 1\n"
    )


def test_empty_module_gets_a_docstring() -> None:
    assert fix("") == '"""Module."""\n'
    assert fix("# only a comment") == '# only a comment\n"""Module."""\n'


CLASS = '''\
"""Users."""


class UserRepository:
    limit: int = 10
    name = "users"
    _hidden: int = 0

    def __init__(self, path: str, *, size: int = 0) -> None:
        self.path = path
        self._cache = {}
        self.count: int = 0
'''


def test_class_google_documents_init_in_init() -> None:
    assert (
        fix(CLASS, "google")
        == '''\
"""Users."""


class UserRepository:
    """User repository.

    Attributes:
        limit (int): The limit.
        name: The name.
        path: The path.
        count (int): The count.
    """

    limit: int = 10
    name = "users"
    _hidden: int = 0

    def __init__(self, path: str, *, size: int = 0) -> None:
        """Initialize the user repository.

        Args:
            path (str): The path.
            size (int): The size. Defaults to 0.
        """
        self.path = path
        self._cache = {}
        self.count: int = 0
'''
    )


def test_class_numpy_documents_init_in_the_class() -> None:
    assert (
        fix(CLASS, "numpy")
        == '''\
"""Users."""


class UserRepository:
    """User repository.

    Parameters
    ----------
    path : str
        The path.
    size : int
        The size. Defaults to 0.

    Attributes
    ----------
    limit : int
        The limit.
    name
        The name.
    path
        The path.
    count : int
        The count.
    """

    limit: int = 10
    name = "users"
    _hidden: int = 0

    def __init__(self, path: str, *, size: int = 0) -> None:
        """Initialize the user repository."""
        self.path = path
        self._cache = {}
        self.count: int = 0
'''
    )


def test_class_sphinx_documents_init_in_init() -> None:
    assert (
        fix(CLASS, "sphinx")
        == '''\
"""Users."""


class UserRepository:
    """User repository.

    :ivar limit: The limit.
    :vartype limit: int
    :ivar name: The name.
    :ivar path: The path.
    :ivar count: The count.
    :vartype count: int
    """

    limit: int = 10
    name = "users"
    _hidden: int = 0

    def __init__(self, path: str, *, size: int = 0) -> None:
        """Initialize the user repository.

        :param path: The path.
        :type path: str
        :param size: The size. Defaults to 0.
        :type size: int
        """
        self.path = path
        self._cache = {}
        self.count: int = 0
'''
    )


def test_class_epytext_documents_init_in_init() -> None:
    assert (
        fix(CLASS, "epytext")
        == '''\
"""Users."""


class UserRepository:
    """User repository.

    @ivar limit: The limit.
    @ivar name: The name.
    @ivar path: The path.
    @ivar count: The count.
    """

    limit: int = 10
    name = "users"
    _hidden: int = 0

    def __init__(self, path: str, *, size: int = 0) -> None:
        """Initialize the user repository.

        @param path: The path.
        @type path: str
        @param size: The size. Defaults to 0.
        @type size: int
        """
        self.path = path
        self._cache = {}
        self.count: int = 0
'''
    )


def test_class_pep257_is_a_summary() -> None:
    assert fix(CLASS, "pep257") == CLASS.replace(
        "class UserRepository:\n", 'class UserRepository:\n    """User repository."""\n\n'
    ).replace("-> None:\n", '-> None:\n        """Initialize the user repository."""\n')


@pytest.mark.parametrize(
    ("header", "body"),
    [
        ("@dataclass\nclass Point:", "    x: int\n    y: int = 0\n    z: ClassVar[int] = 3\n"),
        ("@attr.s\nclass Point:", "    x = attr.ib()\n    y = attr.ib(default=0)\n"),
        ("class Point(NamedTuple):", "    x: int\n    y: int = 0\n"),
        ("class Point(BaseModel):", "    x: int\n    y: int = Field(0)\n"),
    ],
    ids=["dataclass", "attrs", "namedtuple", "pydantic"],
)
def test_field_classes_document_their_fields_as_attributes(header: str, body: str) -> None:
    source = f'"""Shapes."""\n\n\n{header}\n{body}'
    typed = ":" in body.splitlines()[0]
    x, y = ("x (int)", "y (int)") if typed else ("x", "y")
    assert fix(source) == (
        f'"""Shapes."""\n\n\n{header}\n'
        '    """Point.\n\n'
        "    Attributes:\n"
        f"        {x}: The x.\n"
        f"        {y}: The y.\n"
        '    """\n\n'
        f"{body}"
    )


PARAMS = """\
def send_message(
    channel: str,
    /,
    body: bytes,
    *args: int,
    timeout: float | None = None,
    retries: Optional[int] = 3,
    strict: bool = False,
    **kwargs: Any,
) -> None:
    pass
"""


def test_parameter_kinds_google() -> None:
    assert fix_one(PARAMS, "send_message") == PARAMS.replace(
        ") -> None:\n",
        ''') -> None:
    """Send message.

    Args:
        channel (str): The channel.
        body (bytes): The body.
        *args (int): Additional positional arguments.
        timeout (float | None, optional): The timeout. Defaults to None.
        retries (Optional[int], optional): The retries. Defaults to 3.
        strict (bool): The strict. Defaults to False.
        **kwargs (Any): Additional keyword arguments.
    """
''',
    )


def test_parameter_kinds_numpy() -> None:
    assert fix_one(PARAMS, "send_message", "numpy") == PARAMS.replace(
        ") -> None:\n",
        ''') -> None:
    """Send message.

    Parameters
    ----------
    channel : str
        The channel.
    body : bytes
        The body.
    *args : int
        Additional positional arguments.
    timeout : float | None
        The timeout. Defaults to None.
    retries : Optional[int]
        The retries. Defaults to 3.
    strict : bool
        The strict. Defaults to False.
    **kwargs : Any
        Additional keyword arguments.
    """
''',
    )


def test_parameter_kinds_sphinx_keeps_stars() -> None:
    assert fix_one(PARAMS, "send_message", "sphinx") == PARAMS.replace(
        ") -> None:\n",
        ''') -> None:
    """Send message.

    :param channel: The channel.
    :type channel: str
    :param body: The body.
    :type body: bytes
    :param *args: Additional positional arguments.
    :type *args: int
    :param timeout: The timeout. Defaults to None.
    :type timeout: float | None
    :param retries: The retries. Defaults to 3.
    :type retries: Optional[int]
    :param strict: The strict. Defaults to False.
    :type strict: bool
    :param **kwargs: Additional keyword arguments.
    :type **kwargs: Any
    """
''',
    )


def test_parameter_kinds_epytext_drops_stars() -> None:
    assert fix_one(PARAMS, "send_message", "epytext") == PARAMS.replace(
        ") -> None:\n",
        ''') -> None:
    """Send message.

    @param channel: The channel.
    @type channel: str
    @param body: The body.
    @type body: bytes
    @param args: Additional positional arguments.
    @type args: int
    @param timeout: The timeout. Defaults to None.
    @type timeout: float | None
    @param retries: The retries. Defaults to 3.
    @type retries: Optional[int]
    @param strict: The strict. Defaults to False.
    @type strict: bool
    @param kwargs: Additional keyword arguments.
    @type kwargs: Any
    """
''',
    )


def test_optional_only_with_a_default_and_a_type_admitting_none() -> None:
    source = (
        "def f(a: int | None, b: int = 0, c: Union[int, None] = None, d: 'str | None' = None):\n"
        "    pass\n"
    )
    assert fix_one(source, "f") == source.replace(
        "    pass\n",
        '''\
    """Run f.

    Args:
        a (int | None): The a.
        b (int): The b. Defaults to 0.
        c (Union[int, None], optional): The c. Defaults to None.
        d (str | None, optional): The d. Defaults to None.
    """
    pass
''',
    )


SELF_AND_CLS = '''\
class Box:
    """Box."""

    def put(self, item, /, *, force=False):
        pass

    @classmethod
    def create(cls, size):
        pass

    @staticmethod
    def check(value):
        pass


def plain(cls):
    pass
'''


def test_self_cls_and_markers_are_never_documented() -> None:
    assert (
        fix(SELF_AND_CLS, "google")
        == '''\
"""Module."""


class Box:
    """Box."""

    def put(self, item, /, *, force=False):
        """Put.

        Args:
            item: The item.
            force: The force. Defaults to False.
        """
        pass

    @classmethod
    def create(cls, size):
        """Create.

        Args:
            size: The size.
        """
        pass

    @staticmethod
    def check(value):
        """Check.

        Args:
            value: The value.
        """
        pass


def plain(cls):
    """Run plain.

    Args:
        cls: The cls.
    """
    pass
'''
    )


@pytest.mark.parametrize(
    ("style", "entry"),
    [("numpy", "    item\n"), ("sphinx", "    :param item:"), ("epytext", "    @param item:")],
)
def test_self_and_cls_in_other_styles(style: str, entry: str) -> None:
    out = fix(SELF_AND_CLS, style)
    assert entry in out
    assert "self" not in "".join(line for line in out.splitlines() if "def " not in line)
    assert out.count("cls") == 4  # two signatures, plain's entry and its "The cls."


@pytest.mark.parametrize("style", ["google", "numpy", "sphinx", "epytext"])
def test_no_returns_section_without_a_value(style: str) -> None:
    source = """\
def save(path: str) -> None:
    return


def close():
    if ready:
        return None
    pass


def stop() -> NoReturn:
    raise SystemExit
"""
    out = fix(source, style)
    assert "eturn" not in out.replace("return", "").replace("NoReturn", "")


RETURNS = """\
def load_config(path):
    return {}
"""


def test_return_without_annotation_has_no_type_without_inference() -> None:
    assert fix(RETURNS, "google").endswith('''\
def load_config(path):
    """Load config.

    Args:
        path: The path.

    Returns:
        The config.
    """
    return {}
''')


def test_return_without_annotation_uses_the_inference_hook() -> None:
    seen = []

    def infer(definition):
        seen.append(definition.qualname)
        return "dict[str, str]"

    out = fix_one(RETURNS, "load_config", "google", infer_return=infer)
    assert set(seen) == {"load_config"}
    assert (
        out
        == '''\
def load_config(path):
    """Load config.

    Args:
        path: The path.

    Returns:
        dict[str, str]: The config.
    """
    return {}
'''
    )


def test_the_inference_hook_is_not_asked_when_there_is_an_annotation() -> None:
    def infer(definition):
        raise AssertionError("asked")

    source = "def size() -> int:\n    return 1\n"
    out = fix_one(source, "size", infer_return=infer)
    assert "int: The size." in out


GENERATORS = """\
from typing import AsyncIterator, Generator, Iterator


def read_rows(path: str) -> Generator[dict[str, int], None, bool]:
    yield {}
    return True


async def stream_chunks(size: int) -> AsyncIterator[bytes]:
    yield b""


def walk_tree() -> Iterator[str]:
    yield from ()


def numbers():
    yield 1
"""


def test_generators_google() -> None:
    assert (
        fix(GENERATORS, "google")
        == '''\
"""Module."""

from typing import AsyncIterator, Generator, Iterator


def read_rows(path: str) -> Generator[dict[str, int], None, bool]:
    """Read rows.

    Args:
        path (str): The path.

    Yields:
        dict[str, int]: The rows.
    """
    yield {}
    return True


async def stream_chunks(size: int) -> AsyncIterator[bytes]:
    """Stream chunks.

    Args:
        size (int): The size.

    Yields:
        bytes: The chunks.
    """
    yield b""


def walk_tree() -> Iterator[str]:
    """Walk tree.

    Yields:
        str: The tree.
    """
    yield from ()


def numbers():
    """Yield the numbers.

    Yields:
        The numbers.
    """
    yield 1
'''
    )


def test_generators_numpy_and_sphinx() -> None:
    numpy = fix_one(GENERATORS, "read_rows", "numpy")
    assert (
        '''\
    Yields
    ------
    dict[str, int]
        The rows.
    """
'''
        in numpy
    )
    assert "Returns" not in numpy
    sphinx = fix_one(GENERATORS, "read_rows", "sphinx")
    assert (
        '''\
    :param path: The path.
    :type path: str
    :yields: The rows.
    :ytype: dict[str, int]
    """
'''
        in sphinx
    )


def test_epytext_has_no_yield_field() -> None:
    out = fix_one(GENERATORS, "read_rows", "epytext")
    assert out == GENERATORS.replace(
        "bool]:\n",
        '''bool]:
    """Read rows.

    @param path: The path.
    @type path: str
    """
''',
    )


RAISES = """\
def load(name):
    try:
        open(name)
    except (KeyError, IndexError) as exc:
        raise exc
    except ValueError:
        raise
    except OSError as err:
        raise errors.LoadError("x") from err
    raise KeyError(name)

    def inner():
        raise TypeError

    class Local:
        def method(self):
            raise AttributeError
"""


def test_raises_are_explicit_deduplicated_and_in_order() -> None:
    # A bare ``raise`` re-raises what its handler caught (ValueError), which reaches the caller.
    out = fix_one(RAISES, "load")
    assert out.startswith('''\
def load(name):
    """Load.

    Args:
        name: The name.

    Raises:
        KeyError: If a key is missing.
        IndexError: If an index is out of range.
        ValueError: If a value is not valid.
        errors.LoadError: If a load error occurs.
    """
    try:
''')


@pytest.mark.parametrize("style", ["numpy", "sphinx", "epytext"])
def test_raises_in_other_styles(style: str) -> None:
    out = fix_one(RAISES, "load", style)
    expected = {
        "numpy": "    Raises\n    ------\n    KeyError\n        If a key is missing.\n",
        "sphinx": "    :raises KeyError: If a key is missing.\n"
        "    :raises IndexError: If an index is out of range.\n",
        "epytext": "    @raise KeyError: If a key is missing.\n"
        "    @raise IndexError: If an index is out of range.\n",
    }[style]
    assert expected in out
    assert "TypeError" not in out.split("def inner")[0]
    assert "AttributeError" not in out.split("class Local")[0]


def test_nested_definitions_are_documented_on_their_own() -> None:
    source = """\
def outer():
    def inner():
        yield 1

    class Local:
        def method(self):
            return 2

    return None
"""
    assert (
        fix(source)
        == '''\
"""Module."""


def outer():
    """Run outer."""
    def inner():
        """Yield the inner.

        Yields:
            The inner.
        """
        yield 1

    class Local:
        """Local."""

        def method(self):
            """Return the method.

            Returns:
                The method.
            """
            return 2

    return None
'''
    )


PROPERTIES = '''\
class Cart:
    """Cart."""

    @property
    def total_price(self) -> float:
        return 1.0

    @total_price.setter
    def total_price(self, value: float) -> None:
        self._total = value

    @functools.cached_property
    def is_empty(self) -> bool:
        return True
'''


@pytest.mark.parametrize("style", STYLES)
def test_properties_are_documented_like_attributes(style: str) -> None:
    assert (
        fix(PROPERTIES, style)
        == '''\
"""Module."""


class Cart:
    """Cart."""

    @property
    def total_price(self) -> float:
        """The total price."""
        return 1.0

    @total_price.setter
    def total_price(self, value: float) -> None:
        self._total = value

    @functools.cached_property
    def is_empty(self) -> bool:
        """Whether empty."""
        return True
'''
    )


OVERLOADS = """\
from typing import overload


@overload
def parse(value: int) -> int: ...
@overload
def parse(value: str) -> str: ...
def parse(value):
    return value
"""


def test_overload_stubs_are_skipped_and_the_implementation_documented() -> None:
    from devfocus.docs.edits import EditRefused
    from devfocus.docs.facts import analyze
    from tests.unit.docs.support import options

    assert (
        fix(OVERLOADS)
        == '''\
"""Module."""

from typing import overload


@overload
def parse(value: int) -> int: ...
@overload
def parse(value: str) -> str: ...
def parse(value):
    """Parse.

    Args:
        value: The value.

    Returns:
        The parse.
    """
    return value
'''
    )
    facts = analyze(OVERLOADS, "module")
    stub = facts.definitions[1]
    assert stub.skipped
    with pytest.raises(EditRefused, match="overload"):
        from devfocus.docs.edits import docstring_edit

        docstring_edit(facts, stub, options())


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("compute_total_price", "Compute total price."),
        ("is_valid", "Return whether valid."),
        ("has_items", "Return whether it has items."),
        ("to_json", "Convert to json."),
        ("from_dict", "Create from dict."),
        ("on_click", "Handle click."),
        ("fetches_rows", "Fetch rows."),
        ("parseXMLFile", "Parse XML file."),
        ("__repr__", "Return the developer representation."),
        ("__frobnicate__", "Implement ``__frobnicate__``."),
        ("_", "Run it."),
        ("calcular_año", "Return the calcular año."),
    ],
)
def test_summary_from_the_name(name: str, summary: str) -> None:
    source = f"def {name}():\n    return 1\n"
    out = fix_one(source, name, "pep257")
    assert out == f'def {name}():\n    """{summary}"""\n    return 1\n'


@pytest.mark.parametrize(
    ("source", "summary"),
    [
        ("class UserRepository:\n    pass\n", "User repository."),
        ("class HTTPServer:\n    pass\n", "HTTP server."),
        ("class _:\n    pass\n", "_."),
    ],
)
def test_class_summary_from_the_name(source: str, summary: str) -> None:
    name = source.split()[1].rstrip(":")
    out = fix_one(source, name, "pep257")
    assert out.splitlines()[1] == f'    """{summary}"""'


def test_a_bare_reraise_under_a_bare_except_names_nothing() -> None:
    source = "def f():\n    try:\n        g()\n    except:\n        raise\n"
    assert "Raises" not in fix_one(source, "f")
