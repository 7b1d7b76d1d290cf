"""AIClient through the real SDKs against local servers speaking the providers' wire formats."""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import pytest

from devfocus.ai.client import AIClient, api_key
from devfocus.ai.exchange import (
    BAD_REPLY,
    NO_KEY,
    NO_SDK,
    OFF,
    PAUSED,
    RATE_LIMITED,
    REFUSED,
    SERVER_ERROR,
    TIMEOUT,
    UNREACHABLE,
    AIUnavailable,
    Prompt,
)
from devfocus.ai.limits import CircuitBreaker
from devfocus.config import AISettings
from tests.aiservers import AnthropicServer, OpenAIServer

KEY = "sk-test-0123456789abcdef"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"summary": {"type": "string"}, "params": {"type": "object"}},
    "required": ["summary"],
}
PROMPT = Prompt(
    purpose="docstring",
    system="You write Python docstrings.",
    user="def add(a, b):\n    return a + b",
    schema=SCHEMA,
    name="docstring",
)


@pytest.fixture
def anthropic() -> Iterator[AnthropicServer]:
    with AnthropicServer() as server:
        yield server


@pytest.fixture
def openai() -> Iterator[OpenAIServer]:
    with OpenAIServer() as server:
        yield server


def settings(provider: str, url: str, **changes: Any) -> AISettings:
    base = AISettings(provider=provider, base_url=url, max_retries=0.0, timeout_seconds=10.0)
    return replace(base, **changes)


@pytest.fixture
async def clients() -> AsyncIterator[list[AIClient]]:
    """Clients made by a test, closed after it."""
    made: list[AIClient] = []
    yield made
    for client in made:
        await client.aclose()


def make(
    clients: list[AIClient], ai: AISettings, environ: dict[str, str] | None = None
) -> AIClient:
    if environ is None:
        environ = {"ANTHROPIC_API_KEY": KEY, "OPENAI_API_KEY": KEY}
    client = AIClient(ai, environ)
    clients.append(client)
    return client


async def failure(client: AIClient, prompt: Prompt = PROMPT) -> AIUnavailable:
    with pytest.raises(AIUnavailable) as caught:
        await client.ask(prompt)
    assert KEY not in caught.value.message
    return caught.value


# -- answers -----------------------------------------------------------------------------------


async def test_anthropic_answers_through_the_forced_tool(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url))
    anthropic.reply({"summary": "Add two numbers."})

    answer = await client.ask(PROMPT)

    assert answer.data == {"summary": "Add two numbers."}
    assert (answer.provider, answer.model) == ("anthropic", "claude-haiku-4-5")
    assert answer.chars_out == len('{"summary": "Add two numbers."}')
    sent = anthropic.requests[0]
    assert sent.api_key == KEY
    assert sent.system == PROMPT.system and sent.user == PROMPT.user
    assert sent.body["tool_choice"] == {"type": "tool", "name": "docstring"}
    assert sent.schema == SCHEMA
    assert sent.body["max_tokens"] == PROMPT.max_output_tokens


async def test_anthropic_answers_per_request(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url, model="claude-sonnet-4-5"))
    anthropic.answer_with(lambda request: {"summary": f"About {request.user.split('(')[0]}."})
    answers = await asyncio.gather(
        client.ask(PROMPT), client.ask(replace(PROMPT, user="def sub(a, b): ..."))
    )
    assert sorted(a.data["summary"] for a in answers) == ["About def add.", "About def sub."]
    assert {r.model for r in anthropic.requests} == {"claude-sonnet-4-5"}


async def test_openai_answers_with_a_json_schema_response_format(
    openai: OpenAIServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("openai", openai.url))
    openai.reply({"summary": "Add two numbers."})

    answer = await client.ask(PROMPT)

    assert answer.data == {"summary": "Add two numbers."}
    assert answer.model == "gpt-5-mini"
    sent = openai.requests[0]
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.system == PROMPT.system and sent.user == PROMPT.user
    assert sent.body["response_format"]["type"] == "json_schema"
    assert sent.body["response_format"]["json_schema"]["name"] == "docstring"
    # Optional properties: strict mode would make them required, so the schema goes non-strict.
    assert sent.body["response_format"]["json_schema"]["strict"] is False


