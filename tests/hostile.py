"""Hostile repositories: in each one, the config (or a file that config includes), attributes,
hooks, remotes or mailmap name a program for git to run, the payload.

The payload only leaves a marker file named after whoever ran git. The tests' own git commands
say who they are in ``HOSTILE_ACTOR`` ("probe": proving that the payload runs when git is run
plainly; "user": the developer committing); DevFocus's git commands say nothing, so a marker
named ``unattributed-*`` means DevFocus made git run the payload.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ACTOR = "HOSTILE_ACTOR"
UNATTRIBUTED = "unattributed"
NAME, EMAIL = "Dev Focus", "dev@example.com"
TIMEOUT = 30.0  # seconds for one of the tests' own git commands

PAYLOAD = """#!/bin/sh
# What a hostile repository makes git run; here it only leaves a mark of who ran git.
: > '{markers}'/"${{HOSTILE_ACTOR:-unattributed}}-$(basename "$0")"
exit 0
"""
HOOKS = (
    "applypatch-msg",
    "commit-msg",
    "fsmonitor-watchman",
    "post-applypatch",
    "post-checkout",
    "post-commit",
    "post-index-change",
    "post-merge",
    "post-receive",
    "post-rewrite",
    "post-update",
    "pre-applypatch",
    "pre-auto-gc",
    "pre-commit",
    "pre-merge-commit",
    "pre-push",
    "pre-rebase",
    "pre-receive",
    "prepare-commit-msg",
    "proc-receive",
    "push-to-checkout",
    "reference-transaction",
    "sendemail-validate",
    "update",
)
GREETING = 'def greet(name):\n    return f"hi {name}"\n'
STAGED = "def staged(value):\n    return value\n"
UNTRACKED = "def draft(value):\n    return value\n"
MAILMAP_NAME = "Dev $(touch {markers}/unattributed-mailmap) `touch {markers}/unattributed-tick`"


def days_ago(days: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


@dataclass
class Hostile:
    """One hostile repository: its work tree, git directory and the payload's markers."""

    vector: str
    root: Path
    git_dir: Path
    markers: Path
    home: Path  # HOME of the tests' own git commands (no user configuration)
    history: bool = True  # git can read its history (a partial clone missing objects cannot)

    def ran(self, actor: str = UNATTRIBUTED) -> list[str]:
        """The payloads that ran for ``actor`` (the default: for DevFocus), by program name."""
        prefix = f"{actor}-"
        return sorted(
            p.name[len(prefix) :] for p in self.markers.iterdir() if p.name.startswith(prefix)
        )

    def git(
        self,
        *args: str,
        actor: str = "user",
        input: str | None = None,
        check: bool = True,
        date: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """git run plainly, as the developer (or a probe) would, saying who runs it."""
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env=self.environment(actor, date, env),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        if check and done.returncode:
            # What git said, in the failure: a setup that fails once must say why.
            raise AssertionError(
                f"git {' '.join(args)} in {self.root} exited with {done.returncode}: "
                f"{done.stderr.strip() or done.stdout.strip()}"
            )
        return done

    def environment(
        self, actor: str, date: str | None = None, extra: dict[str, str] | None = None
    ) -> dict[str, str]:
        date = date or days_ago(0)
        return {
            **os.environ,
            "GIT_AUTHOR_NAME": NAME,
            "GIT_AUTHOR_EMAIL": EMAIL,
            "GIT_COMMITTER_NAME": NAME,
            "GIT_COMMITTER_EMAIL": EMAIL,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "HOME": str(self.home),
            ACTOR: actor,
            **(extra or {}),
        }

    def config(self, key: str, value: str) -> None:
        """Set ``key`` in the repository's own config file (git config runs no program)."""
        self.git("config", "--file", str(self.git_dir / "config"), key, value, actor="setup")

    def program(self, name: str) -> str:
        """The payload as a program called ``name``, in the git directory."""
        path = self.git_dir / "payloads" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(PAYLOAD.format(markers=self.markers))
        path.chmod(0o755)
        return str(path)

    def stage(self, name: str, text: str, actor: str = "user") -> None:
        """Write ``name`` and put it in the index with plumbing, so that no filter runs (a
        failing one would stop ``git add``)."""
        (self.root / name).write_text(text)
        blob = self.git("hash-object", "-w", "--no-filters", name, actor=actor).stdout.strip()
        self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", actor=actor)

    def commit_index(self, subject: str, actor: str = "user") -> str:
        """Commit what is staged with plumbing (a broken filter makes ``git commit`` fail as it
        refreshes the index), moving the branch as ``git commit`` does; the new sha."""
        tree = self.git("write-tree", actor=actor).stdout.strip()
        sha = self.git("commit-tree", tree, "-p", "HEAD", "-m", subject, actor=actor).stdout.strip()
        self.git("update-ref", "-m", f"commit: {subject}", "HEAD", sha, actor=actor)
        return sha

    def commit_file(self, name: str, text: str, subject: str, days: float = 0) -> str:
        """A commit by the developer adding or changing ``name``; its sha."""
        (self.root / name).write_text(text)
        self.git("add", name)
        self.git("commit", "-q", "-m", subject, date=days_ago(days))
        return self.git("rev-parse", "HEAD").stdout.strip()


@dataclass(frozen=True)
class Vector:
    """How a hostile repository names its payload, and git commands that run it plainly."""

    install: Callable[[Hostile], None]
    probe: Callable[[Hostile], None] | None  # None: git itself never runs it (data only)
    history: bool = True


def build(parent: Path, vector: str) -> Hostile:
    """The repository of ``vector`` under ``parent``: three commits of ``app.py`` (5, 4 and 3
    days ago), a staged ``staged.py``, an untracked ``draft.py`` and an ignored
    ``generated/code.py``; then the payload, and the probes (which must run it)."""
    root = parent / vector
    root.mkdir(parents=True)
    markers = parent / f"{vector}.markers"
    markers.mkdir()
    home = parent / f"{vector}.home"
    home.mkdir()
    if vector == "gitdir-file":
        git_dir = parent / f"{vector}.git"  # the work tree's .git is a file pointing here
        init = ["init", "-q", "-b", "main", f"--separate-git-dir={git_dir}", str(root)]
    else:
        git_dir = root / ".git"
        init = ["init", "-q", "-b", "main", str(root)]
    spec = VECTORS[vector]
    hostile = Hostile(vector, root, git_dir, markers, home, spec.history)
    hostile.git(*init, actor="setup")
    (root / ".gitignore").write_text("generated/\n")
    (root / ".gitattributes").write_text("*.py diff=evil filter=evil\n")
    files = [".gitignore", ".gitattributes"]
    if vector == "mailmap":
        (root / ".mailmap").write_text(f"{MAILMAP_NAME.format(markers=markers)} <{EMAIL}>\n")
        files.append(".mailmap")
    hostile.git("add", *files, actor="setup")
    hostile.commit_file("app.py", GREETING, "Add the greeting", days=5)
    hostile.commit_file("app.py", GREETING.replace("hi", "hello"), "Say hello", days=4)
    farewell = GREETING.replace("hi", "hello") + "\n\ndef farewell():\n    return 'bye'\n"
    hostile.commit_file("app.py", farewell, "Add a farewell", days=3)
    spec.install(hostile)
    if spec.probe is not None:
        spec.probe(hostile)
        assert hostile.ran("probe"), f"{vector}: git run plainly did not run the payload"
    hostile.stage("staged.py", STAGED, actor="setup")
    (root / "draft.py").write_text(UNTRACKED)
    (root / "generated").mkdir()
    (root / "generated" / "code.py").write_text(UNTRACKED)
    assert not hostile.ran(), f"{vector}: the payload ran before DevFocus did anything"
    return hostile


# -- payloads -------------------------------------------------------------------------------------
def every_hook(directory: Path, hostile: Hostile) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in HOOKS:
        shutil.copy(hostile.program(name), directory / name)


def evil_config(hostile: Hostile) -> Path:
    """A config file elsewhere in the work tree naming payloads for several keys."""
    hooks = hostile.root / "tools" / "hooks"
    every_hook(hooks, hostile)
    path = hostile.root / "tools" / "evil.config"
    path.write_text(
        "[core]\n"
        f"\tfsmonitor = {hostile.program('fsmonitor')}\n"
        f"\thooksPath = {hooks}\n"
        f"\tpager = {hostile.program('pager')}\n"
        f"\teditor = {hostile.program('editor')}\n"
        "[diff]\n"
        f"\texternal = {hostile.program('external')}\n"
        '[diff "evil"]\n'
        f"\ttextconv = {hostile.program('textconv')}\n"
        '[filter "evil"]\n'
        f"\tclean = {hostile.program('clean')}\n"
        "[credential]\n"
        f"\thelper = {hostile.program('credential')}\n"
    )
    return path


def promisor(hostile: Hostile, url: str) -> None:
    """A partial clone whose promisor remote is ``url``, missing the first ``app.py``: reading
    that blob makes git fetch it from the remote (a lazy fetch)."""
    blob = hostile.git("rev-parse", "HEAD~2:app.py", actor="setup").stdout.strip()
    (hostile.git_dir / "objects" / blob[:2] / blob[2:]).unlink()
    hostile.config("core.repositoryformatversion", "1")
    hostile.config("extensions.partialClone", "origin")
    hostile.config("remote.origin.url", url)
    hostile.config("remote.origin.promisor", "true")


def sign_history(hostile: Hostile) -> None:
    """Rewrite the three commits with signatures of the three formats git verifies."""
    kinds = ("PGP SIGNATURE", "SIGNED MESSAGE", "SSH SIGNATURE")  # openpgp, x509, ssh
    shas = hostile.git("rev-list", "--reverse", "HEAD", actor="setup").stdout.split()
    new: dict[str, str] = {}
    for sha, kind in zip(shas, kinds, strict=True):
        text = hostile.git("cat-file", "commit", sha, actor="setup").stdout
        for old, replacement in new.items():
            text = text.replace(f"parent {old}\n", f"parent {replacement}\n")
        header, _, message = text.partition("\n\n")
        signature = f"-----BEGIN {kind}-----\n \n aGVsbG8=\n -----END {kind}-----"
        text = f"{header}\ngpgsig {signature}\n\n{message}"
        made = hostile.git(
            "hash-object", "-t", "commit", "-w", "--stdin", input=text, actor="setup"
        )
        new[sha] = made.stdout.strip()
    hostile.git("update-ref", "refs/heads/main", new[shas[-1]], actor="setup")


def on_terminal(hostile: Hostile, *args: str) -> None:
    """git with a terminal as its output, which is when it starts a pager."""
    import pty

    leader, follower = pty.openpty()
    try:
        subprocess.run(
            ["git", *args],
            cwd=hostile.root,
            env=hostile.environment("probe"),
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=follower,
            timeout=TIMEOUT,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)


CREDENTIAL_QUESTION = "protocol=https\nhost=example.invalid\n\n"


def _probe(*commands: tuple[str, ...]) -> Callable[[Hostile], None]:
    def run(hostile: Hostile) -> None:
        for command in commands:
            hostile.git(*command, actor="probe", check=False)

    return run


def _touch_then(*command: str) -> Callable[[Hostile], None]:
    """Make ``app.py`` look changed to git (its time), then run ``command``."""

    def run(hostile: Hostile) -> None:
        stamp = (hostile.root / "app.py").stat().st_mtime + 10
        os.utime(hostile.root / "app.py", (stamp, stamp))
        hostile.git(*command, actor="probe", check=False)

    return run


_STATUS = ("status", "--porcelain")
_HOOK_PROBE = _probe(("update-ref", "refs/probe", "HEAD"), ("update-ref", "-d", "refs/probe"))
_LAZY_FETCH = _probe(("log", "-p", "--", "app.py"))


def _fsmonitor(h: Hostile) -> None:
    h.config("core.fsmonitor", h.program("fsmonitor"))


def _hooks_path(h: Hostile) -> None:
    every_hook(h.root / "tools" / "hooks", h)
    h.config("core.hooksPath", "tools/hooks")


def _hooks(h: Hostile) -> None:
    every_hook(h.git_dir / "hooks", h)


def _textconv(h: Hostile) -> None:
    h.config("diff.evil.textconv", h.program("textconv"))


def _external_probe(h: Hostile) -> None:
    """The attribute's driver for a Python file, diff.external for any other."""
    old, new = h.home / "old.txt", h.home / "new.txt"
    old.write_text("old\n")
    new.write_text("new\n")
    _probe(("diff", "HEAD~1", "HEAD"), ("diff", "--no-index", str(old), str(new)))(h)


def _external(h: Hostile) -> None:
    h.config("diff.external", h.program("external"))
    h.config("diff.evil.command", h.program("diff-command"))


def _filters(h: Hostile) -> None:
    h.config("filter.evil.clean", h.program("clean"))
    h.config("filter.evil.smudge", h.program("smudge"))


def _filters_probe(h: Hostile) -> None:
    _touch_then(*_STATUS)(h)  # clean
    h.git("cat-file", "--filters", "HEAD:app.py", actor="probe", check=False)  # smudge


def _filter_process(h: Hostile) -> None:
    h.config("filter.evil.process", h.program("process"))


def _pager(h: Hostile) -> None:
    h.config("core.pager", h.program("pager"))
    for command in ("log", "show", "diff", "grep", "branch"):
        h.config(f"pager.{command}", h.program(f"pager-{command}"))


def _ssh(h: Hostile) -> None:
    h.config("core.sshCommand", h.program("ssh"))
    promisor(h, "ssh://example.invalid/project.git")


def _credential(h: Hostile) -> None:
    h.config("credential.helper", h.program("credential"))
    h.config("credential.https://example.invalid.helper", h.program("credential-url"))


def _gpg(h: Hostile) -> None:
    sign_history(h)
    h.config("log.showSignature", "true")
    h.config("gpg.program", h.program("gpg"))
    h.config("gpg.openpgp.program", h.program("gpg-openpgp"))
    h.config("gpg.x509.program", h.program("gpg-x509"))
    h.config("gpg.ssh.program", h.program("gpg-ssh"))
    (h.git_dir / "allowed_signers").write_text("")
    h.config("gpg.ssh.allowedSignersFile", str(h.git_dir / "allowed_signers"))


def _gpg_probe(h: Hostile) -> None:
    for sha in h.git("rev-list", "HEAD", actor="probe").stdout.split():
        h.git("log", "-1", sha, actor="probe", check=False)


def _editors(h: Hostile) -> None:
    h.config("core.editor", h.program("editor"))
    h.config("sequence.editor", h.program("sequence-editor"))


def _askpass(h: Hostile) -> None:
    h.config("core.askPass", h.program("askpass"))


def _git_proxy(h: Hostile) -> None:
    h.config("core.gitProxy", h.program("git-proxy"))
    promisor(h, "git://example.invalid/project.git")


def _ext(h: Hostile) -> None:
    h.config("protocol.ext.allow", "always")
    promisor(h, f"ext::{h.program('ext')} %S")


def _upload_pack(h: Hostile) -> None:
    upstream = h.root.parent / f"{h.vector}.upstream"
    upstream.mkdir()
    h.config("remote.origin.uploadpack", h.program("upload-pack"))
    promisor(h, str(upstream))


def _pack_objects_hook(h: Hostile) -> None:
    h.config("uploadpack.packObjectsHook", h.program("pack-objects"))


def _pack_objects_probe(h: Hostile) -> None:
    """git honours packObjectsHook only from the user's own config, never a repository's: the
    payload runs when a clone reads it from there."""
    user_config = h.home / "user.config"
    user_config.write_text(f"[uploadpack]\n\tpackObjectsHook = {h.program('pack-objects')}\n")
    target = h.root.parent / f"{h.vector}.clone"
    h.git(
        "clone", "-q", "--no-local", str(h.root), str(target),
        actor="probe", check=False, env={"GIT_CONFIG_GLOBAL": str(user_config)},
    )  # fmt: skip
    shutil.rmtree(target, ignore_errors=True)


def _include(h: Hostile) -> None:
    h.config("include.path", str(evil_config(h)))


def _include_if(h: Hostile) -> None:
    path = str(evil_config(h))
    h.config(f"includeIf.gitdir:{h.git_dir}/.path", path)
    h.config("includeIf.onbranch:main.path", path)


def _gitdir_file(h: Hostile) -> None:
    _fsmonitor(h)
    _hooks(h)
    _textconv(h)


VECTORS: dict[str, Vector] = {
    "plain": Vector(lambda h: None, None),
    "core.fsmonitor": Vector(_fsmonitor, _probe(_STATUS)),
    "core.hooksPath": Vector(_hooks_path, _HOOK_PROBE),
    "hooks": Vector(_hooks, _HOOK_PROBE),
    "diff.textconv": Vector(_textconv, _probe(("log", "-p", "-1"))),
    "diff.external": Vector(_external, _external_probe),
    "filter.clean-smudge": Vector(_filters, _filters_probe),
    "filter.process": Vector(_filter_process, _touch_then(*_STATUS)),
    "core.pager": Vector(_pager, lambda h: on_terminal(h, "log", "-1")),
    "core.sshCommand": Vector(_ssh, _LAZY_FETCH, history=False),
    "credential.helper": Vector(
        _credential,
        lambda h: h.git(
            "credential", "fill", input=CREDENTIAL_QUESTION, actor="probe", check=False
        ),
    ),
    "gpg.program": Vector(_gpg, _gpg_probe),
    "core.editor": Vector(_editors, _probe(("commit", "--allow-empty"), ("rebase", "-i", "HEAD"))),
    "core.askPass": Vector(
        _askpass,
        lambda h: h.git(
            "credential", "fill", input=CREDENTIAL_QUESTION, actor="probe", check=False
        ),
    ),
    "core.gitProxy": Vector(_git_proxy, _LAZY_FETCH, history=False),
    "protocol.ext.allow": Vector(_ext, _LAZY_FETCH, history=False),
    "remote.uploadpack": Vector(_upload_pack, _LAZY_FETCH, history=False),
    "uploadpack.packObjectsHook": Vector(_pack_objects_hook, _pack_objects_probe),
    "include.path": Vector(_include, _probe(_STATUS)),
    "includeIf": Vector(_include_if, _probe(_STATUS)),
    "gitdir-file": Vector(_gitdir_file, _probe(_STATUS)),
    "mailmap": Vector(lambda h: None, None),
}
