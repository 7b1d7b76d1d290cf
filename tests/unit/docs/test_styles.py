"""Styles: which one a docstring is written in, and reading then writing one gives it back."""

from __future__ import annotations

import pytest

from devfocus.app.docstrings import DocsConfig
from devfocus.config import DocsSettings
from devfocus.docs.docstring import body_lines
from devfocus.docs.facts import analyze
from devfocus.docs.styles import detect_style, get_style, own_style, style_of

GOOGLE = """\
Summary line.

Free text,
over two lines.

Args:
    name (str): The name, which
        continues here.
    *args (int): More.
    **kwargs: Options.

Returns:
    dict[str, int]: The result, which
    continues flush.

Raises:
    ValueError: If bad.
    errors.Missing: If missing.

Example:
    >>> f()"""

NUMPY = """\
Summary line.

Free text.

Parameters
----------
name : str
    The name, which
    continues here.
*args : int
    More.

Returns
-------
dict[str, int]
    The result.

Raises
------
ValueError
    If bad.

Notes
-----
Keep me."""

SPHINX = """\
Summary line.

Free text.

:param name: The name, which
    continues here.
:type name: str
:param *args: More.
:returns: The result.
:rtype: dict[str, int]
:raises ValueError: If bad.

.. versionadded:: 1.0"""

EPYTEXT = """\
Summary line.

@param name: The name.
@type name: str
@return: The result.
@rtype: dict[str, int]
@raise ValueError: If bad."""

PEP257 = """\
Summary line.

Only prose: Args are not a section here."""

DOCSTRINGS = {
    "google": GOOGLE,
    "numpy": NUMPY,
    "sphinx": SPHINX,
    "epytext": EPYTEXT,
    "pep257": PEP257,
}


@pytest.mark.parametrize("name", DOCSTRINGS)
def test_style_of(name: str) -> None:
    assert style_of(DOCSTRINGS[name]) == (None if name == "pep257" else name)


@pytest.mark.parametrize("name", DOCSTRINGS)
def test_reading_then_writing_gives_the_docstring_back(name: str) -> None:
    style = get_style(name)
    lines = DOCSTRINGS[name].split("\n")
    assert style.render(style.parse(lines), "    ", 88) == lines


def test_what_is_read() -> None:
    doc = get_style("google").parse(GOOGLE.split("\n"))
    assert doc.summary == ["Summary line."]
    assert doc.description == ["Free text,", "over two lines."]
    params = doc.section("params")
    assert params is not None
    assert [(e.name, e.key, e.type) for e in params.entries] == [
        ("name", "name", "str"),
        ("*args", "args", "int"),
        ("**kwargs", "kwargs", None),
    ]
    assert params.entries[0].description == ["The name, which", "continues here."]
    raises = doc.section("raises")
    assert raises is not None
    assert [e.name for e in raises.entries] == ["ValueError", "errors.Missing"]
    assert doc.sections[-1].kind == "text"
    assert doc.structured


def test_own_style_falls_back_to_the_default() -> None:
    assert own_style(NUMPY, get_style("google")).name == "numpy"
    assert own_style(PEP257, get_style("sphinx")).name == "sphinx"


def test_detect_style_by_majority() -> None:
    assert detect_style([GOOGLE, NUMPY, NUMPY, PEP257]) == "numpy"
    assert detect_style([PEP257]) is None
    assert detect_style([GOOGLE, SPHINX]) == "google"  # a tie goes to the first style


def test_auto_style_is_the_files_own() -> None:
    source = f'"""Module."""\n\n\ndef f(name):\n    """{SPHINX}\n    """\n'
    facts = analyze(source)
    config = DocsConfig(DocsSettings(style="auto"))
    assert config.style_name(facts, None) == "sphinx"
    assert DocsConfig(DocsSettings(style="numpy")).style_name(facts, None) == "numpy"


def test_body_lines_keep_line_indices() -> None:
    body = "Summary.\n\n        Args:\n            x: X.\n        "
    assert body_lines(body) == ["Summary.", "", "Args:", "    x: X.", ""]
    assert body_lines("Summary.\r\n\r\n    More.\r\n    ") == ["Summary.", "", "More.", ""]
    assert body_lines("\tTabbed.\n\t\tx\n\t") == ["Tabbed.", "x", ""]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("name", ["google", "numpy", "sphinx", "epytext"])
def test_style_of_any_line_ending(name: str, newline: str) -> None:
    assert style_of(DOCSTRINGS[name].replace("\n", newline)) == name


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Rows.\n\n:yields: A row.\n:ytype: int", "sphinx"),
        ("Total.\n\n:vartype total: int", "sphinx"),
        ("Load.\n\n:raise ValueError: If bad.", "sphinx"),
        ("Box.\n\n@ivar size: The size.", "epytext"),
        ("Load.\n\n@raise ValueError: If bad.", "epytext"),
        ("Box.\n\n:class:`Box` is a role, not a field.", None),
    ],
)
def test_every_field_shows_its_style(body: str, name: str | None) -> None:
    assert style_of(body) == name
