"""Real git repositories for the tests, with controlled dates and no user configuration."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

GIT_DATE = "2026-01-05T09:00:00+00:00"


def git(repo: Path, *args: str, date: str = GIT_DATE) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Dev Focus",
        "GIT_AUTHOR_EMAIL": "dev@example.com",
        "GIT_COMMITTER_NAME": "Dev Focus",
        "GIT_COMMITTER_EMAIL": "dev@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo),
    }
    out = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout


def init_repo(path: Path, branch: str = "main", files: dict[str, str] | None = None) -> Path:
    """A repository at ``path`` with one commit on ``branch`` (holding ``files``, if any)."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    for name, text in (files or {}).items():
        (path / name).write_text(text)
        git(path, "add", name)
    git(path, "commit", "-q", "--allow-empty", "-m", "Start")
    return path


def give_to_nobody(path: Path) -> None:
    """``path`` and everything under it owned by the user ``nobody`` (a test run as root):
    a repository of another user, as git's ownership rule sees it."""
    import pwd  # POSIX only, as the tests that call this

    uid = pwd.getpwnam("nobody").pw_uid
    os.chown(path, uid, -1)
    for parent, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(parent, name), uid, -1, follow_symlinks=False)
