"""Existing docstrings brought up to date: entries added, removed, reordered and retyped in the
docstring's own style, every word the user wrote kept, and a second run changing nothing."""

from __future__ import annotations

import pytest

from devfocus.app.docstrings import DocsConfig, fix_source
from devfocus.config import DocsSettings
from devfocus.docs.edits import EditRefused
from tests.unit.docs.support import edit_of, fix, fix_one

GOOGLE = '''\
def transfer(source, target, amount=0, *, note=None):
    """Move money between accounts.

    Free text the user wrote,
    over two lines.

    Args:
        amount (int): How much, which
            continues here.
        removed: No longer a parameter.
        source (Account): Where from.

    Note:
        Keep this note.
    """
    if amount < 0:
        raise ValueError(amount)
    return target
'''


def test_google_adds_removes_reorders_and_keeps_text() -> None:
    assert (
        fix_one(GOOGLE, "transfer")
        == '''\
def transfer(source, target, amount=0, *, note=None):
    """Move money between accounts.

    Free text the user wrote,
    over two lines.

    Args:
        source (Account): Where from.
        target: The target.
        amount (int): How much, which
            continues here.
        note: The note. Defaults to None.

    Returns:
        The transfer.

    Raises:
        ValueError: If a value is not valid.

    Note:
        Keep this note.
    """
    if amount < 0:
        raise ValueError(amount)
    return target
'''
    )


NUMPY = '''\
def transfer(source, target, amount=0, *, note=None):
    """Move money between accounts.

    Free text.

    Parameters
    ----------
    amount : int
        How much, which
        continues here.
    removed : str
        No longer a parameter.
    source : Account
        Where from.

    Returns
    -------
    Account
        The target account.

    Notes
    -----
    Keep this note.
    """
    return target
'''


def test_numpy_adds_removes_reorders_and_keeps_text() -> None:
    assert (
        fix_one(NUMPY, "transfer", "google")
        == '''\
def transfer(source, target, amount=0, *, note=None):
    """Move money between accounts.

    Free text.

    Parameters
    ----------
    source : Account
        Where from.
    target
        The target.
    amount : int
        How much, which
        continues here.
    note
        The note. Defaults to None.

    Returns
    -------
    Account
        The target account.

    Notes
    -----
    Keep this note.
    """
    return target
'''
    )


SPHINX = '''\
def transfer(source, target, amount=0, *, note=None):
    """Move money between accounts.

    Free text.

    :param amount: How much, which
        continues here.
    :type amount: int
    :param removed: No longer a parameter.
    :param source: Where from.
    :return: The target account.
    :rtype: Account

    .. versionadded:: 2.0
    """
    return target
'''


def test_sphinx_adds_removes_reorders_and_keeps_text() -> None:
    assert (
        fix_one(SPHINX, "transfer", "google")
        == '''\
def transfer(source, target, amount=0, *, note=None):
    """Move money between accounts.

    Free text.

    :param source: Where from.
    :param target: The target.
    :param amount: How much, which
        continues here.
    :type amount: int
    :param note: The note. Defaults to None.
    :return: The target account.
    :rtype: Account

    .. versionadded:: 2.0
    """
    return target
'''
    )


EPYTEXT = '''\
def transfer(source, target, *rest, **options):
    """Move money between accounts.

    @param options: Settings.
    @param removed: No longer a parameter.
    @param source: Where from.
    @return: The target account.
    """
    return target
'''


def test_epytext_adds_removes_reorders_and_keeps_text() -> None:
    assert (
        fix_one(EPYTEXT, "transfer", "google")
        == '''\
def transfer(source, target, *rest, **options):
    """Move money between accounts.

    @param source: Where from.
    @param target: The target.
    @param rest: Additional positional arguments.
    @param options: Settings.
    @return: The target account.
    """
    return target
'''
    )


