"""AI docstrings in a real VS Code (code-server, headless Chromium), with the packaged extension and
a local server speaking Anthropic's Messages API: the key is typed into **Set AI API Key**, kept
in VS Code's secret storage and handed to a restarted DevFocus server in its environment; the
quick fix "Generate docstring with AI" writes the model's prose into the structure the engine
chose, and the saved file holds it. The key reaches the provider (in the header the SDK sends it
in) and nowhere else: not the settings, the output channel, the LSP trace, the logs or the database.
**Clear AI API Key** takes it away again.

Each step leaves a screenshot in ``.test-artifacts/vscode/test_vscode_ai/``, beside the window's
logs (``logs/``) that the last step searches for the key.
"""

from __future__ import annotations

import ast
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.aiservers import AnthropicServer, Request
from tests.editors.vscode import (
    STATUS_ITEM,
    Steps,
    VSCodeInstall,
    go_to_line,
    new_server,
    open_file,
    palette,
    server_environment,
    server_pids,
    tooltip,
    vscode_window,
    wait_for,
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="code-server runs on Linux here")

APP = '''"""Checkout arithmetic."""


def total(prices, discount=0.0):
    return sum(prices) * (1 - discount)
'''
# Looks like a real one, and is unique: any copy of it in a file is a leak.
KEY = "sk-ant-api03-e2eVSCodeKey7f3c9d2b1a8e4f6071c5d3b2a9e8f7d6c5b4a3-QZ"
KEY_VARIABLES = ("ANTHROPIC_API_KEY", "OPENAI_API_KEY")
PROSE = {
    "summary": "Add up the basket and take the discount off.",
    "description": "",
    "params": {
        "prices": "What each item in the basket costs.",
        "discount": "The share taken off the sum, from 0 to 1.",
    },
    "returns": "What the customer pays.",
}
AI_ACTION = "Generate docstring with AI for"


def model_prose(request: Request) -> dict[str, Any]:
    """The model's reply: PROSE for exactly the slots the request's schema asks for."""
    schema = request.schema or {}
    answer: dict[str, Any] = {}
    for slot, sub in (schema.get("properties") or {}).items():
        if slot in ("params", "raises", "attributes"):
            texts = PROSE.get(slot, {})
            names = (sub.get("properties") or {}).keys()
            answer[slot] = {name: texts.get(name, f"About {name}.") for name in names}
        else:
            answer[slot] = PROSE.get(slot, "")
    return answer


@pytest.fixture
def provider() -> Iterator[AnthropicServer]:
    with AnthropicServer() as server:
        server.answer_with(model_prose)
        yield server


def apply_quick_fix(page: Any, title: str) -> None:
    """Opens the quick fixes on the current line and applies the one titled ``title``."""
    palette(page, "Quick Fix...")
    menu = page.locator(".action-widget .monaco-list-row", has_text=title)
    menu.first.wait_for()
    # Pick it with the keyboard: while the menu opens, an overlay takes the pointer's clicks.
    focused = page.locator(".action-widget .monaco-list-row.focused")
    for _ in range(10):
        if title in (focused.get_attribute("aria-label") or ""):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def files_holding(needle: str, *roots: Path) -> list[Path]:
    """Every file under ``roots`` whose bytes contain ``needle``."""
    found = []
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file() and needle.encode() in path.read_bytes():
                found.append(path)
    return found


