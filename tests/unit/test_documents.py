"""LineDocument keeps the text an LSP client has: checked against a reference that applies each
change to the whole text the way vscode-languageserver-textdocument's ``TextDocument`` does."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace import PositionCodec, Workspace

from devfocus.lsp.documents import LONG_LINE, LineDocument, LineWorkspace, _split
from devfocus.text import split_lines

URI = "file:///project/example.py"

# Tokens random text is made of: LSP's line breaks (lone CR and LF more often, so that they
# often meet), characters str.splitlines() breaks at but LSP does not, a UTF-16 surrogate pair,
# a two-byte UTF-8 character and plain letters.
ALPHABET = (
    *("a", "b", "z", " ", "\t"),
    *("\n", "\n", "\r", "\r", "\r\n"),
    *("\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"),
    *("😋", "é", "\x00"),
)
UTF16 = types.PositionEncodingKind.Utf16
ENCODINGS = (
    types.PositionEncodingKind.Utf16,
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf32,
)


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def partial(start: tuple[int, int], end: tuple[int, int], text: str):
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=pos(*start), end=pos(*end)), text=text
    )


def whole(text: str):
    return types.TextDocumentContentChangeWholeDocument(text=text)


def units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf16:
        return len(text.encode("utf-16-le")) // 2
    return len(text)


class Reference:
    """The text as one string, changed as vscode-languageserver-textdocument changes it: lines
    start after "\n", "\r\n" or "\r"; a range is put in order; a position becomes an offset
    clamped to its line (a line past the last one is the end of the text) and moved back out of
    a line break. Columns count code units of ``encoding``; one that falls inside a character
    counts that character."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding

    @property
    def lines(self) -> list[str]:
        return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", self.text)

    def starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", self.text)]

    def offset(self, position: types.Position) -> int:
        starts = self.starts()
        if position.line >= len(starts):
            return len(self.text)
        start = starts[position.line]
        if position.character <= 0:
            return start
        following = starts[position.line + 1] if position.line + 1 < len(starts) else len(self.text)
        used, offset = 0, start
        while offset < following and used < position.character:
            used += units(self.text[offset], self.encoding)
            offset += 1
        while offset > start and self.text[offset - 1] in "\r\n":
            offset -= 1
        return offset

    def apply(self, change) -> None:
        if isinstance(change, types.TextDocumentContentChangeWholeDocument):
            self.text = change.text
            return
        start, end = change.range.start, change.range.end
        if (end.line, end.character) < (start.line, start.character):
            start, end = end, start
        a, b = self.offset(start), self.offset(end)
        self.text = self.text[:a] + change.text + self.text[b:]


def pair(source: str, encoding: str = UTF16) -> tuple[Reference, LineDocument]:
    return Reference(source, encoding), LineDocument(
        URI, source, position_codec=PositionCodec(encoding)
    )


def apply_both(reference: Reference, line_doc: LineDocument, change) -> None:
    reference.apply(change)
    line_doc.apply_change(change)


def assert_same(reference: Reference, line_doc: LineDocument) -> None:
    assert list(line_doc.lines) == reference.lines
    assert line_doc.source == reference.text
    assert line_doc.char_count == len(reference.text)
    assert line_doc.contains_nul == ("\x00" in reference.text)


def random_text(rng: random.Random, most: int, alphabet=ALPHABET) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, most)))


def random_position(rng: random.Random, lines, encoding: str) -> tuple[int, int]:
    """Often exactly at a line's end (after its line break) or just past it, sometimes on lines
    past the end of the document, otherwise anywhere up to a few units past the longest line."""
    line = rng.randint(0, len(lines) + 1)
    roll = rng.random()
    if line < len(lines) and roll < 0.4:
        return line, units(lines[line], encoding) + (0 if roll < 0.3 else 1)
    widest = max((units(x, encoding) for x in lines), default=0)
    return line, rng.randint(0, widest + 3)


# -- property-based, against the reference -------------------------------------------------------

