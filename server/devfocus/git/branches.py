"""Which branch each commit was made on, from the commit graph alone (pure).

Git does not record it, so it is inferred the way a reader of ``git log --graph`` would: the
main branch's first-parent chain belongs to it; each other branch's first-parent chain, down to
where it meets commits already named, belongs to that branch; and the second parent of a merge
("Merge branch 'feature/x'", "Merge pull request #5 from user/feature-x") names the branch whose
chain it ends. A branch's own reflog, when it has one, says it exactly and wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from devfocus.git.model import Commit

MAIN_NAMES = ("main", "master", "trunk", "develop", "development")
_MERGED = (
    re.compile(r"^Merge (?:remote-tracking )?branch '(?:origin/)?([^']+)'"),
    re.compile(r"^Merge pull request #\d+ from [^/\s]+/(\S+)"),
    re.compile(r"^Merge branch \"([^\"]+)\""),
)


def main_branch(branches: Sequence[str], current: str | None = None) -> str | None:
    """The repository's main line: a conventional name if one exists, else the current branch."""
    for name in MAIN_NAMES:
        if name in branches:
            return name
    return current if current in branches else (branches[0] if branches else None)


def merged_branch(message: str) -> str | None:
    for pattern in _MERGED:
        match = pattern.match(message)
        if match is not None:
            return match.group(1)
    return None


@dataclass(frozen=True, slots=True)
class Node:
    """What naming needs of a commit: its parents, and for a merge the branch it merged."""

    parents: tuple[str, ...]
    merged: str | None = None

    @classmethod
    def of(cls, commit: Commit) -> Node:
        merged = merged_branch(commit.message) if commit.merge else None
        return cls(commit.parents, merged)


def label_commits(
    graph: Mapping[str, Node],
    tips: Mapping[str, str],
    *,
    main: str | None,
    known: Mapping[str, str] = {},
    stop: frozenset[str] | set[str] = frozenset(),
) -> dict[str, str]:
    """sha → branch for the commits of ``graph`` (newest first, as git log lists them) that it
    can name. ``known`` labels (from reflogs) win; ``stop`` holds commits already stored, where
    a branch's chain ends."""
    parents = {sha: node.parents for sha, node in graph.items()}
    labels: dict[str, str] = {sha: b for sha, b in known.items() if sha in parents}

    def walk(start: str | None, branch: str) -> None:
        sha = start
        while sha is not None and sha in parents and sha not in stop:
            if sha in labels and sha not in known:
                return  # met a chain already named
            labels.setdefault(sha, branch)
            first = parents[sha]
            sha = first[0] if first else None

    ordered = sorted(tips, key=lambda name: (name != main, name))
    for branch in ordered:
        walk(tips[branch], branch)
    for node in graph.values():
        if node.merged is not None:
            for parent in node.parents[1:]:
                walk(parent, node.merged)
    return labels
