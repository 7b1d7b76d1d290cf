"""A module's AI docstring edits: each definition gets the words asked for it, even when two
definitions share a qualified name."""

from __future__ import annotations

from devfocus.ai.exchange import Answer
from devfocus.app.aidocs import edits, plan
from devfocus.config import AISettings
from devfocus.docs.content import Options
from devfocus.docs.edits import apply_edits, same_code
from devfocus.docs.facts import analyze
from devfocus.docs.styles import STYLES

SOURCE = """\
from functools import singledispatch


@singledispatch
def describe(value):
    return str(value)


@describe.register
def _(value: int) -> str:
    return f"{value:,}"


@describe.register
def _(value: float) -> str:
    return f"{value:.2f}"
"""


def test_definitions_sharing_a_name_each_get_their_own_words() -> None:
    facts = analyze(SOURCE, "describe")
    planned = plan(
        facts,
        Options(style=STYLES["google"]),
        {"describe", "_"},
        AISettings(provider="anthropic"),
        "/project/describe.py",
        "anthropic",
        "claude-haiku-4-5",
    )
    # The two registrations are two questions, told apart by their signatures.
    underscores = [r for r in planned.requests if r.definition.qualname == "_"]
    assert len(underscores) == 2 and underscores[0].identity != underscores[1].identity
    replies = {}
    for request in planned.requests:
        annotation = request.definition.params[0].annotation or "any"
        data = {
            "summary": f"Describe a value of type {annotation} in words.",
            "params": {"value": f"The {annotation} to describe."},
            "returns": "The description.",
        }
        replies[request.identity] = Answer(data, "anthropic", "claude-haiku-4-5", 100, 0.01)
    result = edits(planned, replies)
    written = apply_edits(facts.lines, result.edits)
    assert same_code(SOURCE, written)
    assert written.index("type int in words") < written.index("type float in words")
    assert "The int to describe." in written and "The float to describe." in written
    assert [o.origin for o in result.outcomes].count("model") == 3
