"""Text documents that apply an incremental change in time proportional to the change.

pygls's own ``TextDocument`` splits and rebuilds the whole text on every change, which costs more
than everything else a keystroke does once a file has a few hundred lines. Here the lines are
the source of truth; the text is joined only when someone asks for it, and a column needs no
conversion on a line whose characters are each one code unit in the client's encoding (pygls's
codec walks the line up to the cursor for every position).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

# What str.splitlines() splits on, as pygls's documents do.
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two code units each in UTF-16


def _one_unit_per_character(text: str, encoding: object) -> bool:
    if text.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return True
    if encoding == types.PositionEncodingKind.Utf8:
        return False
    return _ASTRAL.search(text) is None  # UTF-16, pygls's default


class LineDocument(TextDocument):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._lines: list[str] | None = None

    @property
    def source(self) -> str:
        if self._source is None:
            if self._lines is not None:
                self._source = "".join(self._lines)
            else:
                self._source = super().source  # read from disk, as pygls does
        return self._source

    @property
    def lines(self) -> Sequence[str]:
        if self._lines is None:
            self._lines = self.source.splitlines(True)
        return self._lines

    def _apply_full_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        self._source = change.text
        self._lines = None

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        lines = self.lines
        assert isinstance(lines, list)
        if not lines:
            self._apply_full_change(change)
            return
        first, start = self._server_position(lines, change.range.start)
        last, end = self._server_position(lines, change.range.end)
        piece = lines[first][:start] + change.text + lines[last][end:]
        # Rejoin neighbours the edit runs into: a piece that lost its line break, or a "\r" and a
        # "\n" that meet to make one "\r\n".
        while last + 1 < len(lines) and (
            not piece
            or piece[-1] not in _LINE_BREAKS
            or (piece.endswith("\r") and lines[last + 1].startswith("\n"))
        ):
            last += 1
            piece += lines[last]
        if first > 0 and piece.startswith("\n") and lines[first - 1].endswith("\r"):
            first -= 1
            piece = lines[first] + piece
        lines[first : last + 1] = piece.splitlines(True)
        self._source = None

    def _server_position(self, lines: list[str], position: types.Position) -> tuple[int, int]:
        """pygls's ``position_from_client_units`` (clamping past-the-end positions as it does),
        answered without walking the line when no conversion is needed."""
        codec = self._position_codec
        if position.line < len(lines):
            text = lines[position.line]
            if _one_unit_per_character(text, codec.encoding):
                length = len(text) - text.endswith("\r\n")  # pygls counts "\r\n" as one
                if length == 0:
                    return position.line, 0
                column = position.character
                return position.line, column if column <= length else length - 1
        server = codec.position_from_client_units(lines, position)
        return server.line, server.character


class LineWorkspace(Workspace):
    """pygls's workspace, holding :class:`LineDocument` s."""

    @classmethod
    def like(cls, workspace: Workspace, sync_kind: types.TextDocumentSyncKind) -> LineWorkspace:
        return cls(
            workspace.root_uri,
            sync_kind,
            list(workspace.folders.values()),
            workspace.position_encoding,
        )

    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return LineDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self._position_codec,
        )
