"""Lines pasted (or completed, or generated) in one large change are counted apart from typed
ones: in the database, the report and the export, with the threshold the settings give."""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from tests.lsp.conftest import Session

BULK = "bulkLinesAdded"  # the JSON report's figure of lines added in bulk, beside linesAdded


def paste(session: Session, uri: str, line: int, count: int, version: int) -> int:
    """One didChange inserting ``count`` lines at ``line``; returns the next version."""
    text = "".join(f"pasted_{line + i} = {i}\n" for i in range(count))
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=line, character=0),
                        end=types.Position(line=line, character=0),
                    ),
                    text=text,
                )
            ],
        )
    )
    return version + 1


async def today(session: Session) -> dict:
    return await session.command("devfocus.report", {"period": "today", "format": "json"})


async def test_a_paste_is_counted_apart_from_typed_lines(session: Session, tmp_path: Path) -> None:
    uri = session.open("app.py", "")
    version = paste(session, uri, line=0, count=12, version=2)  # one change: bulk
    session.type_lines(uri, line=12, count=3, version=version)  # three changes: typed

    report = await today(session)
    assert (report["linesAdded"], report[BULK]) == (15, 12)

    # Stored as such: the edit span in the database file holds both figures.
    rows = await session.wait_for_events(
        lambda rows: sum(r["lines_added"] for r in rows if r["kind"] == "edit") == 15
    )
    edits = [r for r in rows if r["kind"] == "edit"]
    assert sum(r["lines_bulk"] for r in edits) == 12

    # And exported with the rest of the event.
    target = tmp_path / "export.json"
    await session.command("devfocus.export", {"format": "json", "path": str(target)})
    events = json.loads(target.read_text())["events"]
    assert sum(e["linesAdded"] for e in events) == 15
    assert sum(e["linesBulk"] for e in events) == 12


async def test_small_changes_are_never_bulk_however_many(session: Session) -> None:
    uri = session.open("app.py", "")
    version = 2
    for line in range(0, 35, 7):  # five changes of seven lines: under the default of eight
        version = paste(session, uri, line=line, count=7, version=version)
    report = await today(session)
    assert (report["linesAdded"], report[BULK]) == (35, 0)


async def test_a_changed_threshold_applies_to_the_next_edits(session: Session) -> None:
    uri = session.open("app.py", "")
    version = paste(session, uri, line=0, count=10, version=2)  # default threshold 8: bulk

    seen = len(session.client.log_messages)
    session.client.set_configuration({"insights": {"bulkLines": 20}}, section="devfocus")
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    await session.wait_for_log("settings applied", after=seen)

    version = paste(session, uri, line=10, count=10, version=version)  # under 20 now: typed
    paste(session, uri, line=20, count=25, version=version)  # 20 or more: bulk
    report = await today(session)
    assert (report["linesAdded"], report[BULK]) == (45, 35)