async def test_a_strict_compatible_schema_is_sent_strict(
    openai: OpenAIServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("openai", openai.url, model="gpt-4.1-mini"))
    strict = {
        "type": "object",
        "properties": {"subject": {"type": "string"}, "body": {"type": ["string", "null"]}},
        "required": ["subject", "body"],
        "additionalProperties": False,
    }
    await client.ask(replace(PROMPT, purpose="commit", schema=strict, name="commit message"))
    sent = openai.requests[0].body
    assert sent["response_format"]["json_schema"]["strict"] is True
    assert sent["response_format"]["json_schema"]["name"] == "commit_message"
    assert sent["max_completion_tokens"] == PROMPT.max_output_tokens


async def test_a_compatible_server_without_response_format_gets_json_asked_in_words(
    openai: OpenAIServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("openai-compatible", openai.url, model="llama3.2"), {})
    openai.reject_response_format = True
    openai.text('Here it is:\n```json\n{"summary": "Add two numbers."}\n```')

    answer = await client.ask(PROMPT)

    assert answer.data == {"summary": "Add two numbers."}
    assert any("response_format" in note for note in answer.notes)
    first, second = openai.requests
    assert "response_format" in first.body and "response_format" not in second.body
    assert '"summary"' in second.system  # the schema, in words
    assert second.api_key == "not-needed"  # no key configured: the SDK still wants one

    openai.text('{"summary": "Again."}')
    assert (await client.ask(PROMPT)).data == {"summary": "Again."}
    assert "response_format" not in openai.requests[2].body  # remembered: one request
    assert openai.count == 3


async def test_a_compatible_server_that_answers_422_falls_back_too(
    openai: OpenAIServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("openai-compatible", openai.url, model="llama3.2"), {})
    openai.reject_response_format = True
    openai.reject_status = 422
    # The server's default answer fits the schema written in the instructions.
    assert (await client.ask(PROMPT)).data == {"summary": "Sample text.", "params": {}}
    assert openai.count == 2


async def test_a_compatible_server_needs_a_model(
    openai: OpenAIServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("openai-compatible", openai.url), {})
    error = await failure(client)
    assert error.reason == REFUSED
    assert "devfocus.ai.model" in error.message
    assert client.health().state == "unconfigured"
    assert openai.count == 0


# -- retries and failures ----------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
async def test_a_429_is_retried_after_the_time_it_asks(
    provider: str, anthropic: AnthropicServer, openai: OpenAIServer, clients: list[AIClient]
) -> None:
    server = anthropic if provider == "anthropic" else openai
    client = make(clients, settings(provider, server.url, max_retries=2.0))
    server.error(429, retry_after=0.3)
    server.reply({"summary": "Later."})

    started = time.monotonic()
    answer = await client.ask(PROMPT)

    assert answer.data == {"summary": "Later."}
    assert time.monotonic() - started >= 0.3
    assert server.count == 2
    assert server.requests[1].headers.get("x-stainless-retry-count") == "1"


async def test_a_429_past_the_retries_is_rate_limited_with_its_wait(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url))
    anthropic.error(429, retry_after=7)
    error = await failure(client)
    assert error.reason == RATE_LIMITED
    assert error.retry_after == 7.0
    assert "7 s" in error.message


async def test_a_500_is_retried(openai: OpenAIServer, clients: list[AIClient]) -> None:
    client = make(clients, settings("openai", openai.url, max_retries=1.0))
    openai.error(500)
    openai.reply({"summary": "Fine now."})
    assert (await client.ask(PROMPT)).data == {"summary": "Fine now."}
    assert openai.count == 2


async def test_overloaded_past_the_retries_is_a_server_error(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url, max_retries=1.0))
    anthropic.overloaded(retry_after=0.05, times=2)
    error = await failure(client)
    assert error.reason == SERVER_ERROR
    assert "overloaded" in error.message
    assert anthropic.count == 2


async def test_five_failures_pause_the_provider_without_asking_it_again(
    openai: OpenAIServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("openai", openai.url))
    openai.error(500, times=10)
    for _ in range(5):
        assert (await failure(client)).reason == SERVER_ERROR
    assert openai.count == 5

    before = time.time()
    error = await failure(client)

    assert error.reason == PAUSED
    assert "paused" in error.message and "until" in error.message
    assert openai.count == 5
    health = client.health()
    assert health.state == "degraded" and health.reason == PAUSED
    assert health.paused_until is not None and health.paused_until >= before + 59
    assert (health.calls, health.failures) == (5, 5)
    assert health.last_error is not None and "500" in health.last_error


