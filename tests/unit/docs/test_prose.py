"""Words from names: readable, never empty, in any script."""

from __future__ import annotations

import pytest

from devfocus.docs.prose import sentence, words


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("compute_total_price", ["compute", "total", "price"]),
        ("compute_totalPrice", ["compute", "total", "price"]),
        ("HTTPServer", ["HTTP", "server"]),
        ("parseXMLFile", ["parse", "XML", "file"]),
        ("getHTTP2Response", ["get", "HTTP", "2", "response"]),
        ("utf8_decode", ["utf", "8", "decode"]),
        ("__init__", ["init"]),
        ("_", []),
        # Non-ASCII letters are letters: not dropped, not word breaks.
        ("año", ["año"]),
        ("calcularAño", ["calcular", "año"]),
        ("ÉtatCivil", ["état", "civil"]),
        ("número_de_días", ["número", "de", "días"]),
        ("数据_load", ["数据", "load"]),
    ],
)
def test_words(name: str, expected: list[str]) -> None:
    assert words(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("the total", "The total."), ("Done.", "Done."), ("why?", "Why?"), ("", "")],
)
def test_sentence(text: str, expected: str) -> None:
    assert sentence(text) == expected
