"""A definition's history on hover, through the real server and a real repository.

The repository's commits are dated relative to now (the hover says "3 days ago" and counts the
last 30 days), by two authors:

* 40 days ago, Ada: the file, with ``parse_config``, ``sibling`` and ``class Server``;
* 20 days ago, Linus: a change inside ``parse_config``;
* 10 days ago, Ada: a change inside ``sibling``;
* 3 days ago, Ada: an import above everything, and a change inside ``parse_config``.

The repository's ``user.email`` is Ada's: her commits are the developer's (their churn).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lsprotocol import types

from tests.lsp.conftest import Session, end_session, expose_client, start_session
from tests.repos import git

ADA = "Ada Lovelace <ada@example.com>"
LINUS = "Linus <linus@example.com>"

FIRST = '''import os


def parse_config(path):
    """Read the configuration."""
    return {"path": path}


def sibling():
    return 1


class Server:
    def start(self):
        return "started"
'''


def days_ago(days: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


def commit(repo: Path, text: str, subject: str, author: str, days: float) -> str:
    (repo / "app.py").write_text(text)
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", subject, "--author", author, date=days_ago(days))
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def shas(tmp_path: Path) -> dict[str, str]:
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ada@example.com")  # the developer is Ada
    (repo / ".gitignore").write_text("generated/\n")
    git(repo, "add", ".gitignore")
    text = FIRST
    made = {"start": commit(repo, text, "Start", ADA, 40)}
    text = text.replace('{"path": path}', '{"path": path, "port": 80}')
    made["port"] = commit(repo, text, "Add a default port", LINUS, 20)
    text = text.replace("return 1", "return 2")
    made["sibling"] = commit(repo, text, "Sibling returns two", ADA, 10)
    text = "import sys\n" + text.replace('"port": 80', '"port": int(os.environ["PORT"])')
    made["env"] = commit(repo, text, "Read ports from the environment", ADA, 3)
    return made


@pytest.fixture
def repo(tmp_path: Path, shas: dict[str, str]) -> Path:
    """The workspace: the repository above (overrides conftest's)."""
    return tmp_path / "project"


async def hover(session: Session, uri: str, line: int, character: int) -> types.Hover | None:
    return await session.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
    )


def where(text: str, needle: str) -> tuple[int, int]:
    """(line, character) of the first ``needle`` in ``text``."""
    for number, line in enumerate(text.splitlines()):
        if needle in line:
            return number, line.index(needle)
    raise AssertionError(f"{needle!r} is not in the text")


async def hover_on(session: Session, uri: str, text: str, header: str, name: str) -> str | None:
    """The hover text on the middle of ``name`` in the line holding ``header``."""
    line, _ = where(text, header)
    character = text.splitlines()[line].index(name) + len(name) // 2
    answer = await hover(session, uri, line, character)
    if answer is None:
        return None
    assert isinstance(answer.contents, types.MarkupContent)
    assert answer.contents.kind == types.MarkupKind.Markdown
    start = text.splitlines()[line].index(name)
    assert answer.range == types.Range(
        start=types.Position(line, start), end=types.Position(line, start + len(name))
    )
    return answer.contents.value


async def test_the_history_of_a_function_counts_only_its_own_recent_commits(
    session: Session, shas: dict[str, str]
) -> None:
    text = (session.repo / "app.py").read_text()
    uri = session.open("app.py", text)

    shown = await hover_on(session, uri, text, "def parse_config", "parse_config")
    assert shown is not None
    lines = shown.split("\n\n")
    assert lines[0] == (
        "**`parse_config`** · 2 commits in the last 30 days · 2 authors (Ada Lovelace, Linus)"
    )
    short = shas["env"][:7]
    assert lines[1] == (
        f'Last change: `{short}` by Ada Lovelace, 3 days ago — "Read ports from the environment"'
    )
    assert lines[2].startswith("Your focus time in `app.py` this week: ")
    # This week (the last 7 days), one of Ada's commits touched the file: it changed
    # parse_config.
    assert lines[3] == "Your commits this week: 1 changed `parse_config` (1 in `app.py`)"
    assert len(lines) == 4  # one commit is no hotspot

    # The sibling's history has its own commit only (the import above it changed nothing).
    shown = await hover_on(session, uri, text, "def sibling", "sibling")
    assert shown is not None
    assert shown.startswith(
        "**`sibling`** · 1 commit in the last 30 days · 1 author (Ada Lovelace)"
    )
    assert f"`{shas['sibling'][:7]}` by Ada Lovelace, a week ago" in shown
    assert shown.endswith("Your commits this week: none changed `sibling` (1 in `app.py`)")

    # Untouched for 40 days: no recent commit, and the last change is the first one.
    shown = await hover_on(session, uri, text, "def start", "start")
    assert shown is not None
    assert shown.startswith("**`Server.start`** · no commits in the last 30 days")
    assert f'`{shas["start"][:7]}` by Ada Lovelace, a month ago — "Start"' in shown


