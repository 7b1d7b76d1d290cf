"""Finding the JSON object in a model's text reply."""

from __future__ import annotations

import pytest

from devfocus.ai.replyjson import (
    FENCED,
    SURROUNDED,
    TRAILING_COMMAS,
    NoObject,
    extract_object,
    remove_trailing_commas,
)


def test_a_reply_that_is_the_object_needs_nothing() -> None:
    found = extract_object('  {"summary": "Adds two numbers.", "tags": ["math"]}\n')
    assert found.data == {"summary": "Adds two numbers.", "tags": ["math"]}
    assert found.notes == ()


def test_the_object_in_a_code_fence_is_found_and_said_so() -> None:
    text = 'Here you go:\n```json\n{"summary": "Adds."}\n```\nAnything else?'
    found = extract_object(text)
    assert found.data == {"summary": "Adds."}
    assert found.notes == (FENCED,)


def test_a_fence_without_a_language_counts_and_a_python_fence_is_not_the_answer() -> None:
    assert extract_object('```\n{"a": 1}\n```').data == {"a": 1}
    found = extract_object('```python\nprint("no")\n```\nThe answer: {"a": 1}')
    assert found.data == {"a": 1}
    assert found.notes == (SURROUNDED,)


def test_the_object_inside_prose_is_found() -> None:
    found = extract_object('Sure! The answer is {"summary": "Adds {x}."} and that is all.')
    assert found.data == {"summary": "Adds {x}."}
    assert found.notes == (SURROUNDED,)


def test_a_brace_before_the_object_is_skipped() -> None:
    found = extract_object('Use {curly} braces like this: {"summary": "ok"}')
    assert found.data == {"summary": "ok"}


def test_trailing_commas_are_removed_only_when_needed_and_named() -> None:
    found = extract_object('{"params": {"a": "x",}, "raises": ["ValueError",],}')
    assert found.data == {"params": {"a": "x"}, "raises": ["ValueError"]}
    assert found.notes == (TRAILING_COMMAS,)
    fenced = extract_object('```json\n{"a": 1,\n}\n```')
    assert fenced.notes == (FENCED, TRAILING_COMMAS)
    assert extract_object('Here: {"a": [1, 2,],} done').notes == (SURROUNDED, TRAILING_COMMAS)


def test_commas_inside_strings_are_left_alone() -> None:
    assert remove_trailing_commas('{"a": "x,}", "b": "y\\",]",}') == '{"a": "x,}", "b": "y\\",]"}'


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("I cannot help with that.", "text, not JSON"),
        ('["a", "b"]', "no complete JSON object"),
        ('{"summary": "cut off', "no complete JSON object"),
        ("{'summary': 'single quotes'}", "no complete JSON object"),
        ('{summary: "unquoted"}', "no complete JSON object"),
        ("42", "text, not JSON"),
    ],
)
def test_anything_else_is_no_object(text: str, why: str) -> None:
    with pytest.raises(NoObject, match=why):
        extract_object(text)


def test_the_message_never_holds_the_text() -> None:
    with pytest.raises(NoObject) as caught:
        extract_object("secret-token-123 is not json")
    assert "secret-token-123" not in str(caught.value)
