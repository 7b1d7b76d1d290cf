"""The VS Code extension is ready for the Marketplace and Open VSX: package.json has what their
listing shows (icon, categories, keywords, banner, links) within their rules, the README (the
extension's page) links only pictures that are in client-vscode/images/ and pages that exist,
and CHANGELOG.md has an entry for the version being packaged.

vsce checks some of this only when it packages (an SVG icon, an image over http) and the
Marketplace the rest only when it publishes (categories, the number of keywords): these fail
first, here.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_docs_links import anchors, links

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "client-vscode" / "images"
README = ROOT / "client-vscode" / "README.md"
# The project's addresses, one set used everywhere (pyproject.toml, package.json, the docs).
REPOSITORY = "https://github.com/devfocus/devfocus"
ISSUES = "https://github.com/devfocus/devfocus/issues"
DOCUMENTATION = "https://github.com/devfocus/devfocus#readme"
# The categories the Marketplace accepts (the extension manifest reference, "categories").
MARKETPLACE_CATEGORIES = {
    "Programming Languages",
    "Snippets",
    "Linters",
    "Themes",
    "Debuggers",
    "Formatters",
    "Keymaps",
    "SCM Providers",
    "Other",
    "Extension Packs",
    "Language Packs",
    "Data Science",
    "Machine Learning",
    "Visualization",
    "Notebooks",
    "Education",
    "Testing",
}
MAX_KEYWORDS = 30  # the Marketplace refuses more
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)|<img[^>]+src=[\"']([^\"']+)[\"']", re.I)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return dict(json.loads((ROOT / "package.json").read_text(encoding="utf-8")))


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header; AssertionError if it is not a PNG."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def readme_images() -> list[tuple[str, str]]:
    """(alt text, source) of every picture in the extension's README."""
    return [
        (alt, markdown or html) for alt, markdown, html in IMAGE.findall(README.read_text("utf-8"))
    ]


def local(link: str) -> Path:
    """The file a root-relative link names. The README is shown from client-vscode/ on GitHub
    and rewritten by vsce against the repository's root: a link from the root reads the same in
    both."""
    assert link.startswith("/"), f"{link}: link from the repository's root, as /client-vscode/..."
    return ROOT / link.lstrip("/")


def test_the_icon_is_a_256_pixel_png_in_the_images_folder(manifest: dict[str, Any]) -> None:
    icon = ROOT / manifest["icon"]
    assert icon.parent == IMAGES
    assert png_size(icon) == (256, 256)
    assert (IMAGES / "icon.svg").is_file()  # its source, rendered by scripts/render_icon.py


def test_the_banner_matches_the_icon(manifest: dict[str, Any]) -> None:
    banner = manifest["galleryBanner"]
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", banner["color"])
    assert banner["theme"] in {"dark", "light"}
    # The banner is the icon's background colour, so the icon sits on it without a seam.
    assert banner["color"].lower() in (IMAGES / "icon.svg").read_text().lower()


def test_categories_are_the_marketplace_s(manifest: dict[str, Any]) -> None:
    categories = manifest["categories"]
    assert categories and set(categories) <= MARKETPLACE_CATEGORIES
    assert len(set(categories)) == len(categories)


def test_keywords_are_within_the_marketplace_s_limit(manifest: dict[str, Any]) -> None:
    keywords = manifest["keywords"]
    assert 0 < len(keywords) <= MAX_KEYWORDS
    assert len({k.lower() for k in keywords}) == len(keywords), "a keyword twice"
    assert all(k.strip() == k and k for k in keywords)


def test_links_are_the_project_s(manifest: dict[str, Any]) -> None:
    assert manifest["repository"] == {"type": "git", "url": f"{REPOSITORY}.git"}
    assert manifest["bugs"] == {"url": ISSUES}
    assert manifest["homepage"] == DOCUMENTATION
    assert manifest["pricing"] == "Free"


def test_the_changelog_has_an_entry_for_this_version(manifest: dict[str, Any]) -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    version = re.escape(manifest["version"])
    entry = re.search(rf"^## \[{version}\] - (\d{{4}}-\d\d-\d\d|Unreleased)$", changelog, re.M)
    assert entry, f"CHANGELOG.md has no '## [{manifest['version']}] - DATE' heading"
    assert re.search(rf"^\[{version}\]: https://", changelog, re.M), "the heading's link"
    assert "\n### Added\n" in changelog[entry.end() :]


def test_the_readme_shows_the_status_bar_a_report_and_the_quick_fix() -> None:
    sources = [source for _, source in readme_images()]
    assert sources == [
        "/client-vscode/images/status-bar.png",
        "/client-vscode/images/report.png",
        "/client-vscode/images/quick-fix.png",
    ]


@pytest.mark.parametrize("picture", readme_images(), ids=lambda picture: Path(picture[1]).name)
def test_every_readme_picture_is_a_png_of_sane_size_in_the_images_folder(
    picture: tuple[str, str],
) -> None:
    alt, source = picture
    assert alt.strip(), f"{source}: no alternative text"
    image = local(source)
    assert image.parent == IMAGES and image.is_file(), f"{source}: no such file"
    width, height = png_size(image)
    # A picture a Marketplace page shows readably: not a thumbnail, not a poster, not heavy.
    assert 200 <= width <= 2800 and 100 <= height <= 2000, (width, height)
    assert image.stat().st_size <= 1024 * 1024


def test_every_readme_link_leads_somewhere() -> None:
    for link in links(README):
        if re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I):
            assert link.startswith("https://"), f"{link}: vsce wants HTTPS"
            continue
        if link.startswith("#"):
            assert link[1:] in anchors(README), link
            continue
        path, _, anchor = link.partition("#")
        target = local(path)
        assert target.is_file(), f"{link}: no such file"
        if anchor:
            assert anchor in anchors(target), f"{link}: no such heading"


def test_the_checks_see_the_readme_s_pictures_and_links() -> None:
    """The checks above pass vacuously if the patterns stop matching."""
    assert len(readme_images()) >= 3
    assert any(link.startswith("/docs/") for link in links(README))
