"""``devfocus report --narrate`` and ``devfocus standup --narrate``, as a user runs them, against a
local server that speaks OpenAI's Chat Completions API through the real SDK.

Today (UTC): ten minutes of edits in ``app.py`` of ``shop`` ending a minute ago, and a commit of
``ledger.py`` whose subject holds a pasted GitHub token.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.aiservers import OpenAIServer, Request
from tests.lsp.test_status import seed_edits
from tests.repos import git

TOKEN = "ghp_" + "Mm1Nn2Bb3Vv4Cc5Xx6Zz7Ll8Kk9Jj0Hh1Gg2"
SUBJECT = f"Record the ledger, token {TOKEN}"
CODE = "LEDGER_BODY_MARKER = post_entries(journal)\n"
KEY = "sk-openai-test-narrative"


def facts_of(request: Request) -> dict[str, Any]:
    return json.loads(request.user.split("\n", 1)[1])


def model_reply(request: Request) -> dict[str, Any]:
    facts = facts_of(request)
    if "standup" in facts:
        return {
            "summary": "Ledger work.",
            "standup": {
                "yesterday": "I was away.",
                "today": "I recorded the ledger.",
                "blockers": "None.",
            },
        }
    return {
        "sessions": [
            {"id": s["id"], "text": "You recorded the ledger."} for s in facts["sessions"]
        ],
        "summary": "A short day on the ledger.",
    }


@pytest.fixture
def model() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        server.answer_with(model_reply)
        yield server


@pytest.fixture
def shop(make_repo: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path]:
    """The repository and the data directory of the module docstring."""
    now = time.time()
    if now % 86400 < 30 * 60:
        pytest.skip("too close to midnight (UTC) for a session today")
    repo, data_dir = make_repo("shop"), tmp_path / "data"
    git(repo, "config", "user.email", "dev@example.com")  # whose commits are the developer's
    (repo / "ledger.py").write_text(CODE)
    git(repo, "add", "ledger.py")
    moment = datetime.fromtimestamp(now - 5 * 60, timezone.utc).isoformat()
    git(repo, "commit", "-q", "-m", SUBJECT, date=moment)
    seed_edits(data_dir, repo, "main", now - 11 * 60, 10)
    return repo, data_dir


def devfocus(
    data_dir: Path, *args: str, url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEVFOCUS_AI_", "OPENAI_"))}
    env |= {"DEVFOCUS_DATA_DIR": str(data_dir), "TZ": "UTC", "OPENAI_API_KEY": KEY}
    if url is not None:
        args = (*args, "--ai-provider", "openai", "--ai-base-url", url)
    out = subprocess.run(
        [sys.executable, "-m", "devfocus", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 0, out.stderr
    return out


def test_report_narrate_asks_once_then_reads_the_cache(
    shop: tuple[Path, Path], model: OpenAIServer
) -> None:
    repo, data_dir = shop
    first = devfocus(data_dir, "report", str(repo), "--narrate", url=model.url).stdout
    assert "Narrative\n  Written by the model (openai, gpt-5-mini)." in first
    assert "  A short day on the ledger." in first
    assert "      You recorded the ledger." in first
    [sent] = model.requests
    facts = facts_of(sent)
    assert [c["subject"] for c in facts["commits"]] == [
        "Record the ledger, token «redacted:github-token»"
    ]
    assert facts["filesWorkedOn"] == ["shop/app.py"]
    body = json.dumps(sent.body)
    assert TOKEN not in body and "LEDGER_BODY_MARKER" not in body and "post_entries" not in body
    assert sent.headers["authorization"] == f"Bearer {KEY}" and KEY not in body

    again = devfocus(data_dir, "report", str(repo), "--narrate", "--format", "json", url=model.url)
    told = json.loads(again.stdout)["narrative"]
    assert told["source"] == "cache" and told["summary"] == "A short day on the ledger."
    assert model.count == 1  # the model saw no new request

    model.reply({"sessions": [{"id": "s1", "text": "The ledger, once more."}], "summary": "New."})
    fresh = devfocus(data_dir, "report", str(repo), "--renarrate", url=model.url).stdout
    assert model.count == 2
    assert "The ledger, once more." in fresh and "Written by the model" in fresh


def test_without_a_provider_the_report_says_so(shop: tuple[Path, Path]) -> None:
    repo, data_dir = shop
    out = devfocus(data_dir, "report", str(repo), "--narrate", "--format", "markdown").stdout
    assert "## Narrative" in out
    assert "*The engine's own text: no AI provider is configured.*" in out
    assert " of focus on shop @ main" in out


def test_a_failing_model_gives_the_engines_text_and_why(
    shop: tuple[Path, Path], model: OpenAIServer
) -> None:
    repo, data_dir = shop
    model.error(500, message="trouble", times=5)  # past the SDK's retries
    out = devfocus(data_dir, "report", str(repo), "--narrate", "--format", "json", url=model.url)
    data = json.loads(out.stdout)
    told = data["narrative"]
    assert told["source"] == "programmatic"
    assert told["note"].startswith("the model did not answer: ")
    assert " of focus on shop @ main" in told["sessions"][0]["text"]
    plain = json.loads(devfocus(data_dir, "report", str(repo), "--format", "json").stdout)
    assert data["sessions"] == plain["sessions"]  # the figures are the engine's either way
    assert data["focusSeconds"] == plain["focusSeconds"]


def test_standup_narrate(shop: tuple[Path, Path], model: OpenAIServer) -> None:
    repo, data_dir = shop
    out = devfocus(data_dir, "standup", str(repo), "--narrate", url=model.url).stdout
    notes, narrative = out.split("\nNarrative\n")
    assert notes.startswith("Standup")
    assert "  Today: I recorded the ledger." in narrative
    assert "  Blockers: None." in narrative
    facts = facts_of(model.requests[-1])
    assert facts["standup"]["today"]["commits"] == [
        "Record the ledger, token «redacted:github-token»"
    ]
    data = json.loads(
        devfocus(data_dir, "standup", str(repo), "--narrate", "--format", "json").stdout
    )
    assert data["narrative"]["source"] == "programmatic"  # no provider this time
