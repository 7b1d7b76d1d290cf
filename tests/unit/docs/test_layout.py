"""Edits that match the file: minimal text changes, the file's indentation, line endings, quotes
and line length, on every shape a definition can take; nothing on a file that does not parse."""

from __future__ import annotations

import itertools

import pytest

from devfocus.app.docstrings import DocsConfig, check_source, fix_source
from devfocus.config import DocsSettings
from devfocus.docs.edits import EditRefused, TextEdit, apply_edits, docstring_edit, module_edits
from devfocus.docs.facts import Position, Span, analyze
from tests.unit.docs.support import edit_of, fix, fix_one, options


def test_an_insertion_is_a_minimal_edit() -> None:
    source = "def double(value: int) -> int:\n    return value * 2\n"
    edit = edit_of(source, "double")
    assert edit == TextEdit(
        Span(Position(1, 4), Position(1, 4)),
        '"""Return the double.\n\n'
        "    Args:\n"
        "        value (int): The value.\n\n"
        "    Returns:\n"
        "        int: The double.\n"
        '    """\n'
        "    ",
    )


def test_an_update_replaces_only_what_changed() -> None:
    source = '''\
def area(width, height):
    """Return the area.

    Args:
        width: The width.

    Returns:
        The area.
    """
    return width * height
'''
    edit = edit_of(source, "area")
    assert edit == TextEdit(Span(Position(5, 0), Position(5, 0)), "        height: The height.\n")
    assert apply_edits(analyze(source).lines, [edit]) == source.replace(
        "The width.\n", "The width.\n        height: The height.\n"
    )


def test_a_removal_deletes_only_the_stale_entry() -> None:
    source = '''\
def area(width):
    """Return the area.

    Args:
        width: The width.
        height: The height.
    """
'''
    edit = edit_of(source, "area")
    # The shortest change: the tail of one line and the head of the next.
    assert edit == TextEdit(Span(Position(5, 4), Position(6, 4)), "")
    assert apply_edits(analyze(source).lines, [edit]) == source.replace(
        "        height: The height.\n", ""
    )


def test_tabs() -> None:
    source = (
        '"""Shapes."""\n\n\nclass Square:\n\t"""Square."""\n\n'
        "\tdef area(self, side: int) -> int:\n"
        "\t\tif side:\n\t\t\treturn side * side\n\t\treturn 0\n"
    )
    assert fix(source) == (
        '"""Shapes."""\n\n\nclass Square:\n\t"""Square."""\n\n'
        "\tdef area(self, side: int) -> int:\n"
        '\t\t"""Return the area.\n\n'
        "\t\tArgs:\n"
        "\t\t\tside (int): The side.\n\n"
        "\t\tReturns:\n"
        "\t\t\tint: The area.\n"
        '\t\t"""\n'
        "\t\tif side:\n\t\t\treturn side * side\n\t\treturn 0\n"
    )


@pytest.mark.parametrize("style", ["google", "numpy", "sphinx", "epytext"])
def test_tabs_in_every_style(style: str) -> None:
    source = "class Square:\n\tdef area(self, side: int) -> int:\n\t\treturn side * side\n"
    out = fix(source, style)
    body = out.split("-> int:\n", 1)[1]
    assert body.startswith('\t\t"""Return the area.\n\n')
    assert all(not line.startswith(" ") for line in body.splitlines())


def test_two_space_indentation() -> None:
    source = "class Square:\n  def area(self, side):\n    return side * side\n"
    assert fix_one(source, "Square.area") == (
        "class Square:\n  def area(self, side):\n"
        '    """Return the area.\n\n'
        "    Args:\n"
        "      side: The side.\n\n"
        "    Returns:\n"
        "      The area.\n"
        '    """\n'
        "    return side * side\n"
    )


def test_crlf() -> None:
    source = '"""Shapes."""\r\n\r\n\r\ndef area(side: int) -> int:\r\n    return side\r\n'
    assert fix(source) == (
        '"""Shapes."""\r\n\r\n\r\ndef area(side: int) -> int:\r\n'
        '    """Return the area.\r\n\r\n'
        "    Args:\r\n"
        "        side (int): The side.\r\n\r\n"
        "    Returns:\r\n"
        "        int: The area.\r\n"
        '    """\r\n'
        "    return side\r\n"
    )


def test_crlf_update() -> None:
    source = (
        "def area(width, height):\r\n"
        '    """Return the area.\r\n\r\n'
        "    Args:\r\n"
        "        width: The width.\r\n"
        '    """\r\n'
        "    return width * height\r\n"
    )
    assert fix_one(source, "area") == (
        "def area(width, height):\r\n"
        '    """Return the area.\r\n\r\n'
        "    Args:\r\n"
        "        width: The width.\r\n"
        "        height: The height.\r\n\r\n"
        "    Returns:\r\n"
        "        The area.\r\n"
        '    """\r\n'
        "    return width * height\r\n"
    )


