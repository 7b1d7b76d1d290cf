"""Editor activity reaches the database: every language, coalesced, placed, with exclusions."""

from __future__ import annotations

from collections import Counter

from lsprotocol import types

from tests.lsp.conftest import Session, end_session, expose_client, start_session


async def test_editing_records_placed_coalesced_events(session: Session) -> None:
    uri = session.open("app.py")
    session.type_lines(uri, line=2, count=40)
    session.client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )

    rows = await session.wait_for_events(
        lambda rows: {"open", "edit", "save"} <= {r["kind"] for r in rows}
    )
    edits = [r for r in rows if r["kind"] == "edit"]
    # 40 keystroke-level changes within a minute are one stored span, not 40 rows.
    assert len(edits) == 1
    edit = edits[0]
    assert edit["project"] == session.repo.as_posix()
    assert edit["path"] == "app.py"
    assert edit["language"] == "python"
    assert edit["branch"] == "main"
    assert edit["lines_added"] == 40
    assert edit["lines_removed"] == 0
    assert edit["editor"] == "pytest-lsp"
    assert edit["end_ms"] >= edit["start_ms"]


async def test_every_language_is_tracked(session: Session) -> None:
    (session.repo / "docs").mkdir()
    uri = session.open("docs/guide.md", "# Guide\n", language="markdown")
    session.type_lines(uri, line=1, count=3)
    rows = await session.wait_for_events(lambda rows: any(r["kind"] == "edit" for r in rows))
    edit = next(r for r in rows if r["kind"] == "edit")
    assert (edit["language"], edit["path"], edit["lines_added"]) == ("markdown", "docs/guide.md", 3)


async def test_removed_lines_are_counted_from_change_ranges(session: Session) -> None:
    uri = session.open("app.py", "a = 1\nb = 2\nc = 3\nd = 4\n")
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=1, character=0),
                        end=types.Position(line=3, character=0),
                    ),
                    text="",
                )
            ],
        )
    )
    rows = await session.wait_for_events(lambda rows: any(r["kind"] == "edit" for r in rows))
    edit = next(r for r in rows if r["kind"] == "edit")
    assert (edit["lines_added"], edit["lines_removed"]) == (0, 2)


async def test_excluded_and_non_file_documents_are_never_recorded(session: Session) -> None:
    (session.repo / "node_modules" / "lib").mkdir(parents=True)
    hidden = session.open("node_modules/lib/index.js", "x\n", language="javascript")
    session.type_lines(hidden, line=1, count=2)
    session.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri="untitled:Untitled-1", language_id="python", version=1, text=""
            )
        )
    )
    visible = session.open("app.py")
    session.type_lines(visible, line=0, count=1)

    await session.wait_for_events(lambda rows: any(r["kind"] == "edit" for r in rows))
    await session.client.shutdown_session()  # exiting writes whatever is left
    rows = session.events()
    assert {r["path"] for r in rows if r["path"]} == {"app.py"}
    assert all("node_modules" not in (r["path"] or "") for r in rows)


async def test_exclude_setting_from_initialization_options(repo, data_dir, preset) -> None:
    (repo / "secret").mkdir()
    s = await start_session(
        repo,
        data_dir,
        preset,
        initialization_options={"tracking": {"exclude": ["secret/**"]}},
    )
    try:
        s.type_lines(s.open("secret/keys.py", "k = 1\n"), line=1, count=2)
        s.type_lines(s.open("app.py"), line=0, count=1)
        await s.wait_for_events(lambda rows: any(r["path"] == "app.py" for r in rows))
    finally:
        await end_session(s)
    assert not [r for r in s.events() if r["path"] and r["path"].startswith("secret/")]


async def test_pause_stops_recording_and_resume_restarts_it(session: Session) -> None:
    uri = session.open("app.py")
    session.type_lines(uri, line=0, count=1)
    paused = await session.command("devfocus.tracking.pause")
    assert paused["state"] == "paused"
    await session.statuses.wait_for(lambda s: s.state == "paused")

    version = session.type_lines(uri, line=5, count=5, version=10)
    resumed = await session.command("devfocus.tracking.resume")
    assert resumed["state"] != "paused"
    session.type_lines(uri, line=20, count=2, version=version)

    await session.client.shutdown_session()
    rows = session.events()
    kinds = [r["kind"] for r in rows]
    assert "pause" in kinds
    pause_at = next(r["start_ms"] for r in rows if r["kind"] == "pause")
    edits = [r for r in rows if r["kind"] == "edit"]
    # One line before the pause and two after it; the five typed while paused are gone.
    assert sum(r["lines_added"] for r in edits) == 3
    assert [r["lines_added"] for r in edits if r["start_ms"] > pause_at] == [2]


async def test_window_focus_and_active_editor_are_recorded(session: Session) -> None:
    uri = session.open("app.py")
    session.client.protocol.notify("devfocus/activeEditor", {"uri": uri})
    session.client.protocol.notify("devfocus/windowState", {"focused": False})
    # While the window has no focus its changes are not the developer's: not recorded.
    session.type_lines(uri, line=0, count=3)
    session.client.protocol.notify("devfocus/windowState", {"focused": True})
    session.client.protocol.notify("devfocus/activeEditor", {"uri": None})

    expected = Counter({"open": 1, "activate": 2, "blur": 1, "focus": 1})
    rows = await session.wait_for_events(lambda rows: Counter(r["kind"] for r in rows) == expected)
    by_kind = {(r["kind"], r["path"]) for r in rows}
    # Focus and blur carry the active editor's place; a null active editor has none.
    expected_places = {
        ("activate", "app.py"),
        ("activate", None),
        ("blur", "app.py"),
        ("focus", "app.py"),
    }
    assert expected_places <= by_kind
    assert all(r["project"] == session.repo.as_posix() for r in rows if r["path"])


async def test_broken_repositories_are_tracked_without_a_branch(
    request, tmp_path, data_dir, preset
) -> None:
    garbage = tmp_path / "garbage"
    (garbage / ".git").mkdir(parents=True)
    (garbage / ".git" / "HEAD").write_bytes(b"\x00\xff not a ref")
    dangling = tmp_path / "dangling"
    dangling.mkdir()
    (dangling / ".git").write_text("gitdir: ../nowhere/.git\n")
    s = await start_session(garbage, data_dir, preset)
    expose_client(request, s.client)
    try:
        s.type_lines(s.open("a.py", "a = 1\n"), line=1, count=1)
        other = (dangling / "b.py").as_uri()
        s.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=other, language_id="python", version=1, text=""
                )
            )
        )
        s.type_lines(other, line=0, count=1)
        rows = await s.wait_for_events(
            lambda rows: {r["path"] for r in rows if r["kind"] == "edit"} == {"a.py", "b.py"}
        )
        places = {(r["project"], r["path"], r["branch"]) for r in rows if r["kind"] == "edit"}
        assert places == {
            (garbage.as_posix(), "a.py", None),  # a damaged HEAD names no branch
            (dangling.as_posix(), "b.py", None),  # no git directory at all
        }
        assert (await s.command("devfocus.status"))["state"] == "active"
    finally:
        await end_session(s)
