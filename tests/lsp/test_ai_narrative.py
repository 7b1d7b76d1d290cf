"""``devfocus.report {narrate: true}``: the report's narrative from the real server, written by a
local server that speaks Anthropic's Messages API through the real SDK.

Today (UTC) the developer edited ``app.py`` for ten minutes and committed ``billing.py`` with a
GitHub token pasted in the commit's subject; the file's code must never be sent, nor the token.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.aiservers import AnthropicServer, Request
from tests.lsp.conftest import (
    Session,
    _poll,
    end_session,
    expose_client,
    server_env,
    start_session,
)
from tests.lsp.test_status import seed_edits
from tests.repos import git

TOKEN = "ghp_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8"
SUBJECT = f"Add billing, token {TOKEN} for now"
CODE = "BODY_MARKER = charge_the_card(amount)\n"
KEY = "sk-ant-test-narrative"


def facts_of(request: Request) -> dict[str, Any]:
    return json.loads(request.user.split("\n", 1)[1])


def model_reply(request: Request) -> dict[str, Any]:
    """What the model writes: one sentence per session sent, the standup when asked for."""
    facts = facts_of(request)
    reply: dict[str, Any] = {
        "sessions": [
            {"id": s["id"], "text": f"You worked on billing ({s['id']})."}
            for s in facts.get("sessions", [])
        ],
        "summary": "A short day on billing.",
    }
    if "standup" in facts:
        del reply["sessions"]
        reply["standup"] = {
            "yesterday": "I was away.",
            "today": "I started billing.",
            "blockers": "Nothing in my way.",
        }
    return reply


@pytest.fixture
def model() -> Iterator[AnthropicServer]:
    with AnthropicServer() as server:
        server.answer_with(model_reply)
        yield server


@pytest.fixture
def today(make_repo: Callable[..., Path], data_dir: Path) -> Path:
    """The repository: ten minutes of edits ending a minute ago, and the commit of billing.py."""
    now = time.time()
    if now % 86400 < 30 * 60:
        pytest.skip("too close to midnight (UTC) for a session today")
    repo = make_repo("shop")
    git(repo, "config", "user.email", "dev@example.com")  # whose commits are the developer's
    (repo / "billing.py").write_text(CODE)
    git(repo, "add", "billing.py")
    moment = datetime.fromtimestamp(now - 5 * 60, timezone.utc).isoformat()
    git(repo, "commit", "-q", "-m", SUBJECT, date=moment)
    seed_edits(data_dir, repo, "main", now - 11 * 60, 10)
    return repo


async def start(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, ai: dict[str, Any] | None
) -> Session:
    env = server_env(data_dir, ANTHROPIC_API_KEY=KEY)
    options = {"ai": ai} if ai is not None else None
    s = await start_session(
        repo, data_dir, "visual-studio-code", initialization_options=options, env=env
    )
    expose_client(request, s.client)
    await s.command("devfocus.git.import")
    return s


def progress_titles(s: Session) -> list[str]:
    return [
        steps[0].title
        for steps in s.client.progress_reports.values()
        if steps and getattr(steps[0], "kind", None) == "begin"
    ]


async def test_the_narrative_is_the_models_then_the_caches_until_asked_again(
    request: pytest.FixtureRequest, today: Path, data_dir: Path, model: AnthropicServer
) -> None:
    s = await start(
        request, today, data_dir, {"provider": "anthropic", "baseUrl": model.url, "maxRetries": 0}
    )
    try:
        first = await s.command("devfocus.report", {"format": "json", "narrate": True})
        told = first["narrative"]
        assert told["source"] == "model" and told["provider"] == "anthropic"
        assert told["summary"] == "A short day on billing."
        assert [x["text"] for x in told["sessions"]] == ["You worked on billing (s1)."]
        assert told["provenance"].startswith("Written by the model (anthropic, ")
        assert "Narrating the report" in progress_titles(s)

        # What was sent: the commit's subject without its token, the file worked on; no code.
        [sent] = model.requests
        assert sent.name == "report_narrative"
        facts = facts_of(sent)
        assert (
            facts["commits"][0]["subject"] == "Add billing, token «redacted:github-token» for now"
        )
        assert facts["filesWorkedOn"] == ["shop/app.py"]
        body = json.dumps(sent.body)
        assert TOKEN not in body and TOKEN[4:20] not in body
        assert "BODY_MARKER" not in body and "charge_the_card" not in body
        assert KEY not in body

        # Asked again: from the cache, the model sees no new request; the figures are the same.
        again = await s.command("devfocus.report", {"format": "json", "narrate": True})
        assert again["narrative"]["source"] == "cache"
        assert again["narrative"]["summary"] == "A short day on billing."
        assert model.count == 1
        assert again["sessions"] == first["sessions"]
        markdown = await s.command("devfocus.report", {"narrate": True})
        assert "## Narrative" in markdown and "You worked on billing (s1)." in markdown
        assert "kept in the cache" in markdown
        assert model.count == 1

        # renarrate asks again.
        model.reply({"sessions": [{"id": "s1", "text": "Billing, again."}], "summary": "New."})
        fresh = await s.command("devfocus.report", {"format": "json", "renarrate": True})
        assert model.count == 2
        assert fresh["narrative"]["source"] == "model"
        assert [x["text"] for x in fresh["narrative"]["sessions"]] == ["Billing, again."]

        # The standup notes, narrated.
        notes = await s.command(
            "devfocus.report", {"period": "standup", "format": "json", "narrate": True}
        )
        assert notes["narrative"]["standup"] == {
            "yesterday": "I was away.",
            "today": "I started billing.",
            "blockers": "Nothing in my way.",
        }
        assert "standup" in facts_of(model.requests[-1])
        text = await s.command("devfocus.report", {"period": "standup", "format": "text"})
        assert "Narrative" not in text  # only when asked for

        # A slow model, and the user cancels the progress: the engine's text at once.
        model.reply(model_reply, delay=8.0)
        shown = set(s.client.progress_reports)
        slow = asyncio.create_task(
            s.command("devfocus.report", {"format": "json", "renarrate": True})
        )
        await _poll(lambda: bool(set(s.client.progress_reports) - shown), "no progress", 10.0)
        [token] = set(s.client.progress_reports) - shown
        s.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        cancelled = await asyncio.wait_for(slow, 4.0)
        assert cancelled["narrative"]["note"] == "the narrative was cancelled"
        assert cancelled["narrative"]["source"] == "programmatic"

        # The model fails: the engine's own text, and why; the figures stay the engine's.
        model.error(500, message="internal trouble")
        failed = await s.command("devfocus.report", {"format": "json", "renarrate": True})
        told = failed["narrative"]
        assert told["source"] == "programmatic"
        assert told["note"].startswith("the model did not answer: ")
        assert told["provenance"].startswith("The engine's own text: the model did not answer")
        assert " of focus on shop @ main" in told["sessions"][0]["text"]
        assert failed["sessions"] == first["sessions"]
        plain = await s.command("devfocus.report", {"format": "text", "narrate": True})
        assert "Written by the model" in plain  # the answer kept before still stands
    finally:
        await end_session(s)


async def test_without_a_provider_the_report_says_so(
    request: pytest.FixtureRequest, today: Path, data_dir: Path
) -> None:
    s = await start(request, today, data_dir, None)
    try:
        report = await s.command("devfocus.report", {"format": "text", "narrate": True})
        assert "Narrative\n  The engine's own text: no AI provider is configured." in report
        assert " of focus on shop @ main" in report
        data = await s.command("devfocus.report", {"format": "json", "narrate": True})
        assert data["narrative"]["source"] == "programmatic"
        assert data["narrative"]["note"] == "no AI provider is configured"
        assert "Narrating the report" not in progress_titles(s)  # nothing to wait for
    finally:
        await end_session(s)