tokens = st.lists(st.sampled_from(ALPHABET), max_size=30).map("".join)


@st.composite
def changes(draw, texts=tokens):
    if draw(st.integers(0, 19)) == 0:
        return whole(draw(texts))
    start = (draw(st.integers(0, 12)), draw(st.integers(0, 40)))
    end = (draw(st.integers(0, 12)), draw(st.integers(0, 40)))
    return partial(start, end, draw(st.lists(st.sampled_from(ALPHABET), max_size=6).map("".join)))


@settings(max_examples=400, deadline=None)
@given(
    source=tokens,
    encoding=st.sampled_from(ENCODINGS),
    edits=st.lists(changes(), min_size=1, max_size=25),
    look_every=st.integers(1, 5),
)
def test_any_changes_give_the_text_an_lsp_client_has(source, encoding, edits, look_every) -> None:
    """Line breaks of every kind, positions past line ends and past the last line, ranges in
    either order, all three encodings; looked at now and then, so both the lines-first and the
    text-first way through the document are exercised."""
    reference, line_doc = pair(source, encoding)
    for i, change in enumerate(edits):
        apply_both(reference, line_doc, change)
        if i % look_every == 0:
            assert_same(reference, line_doc)
    assert_same(reference, line_doc)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_long_random_edit_sequences(seed: int, encoding: str) -> None:
    rng = random.Random(seed)
    reference, line_doc = pair(random_text(rng, 30), encoding)
    for _ in range(600):
        if rng.random() < 0.05 or len(reference.text) > 400:
            text = random_text(rng, 20) if rng.random() < 0.8 else ""
            apply_both(reference, line_doc, whole(text))
        else:
            lines = reference.lines
            start = random_position(rng, lines, encoding)
            end = random_position(rng, lines, encoding)
            # Text ending in a lone CR often meets an LF that starts the following line.
            text = random_text(rng, 4) + ("\r" if rng.random() < 0.15 else "")
            apply_both(reference, line_doc, partial(start, end, text))
        if rng.random() < 0.5:
            assert_same(reference, line_doc)
    assert_same(reference, line_doc)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_random_cr_and_lf_edits(seed: int) -> None:
    """Only CR, LF and one letter: lone CRs and LFs meet and part all the time."""
    rng = random.Random(seed)
    alphabet = ("a", "\r", "\n")
    reference, line_doc = pair(random_text(rng, 12, alphabet))
    for _ in range(400):
        if len(reference.text) > 60:
            apply_both(reference, line_doc, whole("a\r\n\ra\n"))
        lines = reference.lines
        start = random_position(rng, lines, UTF16)
        end = random_position(rng, lines, UTF16)
        apply_both(reference, line_doc, partial(start, end, random_text(rng, 3, alphabet)))
        assert_same(reference, line_doc)


# -- targeted cases ----------------------------------------------------------------------------


def test_insert_within_a_line() -> None:
    reference, line_doc = pair("def f():\n    return 1\n")
    apply_both(reference, line_doc, partial((1, 11), (1, 12), "42"))
    assert line_doc.source == "def f():\n    return 42\n"
    assert list(line_doc.lines) == ["def f():\n", "    return 42\n"]
    assert_same(reference, line_doc)


def test_deleting_a_newline_joins_two_lines() -> None:
    reference, line_doc = pair("one\ntwo\nthree\n")
    apply_both(reference, line_doc, partial((0, 3), (1, 0), ""))
    assert list(line_doc.lines) == ["onetwo\n", "three\n"]
    assert_same(reference, line_doc)


def test_deleting_a_crlf_joins_two_lines() -> None:
    reference, line_doc = pair("one\r\ntwo\r\n")
    apply_both(reference, line_doc, partial((0, 3), (1, 0), ""))
    assert list(line_doc.lines) == ["onetwo\r\n"]
    assert_same(reference, line_doc)


