"""LineDocument must keep exactly the text and lines pygls's own TextDocument would have."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument, Workspace

from devfocus.lsp.documents import LineDocument, LineWorkspace

URI = "file:///project/example.py"

# Tokens random text is made of: line breaks of several kinds str.splitlines() knows (lone CR
# and LF more often, so that they often meet), a UTF-16 surrogate pair, a two-byte UTF-8
# character and plain letters.
ALPHABET = (
    *("a", "b", "z", " ", "\t"),
    *("\n", "\n", "\r", "\r", "\r\n", "\x0c", "\u2028"),
    *("😋", "é"),
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


def pair(source: str, encoding: str = types.PositionEncodingKind.Utf16):
    reference = TextDocument(URI, source, position_codec=PositionCodec(encoding))
    line_doc = LineDocument(URI, source, position_codec=PositionCodec(encoding))
    return reference, line_doc


def apply_both(reference: TextDocument, line_doc: LineDocument, make_change) -> None:
    # pygls's position codec may rewrite a range it clamps, so each document gets its own copy.
    reference.apply_change(make_change())
    line_doc.apply_change(make_change())


def assert_same(reference: TextDocument, line_doc: LineDocument) -> None:
    assert list(line_doc.lines) == list(reference.lines)
    assert line_doc.source == reference.source


def random_text(rng: random.Random, most: int, alphabet=ALPHABET) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, most)))


def units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf16:
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def random_position(rng: random.Random, lines, encoding: str) -> tuple[int, int]:
    """Often exactly at a line's end (after its line break) or just past it, sometimes on lines
    past the end of the document, otherwise anywhere up to a few units past the longest line."""
    line = rng.randint(0, len(lines) + 1)
    roll = rng.random()
    if line < len(lines) and roll < 0.4:
        return line, units(lines[line], encoding) + (0 if roll < 0.3 else 1)
    widest = max((units(x, encoding) for x in lines), default=0)
    return line, rng.randint(0, widest + 3)


# -- differential ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_edits_match_pygls(seed: int, encoding: str) -> None:
    rng = random.Random(seed)
    reference, line_doc = pair(random_text(rng, 30), encoding)
    for _ in range(600):
        roll = rng.random()
        if roll < 0.05 or len(reference.source) > 400:
            text = random_text(rng, 20) if rng.random() < 0.8 else ""
            apply_both(reference, line_doc, lambda text=text: whole(text))
        else:
            lines = reference.lines
            start, end = sorted(
                [random_position(rng, lines, encoding), random_position(rng, lines, encoding)]
            )
            # Text ending in a lone CR often meets an LF that starts the following line.
            text = random_text(rng, 4) + ("\r" if rng.random() < 0.15 else "")
            apply_both(
                reference,
                line_doc,
                lambda start=start, end=end, text=text: partial(start, end, text),
            )
        # Look at the result in different orders, and sometimes not at all, so that both the
        # lines-first and the text-first way through the document are exercised.
        look = rng.random()
        if look < 0.4:
            assert list(line_doc.lines) == list(reference.lines)
            assert line_doc.source == reference.source
        elif look < 0.8:
            assert line_doc.source == reference.source
            assert list(line_doc.lines) == list(reference.lines)
    assert_same(reference, line_doc)


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15])
def test_random_cr_and_lf_edits_match_pygls(seed: int) -> None:
    """Only CR, LF and one letter: lone CRs and LFs meet and part all the time."""
    rng = random.Random(seed)
    alphabet = ("a", "\r", "\n")
    reference, line_doc = pair(random_text(rng, 12, alphabet))
    for _ in range(400):
        if len(reference.source) > 60:
            apply_both(reference, line_doc, lambda: whole("a\r\n\ra\n"))
        lines = reference.lines
        start, end = sorted(
            [random_position(rng, lines, UTF16), random_position(rng, lines, UTF16)]
        )
        text = random_text(rng, 3, alphabet)
        apply_both(
            reference, line_doc, lambda start=start, end=end, text=text: partial(start, end, text)
        )
        assert_same(reference, line_doc)


def test_random_edits_from_an_empty_document_match_pygls() -> None:
    rng = random.Random(99)
    reference, line_doc = pair("")
    for _ in range(500):
        if rng.random() < 0.1:
            apply_both(reference, line_doc, lambda: whole(""))
        lines = reference.lines
        start, end = sorted(
            [random_position(rng, lines, UTF16), random_position(rng, lines, UTF16)]
        )
        text = random_text(rng, 3)
        apply_both(
            reference, line_doc, lambda start=start, end=end, text=text: partial(start, end, text)
        )
        assert_same(reference, line_doc)


# -- targeted cases ----------------------------------------------------------------------------


def test_insert_within_a_line() -> None:
    reference, line_doc = pair("def f():\n    return 1\n")
    apply_both(reference, line_doc, lambda: partial((1, 11), (1, 12), "42"))
    assert line_doc.source == "def f():\n    return 42\n"
    assert list(line_doc.lines) == ["def f():\n", "    return 42\n"]
    assert_same(reference, line_doc)


def test_deleting_a_newline_joins_two_lines() -> None:
    reference, line_doc = pair("one\ntwo\nthree\n")
    apply_both(reference, line_doc, lambda: partial((0, 3), (1, 0), ""))
    assert line_doc.source == "onetwo\nthree\n"
    assert list(line_doc.lines) == ["onetwo\n", "three\n"]
    assert_same(reference, line_doc)


def test_deleting_a_crlf_joins_two_lines() -> None:
    reference, line_doc = pair("one\r\ntwo\r\n")
    apply_both(reference, line_doc, lambda: partial((0, 3), (1, 0), ""))
    assert line_doc.source == "onetwo\r\n"
    assert list(line_doc.lines) == ["onetwo\r\n"]
    assert_same(reference, line_doc)


def test_inserting_lf_after_a_lone_cr_makes_one_crlf_line() -> None:
    reference, line_doc = pair("a\rb")
    assert list(line_doc.lines) == ["a\r", "b"]
    apply_both(reference, line_doc, lambda: partial((1, 0), (1, 0), "\n"))
    assert line_doc.source == "a\r\nb"
    assert list(line_doc.lines) == ["a\r\n", "b"]
    assert_same(reference, line_doc)


def test_cr_at_the_end_of_a_line_meets_the_lf_starting_the_next() -> None:
    reference, line_doc = pair("ab\n\nc")
    assert list(line_doc.lines) == ["ab\n", "\n", "c"]
    # Replace the first line's LF by a CR: it now meets the second line, a lone LF.
    apply_both(reference, line_doc, lambda: partial((0, 2), (0, 3), "\r"))
    assert line_doc.source == "ab\r\nc"
    assert list(line_doc.lines) == ["ab\r\n", "c"]
    assert_same(reference, line_doc)


def test_deleting_text_between_cr_and_lf_merges_them() -> None:
    reference, line_doc = pair("a\rmiddle\nb")
    assert list(line_doc.lines) == ["a\r", "middle\n", "b"]
    apply_both(reference, line_doc, lambda: partial((1, 0), (1, 6), ""))
    assert line_doc.source == "a\r\nb"
    assert list(line_doc.lines) == ["a\r\n", "b"]
    assert_same(reference, line_doc)


def test_form_feed_and_unicode_line_separator_are_line_breaks() -> None:
    reference, line_doc = pair("a\x0cb\u2028c")
    assert list(line_doc.lines) == ["a\x0c", "b\u2028", "c"]
    apply_both(reference, line_doc, lambda: partial((0, 1), (1, 0), ""))
    assert line_doc.source == "ab\u2028c"
    assert list(line_doc.lines) == ["ab\u2028", "c"]
    assert_same(reference, line_doc)


def test_surrogate_pair_positions_are_utf16_units() -> None:
    reference, line_doc = pair('x="😋"\n')
    # The closing quote is at UTF-16 offset 5 (the emoji takes two units).
    apply_both(reference, line_doc, lambda: partial((0, 5), (0, 6), "'"))
    assert line_doc.source == "x=\"😋'\n"
    assert_same(reference, line_doc)


def test_edit_at_the_very_end_of_the_document() -> None:
    reference, line_doc = pair("first\nlast")
    apply_both(reference, line_doc, lambda: partial((1, 4), (1, 4), "!\n"))
    assert line_doc.source == "first\nlast!\n"
    assert list(line_doc.lines) == ["first\n", "last!\n"]
    # After a trailing newline the end of the document is past the last line.
    apply_both(reference, line_doc, lambda: partial((2, 0), (2, 0), "more"))
    assert line_doc.source == "first\nlast!\nmore"
    assert list(line_doc.lines) == ["first\n", "last!\n", "more"]
    assert_same(reference, line_doc)


def test_positions_past_the_end_are_clamped_like_pygls() -> None:
    reference, line_doc = pair("ab\ncd")
    apply_both(reference, line_doc, lambda: partial((0, 50), (7, 90), "X"))
    assert_same(reference, line_doc)
    apply_both(reference, line_doc, lambda: partial((9, 0), (9, 0), "Y"))
    assert_same(reference, line_doc)


def test_empty_document_takes_an_insert() -> None:
    reference, line_doc = pair("")
    assert list(line_doc.lines) == []
    assert line_doc.source == ""
    apply_both(reference, line_doc, lambda: partial((0, 0), (0, 0), "hello\nworld"))
    assert line_doc.source == "hello\nworld"
    assert list(line_doc.lines) == ["hello\n", "world"]
    assert_same(reference, line_doc)


def test_deleting_everything_leaves_an_empty_document() -> None:
    reference, line_doc = pair("one\ntwo\n")
    apply_both(reference, line_doc, lambda: partial((0, 0), (2, 0), ""))
    assert line_doc.source == ""
    assert list(line_doc.lines) == []
    assert_same(reference, line_doc)
    apply_both(reference, line_doc, lambda: partial((0, 0), (0, 0), "again"))
    assert line_doc.source == "again"
    assert_same(reference, line_doc)


def test_whole_document_change_replaces_the_text() -> None:
    reference, line_doc = pair("old\ntext\n")
    apply_both(reference, line_doc, lambda: whole("new\r\ncontent"))
    assert line_doc.source == "new\r\ncontent"
    assert list(line_doc.lines) == ["new\r\n", "content"]
    apply_both(reference, line_doc, lambda: partial((1, 0), (1, 7), "body"))
    assert line_doc.source == "new\r\nbody"
    assert_same(reference, line_doc)


def test_several_changes_in_one_notification_apply_in_order() -> None:
    reference, line_doc = pair("abc\n")
    for change in (
        lambda: partial((0, 3), (0, 3), "\ndef"),
        lambda: partial((1, 0), (1, 1), "D"),
        lambda: whole("x\ny\n"),
        lambda: partial((1, 0), (2, 0), ""),
    ):
        apply_both(reference, line_doc, change)
    assert line_doc.source == "x\n"
    assert_same(reference, line_doc)


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


def test_large_document_stays_equal_to_pygls_under_line_breaking_edits() -> None:
    source = "".join(f"row {i}\n" for i in range(10_000))
    reference, line_doc = pair(source)
    apply_both(reference, line_doc, lambda: partial((5000, 3), (5000, 3), "\r\nsplit"))
    apply_both(reference, line_doc, lambda: partial((20, 5), (21, 0), ""))
    apply_both(reference, line_doc, lambda: partial((9999, 8), (9999, 8), "tail"))
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
