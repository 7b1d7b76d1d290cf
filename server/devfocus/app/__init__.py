"""Application services: the pure core wired to the filesystem and the store.

Used alike by the language server and the CLI; nothing here imports pygls's server machinery.
"""
