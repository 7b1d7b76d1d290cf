"""Docstrings through the real server: diagnostics, code actions, resolve and commands.

Every expectation waits on what the server sends (a publish for a version, a response, a
notification), with a bound; nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from devfocus.text import split_lines
from tests.lsp.conftest import (
    TIMEOUT,
    Session,
    end_session,
    expose_client,
    server_env,
    start_session,
)
from tests.lsp.docs_helpers import (
    DocsClient,
    apply_text_edits,
    by_code,
    edits_by_uri,
    offset,
    overlapping,
    plain,
    titles,
    touching,
    units,
)

SOURCE = "devfocus-docs"
GENERATE_KIND = "source.generateDocstrings.devfocus"
GENERATE_FILE = "devfocus.docs.generateFile"
GENERATE_WORKSPACE = "devfocus.docs.generateWorkspace"
FILE_ACTION = "Generate missing docstrings in file"
INVALID_PARAMS = -32602


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def initialize_results(monkeypatch: pytest.MonkeyPatch) -> dict[int, types.InitializeResult]:
    """The server's answer to ``initialize`` of every client started in the test: a client
    must read positions in the encoding the server chose (``capabilities.positionEncoding``)."""
    results: dict[int, types.InitializeResult] = {}
    initialize = LanguageClient.initialize_session

    async def recording(self: LanguageClient, params: types.InitializeParams) -> Any:
        result = await initialize(self, params)
        results[id(self)] = result
        return result

    monkeypatch.setattr(LanguageClient, "initialize_session", recording)
    return results


def docs_client(session: Session, results: dict[int, types.InitializeResult]) -> DocsClient:
    encoding = results[id(session.client)].capabilities.position_encoding
    return DocsClient(session, encoding or types.PositionEncodingKind.Utf16)


@pytest.fixture
def docs(session: Session, initialize_results: dict[int, types.InitializeResult]) -> DocsClient:
    return docs_client(session, initialize_results)


Start = Callable[..., Awaitable[DocsClient]]


@pytest_asyncio.fixture
async def start(
    request: pytest.FixtureRequest,
    repo: Path,
    data_dir: Path,
    initialize_results: dict[int, types.InitializeResult],
) -> AsyncIterator[Start]:
    """Start a server with options of the test's own (the arguments of ``start_session``)."""
    started: list[Session] = []

    async def start_docs(preset: str, **options: Any) -> DocsClient:
        s = await start_session(repo, data_dir, preset, **options)
        started.append(s)
        expose_client(request, s.client)
        return docs_client(s, initialize_results)

    yield start_docs
    for s in started:
        await end_session(s)


@pytest_asyncio.fixture
async def emacs(start: Start) -> DocsClient:
    """A client without codeAction/resolve (the capabilities of Emacs' lsp-mode)."""
    return await start("emacs")


@pytest_asyncio.fixture
async def no_inference(start: Start, preset: str) -> DocsClient:
    """Return types come only from annotations: jedi answers within a time budget, so an
    inferred type would make the exact text depend on the machine's speed."""
    return await start(preset, initialization_options={"docs": {"inferTypes": False}})


VSCODE = pytest.mark.parametrize("preset", ["visual-studio-code"])


def text_at(text: str, rng: types.Range, encoding: str) -> str:
    return text[offset(text, rng.start, encoding) : offset(text, rng.end, encoding)]


def resolves_edits(client: DocsClient) -> bool:
    """Whether the client said it fills in ``edit`` with codeAction/resolve."""
    caps = client.client.capabilities
    assert caps is not None and caps.text_document is not None
    action = caps.text_document.code_action
    support = action.resolve_support if action is not None else None
    return support is not None and "edit" in support.properties


def uses_document_changes(client: DocsClient) -> bool:
    caps = client.client.capabilities
    assert caps is not None and caps.workspace is not None
    edit = caps.workspace.workspace_edit
    return bool(edit is not None and edit.document_changes)


async def edit_of(client: DocsClient, action: types.CodeAction) -> types.WorkspaceEdit:
    """The action's edit as the client gets it: resolved if it said it can resolve."""
    if resolves_edits(client):
        assert action.edit is None, "the edit should wait for codeAction/resolve"
        action = await client.resolve(action)
    assert action.edit is not None
    return action.edit


async def still_serving(client: DocsClient) -> None:
    result = plain(await client.command("devfocus.status"))
    assert result["state"] in {"idle", "active", "paused"}


# -- 1. diagnostics ---------------------------------------------------------------------------
FINDINGS = '''"""Geometry."""


def café(crème: int, brûlée: str = "😀", x: int = 1) -> int:
    return crème


def area(label: str = "📐", *, width: float, height: float, ñandú: int = 0) -> float:
    """Compute the area.

    Args:
        label (str): Shown on the plan.
        width (str): How wide it is.
        height: How high.
        colour: Gone now.

    Raises:
        KeyError: Never.
    """
    if width < 0:
        raise ValueError("negative")
    return width * height
'''


async def test_findings_have_stable_codes_ranges_and_the_version(docs: DocsClient) -> None:
    uri = docs.open("geometry.py", FINDINGS)
    found = await docs.diagnostics(uri, 1)
    assert {d.source for d in found} == {SOURCE}
    assert {d.severity for d in found} == {types.DiagnosticSeverity.Information}
    codes = by_code(found)
    assert set(codes) == {"DF103", "DF202", "DF201", "DF210", "DF212", "DF204"}, codes
    text = docs.texts[uri]
    at = {code: [text_at(text, d.range, docs.encoding) for d in ds] for code, ds in codes.items()}
    # Columns count in the negotiated encoding: "é", "😀" and "ñ" are wider than one unit
    # in UTF-8 (and the emoji in UTF-16), so a naive count would miss the name.
    assert at["DF103"] == ["café"]
    assert codes["DF103"][0].range.start.line == 3
    assert [m.startswith("ñandú") for m in at["DF202"]] == [True], at["DF202"]
    assert codes["DF202"][0].range.start.line == 7
    assert at["DF201"] == ["colour: Gone now."]
    assert [m.startswith("width (str)") for m in at["DF204"]] == [True], at["DF204"]
    assert [m.startswith('"""Compute the area.') for m in at["DF210"] + at["DF212"]] == [True] * 2
    assert "ValueError" in codes["DF212"][0].message
    assert "ñandú" in codes["DF202"][0].message


