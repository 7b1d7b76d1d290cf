"""The AI layer as the server runs it, whatever the feature: the provider's state in the live
status (ready, not set up, degraded after repeated failures, with no request sent while paused)
and, while the editor traces verbosely, exactly what is sent in its trace.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types

from tests.aiservers import AnthropicServer
from tests.lsp.conftest import Collected, Session, end_session, server_env, start_session
from tests.lsp.docs_helpers import plain

KEY = "sk-ant-service-test-91c4"
WITH_AI = "devfocus.docs.generateWithAI"
SOURCE = "def total(items: list[int], tax: float) -> int:\n    return round(sum(items) * tax)\n"
GOOD = {
    "summary": "Return the price with tax.",
    "description": "",
    "params": {"items": "Prices.", "tax": "The rate."},
    "returns": "The total.",
}
BREAKER_THRESHOLD = 5  # consecutive provider failures that pause AI (devfocus.ai.limits)


@pytest.fixture
def model() -> Iterator[AnthropicServer]:
    with AnthropicServer() as server:
        server.answer_with(GOOD)
        yield server


@pytest_asyncio.fixture
async def session(repo: Path, data_dir: Path, model: AnthropicServer) -> AsyncIterator[Session]:
    ai = {"provider": "anthropic", "baseUrl": model.url, "maxRetries": 0}
    s = await start_session(
        repo,
        data_dir,
        "visual-studio-code",
        initialization_options={"ai": ai, "docs": {"inferTypes": False}},
        env=server_env(data_dir, ANTHROPIC_API_KEY=KEY),
    )
    yield s
    await end_session(s)


async def generate(s: Session, uri: str) -> Any:
    """Generate the docstring of ``total`` with AI (whatever the model does: the template is
    the fallback); returns the command's result."""
    return plain(await s.command(WITH_AI, {"uri": uri, "version": 1, "qualname": "total"}))


def open_prices(s: Session) -> str:
    """Open prices.py; the editor takes every edit (these tests look at what was asked)."""
    s.client.feature(types.WORKSPACE_APPLY_EDIT)(
        lambda params: types.ApplyWorkspaceEditResult(applied=True)
    )
    (s.repo / "prices.py").write_text(SOURCE)
    return s.open("prices.py", SOURCE)


async def test_the_status_says_which_provider_and_model_answer(session: Session) -> None:
    status = plain(await session.command("devfocus.status"))
    assert status["ai"] == {
        "provider": "anthropic",
        "model": "claude-haiku-4-5",
        "state": "ready",
        "reason": None,
        "message": None,
        "pausedUntil": None,
    }


async def test_without_a_key_the_status_says_ai_is_not_set_up(
    repo: Path, data_dir: Path, model: AnthropicServer
) -> None:
    env = {k: v for k, v in server_env(data_dir).items() if k != "ANTHROPIC_API_KEY"}
    s = await start_session(
        repo,
        data_dir,
        "neovim",
        initialization_options={"ai": {"provider": "anthropic", "baseUrl": model.url}},
        env=env,
    )
    try:
        status = plain(await s.command("devfocus.status"))
        assert status["ai"]["state"] == "unconfigured"
        assert status["ai"]["reason"] == "no-key"
        assert "ANTHROPIC_API_KEY" in status["ai"]["message"]
        # Nothing was sent without a key.
        await generate(s, open_prices(s))
        assert model.count == 0
    finally:
        await end_session(s)


async def test_with_no_provider_the_status_has_no_ai_part(repo: Path, data_dir: Path) -> None:
    s = await start_session(repo, data_dir, "neovim")
    try:
        assert "ai" not in plain(await s.command("devfocus.status"))
    finally:
        await end_session(s)


async def test_repeated_failures_pause_ai_and_the_status_says_so(
    session: Session, model: AnthropicServer
) -> None:
    uri = open_prices(session)
    model.error(500, times=BREAKER_THRESHOLD)
    for _ in range(BREAKER_THRESHOLD):
        result = await generate(session, uri)
        assert result["fromTemplate"] == 1  # each failure falls back to the template
    # Degraded from the first failure; paused from the fifth.
    degraded = await session.statuses.wait_for(
        lambda status: (plain(status).get("ai") or {}).get("reason") == "paused"
    )
    ai = plain(degraded)["ai"]
    assert ai["state"] == "degraded" and ai["pausedUntil"] is not None
    assert "500" in ai["message"] or "server" in ai["message"]
    # While paused, nothing is sent: the answer is the template at once, and it says why.
    sent = model.count
    result = await generate(session, uri)
    assert result["fromTemplate"] == 1 and model.count == sent
    assert any("paused" in why for why in result["fallbacks"])


async def test_a_verbose_trace_shows_exactly_what_is_sent(
    session: Session, model: AnthropicServer
) -> None:
    traces = Collected()
    session.client.feature(types.LOG_TRACE)(lambda params: traces.add(params))
    session.client.protocol.notify(types.SET_TRACE, types.SetTraceParams(value="verbose"))
    await generate(session, open_prices(session))
    trace = await traces.wait_for(lambda t: "AI docstring request" in t.message)
    [sent] = model.requests
    assert "anthropic (claude-haiku-4-5)" in trace.message
    assert sent.user in trace.verbose and sent.system in trace.verbose
    assert KEY not in trace.verbose and KEY not in trace.message


async def test_the_trace_is_silent_unless_verbose(session: Session, model: AnthropicServer) -> None:
    traces = Collected()
    session.client.feature(types.LOG_TRACE)(lambda params: traces.add(params))
    await generate(session, open_prices(session))
    assert model.count == 1
    await session.command("devfocus.status")  # anything sent before it has arrived
    assert not [t for t in traces.items if "AI" in t.message]


def test_the_key_is_not_in_the_test_environment() -> None:
    # The sessions above get the key through server_env only.
    assert os.environ.get("ANTHROPIC_API_KEY") != KEY