def test_single_quote_files_stay_single_quoted() -> None:
    source = "'''Shapes.'''\n\n\ndef area(side):\n    return side\n\n\nclass Square:\n    pass\n"
    assert fix(source) == (
        "'''Shapes.'''\n\n\ndef area(side):\n"
        "    '''Return the area.\n\n"
        "    Args:\n"
        "        side: The side.\n\n"
        "    Returns:\n"
        "        The area.\n"
        "    '''\n"
        "    return side\n\n\n"
        "class Square:\n"
        "    '''Square.'''\n\n"
        "    pass\n"
    )


def test_an_existing_docstring_keeps_its_quotes_and_prefix() -> None:
    source = (
        '"""Module."""\n\n\n'
        "def match(pattern):\n"
        "    r'''Match \\d+.\n\n"
        "    Args:\n"
        "        other: Gone.\n"
        "    '''\n"
    )
    assert fix(source) == source.replace("other: Gone.", "pattern: The pattern.")


GOOGLE_WIDE = """\
def summarize_financial_statements(
    revenue_by_region_and_product_line: dict[str, float],
    include_discontinued_operations: bool = False,
) -> dict[str, float]:
    return {}
"""


def test_google_wraps_to_the_line_length_without_breaking_a_name_or_type() -> None:
    assert fix_one(GOOGLE_WIDE, "summarize_financial_statements", width=64) == (
        GOOGLE_WIDE.replace(
            ") -> dict[str, float]:\n",
            ''') -> dict[str, float]:
    """Summarize financial statements.

    Args:
        revenue_by_region_and_product_line (dict[str, float]): The
            revenue by region and product line.
        include_discontinued_operations (bool): The include
            discontinued operations. Defaults to False.

    Returns:
        dict[str, float]: The financial statements.
    """
''',
        )
    )


def test_the_default_width_keeps_entries_on_one_line() -> None:
    out = fix_one(GOOGLE_WIDE, "summarize_financial_statements")
    assert (
        "        revenue_by_region_and_product_line (dict[str, float]): The revenue by region and\n"
        "            product line.\n"
    ) in out
    assert max(len(line) for line in out.splitlines()) <= 88 + len("    ")


def test_numpy_wraps_descriptions() -> None:
    out = fix_one(GOOGLE_WIDE, "summarize_financial_statements", "numpy", width=48)
    assert (
        """\
    revenue_by_region_and_product_line : dict[str, float]
        The revenue by region and product line.
    include_discontinued_operations : bool
        The include discontinued operations.
        Defaults to False.
"""
        in out
    )


def test_sphinx_wraps_without_breaking_a_field_name() -> None:
    out = fix_one(GOOGLE_WIDE, "summarize_financial_statements", "sphinx", width=50)
    assert (
        """\
    :param revenue_by_region_and_product_line: The
        revenue by region and product line.
    :type revenue_by_region_and_product_line: dict[str, float]
    :param include_discontinued_operations: The
        include discontinued operations. Defaults
        to False.
"""
        in out
    )


def test_deeper_indentation_leaves_less_room() -> None:
    source = (
        "class Outer:\n"
        "    class Inner:\n"
        "        def method(self, some_rather_long_parameter_name_here: int = 12345):\n"
        "            pass\n"
    )
    out = fix_one(source, "Outer.Inner.method", width=72)
    assert out.endswith(
        "            Args:\n"
        "                some_rather_long_parameter_name_here (int): The some\n"
        "                    rather long parameter name here. Defaults to 12345.\n"
        '            """\n'
        "            pass\n"
    )


def test_multi_line_signature_decorators_and_comments() -> None:
    source = """\
@decorator
@other(1)  # why
def compute(
    first_argument: int,
    second: str = "é",  # a comment
) -> int:  # after the colon
    # a comment before the code

    return 1
"""
    assert (
        fix_one(source, "compute")
        == '''\
@decorator
@other(1)  # why
def compute(
    first_argument: int,
    second: str = "é",  # a comment
) -> int:  # after the colon
    """Compute.

    Args:
        first_argument (int): The first argument.
        second (str): The second. Defaults to "é".

    Returns:
        int: The compute.
    """
    # a comment before the code

    return 1
'''
    )


def test_one_line_function_body() -> None:
    assert fix_one("def one(): return 1\n", "one") == (
        'def one():\n    """Return the one.\n\n'
        '    Returns:\n        The one.\n    """\n    return 1\n'
    )


def test_one_line_body_with_a_comment_and_two_statements() -> None:
    source = "def reset(cache): cache.clear(); return None  # done\n"
    assert fix_one(source, "reset") == (
        "def reset(cache):  # done\n"
        '    """Reset.\n\n    Args:\n        cache: The cache.\n    """\n'
        "    cache.clear(); return None\n"
    )


def test_one_line_class_body_gets_a_blank_line_after_the_docstring() -> None:
    assert fix_one("class Empty: pass\n", "Empty") == 'class Empty:\n    """Empty."""\n\n    pass\n'


