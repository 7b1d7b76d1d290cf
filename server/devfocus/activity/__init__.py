"""Editor activity: the pure core (events, coalescing tracker, sessions, live status).

Nothing here imports pygls or SQLAlchemy; the LSP layer and the store adapt to it.
"""
