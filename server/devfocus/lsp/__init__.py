"""The language server: thin adapters from LSP messages to the application services."""
