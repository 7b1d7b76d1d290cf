"""``devfocus doctor`` says which repositories DevFocus reads, and why it does not read one that
another user owns, with the command that trusts it (as git's own ``safe.directory`` does)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.repos import give_to_nobody, init_repo

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a repository to another user needs root",
)


def doctor(tmp_path: Path, home: Path, *args: str, cwd: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.pop("XDG_CONFIG_HOME", None)
    env.update(DEVFOCUS_DATA_DIR=str(tmp_path / "data"), HOME=str(home), GIT_CONFIG_NOSYSTEM="1")
    done = subprocess.run(
        [sys.executable, "-m", "devfocus", "doctor", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    return done.stdout


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


def test_doctor_says_your_repository_is_read(tmp_path: Path, home: Path) -> None:
    repo = init_repo(tmp_path / "mine")
    assert f"  {repo}: read\n" in doctor(tmp_path, home, cwd=repo)
    report = json.loads(doctor(tmp_path, home, "--format", "json", str(repo)))
    assert report["git"]["repositories"] == [{"root": str(repo), "read": True, "reason": None}]


@needs_root
def test_doctor_says_why_another_users_repository_is_not_read(tmp_path: Path, home: Path) -> None:
    repo = init_repo(tmp_path / "theirs")
    give_to_nobody(repo)
    why = (
        "not read: owned by nobody, not you; "
        f"to trust it: git config --global --add safe.directory {repo}"
    )
    text = doctor(tmp_path, home, cwd=repo)
    assert f"  {repo}: {why}\n" in text
    assert text.rstrip().endswith("healthy")  # git refuses it too: a choice, not a fault
    report = json.loads(doctor(tmp_path, home, "--format", "json", str(repo)))
    assert report["git"]["repositories"] == [{"root": str(repo), "read": False, "reason": why}]

    # The command it gives is the one that trusts it.
    subprocess.run(
        ["git", "config", "--global", "--add", "safe.directory", str(repo)],
        env={**os.environ, "HOME": str(home)},
        check=True,
    )
    assert f"  {repo}: read\n" in doctor(tmp_path, home, cwd=repo)