PLAIN = '''"""Shop."""


def total(items: list[int]) -> int:
    return sum(items)
'''
DOCUMENTED = '''"""Shop."""


def total(items: list[int]) -> int:
    """Add up the items."""
    return sum(items)
'''


@VSCODE
async def test_a_burst_of_changes_is_diagnosed_once_then_fixed_then_cleared(
    docs: DocsClient,
) -> None:
    uri = docs.open("shop.py", PLAIN)
    assert [d.code for d in await docs.diagnostics(uri, 1)] == ["DF103"]
    end_of_file = types.Range(types.Position(5, 0), types.Position(5, 0))
    for _ in range(5):  # typing: one didChange per keystroke, no pause between them
        last = docs.change(uri, [types.TextEdit(range=end_of_file, new_text="#")])
    assert last == 6
    assert [d.code for d in await docs.diagnostics(uri, last)] == ["DF103"]
    versions = [p.version for p in docs.published(uri)]
    assert versions == [1, last], f"intermediate versions were diagnosed: {versions}"

    # The user writes the docstring: the finding goes away for that version.
    fixed = docs.replace(uri, DOCUMENTED)
    assert await docs.diagnostics(uri, fixed) == []

    # Back to no docstring, then the editor closes the file: its diagnostics are cleared.
    broken = docs.replace(uri, PLAIN)
    assert [d.code for d in await docs.diagnostics(uri, broken)] == ["DF103"]
    seen = len(docs.publishes.items)
    docs.close(uri)
    cleared = await docs.publishes.wait_for(lambda p: p.uri == uri, after=seen)
    assert list(cleared.diagnostics) == []


@VSCODE
async def test_only_python_documents_are_diagnosed(docs: DocsClient) -> None:
    notes = docs.open("notes.md", PLAIN, language="markdown")
    broken = docs.open("broken.py", "def total(items:\n    return sum(items)\n")
    shop = docs.open("shop.py", PLAIN)
    # Documents are analysed in the order they were opened: once shop.py has its
    # diagnostics, the others have had their turn.
    await docs.diagnostics(shop, 1)
    assert docs.published(notes) == []
    assert [d for p in docs.published(broken) for d in p.diagnostics] == []
    assert await docs.code_actions(notes, 0) == []
    # The broken file does not stop the server; once it parses it is diagnosed.
    assert FILE_ACTION not in titles(await docs.code_actions(broken, 0))
    await still_serving(docs)
    fixed = docs.replace(broken, PLAIN)
    assert [d.code for d in await docs.diagnostics(broken, fixed)] == ["DF103"]


# -- 2. settings ------------------------------------------------------------------------------
MIXED = '''"""Shop."""


def total(items: list[int], tax: float) -> float:
    """Add up the items.

    Args:
        items: What was bought.
    """
    return sum(items) * tax


def discount(price: float) -> float:
    return price * 0.9
'''


async def change_settings(client: DocsClient, docs_settings: dict[str, Any]) -> int:
    """Change the editor's ``devfocus`` settings as an editor does (the server pulls them on
    didChangeConfiguration); returns how many publishes had arrived before."""
    seen = len(client.publishes.items)
    client.client.set_configuration({"docs": docs_settings}, section="devfocus")
    client.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    return seen


@VSCODE
async def test_settings_choose_what_is_reported_and_how(docs: DocsClient) -> None:
    uri = docs.open("shop.py", MIXED)
    assert sorted(d.code for d in await docs.diagnostics(uri, 1)) == ["DF103", "DF202", "DF210"]

    seen = await change_settings(docs, {"missing": "none"})
    found = await docs.diagnostics(uri, 1, after=seen)  # re-published for the same version
    assert sorted(d.code for d in found) == ["DF202", "DF210"]  # stale ones stay
    assert not any(
        a.title.startswith("Generate docstring for") for a in await docs.code_actions(uri, 12)
    )

    seen = await change_settings(docs, {"missing": "none", "severity": "warning"})
    found = await docs.diagnostics(uri, 1, after=seen)
    assert sorted((d.code, d.severity) for d in found) == [
        ("DF202", types.DiagnosticSeverity.Warning),
        ("DF210", types.DiagnosticSeverity.Warning),
    ]

    seen = await change_settings(docs, {"severity": "error"})  # missing back to its default
    found = await docs.diagnostics(uri, 1, after=seen)
    assert sorted((d.code, d.severity) for d in found) == [
        ("DF103", types.DiagnosticSeverity.Error),
        ("DF202", types.DiagnosticSeverity.Error),
        ("DF210", types.DiagnosticSeverity.Error),
    ]


@VSCODE
async def test_numpy_style_setting_shapes_generated_docstrings(docs: DocsClient) -> None:
    uri = docs.open("shop.py", PLAIN)
    await docs.diagnostics(uri, 1)
    seen = await change_settings(docs, {"style": "numpy"})
    found = await docs.diagnostics(uri, 1, after=seen)
    actions = await docs.code_actions(uri, 3, 5, diagnostics=touching(found, 3, 5))
    [action] = [a for a in actions if "total" in a.title]
    edits = edits_by_uri(await edit_of(docs, action))[uri][1]
    assert (
        apply_text_edits(docs.texts[uri], edits, docs.encoding)
        == '''"""Shop."""


def total(items: list[int]) -> int:
    """Return the total.

    Parameters
    ----------
    items : list[int]
        The items.

    Returns
    -------
    int
        The total.
    """
    return sum(items)
'''
    )


