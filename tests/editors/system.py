"""Installing what an editor test needs, the way CI gets it: Debian packages, on first use."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def apt_install(*packages: str) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        subprocess.run([*sudo, *step], env=env, check=True, capture_output=True, timeout=900)


def ensure_command(command: str, package: str) -> str:
    """The path of ``command``, installing Debian's ``package`` first when it is missing."""
    if not shutil.which(command):
        apt_install(package)
    found = shutil.which(command)
    assert found, f"{package} was installed but {command} is not on PATH"
    return found


def ensure_eglot() -> None:
    """Emacs 28 has no Eglot of its own: Debian packages it as elpa-eglot."""
    if not list(Path("/usr/share/emacs/site-lisp/elpa").glob("eglot-*")):
        apt_install("elpa-eglot")
