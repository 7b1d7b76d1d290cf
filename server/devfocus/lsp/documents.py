"""Text documents that apply an incremental change in time proportional to the change.

pygls's own ``TextDocument`` splits and rebuilds the whole text on every change, which costs more
than everything else a keystroke does once a file has a few hundred lines. Here the lines are
the source of truth; the text is joined only when someone asks for it, and a column needs no
conversion on a line whose characters are each one code unit in the client's encoding.

Lines and positions follow LSP, as editors do (VS Code's own ``TextDocument`` is the model): a
line ends at ``\\n``, ``\\r\\n`` or ``\\r`` only (never at a form feed or U+2028, which
``str.splitlines`` would break at); a character past the end of a line means the end of that
line, a line past the last one means the end of the document; a range whose end comes before its
start is taken in order.

The document also keeps its size and whether it holds a NUL character, so the protocol can check
them after every change without looking at the whole text.
"""

from __future__ import annotations

import copy
import logging
import operator
import re
from collections.abc import Callable, Sequence
from itertools import repeat

from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument, Workspace

from devfocus.text import split_lines

log = logging.getLogger(__name__)

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two code units each in UTF-16
# A line this long costs a copy of itself on every edit: such documents are edited off the
# event loop (see ``cheap_to_edit``).
LONG_LINE = 64 * 1024
# A document whose lines are not split yet is split on its first edit: off the loop past this.
LAZY_SPLIT = 1024 * 1024


def is_python(uri: str, language_id: str | None = None) -> bool:
    """Whether a document is Python, by its language or else its file name."""
    return language_id == "python" or uri.endswith((".py", ".pyi"))


def _one_unit_per_character(text: str, encoding: object) -> bool:
    if text.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return True
    if encoding == types.PositionEncodingKind.Utf8:
        return False
    return _ASTRAL.search(text) is None  # UTF-16, pygls's default


def _content_length(line: str) -> int:
    """The length of ``line`` without its line break."""
    if line.endswith("\n"):
        return len(line) - (2 if line.endswith("\r\n") else 1)
    return len(line) - line.endswith("\r")


def _code_points(text: str, units: int, encoding: object) -> int:
    """How many characters of ``text`` its first ``units`` code units cover (a unit inside a
    character counts that character, as pygls does)."""
    utf8 = encoding == types.PositionEncodingKind.Utf8
    data = text.encode("utf-8" if utf8 else "utf-16-le", "surrogatepass")
    width = 1 if utf8 else 2
    cut = units * width
    if cut >= len(data):
        return len(text)
    if utf8:
        while cut < len(data) and data[cut] & 0xC0 == 0x80:  # inside a multi-byte character
            cut += 1
    elif 0xD800 <= int.from_bytes(data[cut - 2 : cut], "little") <= 0xDBFF:
        cut += 2  # between the halves of a surrogate pair
    return len(data[:cut].decode("utf-8" if utf8 else "utf-16-le", "surrogatepass"))


def server_position(
    lines: Sequence[str], position: types.Position, encoding: object
) -> tuple[int, int]:
    """(line, character in code points) of an LSP position, as LSP reads it: a character past
    the line's end is its end, a line past the last is the document's end."""
    if not lines:
        return 0, 0
    line = max(position.line, 0)
    if line >= len(lines):
        return len(lines) - 1, len(lines[-1])
    text = lines[line]
    length = _content_length(text)
    character = max(position.character, 0)
    if _one_unit_per_character(text, encoding):
        return line, min(character, length)
    return line, min(_code_points(text[:length], character, encoding), length)


def _split(text: str, slice_chars: int = 1024 * 1024) -> list[str]:
    """``split_lines(text)``, a slice at a time: one C call on a whole 50 MB text holds the
    interpreter lock for a tenth of a second."""
    if len(text) <= slice_chars:
        return split_lines(text)
    lines: list[str] = []
    partial: list[str] = []  # the start of a line that runs past a slice
    start = 0
    while start < len(text):
        end = start + slice_chars
        if text[end - 1 : end + 1] == "\r\n":
            end += 1  # never part a CRLF
        found = split_lines(text[start:end])
        if partial:
            partial.append(found[0])
            if found[0][-1] in "\r\n":
                lines.append("".join(partial))
                partial = []
            del found[0]
        if found and found[-1][-1] not in "\r\n":
            partial.append(found.pop())
        lines += found
        start = end
    if partial:
        lines.append("".join(partial))
    return lines


def _long_lines(lines: Sequence[str]) -> int:
    return sum(map(LONG_LINE.__lt__, map(len, lines)))