async def test_after_the_pause_one_trial_request_goes_and_its_success_resumes(
    openai: OpenAIServer, clients: list[AIClient]
) -> None:
    now = [time.time()]
    client = make(clients, settings("openai", openai.url))
    client.breaker = CircuitBreaker(clock=lambda: now[0])
    openai.error(500, times=5)
    for _ in range(5):
        await failure(client)
    assert (await failure(client)).reason == PAUSED

    now[0] += 60
    openai.reply({"summary": "Back."})
    assert (await client.ask(PROMPT)).data == {"summary": "Back."}
    assert openai.count == 6
    health = client.health()
    assert (health.state, health.paused_until) == ("ready", None)


async def test_a_refusal_does_not_count_toward_the_pause(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url))
    anthropic.error(400, times=6)
    for _ in range(6):
        assert (await failure(client)).reason == REFUSED
    assert client.health().state == "ready"


async def test_no_answer_in_time_is_a_timeout(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url, timeout_seconds=1.0))
    anthropic.reply({"summary": "Too late."}, delay=3.0)
    started = time.monotonic()
    assert (await failure(client)).reason == TIMEOUT
    assert time.monotonic() - started < 2.5


async def test_no_server_is_unreachable(clients: list[AIClient]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make(clients, settings("openai", f"http://127.0.0.1:{port}/v1"))
    error = await failure(client)
    assert error.reason == UNREACHABLE
    assert client.health().last_error == error.message


async def test_a_refused_key_names_its_variable_never_its_value(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url))
    anthropic.error(401, message=f"invalid x-api-key {KEY}")
    error = await failure(client)
    assert error.reason == REFUSED
    assert "ANTHROPIC_API_KEY" in error.message and "401" in error.message


# -- replies that are not the object asked for ------------------------------------------------


@pytest.mark.parametrize(
    "text", ["I cannot do that.", '{"summary": "cut', "```json\n{'summary': 'x'}\n```", "[1, 2]"]
)
async def test_text_that_is_no_json_object_is_a_bad_reply(
    text: str, openai: OpenAIServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("openai", openai.url))
    openai.text(text)
    assert (await failure(client)).reason == BAD_REPLY
    assert client.health().state == "ready"  # the provider answered


async def test_a_body_that_is_not_json_is_a_bad_reply(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url))
    anthropic.raw("<html>gateway</html>", content_type="text/html")
    assert (await failure(client)).reason == BAD_REPLY


async def test_an_answer_cut_at_the_token_limit_is_a_bad_reply(
    anthropic: AnthropicServer, openai: OpenAIServer, clients: list[AIClient]
) -> None:
    anthropic.truncated({"summary": "Half"})
    openai.truncated({"summary": "Half"})
    for provider, server in (("anthropic", anthropic), ("openai", openai)):
        error = await failure(make(clients, settings(provider, server.url)))
        assert error.reason == BAD_REPLY and "cut off" in error.message


async def test_anthropic_text_instead_of_the_tool_is_read_when_it_holds_the_object(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url))
    anthropic.text('{"summary": "From text."}')
    answer = await client.ask(PROMPT)
    assert answer.data == {"summary": "From text."}
    assert answer.notes


# -- configuration -----------------------------------------------------------------------------


