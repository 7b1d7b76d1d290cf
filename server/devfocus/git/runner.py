"""Running git: one place that finds the executable, sets a clean environment and reports failure.

Without a ``git`` executable every caller gets :class:`GitMissing` (logged once by whoever shows
features); a failing command gets :class:`GitError` with git's own message.
"""

from __future__ import annotations

import functools
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

TIMEOUT = 60.0  # seconds for a short command; streams have no overall limit


class GitError(Exception):
    """A git command failed; ``message`` is git's stderr (or why it could not run)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GitMissing(GitError):
    def __init__(self) -> None:
        super().__init__("git is not installed (no `git` on PATH): git features are off")


@functools.cache
def git_executable() -> str | None:
    return shutil.which("git")


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",  # never wait for a password
            "GIT_OPTIONAL_LOCKS": "0",  # reading must not take the index lock from the user
            "LC_ALL": "C",
            "GIT_PAGER": "cat",
        }
    )
    env.pop("GIT_DIR", None)  # a hook's environment must not redirect us to another repository
    env.pop("GIT_WORK_TREE", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


def command(repo: Path | str, args: Sequence[str]) -> list[str]:
    git = git_executable()
    if git is None:
        raise GitMissing()
    return [git, "-C", str(repo), "-c", "core.quotepath=off", "-c", "color.ui=never", *args]


def run_git(
    repo: Path | str,
    *args: str,
    input: bytes | None = None,
    timeout: float = TIMEOUT,
    ok_codes: tuple[int, ...] = (0,),
) -> bytes:
    """The stdout of ``git -C repo ARGS`` as bytes; :class:`GitError` on failure."""
    try:
        done = subprocess.run(
            command(repo, args),
            input=input,
            capture_output=True,
            timeout=timeout,
            env=_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} took longer than {timeout:g} s") from exc
    except OSError as exc:
        raise GitError(f"git could not run: {exc}") from exc
    if done.returncode not in ok_codes:
        raise GitError(_message(done.stderr) or f"git {args[0]} exited with {done.returncode}")
    return done.stdout


@contextmanager
def stream_git(repo: Path | str, *args: str, chunk: int = 1 << 16) -> Iterator[Iterator[bytes]]:
    """``git -C repo ARGS`` with its stdout as an iterator of byte chunks.

    Leaving the block early kills the process; a failing exit raises :class:`GitError` at the
    end of the block.
    """
    # stderr goes to a file: a pipe nobody reads while stdout streams could fill and block git.
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                command(repo, args),
                stdout=subprocess.PIPE,
                stderr=errors,
                stdin=subprocess.DEVNULL,
                env=_environment(),
            )
        except OSError as exc:
            raise GitError(f"git could not run: {exc}") from exc
        assert process.stdout is not None
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
            raise GitError(_message(errors.read()) or f"git {args[0]} exited with {code}")


class _Drain:
    """Reads a pipe on its own thread, so the writer never waits while the reader is busy (a
    pipe holds 64 KiB: git would stall every time the consumer writes to its database). At most
    ``AHEAD`` chunks wait in memory."""

    AHEAD = 256

    def __init__(self, pipe: IO[bytes], chunk: int) -> None:
        self._pipe = pipe
        self._chunk = chunk
        self._queue: queue.Queue[bytes | None] = queue.Queue(self.AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="devfocus-git-pipe", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._pipe.read1(self._chunk)  # type: ignore[attr-defined]
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


def _message(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return "; ".join(line.removeprefix("fatal: ").strip() for line in lines[-3:])
