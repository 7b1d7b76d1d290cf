"""The .vsix of each VS Code target: size and file count, against the same files shipped plain.

The five targets are built from this checkout as the tests build them (``npm run package --
--target all``, reused while the sources are unchanged). The reference, measured in the same
run: the same bundle with the payload's files (every Python version's) shipped as plain files in
the zip, compressed as vsce compresses them (deflate, each file alone) — what the .vsix would be
without the payload archive. Target: each .vsix under 15 MB.

    python benchmarks/vsix_size.py
"""

from __future__ import annotations

import io
import lzma
import sys
import tarfile
import zipfile

from _common import REPO, Result, emit, header

sys.path.insert(0, str(REPO))

from tests.editors.vscode import packaged_extensions

GOAL_MB = 15.0


def plain_size(vsix: zipfile.ZipFile) -> tuple[int, int]:
    """Bytes and files of the .vsix had the payload's files been shipped plain."""
    out = io.BytesIO()
    files = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as plain:
        for info in vsix.infolist():
            if info.filename.endswith("bundled/payload.tar.xz"):
                blob = io.BytesIO(vsix.read(info))
                with tarfile.open(fileobj=lzma.LZMAFile(blob)) as payload:
                    for member in payload:
                        handle = payload.extractfile(member) if member.isfile() else None
                        if handle is not None:
                            plain.writestr(f"extension/bundled/{member.name}", handle.read())
                            files += 1
            else:
                plain.writestr(info, vsix.read(info))
                files += 1
    return len(out.getvalue()), files


def main() -> int:
    header("The .vsix per VS Code target")
    results = []
    for target, path in packaged_extensions().items():
        with zipfile.ZipFile(path) as vsix:
            files = len(vsix.infolist())
            reference, reference_files = plain_size(vsix)
        size = path.stat().st_size
        print(
            f"{target:13} {size / 1e6:6.2f} MB, {files:5} files "
            f"(plain: {reference / 1e6:6.2f} MB, {reference_files} files)"
        )
        results.append(
            Result(
                "vsix_size",
                f"{target} .vsix ({files} files)",
                size / 1e6,
                "MB",
                reference / 1e6,
                f"the same files plain ({reference_files} files)",
                size / reference,
                f"< {GOAL_MB:g} MB",
                size / 1e6 < GOAL_MB,
            )
        )
    return emit(results)


if __name__ == "__main__":
    sys.exit(main())