# -- 3. code actions --------------------------------------------------------------------------
async def test_code_actions_offer_fixes_at_the_cursor_and_for_the_file(docs: DocsClient) -> None:
    uri = docs.open("shop.py", MIXED)
    found = await docs.diagnostics(uri, 1)

    # On `def discount` (no docstring): a quick fix for it, and the file-wide source action.
    actions = await docs.code_actions(uri, 12, 6, diagnostics=touching(found, 12, 6))
    assert titles(actions) == ["Generate docstring for `discount`", FILE_ACTION]
    fix, whole = actions
    assert fix.kind == types.CodeActionKind.QuickFix
    assert [d.code for d in fix.diagnostics or []] == ["DF103"]
    assert whole.kind == GENERATE_KIND

    # Anywhere in the header of `total` (its docstring is stale): an update.
    for line in (3, 5, 7):
        assert titles(await docs.code_actions(uri, line, 4)) == [
            "Update docstring of `total`",
            FILE_ACTION,
        ]
    # In a body, no quick fix; the source action is still there.
    assert titles(await docs.code_actions(uri, 13, 4)) == [FILE_ACTION]

    # The editor asks for kinds: "source" covers source.generateDocstrings.devfocus.
    assert titles(await docs.code_actions(uri, 12, 6, only=["source"])) == [FILE_ACTION]
    assert titles(await docs.code_actions(uri, 12, 6, only=[GENERATE_KIND])) == [FILE_ACTION]
    assert titles(await docs.code_actions(uri, 12, 6, only=[types.CodeActionKind.QuickFix])) == [
        "Generate docstring for `discount`"
    ]
    assert await docs.code_actions(uri, 12, 6, only=[types.CodeActionKind.Refactor]) == []
    assert await docs.code_actions(uri, 12, 6, only=["source.organizeImports"]) == []

    # Both presets declare codeAction.resolveSupport for "edit" (Neovim since 0.10): the
    # actions come without it and codeAction/resolve fills it in.
    assert resolves_edits(docs)
    assert [a.edit for a in actions] == [None, None]
    for action in actions:
        edit = await edit_of(docs, action)
        [(_, edits)] = edits_by_uri(edit).values()
        assert edits
        if uses_document_changes(docs):  # VS Code: a versioned TextDocumentEdit
            assert edit.changes is None
            [change] = edit.document_changes or []
            assert isinstance(change, types.TextDocumentEdit)
            assert change.text_document == types.OptionalVersionedTextDocumentIdentifier(
                uri=uri, version=1
            )
        else:
            assert edit.document_changes is None
            assert list(edit.changes or {}) == [uri]

    # A new function, and at once the lightbulb: the answer is about the text just typed,
    # not the version last diagnosed (the debounce has not fired yet).
    end = types.Range(types.Position(14, 0), types.Position(14, 0))
    typed = docs.change(uri, [types.TextEdit(end, "\n\ndef fresh(n: int) -> int:\n    return n\n")])
    actions = await docs.code_actions(uri, 16, 5, only=[types.CodeActionKind.QuickFix])
    assert titles(actions) == ["Generate docstring for `fresh`"]
    [(version, edits)] = edits_by_uri(await edit_of(docs, actions[0])).values()
    assert version == (typed if uses_document_changes(docs) else None)
    assert [e.range.start.line for e in edits] == [17]
    after = await docs.diagnostics(uri, typed)  # the debounced publish still comes
    assert [d.code for d in after if "`fresh`" in d.message] == ["DF103"]


async def test_clients_without_resolve_get_edits_inline(emacs: DocsClient) -> None:
    assert not resolves_edits(emacs)
    uri = emacs.open("shop.py", PLAIN)
    found = await emacs.diagnostics(uri, 1)
    actions = await emacs.code_actions(uri, 3, 5, diagnostics=touching(found, 3, 5))
    assert titles(actions) == ["Generate docstring for `total`", FILE_ACTION]
    for action in actions:
        assert action.edit is not None
        [change] = action.edit.document_changes or []
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.version == 1
        assert change.edits


@VSCODE
async def test_only_matches_whole_kinds(docs: DocsClient) -> None:
    uri = docs.open("shop.py", MIXED)
    await docs.diagnostics(uri, 1)
    # "quickfix.other" asks for a narrower kind than "quickfix"; "sour" and "quick" are no kinds
    # of ours at all.
    for only in (["quickfix.other"], ["sour"], ["quick"]):
        assert await docs.code_actions(uri, 12, 6, only=only) == [], only


# -- 4. applying a fix, through the server ----------------------------------------------------
ROUND_TRIPS = {  # file, text, function, the text after its fix
    "function": (
        "shop.py",
        PLAIN,
        "total",
        '''"""Shop."""


def total(items: list[int]) -> int:
    """Return the total.

    Args:
        items (list[int]): The items.

    Returns:
        int: The total.
    """
    return sum(items)
''',
    ),
    "one-line method": (
        "box.py",
        '"""Boxes."""\n\n\nclass Box:\n    """A box."""\n\n    def f(self): return 1\n',
        "f",
        '''"""Boxes."""


class Box:
    """A box."""

    def f(self):
        """Return the f.

        Returns:
            The f.
        """
        return 1
''',
    ),
    "tabs": (
        "tabs.py",
        '"""Boxes."""\n\n\nclass Box:\n\t"""A box."""\n\n\tdef size(self, n: int) -> int:\n'
        "\t\treturn n\n",
        "size",
        '"""Boxes."""\n\n\nclass Box:\n\t"""A box."""\n\n\tdef size(self, n: int) -> int:\n'
        '\t\t"""Return the size.\n\n\t\tArgs:\n\t\t\tn (int): The n.\n\n'
        '\t\tReturns:\n\t\t\tint: The size.\n\t\t"""\n\t\treturn n\n',
    ),
    "crlf": (
        "crlf.py",
        '"""Sums."""\r\n\r\n\r\ndef add(a: int, b: int) -> int:\r\n    return a + b\r\n',
        "add",
        '"""Sums."""\r\n\r\n\r\ndef add(a: int, b: int) -> int:\r\n    """Add.\r\n\r\n'
        "    Args:\r\n        a (int): The a.\r\n        b (int): The b.\r\n\r\n"
        '    Returns:\r\n        int: The add.\r\n    """\r\n    return a + b\r\n',
    ),
    "non-ASCII": (  # the insertion point is after "é" and "è" on its line
        "menu.py",
        '"""Menu."""\n\n\ndef café(crème: int) -> int: return crème\n',
        "café",
        '''"""Menu."""


def café(crème: int) -> int:
    """Return the café.

    Args:
        crème (int): The crème.

    Returns:
        int: The café.
    """
    return crème
''',
    ),
    "update": (
        "area.py",
        '''"""Shapes."""


def area(width: float, height: float) -> float:
    """Compute the area.

    Args:
        width: How wide it is, in metres.
        height: How high, in metres.
        depth: How deep; no longer used.

    Returns:
        float: The area.
    """
    return width * height
''',
        "area",
        '''"""Shapes."""


def area(width: float, height: float) -> float:
    """Compute the area.

    Args:
        width: How wide it is, in metres.
        height: How high, in metres.

    Returns:
        float: The area.
    """
    return width * height
''',
    ),
}


