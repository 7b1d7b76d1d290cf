"""``devfocus doctor`` reports the AI provider: off (and nothing sent), or configured, where its
key is looked for (never the key), and whether it answers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.aiservers import AnthropicServer, OpenAIServer

KEY = "sk-ant-doctor-test-2c9d"


def doctor(tmp_path: Path, *args: str, **env: str) -> tuple[dict[str, Any], str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEVFOCUS_AI_", "ANTHROPIC_", "OPENAI_"))
    }
    environment.update(DEVFOCUS_DATA_DIR=str(tmp_path / "data"), **env)
    done = subprocess.run(
        [sys.executable, "-m", "devfocus", "doctor", "--format", "json", *args, str(tmp_path)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)["ai"], done.stdout + done.stderr


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_without_a_provider_ai_is_off(tmp_path: Path) -> None:
    ai, _ = doctor(tmp_path)
    assert ai == {"provider": "none", "state": "off", "problems": []}


def test_a_configured_provider_that_answers_is_reachable(tmp_path: Path) -> None:
    with AnthropicServer() as model:
        ai, printed = doctor(
            tmp_path,
            "--ai-provider",
            "anthropic",
            "--ai-base-url",
            model.url,
            ANTHROPIC_API_KEY=KEY,
        )
        [asked] = model.requests
    assert asked.method == "GET" and asked.api_key == KEY  # a model listing, nothing else
    assert ai["reachable"] is True and ai["state"] == "ready" and ai["problems"] == []
    assert ai["model"] == "claude-haiku-4-5" and ai["key"] == "$ANTHROPIC_API_KEY is set"
    assert ai["sdk"].startswith("anthropic ")
    assert KEY not in printed


def test_the_environment_configures_the_command_line_too(tmp_path: Path) -> None:
    with OpenAIServer() as model:
        ai, _ = doctor(
            tmp_path,
            DEVFOCUS_AI_PROVIDER="openai-compatible",
            DEVFOCUS_AI_MODEL="llama3.2:latest",
            DEVFOCUS_AI_BASE_URL=model.url,
        )
    assert ai["provider"] == "openai-compatible" and ai["model"] == "llama3.2:latest"
    assert ai["reachable"] is True and ai["key"] == "none needed"


def test_a_provider_that_does_not_answer_is_reported_with_the_reason(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    ai, printed = doctor(
        tmp_path, "--ai-provider", "anthropic", "--ai-base-url", url, ANTHROPIC_API_KEY=KEY
    )
    assert ai["reachable"] is False and ai["state"] != "ready"
    assert ai["problems"] and ai["lastError"]
    assert KEY not in printed


def test_a_missing_key_is_named_not_shown(tmp_path: Path) -> None:
    with AnthropicServer() as model:
        ai, _ = doctor(tmp_path, "--ai-provider", "anthropic", "--ai-base-url", model.url)
        assert model.count == 0 and not model.requests  # nothing sent without a key
    assert ai["key"] == "$ANTHROPIC_API_KEY is not set" and ai["state"] == "unconfigured"
    assert any("ANTHROPIC_API_KEY" in problem for problem in ai["problems"])
