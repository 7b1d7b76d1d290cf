"""The trust gate on real repositories: owners from the file system, ``safe.directory`` from a
temporary home's ``.gitconfig``, decisions cached until something that changes them happens."""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterator
from pathlib import Path

import pytest

from devfocus.app.trustgate import TrustGate
from devfocus.lsp.messages import GitAccess as WireGitAccess
from devfocus.lsp.wire import to_json
from tests.repos import init_repo

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a repository to another user needs root",
)


def chown_tree(path: Path, uid: int) -> None:
    os.chown(path, uid, -1, follow_symlinks=False)
    for parent, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(parent, name), uid, -1, follow_symlinks=False)


@pytest.fixture
def nobody() -> int:
    return pwd.getpwnam("nobody").pw_uid


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home of its own: the machine's git configuration must not decide these tests."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_COUNT", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("SUDO_UID", raising=False)
    yield home


def test_your_own_repository_is_read(tmp_path: Path, home: Path) -> None:
    repo = init_repo(tmp_path / "mine")
    gate = TrustGate()
    assert gate.allows(repo)
    assert to_json(WireGitAccess.of(gate.access(True))) == {
        "state": "on",
        "reason": None,
        "notRead": [],
    }


@needs_root
def test_another_users_repository_is_refused_and_the_status_says_why(
    tmp_path: Path, home: Path, nobody: int
) -> None:
    repo = init_repo(tmp_path / "theirs")
    chown_tree(repo, nobody)
    changes: list[bool] = []
    gate = TrustGate(on_change=lambda: changes.append(True))
    verdict = gate.verdict(repo)
    assert not verdict.allowed
    why = (
        "not read: owned by nobody, not you; to trust it: "
        f"git config --global --add safe.directory {repo}"
    )
    assert verdict.reason == why
    assert to_json(WireGitAccess.of(gate.access(True)))["notRead"] == [
        {"root": str(repo), "reason": why}
    ]
    assert changes == [True]  # the status is told, once
    gate.verdict(repo)
    assert changes == [True]


@needs_root
def test_a_gitdir_file_pointing_at_another_users_directory_is_refused(
    tmp_path: Path, home: Path, nobody: int
) -> None:
    real = init_repo(tmp_path / "real")
    chown_tree(real / ".git", nobody)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / ".git").write_text(f"gitdir: {real / '.git'}\n")
    verdict = TrustGate().verdict(checkout)
    assert not verdict.allowed
    assert verdict.reason is not None
    assert f"{real / '.git'} is owned by nobody, not you" in verdict.reason


@needs_root
def test_safe_directory_in_your_git_configuration_trusts_it(
    tmp_path: Path, home: Path, nobody: int
) -> None:
    repo = init_repo(tmp_path / "theirs")
    chown_tree(repo, nobody)
    (home / ".gitconfig").write_text(f"[safe]\n\tdirectory = {repo}\n")
    assert TrustGate().allows(repo)


@needs_root
def test_safe_directory_in_the_repositorys_own_config_does_not(
    tmp_path: Path, home: Path, nobody: int
) -> None:
    repo = init_repo(tmp_path / "theirs")
    with (repo / ".git" / "config").open("a") as out:
        out.write("[safe]\n\tdirectory = *\n")
    chown_tree(repo, nobody)
    assert not TrustGate().allows(repo)


@needs_root
def test_refresh_notices_safe_directory_added_later(
    tmp_path: Path, home: Path, nobody: int
) -> None:
    repo = init_repo(tmp_path / "theirs")
    chown_tree(repo, nobody)
    gate = TrustGate()
    assert not gate.allows(repo)
    assert not gate.refresh()  # nothing changed
    (home / ".gitconfig").write_text("[safe]\n\tdirectory = *\n")
    generation = gate.generation
    assert gate.refresh()
    assert gate.generation > generation
    assert gate.allows(repo)
    assert gate.access(True).not_read == ()


def test_the_workspace_and_the_setting_come_first(tmp_path: Path, home: Path) -> None:
    repo = init_repo(tmp_path / "mine")
    gate = TrustGate()
    assert gate.configure(trusted=False)
    assert not gate.configure(trusted=False)  # no change, no news
    assert not gate.allows(repo)
    assert gate.access(True).state == "untrusted"
    gate.configure(trusted=True, policy="never")
    assert not gate.allows(repo)
    assert gate.access(True).state == "off"
    gate.configure(policy=(str(tmp_path / "elsewhere"),))
    assert gate.verdict(repo).kind == "outside"
    gate.configure(policy=(str(tmp_path),))
    assert gate.allows(repo)
