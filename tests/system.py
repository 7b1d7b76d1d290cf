"""The one installer of what the tests need from the system, on first use.

Every fixture that needs a program the Python environment does not provide asks here first,
whichever test runs first or alone:

    from tests.system import ensure
    browser = ensure("chromium")        # its path; installed first when it is missing

A part that is in place costs a few ``stat`` calls. A missing or half-installed one is installed
under a file lock (two fixtures or two test processes asking at once install it once) and
looked for again. Debian packages come from apt-get, non-interactive, with no standard input,
waiting for apt's own lock. A failed install raises InstallError naming the part, the packages
and the installer's last lines; the whole output stays in ``.test-artifacts/system/<part>.log``.

By hand: ``python -m tests.system PART...`` (``all`` for every part); the module needs only the
standard library, so any Python 3.10+ runs it.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.artifacts import ROOT, artifacts_dir

LOCK = Path(tempfile.gettempdir()) / "devfocus-test-system.lock"
E2E_DIR = ROOT / ".e2e"
# VS Code 1.100.3, for node 20 (later code-server releases need node 22).
CODE_SERVER_VERSION = "4.100.3"
CODE_SERVER_DIR = E2E_DIR / f"code-server-{CODE_SERVER_VERSION}"
# The ripgrep that this code-server's @vscode/ripgrep (1.15.11) downloads from GitHub unless
# its cache already holds the archive: the cache is seeded with Debian's rg.
RIPGREP_CACHE = Path(tempfile.gettempdir()) / "vscode-ripgrep-cache-1.15.11"
RIPGREP_RELEASE = "v13.0.0-10"
APT_OPTIONS = [
    "-q",
    "-y",
    "-o",
    "DPkg::Lock::Timeout=600",  # another apt-get at work: wait for it rather than fail
    "-o",
    "Dpkg::Options::=--force-confdef",
    "-o",
    "Dpkg::Options::=--force-confold",
]
INSTALL_TIMEOUT = 1800


class InstallError(RuntimeError):
    """A part could not be installed or built; the message says which, and why."""


@dataclass(frozen=True)
class Part:
    description: str
    find: Callable[[], Path | None]  # where the part is; None when missing or unfinished
    packages: tuple[str, ...] = ()  # the Debian packages it comes from
    needs: tuple[str, ...] = ()  # parts installed before it
    build: Callable[[Path], None] | None = None  # what comes after the packages; gets the log


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


_announce: Callable[[str], None] = _say


def set_announcer(announcer: Callable[[str], None]) -> None:
    """Where the installer says what it installs (the test run's terminal, past capture)."""
    global _announce
    _announce = announcer


def announce(line: str) -> None:
    """Says ``line`` where installs are announced: for other long set-up steps (builds)."""
    _announce(line)


def ensure(name: str) -> Path:
    """Where part ``name`` is (a program or a folder), installing it first when it is missing."""
    part = PARTS[name]
    if found := part.find():
        return found
    with file_lock(LOCK):
        if found := part.find():  # installed by another process while this one waited
            return found
        for need in part.needs:
            ensure(need)
        return _install(name, part)


def _install(name: str, part: Part) -> Path:
    log = artifacts_dir("system") / f"{name}.log"
    log.write_text("")  # this attempt's output only
    started = time.monotonic()
    announce(f"installing {part.description} (log: {log})")
    try:
        missing = missing_packages(part.packages)
        if missing:
            apt_install(missing, log)
        elif part.packages and part.build is None:
            # Installed as far as dpkg knows, yet not where it should be: put its files back.
            apt_install(part.packages, log, reinstall=True)
        if part.build:
            part.build(log)
    except InstallError as error:
        packages = f" (Debian packages: {', '.join(part.packages)})" if part.packages else ""
        raise InstallError(f"could not install {part.description}{packages}: {error}") from None
    found = part.find()
    if not found:
        raise InstallError(
            f"could not install {part.description}: the install finished but it is still "
            f"missing (packages: {', '.join(part.packages) or 'none'}; log: {log})"
        )
    announce(f"installed {part.description} in {time.monotonic() - started:.0f} s")
    return found


_in_process = threading.RLock()
_held: dict[Path, tuple[int, int]] = {}  # lock file -> (descriptor, depth)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` across processes, re-entrant within this one (a part
    that needs another installs it while holding the lock)."""
    with _in_process:
        fd, depth = _held.get(path, (-1, 0))
        if depth == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                announce(f"waiting for another process's install to finish (lock: {path})")
                fcntl.flock(fd, fcntl.LOCK_EX)
        _held[path] = (fd, depth + 1)
        try:
            yield
        finally:
            fd, depth = _held.pop(path)
            if depth > 1:
                _held[path] = (fd, depth - 1)
            else:
                os.close(fd)  # and with it the lock


def run_logged(
    command: Sequence[str | Path],
    log: Path,
    what: str,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = INSTALL_TIMEOUT,
) -> None:
    """Runs ``command`` (``what`` in messages: the command in short) with no standard input,
    its output appended to ``log``; InstallError with its last lines when it fails."""
    with log.open("a") as out:
        out.write(f"$ {' '.join(str(c) for c in command)}\n")
        out.flush()
        start = out.tell()
        try:
            done = subprocess.run(
                [str(c) for c in command],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
        except FileNotFoundError:
            raise InstallError(f"`{what}`: {command[0]} is not installed") from None
        except subprocess.TimeoutExpired:
            failure = f"did not finish in {timeout:.0f} s"
        else:
            if done.returncode == 0:
                return
            failure = f"exited with {done.returncode}"
    raise InstallError(
        f"`{what}` {failure}; its last lines:\n{last_lines(log, start)}\n(whole output: {log})"
    )


def last_lines(log: Path, start: int = 0, count: int = 15) -> str:
    """The last ``count`` lines ``log`` holds from byte ``start`` on, indented."""
    with log.open("rb") as file:
        file.seek(start)
        text = file.read().decode(errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(f"    {line}" for line in lines[-count:]) or "    (none)"


def missing_packages(packages: Sequence[str]) -> list[str]:
    """The ones of ``packages`` that dpkg does not have installed."""
    if not packages:
        return []
    if not shutil.which("dpkg-query"):
        raise InstallError(
            f"installing the Debian packages {', '.join(packages)} needs apt (Debian or Ubuntu); "
            "on another system install their equivalents by hand"
        )
    listed = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\n", *packages],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    installed = {
        fields[0] for fields in map(str.split, listed.stdout.splitlines()) if fields[1:2] == ["ii"]
    }
    return [package for package in packages if package not in installed]


_apt_lists_fresh = False


def apt_install(packages: Sequence[str], log: Path, *, reinstall: bool = False) -> None:
    """``apt-get install`` of ``packages``, as root (or through ``sudo -n``), after one
    ``apt-get update`` per process (a fresh machine has no package lists)."""
    global _apt_lists_fresh
    if os.geteuid() == 0:
        as_root: list[str] = []
    elif shutil.which("sudo"):
        as_root = ["sudo", "-n"]  # never a password prompt: there is no one to answer it
    else:
        raise InstallError(
            f"installing the Debian packages {', '.join(packages)} needs root or sudo"
        )
    apt_get = [*as_root, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", *APT_OPTIONS]
    if not _apt_lists_fresh:
        # A list that cannot be refreshed may still name the packages: go on, and let the
        # install say what is wrong.
        with contextlib.suppress(InstallError):
            run_logged([*apt_get, "update"], log, "apt-get update")
        _apt_lists_fresh = True
    install = ["install", "--no-install-recommends", *(["--reinstall"] if reinstall else [])]
    run_logged([*apt_get, *install, *packages], log, " ".join(["apt-get", *install, *packages]))


def _program(command: str) -> Callable[[], Path | None]:
    def find() -> Path | None:
        found = shutil.which(command)
        return Path(found) if found else None

    return find


def _postgresql() -> Path | None:
    """The newest PostgreSQL's bin folder (Debian keeps each major version apart)."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists():
            return Path(folder)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _emacs_with_eglot() -> Path | None:
    """Emacs with Eglot: Debian packages it for Emacs 28 (elpa-eglot); Emacs 29 has its own."""
    emacs = shutil.which("emacs")
    eglot = glob.glob("/usr/share/emacs/site-lisp/elpa/eglot-*") or glob.glob(
        "/usr/share/emacs/*/lisp/progmodes/eglot.el*"
    )
    return Path(emacs) if emacs and eglot else None


