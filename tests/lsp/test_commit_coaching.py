"""Commit coaching through the real server: the message git opens (``.git/COMMIT_EDITMSG``) gets
diagnostics for its version, computed against the staged diff and the repository's history, and
quick fixes that carry their edits.

The client is the docstring tests' (it records publishes and applies edits as an editor does).
Every expectation waits on a publish for a version, or a response, with a bound; nothing sleeps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import Session, end_session, expose_client, start_session
from tests.lsp.test_docs import DocsClient, apply_text_edits, by_code, edits_by_uri, touching
from tests.repos import git

SOURCE = "devfocus-commit"
TEMPLATE = (
    "\n"
    "# Please enter the commit message for your changes. Lines starting\n"
    "# with '#' will be ignored, and an empty message aborts the commit.\n"
    "#\n"
    "# On branch main\n"
    "# Changes to be committed:\n"
    "#\tnew file:   parser.py\n"
    "#\n"
)


@pytest.fixture(autouse=True)
def encodings(monkeypatch: pytest.MonkeyPatch) -> dict[int, str]:
    """The position encoding each started server chose: edits are applied in it."""
    chosen: dict[int, str] = {}
    initialize = LanguageClient.initialize_session

    async def recording(self: LanguageClient, params: types.InitializeParams) -> Any:
        result = await initialize(self, params)
        encoding = result.capabilities.position_encoding
        chosen[id(self)] = encoding or types.PositionEncodingKind.Utf16
        return result

    monkeypatch.setattr(LanguageClient, "initialize_session", recording)
    return chosen


Start = Callable[..., Awaitable[DocsClient]]


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
        return DocsClient(session, encodings[id(session.client)])

    yield start_on
    for session in started:
        await end_session(session)


def language_of(preset: str) -> str:
    """VS Code says git-commit; Neovim sends its filetype, gitcommit."""
    return "gitcommit" if preset == "neovim" else "git-commit"


def open_message(client: DocsClient, path: Path, text: str, language: str) -> str:
    """Open a message file as the editor git started does (the file exists on disk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    uri = path.as_uri()
    client.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    client.texts[uri] = text
    client.versions[uri] = 1
    return uri


def commit_all(repo: Path, *subjects: str) -> None:
    for day, subject in enumerate(subjects, start=6):
        git(repo, "commit", "-q", "--allow-empty", "-m", subject, date=f"2026-01-{day:02}T10:00Z")


def stage(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
        git(repo, "add", name)


async def apply_fix(client: DocsClient, uri: str, version: int, title: str) -> int:
    """Choose the quick fix ``title`` on the subject line, as the user does, and send the
    edited text; returns the new version."""
    diagnostics = await client.diagnostics(uri, version)
    line = next(d.range.start.line for d in diagnostics if d.code != "commit-score")
    actions = await client.code_actions(uri, line, diagnostics=touching(diagnostics, line))
    action = next((a for a in actions if a.title == title), None)
    assert action is not None, [a.title for a in actions]
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.edit is not None, "commit fixes carry their edit"
    ((edit_version, edits),) = edits_by_uri(action.edit).values()
    assert edit_version in (None, version)
    return client.replace(uri, apply_text_edits(client.texts[uri], edits, client.encoding))


# -- tests ------------------------------------------------------------------------------------
async def test_a_staged_change_is_coached_with_quick_fixes(
    start: Start, repo: Path, preset: str
) -> None:
    stage(repo, {f"parser/part{i}.py": "x = 1\n" * 30 for i in range(5)})
    client = await start(repo)
    path = repo / ".git" / "COMMIT_EDITMSG"
    uri = open_message(client, path, "Added the parser.\n" + TEMPLATE, language_of(preset))

    found = await client.diagnostics(uri, 1)
    assert {d.source for d in found} == {SOURCE}
    codes = by_code(found)
    assert set(codes) == {"imperative", "subject-period", "body-missing", "commit-score"}
    assert "5 files and 150 lines" in codes["body-missing"][0].message  # the staged diff
    score = codes["commit-score"][0]
    assert score.severity == types.DiagnosticSeverity.Hint
    # message 1 - 0.2 (imperative) - 0.1 (period) - 0.2 (no body for 150 lines) = 0.5
    assert score.message == (
        "Commit score 8/10 — message 5/10, files 10/10, size 10/10, context 10/10"
    )
    period = codes["subject-period"][0].range
    assert (period.start.line, period.start.character, period.end.character) == (0, 16, 17)

    version = await apply_fix(client, uri, 1, "Remove the trailing period")
    assert client.texts[uri].startswith("Added the parser\n\n# Please enter")
    assert set(by_code(await client.diagnostics(uri, version))) == {
        "imperative",
        "body-missing",
        "commit-score",
    }
    version = await apply_fix(client, uri, version, "Write “Add” instead of “Added”")
    assert client.texts[uri].startswith("Add the parser\n")
    assert set(by_code(await client.diagnostics(uri, version))) == {"body-missing", "commit-score"}

    # The user writes a body, without the blank line: that is found and fixed too.
    text = client.texts[uri].replace("Add the parser\n", "Add the parser\nIt reads tokens.\n")
    version = client.replace(uri, text)
    assert set(by_code(await client.diagnostics(uri, version))) == {"blank-line", "commit-score"}
    version = await apply_fix(client, uri, version, "Insert a blank line after the subject")
    assert client.texts[uri].startswith("Add the parser\n\nIt reads tokens.\n\n# Please")
    final = await client.diagnostics(uri, version)
    assert [d.code for d in final] == ["commit-score"]
    assert final[0].message.startswith("Commit score 10/10")

    seen = len(client.publishes.items)
    client.close(uri)
    cleared = await client.publishes.wait_for(lambda p: p.uri == uri, after=seen)
    assert list(cleared.diagnostics) == []


async def test_a_conventional_history_asks_for_a_type(
    start: Start, repo: Path, preset: str
) -> None:
    commit_all(repo, "feat: add tokens", "fix: close the file", "feat: page results", "docs: x")
    stage(repo, {"parser.py": "x = 1\n"})
    client = await start(repo)
    path = repo / ".git" / "COMMIT_EDITMSG"
    uri = open_message(client, path, "Add the parser\n" + TEMPLATE, language_of(preset))
    codes = by_code(await client.diagnostics(uri, 1))
    assert set(codes) == {"conventional-type", "subject-case", "commit-score"}
    assert codes["conventional-type"][0].message.startswith("80% of recent commits here")
    version = await apply_fix(client, uri, 1, "Start the subject with `feat:`")
    assert client.texts[uri].startswith("feat: add the parser\n")
    assert [d.code for d in await client.diagnostics(uri, version)] == ["commit-score"]


@pytest.mark.parametrize("preset", ["visual-studio-code"])
async def test_the_case_follows_each_repository(
    start: Start, make_repo: Callable[..., Path], preset: str
) -> None:
    capitalised, lowercase = make_repo("upper"), make_repo("lower")
    commit_all(capitalised, "Add tokens", "Close the file", "Page results")
    commit_all(lowercase, "add tokens", "close the file", "page results")
    for repo in (capitalised, lowercase):
        stage(repo, {"parser.py": "x = 1\n"})
    client = await start(capitalised)
    upper = capitalised / ".git" / "COMMIT_EDITMSG"
    lower = lowercase / ".git" / "COMMIT_EDITMSG"
    upper_uri = open_message(client, upper, "add the parser\n", "git-commit")
    lower_uri = open_message(client, lower, "add the parser\n", "git-commit")

    found = by_code(await client.diagnostics(upper_uri, 1))
    assert set(found) == {"subject-case", "commit-score"}
    assert found["subject-case"][0].message == (
        "Subjects in this repository start with a capital letter."
    )
    assert [d.code for d in await client.diagnostics(lower_uri, 1)] == ["commit-score"]
    version = await apply_fix(client, upper_uri, 1, "Start with “A”")
    assert client.texts[upper_uri] == "Add the parser\n"
    assert [d.code for d in await client.diagnostics(upper_uri, version)] == ["commit-score"]


async def test_coaching_can_be_turned_off(start: Start, repo: Path, preset: str) -> None:
    client = await start(repo, initialization_options={"git": {"coach": False}})
    path = repo / ".git" / "COMMIT_EDITMSG"
    uri = open_message(client, path, "Added the parser.\n" + TEMPLATE, language_of(preset))
    assert await client.diagnostics(uri, 1) == []
    assert await client.code_actions(uri, 0) == []


async def test_a_message_outside_any_repository_gets_message_findings(
    start: Start, repo: Path, tmp_path: Path, preset: str
) -> None:
    client = await start(repo)
    outside = tmp_path / "elsewhere" / "COMMIT_EDITMSG"
    uri = open_message(client, outside, "Fixes the crash.\n", "plaintext")  # known by its name
    codes = by_code(await client.diagnostics(uri, 1))
    assert set(codes) == {"imperative", "subject-period", "commit-score"}
    version = await apply_fix(client, uri, 1, "Write “Fix” instead of “Fixes”")
    assert client.texts[uri] == "Fix the crash.\n"
    assert set(by_code(await client.diagnostics(uri, version))) == {
        "subject-period",
        "commit-score",
    }
    # A tag's message is not a commit's, and other documents are left alone.
    tag = open_message(client, repo / ".git" / "TAG_EDITMSG", "Added.\n", "git-commit")
    notes = open_message(client, repo / "notes.txt", "Added.\n", "plaintext")
    assert await client.code_actions(tag, 0) == []
    assert await client.code_actions(notes, 0) == []
    assert client.published(tag) == [] and client.published(notes) == []
