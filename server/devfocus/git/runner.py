"""Running git: the one place DevFocus starts git, so that no repository can make it run anything
else.

A repository is data from whoever made it. Its config (and any file that config includes), its
attributes, hooks and remotes can each name a program for git to run. Every command started here
runs so that none of them can:

- Config overrides on the command line, which outrank every config file: no fsmonitor hook (it
  runs on every read of the index), hooks looked for where there can be none, no signature
  checks by ``log`` (``gpg.program`` and its kin), an empty list of credential helpers.
- An environment that outranks the config for the rest: pager ``cat`` (and ``--no-pager``),
  editors ``:`` (git's "no editor"), no askpass, and no transport at all (``GIT_ALLOW_PROTOCOL``
  names none): ``core.sshCommand``, ``core.gitProxy``, ``ext::`` remotes, ``remote.*.uploadpack``
  and credential helpers need one, and so does the lazy fetch of a partial clone, which reading
  a missing object would start. Git variables of whoever started DevFocus (a hook's environment,
  ``GIT_EXTERNAL_DIFF``, ``GIT_SSH_COMMAND``, ``GIT_CONFIG_PARAMETERS``...) are dropped.
- Only subcommands that read commits, refs, the index or config, and no option that runs a
  driver: ``--no-textconv --no-ext-diff`` come with every diff (``diff.<driver>.textconv``,
  ``diff.external``, ``diff.<driver>.command``); ``--textconv``, ``--ext-diff``, ``--filters``,
  ``--show-signature`` and signature placeholders in a format are refused. ``diff`` compares
  the index with a commit (``--cached``), never the work tree, so no clean filter runs: none of
  these commands converts a work-tree file.

Without a ``git`` executable every caller gets :class:`GitMissing` (logged once by whoever shows
features); a failing command gets :class:`GitError` with git's own message, and a command this
module will not run gets :class:`GitRefused`.
"""

from __future__ import annotations

import functools
import io
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from devfocus.text import clip

TIMEOUT = 60.0  # seconds for a short command; streams have no overall limit

# Outrank the repository's config (the command line is read last). An empty core.fsmonitor is
# "false" to every git version (older ones read it as a hook path, where "" means none). The
# last two only keep git's output in the form the parsers read.
SAFE_CONFIG = (
    "core.fsmonitor=",
    f"core.hooksPath={os.devnull}",
    "log.showSignature=false",
    "credential.helper=",  # an empty value empties the list
    "protocol.allow=never",  # GIT_ALLOW_PROTOCOL below outranks protocol.<name>.allow too
    "core.quotepath=off",
    "color.ui=never",
)
# Outrank core.pager / pager.<cmd>, core.editor, sequence.editor and core.askPass.
SAFE_ENVIRONMENT = {
    "GIT_TERMINAL_PROMPT": "0",  # never wait for a password
    "GIT_OPTIONAL_LOCKS": "0",  # reading must not take the index lock (or refresh the index)
    "LC_ALL": "C",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_EDITOR": ":",
    "GIT_SEQUENCE_EDITOR": ":",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS": "",
    "GIT_ALLOW_PROTOCOL": "",  # no transport: outranks every protocol.<name>.allow
    "GIT_NO_LAZY_FETCH": "1",  # git >= 2.39.4: a partial clone does not fetch what it misses
}
# Git variables kept from DevFocus's own environment: where the user's config is, and where
# repository discovery stops. Every other GIT_* variable is dropped.
_KEPT = frozenset(
    {
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM",
        "GIT_CEILING_DIRECTORIES",
        "GIT_DISCOVERY_ACROSS_FILESYSTEM",
        "GIT_EXEC_PATH",
    }
)
_NO_DRIVERS = ("--no-textconv", "--no-ext-diff")
# The subcommands DevFocus runs, and what each one always gets right after its name.
_SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "log": (*_NO_DRIVERS, "--no-show-signature"),
    "diff": _NO_DRIVERS,  # with --cached only
    "rev-list": (),
    "rev-parse": (),
    "for-each-ref": (),
    "cat-file": (),
    "config": (),  # reading: --edit is refused
    "check-ignore": (),
}
_REFUSED = frozenset({"--textconv", "--ext-diff", "--filters", "--show-signature", "--no-index"})
_SIGNATURE_PLACEHOLDERS = ("%G", "%(signature")  # formats that make git verify signatures
_ERROR_PREFIXES = ("fatal: ", "error: ")
_MESSAGE_LINES = 5  # of git's stderr, from its first error on
_MESSAGE_CHARS = 1000


class GitError(Exception):
    """A git command failed; ``message`` is git's stderr (or why it could not run)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GitMissing(GitError):
    def __init__(self) -> None:
        super().__init__("git is not installed (no `git` on PATH): git features are off")


class GitRefused(GitError):
    """A command this module does not run: it could run a program a repository names."""


@functools.cache
def git_executable() -> str | None:
    return shutil.which("git")


def git_version(timeout: float = 10.0) -> str:
    """What ``git --version`` says (no repository is involved); :class:`GitError` when git
    cannot run, :class:`GitMissing` without it."""
    git = git_executable()
    if git is None:
        raise GitMissing()
    try:
        done = subprocess.run(
            [git, "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            env=_environment(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git could not run: {exc}") from exc
    if done.returncode != 0:
        raise GitError(_message(done.stderr) or f"git --version exited with {done.returncode}")
    return done.stdout.decode("utf-8", "replace").strip()


def _environment(index_file: Path | str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in _KEPT}
    env.update(SAFE_ENVIRONMENT)
    if index_file is not None:
        env["GIT_INDEX_FILE"] = str(index_file)
    return env


def _command(repo: Path | str, args: Sequence[str]) -> list[str]:
    """``git -C repo`` with the caller's ``-c`` pairs, then :data:`SAFE_CONFIG` (the last value
    wins), the subcommand and its forced options, then the caller's arguments."""
    git = git_executable()
    if git is None:
        raise GitMissing()
    caller_config: list[str] = []
    at = 0
    while at + 1 < len(args) and args[at] == "-c":
        caller_config += args[at : at + 2]
        at += 2
    if at >= len(args):
        raise GitRefused("no git subcommand given")
    name, rest = args[at], list(args[at + 1 :])
    _check(name, rest)
    safe = [part for pair in SAFE_CONFIG for part in ("-c", pair)]
    return [
        git,
        "--no-pager",
        "-C",
        str(repo),
        *caller_config,
        *safe,
        name,
        *_SUBCOMMANDS[name],
        *rest,
    ]


