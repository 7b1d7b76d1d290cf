"""Hotspot definitions as diagnostics (``devfocus-insights``) and on hover, through the real
server, a real repository and activity the server recorded itself.

The repository's commits are dated relative to now, all the developer's (the repository's
``user.email``):

* 10 days ago: ``app.py`` with ``total``, ``helper`` and ``class Cart``;
* 4, 3, 2 and 1 day(s) ago: a change inside ``total`` each;
* 2½ days ago: a change inside ``helper``.

So this week ``total`` has 4 commits (a hotspot with the default threshold of 3), ``helper`` 1,
``Cart.size`` none, and ``app.py`` 5. A first server session records the developer's focus time
in ``app.py`` (the only file with any: rank 1); the second one shows the hotspot.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.lsp.conftest import Session, end_session, expose_client, start_session
from tests.lsp.docs_helpers import DocsClient
from tests.repos import git

DEVELOPER = "Ada Lovelace <ada@example.com>"
SOURCE = "devfocus-insights"
# Seconds the developer spends typing in app.py in the first session: focus time to rank.
TYPING_SECONDS = 1.5

FIRST = """def total(items):
    return sum(items)


def helper():
    return 1


class Cart:
    def size(self):
        return 0
"""


def days_ago(days: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


def commit(repo: Path, text: str, subject: str, days: float) -> str:
    (repo / "app.py").write_text(text)
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", subject, "--author", DEVELOPER, date=days_ago(days))
    return git(repo, "rev-parse", "HEAD").strip()


def version_of(take: int, helper: int) -> str:
    """app.py after ``take`` changes to total, with helper returning ``helper``."""
    body = "return sum(items)" + (f" + {take}" if take else "")
    return FIRST.replace("return sum(items)", body).replace("return 1", f"return {helper}")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The workspace: the repository above (overrides conftest's)."""
    repo = tmp_path / "shop"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ada@example.com")  # the developer
    commit(repo, version_of(0, 1), "Start", 10)
    commit(repo, version_of(1, 1), "Total, take 1", 4)
    commit(repo, version_of(2, 1), "Total, take 2", 3)
    commit(repo, version_of(2, 2), "Helper returns two", 2.5)
    commit(repo, version_of(3, 2), "Total, take 3", 2)
    commit(repo, version_of(4, 2), "Total, take 4", 1)
    return repo


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines()) if needle in line)


def name_range(text: str, header: str, name: str) -> types.Range:
    line = line_of(text, header)
    start = text.splitlines()[line].index(name)
    return types.Range(types.Position(line, start), types.Position(line, start + len(name)))


def insights(params: types.PublishDiagnosticsParams) -> list[types.Diagnostic]:
    return [d for d in params.diagnostics if d.source == SOURCE]


async def record_focus(repo: Path, data_dir: Path, preset: str) -> None:
    """A first session: the developer opens app.py and types in it for a while."""
    session = await start_session(repo, data_dir, preset)
    try:
        uri = session.open("app.py")
        version = 2
        loop = asyncio.get_running_loop()
        started = loop.time()
        while loop.time() - started < TYPING_SECONDS:
            version = session.type_lines(uri, line=0, count=1, version=version)
            # Time passes between keystrokes: focus time is the time between edits.
            await asyncio.sleep(0.25)
    finally:
        await end_session(session)  # the last activity is written on the way out


async def change_settings(docs: DocsClient, settings: dict[str, Any]) -> int:
    """Change the ``devfocus`` settings as an editor does; how many publishes came before."""
    seen = len(docs.publishes.items)
    docs.client.set_configuration(settings, section="devfocus")
    docs.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"devfocus": settings})
    )
    return seen


async def hover_text(session: Session, uri: str, position: types.Position) -> str:
    answer = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert answer is not None and isinstance(answer.contents, types.MarkupContent)
    return answer.contents.value


