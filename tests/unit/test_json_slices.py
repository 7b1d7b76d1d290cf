"""Big message bodies are parsed in slices: the result must be json.loads's, whatever the text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygls.lsp.server import LanguageServer

from devfocus.lsp.json_slices import decode_utf8, loads
from devfocus.lsp.transport import _parse

# Characters that stress the slicing: escapes, both halves of surrogate pairs written as escapes,
# lone surrogates, control characters, multi-byte UTF-8.
CHARACTERS = st.sampled_from(
    ["a", "b", " ", '"', "\\", "/", "\n", "\r", "\t", "\x00", "\x1f", "é", "😋", "\ud83d", "\ude0b"]
)
STRINGS = st.lists(CHARACTERS, max_size=40).map("".join)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | STRINGS
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(STRINGS, inner, max_size=6),
    max_leaves=40,
)


@settings(max_examples=500, deadline=None)
@given(
    value=VALUES,
    ensure_ascii=st.booleans(),
    indent=st.sampled_from([None, 0, 2]),
    window=st.integers(1, 40),
    slice_chars=st.integers(1, 16),
)
def test_equals_json_loads(value, ensure_ascii, indent, window, slice_chars) -> None:
    """Tiny windows and slices put every boundary inside strings, escapes and containers."""
    text = json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)
    assert loads(text, window=window, slice_chars=slice_chars) == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from('{}[]":,0123456789.eE+-truefalsn \\u"abc'), max_size=30))
def test_rejects_what_json_loads_rejects(text: str) -> None:
    try:
        expected = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        with pytest.raises(ValueError):
            loads(text, window=4, slice_chars=3)
    else:
        assert loads(text, window=4, slice_chars=3) == expected


def test_a_long_string_is_decoded_whole() -> None:
    text = 'é😋\n"\\' * 100_000
    body = json.dumps({"jsonrpc": "2.0", "params": {"text": text}})
    assert loads(body)["params"]["text"] == text


def test_a_long_array_of_small_objects() -> None:
    changes = [{"range": {"start": {"line": i, "character": 0}}, "text": "a"} for i in range(5000)]
    body = json.dumps({"contentChanges": changes})
    assert loads(body, window=64) == {"contentChanges": changes}


def test_utf8_is_decoded_in_slices() -> None:
    body = ("é😋x" * 1000).encode()
    pieces = [body[i : i + 7] for i in range(0, len(body), 7)]  # cut inside characters
    assert decode_utf8(pieces) == body.decode()
    with pytest.raises(UnicodeDecodeError):
        decode_utf8([b"ab\xff", b"cd"])
    with pytest.raises(UnicodeDecodeError):
        decode_utf8([b"ab", b"\xc3"])  # cut short


def change(line: int, text: str) -> dict:
    return {
        "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 1}},
        "text": text,
    }


@pytest.mark.parametrize(
    "message",
    [
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": "file:///a.py", "version": 3},
                "contentChanges": [change(i, "é" * (i % 7)) for i in range(3000)]
                + [{"text": "whole"}],
            },
        },
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": "file:///a.py",
                    "languageId": "python",
                    "version": 1,
                    "text": "x\n" * 50_000,
                }
            },
        },
        {
            "jsonrpc": "2.0",
            "id": 7,
            "method": "workspace/executeCommand",
            "params": {"command": "devfocus.status", "arguments": [["x"] * 5000]},
        },
        [1, 2, 3],
    ],
)
def test_a_big_body_becomes_the_message_pygls_would_make(message) -> None:
    protocol = LanguageServer("test", "0").protocol
    body = json.dumps(message).encode()
    expected = json.loads(body, object_hook=protocol.structure_message)
    pieces = [body[i : i + 1000] for i in range(0, len(body), 1000)]
    parsed = _parse(pieces, protocol)
    if hasattr(expected, "params") and hasattr(expected.params, "content_changes"):
        # A list rather than pygls's tuple: the server empties it once applied.
        assert list(parsed.params.content_changes) == list(expected.params.content_changes)
        parsed.params.content_changes = expected.params.content_changes
    assert parsed == expected