def test_class_docstring_is_followed_by_a_blank_line() -> None:
    source = "class Empty:\n\n    x = 1\n"
    assert fix_one(source, "Empty") == (
        'class Empty:\n    """Empty.\n\n    Attributes:\n        x: The x.\n    """\n\n    x = 1\n'
    )


def test_no_blank_line_between_a_function_docstring_and_its_code() -> None:
    source = "def stop():\n\n    pass\n"
    assert fix_one(source, "stop") == 'def stop():\n    """Stop."""\n    pass\n'


def test_definitions_under_blocks_and_nested_ones() -> None:
    source = """\
if sys.version_info >= (3, 11):
    def fast(x):
        def helper(y):
            return y
        return helper(x)
else:
    try:
        class Slow:
            pass
    except ImportError:
        pass
"""
    assert (
        fix(source)
        == '''\
"""Module."""

if sys.version_info >= (3, 11):
    def fast(x):
        """Return the fast.

        Args:
            x: The x.

        Returns:
            The fast.
        """
        def helper(y):
            """Return the helper.

            Args:
                y: The y.

            Returns:
                The helper.
            """
            return y
        return helper(x)
else:
    try:
        class Slow:
            """Slow."""

            pass
    except ImportError:
        pass
'''
    )


def test_non_ascii_text_positions_are_string_indices() -> None:
    source = """\
def año_nuevo(año: int, ñandú: str = "ü") -> int:
    '''Calcula el año — «nuevo».

    Args:
        año (str): El año.
        ñandú: Un ave.
    '''
    return año
"""
    edit = edit_of(source, "año_nuevo")
    # "        año (" is 13 characters but 14 UTF-8 bytes: the edit starts at character 13.
    assert edit == TextEdit(
        Span(Position(4, 13), Position(5, 21)),
        "int): El año.\n        ñandú: Un ave.\n\n    Returns:\n        int: The año nuevo",
    )
    assert (
        apply_edits(analyze(source).lines, [edit])
        == """\
def año_nuevo(año: int, ñandú: str = "ü") -> int:
    '''Calcula el año — «nuevo».

    Args:
        año (int): El año.
        ñandú: Un ave.

    Returns:
        int: The año nuevo.
    '''
    return año
"""
    )


def test_non_ascii_names_get_readable_prose() -> None:
    source = "def calcular_año(número_de_días: int) -> int:\n    return 1\n"
    out = fix_one(source, "calcular_año")
    assert '    """Calcular año.\n' in out or '    """Return the calcular año.\n' in out
    assert "        número_de_días (int): The número de días.\n" in out


def test_non_ascii_before_a_docstring_on_the_same_line() -> None:
    source = 'class Ñ: """Ñandú."""; x: int = 1\n'
    facts = analyze(source)
    site = facts.definitions[1].docstring
    assert site is not None
    assert source.splitlines()[0][site.span.start.character : site.span.end.character] == (
        '"""Ñandú."""'
    )


def test_a_syntax_error_gets_no_edit_and_no_crash() -> None:
    source = "def broken(:\n    pass\n\ndef fine(x):\n    return x\n"
    facts = analyze(source)
    assert facts.definitions == []
    assert facts.syntax_error is not None
    assert module_edits(facts, options()) == ([], [])
    good = analyze("def fine(x):\n    return x\n")
    good.syntax_error = facts.syntax_error
    with pytest.raises(EditRefused, match="does not parse"):
        docstring_edit(good, good.definitions[1], options())
    config = DocsConfig(DocsSettings(style="google", infer_types=False))
    assert check_source(config, source, None)[1] == []
    result = fix_source(config, source, None)
    assert result.source == source
    assert result.edits == []
    assert result.refused and "syntax error" in result.refused[0][1]


@pytest.mark.parametrize("source", ["x = (\n", "def f():\nreturn 1\n", "\x00", "f(**)"])
def test_unparsable_sources_have_no_definitions(source: str) -> None:
    facts = analyze(source)
    assert facts.definitions == []
    assert facts.syntax_error is not None


def test_a_module_docstring_keeps_the_shebang_and_encoding_lines_first() -> None:
    source = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport os\n"
    facts = analyze(source, "tool")
    edit = docstring_edit(facts, facts.definitions[0], options())
    assert edit == TextEdit(Span(Position(2, 0), Position(2, 0)), '"""Tool."""\n\n')


def test_a_file_without_a_final_newline() -> None:
    source = "def f(x):\n    return x"
    assert fix(source) == (
        '"""Module."""\n\n\n'
        'def f(x):\n    """Return the f.\n\n    Args:\n        x: The x.\n\n'
        '    Returns:\n        The f.\n    """\n    return x'
    )


def test_edits_of_a_whole_file_do_not_overlap() -> None:
    source = """\
class A:
    def a(self, x):
        return x

    class B:
        def b(self):
            pass
"""
    facts = analyze(source)
    edits, refused = module_edits(facts, options())
    assert refused == []
    spans = sorted((e.span.start.line, e.span.start.character, e.span.end.line) for e in edits)
    assert len(spans) == 5
    for (_, _, end), (next_line, _, _) in itertools.pairwise(spans):
        assert end <= next_line