async def test_only_the_name_in_a_header_has_a_hover(session: Session) -> None:
    text = (session.repo / "app.py").read_text()
    uri = session.open("app.py", text)
    line, _ = where(text, "def parse_config")
    assert await hover(session, uri, line, 0) is None  # the keyword
    assert await hover(session, uri, line, len("def parse_config(")) is None  # the parameter
    body, character = where(text, "return {")
    assert await hover(session, uri, body, character + 2) is None  # the body
    docstring, character = where(text, "Read the configuration")
    assert await hover(session, uri, docstring, character) is None
    assert await hover_on(session, uri, text, "class Server", "Server") is not None


async def test_edits_in_the_buffer_do_not_move_a_definition_away_from_its_history(
    session: Session, shas: dict[str, str]
) -> None:
    """Lines typed above (not committed) shift the buffer; the definition is found by name."""
    text = "# a note\n# another\n" + (session.repo / "app.py").read_text()
    uri = session.open("app.py", text)
    shown = await hover_on(session, uri, text, "def parse_config", "parse_config")
    assert shown is not None
    assert shown.startswith("**`parse_config`** · 2 commits in the last 30 days")
    assert f"`{shas['env'][:7]}`" in shown


async def test_a_definition_not_committed_yet_says_so(session: Session) -> None:
    text = (session.repo / "app.py").read_text() + "\n\ndef brand_new():\n    return 0\n"
    uri = session.open("app.py", text)
    shown = await hover_on(session, uri, text, "def brand_new", "brand_new")
    assert shown is not None
    assert shown.split("\n\n")[0] == "**`brand_new`** · not committed yet"

    # So does every definition of a file git does not know yet.
    fresh = "def draft_parser():\n    pass\n"
    (session.repo / "fresh.py").write_text(fresh)
    uri = session.open("fresh.py", fresh)
    shown = await hover_on(session, uri, fresh, "def draft_parser", "draft_parser")
    assert shown is not None and shown.startswith("**`draft_parser`** · not committed yet")


async def test_files_without_history_have_no_hover(session: Session, tmp_path: Path) -> None:
    """Outside any repository, ignored by git, or not UTF-8 at HEAD: nothing to say."""
    source = "def loose():\n    pass\n"
    outside = tmp_path / "elsewhere" / "loose.py"
    outside.parent.mkdir()
    outside.write_text(source)
    uri = session.open(str(outside), source)  # an absolute name: not under the workspace
    assert await hover_on(session, uri, source, "def", "loose") is None

    ignored = session.repo / "generated" / "code.py"
    ignored.parent.mkdir()
    ignored.write_text(source)
    uri = session.open("generated/code.py", source)
    assert await hover_on(session, uri, source, "def", "loose") is None

    legacy = session.repo / "legacy.py"
    legacy.write_bytes("# caf\xe9\ndef old():\n    pass\n".encode("latin-1"))
    git(session.repo, "add", "legacy.py")
    git(session.repo, "commit", "-q", "-m", "Legacy", date=days_ago(1))
    text = "# café\ndef old():\n    pass\n"
    uri = session.open("legacy.py", text)
    assert await hover_on(session, uri, text, "def old", "old") is None
    # The server is still answering.
    text = (session.repo / "app.py").read_text()
    uri = session.open("app.py", text)
    assert await hover_on(session, uri, text, "def sibling", "sibling") is not None


async def test_focus_time_in_the_file_is_shown_after_typing(session: Session) -> None:
    text = (session.repo / "app.py").read_text()
    uri = session.open("app.py", text)
    session.type_lines(uri, line=0, count=3)
    text = "".join(f"x{i} = {i}\n" for i in range(3)) + text
    shown = await hover_on(session, uri, text, "def parse_config", "parse_config")
    assert shown is not None
    focus = [line for line in shown.split("\n\n") if line.startswith("Your focus time")]
    assert len(focus) == 1 and focus[0].startswith("Your focus time in `app.py` this week: ")


@pytest.mark.parametrize("off", [{"hover": False}, {"enabled": False}])
async def test_the_setting_turns_the_hover_off(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str, off: dict
) -> None:
    session = await start_session(repo, data_dir, preset, initialization_options={"git": off})
    expose_client(request, session.client)
    try:
        text = (repo / "app.py").read_text()
        uri = session.open("app.py", text)
        assert await hover_on(session, uri, text, "def parse_config", "parse_config") is None
    finally:
        await end_session(session)


async def test_churn_counts_only_the_developers_commits(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> None:
    """With ``git.authors`` naming Linus, Ada's commit this week is not his churn."""
    options = {"git": {"authors": ["linus@example.com"]}}
    session = await start_session(repo, data_dir, preset, initialization_options=options)
    expose_client(request, session.client)
    try:
        text = (repo / "app.py").read_text()
        uri = session.open("app.py", text)
        shown = await hover_on(session, uri, text, "def parse_config", "parse_config")
        assert shown is not None
        assert shown.endswith("Your commits this week: none in `app.py`")
        # The history itself is still everyone's.
        assert shown.startswith("**`parse_config`** · 2 commits in the last 30 days · 2 authors")
    finally:
        await end_session(session)
