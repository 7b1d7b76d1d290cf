"""The checked-out branch, read from a working tree's HEAD file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devfocus.git.head import DETACHED, HeadCache, find_git_dir, parse_head
from tests.repos import git, init_repo

SHA = "3f2a9c41d0b7e6a5f4c3b2a1908f7e6d5c4b3a29"


def set_mtime(path: Path, seconds: int) -> None:
    os.utime(path, ns=(seconds * 10**9, seconds * 10**9))


# -- parse_head --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ref: refs/heads/main\n", "main"),
        ("ref: refs/heads/main", "main"),
        ("ref: refs/heads/feature/x\n", "feature/x"),
        ("ref: refs/heads/user/jane/fix-42\n", "user/jane/fix-42"),
        (f"{SHA}\n", DETACHED),
        (SHA, DETACHED),
        ("", None),
        ("\n", None),
    ],
)
def test_parse_head(text: str, expected: str | None) -> None:
    assert parse_head(text) == expected


# -- find_git_dir ------------------------------------------------------------------------------


def test_find_git_dir_of_a_normal_repository(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    assert find_git_dir(repo) == repo / ".git"


def test_find_git_dir_without_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert find_git_dir(plain) is None


def test_find_git_dir_follows_a_relative_gitdir_file(tmp_path: Path) -> None:
    # As a submodule's checkout points into its parent's .git/modules.
    target = tmp_path / "parent" / ".git" / "modules" / "lib"
    target.mkdir(parents=True)
    sub = tmp_path / "parent" / "lib"
    sub.mkdir()
    (sub / ".git").write_text("gitdir: ../.git/modules/lib\n")
    assert find_git_dir(sub) == target.resolve()


def test_find_git_dir_follows_an_absolute_gitdir_file(tmp_path: Path) -> None:
    target = tmp_path / "main" / ".git" / "worktrees" / "wt"
    target.mkdir(parents=True)
    work = tmp_path / "wt"
    work.mkdir()
    (work / ".git").write_text(f"gitdir: {target}\n")
    assert find_git_dir(work) == target


def test_find_git_dir_ignores_a_git_file_without_gitdir(tmp_path: Path) -> None:
    work = tmp_path / "odd"
    work.mkdir()
    (work / ".git").write_text("not a pointer\n")
    assert find_git_dir(work) is None


def test_find_git_dir_of_a_real_worktree(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    git(repo, "worktree", "add", "-q", "-b", "feature/wt", str(tmp_path / "wt"))
    found = find_git_dir(tmp_path / "wt")
    assert found is not None
    assert found.resolve() == (repo / ".git" / "worktrees" / "wt").resolve()
    assert (found / "HEAD").read_text().strip() == "ref: refs/heads/feature/wt"


# -- HeadCache ---------------------------------------------------------------------------------


def test_branch_of_a_new_repository(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    assert HeadCache().branch(str(repo)) == "main"


def test_branch_is_read_again_when_head_changes(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    head = repo / ".git" / "HEAD"
    cache = HeadCache()
    set_mtime(head, 1_700_000_000)
    assert cache.branch(str(repo)) == "main"

    git(repo, "checkout", "-q", "-b", "other")
    set_mtime(head, 1_700_000_100)
    assert cache.branch(str(repo)) == "other"

    git(repo, "checkout", "-q", "--detach")
    set_mtime(head, 1_700_000_200)
    assert cache.branch(str(repo)) == DETACHED

    git(repo, "checkout", "-q", "main")
    set_mtime(head, 1_700_000_300)
    assert cache.branch(str(repo)) == "main"


def test_branch_is_not_read_again_while_heads_mtime_is_unchanged(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    head = repo / ".git" / "HEAD"
    cache = HeadCache()
    set_mtime(head, 1_700_000_000)
    assert cache.branch(str(repo)) == "main"
    head.write_text("ref: refs/heads/elsewhere\n")
    set_mtime(head, 1_700_000_000)
    assert cache.branch(str(repo)) == "main"
    set_mtime(head, 1_700_000_001)
    assert cache.branch(str(repo)) == "elsewhere"


def test_branch_per_working_tree(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    git(repo, "worktree", "add", "-q", "-b", "feature/wt", str(tmp_path / "wt"))
    cache = HeadCache()
    assert cache.branch(str(repo)) == "main"
    assert cache.branch(str(tmp_path / "wt")) == "feature/wt"


def test_branch_without_a_repository_is_none(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    cache = HeadCache()
    assert cache.branch(str(plain)) is None
    assert cache.branch(str(tmp_path / "missing")) is None


@pytest.mark.parametrize("text", ["not a ref", "\x00\xff", "3f2a9c41", "g" * 40])
def test_a_damaged_head_names_no_branch(text: str) -> None:
    assert parse_head(text) is None
