"""DevFocus: a local-first developer companion language server."""

__version__ = "0.1.0"
