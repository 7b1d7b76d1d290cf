"""Installing what an editor test needs, the way CI gets it: Debian packages, on first use."""

from __future__ import annotations

import os
import shutil
import subprocess


def ensure_command(command: str, package: str) -> str:
    """The path of ``command``, installing Debian's ``package`` first when it is missing."""
    found = shutil.which(command)
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        subprocess.run([*sudo, *step], env=env, check=True, capture_output=True, timeout=900)
    found = shutil.which(command)
    assert found, f"{package} was installed but {command} is not on PATH"
    return found