@pytest.mark.parametrize(
    ("source", "style"),
    [(GOOGLE, "numpy"), (NUMPY, "sphinx"), (SPHINX, "epytext"), (EPYTEXT, "google")],
)
def test_a_docstring_is_updated_in_its_own_style_whatever_is_configured(
    source: str, style: str
) -> None:
    assert fix_one(source, "transfer", style) == fix_one(source, "transfer", "pep257")


@pytest.mark.parametrize("source", [GOOGLE, NUMPY, SPHINX, EPYTEXT])
def test_running_it_again_changes_nothing(source: str) -> None:
    once = fix_one(source, "transfer")
    assert edit_of(once, "transfer") is None


def test_an_up_to_date_docstring_gets_no_edit() -> None:
    source = '''\
def scale(value: float, factor: float = 2.0) -> float:
    """Scale a value.

    Args:
        value: What to scale.
        factor: By how much.

    Returns:
        The scaled value.
    """
    return value * factor
'''
    assert edit_of(source, "scale") is None
    assert fix(source).startswith('"""Module."""\n\n')  # only the module is new


def test_a_contradicting_type_is_replaced_by_the_annotation() -> None:
    source = '''\
def scale(value: float, limit: int | None = None) -> float:
    """Scale a value.

    Args:
        value (int): What to scale.
        limit (str): At most this.

    Returns:
        int: The scaled value.
    """
    return value
'''
    assert (
        fix_one(source, "scale")
        == '''\
def scale(value: float, limit: int | None = None) -> float:
    """Scale a value.

    Args:
        value (float): What to scale.
        limit (int | None, optional): At most this.

    Returns:
        float: The scaled value.
    """
    return value
'''
    )


@pytest.mark.parametrize(
    "documented", ["int, optional", "Optional[int]", "int | None", "typing.Optional[int]"]
)
def test_equivalent_types_are_left_as_written(documented: str) -> None:
    source = f'''\
def scale(limit: int | None = None) -> None:
    """Scale.

    Args:
        limit ({documented}): At most this.
    """
'''
    assert edit_of(source, "scale") is None


def test_google_returns_continued_flush_with_its_first_line_is_kept() -> None:
    # The Google style guide writes a Returns body's continuation lines at the same indentation.
    source = '''\
def fetch_rows(keys):
    """Fetch rows.

    Args:
        keys: The keys.

    Returns:
        A dict mapping keys to the corresponding table row data
        fetched. Each row is represented as a tuple of strings.
    """
    if not keys:
        raise KeyError
    return {}
'''
    assert fix_one(source, "fetch_rows") == source.replace(
        '''strings.
    """''',
        '''strings.

    Raises:
        KeyError: If a key is missing.
    """''',
    )


def test_new_sections_go_where_the_style_orders_them() -> None:
    source = '''\
def fetch(key, default=None):
    """Fetch.

    Raises:
        KeyError: If missing.

    Example:
        >>> fetch("a")
    """
    return default
'''
    assert (
        fix_one(source, "fetch")
        == '''\
def fetch(key, default=None):
    """Fetch.

    Args:
        key: The key.
        default: The default. Defaults to None.

    Returns:
        The fetch.

    Raises:
        KeyError: If missing.

    Example:
        >>> fetch("a")
    """
    return default
'''
    )


def test_a_documented_exception_by_its_short_name_counts() -> None:
    source = '''\
def read(path):
    """Read.

    Args:
        path: The path.

    Raises:
        LoadError: When it fails.
    """
    raise errors.LoadError(path)
'''
    assert edit_of(source, "read") is None


def test_sphinx_field_names_are_kept_as_written() -> None:
    source = '''\
def area(width, height):
    """Area.

    :param width: The width.
    :return: The area.
    """
    return width * height
'''
    assert fix_one(source, "area") == source.replace(
        "    :return:", "    :param height: The height.\n    :return:"
    )


def test_numpy_class_documents_init_parameters() -> None:
    source = '''\
class Account:
    """Account.

    Parameters
    ----------
    owner : str
        Who owns it.
    """

    def __init__(self, owner: str, balance: int = 0) -> None:
        self.owner = owner
'''
    assert fix_one(source, "Account") == source.replace(
        "        Who owns it.\n",
        "        Who owns it.\n    balance : int\n        The balance. Defaults to 0.\n",
    )