async def test_a_hotspot_definition_is_a_diagnostic_and_says_so_on_hover(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> None:
    await record_focus(repo, data_dir, preset)
    session = await start_session(repo, data_dir, preset)
    expose_client(request, session.client)
    try:
        docs = DocsClient(session, types.PositionEncodingKind.Utf16)
        text = version_of(4, 2)
        assert (repo / "app.py").read_text() == text
        uri = docs.open("app.py", text)

        # Opened: the hotspot is published with the document's version, on the name of total.
        published = await docs.publishes.wait_for(lambda p: p.uri == uri and insights(p))
        assert published.version == 1
        [hotspot] = insights(published)
        assert hotspot.range == name_range(text, "def total", "total")
        assert hotspot.severity == types.DiagnosticSeverity.Hint
        assert hotspot.code == "hotspot"
        assert hotspot.message.startswith(
            "total is a hotspot: 4 of your commits changed it this week, and app.py had "
        )
        assert "(your #1 file by focus time)" in hotspot.message

        # Lines typed above it: a publish for the new version has the name moved down. (The
        # docstring feature's publish for it may come first, with the last hotspot where it was:
        # as a client would show it until the hotspot's own publish.)
        seen = len(docs.publishes.items)
        edit = types.TextEdit(types.Range(types.Position(0, 0), types.Position(0, 0)), "# a\n")
        version = docs.change(uri, [edit])
        text = docs.texts[uri]
        moved = name_range(text, "def total", "total")
        await docs.publishes.wait_for(
            lambda p: (
                p.uri == uri and p.version == version and [d.range for d in insights(p)] == [moved]
            ),
            after=seen,
        )

        # The hover on it: the file's rank, the churn and the insight.
        position = name_range(text, "def total", "total").start
        shown = (await hover_text(session, uri, position)).split("\n\n")
        focus = next(line for line in shown if line.startswith("Your focus time"))
        assert focus.startswith("Your focus time in `app.py` this week: ")
        assert focus.endswith(" · #1 of 1 file")
        assert "Your commits this week: 4 changed `total` (5 in `app.py`)" in shown
        assert shown[-1].startswith("Hotspot: 4 commits and ")
        assert shown[-1].endswith(" of focus this week")
        # Not every definition: helper has one commit this week.
        position = name_range(text, "def helper", "helper").start
        shown = (await hover_text(session, uri, position)).split("\n\n")
        assert shown[-1] == "Your commits this week: 1 changed `helper` (5 in `app.py`)"

        # A severity from the settings: re-published at once, same version.
        seen = await change_settings(docs, {"insights": {"hotspotSeverity": "warning"}})
        published = await docs.publishes.wait_for(
            lambda p: (
                p.uri == uri
                and any(d.severity == types.DiagnosticSeverity.Warning for d in insights(p))
            ),
            after=seen,
        )
        assert published.version == version

        # A threshold above total's 4 commits: no hotspot.
        seen = await change_settings(
            docs, {"insights": {"hotspotSeverity": "warning", "hotspotCommits": 5}}
        )
        published = await docs.publishes.wait_for(
            lambda p: p.uri == uri and not insights(p), after=seen
        )
        assert published.version == version
        seen = await change_settings(
            docs, {"insights": {"hotspotSeverity": "information", "hotspotCommits": 4}}
        )
        published = await docs.publishes.wait_for(
            lambda p: p.uri == uri and insights(p), after=seen
        )
        assert [d.severity for d in insights(published)] == [types.DiagnosticSeverity.Information]

        # `off`: the hotspot goes away.
        seen = await change_settings(docs, {"insights": {"hotspotSeverity": "off"}})
        published = await docs.publishes.wait_for(
            lambda p: p.uri == uri and not insights(p), after=seen
        )
        assert published.version == version
        # And the docstring diagnostics of the same file were kept beside it all along.
        assert any(d.source == "devfocus-docs" for d in published.diagnostics)
    finally:
        await end_session(session)


async def test_no_hotspot_without_focus_time_in_the_file(session: Session) -> None:
    """The same commits, but no focus time recorded in app.py: it is not among the files with
    the most focus time, so nothing is a hotspot (the docstring diagnostics come alone)."""
    docs = DocsClient(session, types.PositionEncodingKind.Utf16)
    text = (session.repo / "app.py").read_text()
    uri = docs.open("app.py", text)
    position = name_range(text, "def total", "total").start
    shown = (await hover_text(session, uri, position)).split("\n\n")
    assert "Your focus time in `app.py` this week: none yet" in shown
    assert shown[-1] == "Your commits this week: 4 changed `total` (5 in `app.py`)"
    assert not any(insights(p) for p in docs.publishes.items)


async def test_an_untrusted_workspace_gets_hotspots_only_once_trusted(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> None:
    """No git is read for a workspace the editor does not trust: no hotspot until trust is
    granted (``devfocus/workspaceTrust``), then at once, for the open file."""
    await record_focus(repo, data_dir, preset)
    session = await start_session(repo, data_dir, preset, initialization_options={"trusted": False})
    expose_client(request, session.client)
    try:
        docs = DocsClient(session, types.PositionEncodingKind.Utf16)
        text = version_of(4, 2)
        uri = docs.open("app.py", text)
        await docs.publishes.wait_for(lambda p: p.uri == uri and p.version == 1)
        position = name_range(text, "def total", "total").start
        answer = await session.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=position
            )
        )
        assert answer is None  # no history either
        assert not any(insights(p) for p in docs.publishes.items)

        session.client.protocol.notify("devfocus/workspaceTrust", {"trusted": True})
        published = await docs.publishes.wait_for(lambda p: p.uri == uri and insights(p))
        assert published.version == 1
        assert [d.range for d in insights(published)] == [name_range(text, "def total", "total")]
    finally:
        await end_session(session)
