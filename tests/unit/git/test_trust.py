"""The trust policy: the workspace's trust, ``devfocus.git.trust`` and git's ownership rule,
decided from plain data (owners, ``safe.directory`` values), with hand-computed expectations."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from devfocus.git.trust import (
    ALLOWED,
    NEVER_READ,
    UNTRUSTED,
    Foreign,
    GitAccess,
    access,
    decide,
    folder_verdict,
    foreign_path,
    is_safe_directory,
    owned_by_you,
    ownership_verdict,
    repository_paths,
    workspace_verdict,
)
from devfocus.lsp.messages import GitAccess as WireGitAccess
from devfocus.lsp.wire import to_json

ME, OTHER, ROOT = 1000, 65534, 0
NAMES = {ME: "me", OTHER: "nobody", ROOT: "root"}


def same(path: str) -> str:
    """A realpath for paths without links."""
    return os.path.normpath(path)


def owners(table: dict[str, int]) -> Any:
    """An lstat that knows the owner of each path in ``table`` and of nothing else."""

    def lstat(path: Path) -> Any:
        try:
            return SimpleNamespace(st_uid=table[str(path)])
        except KeyError:
            raise FileNotFoundError(path) from None

    return lstat


# -- the workspace and the setting ---------------------------------------------------------------
def test_an_untrusted_workspace_reads_nothing_whatever_the_setting() -> None:
    for policy in ("owned", "never", ("/srv",)):
        assert workspace_verdict(False, policy) == UNTRUSTED
    assert "wait for trust" in (UNTRUSTED.reason or "")


def test_never_reads_nothing_and_owned_or_folders_go_on() -> None:
    assert workspace_verdict(True, "never") == NEVER_READ
    assert workspace_verdict(True, "owned") == ALLOWED
    assert workspace_verdict(True, ("/srv",)) == ALLOWED


@pytest.mark.parametrize(
    ("root", "allowed"),
    [
        ("/srv/work", True),  # the folder itself
        ("/srv/work/shop", True),
        ("/srv/work/a/b/c", True),
        ("/srv/work2/shop", False),  # a sibling sharing the prefix is not inside
        ("/srv", False),
        ("/home/me/src/x", True),  # ~ is the user's home
        ("/tmp/x", False),
    ],
)
def test_a_list_of_folders_allows_only_repositories_inside_them(
    root: str, allowed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", "/home/me")
    verdict = folder_verdict(("/srv/work/", "~/src"), root, same)
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.kind == "outside"
        assert verdict.reason == "not read: it is not inside a folder of devfocus.git.trust"


def test_folders_compare_real_paths() -> None:
    links = {"/home/me/link": "/srv/work/shop"}
    verdict = folder_verdict(("/srv/work",), "/home/me/link", lambda p: links.get(p, same(p)))
    assert verdict.allowed


# -- ownership -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("owner", "euid", "sudo_uid", "yours"),
    [
        (ME, ME, None, True),
        (OTHER, ME, None, False),
        (ROOT, ME, None, False),
        (ROOT, ROOT, None, True),  # root reads root's
        (OTHER, ROOT, None, False),  # root does not read another user's
        (ME, ROOT, ME, True),  # under sudo: the invoking user's
        (OTHER, ROOT, ME, False),
        (ROOT, ROOT, ME, True),
    ],
)
def test_owned_by_you_is_gits_rule(
    owner: int, euid: int, sudo_uid: int | None, yours: bool
) -> None:
    assert owned_by_you(owner, euid, sudo_uid) is yours


def test_the_paths_checked_include_a_gitdir_file_and_where_it_points() -> None:
    root = Path("/w/project")
    assert repository_paths(root, root / ".git", root / ".git") == [root, root / ".git"]
    elsewhere = Path("/elsewhere/project.git")
    assert repository_paths(root, elsewhere, elsewhere) == [root / ".git", root, elsewhere]
    worktree_dir = Path("/main/.git/worktrees/wt")
    assert repository_paths(root, worktree_dir, Path("/main/.git")) == [
        root / ".git",
        root,
        worktree_dir,
        Path("/main/.git"),
    ]


def test_the_first_path_that_is_not_yours_is_named_with_its_owner() -> None:
    lstat = owners({"/w/p": ME, "/w/p/.git": ME, "/else/p.git": OTHER})
    paths = [Path("/w/p/.git"), Path("/w/p"), Path("/else/p.git")]
    found = foreign_path(paths, euid=ME, sudo_uid=None, lstat=lstat, user_name=NAMES.get)
    assert found == Foreign("/else/p.git", "nobody")
    assert foreign_path(paths[:2], euid=ME, sudo_uid=None, lstat=lstat) is None


def test_a_path_that_cannot_be_checked_is_not_yours() -> None:
    found = foreign_path([Path("/gone")], euid=ME, sudo_uid=None, lstat=owners({}))
    assert found == Foreign("/gone", None)


@pytest.mark.parametrize(
    ("values", "safe"),
    [
        ([], False),
        (["*"], True),
        (["/srv/repo"], True),
        (["/srv/repo/"], True),
        (["/srv/other"], False),
        (["/srv/*"], True),  # every repository below /srv
        (["/srv/repo/*"], False),  # below the repository, not the repository
        (["/sr*"], False),  # only "/*" at the end is a wildcard
        (["*", ""], False),  # an empty value forgets what came before
        (["", "/srv/repo"], True),
        (["srv/repo", "."], False),  # relative values match nothing
        ([None], False),  # `directory` without a value: git treats it as empty
    ],
)
def test_safe_directory_values_as_git_reads_them(values: list[str | None], safe: bool) -> None:
    assert is_safe_directory("/srv/repo", values, same) is safe


def test_safe_directory_compares_real_paths() -> None:
    links = {"/home/me/repo": "/srv/repo"}
    assert is_safe_directory("/home/me/repo", ["/srv/repo"], lambda p: links.get(p, same(p)))
    assert is_safe_directory("/srv/repo", ["/home/me/repo"], lambda p: links.get(p, same(p)))


def test_a_repository_of_another_user_says_whose_and_how_to_trust_it() -> None:
    asked: list[bool] = []

    def values() -> list[str | None]:
        asked.append(True)
        return ["/srv/other"]

    verdict = ownership_verdict("/srv/repo", Foreign("/srv/repo", "nobody"), values, same)
    assert not verdict.allowed
    assert verdict.kind == "owner"
    assert verdict.reason == (
        "not read: owned by nobody, not you; "
        "to trust it: git config --global --add safe.directory /srv/repo"
    )
    assert asked == [True]


def test_the_hint_quotes_a_path_the_shell_would_split() -> None:
    verdict = ownership_verdict("/srv/my repo", Foreign("/srv/my repo", "ann"), list, same)
    assert verdict.reason is not None
    assert verdict.reason.endswith("safe.directory '/srv/my repo'")


def test_a_foreign_git_directory_is_named_as_such() -> None:
    verdict = ownership_verdict("/w/p", Foreign("/else/p.git", "nobody"), list, same)
    assert verdict.reason is not None
    assert verdict.reason.startswith("not read: /else/p.git is owned by nobody, not you;")
    assert verdict.reason.endswith("safe.directory /w/p")


def test_your_own_repository_never_asks_for_safe_directory_values() -> None:
    def values() -> list[str | None]:
        raise AssertionError("safe.directory read for a repository of one's own")

    assert ownership_verdict("/w/p", None, values) == ALLOWED


# -- all of it --------------------------------------------------------------------------------
def decision(**overrides: Any) -> Any:
    args: dict[str, Any] = {
        "trusted": True,
        "policy": "owned",
        "euid": ME,
        "sudo_uid": None,
        "safe_values": list,
        "lstat": owners({"/w/p": ME, "/w/p/.git": ME}),
        "user_name": NAMES.get,
        "realpath": same,
    }
    args.update(overrides)
    return decide("/w/p", [Path("/w/p"), Path("/w/p/.git")], **args)


def test_decide_reads_your_repository_and_refuses_another_users() -> None:
    assert decision() == ALLOWED
    refused = decision(lstat=owners({"/w/p": OTHER, "/w/p/.git": OTHER}))
    assert refused.kind == "owner" and "owned by nobody" in (refused.reason or "")
    assert decision(lstat=owners({"/w/p": OTHER, "/w/p/.git": OTHER}), safe_values=lambda: ["*"])


def test_decide_applies_the_workspace_and_the_folders_before_the_owner() -> None:
    def never_asked(path: Path) -> Any:
        raise AssertionError("an owner was looked up")

    assert decision(trusted=False, lstat=never_asked) == UNTRUSTED
    assert decision(policy="never", lstat=never_asked) == NEVER_READ
    assert decision(policy=("/srv",), lstat=never_asked).kind == "outside"
    assert decision(policy=("/w",)) == ALLOWED


def test_folders_do_not_widen_the_ownership_rule() -> None:
    refused = decision(policy=("/w",), lstat=owners({"/w/p": OTHER, "/w/p/.git": OTHER}))
    assert refused.kind == "owner"


def test_a_system_without_owners_checks_none() -> None:
    assert decision(euid=None, lstat=owners({})) == ALLOWED


# -- what the status says ----------------------------------------------------------------------
def test_the_status_says_git_waits_for_trust() -> None:
    wire = to_json(WireGitAccess.of(access(enabled=True, workspace=UNTRUSTED)))
    assert wire["state"] == "untrusted"
    assert "wait for trust" in wire["reason"]
    assert wire["notRead"] == []


def test_the_status_says_why_git_is_off() -> None:
    assert access(enabled=True, workspace=NEVER_READ) == GitAccess("off", NEVER_READ.reason)
    off = access(enabled=False, workspace=ALLOWED)
    assert off.state == "off" and "devfocus.git.enabled" in (off.reason or "")


def test_the_status_lists_the_repositories_not_read() -> None:
    refused = [("/w/b", "not read: owned by nobody"), ("/w/a", "not read: outside")]
    wire = to_json(WireGitAccess.of(access(enabled=True, workspace=ALLOWED, refused=refused)))
    assert wire == {
        "state": "on",
        "reason": None,
        "notRead": [
            {"root": "/w/a", "reason": "not read: outside"},
            {"root": "/w/b", "reason": "not read: owned by nobody"},
        ],
    }
