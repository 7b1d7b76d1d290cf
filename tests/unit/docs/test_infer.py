"""Return types of unannotated functions, inferred by jedi for the Returns section."""

from __future__ import annotations

import pytest

from devfocus.docs.facts import analyze
from devfocus.docs.infer import ReturnInference
from tests.unit.docs.support import fix

SOURCE = '''\
"""Shop."""


def count_items(items):
    return len(items)


def label(flag):
    if flag > 1:
        return 2.0
    if flag:
        return "yes"
    return 3


def maybe_name(flag):
    if flag:
        return "name"
    return None


def nothing():
    return None


def annotated() -> bytes:
    return b""
'''


@pytest.fixture(scope="module")
def inferred() -> dict[str, str | None]:
    facts = analyze(SOURCE)
    infer = ReturnInference(SOURCE, None, budget_seconds=60.0)
    try:
        return {d.qualname: infer(d) for d in facts.definitions if d.kind == "function"}
    finally:
        infer.close()


def test_jedi_infers_a_single_type(inferred: dict[str, str | None]) -> None:
    assert inferred["count_items"] == "int"


def test_several_types_are_sorted_so_every_run_writes_the_same(
    inferred: dict[str, str | None],
) -> None:
    # jedi hands them over in set order, which changes with the hash seed.
    assert inferred["label"] == "float | int | str"


def test_none_goes_last(inferred: dict[str, str | None]) -> None:
    assert inferred["maybe_name"] == "str | None"


def test_only_none_is_no_answer(inferred: dict[str, str | None]) -> None:
    assert inferred["nothing"] is None


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("google", "    Returns:\n        int: The items.\n"),
        ("numpy", "    Returns\n    -------\n    int\n        The items.\n"),
        ("sphinx", "    :returns: The items.\n    :rtype: int\n"),
        ("epytext", "    @return: The items.\n    @rtype: int\n"),
    ],
)
def test_an_inferred_type_in_every_style(style: str, expected: str) -> None:
    infer = ReturnInference(SOURCE, None, budget_seconds=60.0)
    try:
        out = fix(SOURCE, style, infer_return=infer)
    finally:
        infer.close()
    count_items = out.split("def count_items(items):\n", 1)[1].split("\n\n\n", 1)[0]
    assert expected in count_items
    assert "    return len(items)" in count_items
    # An annotation wins; a function returning nothing has no Returns section.
    assert "bytes" in out.split("def annotated()", 1)[1]
    nothing = out.split("def nothing():\n", 1)[1].split("\n\n\n", 1)[0]
    assert nothing == '    """Run nothing."""\n    return None'


def test_without_inference_the_returns_section_has_no_type() -> None:
    out = fix(SOURCE, "google")
    assert (
        '    """Count items.\n\n    Args:\n        items: The items.\n\n'
        '    Returns:\n        The items.\n    """\n' in out
    )


def test_a_failing_hook_is_a_missing_type_not_a_crash() -> None:
    infer = ReturnInference("def broken(:\n    return 1\n", None, budget_seconds=5.0)
    try:
        facts = analyze("def broken():\n    return 1\n")
        assert infer(facts.definitions[1]) is None
    finally:
        infer.close()


def test_the_budget_bounds_the_waiting() -> None:
    infer = ReturnInference(SOURCE, None, budget_seconds=0.0)
    try:
        assert infer(analyze(SOURCE).by_qualname("count_items")) is None  # type: ignore[arg-type]
    finally:
        infer.close()
