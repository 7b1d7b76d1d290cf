"""Render the extension's icon: client-vscode/images/icon.svg to icon.png (256 × 256).

python scripts/render_icon.py                  # write client-vscode/images/icon.png
python scripts/render_icon.py --preview DIR    # also DIR/icon-16.png ... icon-128.png, to judge
                                               # how it reads at the sizes VS Code shows

The Marketplace and Open VSX take only a PNG icon; the SVG is the source. It is drawn by the
headless Chromium the VS Code tests use (installed when missing), with a transparent background
outside the rounded square.
"""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "client-vscode" / "images"
SOURCE = IMAGES / "icon.svg"
ICON = IMAGES / "icon.png"
SIZE = 256
PREVIEW_SIZES = (16, 32, 64, 128)

sys.path.insert(0, str(ROOT))  # the VS Code tests' Chromium, installed by tests/system.py

from tests.editors.vscode import launch_chromium  # noqa: E402


def page_of(svg: str, size: int) -> str:
    """An HTML page showing ``svg`` scaled to ``size`` pixels, nothing else."""
    return (
        "<!doctype html><html><body style='margin:0;background:transparent'>"
        f"<img style='display:block;width:{size}px;height:{size}px' "
        f"src='data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}'>"
        "</body></html>"
    )


def render(svg: str, sizes: dict[Path, int]) -> None:
    """Writes ``svg`` as a PNG of each size to each path."""
    with launch_chromium() as browser:
        for path, size in sizes.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(page_of(svg, size))
            page.locator("img").evaluate("img => img.decode()")  # drawn before the shot
            page.screenshot(path=str(path), omit_background=True)
            page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", type=Path, help="also write small sizes to this folder")
    args = parser.parse_args()
    sizes = {ICON: SIZE}
    if args.preview:
        args.preview.mkdir(parents=True, exist_ok=True)
        sizes |= {args.preview / f"icon-{size}.png": size for size in PREVIEW_SIZES}
    render(SOURCE.read_text(encoding="utf-8"), sizes)
    for path in sizes:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