def header_position(text: str, name: str, encoding: str) -> types.Position:
    """Where the cursor is when it is on ``name`` in its ``def`` line."""
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines) if f"def {name}(" in t)
    prefix = lines[line][: lines[line].index(f"def {name}(") + 4]
    return types.Position(line, units(prefix, encoding))


async def test_applied_fixes_give_the_expected_text_and_are_not_offered_again(
    no_inference: DocsClient,
) -> None:
    """Each case: the quick fix at the ``def``, its edit applied as the editor would and sent
    back as the next version; the finding is gone and the fix is not offered again."""
    docs = no_inference
    uris = {case: docs.open(name, source) for case, (name, source, _, _) in ROUND_TRIPS.items()}
    for case, (_, source, function, expected) in ROUND_TRIPS.items():
        uri = uris[case]
        found = await docs.diagnostics(uri, 1)
        ours = {d.code for d in found if plain(d.data)["qualname"].endswith(function)}
        assert ours, (case, found)
        where = header_position(source, function, docs.encoding)
        here = (where.line, where.character)
        actions = await docs.code_actions(uri, *here, diagnostics=touching(found, *here))
        verb = "Update docstring of" if case == "update" else "Generate docstring for"
        title = f"{verb} `{function}`"
        assert title in titles(actions), (case, titles(actions))
        action = next(a for a in actions if a.title == title)
        assert action.kind == types.CodeActionKind.QuickFix
        edit = await edit_of(docs, action)
        [(version, edits)] = edits_by_uri(edit).values()
        assert version == (1 if uses_document_changes(docs) else None), case

        new_version = docs.change(uri, edits)
        assert docs.texts[uri] == expected, case
        after = await docs.diagnostics(uri, new_version)
        assert not [d for d in after if d.code in ours], (case, after)
        again = await docs.code_actions(uri, *here, diagnostics=touching(after, *here))
        assert not [t for t in titles(again) if function in t], (case, titles(again))


# -- 5. commands ------------------------------------------------------------------------------
def progress_of(client: DocsClient, token: Any) -> list[dict[str, Any]]:
    return [plain(p.value) for p in client.progress.items if p.token == token]


def supports_progress(client: DocsClient) -> bool:
    caps = client.client.capabilities
    return bool(caps and caps.window and caps.window.work_done_progress)


GENERATED = '''"""Shop."""


def total(items: list[int], tax: float) -> float:
    """Add up the items.

    Args:
        items: What was bought.
        tax (float): The tax.

    Returns:
        float: The total.
    """
    return sum(items) * tax


def discount(price: float) -> float:
    """Return the discount.

    Args:
        price (float): The price.

    Returns:
        float: The discount.
    """
    return price * 0.9
'''


async def test_generate_file_sends_one_workspace_edit_with_progress(docs: DocsClient) -> None:
    uri = docs.open("shop.py", MIXED)
    await docs.diagnostics(uri, 1)

    # The editor refuses the edit (say, the file is read-only): the result says so.
    docs.refusal = "read-only"
    refused = plain(await docs.command(GENERATE_FILE, {"uri": uri}))
    assert (refused["applied"], refused["failures"]) == (0, ["read-only"])
    assert docs.texts[uri] == MIXED
    docs.refusal = None
    docs.edit_requests.clear()
    docs.created_tokens.clear()

    result = plain(await docs.command(GENERATE_FILE, {"uri": uri}))

    assert result == {
        "applied": 2,  # text edits: one update, one new docstring
        "files": 1,
        "refused": [],
        "cancelled": False,
        "failures": [],
    }
    [request] = docs.edit_requests
    assert edits_by_uri(request.edit)[uri][0] == (1 if uses_document_changes(docs) else None)
    assert docs.texts[uri] == GENERATED

    assert supports_progress(docs)  # both presets: a progress bar, created by the server
    [token] = docs.created_tokens
    steps = progress_of(docs, token)
    assert [s["kind"] for s in steps] == ["begin", "report", "report", "end"]
    assert steps[0]["title"] == "Generating docstrings"
    assert steps[0]["cancellable"] is True
    assert [s.get("percentage") for s in steps[1:3]] == [0, 100]
    assert steps[-1]["message"] == "Done"

    # The editor applied the edit and sends the result: nothing left to report.
    version = docs.replace(uri, docs.texts[uri])
    assert await docs.diagnostics(uri, version) == []


def write(repo: Path, files: dict[str, str]) -> dict[Path, str]:
    """Save files in the workspace (not opened in the editor)."""
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return {repo / name: text for name, text in files.items()}


async def test_generate_workspace_edits_open_and_closed_files_but_not_tools(
    no_inference: DocsClient, repo: Path
) -> None:
    docs = no_inference
    saved = write(
        repo,
        {
            "pkg/orders.py": '"""Orders."""\n',
            "pkg/util.py": '"""Utilities."""\n\n\ndef clamp(x: int) -> int:\n    return x\n',
            ".venv/lib/site.py": "def vendored(a):\n    return a\n",
            "node_modules/tool/gen.py": "def generated(b):\n    return b\n",
        },
    )
    saved[repo / "app.py"] = (repo / "app.py").read_text()  # from the repo fixture
    docs.texts.update({path.as_uri(): text for path, text in saved.items()})
    # orders.py is open, with a function typed in but not saved yet.
    orders = docs.open("pkg/orders.py", saved[repo / "pkg/orders.py"])
    typed = '"""Orders."""\n\n\ndef ship(order_id: int) -> None:\n    pass\n'
    unsaved = docs.replace(orders, typed)
    await docs.diagnostics(orders, unsaved)

    result = plain(await docs.command(GENERATE_WORKSPACE))

    assert (result["cancelled"], result["failures"], result["files"]) == (False, [], 3)
    versions: dict[str, int | None] = {}
    for request in docs.edit_requests:
        versions.update({uri: v for uri, (v, _) in edits_by_uri(request.edit).items()})
    util, app = (repo / "pkg/util.py").as_uri(), (repo / "app.py").as_uri()
    assert set(versions) == {orders, util, app}, versions  # nothing under .venv, node_modules
    if uses_document_changes(docs):  # open: its version; closed: null
        assert versions == {orders: unsaved, util: None, app: None}
    # The open file was fixed from its unsaved text, closed ones from the disk.
    assert docs.texts[orders] == (
        '"""Orders."""\n\n\ndef ship(order_id: int) -> None:\n    """Run ship.\n\n'
        '    Args:\n        order_id (int): The order id.\n    """\n    pass\n'
    )
    assert docs.texts[util] == (
        '"""Utilities."""\n\n\ndef clamp(x: int) -> int:\n    """Return the clamp.\n\n'
        "    Args:\n        x (int): The x.\n\n    Returns:\n        int: The clamp.\n"
        '    """\n    return x\n'
    )
    assert docs.texts[app].startswith('"""App."""\n\n\ndef ')
    assert docs.texts[app].endswith(
        'def greet(name):\n    """Return the greet.\n\n    Args:\n        name: The name.\n\n'
        '    Returns:\n        The greet.\n    """\n    return f\'hi {name}\'\n'
    )
    # The server edits through the editor; it never writes files itself.
    assert {path: path.read_text() for path in saved} == saved


