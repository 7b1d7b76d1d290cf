"""Every relative link in README.md and docs/*.md leads somewhere: to a file of the repository and,
with ``#anchor``, to a heading of that file, spelled the way GitHub spells heading anchors. The
reference lives in docs/ pages that link to each other; a renamed page or heading must not leave
a dead link behind."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, mailto:, ...


def prose(text: str) -> str:
    """The page without code blocks: links and headings there are examples, not the page's."""
    return FENCE.sub("", text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: Counter[str] = Counter()
    found = set()
    for heading in HEADING.findall(prose(page.read_text(encoding="utf-8"))):
        base = slug(heading)
        found.add(base if not seen[base] else f"{base}-{seen[base]}")  # GitHub numbers repeats
        seen[base] += 1
    return found


def links(page: Path) -> list[str]:
    return LINK.findall(CODE_SPAN.sub("", prose(page.read_text(encoding="utf-8"))))


def dead_links(page: Path) -> list[str]:
    dead = []
    for target in links(page):
        if EXTERNAL.match(target):
            continue
        path, _, anchor = unquote(target).partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or not linked.is_relative_to(ROOT):
            dead.append(f"{target}: no such file")
        elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
            dead.append(f"{target}: no heading #{anchor} in {linked.relative_to(ROOT)}")
    return dead


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    assert dead_links(page) == []


def test_the_readme_links_every_reference_page() -> None:
    """A page nobody links to is a page nobody finds."""
    linked = {
        (ROOT / target.partition("#")[0]).resolve()
        for target in links(ROOT / "README.md")
        if target.startswith("docs/")
    }
    assert [p.name for p in PAGES[1:] if p.resolve() not in linked] == []


def test_the_checker_sees_links_and_anchors() -> None:
    """The checks above pass vacuously if the patterns stop matching: make sure they match."""
    assert "live-status-and-commands-the-protocol" in {
        slug("Live status and commands (the protocol)")
    }
    assert slug("1. Start-up: `startup.py`") == "1-start-up-startuppy"
    assert len(links(ROOT / "README.md")) > 10
    assert "neovim" in anchors(ROOT / "docs" / "editors.md")


def test_the_editor_setup_blocks_are_in_the_editors_page() -> None:
    """tests/editors/test_lsp_editors.py runs these blocks in real editors; this cheap check
    keeps their markers from being lost where those editors are not installed."""
    text = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    for editor, fence in (("neovim", "lua"), ("emacs", "elisp")):
        assert f"<!-- {editor}-setup:begin -->\n```{fence}\n" in text
        assert f"```\n<!-- {editor}-setup:end -->" in text
