"""Findings: missing docstrings (DF100-DF103) and stale ones (DF2xx), each pointing at the right
place; docstrings without sections are not checked for their contents (like pydoclint)."""

from __future__ import annotations

import pytest

from devfocus.docs.facts import Position, Span
from tests.unit.docs.support import codes, covered, facts_of, findings

MISSING = """\
class Cart:
    def add(self, item):
        pass

    def _grow(self):
        pass

    def __len__(self):
        return 0


def total(cart):
    def helper():
        pass
    return 0


def _private():
    pass
"""


def test_missing_docstrings_in_public_scope() -> None:
    assert codes(MISSING, scope="public") == [
        ("DF100", ""),
        ("DF101", "Cart"),
        ("DF102", "Cart.add"),
        ("DF102", "Cart.__len__"),
        ("DF103", "total"),
    ]


def test_missing_docstrings_in_all_scope() -> None:
    assert codes(MISSING, scope="all") == [
        ("DF100", ""),
        ("DF101", "Cart"),
        ("DF102", "Cart.add"),
        ("DF102", "Cart._grow"),
        ("DF102", "Cart.__len__"),
        ("DF103", "total"),
        ("DF103", "total.<locals>.helper"),
        ("DF103", "_private"),
    ]


def test_no_findings_in_none_scope_for_missing_docstrings() -> None:
    assert codes(MISSING, scope="none") == []


def test_private_modules_and_classes_make_their_members_private() -> None:
    source = '"""M."""\n\n\nclass _Hidden:\n    def shown(self):\n        pass\n'
    assert codes(source, scope="public") == []


def test_missing_findings_point_at_the_name() -> None:
    facts = facts_of(MISSING)
    found = {f.qualname: f for f in findings(MISSING, scope="all")}
    assert found[""].span == Span(Position(0, 0), Position(0, 0))
    assert covered(facts, found["Cart"]) == "Cart"
    assert covered(facts, found["Cart.add"]) == "add"
    assert covered(facts, found["total.<locals>.helper"]) == "helper"
    assert found["Cart.add"].message == "Method `add` has no docstring"
    assert found["total"].message == "Function `total` has no docstring"
    assert found["Cart"].message == "Class `Cart` has no docstring"
    assert found[""].message == "Module has no docstring"
    assert {f.fix for f in found.values()} == {"generate"}


def test_a_name_on_a_continuation_line_points_at_the_keyword() -> None:
    source = '"""M."""\n\n\nasync def \\\n        fetch():\n    pass\n'
    (finding,) = findings(source)
    assert finding.span == Span(Position(3, 0), Position(3, 3))


STALE = '''\
"""M."""


def transfer(source: str, target, *args, amount: int = 0, **kwargs) -> int:
    """Move money.

    Args:
        target: Where to.
        source (int): Where from.
        removed: Gone.

    Returns:
        str: How much.
    """
    if amount < 0:
        raise ValueError(amount)
    return amount
'''


def test_stale_docstring_findings_and_their_spans() -> None:
    facts = facts_of(STALE)
    found = findings(STALE)
    assert [(f.code, covered(facts, f)) for f in found if f.span.start.line == f.span.end.line] == [
        ("DF204", "source (int): Where from."),
        ("DF201", "removed: Gone."),
        ("DF202", "args"),
        ("DF202", "amount: int"),
        ("DF202", "kwargs"),
        ("DF203", "Args:"),
        ("DF204", "str: How much."),
    ]
    (raise_finding,) = [f for f in found if f.code == "DF212"]
    assert raise_finding.span == facts.definitions[1].docstring.span  # type: ignore[union-attr]
    assert raise_finding.message == "`ValueError` is raised but not documented"
    assert {f.fix for f in found} == {"update"}
    assert {f.qualname for f in found} == {"transfer"}


def test_messages() -> None:
    messages = {f.code + " " + f.message for f in findings(STALE)}
    assert "DF201 Parameter `removed` is documented but not in the signature" in messages
    assert "DF202 Parameter `args` is not documented" in messages
    assert "DF203 Parameters are documented in a different order than the signature" in messages
    assert "DF204 Documented type `int` of `source` contradicts the annotation `str`" in messages
    assert "DF204 Documented return type `str` contradicts the annotation `int`" in messages


