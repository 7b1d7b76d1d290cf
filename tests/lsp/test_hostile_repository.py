"""A hostile repository never makes the server run its programs, through the real server process.

One server has a workspace holding one repository per vector of tests/hostile.py (config,
attributes, hooks, remotes or mailmap naming a payload that git provably runs when run plainly).
It imports their history at start-up and on ``devfocus.git.import``; in each repository the
client opens, edits, saves and hovers a tracked file, hovers an untracked and an ignored one,
opens the commit message of its staged change (commit coaching), and the developer makes a
commit the watch picks up. Then each vector's test checks that its payload never ran for the
server, and that the git features still answered where git can read the history.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.hostile import UNTRACKED, VECTORS, Hostile, build
from tests.lsp.conftest import Session, end_session, start_session
from tests.lsp.docs_helpers import DocsClient

TIMEOUT = 60.0  # seconds for what the server does for every repository at once
PRESET = "visual-studio-code"
MESSAGE = "Add the staged helper\n\n# Please enter the commit message for your changes.\n"


@dataclass
class Outcome:
    """What the server answered for one repository."""

    imported: dict[str, Any] | None = None  # its entry in devfocus.git.import's answer
    hovers: dict[str, str | None] = field(default_factory=dict)  # file → hover text
    coaching: list[str] = field(default_factory=list)  # diagnostic codes on the message
    watched: str | None = None  # the developer's new commit, once the server stored it


@dataclass
class Scenario:
    hostile: dict[str, Hostile]
    outcomes: dict[str, Outcome]
    log: list[str]


async def hover(session: Session, uri: str, line: int, character: int) -> str | None:
    answer = await session.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
    )
    if answer is None:
        return None
    assert isinstance(answer.contents, types.MarkupContent)
    return answer.contents.value


def stored(db: Path, sha: str) -> bool:
    if not db.exists():
        return False
    with closing(sqlite3.connect(db, timeout=10)) as conn:
        try:
            return (
                conn.execute("SELECT 1 FROM commits WHERE sha = ?", (sha,)).fetchone() is not None
            )
        except sqlite3.OperationalError:
            return False  # not created yet


async def edit_save_and_hover(client: DocsClient, h: Hostile, outcome: Outcome) -> None:
    session = client.session
    name = f"{h.vector}/app.py"
    uri = client.open(name, (h.root / "app.py").read_text())
    version = client.replace(uri, "# a note typed above\n" + client.texts[uri])
    session.client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    await client.diagnostics(uri, version, timeout=TIMEOUT)  # the server has the edit
    outcome.hovers["app.py"] = await hover(session, uri, 1, len("def gr"))
    for name, text in (("draft.py", UNTRACKED), ("generated/code.py", UNTRACKED)):
        uri = client.open(f"{h.vector}/{name}", text)
        outcome.hovers[name] = await hover(session, uri, 0, len("def dr"))


async def coach(client: DocsClient, h: Hostile, outcome: Outcome) -> None:
    path = h.git_dir / "COMMIT_EDITMSG"
    path.write_text(MESSAGE)
    uri = path.as_uri()
    client.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="git-commit", version=1, text=MESSAGE
            )
        )
    )
    found = await client.diagnostics(uri, 1, timeout=TIMEOUT)
    outcome.coaching = sorted(str(d.code) for d in found)


async def run_scenario(parent: Path, hostile: dict[str, Hostile], data_dir: Path) -> Scenario:
    outcomes = {vector: Outcome() for vector in hostile}
    session = await start_session(parent, data_dir, PRESET)
    try:
        client = DocsClient(session, types.PositionEncodingKind.Utf16)
        answer = await asyncio.wait_for(session.command("devfocus.git.import"), TIMEOUT)
        for entry in answer["repositories"]:
            for vector, h in hostile.items():
                if entry["root"] == h.root.as_posix():
                    outcomes[vector].imported = entry
        for vector, h in hostile.items():
            await edit_save_and_hover(client, h, outcomes[vector])
            await coach(client, h, outcomes[vector])
        # The developer commits in every repository; the watch stores what git can read.
        made = {}
        for vector, h in hostile.items():
            h.stage("later.py", "LATER = 1\n")
            made[vector] = h.commit_index("Add later")
        db = data_dir / "devfocus.db"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        waiting = {v for v, h in hostile.items() if h.history}
        while waiting and loop.time() < deadline:
            for vector in list(waiting):
                if stored(db, made[vector]):
                    outcomes[vector].watched = made[vector]
                    waiting.discard(vector)
            await asyncio.sleep(0.1)  # another process's file: there is no event to await
    finally:
        log = [m.message for m in session.client.log_messages]
        await end_session(session)
    return Scenario(hostile, outcomes, log)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    parent = tmp_path_factory.mktemp("hostile")
    hostile = {vector: build(parent, vector) for vector in VECTORS}
    data_dir = tmp_path_factory.mktemp("data")
    yield asyncio.run(run_scenario(parent, hostile, data_dir))


@pytest.mark.parametrize("vector", VECTORS)
def test_the_server_runs_no_program_of_the_repository(scenario: Scenario, vector: str) -> None:
    h = scenario.hostile[vector]
    outcome = scenario.outcomes[vector]
    assert h.ran() == [], f"the server made git run the payload: {h.ran()}"
    assert outcome.imported is not None, "not imported"
    assert outcome.hovers["generated/code.py"] is None  # ignored by .gitignore
    assert "commit-score" in outcome.coaching
    if h.history:
        assert outcome.imported["problem"] is None
        greet = outcome.hovers["app.py"]
        assert greet is not None
        assert greet.startswith("**`greet`** · 2 commits in the last 30 days")
        draft = outcome.hovers["draft.py"]
        assert draft is not None
        assert draft.split("\n\n")[0] == "**`draft`** · not committed yet"
        assert outcome.watched is not None, "the developer's commit was not picked up"
    else:
        # A partial clone missing objects: git may not fetch them, so it cannot read its
        # history; the server says so and goes on.
        assert outcome.imported["problem"].startswith("unable to read")
        assert any(f"git history of {h.root.as_posix()} not read" in m for m in scenario.log)