@VSCODE
async def test_generate_workspace_stops_when_the_progress_is_cancelled(
    docs: DocsClient, repo: Path
) -> None:
    body = "".join(
        f"def step{i}(value: int, factor: float = 1.0) -> float:\n    return value * factor\n\n\n"
        for i in range(6)
    )
    write(repo, {f"steps/s{n:02}.py": f'"""Steps {n}."""\n\n\n{body}' for n in range(30)})

    def cancel_at_begin(params: types.ProgressParams) -> None:
        if plain(params.value).get("kind") == "begin":  # the user clicks Cancel at once
            docs.client.window_work_done_progress_cancel(
                types.WorkDoneProgressCancelParams(token=params.token)
            )

    docs.on_progress.append(cancel_at_begin)
    result = plain(await docs.command(GENERATE_WORKSPACE))

    assert result["cancelled"] is True
    edited = {uri for r in docs.edit_requests for uri in edits_by_uri(r.edit)}
    assert result["files"] == len(edited) < 31, result  # 30 steps files and app.py
    [token] = docs.created_tokens
    assert progress_of(docs, token)[-1] == {"kind": "end", "message": "Cancelled"}


@VSCODE
async def test_a_new_module_docstring_keeps_two_blank_lines_before_a_def(
    no_inference: DocsClient,
) -> None:
    docs = no_inference
    uri = docs.open("app.py", "def greet(name: str) -> str:\n    return name\n")
    await docs.diagnostics(uri, 1)
    await docs.command(GENERATE_FILE, {"uri": uri})
    assert docs.texts[uri] == (
        '"""App."""\n\n\ndef greet(name: str) -> str:\n    """Return the greet.\n\n'
        "    Args:\n        name (str): The name.\n\n    Returns:\n        str: The greet.\n"
        '    """\n    return name\n'
    )


# -- 6. bad input -----------------------------------------------------------------------------
@VSCODE
async def test_actions_from_elsewhere_and_bad_arguments_are_refused(docs: DocsClient) -> None:
    uri = docs.open("shop.py", PLAIN)
    await docs.diagnostics(uri, 1)
    closed = docs.session.uri("closed.py")
    for data in [None, {"other": "tool"}, {"uri": 5}, "x", [1], {"uri": closed, "file": True}]:
        with pytest.raises(JsonRpcException) as refused:
            await docs.resolve(types.CodeAction(title="Organize imports", data=data))
        assert refused.value.code == INVALID_PARAMS, data
    for arguments in [(), ({},), ({"uri": 5},), (None,), ("",)]:
        with pytest.raises(JsonRpcException) as refused:
            await docs.command(GENERATE_FILE, *arguments)
        assert refused.value.code == INVALID_PARAMS, arguments
        assert "uri" in str(refused.value)
    assert docs.edit_requests == []
    # Still serving, and still fixing.
    await still_serving(docs)
    [action] = await docs.code_actions(uri, 3, 5, only=[types.CodeActionKind.QuickFix])
    assert edits_by_uri(await edit_of(docs, action))[uri][1]


@VSCODE
async def test_huge_and_binary_python_documents_are_left_alone(docs: DocsClient) -> None:
    huge = docs.open("huge.py", PLAIN + "# " + "x" * (6 * 1024 * 1024) + "\n")
    binary = docs.open("binary.py", PLAIN + "# \x00\n")
    uri = docs.open("shop.py", PLAIN)
    # Opened before shop.py: had they been analysed, they would have been published first.
    await docs.diagnostics(uri, 1)
    for ignored in (huge, binary):
        assert docs.published(ignored) == []
        assert await docs.code_actions(ignored, 3, 5) == []
        with pytest.raises(JsonRpcException) as refused:
            await docs.resolve(types.CodeAction(title="x", data={"uri": ignored, "file": True}))
        assert refused.value.code == INVALID_PARAMS
        result = plain(await docs.command(GENERATE_FILE, {"uri": ignored}))
        assert (result["applied"], result["files"]) == (0, 0)
    assert docs.edit_requests == []
    await still_serving(docs)
    version = docs.replace(uri, DOCUMENTED)
    assert await docs.diagnostics(uri, version) == []


@VSCODE
async def test_generate_file_leaves_non_python_documents_alone(docs: DocsClient) -> None:
    notes = docs.open("notes.md", PLAIN, language="markdown")  # a snippet that parses as Python
    result = plain(await docs.command(GENERATE_FILE, {"uri": notes}))
    assert docs.edit_requests == [], docs.texts[notes]
    assert result["applied"] == 0


@VSCODE
async def test_generate_file_never_edits_a_buffer_it_has_not_read(
    docs: DocsClient, repo: Path
) -> None:
    (repo / "binary.py").write_text(PLAIN)  # saved copy
    binary = docs.open("binary.py", "# \x00\n" + PLAIN)  # the editor's unsaved text, skipped
    result = plain(await docs.command(GENERATE_FILE, {"uri": binary}))
    # An edit computed from the disk copy lands one line off in the editor's text.
    assert docs.edit_requests == [], repr(docs.texts[binary])
    assert result["applied"] == 0


