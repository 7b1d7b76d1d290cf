"""``devfocus.report {open: true}``: the report written to a private file in the data directory and
shown by the editor through window/showDocument."""

from __future__ import annotations

import asyncio
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pygls.exceptions import JsonRpcException

from tests.lsp.conftest import TIMEOUT, end_session, expose_client, start_session
from tests.lsp.test_status import seed_edits


async def poll_until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """The server removes files on a thread of its own: poll the folder, with a bound."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "the report files were not removed"
        await asyncio.sleep(0.05)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_week_report_opens_from_a_private_file(
    request: pytest.FixtureRequest, repo: Path, data_dir: Path, preset: str
) -> None:
    seed_edits(data_dir, repo, "main", start=time.time() - 30 * 60, minutes=20)
    # Reports written before, oldest first: all but the newest are pruned when one more comes.
    folder = data_dir / "reports"
    folder.mkdir(parents=True)
    old = [
        folder / f"devfocus-report-week-2026010{i % 10}-0000{i:02d}-aaaaaa.md" for i in range(25)
    ]
    for i, path in enumerate(old):
        path.write_text("old")
        os.utime(path, (time.time() - 86400 + i, time.time() - 86400 + i))
    mine = folder / "notes.txt"  # not a report file: left alone
    mine.write_text("mine")
    os.chmod(folder, 0o755)

    s = await start_session(repo, data_dir, preset)
    expose_client(request, s.client)
    try:
        result = await s.command("devfocus.report", {"period": "week", "open": True})
        # The server asked before it answered: pytest-lsp's client shows every document.
        [shown] = s.client.shown_documents
        path = Path(result["path"])
        assert result["shown"] is True
        assert shown.uri == result["uri"] == path.as_uri()
        assert shown.external is False and shown.take_focus is True  # Markdown: in the editor
        assert path.parent == folder and path.suffix == ".md"
        assert mode(path) == 0o600 and mode(folder) == 0o700
        text = path.read_text()
        assert text.startswith("# DevFocus — Last 7 days")
        assert f"| {repo.name} |" in text
        # The 20 newest report files stay: this one and the 19 newest of the old ones.
        kept = sorted(p.name for p in folder.glob("devfocus-report-*"))
        assert len(kept) == 20 and path.name in kept
        assert not old[0].exists() and old[-1].exists() and mine.exists()

        # HTML, with its charts, goes to a browser (VS Code's extension shows it in a webview).
        html = await s.command(
            "devfocus.report", {"period": "week", "format": "html", "open": True}
        )
        assert s.client.shown_documents[-1].uri == html["uri"]
        assert s.client.shown_documents[-1].external is True
        page = Path(html["path"])
        assert page.suffix == ".html" and mode(page) == 0o600
        assert "<svg" in page.read_text()

        # Only HTML and Markdown are written to be shown.
        with pytest.raises(JsonRpcException, match="open writes html or markdown"):
            await s.command("devfocus.report", {"period": "week", "format": "json", "open": True})
        with pytest.raises(JsonRpcException, match="open must be true or false"):
            await s.command("devfocus.report", {"period": "week", "open": "yes"})

        # Erasing the user's data erases the reports made from it.
        await s.command("devfocus.data.delete", {"confirm": True})
        await poll_until(lambda: not list(folder.glob("devfocus-report-*")))
        assert mine.exists()
    finally:
        await end_session(s)