async def test_off_and_missing_keys_are_said_without_a_request(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    off = make(clients, AISettings())
    assert (await failure(off)).reason == OFF
    assert off.health().state == "off" and off.health().provider == "none"

    keyless = make(clients, settings("anthropic", anthropic.url), {"ANTHROPIC_API_KEY": "  "})
    error = await failure(keyless)
    assert error.reason == NO_KEY and "ANTHROPIC_API_KEY" in error.message
    health = keyless.health()
    assert (health.state, health.reason) == ("unconfigured", NO_KEY)

    own = settings("openai", anthropic.url, api_key_env="MY_KEY")
    assert api_key(own, {"MY_KEY": "k1", "OPENAI_API_KEY": "k2"}) == "k1"
    assert (await failure(make(clients, own, {"OPENAI_API_KEY": KEY}))).reason == NO_KEY
    assert anthropic.count == 0


async def test_a_missing_sdk_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # what an import finds when it is absent
    client = make(clients, settings("anthropic", anthropic.url))
    error = await failure(client)
    assert error.reason == NO_SDK and "devfocus[ai]" in error.message
    assert client.health().state == "unconfigured"


# -- limits and cancellation ------------------------------------------------------------------


async def test_no_more_than_max_concurrent_requests_reach_the_server(
    openai: OpenAIServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("openai", openai.url, max_concurrent=2.0))
    openai.delay_all = 0.1
    answers = await asyncio.gather(*(client.ask(PROMPT) for _ in range(6)))
    assert len(answers) == 6
    assert openai.max_in_flight == 2


async def test_requests_per_minute_hold_the_rest_back(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url, requests_per_minute=2.0))
    tasks = [asyncio.create_task(client.ask(PROMPT)) for _ in range(3)]
    done: set[asyncio.Task[Any]] = set()
    while len(done) < 2:
        finished, _ = await asyncio.wait(
            [t for t in tasks if t not in done], timeout=10.0, return_when=asyncio.FIRST_COMPLETED
        )
        assert finished, "no answer in time"
        done |= finished
    pending = [t for t in tasks if t not in done]
    assert len(pending) == 1 and not pending[0].done()
    assert client.limiter.waiting == 1  # queued, not failed
    assert anthropic.count == 2
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    assert client.limiter.waiting == 0


async def test_cancelling_a_request_frees_its_slot(
    anthropic: AnthropicServer, clients: list[AIClient]
) -> None:
    client = make(clients, settings("anthropic", anthropic.url, max_concurrent=1.0))
    anthropic.reply({"summary": "Never seen."}, delay=30.0)
    slow = asyncio.create_task(client.ask(PROMPT))
    await asyncio.wait_for(asyncio.to_thread(anthropic.wait_for, 1), 10.0)

    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow

    assert client.limiter.in_flight == 0
    anthropic.reply({"summary": "Next."})
    answer = await asyncio.wait_for(client.ask(PROMPT), 5.0)
    assert answer.data == {"summary": "Next."}
    assert client.health().state == "ready"


# -- probe, logs, secrets ----------------------------------------------------------------------


async def test_probe_reports_reachability(
    anthropic: AnthropicServer, openai: OpenAIServer, clients: list[AIClient]
) -> None:
    assert (await make(clients, settings("anthropic", anthropic.url)).probe()).state == "ready"
    assert anthropic.requests[0].path == "/v1/models" and anthropic.requests[0].api_key == KEY

    anthropic.models_status = 401
    refused = await make(clients, settings("anthropic", anthropic.url)).probe()
    assert (refused.state, refused.reason) == ("degraded", REFUSED)
    assert refused.last_error is not None and "ANTHROPIC_API_KEY" in refused.last_error

    served = settings("openai-compatible", openai.url, model="llama3.2")
    assert (await make(clients, served, {}).probe()).state == "ready"
    unknown = await make(clients, replace(served, model="mistral"), {}).probe()
    assert unknown.state == "degraded"
    assert unknown.last_error is not None and "mistral" in unknown.last_error


async def test_one_log_line_per_call_without_content_or_key(
    anthropic: AnthropicServer, caplog: pytest.LogCaptureFixture, clients: list[AIClient]
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make(clients, settings("anthropic", anthropic.url))
    anthropic.reply({"summary": "Secret prose."})
    anthropic.error(401, message=f"bad key {KEY}")
    await client.ask(PROMPT)
    await failure(client)

    lines = [r.getMessage() for r in caplog.records if r.name == "devfocus.ai"]
    assert len(lines) == 2
    assert "provider=anthropic" in lines[0] and "purpose=docstring" in lines[0]
    assert f"chars_in={PROMPT.size}" in lines[0] and "outcome=ok" in lines[0]
    assert "outcome=refused" in lines[1]
    for record in caplog.records:
        text = record.getMessage()
        if record.name == "devfocus.ai":
            assert "def add" not in text and "Secret prose" not in text
        assert KEY not in text
    assert KEY not in repr(client.health())
