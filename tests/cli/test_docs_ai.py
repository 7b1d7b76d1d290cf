"""`devfocus docs fix --ai`: real processes on real files, the words from a local server that
speaks Anthropic's Messages API through the real SDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.aiservers import AnthropicServer, Request
from tests.cli.test_cli import devfocus

KEY = "sk-ant-test-docs-cli-77"
SOURCE = '''"""Shop."""


def total(items: list[int]) -> int:
    return sum(items)


def double(x: int) -> int:
    return 2 * x
'''
FIXED = '''"""Shop."""


def total(items: list[int]) -> int:
    """Add up the prices.

    Args:
        items (list[int]): Prices in cents.

    Returns:
        int: The sum in cents.
    """
    return sum(items)


def double(x: int) -> int:
    """Return the double.

    Args:
        x (int): The x.

    Returns:
        int: The double.
    """
    return 2 * x
'''


def answer(request: Request) -> dict[str, Any]:
    if "def total" in request.user:
        return {
            "summary": "Add up the prices.",
            "description": "",
            "params": {"items": "Prices in cents.", "discount": "Invented."},
            "returns": "The sum in cents.",
        }
    return {"summary": "import os", "params": {"x": "x = 2"}, "returns": "return 2 * x"}


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[AnthropicServer]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    with AnthropicServer() as server:
        server.answer_with(answer)
        yield server


def fix_with_ai(tmp_path: Path, model: AnthropicServer, *paths: Path) -> Any:
    flags = ["--ai", "--ai-provider", "anthropic", "--ai-base-url", model.url, "--no-infer"]
    return devfocus(tmp_path / "data", "docs", "fix", *flags, *map(str, paths))


def test_docs_fix_with_ai(tmp_path: Path, model: AnthropicServer) -> None:
    shop = tmp_path / "shop.py"
    shop.write_text(SOURCE)
    kept = tmp_path / "secrets" / "keys.py"  # devfocus.ai.exclude: **/secrets/**
    kept.parent.mkdir()
    kept.write_text(SOURCE)

    done = fix_with_ai(tmp_path, model, shop, kept)
    assert done.returncode == 0, done.stderr
    assert shop.read_text() == FIXED
    assert kept.read_text() == SOURCE  # nothing of it was sent, nothing written
    assert model.count == 2
    assert not any("secrets" in r.user or "Shop." not in r.user for r in model.requests)
    err = done.stderr
    assert f"{shop}: `double`: the model's reply had no usable text" in err
    assert f"{kept}: not sent: keys.py matches devfocus.ai.exclude" in err
    assert err.splitlines()[-1] == (
        "2 docstrings changed in 1 file. Words: 1 from the model, 0 from the cache, "
        "1 from the template (1 because the model's answer could not be used; see above); "
        "1 file not sent (devfocus.ai.exclude)."
    )
    assert KEY not in done.stdout + err

    # Again on the same code: the answers kept, the model asked nothing new.
    shop.write_text(SOURCE)
    again = fix_with_ai(tmp_path, model, shop)
    assert again.returncode == 0, again.stderr
    assert shop.read_text() == FIXED
    assert model.count == 2
    assert "Words: 1 from the model" not in again.stderr
    assert "1 from the cache" in again.stderr.splitlines()[-1]
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").glob("devfocus.db*"))
    assert stored and KEY.encode() not in stored


def test_docs_fix_with_ai_needs_a_provider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEVFOCUS_AI_PROVIDER", raising=False)
    shop = tmp_path / "shop.py"
    shop.write_text(SOURCE)
    done = devfocus(tmp_path / "data", "docs", "fix", "--ai", str(shop))
    assert done.returncode == 2
    assert "--ai needs an AI provider" in done.stderr
    assert shop.read_text() == SOURCE
