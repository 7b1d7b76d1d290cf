"""The branch checked out in a working tree, read from its HEAD file (cheap enough per flush)."""

from __future__ import annotations

import os
import re
from pathlib import Path

DETACHED = "(detached)"
_COMMIT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256


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


def parse_head(text: str) -> str | None:
    """``ref: refs/heads/main`` → ``main``; a commit id → :data:`DETACHED`; anything else (a
    damaged file) → None."""
    text = text.strip()
    if text.startswith("ref:"):
        ref = text.removeprefix("ref:").strip()
        return ref.removeprefix("refs/heads/") or None
    return DETACHED if _COMMIT_ID.fullmatch(text) else None


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
        head = git_dir / "HEAD"
        try:
            mtime = os.stat(head).st_mtime_ns
            cached = self._cache.get(root)
            if cached is not None and cached[0] == mtime:
                return cached[1]
            branch = parse_head(head.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return None
        self._cache[root] = (mtime, branch)
        return branch
