"""The base of every LSP feature: hooks the server calls, each empty until a feature fills it.

A feature is one module under :mod:`devfocus.lsp.features` and one line in its ``FEATURES``. It
registers its own requests, commands and notifications in ``__init__`` and learns of everything
else through these hooks; features never call one another. The server calls each hook on every
feature in the order of ``FEATURES``, and an error in one feature's hook is logged without keeping
the others from theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lsprotocol import types

    from devfocus.docs.facts import ModuleFacts
    from devfocus.lsp.server import DevFocusServer


class LanguageFeature:
    """A part of the language server. Subclasses override the hooks they need."""

    # Code action kinds the feature offers (the server announces the union of all features').
    code_action_kinds: tuple[str, ...] = ()

    def __init__(self, server: DevFocusServer) -> None:
        self.server = server

    # -- life cycle ----------------------------------------------------------------------------
    def initialize(self, params: types.InitializeParams) -> None:
        """The client said hello; nothing may be sent to it until ``initialized``."""

    async def initialized(self) -> None:
        """The client is ready and the services (tracking, git) have started."""

    def shutdown(self) -> None:
        """The client asked the server to shut down: stop sending on your own."""

    def close(self) -> None:
        """The server is ending (any transport, any reason): let go of threads and files. Called
        once, after ``shutdown`` if the client asked for one."""

    # -- documents (only those within the limits: see devfocus.lsp.protocol) -----------------------
    def document_opened(self, params: types.DidOpenTextDocumentParams) -> None:
        """A document was opened, or came back within the limits."""

    def document_changed(self, params: types.DidChangeTextDocumentParams) -> None:
        """A document was edited (the workspace holds its new text already)."""

    def document_saved(self, params: types.DidSaveTextDocumentParams) -> None:
        """A document was saved."""

    def document_closed(self, params: types.DidCloseTextDocumentParams) -> None:
        """A document was closed, or went past the limits."""

    # -- the server's events -------------------------------------------------------------------
    def settings_changed(self) -> None:
        """The settings, or the workspace's trust, changed: what may be read may have too."""

    def state_changed(self) -> None:
        """Something the live status shows may have changed (tracking paused, new commits)."""

    def data_erased(self) -> None:
        """The user's data was erased: forget what was kept of it."""

    # -- requests collected from every feature ---------------------------------------------------
    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        """This feature's code actions for ``params`` (None: none of its business)."""
        return None

    async def resolve_code_action(self, action: types.CodeAction) -> types.CodeAction | None:
        """``action`` completed, if it is one of this feature's; None otherwise."""
        return None

    # -- what features share ---------------------------------------------------------------------
    def module_facts(self, uri: str, version: int | None) -> ModuleFacts | None:
        """The parsed Python module of the document at ``version``, if this feature has it (it
        saves another feature parsing the same text again)."""
        return None
