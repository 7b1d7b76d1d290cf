"""What the docstring tests need on the client side: a record of what the server sent (diagnostics,
progress, workspace edits) and applying LSP text edits the way an editor does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path

from devfocus.text import split_lines  # LSP's line breaks: \n, \r\n and \r only
from tests.lsp.conftest import TIMEOUT, Session


# -- positions and edits ----------------------------------------------------------------------
def units(text: str, encoding: str) -> int:
    """Length of ``text`` in code units of a negotiated position encoding."""
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def offset(text: str, position: types.Position, encoding: str) -> int:
    """The string index of an LSP position; past the end of a line means its end."""
    lines = split_lines(text)
    if position.line >= len(lines):
        return len(text)
    before = sum(len(line) for line in lines[: position.line])
    line = lines[position.line].rstrip("\r\n")
    count = 0
    for index, ch in enumerate(line):
        if count >= position.character:
            return before + index
        count += units(ch, encoding)
    return before + len(line)


def apply_text_edits(text: str, edits: Iterable[types.TextEdit], encoding: str) -> str:
    """All ``edits`` (positions in the original text, not overlapping) applied at once."""
    spans = [
        (offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text)
        for e in edits
    ]
    for start, end, new_text in bottom_up(spans, [s[0] for s in spans]):
        text = text[:start] + new_text + text[end:]
    return text


def overlapping(text: str, edits: list[types.TextEdit], encoding: str) -> list[Any]:
    """Pairs of ``edits`` whose ranges overlap in ``text`` (LSP forbids them in one edit; texts
    inserted at the same position do not overlap)."""
    spans = sorted(
        (offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), i)
        for i, e in enumerate(edits)
    )
    pairs = []
    reach: tuple[int, int] | None = None  # the furthest end so far, and whose
    for start, end, index in spans:
        if reach is not None and start < reach[0]:
            pairs.append((edits[reach[1]], edits[index]))
        if reach is None or end > reach[0]:
            reach = (end, index)
    return pairs


def bottom_up(items: list[Any], starts: list[int]) -> list[Any]:
    """``items`` in the order to apply them one after another: the last start first, so the
    positions of the others still hold; at one start, the last given first, so that the texts
    inserted there end up in the given order (as LSP specifies)."""
    order = sorted(range(len(items)), key=lambda i: (starts[i], i), reverse=True)
    return [items[i] for i in order]


def edits_by_uri(
    edit: types.WorkspaceEdit,
) -> dict[str, tuple[int | None, list[types.TextEdit]]]:
    """``{uri: (version or None, text edits)}`` of a workspace edit in either of its shapes."""
    out: dict[str, tuple[int | None, list[types.TextEdit]]] = {}
    if edit.document_changes is not None:
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit), change  # no file operations
            edits = [e for e in change.edits if isinstance(e, types.TextEdit)]
            out[change.text_document.uri] = (change.text_document.version, edits)
    for uri, edits in (edit.changes or {}).items():
        out[uri] = (None, list(edits))
    return out


def apply_workspace_edit(
    edit: types.WorkspaceEdit, texts: dict[str, str], encoding: str
) -> dict[str, int | None]:
    """Apply ``edit`` to ``texts`` (keyed by URI); returns each file's version in the edit."""
    versions: dict[str, int | None] = {}
    for uri, (version, edits) in edits_by_uri(edit).items():
        assert uri in texts, f"an edit for a file the test does not know: {uri}"
        texts[uri] = apply_text_edits(texts[uri], edits, encoding)
        versions[uri] = version
    return versions


