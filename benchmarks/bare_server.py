"""The reference server: the least a pygls language server can be.

One no-op ``textDocument/didChange`` feature on pygls's own ``LanguageServer`` and its own
``start_io()``, so everything it costs is pygls's (and Python's). The start-up and burst
benchmarks compare DevFocus with it.
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer


def create() -> LanguageServer:
    server = LanguageServer("bare", "0")

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        pass

    return server


if __name__ == "__main__":
    create().start_io()