def _check(name: str, args: Sequence[str]) -> None:
    if name not in _SUBCOMMANDS:
        raise GitRefused(f"DevFocus does not run `git {name}`")
    options: list[str] = []
    for arg in args:
        if arg in ("--", "--end-of-options"):
            break
        options.append(arg)
    for arg in options:
        if arg.split("=", 1)[0] in _REFUSED or any(p in arg for p in _SIGNATURE_PLACEHOLDERS):
            raise GitRefused(f"DevFocus does not run `git {name}` with {arg}")
    if name == "diff" and not {"--cached", "--staged"} & set(options):
        raise GitRefused("DevFocus runs `git diff` on the index only (--cached)")
    if name == "config" and {"--edit", "-e"} & set(options):
        raise GitRefused("DevFocus does not edit git's config")


def run_git(
    repo: Path | str,
    *args: str,
    input: bytes | None = None,
    timeout: float = TIMEOUT,
    ok_codes: tuple[int, ...] = (0,),
    index_file: Path | str | None = None,
) -> bytes:
    """The stdout of ``git -C repo ARGS`` as bytes; :class:`GitError` on failure.

    ``ARGS`` may start with ``-c key=value`` pairs; ``index_file`` replaces the index (a commit
    in progress has its own).
    """
    command = _command(repo, args)
    try:
        done = subprocess.run(
            command,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            env=_environment(index_file),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {_name(args)} took longer than {timeout:g} s") from exc
    except OSError as exc:
        raise GitError(f"git could not run: {exc}") from exc
    if done.returncode not in ok_codes:
        raise GitError(_message(done.stderr) or f"git {_name(args)} exited with {done.returncode}")
    return done.stdout


@contextmanager
def stream_git(repo: Path | str, *args: str, chunk: int = 1 << 16) -> Iterator[Iterator[bytes]]:
    """``git -C repo ARGS`` with its stdout as an iterator of byte chunks.

    Leaving the block early kills the process; a failing exit raises :class:`GitError` at the
    end of the block.
    """
    command = _command(repo, args)
    # stderr goes to a file: a pipe nobody reads while stdout streams could fill and block git.
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=errors,
                stdin=subprocess.DEVNULL,
                env=_environment(),
            )
        except OSError as exc:
            raise GitError(f"git could not run: {exc}") from exc
        # stdout=PIPE with the default buffering is a BufferedReader: :meth:`read1` is there
        assert isinstance(process.stdout, io.BufferedReader)
        pipe = _Drain(process.stdout, chunk)
        finished = False
        try:
            yield pipe.chunks()
            finished = True
        finally:
            if not finished:
                process.kill()
            pipe.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            raise GitError(_message(errors.read()) or f"git {_name(args)} exited with {code}")


class _Drain:
    """Reads a pipe on its own thread, so the writer never waits while the reader is busy (a
    pipe holds 64 KiB: git would stall every time the consumer writes to its database). At most
    ``AHEAD`` chunks wait in memory."""

    AHEAD = 256

    def __init__(self, pipe: io.BufferedReader, chunk: int) -> None:
        self._pipe = pipe
        self._chunk = chunk
        self._queue: queue.Queue[bytes | None] = queue.Queue(self.AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="devfocus-git-pipe", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._pipe.read1(self._chunk)
                if not data:
                    break
                self._queue.put(data)
        except (OSError, ValueError):
            pass  # closed under us: the consumer left early
        finally:
            self._queue.put(None)

    def chunks(self) -> Iterator[bytes]:
        while (data := self._queue.get()) is not None:
            yield data

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():  # unblock a reader waiting for room in the queue
            with suppress(queue.Empty):
                self._queue.get(timeout=0.05)
        self._pipe.close()


def _name(args: Sequence[str]) -> str:
    """The subcommand in ``args`` (after any ``-c`` pairs)."""
    at = 0
    while at + 1 < len(args) and args[at] == "-c":
        at += 2
    return args[at] if at < len(args) else "?"


def _message(stderr: bytes) -> str:
    """git's error in one line: from its first ``fatal:``/``error:`` line, a few lines (git
    explains after it: "detected dubious ownership in repository at ..." is followed by how to
    add an exception), else its last lines."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    first = next((i for i, line in enumerate(lines) if line.startswith(_ERROR_PREFIXES)), None)
    kept = lines[first : first + _MESSAGE_LINES] if first is not None else lines[-3:]
    text = "; ".join(_without_prefix(line) for line in kept)
    return clip(text, _MESSAGE_CHARS)


def _without_prefix(line: str) -> str:
    for prefix in _ERROR_PREFIXES:
        if line.startswith(prefix):
            return line.removeprefix(prefix)
    return line
