"""Finding repositories and reading their branches (one git process; HEAD from its file, see
:mod:`devfocus.git.head`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from devfocus.git.head import DETACHED, checked_out, common_dir, find_git_dir
from devfocus.git.runner import run_git

SCAN_DEPTH = 2  # how deep below a workspace root to look for more repositories
_NOT_SCANNED = frozenset({"node_modules", "site-packages", "__pycache__", "venv", "build", "dist"})


@dataclass(frozen=True)
class Repository:
    root: Path  # the working tree
    git_dir: Path  # its git directory (a worktree's own one under .git/worktrees/NAME)
    common_dir: Path  # where objects, refs and branch reflogs live

    @property
    def key(self) -> str:
        return self.root.as_posix()


def open_repository(path: Path) -> Repository | None:
    """The repository whose working tree holds ``path`` (a file or directory), if any."""
    start = Path(os.path.abspath(path))  # as the activity locator names projects
    for candidate in (start, *start.parents):
        git_dir = find_git_dir(candidate)
        if git_dir is not None:
            return Repository(candidate, git_dir, common_dir(git_dir))
    return None


def _is_submodule(root: Path) -> bool:
    dot = root / ".git"
    if not dot.is_file():
        return False
    git_dir = find_git_dir(root)
    # A submodule's git directory is SUPER_GIT_DIR/modules/NAME; a folder named "modules" above
    # a worktree's git directory (a Drupal or Terraform tree) does not make it one.
    return git_dir is not None and any(
        parent.name == "modules" and (parent.parent / "HEAD").is_file()
        for parent in git_dir.parents
    )


def find_repositories(paths: Iterable[Path | str], depth: int = SCAN_DEPTH) -> list[Repository]:
    """The repository of each path, plus repositories nested up to ``depth`` directories below
    it; submodules are not descended into, and each repository is listed once."""
    found: dict[str, Repository] = {}
    for raw in paths:
        path = Path(raw)
        repo = open_repository(path)
        if repo is not None:
            found.setdefault(repo.key, repo)
        for nested in _nested(path, depth):
            found.setdefault(nested.key, nested)
    return list(found.values())


def _nested(path: Path, depth: int) -> Iterable[Repository]:
    if depth <= 0:
        return
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in _NOT_SCANNED:
            continue
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
        except OSError:
            continue
        child = Path(entry.path)
        if (child / ".git").exists():
            if _is_submodule(child):
                continue
            git_dir = find_git_dir(child)
            if git_dir is not None:
                yield Repository(Path(os.path.abspath(child)), git_dir, common_dir(git_dir))
            continue
        yield from _nested(child, depth - 1)


@dataclass(frozen=True)
class Refs:
    branches: dict[str, str]  # local branch → sha
    head_branch: str | None  # the checked-out branch; DETACHED; None if unreadable
    head_sha: str | None  # the detached HEAD's commit

    def tips(self) -> dict[str, str]:
        """What ingestion starts from: every branch, and a detached HEAD."""
        tips = dict(self.branches)
        if self.head_branch == DETACHED and self.head_sha:
            tips["HEAD"] = self.head_sha
        return tips


def read_refs(repo: Repository) -> Refs:
    """Local branches (one ``git for-each-ref``, which knows packed refs and reftables)."""
    out = run_git(repo.root, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads")
    branches = {}
    for line in out.decode("utf-8", "replace").splitlines():
        sha, _, ref = line.partition(" ")
        if ref.startswith("refs/heads/"):
            branches[ref.removeprefix("refs/heads/")] = sha
    head_branch, head_sha = checked_out(repo.git_dir)
    return Refs(branches, head_branch, head_sha)


def user_email(repo: Repository) -> str | None:
    out = run_git(repo.root, "config", "--get", "user.email", ok_codes=(0, 1))
    return out.decode("utf-8", "replace").strip() or None


def remote_urls(repo: Repository) -> list[str]:
    """The URLs of the repository's remotes, ``origin`` first, then ``upstream``, then the rest
    by name (read from its config: nothing is fetched)."""
    out = run_git(repo.root, "config", "--get-regexp", r"^remote\..*\.url$", ok_codes=(0, 1))
    found: dict[str, str] = {}
    for line in out.decode("utf-8", "replace").splitlines():
        key, _, url = line.partition(" ")
        name = key.removeprefix("remote.").removesuffix(".url")
        if url.strip():
            found.setdefault(name, url.strip())
    order = sorted(found, key=lambda name: (name != "origin", name != "upstream", name))
    return [found[name] for name in order]
