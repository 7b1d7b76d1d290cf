"""What commit coaching needs from git: the staged diff, the repository an edited message belongs
to, the commits a revision range names, and the habits of the history before them.

Every function runs git through :mod:`devfocus.git.runner`; without git they raise
:class:`~devfocus.git.runner.GitMissing` for the caller to report once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from devfocus.git.coach import HABIT_SAMPLE, Habits, habits_of
from devfocus.git.head import checked_out, find_git_dir
from devfocus.git.logstream import parse_numstat, read_commits
from devfocus.git.model import Commit, FileChange
from devfocus.git.runner import GitError, GitMissing, run_git

MESSAGE_FILES = ("COMMIT_EDITMSG", "MERGE_MSG", "SQUASH_MSG")
DIFF_ARGS = ("diff", "--cached", "-z", "--numstat", "--find-renames", "--no-ext-diff", "--no-color")


def staged_changes(repo: Path | str) -> list[FileChange]:
    """The files ``git commit`` would record, with their line counts.

    While ``git commit -a`` (or a plain ``git commit``) waits for its editor, the index it will
    commit is ``index.lock``; it is read when present, as the hooks of that commit read it.
    """
    git_dir = find_git_dir(Path(repo))
    lock = git_dir / "index.lock" if git_dir is not None else None
    if lock is not None and lock.is_file():
        try:
            return list(parse_numstat(run_git(repo, *DIFF_ARGS, index_file=lock)))
        except GitMissing:
            raise
        except GitError:
            pass  # a lock being written by another command: the index itself will do
    return list(parse_numstat(run_git(repo, *DIFF_ARGS)))


def repository_of_message_file(path: Path | str) -> Path | None:
    """The work tree to run git in for a message file git opened (COMMIT_EDITMSG and the like),
    or None when the file is not in a git directory.

    The file lives in the git directory: ``.git/`` of a work tree, ``.git/worktrees/NAME/`` of a
    linked worktree (its ``gitdir`` file names the worktree's ``.git`` file), or
    ``.git/modules/NAME/`` of a submodule (its ``core.worktree`` names the work tree).
    """
    git_dir = Path(os.path.abspath(path)).parent
    if not (git_dir / "HEAD").is_file():
        return None
    if git_dir.name == ".git":
        return git_dir.parent
    pointer = git_dir / "gitdir"
    if pointer.is_file():  # a linked worktree
        try:
            target = Path(pointer.read_text(encoding="utf-8").strip())
        except OSError:
            return None
        if not target.is_absolute():
            target = (git_dir / target).resolve()
        return target.parent if target.parent.is_dir() else None
    worktree = _configured_worktree(git_dir)
    if worktree is not None:
        return worktree
    try:
        top = run_git(git_dir, "rev-parse", "--show-toplevel").decode("utf-8", "replace").strip()
    except GitMissing:
        raise
    except GitError:
        return None
    return Path(top) if top else None


def _configured_worktree(git_dir: Path) -> Path | None:
    """``core.worktree`` of a git directory (as a submodule's has), relative to that directory."""
    try:
        raw = run_git(
            git_dir,
            "config",
            "--file",
            str(git_dir / "config"),
            "--get",
            "core.worktree",
            ok_codes=(0, 1),
        )
    except GitMissing:
        raise
    except GitError:
        return None
    value = raw.decode("utf-8", "replace").strip()
    if not value:
        return None
    worktree = Path(value)
    if not worktree.is_absolute():
        worktree = Path(os.path.normpath(git_dir / worktree))
    return worktree if worktree.is_dir() else None


def commits_named(repo: Path | str, revisions: Sequence[str]) -> list[Commit]:
    """The commits ``revisions`` name, newest first: a single revision is that commit alone (as
    ``git show`` reads it), a range (``A..B``, ``A...B``, ``^A B``) every commit in it."""
    shas: list[str] = []
    singles = [r for r in revisions if ".." not in r and not r.startswith("^")]
    ranges = [r for r in revisions if r not in singles]
    for revision in singles:
        out = run_git(repo, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")
        shas.append(out.decode().strip())
    if ranges:
        out = run_git(repo, "rev-list", "--end-of-options", *ranges, "--")  # ranges, not options
        shas += out.decode().split()
    unique = list(dict.fromkeys(shas))
    if not unique:
        return []
    return list(read_commits(repo, ["--no-walk=sorted", *unique]))


def recent_habits(repo: Path | str, count: int = HABIT_SAMPLE) -> Habits:
    """The habits of the last ``count`` commits of HEAD (default habits for an unborn branch)."""
    try:
        commits = list(read_commits(repo, ["-n", str(count), "HEAD"]))
    except GitMissing:
        raise
    except GitError:
        return Habits()  # no commit yet, or not a repository
    return habits_of(commits)


def habits_before(repo: Path | str, coached: Sequence[Commit], count: int = HABIT_SAMPLE) -> Habits:
    """The habits of up to ``count`` commits that precede ``coached`` (which are left out)."""
    shas = {c.sha for c in coached}
    parents = list(dict.fromkeys(p for c in coached for p in c.parents if p not in shas))
    if not parents:
        return Habits()
    history: list[Commit] = []
    for commit in read_commits(repo, ["-n", str(count + len(shas)), *parents]):
        if commit.sha not in shas:
            history.append(commit)
            if len(history) == count:
                break
    return habits_of(history)


def comment_char(repo: Path | str) -> str | None:
    """``core.commentChar`` (``#`` when unset; None for ``auto``: read it from the message)."""
    try:
        raw = run_git(repo, "config", "--get", "core.commentChar", ok_codes=(0, 1))
    except GitMissing:
        raise
    except GitError:
        return "#"
    value = raw.decode("utf-8", "replace").strip()
    if value == "auto":
        return None
    return value or "#"


def branch_of_message_file(path: Path | str) -> str | None:
    """The branch being committed to, from the HEAD next to the message file."""
    branch, _ = checked_out(Path(os.path.abspath(path)).parent)
    return branch
