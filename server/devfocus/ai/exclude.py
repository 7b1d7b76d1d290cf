"""Which files are never sent to a model (pure: paths are compared, nothing is read).

``devfocus.ai.exclude`` holds gitignore-style globs, matched like ``devfocus.tracking.exclude``:
against the path inside the project, except patterns starting with ``/`` or ``~/``, which match
absolute paths. Unlike git, the match ignores case: ``Credentials.json`` is as secret as
``credentials.json``, and a file system may not care either. A file outside any project is
matched by its absolute path, so ``*.pem`` still finds ``/etc/ssl/site.pem``.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from devfocus.config import DEFAULT_AI_EXCLUDES

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

__all__ = ["DEFAULT_AI_EXCLUDES", "is_env_file", "is_excluded", "project_path"]

# File names holding KEY=VALUE lines (dotenv, direnv, Flask, Docker's --env-file).
ENV_NAMES = frozenset({".env", ".envrc", ".flaskenv", "env.list"})


def is_excluded(path: str, root: str | None, globs: Sequence[str]) -> bool:
    """Whether ``path`` (absolute, or relative to ``root``) matches one of ``globs``."""
    if not globs:
        return False
    inside, absolute = _specs(tuple(globs))
    relative = project_path(path, root)
    if inside is not None and inside.match_file(relative.lower().lstrip("/")):
        return True
    if absolute is not None:
        full = _absolute(path, root)
        return absolute.match_file(full.lower().lstrip("/"))
    return False


def is_env_file(path: str) -> bool:
    """Whether the file holds ``KEY=VALUE`` lines by its name: ``.env``, ``.env.local``,
    ``prod.env``, ``.envrc``…: every value of it is redacted, not only the ones that look
    like secrets."""
    name = posixpath.basename(_posix(path)).lower()
    return name in ENV_NAMES or name.startswith(".env.") or name.endswith(".env")


def project_path(path: str, root: str | None) -> str:
    """The POSIX path inside ``root``; the absolute path when there is no root or ``path``
    is outside it."""
    full = _absolute(path, root)
    if root:
        base = _posix(root).rstrip("/")
        if full.startswith(base + "/"):
            return full[len(base) + 1 :]
    return full


def _absolute(path: str, root: str | None) -> str:
    posix = _posix(path)
    if not posixpath.isabs(posix) and root:
        posix = posixpath.join(_posix(root), posix)
    return posixpath.normpath(posix) if posix else posix


def _posix(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")


@lru_cache(maxsize=16)
def _specs(globs: tuple[str, ...]) -> tuple[GitIgnoreSpec | None, GitIgnoreSpec | None]:
    """The globs compiled: those matched inside the project, and those of absolute paths."""
    import pathspec  # lazily, as devfocus.app.locate does: only a prompt being built needs it

    inside, absolute = [], []
    for glob in globs:
        pattern = glob.strip()
        if not pattern or pattern.startswith("#"):
            continue
        if pattern.startswith(("/", "~")):
            # Kept with its leading "/": anchored at the file system's root.
            absolute.append(posixpath.expanduser(pattern).lower())
        else:
            inside.append(pattern.lower())
    return (
        pathspec.GitIgnoreSpec.from_lines(inside) if inside else None,
        pathspec.GitIgnoreSpec.from_lines(absolute) if absolute else None,
    )
