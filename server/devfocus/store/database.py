"""One database, opened lazily; every failure surfaces as a :class:`StoreError`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine

from devfocus.store.engine import create, display_url
from devfocus.store.errors import StoreError, classify
from devfocus.store.migrations import upgrade

T = TypeVar("T")


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.display = display_url(url)
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        """The engine, created and migrated on first use (and again after a failure)."""
        if self._engine is None:
            engine = None
            try:
                engine = create(self.url)
                upgrade(engine)
            except Exception as exc:
                if engine is not None:
                    engine.dispose()
                raise classify(exc, self.display) from exc
            self._engine = engine
        return self._engine

    def run(self, operation: Callable[[Engine], T]) -> T:
        """``operation(engine)``, with any failure classified."""
        try:
            return operation(self.engine())
        except StoreError:
            raise
        except Exception as exc:
            raise classify(exc, self.display) from exc

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
