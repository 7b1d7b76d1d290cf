"""Copy the latest screenshots the VS Code end-to-end tests took into client-vscode/images/.

python scripts/update_screenshots.py

The extension's README (its Marketplace page) shows the status bar, a report and the docstring
quick fix. The end-to-end tests take those pictures in a real VS Code and leave them in
``.test-artifacts/vscode/marketplace/``; this copies the ones the README links. Run the tests
first:

    .venv/bin/python -m pytest tests/editors/test_vscode.py tests/editors/test_vscode_reports.py
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "client-vscode" / "README.md"
IMAGES = ROOT / "client-vscode" / "images"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Which test takes each picture, to say what to run when one is missing.
TAKEN_BY = {
    "status-bar.png": "tests/editors/test_vscode_reports.py",
    "report.png": "tests/editors/test_vscode_reports.py",
    "quick-fix.png": "tests/editors/test_vscode.py",
}
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(/client-vscode/images/([^)\s]+)\)")

sys.path.insert(0, str(ROOT))  # tests.artifacts: where the tests leave their files

from tests.artifacts import ARTIFACTS  # noqa: E402

SHOTS = ARTIFACTS / "vscode" / "marketplace"


def screenshots_in_readme() -> list[str]:
    """The file names of the README's pictures: all of them are taken by the tests."""
    return IMAGE_LINK.findall(README.read_text(encoding="utf-8"))


def main() -> int:
    names = screenshots_in_readme()
    missing = [name for name in names if not (SHOTS / name).is_file()]
    if missing:
        for name in missing:
            test = TAKEN_BY.get(name, "the VS Code end-to-end tests")
            print(f"update_screenshots: no {SHOTS / name}: run {test}", file=sys.stderr)
        return 1
    for name in names:
        shot = SHOTS / name
        if not shot.read_bytes().startswith(PNG_SIGNATURE):
            print(f"update_screenshots: {shot} is not a PNG", file=sys.stderr)
            return 1
        shutil.copyfile(shot, IMAGES / name)
        print(f"copied {name} ({shot.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
