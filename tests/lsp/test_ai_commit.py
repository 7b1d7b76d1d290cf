""" "Write commit message with AI" through the real server: a real repository with staged
changes, the message git opens (``.git/COMMIT_EDITMSG``), and a local server speaking
Anthropic's Messages API reached through the real SDK. What the model server received is
checked as it was sent: names and counts only unless ``sendCode``, never a secret or anything of
an excluded file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, Union

import pytest
import pytest_asyncio
from lsprotocol import types

from devfocus.lsp.features.commits import with_message
from tests.aiservers import AnthropicServer, Request
from tests.lsp.conftest import (
    TIMEOUT,
    Session,
    _poll,
    end_session,
    expose_client,
    server_env,
    start_session,
)
from tests.lsp.docs_helpers import DocsClient
from tests.lsp.test_commit_coaching import encodings, language_of, open_message, stage

__all__ = ["encodings"]  # the position encoding each server chose (an autouse fixture)

KEY = "sk-ant-test-commit"
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
ENV_SECRET = "hunter2-never-sent"
COMMENTS = (
    "# Please enter the commit message for your changes. Lines starting\n"
    "# with '#' will be ignored, and an empty message aborts the commit.\n"
    "#\n"
    "# On branch main\n"
    "# ------------------------ >8 ------------------------\n"
    "# Do not modify or remove the line above.\n"
    "# Everything below it will be ignored.\n"
    "diff --git a/parser.py b/parser.py\n"
    "+def tokenize(text):\n"
)
TEMPLATE = "\n" + COMMENTS
PARSER = "def tokenize(text):\n    return text.split()\n" + "# a comment line of code\n" * 10
TITLE = "Write commit message with AI"
COMMAND = "devfocus.commit.writeWithAI"
GOOD = {"subject": "Added the token parser.", "body": "It splits source text into tokens."}


Start = Callable[..., Awaitable[DocsClient]]


@pytest.fixture
def model() -> Iterator[AnthropicServer]:
    with AnthropicServer() as server:
        yield server


@pytest_asyncio.fixture
async def start(
    request: pytest.FixtureRequest, data_dir: Path, preset: str, encodings: dict[int, str]
) -> AsyncIterator[Start]:
    """Start a server on ``repo`` with the test's client (and options of its own)."""
    started: list[Session] = []

    async def start_on(repo: Path, **options: Any) -> DocsClient:
        session = await start_session(repo, data_dir, preset, **options)
        started.append(session)
        expose_client(request, session.client)
        read_actions_with_commands(session)
        return DocsClient(session, encodings[id(session.client)])

    yield start_on
    for session in started:
        await end_session(session)