# -- 7. hostile input: parsers that crash or blow up, line breaks, the repository's files -----
def server_pid(client: DocsClient) -> int:
    server = client.client._server
    assert server is not None and server.returncode is None, "the server is gone"
    return int(server.pid)


def peak_memory_mib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


class StatusLatency:
    """``devfocus.status`` asked again and again while something else runs: the longest wait
    for an answer bounds how long the server's event loop was busy (the test's own work and a
    loaded machine count too, so bounds on it are loose)."""

    def __init__(self, client: DocsClient) -> None:
        self.client = client
        self.waits: list[tuple[float, float]] = []  # (when asked, how long it took)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def longest(self) -> float:
        return max((wait for _, wait in self.waits), default=0.0)

    async def __aenter__(self) -> StatusLatency:
        self._task = asyncio.create_task(self._ask())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._stop.set()
        await asyncio.wait_for(self._task, TIMEOUT)

    async def _ask(self) -> None:
        begun = time.perf_counter()
        while not self._stop.is_set():
            started = time.perf_counter()
            await still_serving(self.client)
            self.waits.append((started - begun, time.perf_counter() - started))


def action_for(actions: list[types.CodeAction], name: str) -> types.CodeAction:
    [action] = [a for a in actions if f"`{name}`" in a.title]
    return action


