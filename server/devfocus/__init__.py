"""DevFocus: a local-first developer companion language server."""

import os as _os

__version__ = "0.1.0"

if _os.environ.get("DEVFOCUS_BUNDLE"):  # run from the VS Code extension's bundle
    from devfocus import bundled as _bundled

    _bundled.activate()