@pytest.mark.parametrize(
    ("docstring", "code"),
    [
        ('"""Size.\n\n    Args:\n        items: The items.\n    """', "DF210"),
        (
            '"""Size.\n\n    Parameters\n    ----------\n    items\n        The items.\n    """',
            "DF210",
        ),
        ('"""Size.\n\n    :param items: The items.\n    """', "DF210"),
        ('"""Size.\n\n    @param items: The items.\n    """', "DF210"),
    ],
    ids=["google", "numpy", "sphinx", "epytext"],
)
def test_missing_returns_in_every_style(docstring: str, code: str) -> None:
    source = f'"""M."""\n\n\ndef size(items):\n    {docstring}\n    return len(items)\n'
    facts = facts_of(source)
    (finding,) = findings(source)
    assert finding.code == code
    assert finding.span == facts.definitions[1].docstring.span  # type: ignore[union-attr]
    assert (
        finding.message == "Function `size` returns a value; the docstring has no Returns section"
    )


def test_missing_yields() -> None:
    source = '''\
"""M."""


def rows(path) -> Iterator[str]:
    """Rows.

    Args:
        path: The path.
    """
    yield path
'''
    assert codes(source) == [("DF211", "rows")]
    assert codes(source, "epytext") == [("DF211", "rows")]  # the docstring's own style


def test_yield_type_contradiction() -> None:
    source = '''\
"""M."""


def rows(path) -> Iterator[str]:
    """Rows.

    Args:
        path: The path.

    Yields:
        int: A row.
    """
    yield path
'''
    facts = facts_of(source)
    (finding,) = findings(source)
    assert finding.code == "DF204"
    assert covered(facts, finding) == "int: A row."


@pytest.mark.parametrize(
    "docstring",
    [
        '"""Move money."""',
        '"""Move money.\n\n    Longer prose, but no sections.\n    """',
        "'Move money.'",
    ],
)
def test_docstrings_without_sections_are_not_checked(docstring: str) -> None:
    source = STALE.split('    """Move money.')[0] + f"    {docstring}\n    raise ValueError\n"
    assert codes(source) == []


def test_up_to_date_docstrings_have_no_findings() -> None:
    source = '''\
"""M."""


def transfer(source: str, *args: int, amount: int | None = None, **kwargs) -> int:
    """Move money.

    Args:
        source (str): Where from.
        *args (int): More.
        amount (int, optional): How much.
        **kwargs: Options.

    Returns:
        int: How much.

    Raises:
        errors.TransferError: When it fails.
    """
    raise errors.TransferError
'''
    assert codes(source) == []


def test_the_pep257_style_checks_only_for_missing_docstrings() -> None:
    source = (
        '"""M."""\n\n\ndef f(a):\n    """F.\n\n    More.\n    """\n    return a\n\n\n'
        "def g():\n    pass\n"
    )
    assert codes(source, "pep257") == [("DF103", "g")]


def test_numpy_documents_init_in_the_class() -> None:
    source = '''\
"""M."""


class Account:
    """Account.

    Parameters
    ----------
    owner : str
        Who.
    """

    def __init__(self, owner: str, balance: int = 0) -> None:
        self.owner = owner
'''
    facts = facts_of(source)
    found = findings(source, "numpy")
    assert [(f.code, f.qualname) for f in found] == [("DF202", "Account")]
    assert covered(facts, found[0]) == "Account"
    # Google wants __init__ documented on its own.
    assert codes(source, "google") == [("DF202", "Account"), ("DF102", "Account.__init__")]


def test_overload_stubs_have_no_findings_but_the_implementation_does() -> None:
    source = '''\
"""M."""
from typing import overload


@overload
def parse(value: int) -> int: ...
@overload
def parse(value: str) -> str: ...
def parse(value):
    return value
'''
    found = findings(source)
    assert [(f.code, f.span.start.line) for f in found] == [("DF103", 8)]


def test_property_accessors_and_overrides_need_no_docstring() -> None:
    source = '''\
"""M."""


class Cart:
    """Cart."""

    @property
    def total(self) -> int:
        """The total."""
        return 0

    @total.setter
    def total(self, value: int) -> None:
        """Set the total.

        Args:
            value: The new total.
        """

    @total.deleter
    def total(self) -> None:
        pass

    @override
    def run(self, x):
        pass
'''
    assert codes(source) == []


def test_a_property_is_not_asked_for_returns() -> None:
    source = '''\
"""M."""


class C:
    """C."""

    @property
    def size(self) -> int:
        """The size.

        Note:
            Cached.
        """
        return 1
'''
    assert codes(source) == []
