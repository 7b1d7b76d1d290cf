"""The one reader of a repository's HEAD and refs from its files (cheap enough per flush): where
the git directory is, the branch checked out, and the commit HEAD names.

Files first, no git process: a reftable repository or a damaged file gives None, and the caller
asks git itself when it must know.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DETACHED = "(detached)"
COMMIT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256
_SYMBOLIC_DEPTH = 5  # symbolic refs pointing at symbolic refs, briefly


def find_git_dir(root: Path) -> Path | None:
    """The git directory of the working tree at ``root``: ``.git`` or where a ``.git`` file points
    (worktrees and submodules)."""
    dot = root / ".git"
    try:
        if dot.is_dir():
            return dot
        if dot.is_file():
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.removeprefix("gitdir:").strip())
                return target if target.is_absolute() else (root / target).resolve()
    except OSError:
        return None
    return None


def common_dir(git_dir: Path) -> Path:
    """Where objects, refs and branch reflogs live: a linked worktree's ``commondir``, else the
    git directory itself."""
    try:
        text = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    if not text:
        return git_dir
    target = Path(text)
    return target if target.is_absolute() else (git_dir / target).resolve()


def read_head_file(git_dir: Path) -> str | None:
    """The text of ``git_dir``'s HEAD file, stripped; None when it cannot be read."""
    try:
        return (git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def parse_head(text: str) -> str | None:
    """``ref: refs/heads/main`` → ``main``; a commit id → :data:`DETACHED`; anything else (a
    damaged file) → None."""
    text = text.strip()
    if text.startswith("ref:"):
        ref = text.removeprefix("ref:").strip()
        return ref.removeprefix("refs/heads/") or None
    return DETACHED if COMMIT_ID.fullmatch(text) else None


def head_ref(git_dir: Path) -> str | None:
    """The ref HEAD points at (``refs/heads/main``); None when detached or unreadable."""
    text = read_head_file(git_dir)
    if text is None or not text.startswith("ref:"):
        return None
    return text.removeprefix("ref:").strip() or None


def checked_out(git_dir: Path) -> tuple[str | None, str | None]:
    """(branch, detached commit): the branch checked out (:data:`DETACHED` when HEAD is a commit,
    None when HEAD cannot be read) and, when detached, HEAD's commit."""
    text = read_head_file(git_dir)
    if text is None:
        return None, None
    branch = parse_head(text)
    return branch, (text if branch == DETACHED else None)


def head_commit(git_dir: Path) -> str | None:
    """HEAD's commit id from the files of ``git_dir`` (loose ref, then packed-refs; a linked
    worktree's refs are in its common directory); None when they do not say."""
    text = read_head_file(git_dir)
    for _ in range(_SYMBOLIC_DEPTH):
        if text is None:
            return None
        if COMMIT_ID.fullmatch(text):
            return text
        if not text.startswith("ref:"):
            return None
        ref = text.removeprefix("ref:").strip()
        if not ref.startswith("refs/") or ".." in ref:
            return None
        text = read_ref(git_dir, ref)
    return None


def read_ref(git_dir: Path, ref: str) -> str | None:
    """What ``ref`` (``refs/heads/main``) holds, loose or packed: a commit id, or the text of a
    symbolic ref; None when the files do not say."""
    common = common_dir(git_dir)
    for directory in dict.fromkeys((git_dir, common)):
        try:
            return (directory / ref).read_text(encoding="utf-8", errors="replace").strip()
        except (OSError, ValueError):
            continue
    try:
        packed = (common / "packed-refs").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for row in packed.splitlines():
        sha, _, name = row.partition(" ")
        if name.strip() == ref and COMMIT_ID.fullmatch(sha):
            return sha
    return None


class HeadCache:
    """Branch per working tree, re-read only when HEAD's modification time changes."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[int, str | None]] = {}
        self._git_dirs: dict[str, Path | None] = {}

    def branch(self, root: str) -> str | None:
        if root not in self._git_dirs:
            self._git_dirs[root] = find_git_dir(Path(root))
        git_dir = self._git_dirs[root]
        if git_dir is None:
            return None
        try:
            mtime = os.stat(git_dir / "HEAD").st_mtime_ns
        except OSError:
            return None
        cached = self._cache.get(root)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        text = read_head_file(git_dir)
        if text is None:
            return None
        branch = parse_head(text)
        self._cache[root] = (mtime, branch)
        return branch