def test_inserting_lf_after_a_lone_cr_makes_one_crlf_line() -> None:
    reference, line_doc = pair("a\rb")
    assert list(line_doc.lines) == ["a\r", "b"]
    apply_both(reference, line_doc, partial((1, 0), (1, 0), "\n"))
    assert list(line_doc.lines) == ["a\r\n", "b"]
    assert_same(reference, line_doc)


def test_cr_at_the_end_of_a_line_meets_the_lf_starting_the_next() -> None:
    reference, line_doc = pair("ab\n\nc")
    # Replace the first line's LF by a CR: it now meets the second line, a lone LF.
    apply_both(reference, line_doc, partial((0, 2), (1, 0), "\r"))
    apply_both(reference, line_doc, partial((0, 2), (0, 2), ""))
    assert_same(reference, line_doc)


def test_deleting_text_between_cr_and_lf_merges_them() -> None:
    reference, line_doc = pair("a\rmiddle\nb")
    assert list(line_doc.lines) == ["a\r", "middle\n", "b"]
    apply_both(reference, line_doc, partial((1, 0), (1, 6), ""))
    assert line_doc.source == "a\r\nb"
    assert list(line_doc.lines) == ["a\r\n", "b"]
    assert_same(reference, line_doc)


@pytest.mark.parametrize(
    "other", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
)
def test_only_cr_and_lf_break_lines(other: str) -> None:
    """str.splitlines() breaks at these, LSP does not: an edit below one lands where the editor
    put it."""
    reference, line_doc = pair(f"a{other}b\ndef f():\n    pass\n")
    assert list(line_doc.lines) == [f"a{other}b\n", "def f():\n", "    pass\n"]
    apply_both(reference, line_doc, partial((2, 4), (2, 8), "return 1"))
    assert line_doc.source == f"a{other}b\ndef f():\n    return 1\n"
    assert_same(reference, line_doc)


def test_surrogate_pair_positions_are_utf16_units() -> None:
    reference, line_doc = pair('x="😋"\n')
    # The closing quote is at UTF-16 offset 5 (the emoji takes two units).
    apply_both(reference, line_doc, partial((0, 5), (0, 6), "'"))
    assert line_doc.source == "x=\"😋'\n"
    assert_same(reference, line_doc)


def test_edit_at_the_very_end_of_the_document() -> None:
    reference, line_doc = pair("first\nlast")
    apply_both(reference, line_doc, partial((1, 4), (1, 4), "!\n"))
    assert list(line_doc.lines) == ["first\n", "last!\n"]
    # After a trailing newline the end of the document is past the last line.
    apply_both(reference, line_doc, partial((2, 0), (2, 0), "more"))
    assert line_doc.source == "first\nlast!\nmore"
    assert_same(reference, line_doc)


def test_a_character_past_the_end_of_the_last_line_is_its_end() -> None:
    """Not before its last character (pygls's clamping)."""
    reference, line_doc = pair("first\nlast")
    apply_both(reference, line_doc, partial((1, 99), (1, 99), "!"))
    assert line_doc.source == "first\nlast!"
    assert_same(reference, line_doc)


def test_a_character_past_a_line_end_stays_before_its_line_break() -> None:
    reference, line_doc = pair("ab\r\ncd\n")
    apply_both(reference, line_doc, partial((0, 3), (0, 3), "X"))  # between CR and LF
    apply_both(reference, line_doc, partial((1, 9), (1, 9), "Y"))
    assert line_doc.source == "abX\r\ncdY\n"
    assert_same(reference, line_doc)


def test_lines_past_the_last_are_the_end_of_the_document() -> None:
    reference, line_doc = pair("ab\ncd")
    apply_both(reference, line_doc, partial((0, 50), (7, 90), "X"))
    assert line_doc.source == "abX"
    apply_both(reference, line_doc, partial((9, 0), (9, 0), "Y"))
    assert line_doc.source == "abXY"
    assert_same(reference, line_doc)