def _node() -> Path | None:
    return _program("node")() if shutil.which("npm") else None


def _node_modules() -> Path | None:
    """The checkout's node_modules, when ``npm ci`` has installed the current lock file."""
    installed = ROOT / "node_modules" / ".package-lock.json"
    lock = ROOT / "package-lock.json"
    if (
        installed.exists()
        and installed.stat().st_mtime >= lock.stat().st_mtime
        and (ROOT / "node_modules" / ".bin" / "vsce").exists()  # not a folder emptied by hand
    ):
        return installed.parent
    return None


def _npm_ci(log: Path) -> None:
    command = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    run_logged(command, log, "npm ci", cwd=ROOT)


def _code_server() -> Path | None:
    """code-server, when an install of this version finished (it writes its stamp last)."""
    binary = CODE_SERVER_DIR / "node_modules" / ".bin" / "code-server"
    stamp = CODE_SERVER_DIR / ".installed"
    if stamp.exists() and os.access(binary, os.X_OK):
        return binary
    return None


def _install_code_server(log: Path) -> None:
    version = subprocess.run(
        ["node", "--version"], stdin=subprocess.DEVNULL, capture_output=True, text=True
    ).stdout.strip()
    if not version.startswith("v20."):  # its install step refuses any other major version
        raise InstallError(
            f"code-server {CODE_SERVER_VERSION} needs node 20; found {version or 'no node'}"
        )
    # Whatever an interrupted install left is not trusted: start again from nothing.
    shutil.rmtree(CODE_SERVER_DIR, ignore_errors=True)
    CODE_SERVER_DIR.mkdir(parents=True)
    (CODE_SERVER_DIR / "package.json").write_text('{"private": true}\n')
    _seed_ripgrep_cache()
    env = {
        **os.environ,
        "npm_config_yes": "true",  # its install step runs npx, which must not ask
        "npm_config_unsafe_perm": "true",  # it refuses to install as root without this
    }
    npm = ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"]
    what = f"npm install code-server@{CODE_SERVER_VERSION}"
    run_logged(
        [*npm, f"code-server@{CODE_SERVER_VERSION}"], log, what, cwd=CODE_SERVER_DIR, env=env
    )
    binary = CODE_SERVER_DIR / "node_modules" / ".bin" / "code-server"
    run_logged([binary, "--version"], log, "code-server --version")
    if f"\n{CODE_SERVER_VERSION} " not in "\n" + log.read_text():
        raise InstallError(f"{binary} --version did not say {CODE_SERVER_VERSION} (log: {log})")
    (CODE_SERVER_DIR / ".installed").write_text(CODE_SERVER_VERSION + "\n")


