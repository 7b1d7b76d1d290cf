"""Where tests leave what a person looks at after a run: screenshots, editor and install logs.

``.test-artifacts/`` at the root of the checkout (``DEVFOCUS_ARTIFACTS`` moves it), one folder
per kind: ``system/`` (install logs), ``vscode/<test module>/`` (screenshots),
``editors/<editor>/`` (Neovim's and Emacs's logs).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("DEVFOCUS_ARTIFACTS", ROOT / ".test-artifacts"))


def artifacts_dir(*parts: str, fresh: bool = False) -> Path:
    """``.test-artifacts/<parts>``, created; emptied first when ``fresh`` (a new run's files
    must not mix with an older run's)."""
    folder = ARTIFACTS.joinpath(*parts)
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