def _lines_with_nul(lines: Sequence[str]) -> int:
    return sum(map(operator.contains, lines, repeat("\x00")))


def _in_slices(count: Callable[[Sequence[str]], int], lines: list[str], size: int = 65536) -> int:
    """``count(lines)``, a slice at a time (one C call over a million lines holds the lock)."""
    return sum(count(lines[i : i + size]) for i in range(0, len(lines), size))


class LineDocument(TextDocument):
    def __init__(
        self,
        uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
        local: bool = True,
        sync_kind: types.TextDocumentSyncKind = types.TextDocumentSyncKind.Incremental,
        position_codec: PositionCodec | None = None,
    ) -> None:
        super().__init__(uri, source, version, language_id, local, sync_kind, position_codec)
        self._lines: list[str] | None = None
        # Kept up to date with the lines once they are split (None: not known yet).
        self._chars: int | None = None
        self._nul_lines: int | None = None
        self._long_lines: int | None = None
        self._warned_reversed = False

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
        """The lines with their line breaks, broken where LSP breaks them."""
        if self._lines is None:
            lines = _split(self.source)
            self._chars = len(self.source)
            self._nul_lines = _in_slices(_lines_with_nul, lines)
            self._long_lines = _in_slices(_long_lines, lines)
            self._lines = lines
        return self._lines

    # -- what the protocol checks after every change ------------------------------------------
    @property
    def char_count(self) -> int:
        if self._chars is None:
            self._chars = len(self.source)
        return self._chars

    @property
    def contains_nul(self) -> bool:
        if self._nul_lines is None:
            return "\x00" in self.source
        return self._nul_lines > 0

    @property
    def cheap_to_edit(self) -> bool:
        """Whether a small edit costs little (its lines are split and none is very long)."""
        if self._lines is None:
            return self._source is not None and len(self._source) <= LAZY_SPLIT
        return not self._long_lines

    def copy(self) -> LineDocument:
        """A copy to edit on another thread: the lines are shared until edited."""
        twin = copy.copy(self)
        if self._lines is not None:
            twin._lines = list(self._lines)
        return twin

    def take(self, other: LineDocument) -> list[str] | None:
        """Become ``other`` (an edited :meth:`copy`); returns the lines it had, for the caller
        to let go of where it costs nothing (freeing a million lines takes 60 ms)."""
        lines = self._lines
        vars(self).update(vars(other))
        return lines

    def release(self) -> list[str] | None:
        """Empty the document (it is closed); returns its lines, as :meth:`take` does."""
        lines = self._lines
        self._lines = None
        self._source = ""
        return lines

    def drop_text_cache(self) -> None:
        """Keep the lines only (a document nobody reads is held once, not twice)."""
        if self._lines is not None:
            self._source = None

    # -- changes -------------------------------------------------------------------------------
    def _apply_full_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        self._source = change.text
        self._lines = None
        self._chars = len(change.text)
        self._nul_lines = self._long_lines = None

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        lines = self.lines
        assert isinstance(lines, list)
        if not lines:
            self._apply_full_change(change)
            return
        start, end = change.range.start, change.range.end
        if (end.line, end.character) < (start.line, start.character):
            self._reversed_range()
            start, end = end, start
        first, begin = self._server_position(lines, start)
        last, stop = self._server_position(lines, end)
        piece = lines[first][:begin] + change.text + lines[last][stop:]
        # Rejoin neighbours the edit runs into: a piece that lost its line break, or a "\r" and a
        # "\n" that meet to make one "\r\n".
        while last + 1 < len(lines) and (
            not piece
            or piece[-1] not in "\r\n"
            or (piece[-1] == "\r" and lines[last + 1].startswith("\n"))
        ):
            last += 1
            piece += lines[last]
        if first > 0 and piece.startswith("\n") and lines[first - 1].endswith("\r"):
            first -= 1
            piece = lines[first] + piece
        new = split_lines(piece)
        old = lines[first : last + 1]
        if self._chars is not None:
            self._chars += len(piece) - sum(map(len, old))
        if self._nul_lines is not None:
            self._nul_lines += _lines_with_nul(new) - _lines_with_nul(old)
        if self._long_lines is not None:
            self._long_lines += _long_lines(new) - _long_lines(old)
        lines[first : last + 1] = new
        self._source = None

    def _server_position(self, lines: list[str], position: types.Position) -> tuple[int, int]:
        return server_position(lines, position, self._position_codec.encoding)

    def _reversed_range(self) -> None:
        if not self._warned_reversed:
            self._warned_reversed = True
            log.warning(
                "a change to %s has a range that ends before it starts: applied in order", self.uri
            )


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
