"""The current schema. Migrations (store/migrations.py) create and evolve it; a test checks that
migrating an empty database yields exactly these tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
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


class RepositoryRow(Base):
    """A git working tree whose history is ingested, and how far the ingestion got."""

    __tablename__ = "repositories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    root: Mapped[str] = mapped_column(Text, nullable=False, unique=True)  # POSIX path
    git_dir: Mapped[str] = mapped_column(Text, nullable=False)
    user_email: Mapped[str | None] = mapped_column(Text)  # `git config user.email` there
    tips: Mapped[str] = mapped_column(Text, nullable=False)  # JSON {branch: sha} last ingested
    imported_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)


class CommitRow(Base):
    """One commit. Commits no longer reachable from a branch (rebased, force-pushed) are kept
    with ``reachable`` false."""

    __tablename__ = "commits"

    repo_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sha: Mapped[str] = mapped_column(String(64), primary_key=True)
    parents: Mapped[str] = mapped_column(Text, nullable=False)  # space-separated
    branch: Mapped[str | None] = mapped_column(Text)  # the branch it was made on, when known
    author_name: Mapped[str] = mapped_column(Text, nullable=False)
    author_email: Mapped[str] = mapped_column(Text, nullable=False)
    authored_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)
    author_offset: Mapped[int] = mapped_column(Integer, nullable=False)  # minutes east of UTC
    committer_name: Mapped[str] = mapped_column(Text, nullable=False)
    committer_email: Mapped[str] = mapped_column(Text, nullable=False)
    committed_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)
    committer_offset: Mapped[int] = mapped_column(Integer, nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    files: Mapped[int] = mapped_column(Integer, nullable=False)
    additions: Mapped[int] = mapped_column(Integer, nullable=False)
    deletions: Mapped[int] = mapped_column(Integer, nullable=False)
    reachable: Mapped[bool] = mapped_column(Boolean, nullable=False)

    __table_args__ = (Index("ix_commits_authored_ms", "authored_ms"),)


class CommitFileRow(Base):
    """One file of a commit; ``added``/``deleted`` are NULL for a binary file."""

    __tablename__ = "commit_files"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    repo_id: Mapped[int] = mapped_column(Integer, nullable=False)
    sha: Mapped[str] = mapped_column(String(64), nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    old_path: Mapped[str | None] = mapped_column(Text)  # before a rename
    added: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_commit_files_commit", "repo_id", "sha"),)


class CheckoutRow(Base):
    """A branch switch, from the reflog or seen live."""

    __tablename__ = "checkouts"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    repo_id: Mapped[int] = mapped_column(Integer, nullable=False)
    at_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)
    from_ref: Mapped[str] = mapped_column(Text, nullable=False)
    to_ref: Mapped[str] = mapped_column(Text, nullable=False)
    sha: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("repo_id", "at_ms", "to_ref", name="uq_checkouts_moment"),
        Index("ix_checkouts_at_ms", "at_ms"),
    )


class TaskRow(Base):
    """A task set by hand (``devfocus.task.set``): it holds in its project until the branch
    changes."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    set_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)
    project: Mapped[str | None] = mapped_column(Text)
    branch: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_tasks_set_ms", "set_ms"),)


class SchemaVersion(Base):
    __tablename__ = "devfocus_schema"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    applied_ms: Mapped[int] = mapped_column(BigInteger, nullable=False)


EVENTS = EventRow.__table__
REPOSITORIES = RepositoryRow.__table__
COMMITS = CommitRow.__table__
COMMIT_FILES = CommitFileRow.__table__
CHECKOUTS = CheckoutRow.__table__
TASKS = TaskRow.__table__