def read_actions_with_commands(session: Session) -> None:
    """lsprotocol reads every code action that carries a ``command`` as a bare Command (its
    hook looks for the key, not for a string in it); read them as editors do."""
    converter = session.client.protocol._converter

    def structure(value: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(value.get("command"), str):
            return converter.structure(value, types.Command)
        return converter.structure(value, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)  # noqa: UP007


async def open_draft(
    start: Start,
    repo: Path,
    data_dir: Path,
    preset: str,
    model: AnthropicServer,
    trusted: bool = True,
    **ai: Any,
) -> tuple[DocsClient, str]:
    """A server with the model at ``model`` (``ai``: more devfocus.ai settings), and the commit
    message of what is staged open in it."""
    settings = {"provider": "anthropic", "baseUrl": model.url, "maxRetries": 0, **ai}
    client = await start(
        repo,
        initialization_options={"ai": settings, "trusted": trusted},
        env=server_env(data_dir, ANTHROPIC_API_KEY=KEY),
    )
    path = repo / ".git" / "COMMIT_EDITMSG"
    return client, open_message(client, path, TEMPLATE, language_of(preset))


async def draft_action(client: DocsClient, uri: str) -> types.CodeAction:
    actions = await client.code_actions(uri, 0)
    action = next((a for a in actions if a.title == TITLE), None)
    assert action is not None, [a.title for a in actions]
    assert action.command is not None and action.command.command == COMMAND
    return action


async def choose(client: DocsClient, action: types.CodeAction) -> Any:
    """Run the action's command as the editor does when the user picks it."""
    assert action.command is not None
    return await client.command(action.command.command, *(action.command.arguments or []))


async def sent(model: AnthropicServer, count: int = 1) -> list[Request]:
    return await asyncio.to_thread(model.wait_for, count, TIMEOUT)


# -- tests ------------------------------------------------------------------------------------
async def test_the_draft_replaces_the_message_and_shows_its_score(
    start: Start, repo: Path, data_dir: Path, preset: str, model: AnthropicServer
) -> None:
    stage(repo, {"parser.py": PARSER})
    client, uri = await open_draft(start, repo, data_dir, preset, model)
    action = await draft_action(client, uri)
    assert model.count == 0  # listing the action asks no model

    model.reply(GOOD)
    result = await choose(client, action)

    # The coach's fixes made the reply fit: imperative, no period. Git's lines stay below it.
    expected = "Add the token parser\n\nIt splits source text into tokens.\n\n" + COMMENTS
    assert client.texts[uri] == expected
    assert result["subject"] == "Add the token parser"
    assert result["body"] == "It splits source text into tokens."
    assert result["score"] == 10 and result["findings"] == [] and result["applied"] is True
    [edit] = client.edit_requests
    assert edit.label == f"{TITLE} (score 10/10)"
    shown = await client.session.wait_for_message("AI draft: score 10/10")
    assert shown.message == "DevFocus: AI draft: score 10/10 — nothing to improve"

    # sendCode is off: the model was told names and counts, not a line of the diff.
    [request] = await sent(model)
    assert request.api_key == KEY
    assert "parser.py (added, +12 −0)" in request.user
    assert "tokenize" not in request.user
    assert "devfocus.ai.sendCode is off" in request.user


@pytest.mark.parametrize("preset", ["visual-studio-code"])
async def test_with_send_code_hunks_are_sent_but_no_secret_and_nothing_of_excluded_files(
    start: Start, repo: Path, data_dir: Path, preset: str, model: AnthropicServer
) -> None:
    stage(
        repo,
        {
            "parser.py": PARSER,
            "settings.py": f'AWS_ACCESS_KEY_ID = "{AWS_KEY}"\n',
            ".env": f"DATABASE_PASSWORD={ENV_SECRET}\n",
            "private/notes.txt": "launch plan: PRIVATE_MARKER\n",
        },
    )
    exclude = ["private/**", "*.pem"]
    client, uri = await open_draft(
        start, repo, data_dir, preset, model, sendCode=True, exclude=exclude
    )
    model.reply(GOOD)
    result = await choose(client, await draft_action(client, uri))
    assert result["applied"] is True

    [request] = await sent(model)
    assert "+def tokenize(text):" in request.user  # the hunks are sent
    assert "settings.py (added, +1 −0)" in request.user
    assert AWS_KEY not in request.user and "«redacted:" in request.user
    assert "2 files excluded from AI" in request.user
    for never in (ENV_SECRET, "DATABASE_PASSWORD", ".env", "PRIVATE_MARKER", "notes.txt"):
        assert never not in request.user and never not in request.system


@pytest.mark.parametrize("preset", ["neovim"])
async def test_a_server_error_is_retried(
    start: Start, repo: Path, data_dir: Path, preset: str, model: AnthropicServer
) -> None:
    stage(repo, {"parser.py": PARSER})
    client, uri = await open_draft(start, repo, data_dir, preset, model, maxRetries=1)
    model.error(500)
    model.reply(GOOD)
    result = await choose(client, await draft_action(client, uri))
    assert model.count == 2
    assert result["subject"] == "Add the token parser"
    assert client.texts[uri].startswith("Add the token parser\n\n")


@pytest.mark.parametrize("preset", ["visual-studio-code"])
async def test_an_unusable_reply_says_why_and_changes_nothing(
    start: Start, repo: Path, data_dir: Path, preset: str, model: AnthropicServer
) -> None:
    stage(repo, {"parser.py": PARSER})
    client, uri = await open_draft(start, repo, data_dir, preset, model)
    action = await draft_action(client, uri)

    model.reply({"subject": "```\n```", "body": "x = 1"})
    assert await choose(client, action) is None
    shown = await client.session.wait_for_message("Could not write the commit message with AI")
    assert "the model's reply is not a usable commit message" in shown.message

    model.raw("{this is not json")  # not even JSON: the provider layer's own reason
    assert await choose(client, action) is None
    await _poll(
        lambda: client.session.shown("Could not write the commit message with AI") == 2,
        "the second failure was not shown",
        TIMEOUT,
    )
    assert client.edit_requests == []
    assert client.texts[uri] == TEMPLATE


@pytest.mark.parametrize("preset", ["visual-studio-code"])
async def test_cancelling_drops_the_draft(
    start: Start, repo: Path, data_dir: Path, preset: str, model: AnthropicServer
) -> None:
    stage(repo, {"parser.py": PARSER})
    client, uri = await open_draft(start, repo, data_dir, preset, model)
    action = await draft_action(client, uri)
    assert action.command is not None

    # The progress's cancel button.
    model.reply(GOOD, delay=8.0)
    running = asyncio.create_task(choose(client, action))
    await sent(model)
    [token] = client.created_tokens
    client.client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    assert await asyncio.wait_for(running, 4.0) is None

    # $/cancelRequest of the command's request: the server stops, not after the model's delay.
    model.reply(GOOD, delay=8.0)
    protocol = client.client.protocol
    params = types.ExecuteCommandParams(command=COMMAND, arguments=action.command.arguments)
    answer = asyncio.wrap_future(
        protocol.send_request(types.WORKSPACE_EXECUTE_COMMAND, params, msg_id="draft-2")
    )
    await sent(model, 2)
    ends = len(client.progress.items)
    protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="draft-2"))
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wait_for(answer, 4.0)
    await client.progress.wait_for(
        lambda p: _kind(p.value) == "end" and p.token != token, after=ends, timeout=4.0
    )
    assert client.edit_requests == []
    assert client.texts[uri] == TEMPLATE

    # The slots are free again: the next draft goes through.
    model.reply(GOOD)
    result = await choose(client, action)
    assert result["applied"] is True