def test_pep257_never_adds_sections() -> None:
    source = '''\
def scale(value):
    """Scale a value.

    More text.
    """
    return value
'''
    assert edit_of(source, "scale", "pep257") is None


def test_an_empty_docstring_gets_a_summary() -> None:
    source = 'def scale(value):\n    """"""\n    return value\n'
    assert (
        fix_one(source, "scale")
        == '''\
def scale(value):
    """Scale.

    Args:
        value: The value.

    Returns:
        The scale.
    """
    return value
'''
    )
    blank = 'def close():\n    """\n    """\n'
    assert fix_one(blank, "close") == 'def close():\n    """Close."""\n'


def test_a_docstring_opening_with_its_fields_is_read_not_duplicated() -> None:
    source = '''\
def area(width, height):
    """

    :param width: The width.
    :return: The area.
    """
    return width * height
'''
    assert (
        fix_one(source, "area")
        == '''\
def area(width, height):
    """
    Return the area.

    :param width: The width.
    :param height: The height.
    :return: The area.
    """
    return width * height
'''
    )


def test_a_docstring_opening_with_a_google_section_is_read_not_duplicated() -> None:
    source = '''\
def area(width, height):
    """
    Args:
        width: The width.
    """
'''
    assert (
        fix_one(source, "area")
        == '''\
def area(width, height):
    """
    Run area.

    Args:
        width: The width.
        height: The height.
    """
'''
    )


@pytest.mark.parametrize(
    ("source", "style"),
    [
        (
            '''\
def area(width, height):
    """Area.

    Args:
        width: The width.
        height
    """
''',
            "google",
        ),
        (
            '''\
def area(width, height):
    """Area.

    Parameters
    ----------
    width, height : int
        The sides.
    """
''',
            "numpy",
        ),
    ],
    ids=["google", "numpy"],
)
def test_an_unreadable_section_is_refused_rather_than_duplicated(source: str, style: str) -> None:
    with pytest.raises(EditRefused, match="can read"):
        edit_of(source, "area", style)


def test_a_single_quoted_docstring_becomes_triple_quoted() -> None:
    source = "def scale(value):\n    'Scale it.'\n    return value\n"
    assert (
        fix_one(source, "scale")
        == '''\
def scale(value):
    """Scale it.

    Args:
        value: The value.

    Returns:
        The scale.
    """
    return value
'''
    )


def test_a_whole_file_fix_leaves_summary_only_docstrings_alone() -> None:
    # Like pydoclint: a docstring without sections is a choice, not a finding to fix.
    source = '''\
"""Module."""


def scale(value):
    """Scale a value."""
    return value


def grow(value):
    """Grow.

    Args:
        other: Gone.
    """
    return value
'''
    config = DocsConfig(DocsSettings(style="google", infer_types=False))
    result = fix_source(config, source, None)
    assert result.refused == []
    assert result.source == source.replace(
        "        other: Gone.\n", "        value: The value.\n\n    Returns:\n        The grow.\n"
    )


def test_crlf_google_docstring_is_updated_in_its_own_style() -> None:
    source = (
        "def area(width, height):\r\n"
        '    """Area.\r\n\r\n'
        "    Args:\r\n"
        "        width: The width.\r\n"
        '    """\r\n'
    )
    expected = source.replace(
        "        width: The width.\r\n",
        "        width: The width.\r\n        height: The height.\r\n",
    )
    for style in ("numpy", "sphinx", "epytext"):
        assert fix_one(source, "area", style) == expected


def test_a_sphinx_docstring_left_with_only_yields_stays_sphinx() -> None:
    source = '''\
def rows():
    """Rows.

    :param old: Gone.
    """
    yield 1
'''
    once = fix_one(source, "rows", "numpy")
    assert once == source.replace(":param old: Gone.", ":yields: The rows.")
    assert edit_of(once, "rows", "numpy") is None