def parser_processes(pid: int) -> list[int]:
    """The server's parser processes (children started with DevFocus's worker bootstrap)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid and b"devfocus.docs.worker" in command:
            found.append(int(stat.parent.name))
    return found


@VSCODE
async def test_the_parser_process_starts_with_the_first_python_file_and_comes_back(
    no_inference: DocsClient,
) -> None:
    docs = no_inference
    pid = server_pid(docs)
    await still_serving(docs)
    assert parser_processes(pid) == []  # nothing started before a Python document is opened
    uri = docs.open("shop.py", PLAIN)
    found = await docs.diagnostics(uri, 1)
    [worker] = parser_processes(pid)
    os.kill(worker, signal.SIGKILL)  # the kernel's out-of-memory killer, say
    actions = await docs.code_actions(uri, 3, 5, diagnostics=touching(found, 3, 5))
    [(_, edits)] = edits_by_uri(await edit_of(docs, action_for(actions, "total"))).values()
    assert apply_text_edits(PLAIN, edits, docs.encoding) == ROUND_TRIPS["function"][3]
    assert parser_processes(pid) not in ([], [worker])


AND_CHAIN = " and ".join(["a"] * 10_000)  # ast reads it; libcst's native parser overflows
MONSTER = f'''"""Checks."""


def monster(a): return {AND_CHAIN}


def greet(name: str) -> str:
    return name
'''
GREETED = '''

def greet(name: str) -> str:
    """Return the greet.

    Args:
        name (str): The name.

    Returns:
        str: The greet.
    """
    return name
'''
MONSTER_FIXED = f'''"""Checks."""


def monster(a):
    """Return the monster.

    Args:
        a: The a.

    Returns:
        The monster.
    """
    return {AND_CHAIN}
{GREETED}'''


@pytest.mark.parametrize("preset", ["emacs"])
async def test_a_monster_expression_costs_no_other_definition_its_fix(
    start: Start, preset: str
) -> None:
    """A client without codeAction/resolve gets every edit with the action list, the file's
    too: a request anywhere in the file used to crash the server (libcst's native parser)."""
    docs = await start(preset, initialization_options={"docs": {"inferTypes": False}})
    uri = docs.open("checks.py", MONSTER)
    found = await docs.diagnostics(uri, 1)
    actions = await docs.code_actions(uri, 6, 5, diagnostics=touching(found, 6, 5))
    assert titles(actions) == ["Generate docstring for `greet`", FILE_ACTION]
    greet, whole = actions
    assert greet.edit is not None and whole.edit is not None
    [(_, edits)] = edits_by_uri(greet.edit).values()
    assert apply_text_edits(MONSTER, edits, docs.encoding) == MONSTER.replace(
        "\n\ndef greet(name: str) -> str:\n    return name\n", GREETED
    )
    [(_, edits)] = edits_by_uri(whole.edit).values()
    assert overlapping(MONSTER, edits, docs.encoding) == []
    # Only the header went through libcst: the monster is documented like any function.
    assert apply_text_edits(MONSTER, edits, docs.encoding) == MONSTER_FIXED
    await still_serving(docs)


DEEP_HEADER = f'''"""Checks."""


def deep(a=({AND_CHAIN})):
    return a


def greet(name: str) -> str:
    return name
'''


@VSCODE
async def test_a_header_too_deep_for_libcst_is_refused_with_the_reason(
    no_inference: DocsClient,
) -> None:
    docs = no_inference
    uri = docs.open("checks.py", DEEP_HEADER)
    found = await docs.diagnostics(uri, 1)
    actions = await docs.code_actions(uri, 3, 5, diagnostics=touching(found, 3, 5))
    with pytest.raises(JsonRpcException, match=r"`deep` is nested \d+ levels deep"):
        await docs.resolve(action_for(actions, "deep"))
    await still_serving(docs)
    # The file action writes what it can and leaves `deep` alone.
    [whole] = [a for a in actions if a.title == FILE_ACTION]
    [(_, edits)] = edits_by_uri(await edit_of(docs, whole)).values()
    assert apply_text_edits(DEEP_HEADER, edits, docs.encoding) == DEEP_HEADER.replace(
        "\n\ndef greet(name: str) -> str:\n    return name\n", GREETED
    )
    await still_serving(docs)


def megabyte_list() -> str:
    items, size, i = [], 0, 0
    while size < 1_000_000:
        items.append(str(i % 1000))
        size += len(items[-1]) + 2
        i += 1
    return "[" + ", ".join(items) + "]"


@VSCODE
async def test_a_megabyte_literal_leaves_the_server_responsive_and_small(
    no_inference: DocsClient,
) -> None:
    """libcst took 43 s and 2.6 GiB on a one-line 1 MB literal, with the server's answers
    stalled for seconds; Python's own parser holds the interpreter for most of a second."""
    docs = no_inference
    literal = megabyte_list()
    source = f"def big():\n    return {literal}\n\n\ndef small(a):\n    return a\n"
    pid = server_pid(docs)
    await still_serving(docs)  # the first answer opens the store: not what is measured here
    async with StatusLatency(docs) as latency:
        uri = docs.open("big.py", source)
        found = await docs.diagnostics(uri, 1)
        assert sorted(d.code for d in found) == ["DF100", "DF103", "DF103"]
        for line, name in ((0, "big"), (4, "small")):
            actions = await docs.code_actions(uri, line, 5, diagnostics=touching(found, line, 5))
            [(_, edits)] = edits_by_uri(await edit_of(docs, action_for(actions, name))).values()
            fixed = apply_text_edits(source, edits, docs.encoding)
            assert f'def {name}():\n    """Return the {name}.' in fixed or (
                f'def {name}(a):\n    """Return the {name}.' in fixed
            )
    assert latency.waits
    assert latency.longest < 3.0, f"the status waited {latency.longest:.2f} s"
    print(
        f"status: {len(latency.waits)} answers, longest {latency.longest * 1000:.0f} ms; "
        f"server peak {peak_memory_mib(pid):.0f} MiB"
    )
    assert peak_memory_mib(pid) < 400
    await still_serving(docs)


async def test_a_module_past_a_mebibyte_is_left_to_the_cli_until_it_shrinks(
    docs: DocsClient,
) -> None:
    """Every definition's facts live in the server while a module is analysed: a generated
    module of tiny functions would hold hundreds of megabytes, so past 1 MiB the editor drops
    the analysis (once, said in the log) and takes it up again when the module shrinks."""
    small = '"""Shop."""\n\n\ndef small(a):\n    return a\n'
    uri = docs.open("grows.py", small)
    assert [d.code for d in await docs.diagnostics(uri, 1)] == ["DF103"]
    published = len(docs.publishes.items)
    docs.replace(uri, small + "x = 1\n" * 200_000)  # 1.2 MB
    assert await docs.diagnostics(uri, None, after=published) == []  # cleared
    await docs.session.wait_for_log("no docstring checks for")
    assert await docs.code_actions(uri, 3, 5) == []
    await still_serving(docs)
    version = docs.replace(uri, small)
    assert [d.code for d in await docs.diagnostics(uri, version)] == ["DF103"]


async def test_a_module_of_more_than_2000_definitions_is_left_to_the_cli(
    docs: DocsClient,
) -> None:
    # The module and 2,000 functions.
    functions = "".join(f"\n\ndef f{i:04d}(a):\n    return a\n" for i in range(2_000))
    uri = docs.open("generated.py", '"""Generated."""\n' + functions)
    await docs.session.wait_for_log("2,001 definitions, more than the 2,000 the editor analyses")
    assert await docs.code_actions(uri, 3, 5) == []
    # One definition fewer, and it is analysed again (the first thousand findings shown).
    version = docs.replace(uri, '"""Generated."""\n' + functions.split("\n\n\ndef f1999")[0])
    assert len(await docs.diagnostics(uri, version)) == 1_000


async def test_at_most_a_thousand_diagnostics_are_published_for_a_document(
    docs: DocsClient,
) -> None:
    source = '"""Generated."""\n' + "".join(
        f"\n\ndef f{i:04d}(a):\n    return a\n" for i in range(1_050)
    )
    uri = docs.open("many.py", source)
    found = await docs.diagnostics(uri, 1)
    assert len(found) == 1_000
    assert found[0].message == "Function `f0000` has no docstring"
    assert found[-1].message == "Function `f0999` has no docstring"
    await docs.session.wait_for_log("1050 docstring findings, the first 1000 shown")
    # Past the thousandth, the fix is still offered where the cursor is.
    [action] = await docs.code_actions(uri, 4 * 1_040 + 3, 5, only=["quickfix"])
    assert action.title == "Generate docstring for `f1040`"


LINE_BREAK_LINES = [  # a form feed and U+2028 inside lines: LSP breaks lines at neither
    '"""Shop.\x0c',
    'Prices\u2028in cents."""',
    "",
    "",
    "class Cart:",
    "    def total(self, items: list[int]) -> int: return sum(items)  # one line",
    "",
    "",
    "def pay(amount: int) -> int:",
    "    # by card\x0conly",
    "    return amount  # \u2028",
    "X = 1",
]
LINE_BREAK_FIXED = [
    ('"""Shop.\x0c', 0),
    ('Prices\u2028in cents."""', 1),
    ("", 2),
    ("", 3),
    ("class Cart:", 4),
    ('    """Cart."""', None),
    ("", None),
    ("    def total(self, items: list[int]) -> int:  # one line", None),
    ('        """Return the total.', None),
    ("", None),
    ("        Args:", None),
    ("            items (list[int]): The items.", None),
    ("", None),
    ("        Returns:", None),
    ("            int: The total.", None),
    ('        """', None),
    ("        return sum(items)", 5),
    ("", 6),
    ("", 7),
    ("def pay(amount: int) -> int:", 8),
    ('    """Return the pay.', None),
    ("", None),
    ("    Args:", None),
    ("        amount (int): The amount.", None),
    ("", None),
    ("    Returns:", None),
    ("        int: The pay.", None),
    ('    """', None),
    ("    # by card\x0conly", 9),
    ("    return amount  # \u2028", 10),
    ("X = 1", 11),
]
ENDINGS = {
    "cr": ["\r"] * 12,
    "crlf": ["\r\n"] * 12,
    "lf": ["\n"] * 12,
    "mixed": ["\r\n", "\n", "\r"] * 4,
}


def with_endings(lines: list[tuple[str, int | None]], endings: list[str]) -> str:
    """Lines ending as the original line they come from ended; new lines with the file's line
    break (its first line's)."""
    return "".join(text + (endings[0] if at is None else endings[at]) for text, at in lines)


@VSCODE
@pytest.mark.parametrize("kind", list(ENDINGS))
async def test_line_endings_and_breaks_inside_lines_survive_every_fix(
    no_inference: DocsClient, kind: str
) -> None:
    """With CR line endings the quick fix used to remove the line break after its insertion
    point (`return aX = 1`) and the file action sent overlapping edits."""
    docs = no_inference
    endings = ENDINGS[kind]
    source = with_endings([(t, i) for i, t in enumerate(LINE_BREAK_LINES)], endings)
    expected = with_endings(LINE_BREAK_FIXED, endings)
    uri = docs.open("shop.py", source)
    found = await docs.diagnostics(uri, 1)
    assert sorted(d.code for d in found) == ["DF101", "DF102", "DF103"]

    # Each quick fix alone, applied to the text as the editor has it.
    alone = source
    for line, name in ((4, "Cart"), (5, "total"), (8, "pay")):
        actions = await docs.code_actions(uri, line, 7, diagnostics=touching(found, line, 7))
        [(_, edits)] = edits_by_uri(await edit_of(docs, action_for(actions, name))).values()
        assert overlapping(source, edits, docs.encoding) == []
        fixed = apply_text_edits(source, edits, docs.encoding)
        assert len(split_lines(fixed)) > len(split_lines(source))
        assert fixed.endswith(source[-20:])  # nothing after the fix moved or merged
        if name == "pay":
            alone = fixed
    assert alone == with_endings(
        [(t, i) for t, i in LINE_BREAK_FIXED[:5]]
        + [(t, i) for i, t in enumerate(LINE_BREAK_LINES) if 5 <= i < 9]
        + LINE_BREAK_FIXED[20:],
        endings,
    )

    # The file action: one edit per definition, none overlapping, the whole expected text.
    actions = await docs.code_actions(uri, 8, 7)
    [whole] = [a for a in actions if a.title == FILE_ACTION]
    [(_, edits)] = edits_by_uri(await edit_of(docs, whole)).values()
    assert len(edits) == 3
    assert overlapping(source, edits, docs.encoding) == []
    assert apply_text_edits(source, edits, docs.encoding) == expected

    # The command sends the same through workspace/applyEdit.
    await docs.command(GENERATE_FILE, {"uri": uri})
    [request] = docs.edit_requests
    [(_, edits)] = edits_by_uri(request.edit).values()
    assert overlapping(source, edits, docs.encoding) == []
    assert docs.texts[uri] == expected
    version = docs.replace(uri, expected)
    assert await docs.diagnostics(uri, version) == []


HOSTILE_PYTHON = """#!/bin/sh
touch "{marker}"
exec "{python}" "$@"
"""
RUNS_IF_EXECUTED = 'open({marker!r}, "a").write({name!r})\n'


def hostile_workspace(repo: Path, marker: Path) -> None:
    """A repository whose files run a payload if anything executes them: its own ``.venv``
    interpreter (jedi's default environment with VIRTUAL_ENV set), a jedi project file pointing
    at it, and Python files a tool might import or run."""
    python = repo / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(HOSTILE_PYTHON.format(marker=marker, python=sys.executable))
    python.chmod(0o755)
    (repo / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (repo / ".jedi").mkdir()
    (repo / ".jedi" / "project.json").write_text(
        json.dumps([1, {"path": str(repo), "environment_path": str(python)}])
    )
    for name in ("setup.py", "conftest.py", "sitecustomize.py", "build_backend.py"):
        (repo / name).write_text(RUNS_IF_EXECUTED.format(marker=str(marker), name=name))
    (repo / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "build_backend"\nbackend-path = ["."]\n\n'
        "[tool.ruff]\nline-length = 60\n"
    )


LISTING = '''"""Listings."""


def listing(a):
    return [a]
'''


@VSCODE
async def test_a_hostile_workspace_makes_the_docstring_engine_run_nothing(
    start: Start, preset: str, repo: Path, data_dir: Path, tmp_path: Path
) -> None:
    """jedi's default environment runs ``$VIRTUAL_ENV/bin/python``: an editor started from a
    shell where the repository's own ``.venv`` was activated made DevFocus run it."""
    marker = tmp_path / "ran"
    hostile_workspace(repo, marker)
    env = server_env(data_dir, VIRTUAL_ENV=str(repo / ".venv"))
    docs = await start(preset, env=env)
    uri = docs.open("listing.py", LISTING)
    found = await docs.diagnostics(uri, 1)
    # jedi infers the return type in the background: ask until its answer is in the fix.
    deadline = time.monotonic() + TIMEOUT
    while True:
        actions = await docs.code_actions(uri, 3, 5, diagnostics=touching(found, 3, 5))
        edits = edits_by_uri(await edit_of(docs, action_for(actions, "listing")))[uri][1]
        fixed = apply_text_edits(LISTING, edits, docs.encoding)
        if "list: The listing." in fixed or time.monotonic() > deadline:
            break
    assert "        list: The listing." in fixed
    # Every Python file of the workspace is read, analysed and fixed; none is run.
    docs.texts.update({path.as_uri(): path.read_text() for path in repo.glob("*.py")})
    result = plain(await docs.command(GENERATE_WORKSPACE))
    assert result["files"] == len(docs.texts) - 1  # all but listing.py, open and never saved
    assert docs.texts[(repo / "setup.py").as_uri()].startswith('"""Setup."""')
    assert not marker.exists(), f"ran: {marker.read_text()}"


# -- the client-side helper the tests above rely on --------------------------------------------
def _edit(line: int, start: int, end: int, text: str) -> types.TextEdit:
    return types.TextEdit(types.Range(types.Position(line, start), types.Position(line, end)), text)


@pytest.mark.parametrize(
    "text, edits, encoding, expected",
    [
        ("abc", [_edit(0, 1, 1, "A"), _edit(0, 1, 1, "B")], "utf-16", "aABbc"),  # given order
        ("a😀b\r\nxy", [_edit(0, 3, 4, "B"), _edit(1, 0, 1, "X")], "utf-16", "a😀B\r\nXy"),
        ("a😀b\r\nxy", [_edit(0, 5, 6, "B")], "utf-8", "a😀B\r\nxy"),
        ("a😀b", [_edit(0, 2, 3, "B")], "utf-32", "a😀B"),
        ("ab\n", [_edit(0, 99, 99, "!")], "utf-16", "ab!\n"),  # past the end: the line's end
        ("ab\rcd", [_edit(1, 0, 0, "!")], "utf-16", "ab\r!cd"),  # a lone CR ends a line
    ],
)
def test_text_edits_are_applied_as_lsp_defines_positions(text, edits, encoding, expected) -> None:
    assert apply_text_edits(text, edits, encoding) == expected