def test_a_key_set_in_the_palette_writes_a_docstring_with_ai(
    browser: Any,
    vscode_install: VSCodeInstall,
    vscode_artifacts: Path,
    tmp_path: Path,
    provider: AnthropicServer,
) -> None:
    workspace = tmp_path / "shop"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)
    data = tmp_path / "data"
    # No key from this machine's environment: the one typed in the palette is the only one.
    inherited = {k: v for k, v in os.environ.items() if k not in KEY_VARIABLES}
    env = {**inherited, "DEVFOCUS_DATA_DIR": str(data), "HOME": str(tmp_path)}
    settings = {
        "devfocus.ai.provider": "anthropic",
        # A machine setting: code-server takes it from the user settings.
        "devfocus.ai.baseUrl": provider.url,
        "devfocus.docs.style": "google",
        "devfocus.git.enabled": False,
        # Every LSP message in the output channel: the key must not be in any of them.
        "devfocus.trace.server": "verbose",
    }
    steps = Steps(vscode_artifacts)
    step = steps.step
    with vscode_window(
        browser, vscode_install, workspace, tmp_path, env, steps, settings=settings
    ) as page:
        with step("without a key, the tooltip says AI is not set up"):
            page.locator(STATUS_ITEM).wait_for()
            (first,) = wait_for(lambda: server_pids(data), "no DevFocus server started", 60)
            assert not set(KEY_VARIABLES) & set(server_environment(first))
            shown = wait_for(
                lambda: "AI: anthropic" in (text := tooltip(page)) and text,
                "the tooltip never showed the AI provider",
                30,
            )
            assert "not set up: no API key" in shown and "Set AI API Key" in shown

        with step("run Set AI API Key and type the key"):
            palette(page, "DevFocus: Set AI API Key")
            box = page.locator('.quick-input-widget input[type="password"]')
            box.wait_for()
            assert "Anthropic API key" in page.locator(".quick-input-widget").inner_text()
            page.keyboard.type(KEY)
            page.keyboard.press("Enter")
        with step("the server starts again with the key in its environment"):
            second = new_server(data, first)
            assert server_environment(second)["ANTHROPIC_API_KEY"] == KEY
            page.locator(".notification-toast", has_text="the server uses it").first.wait_for()
        with step("the tooltip says AI is ready"):
            shown = wait_for(
                lambda: "— ready" in (text := tooltip(page)) and text,
                lambda: f"the tooltip never said AI is ready: {tooltip(page)!r}",
                30,
            )
            assert "AI: anthropic (claude-haiku-4-5)" in shown

        with step("apply Generate docstring with AI on def total"):
            open_file(page, "app.py")
            go_to_line(page, 4)  # def total(...)
            apply_quick_fix(page, AI_ACTION)
            page.locator(".monaco-editor .view-line", has_text=PROSE["summary"]).first.wait_for()
        with step("save: the file on disk holds the model's prose in the engine's structure"):
            page.keyboard.press("Control+S")
            source = wait_for(
                lambda: PROSE["summary"] in (text := (workspace / "app.py").read_text()) and text,
                "the AI docstring did not reach the file on disk",
                20,
            )
            module = ast.parse(source)
            function = module.body[1]
            assert isinstance(function, ast.FunctionDef) and function.name == "total"
            # Google style, as set: the engine's sections, the model's words in each slot.
            assert ast.get_docstring(function) == (
                f"{PROSE['summary']}\n"
                "\n"
                "Args:\n"
                f"    prices: {PROSE['params']['prices']}\n"
                f"    discount: {PROSE['params']['discount']}\n"
                "\n"
                "Returns:\n"
                f"    {PROSE['returns']}"
            )
            # Only the docstring changed: the code is the code that was there.
            original = ast.parse(APP).body[1]
            assert isinstance(original, ast.FunctionDef)
            assert ast.dump(function.body[1]) == ast.dump(original.body[0])
        with step("the provider got the key from the secret storage in its request header"):
            asked = [r for r in provider.requests if r.method == "POST"]
            assert asked, "the local Anthropic server got no request"
            # The SDK's own header: x-api-key, or Authorization: Bearer in its newer releases.
            assert [r.api_key == KEY for r in asked] == [True] * len(asked)
            assert "total" in asked[-1].user

        with step("Clear AI API Key: the server starts again without it"):
            palette(page, "DevFocus: Clear AI API Key")
            third = new_server(data, second)
            assert not set(KEY_VARIABLES) & set(server_environment(third))
            wait_for(
                lambda: "not set up" in tooltip(page),
                "the tooltip did not say AI is not set up after the key was cleared",
                30,
            )

    with step("the key is in no settings, log, trace or database file"):
        user_data = tmp_path / "user-data"
        logs = vscode_artifacts / "logs"
        shutil.rmtree(logs, ignore_errors=True)
        shutil.copytree(user_data / "logs", logs)
        output = [p for p in logs.rglob("*.log") if "DevFocus" in p.name]
        assert output, f"no DevFocus output channel log under {logs}"
        text = "\n".join(p.read_text(errors="replace") for p in output)
        assert "ANTHROPIC_API_KEY" in text  # it says where the key went...
        assert "[Trace" in text or "Sending request" in text  # ...and the trace was on
        leaks = files_holding(KEY, logs, user_data / "User", data, tmp_path / "code-server.log")
        assert not leaks, f"the key is in {leaks}"