def _kind(value: Any) -> str | None:
    return value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)


@pytest.mark.parametrize("preset", ["visual-studio-code"])
async def test_nothing_staged_or_no_provider(
    start: Start, repo: Path, data_dir: Path, preset: str, model: AnthropicServer
) -> None:
    client, uri = await open_draft(start, repo, data_dir, preset, model)
    assert await choose(client, await draft_action(client, uri)) is None
    await client.session.wait_for_message("nothing is staged")
    assert model.count == 0

    plain = await start(repo)  # no provider: no action
    other = open_message(plain, repo / ".git" / "MERGE_MSG", TEMPLATE, "git-commit")
    assert TITLE not in [a.title for a in await plain.code_actions(other, 0)]


@pytest.mark.parametrize("preset", ["visual-studio-code"])
async def test_an_untrusted_workspace_is_not_read_until_trusted(
    start: Start, repo: Path, data_dir: Path, preset: str, model: AnthropicServer
) -> None:
    stage(repo, {"parser.py": PARSER})
    client, uri = await open_draft(start, repo, data_dir, preset, model, trusted=False)
    action = await draft_action(client, uri)
    assert await choose(client, action) is None
    shown = await client.session.wait_for_message("Could not write the commit message with AI")
    assert "the workspace is not trusted" in shown.message
    assert model.count == 0 and client.texts[uri] == TEMPLATE

    client.client.protocol.notify("devfocus/workspaceTrust", {"trusted": True})
    model.reply(GOOD)
    result = await choose(client, action)
    assert result["applied"] is True and model.count == 1


def test_only_the_message_part_is_replaced() -> None:
    edited = "Old subject\r\n\r\nOld body\r\n# comment\r\n"
    assert with_message(edited, "New\n\nBody", "#") == "New\r\n\r\nBody\r\n\r\n# comment\r\n"
    merge = "Merge branch 'x'\n# Conflicts:\n#\ta.py\nstray line\n; scissors\n"
    assert with_message(merge, "Merge x", "#") == "Merge x\n\n# Conflicts:\n#\ta.py\n"
    assert with_message("Draft", "New", "#") == "New"
    scissors = "\n# ------------------------ >8 ------------------------\ndiff --git a b\n"
    assert with_message(scissors, "New", "#") == "New\n\n" + scissors.lstrip("\n")
