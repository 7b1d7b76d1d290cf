"""Plain data for git history: commits with their file changes, and checkouts (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of a commit. ``added``/``deleted`` are None for a binary file."""

    path: str
    added: int | None
    deleted: int | None
    old_path: str | None = None  # the path before a rename

    @property
    def binary(self) -> bool:
        return self.added is None


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit as ``git log`` shows it (names and emails after ``.mailmap``).

    Times are seconds since the epoch (UTC); offsets are the author's and committer's UTC offsets
    in minutes, as recorded in the commit.
    """

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    authored_at: float
    author_offset: int
    committer_name: str
    committer_email: str
    committed_at: float
    committer_offset: int
    message: str
    files: tuple[FileChange, ...] = field(default=())

    @property
    def merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()

    @property
    def additions(self) -> int:
        return sum(f.added or 0 for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deleted or 0 for f in self.files)


@dataclass(frozen=True, slots=True)
class Checkout:
    """A branch switch, from the reflog ("checkout: moving from A to B") or seen live."""

    at: float
    from_ref: str
    to_ref: str
    sha: str | None = None


@dataclass(frozen=True, slots=True)
class RepoCommit:
    """A stored commit with where it was made, and whether a branch still holds it."""

    root: str  # the repository's working tree, POSIX path
    branch: str | None
    reachable: bool
    commit: Commit


@dataclass(frozen=True, slots=True)
class RepoCheckout:
    root: str
    checkout: Checkout
