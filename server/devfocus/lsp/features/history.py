"""A definition's history on hover: on the name of a Python ``def``/``class`` only, so the hovers
of other servers (pylsp, pyright) are left alone everywhere else. With it: the week's focus time
in its file and the file's rank, the developer's churn, and a hotspot insight about it."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from devfocus.lsp.documents import is_python, server_position
from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.handlers import handler

if TYPE_CHECKING:
    from devfocus.lsp.server import DevFocusServer

FOCUS_WAIT = 2.0  # seconds a hover waits for the focus time before showing the rest


class HistoryFeature(LanguageFeature):
    def __init__(self, server: DevFocusServer) -> None:
        super().__init__(server)
        server.feature(types.TEXT_DOCUMENT_HOVER)(handler(self.hover))

    async def hover(self, params: types.HoverParams) -> types.Hover | None:
        git = self.server.settings.git
        if not (git.enabled and git.hover):  # git.enabled false: no git history is read at all
            return None
        if not self.server.trust.any_allowed:  # an untrusted workspace, or git.trust `never`
            return None
        uri = params.text_document.uri
        document = self.server.open_document(uri)
        if document is None or not is_python(uri, document.language_id):
            return None
        path = to_fs_path(uri)
        lines = document.lines
        line = params.position.line
        if not path or line >= len(lines):
            return None
        # Deferred: hover's history code loads with the first hover on Python.
        from devfocus.insights.historyhover import header_name_at

        codec = self.server.workspace.position_codec
        _, character = server_position(lines, params.position, codec.encoding)
        insights = self.server.editor_insights()
        service = insights.history
        if header_name_at(lines[line], character) is None:
            # Not on a definition's name (cheap, on the event loop); the mouse is over the
            # file, though: read its history now, so a hover on a name will not wait for git.
            service.warm(path)
            return None
        # The week's focus times come from the store thread while git is read on the history one.
        ranking = asyncio.ensure_future(insights.week_ranking(FOCUS_WAIT))
        # Another feature's analysis of the document's current version saves parsing it again.
        facts = self.server.module_facts(uri)
        now = service.clock()
        # Deferred: loaded with the history service above.
        from devfocus.app.editorinsights import hover_hotspot
        from devfocus.app.focustimes import week_start
        from devfocus.insights.historyhover import render_hover

        found = await service.lookup(
            path,
            (uri, document.version),
            document.source,
            line,
            character,
            facts,
            since=week_start(now),
            authors=self.server.settings.git.authors,
        )
        if found is None:
            ranking.cancel()  # the fetch itself carries on, for the next hover
            return None
        ranked = await ranking
        target = Path(os.path.abspath(path)).as_posix()
        rank = ranked.of(target) if ranked is not None else None
        seconds = ranked.seconds(target) if ranked is not None else None
        hotspot = hover_hotspot(found, target, ranked, self.server.settings, now)
        markdown = self._markdown()
        text = render_hover(found, seconds, now, markdown=markdown, rank=rank, hotspot=hotspot)
        kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
        name = types.Range(
            start=types.Position(found.line, found.start),
            end=types.Position(found.line, found.end),
        )
        return types.Hover(
            contents=types.MarkupContent(kind=kind, value=text),
            range=codec.range_to_client_units(lines, name),
        )

    def data_erased(self) -> None:
        """The user's data was erased: no hover may show focus time from before."""
        self.server.editor_insights().forget_focus()

    def _markdown(self) -> bool:
        formats = self.server.client_supports("text_document.hover.content_format")
        return (
            not isinstance(formats, (list, tuple))
            or not formats
            or types.MarkupKind.Markdown in formats
        )
