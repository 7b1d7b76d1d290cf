"""Which repositories DevFocus may read: the workspace's trust, ``devfocus.git.trust`` and git's
own ownership rule, decided from plain data.

Git refuses a repository whose work tree or git directory belongs to another user, unless the
user's own configuration (never the repository's) lists it in ``safe.directory``: that
repository's config could otherwise make git run its owner's programs. DevFocus applies the same
rule before it runs git in a repository and before it reads the repository's files itself (HEAD,
refs, the reflog). The setting and the workspace's trust only ever narrow it.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

Policy = str | tuple[str, ...]  # "owned", "never", or folders
NEVER = "never"  # the policy that reads no repository ("owned" is the default)
Kind = Literal["ok", "untrusted", "never", "outside", "owner"]
SAFE_DIRECTORY_HINT = "git config --global --add safe.directory"


class Owned(Protocol):
    """What ownership checks read of a file's status (:func:`os.lstat` gives it)."""

    @property
    def st_uid(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    kind: Kind = "ok"
    reason: str | None = None  # why not, in words for the user


ALLOWED = Verdict(True)
UNTRUSTED = Verdict(
    False,
    "untrusted",
    "the workspace is not trusted: git features wait for trust (DevFocus runs no git and reads "
    "no repository until then)",
)
NEVER_READ = Verdict(
    False, "never", "devfocus.git.trust is `never`: DevFocus runs no git and reads no repository"
)


def workspace_verdict(trusted: bool, policy: Policy) -> Verdict:
    """Whether any repository may be read at all, before one is looked at."""
    if not trusted:
        return UNTRUSTED
    if policy == NEVER:
        return NEVER_READ
    return ALLOWED


def folder_verdict(policy: Policy, root: str, realpath: Callable[[str], str]) -> Verdict:
    """With a list of folders, only repositories inside one of them."""
    if isinstance(policy, str):
        return ALLOWED
    where = realpath(root)
    for folder in policy:
        top = realpath(os.path.expanduser(folder)).rstrip(os.sep) or os.sep
        if where == top or where.startswith(top + os.sep) or top == os.sep:
            return ALLOWED
    return Verdict(False, "outside", "not read: it is not inside a folder of devfocus.git.trust")


@dataclass(frozen=True, slots=True)
class Foreign:
    """A path of a repository that is not the user's."""

    path: str
    owner: str | None  # a user name (or uid); None when the path could not be checked


def repository_paths(root: Path, git_dir: Path | None, common_dir: Path | None) -> list[Path]:
    """What git checks the owner of (the ``.git`` file when it is one, the work tree, the git
    directory), and the common directory whose refs and reflog DevFocus reads too."""
    paths = []
    dot = root / ".git"
    if git_dir is not None and dot != git_dir:
        paths.append(dot)
    paths.append(root)
    for extra in (git_dir, common_dir):
        if extra is not None and extra not in paths:
            paths.append(extra)
    return paths


def owned_by_you(owner_uid: int, euid: int, sudo_uid: int | None) -> bool:
    """git's test: your own, or, for root, root's or (under sudo) the invoking user's."""
    if euid == 0:
        if owner_uid == 0:
            return True
        if sudo_uid is not None:
            return owner_uid == sudo_uid
    return owner_uid == euid


def foreign_path(
    paths: Iterable[Path],
    *,
    euid: int,
    sudo_uid: int | None,
    lstat: Callable[[Path], Owned] = os.lstat,
    user_name: Callable[[int], str] = str,
) -> Foreign | None:
    """The first of ``paths`` that is not the user's; None when all are."""
    for path in paths:
        try:
            uid = lstat(path).st_uid
        except OSError:
            return Foreign(str(path), None)
        if not owned_by_you(uid, euid, sudo_uid):
            return Foreign(str(path), user_name(uid))
    return None


def is_safe_directory(
    path: str, values: Sequence[str | None], realpath: Callable[[str], str]
) -> bool:
    """git's ``safe.directory`` rule for the repository at ``path``: ``*`` allows any, a value
    ending in ``/*`` every path below it, any other the path itself (both compared as real
    paths); an empty value forgets the values before it. Relative values match nothing."""
    where = realpath(path)
    safe = False
    for value in values:
        if not value:
            safe = False
        elif value == "*":
            safe = True
        else:
            value = os.path.expanduser(value)
            if not os.path.isabs(value):
                continue
            if value.endswith("/*"):
                top = realpath(value[:-2]).rstrip(os.sep) + os.sep
                safe = safe or where.startswith(top)
            elif realpath(value) == where:
                safe = True
    return safe


def ownership_verdict(
    root: str,
    foreign: Foreign | None,
    safe_values: Callable[[], Sequence[str | None]],
    realpath: Callable[[str], str] = os.path.realpath,
) -> Verdict:
    """Git's ownership rule; ``safe_values`` (the user's ``safe.directory`` values) is asked only
    for a repository that is not the user's."""
    if foreign is None:
        return ALLOWED
    if is_safe_directory(root, safe_values(), realpath):
        return ALLOWED
    hint = f"to trust it: {SAFE_DIRECTORY_HINT} {shlex.quote(root)}"
    if foreign.owner is None:
        return Verdict(False, "owner", f"not read: the owner of {foreign.path} cannot be checked")
    whose = "owned" if foreign.path == root else f"{foreign.path} is owned"
    return Verdict(False, "owner", f"not read: {whose} by {foreign.owner}, not you; {hint}")


def decide(
    root: str,
    paths: Iterable[Path],
    *,
    trusted: bool,
    policy: Policy,
    euid: int | None,
    sudo_uid: int | None,
    safe_values: Callable[[], Sequence[str | None]],
    lstat: Callable[[Path], Owned] = os.lstat,
    user_name: Callable[[int], str] = str,
    realpath: Callable[[str], str] = os.path.realpath,
) -> Verdict:
    """Whether the repository at ``root`` (whose ``paths`` are those of
    :func:`repository_paths`) may be read. ``euid`` None: a system without owners (Windows)."""
    verdict = workspace_verdict(trusted, policy)
    if verdict.allowed:
        verdict = folder_verdict(policy, root, realpath)
    if verdict.allowed and euid is not None:
        foreign = foreign_path(
            paths, euid=euid, sudo_uid=sudo_uid, lstat=lstat, user_name=user_name
        )
        verdict = ownership_verdict(root, foreign, safe_values, realpath)
    return verdict


# -- what the status says -----------------------------------------------------------------------
GitState = Literal["on", "off", "untrusted"]


@dataclass(frozen=True, slots=True)
class GitAccess:
    """Git features as the status shows them: on, off (and why), or waiting for the workspace's
    trust; with the repositories that were not read, and why."""

    state: GitState
    reason: str | None = None
    not_read: tuple[tuple[str, str], ...] = ()  # (work tree, why)


def access(
    *, enabled: bool, workspace: Verdict, refused: Iterable[tuple[str, str]] = ()
) -> GitAccess:
    """The status's ``git`` part."""
    if not workspace.allowed:
        state: GitState = "untrusted" if workspace.kind == "untrusted" else "off"
        return GitAccess(state, workspace.reason)
    if not enabled:
        return GitAccess("off", "devfocus.git.enabled is false: history is not read or watched")
    return GitAccess("on", None, tuple(sorted(refused)))
