"""Where a document belongs: its project (workspace folder or git root), path and branch."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pygls.uris import to_fs_path

from devfocus.git.head import HeadCache


@dataclass(frozen=True, slots=True)
class Location:
    project: str | None  # POSIX path of the project root
    path: str  # POSIX path relative to the project (absolute when there is none)
    branch: str | None
    # The git working tree holding the file: where the branch is read (not part of equality).
    repository: str | None = field(default=None, compare=False)


class Locator:
    """Resolves document URIs; used from one thread (the store's), caches what it finds."""

    def __init__(
        self,
        workspace_roots: Iterable[str] = (),
        excludes: Iterable[str] = (),
        may_read: Callable[[str], bool] | None = None,
    ) -> None:
        self._heads = HeadCache()
        # Whether a working tree's HEAD may be read for its branch (see app/trustgate.py).
        self._may_read = may_read or (lambda root: True)
        self._git_roots: dict[str, str | None] = {}
        self.configure(workspace_roots, excludes)

    def configure(self, workspace_roots: Iterable[str], excludes: Iterable[str]) -> None:
        import pathspec  # lazily: only the store thread and the CLI need it

        self._roots = tuple(sorted({_posix(r) for r in workspace_roots}, key=len, reverse=True))
        inside, absolute = [], []
        for pattern in excludes:
            if pattern.startswith(("/", "~")):
                absolute.append(_posix(os.path.expanduser(pattern)))
            else:
                inside.append(pattern)
        # Relative patterns match inside a project; "/..." and "~/..." match absolute paths.
        self._inside = pathspec.GitIgnoreSpec.from_lines(inside)
        self._absolute = pathspec.GitIgnoreSpec.from_lines(absolute)
        self._memo: dict[str, Location | None] = {}

    def locate(self, uri: str) -> Location | None:
        """The document's location, or None when it is excluded or not a local file."""
        if uri in self._memo:
            location = self._memo[uri]
        else:
            location = self._memo[uri] = self._resolve(uri)
        if location is None:
            return None
        repository = location.repository
        branch = self._branch(repository) if repository else None
        if branch == location.branch:
            return location
        return Location(location.project, location.path, branch, repository)

    def branch_of(self, project: str) -> str | None:
        """The branch checked out in the working tree holding ``project``."""
        repository = self._git_root(project)
        return self._branch(repository) if repository else None

    def _branch(self, repository: str) -> str | None:
        return self._heads.branch(repository) if self._may_read(repository) else None

    def project_root(self, path: str) -> str:
        """The project a path on disk belongs to: its nearest git root, else the path itself."""
        absolute = _posix(os.path.abspath(path))
        start = absolute if Path(absolute).is_dir() else str(PurePosixPath(absolute).parent)
        return self._git_root(start) or absolute

    def _resolve(self, uri: str) -> Location | None:
        if not uri.startswith("file:"):
            return None
        fs_path = to_fs_path(uri)
        if not fs_path:
            return None
        absolute = _posix(os.path.abspath(fs_path))
        candidates = [r for r in self._roots if absolute.startswith(r.rstrip("/") + "/")]
        git_root = self._git_root(str(PurePosixPath(absolute).parent))
        if git_root is not None:
            candidates.append(git_root)
        project = max(candidates, key=len) if candidates else None
        relative = absolute[len(project.rstrip("/")) + 1 :] if project else absolute
        if self._inside.match_file(relative) or self._absolute.match_file(absolute):
            return None
        return Location(project, relative, None, git_root)

    def _git_root(self, directory: str) -> str | None:
        seen: list[str] = []
        current = directory
        root: str | None = None
        while True:
            if current in self._git_roots:
                root = self._git_roots[current]
                break
            seen.append(current)
            if os.path.exists(os.path.join(current, ".git")):
                root = current
                break
            parent = str(PurePosixPath(current).parent)
            if parent == current:
                break
            current = parent
        for d in seen:
            self._git_roots[d] = root
        return root


def _posix(path: str) -> str:
    return Path(path).as_posix()
