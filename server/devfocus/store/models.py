"""The current schema. Migrations (store/migrations.py) create and evolve it; a test checks that
migrating an empty database yields exactly these tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite's 64-bit rowid is the id itself; elsewhere a BIGINT.
EventId = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    """One activity event: an instant, or a span of coalesced edits (``start_ms < end_ms``).

    Ids are random 63-bit integers chosen by the writing process, so several processes write
    without coordination and a growing span is rewritten under the same id.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=False)
    start_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)  # UTC epoch milliseconds
    end_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    project: Mapped[str | None] = mapped_column(Text)  # project root, POSIX path
    path: Mapped[str | None] = mapped_column(Text)  # relative to the project
    language: Mapped[str | None] = mapped_column(String(64))
    branch: Mapped[str | None] = mapped_column(Text)
    editor: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(32))  # the writing server process
    lines_added: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    lines_removed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (Index("ix_events_start_ms", "start_ms"),)


class SchemaVersion(Base):
    __tablename__ = "devfocus_schema"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    applied_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)


EVENTS = EventRow.__table__