# -- what the client receives -----------------------------------------------------------------
class Received:
    """Every notification of one kind, in arrival order, with bounded waits for one that
    matches (optionally only among those from index ``after`` on)."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._changed = asyncio.Event()

    def add(self, params: Any) -> None:
        self.items.append(params)
        self._changed.set()

    async def wait_for(
        self, predicate: Callable[[Any], bool], *, after: int = 0, timeout: float = TIMEOUT
    ) -> Any:
        async def first_match() -> Any:
            seen = after
            while True:
                for item in self.items[seen:]:
                    if predicate(item):
                        return item
                seen = max(seen, len(self.items))
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(first_match(), timeout)


class DocsClient:
    """A session plus every diagnostics publish, progress notification and workspace edit the
    server sends, in arrival order, and the texts of the documents the test edits."""

    def __init__(self, session: Session, encoding: str) -> None:
        self.session = session
        self.client = session.client
        self.encoding = encoding
        self.publishes = Received()
        self.progress = Received()  # ProgressParams, value as a dict
        self.created_tokens: list[Any] = []
        self.edit_requests: list[types.ApplyWorkspaceEditParams] = []
        self.texts: dict[str, str] = {}  # uri -> text, as this "editor" holds it
        self.versions: dict[str, int] = {}  # uri -> version of open documents
        self.on_progress: list[Callable[[types.ProgressParams], None]] = []
        self.refusal: str | None = None  # set: workspace edits are refused with this reason
        self._watch()
        self.client.feature(types.WORKSPACE_APPLY_EDIT)(lambda params: self._apply_edit(params))

    def _watch(self) -> None:
        """pytest-lsp already handles diagnostics and progress (one handler per method), so the
        record is taken where notifications arrive, before those handlers run."""
        protocol = self.client.protocol
        handle = protocol._handle_notification
        handle_request = protocol._handle_request

        def notification(method: str, params: Any) -> None:
            if method == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
                self.publishes.add(params)
            elif method == types.PROGRESS:
                for hook in self.on_progress:
                    hook(params)
                self.progress.add(params)
            handle(method, params)

        def request(msg_id: Any, method: str, params: Any) -> Any:
            if method == types.WINDOW_WORK_DONE_PROGRESS_CREATE:
                self.created_tokens.append(params.token)
            return handle_request(msg_id, method, params)

        protocol._handle_notification = notification  # type: ignore[method-assign]
        protocol._handle_request = request  # type: ignore[method-assign]

    def _apply_edit(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        self.edit_requests.append(params)
        if self.refusal is not None:
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason=self.refusal)
        for uri in edits_by_uri(params.edit):
            if uri not in self.texts:  # a file the editor has not open: edited as it is on disk
                self.texts[uri] = Path(to_fs_path(uri) or uri).read_text(encoding="utf-8")
        apply_workspace_edit(params.edit, self.texts, self.encoding)
        return types.ApplyWorkspaceEditResult(applied=True)

    # -- documents ---------------------------------------------------------------------------
    def open(self, name: str, text: str, language: str = "python") -> str:
        uri = self.session.open(name, text, language)
        self.texts[uri] = text
        self.versions[uri] = 1
        return uri

    def change(self, uri: str, edits: list[types.TextEdit]) -> int:
        """Send ``edits`` as one didChange, as an editor does: incremental changes, bottom up so
        each range still means what it meant in the text before. Returns the new version."""
        text = self.texts[uri]
        ordered = bottom_up(edits, [offset(text, e.range.start, self.encoding) for e in edits])
        self.texts[uri] = apply_text_edits(text, edits, self.encoding)
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                    for e in ordered
                ],
            )
        )
        return self.versions[uri]

    def replace(self, uri: str, text: str) -> int:
        """Replace the whole text (one didChange); returns the new version."""
        self.texts[uri] = text
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        self.versions.pop(uri, None)

    # -- waiting -----------------------------------------------------------------------------
    async def diagnostics(
        self, uri: str, version: int | None, *, after: int = 0, timeout: float = TIMEOUT
    ) -> list[types.Diagnostic]:
        """The diagnostics of the first publish for ``uri`` with ``version`` (None: a publish
        carrying no version) among those received from index ``after`` on."""
        params = await self.publishes.wait_for(
            lambda p: p.uri == uri and p.version == version, after=after, timeout=timeout
        )
        return list(params.diagnostics)

    def published(self, uri: str) -> list[types.PublishDiagnosticsParams]:
        return [p for p in self.publishes.items if p.uri == uri]

    async def code_actions(
        self,
        uri: str,
        line: int,
        character: int = 0,
        *,
        diagnostics: list[types.Diagnostic] | None = None,
        only: list[str] | None = None,
    ) -> list[types.CodeAction]:
        position = types.Position(line, character)
        result = await asyncio.wait_for(
            self.client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=types.Range(start=position, end=position),
                    context=types.CodeActionContext(diagnostics=diagnostics or [], only=only),
                )
            ),
            TIMEOUT,
        )
        actions = list(result or [])
        assert all(isinstance(a, types.CodeAction) for a in actions), actions
        return actions  # type: ignore[return-value]

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        return await asyncio.wait_for(self.client.code_action_resolve_async(action), TIMEOUT)

    async def command(self, name: str, *arguments: Any) -> Any:
        return await asyncio.wait_for(self.session.command(name, *arguments), TIMEOUT)


def touching(
    diagnostics: Iterable[types.Diagnostic], line: int, character: int = 0
) -> list[types.Diagnostic]:
    """The diagnostics an editor sends with a code action request at a cursor: those whose
    range holds it."""
    here = (line, character)
    return [
        d
        for d in diagnostics
        if (d.range.start.line, d.range.start.character)
        <= here
        <= (d.range.end.line, d.range.end.character)
    ]


def titles(actions: Iterable[types.CodeAction]) -> list[str]:
    return [a.title for a in actions]


def by_code(diagnostics: Iterable[types.Diagnostic]) -> dict[str, list[types.Diagnostic]]:
    out: dict[str, list[types.Diagnostic]] = {}
    for d in diagnostics:
        out.setdefault(str(d.code), []).append(d)
    return out


def plain(value: Any) -> Any:
    """Custom JSON (command results, progress values) arrives as attribute objects or dicts."""
    if hasattr(value, "_asdict"):
        value = value._asdict()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