def test_a_range_that_ends_before_it_starts_is_taken_in_order(caplog) -> None:
    """It used to duplicate the text between its ends."""
    reference, line_doc = pair("hello world\nbye\n")
    apply_both(reference, line_doc, partial((1, 3), (0, 6), "there"))
    assert line_doc.source == "hello there\n"
    assert_same(reference, line_doc)
    apply_both(reference, line_doc, partial((0, 5), (0, 0), "HELLO"))
    assert line_doc.source == "HELLO there\n"
    assert [
        r.getMessage() for r in caplog.records if "ends before it starts" in r.getMessage()
    ] == [
        f"a change to {URI} has a range that ends before it starts: applied in order"
    ]  # once per document


def test_empty_document_takes_an_insert() -> None:
    reference, line_doc = pair("")
    assert list(line_doc.lines) == []
    apply_both(reference, line_doc, partial((3, 4), (0, 0), "hello\nworld"))
    assert line_doc.source == "hello\nworld"
    assert_same(reference, line_doc)


def test_deleting_everything_leaves_an_empty_document() -> None:
    reference, line_doc = pair("one\ntwo\n")
    apply_both(reference, line_doc, partial((0, 0), (2, 0), ""))
    assert line_doc.source == ""
    assert list(line_doc.lines) == []
    apply_both(reference, line_doc, partial((0, 0), (0, 0), "again"))
    assert_same(reference, line_doc)


def test_whole_document_change_replaces_the_text() -> None:
    reference, line_doc = pair("old\ntext\n")
    apply_both(reference, line_doc, whole("new\r\ncontent"))
    assert list(line_doc.lines) == ["new\r\n", "content"]
    apply_both(reference, line_doc, partial((1, 0), (1, 7), "body"))
    assert line_doc.source == "new\r\nbody"
    assert_same(reference, line_doc)


def test_utf8_positions_count_bytes() -> None:
    reference, line_doc = pair("é😋x\n", types.PositionEncodingKind.Utf8)
    apply_both(reference, line_doc, partial((0, 6), (0, 7), "y"))  # é is 2 bytes, 😋 4
    assert line_doc.source == "é😋y\n"
    apply_both(reference, line_doc, partial((0, 3), (0, 3), "|"))  # inside 😋: after it
    assert line_doc.source == "é😋|y\n"
    assert_same(reference, line_doc)


# -- size, NUL characters, long lines ------------------------------------------------------------


def test_size_and_nul_follow_the_edits() -> None:
    doc = LineDocument(URI, "abc\ndef\n")
    assert (doc.char_count, doc.contains_nul) == (8, False)
    doc.apply_change(partial((1, 1), (1, 1), "\x00"))
    assert (doc.char_count, doc.contains_nul) == (9, True)
    doc.apply_change(partial((1, 1), (1, 2), ""))
    assert (doc.char_count, doc.contains_nul) == (8, False)
    doc.apply_change(whole("x\x00" * 10))
    assert (doc.char_count, doc.contains_nul) == (20, True)


def test_a_long_line_makes_edits_expensive() -> None:
    doc = LineDocument(URI, "short\n")
    assert doc.lines == ["short\n"]
    assert doc.cheap_to_edit
    doc.apply_change(partial((0, 0), (0, 0), "x" * (LONG_LINE + 1)))
    assert not doc.cheap_to_edit
    doc.apply_change(partial((0, 10), (0, LONG_LINE + 1), "\n"))
    assert doc.cheap_to_edit
    assert doc.source == "x" * 10 + "\nshort\n"


def test_a_copy_is_edited_apart_and_taken_back() -> None:
    doc = LineDocument(URI, "one\ntwo\n", version=1)
    lines = doc.lines
    twin = doc.copy()
    twin.apply_change(partial((1, 0), (1, 3), "TWO"))
    assert doc.source == "one\ntwo\n" and doc.lines is lines
    doc.take(twin)
    assert doc.source == "one\nTWO\n"
    assert doc.char_count == 8


# -- large documents ---------------------------------------------------------------------------


class _CountingDocument(LineDocument):
    """Counts how often the whole text is asked for."""

    joins = 0

    @property
    def source(self) -> str:
        type(self).joins += 1
        return LineDocument.source.fget(self)  # type: ignore[attr-defined]


