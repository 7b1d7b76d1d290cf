"""DevFocus: a local-first developer companion language server."""

import os as _os

__version__ = "0.1.0"

# Run from the VS Code extension's bundle (bundled.ENV; read here so that no other start pays
# for importing that module).
if _os.environ.get("DEVFOCUS_BUNDLE"):
    from devfocus import bundled as _bundled

    _bundled.activate()
