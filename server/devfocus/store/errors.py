"""What went wrong with the database, in words a user can act on."""

from __future__ import annotations

from typing import Literal

# ``replaced``: the SQLite file was swapped for another while open; ``foreign``: the file is
# another program's database.
ProblemKind = Literal[
    "locked", "readonly", "corrupt", "unreachable", "schema", "replaced", "foreign", "other"
]


class StoreError(Exception):
    def __init__(self, kind: ProblemKind, message: str) -> None:
        super().__init__(message)
        self.kind: ProblemKind = kind
        self.message = message


def classify(exc: BaseException, where: str) -> StoreError:
    """Turn a driver or SQLAlchemy exception into a :class:`StoreError` naming ``where``."""
    if isinstance(exc, StoreError):
        return exc
    from devfocus.store.migrations import SchemaTooNew  # SQLAlchemy: only once there is an error

    if isinstance(exc, SchemaTooNew):
        return StoreError("schema", f"{where}: {exc}")
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(exc).__name__
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return StoreError("locked", f"{where} is locked by another program ({text})")
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return StoreError("readonly", f"{where} is read-only ({text})")
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return StoreError(
            "corrupt", f"{where} is not a readable DevFocus database; it may be corrupt ({text})"
        )
    if isinstance(original, PermissionError) or "unable to open" in lowered:
        return StoreError("readonly", f"{where} cannot be opened for writing ({text})")
    if _is_connection_problem(exc, lowered):
        return StoreError("unreachable", f"cannot reach {where} ({text})")
    return StoreError("other", f"{where}: {text}")


def _is_connection_problem(exc: BaseException, lowered: str) -> bool:
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    words = ("connection", "connect", "could not", "server closed", "terminating", "timeout")
    return any(w in lowered for w in words)