def test_small_edits_to_a_large_document_touch_only_the_edited_lines() -> None:
    original = [f"line {i}\n" for i in range(10_000)]
    doc = _CountingDocument(URI, "".join(original))
    lines = doc.lines
    untouched = list(lines)
    _CountingDocument.joins = 0

    for i in range(200):
        line = 17 + i * 37
        doc.apply_change(partial((line, 0), (line, 4), "LINE"))

    # The edits neither rebuilt the text nor replaced the list of lines or the other lines.
    assert _CountingDocument.joins == 0
    assert doc.lines is lines
    edited = {17 + i * 37 for i in range(200)}
    for i in (0, 1, 16, 18, 5000, 9999):
        if i not in edited:
            assert doc.lines[i] is untouched[i]

    expected = [("LINE" + x[4:]) if i in edited else x for i, x in enumerate(original)]
    assert list(doc.lines) == expected
    assert doc.source == "".join(expected)


def test_large_document_stays_equal_to_the_reference_under_line_breaking_edits() -> None:
    source = "".join(f"row {i}\n" for i in range(10_000))
    reference, line_doc = pair(source)
    apply_both(reference, line_doc, partial((5000, 3), (5000, 3), "\r\nsplit"))
    apply_both(reference, line_doc, partial((20, 5), (21, 0), ""))
    apply_both(reference, line_doc, partial((9999, 8), (9999, 8), "tail"))
    assert len(line_doc.lines) == 10_000
    assert_same(reference, line_doc)


# -- workspace ---------------------------------------------------------------------------------


def test_line_workspace_creates_line_documents(tmp_path) -> None:
    root = tmp_path.as_uri()
    workspace = LineWorkspace(root, types.TextDocumentSyncKind.Incremental, [], None)
    uri = (tmp_path / "a.py").as_uri()
    workspace.put_text_document(
        types.TextDocumentItem(uri=uri, language_id="python", version=1, text="x = 1\n")
    )
    doc = workspace.get_text_document(uri)
    assert isinstance(doc, LineDocument)
    assert doc.version == 1
    assert doc.language_id == "python"

    workspace.update_text_document(
        types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        partial((0, 4), (0, 5), "2\ny = 3"),
    )
    assert workspace.get_text_document(uri).source == "x = 2\ny = 3\n"
    assert workspace.get_text_document(uri).version == 2


def test_line_workspace_like_keeps_root_folders_and_encoding(tmp_path) -> None:
    folder = types.WorkspaceFolder(uri=(tmp_path / "proj").as_uri(), name="proj")
    original = Workspace(
        tmp_path.as_uri(),
        types.TextDocumentSyncKind.Incremental,
        [folder],
        types.PositionEncodingKind.Utf8,
    )
    workspace = LineWorkspace.like(original, types.TextDocumentSyncKind.Incremental)
    assert isinstance(workspace, LineWorkspace)
    assert workspace.root_uri == original.root_uri
    assert list(workspace.folders) == list(original.folders)
    assert workspace.position_encoding == types.PositionEncodingKind.Utf8

    uri = (tmp_path / "proj" / "m.py").as_uri()
    workspace.put_text_document(
        types.TextDocumentItem(uri=uri, language_id="python", version=0, text="é = 1\n")
    )
    doc = workspace.get_text_document(uri)
    assert isinstance(doc, LineDocument)
    # UTF-8 positions: "é" is two units, so character 2 is just after it.
    doc.apply_change(partial((0, 2), (0, 2), "x"))
    assert doc.source == "éx = 1\n"


def test_a_big_text_is_split_in_slices_as_a_whole() -> None:
    """Slices end anywhere: inside a line, between CR and LF, inside a long line."""
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice(["a", "\r", "\n", "\r\n", "\x0c", "é"]) for _ in range(60))
        for size in (1, 2, 3, 7):
            assert _split(text, size) == split_lines(text)
