"""The one gate every git feature passes before it touches a repository: history import and
watch, hovers, commit coaching, branch names.

It holds the workspace's trust (``trusted`` from the editor) and ``devfocus.git.trust``, and
caches the decision of :func:`devfocus.git.trust.decide` per work tree. Used from any thread;
``on_change`` is called (from whichever thread) when what it allows changes or a repository is
refused, so the status can say so.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devfocus.git.filestamp import Stamp
    from devfocus.git.trust import GitAccess, Policy, Verdict

log = logging.getLogger(__name__)


class TrustGate:
    def __init__(self, on_change: Callable[[], None] = lambda: None) -> None:
        self.on_change = on_change
        self._lock = threading.Lock()
        self._trusted = True
        self._policy: Policy = "owned"
        self._verdicts: dict[str, Verdict] = {}
        self._refused: dict[str, Verdict] = {}  # work tree → why it is not read
        self._safe: tuple[Stamp, list[str | None]] | None = None
        self.generation = 0  # one more each time what is allowed may have changed

    # -- what the editor and the settings say ----------------------------------------------
    def configure(self, *, trusted: bool | None = None, policy: Policy | None = None) -> bool:
        """Apply the workspace's trust and/or ``devfocus.git.trust``; whether anything changed."""
        with self._lock:
            trusted = self._trusted if trusted is None else trusted
            policy = self._policy if policy is None else policy
            if (trusted, policy) == (self._trusted, self._policy):
                return False
            self._trusted, self._policy = trusted, policy
            self._forget()
        self.on_change()
        return True

    @property
    def trusted(self) -> bool:
        return self._trusted

    def workspace(self) -> Verdict:
        """Whether any repository may be read (the workspace's trust, ``never``)."""
        from devfocus.git.trust import workspace_verdict

        return workspace_verdict(self._trusted, self._policy)

    @property
    def any_allowed(self) -> bool:
        return self.workspace().allowed

    # -- repositories --------------------------------------------------------------------------
    def allows(self, root: str | Path) -> bool:
        """Whether the repository whose work tree is ``root`` may be read."""
        return self.verdict(root).allowed

    def verdict(self, root: str | Path, git_dir: Path | None = None) -> Verdict:
        """The decision for the work tree at ``root`` (its git directory found from it unless
        given), cached until the settings, the trust or the user's git configuration change."""
        workspace = self.workspace()
        if not workspace.allowed:
            return workspace
        key = os.path.abspath(root)
        with self._lock:
            cached = self._verdicts.get(key)
            generation = self.generation
        if cached is not None:
            return cached
        verdict = self._decide(key, git_dir)
        return self._keep(key, verdict, generation)

    def git_dir_verdict(self, git_dir: Path) -> Verdict:
        """The decision for a git directory whose work tree is not known yet (a commit message
        file's): its owner and place, before any git runs to find the work tree."""
        workspace = self.workspace()
        if not workspace.allowed:
            return workspace
        from devfocus.git.head import common_dir

        key = os.path.abspath(git_dir)
        if os.path.basename(key) == ".git":  # the usual place: its work tree is known
            return self.verdict(os.path.dirname(key), Path(key))
        with self._lock:
            cached = self._verdicts.get(key)
            generation = self.generation
        if cached is not None:
            return cached
        common = common_dir(Path(key))
        paths = [Path(key)] + ([common] if common != Path(key) else [])
        return self._keep(key, self._decide(key, None, paths), generation)

    def refresh(self) -> bool:
        """Decide again for the repositories refused for their owner (their owner, or the
        user's ``safe.directory``, may have changed); whether one may be read now. Cheap: a few
        ``stat`` calls per refused repository."""
        with self._lock:
            refused = [k for k, v in self._refused.items() if v.kind == "owner"]
            generation = self.generation
        if not refused or not self.any_allowed:
            return False
        if not any(self._decide(root, None).allowed for root in refused):
            return False
        with self._lock:
            if generation == self.generation:
                self._forget()
        log.info("git: a repository refused before may be read now")
        self.on_change()
        return True

    def access(self, enabled: bool) -> GitAccess:
        """What the status says about git."""
        from devfocus.git.trust import access

        with self._lock:
            refused = [(root, v.reason or "") for root, v in self._refused.items()]
        return access(enabled=enabled, workspace=self.workspace(), refused=refused)

    def not_read(self) -> list[tuple[str, str]]:
        """The refused repositories: (work tree, why), as the status lists them."""
        with self._lock:
            return [(r, v.reason or "") for r, v in sorted(self._refused.items())]

    # -- internals -----------------------------------------------------------------------------
    def _forget(self) -> None:
        """Under the lock: every cached decision goes."""
        self._verdicts.clear()
        self._refused.clear()
        self.generation += 1

    def _keep(self, key: str, verdict: Verdict, generation: int) -> Verdict:
        with self._lock:
            if generation != self.generation:
                return verdict  # decided under settings that changed meanwhile: not kept
            self._verdicts[key] = verdict
            new = not verdict.allowed and key not in self._refused
            if not verdict.allowed:
                self._refused[key] = verdict
        if new:
            log.warning("git: %s %s", key, verdict.reason)
            self.on_change()
        return verdict

    def _decide(self, key: str, git_dir: Path | None, paths: list[Path] | None = None) -> Verdict:
        return decide_for(
            key,
            git_dir,
            paths,
            trusted=self._trusted,
            policy=self._policy,
            safe_values=self._safe_values,
        )

    def _safe_values(self) -> Sequence[str | None]:
        """The user's ``safe.directory`` values, read again when their files change."""
        from devfocus.git import userconfig
        from devfocus.git.filestamp import stamp as stamp_files

        stamp = stamp_files(userconfig.config_files())
        cached = self._safe
        if cached is not None and cached[0] == stamp:
            return cached[1]
        values = userconfig.values("safe.directory")
        self._safe = (stamp, values)
        return values


def decide_for(
    root: str,
    git_dir: Path | None = None,
    paths: list[Path] | None = None,
    *,
    trusted: bool = True,
    policy: Policy = "owned",
    safe_values: Callable[[], Sequence[str | None]] | None = None,
) -> Verdict:
    """:func:`devfocus.git.trust.decide` for the work tree at ``root`` on this machine: owners
    from the file system, ``safe.directory`` from the user's git configuration."""
    from devfocus.git import trust, userconfig
    from devfocus.git.head import common_dir, find_git_dir

    if paths is None:
        git_dir = git_dir if git_dir is not None else find_git_dir(Path(root))
        common = common_dir(git_dir) if git_dir is not None else None
        paths = trust.repository_paths(Path(root), git_dir, common)
    return trust.decide(
        root,
        paths,
        trusted=trusted,
        policy=policy,
        euid=os.geteuid() if hasattr(os, "geteuid") else None,
        sudo_uid=_sudo_uid(),
        safe_values=safe_values or (lambda: userconfig.values("safe.directory")),
        user_name=_user_name,
    )


def _sudo_uid() -> int | None:
    try:
        return int(os.environ["SUDO_UID"])
    except (KeyError, ValueError):
        return None


def _user_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"