def _seed_ripgrep_cache() -> None:
    rg = shutil.which("rg")
    if not rg:
        raise InstallError("ripgrep (Debian package ripgrep) is not installed")
    machine = {"x86_64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(
        platform.machine(), platform.machine()
    )
    RIPGREP_CACHE.mkdir(parents=True, exist_ok=True)
    archive = RIPGREP_CACHE / f"ripgrep-{RIPGREP_RELEASE}-{machine}-unknown-linux-musl.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(rg, arcname="rg")


PARTS: dict[str, Part] = {
    "git": Part("git", _program("git"), ("git",)),
    "chattr": Part("chattr (e2fsprogs)", _program("chattr"), ("e2fsprogs",)),
    "node": Part("node and npm", _node, ("nodejs", "npm")),
    "node-modules": Part(
        "the extension's npm packages (npm ci)", _node_modules, needs=("node",), build=_npm_ci
    ),
    "chromium": Part(
        "Chromium (the browser the VS Code tests drive)",
        _program("chromium"),
        ("chromium", "fonts-dejavu-core"),  # text in the screenshots needs a font
    ),
    "code-server": Part(
        f"code-server {CODE_SERVER_VERSION} (VS Code in a browser) in {CODE_SERVER_DIR}",
        _code_server,
        # ripgrep, and the headers its native modules build against (kerberos, keytar,
        # native-keymap).
        (
            "ripgrep",
            "libkrb5-dev",
            "libsecret-1-dev",
            "libx11-dev",
            "libxkbfile-dev",
            "pkg-config",
            "build-essential",
            "python3",
        ),
        needs=("node",),
        build=_install_code_server,
    ),
    # What scripts/bundle_server.py strips the Linux bundles' extension modules with.
    "llvm-strip": Part("llvm-strip (LLVM)", _program("llvm-strip"), ("llvm",)),
    "neovim": Part("Neovim", _program("nvim"), ("neovim",)),
    "emacs": Part("Emacs with Eglot", _emacs_with_eglot, ("emacs-nox", "elpa-eglot")),
    "postgresql": Part("PostgreSQL", _postgresql, ("postgresql",)),
}


def main(names: list[str]) -> int:
    wanted = list(PARTS) if names == ["all"] else names
    unknown = [name for name in wanted if name not in PARTS]
    if not wanted or unknown:
        print(f"usage: python -m tests.system PART... | all; parts: {', '.join(PARTS)}")
        return 2
    for name in wanted:
        try:
            print(f"{name}: {ensure(name)}")
        except InstallError as error:
            print(error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
