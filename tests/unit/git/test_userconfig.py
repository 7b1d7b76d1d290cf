"""The user's own git configuration read as data: the same ``safe.directory`` values git itself
reads (checked against the real ``git config`` on the same files), and never a repository's."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from devfocus.git import userconfig
from devfocus.git.filestamp import stamp

TRICKY = r"""# a comment
[safe]
	directory = /one
	Directory = "/two with  spaces" ; a comment
	directory=/three\
/continued
[Safe "sub"]
	directory = /a-subsection-is-another-key
[safe.old]
	directory = /old-style-subsection
[include]
	path = included.cfg
[includeIf "gitdir:/"]
	path = never-applies.cfg
[safe] directory = "  /four"   # after the header
[safe]
	directory = a  b	c "d  e" \t x
"""


def git_values(env: dict[str, str], cwd: Path) -> list[str]:
    """What git itself reads for ``safe.directory`` outside any repository."""
    done = subprocess.run(
        ["git", "config", "--includes", "--get-all", "safe.directory"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.split("\n")[:-1]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


def user_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.pop("XDG_CONFIG_HOME", None)
    return {**env, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", **extra}


def test_values_are_read_as_git_reads_them(home: Path, tmp_path: Path) -> None:
    (home / ".gitconfig").write_text(TRICKY)
    (home / "included.cfg").write_text("[safe]\n\tdirectory = /from-an-include\n")
    (home / "never-applies.cfg").write_text("[safe]\n\tdirectory = /from-include-if\n")
    env = user_env(home)
    expected = [
        "/one",
        "/two with  spaces",
        "/three/continued",
        "/from-an-include",
        "  /four",
        "a  b c d  e \t x",
    ]
    assert userconfig.values("safe.directory", env) == expected
    assert git_values(env, tmp_path) == expected


def test_a_key_without_a_value_is_none(home: Path) -> None:
    (home / ".gitconfig").write_text("[safe]\n\tdirectory = /one\n\tdirectory\n")
    assert userconfig.values("safe.directory", user_env(home)) == ["/one", None]


def test_xdg_config_is_read_before_the_home_file(home: Path, tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    (xdg / "git").mkdir(parents=True)
    (xdg / "git" / "config").write_text("[safe]\n\tdirectory = /from-xdg\n")
    (home / ".gitconfig").write_text("[safe]\n\tdirectory = /from-home\n")
    env = user_env(home, XDG_CONFIG_HOME=str(xdg))
    assert userconfig.values("safe.directory", env) == ["/from-xdg", "/from-home"]
    assert git_values(env, tmp_path) == ["/from-xdg", "/from-home"]


def test_git_config_global_replaces_the_home_files(home: Path, tmp_path: Path) -> None:
    (home / ".gitconfig").write_text("[safe]\n\tdirectory = /from-home\n")
    other = tmp_path / "global.cfg"
    other.write_text("[safe]\n\tdirectory = /from-global\n")
    env = user_env(home, GIT_CONFIG_GLOBAL=str(other))
    assert userconfig.values("safe.directory", env) == ["/from-global"]
    assert git_values(env, tmp_path) == ["/from-global"]


def test_the_system_file_comes_first_unless_turned_off(home: Path, tmp_path: Path) -> None:
    system = tmp_path / "system.cfg"
    system.write_text("[safe]\n\tdirectory = /from-system\n")
    (home / ".gitconfig").write_text("[safe]\n\tdirectory = /from-home\n")
    env = user_env(home, GIT_CONFIG_SYSTEM=str(system))
    env.pop("GIT_CONFIG_NOSYSTEM")
    assert userconfig.values("safe.directory", env) == ["/from-system", "/from-home"]
    assert git_values(env, tmp_path) == ["/from-system", "/from-home"]
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    assert userconfig.values("safe.directory", env) == ["/from-home"]


def test_environment_pairs_count_as_command_line_configuration(home: Path, tmp_path: Path) -> None:
    env = user_env(
        home, GIT_CONFIG_COUNT="2", GIT_CONFIG_KEY_0="safe.directory", GIT_CONFIG_VALUE_0="/env"
    )
    env.update(GIT_CONFIG_KEY_1="user.name", GIT_CONFIG_VALUE_1="x")
    assert userconfig.values("safe.directory", env) == ["/env"]
    assert git_values(env, tmp_path) == ["/env"]


def test_a_repositorys_own_config_is_never_read(home: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=user_env(home))
    with (repo / ".git" / "config").open("a") as out:
        out.write("[safe]\n\tdirectory = *\n")
    env = user_env(home)
    # git, run inside it, would read it (and ignores it for safe.directory itself).
    assert userconfig.values("safe.directory", env) == []
    assert str(repo / ".git" / "config") not in map(str, userconfig.config_files(env))


def test_a_broken_file_gives_the_values_before_the_break(home: Path) -> None:
    (home / ".gitconfig").write_text('[safe]\n\tdirectory = /one\n\tdirectory = "/unclosed\n')
    assert userconfig.values("safe.directory", user_env(home)) == ["/one"]


def test_includes_stop_at_a_depth_and_missing_files_are_skipped(home: Path) -> None:
    (home / ".gitconfig").write_text("[include]\n\tpath = .gitconfig\n\tpath = missing\n")
    assert userconfig.values("safe.directory", user_env(home)) == []


def test_a_stamp_changes_when_a_file_appears_or_changes(home: Path) -> None:
    files = userconfig.config_files(user_env(home))
    before = stamp(files)
    (home / ".gitconfig").write_text("[safe]\n\tdirectory = /x\n")
    assert stamp(files) != before
