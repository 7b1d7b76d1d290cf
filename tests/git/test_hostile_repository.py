"""A hostile repository never makes DevFocus run its programs: the git runner, and the CLI
(``devfocus import``, ``report``, ``coach``) as a user runs it, on real repositories whose config,
attributes, hooks, remotes or mailmap name a payload (see tests/hostile.py).

Each repository's payload provably runs when git is run plainly (its probe, run when the
repository is built); here DevFocus reads the repositories, and no payload may run.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
from contextlib import closing, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import pytest

from devfocus.git import runner
from devfocus.git.runner import GitError, GitRefused, run_git, stream_git
from tests.cli.test_cli import devfocus
from tests.hostile import CREDENTIAL_QUESTION, MAILMAP_NAME, VECTORS, Hostile, build


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Hostile]:
    parent = tmp_path_factory.mktemp("hostile")
    return {vector: build(parent, vector) for vector in VECTORS}


@dataclass
class Ran:
    """What one CLI command printed, and its exit status."""

    returncode: int
    stdout: str
    stderr: str


@dataclass
class CliRuns:
    data: Path  # the data directories are under it: "import", "coach", one per report
    runs: dict[str, Ran]

    def database(self, name: str) -> Path:
        return self.data / name / "devfocus.db"


def in_process(data_dir: Path, *args: str) -> Ran:
    """``devfocus ARGS`` through the CLI's own entry point, in this process (a process each
    would take most of a second to start)."""
    from devfocus.cli import main

    out, err = io.StringIO(), io.StringIO()
    environment = {"DEVFOCUS_DATA_DIR": str(data_dir), "TZ": "UTC"}
    with patch.dict(os.environ, environment), redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def cli(hostile: dict[str, Hostile], tmp_path_factory: pytest.TempPathFactory) -> CliRuns:
    """Every CLI command that reads git, on every repository: ``devfocus import`` of the folder
    holding them all (a real process), then ``report PATH`` (each with a new database, so that
    it imports in full) and ``coach``."""
    data = tmp_path_factory.mktemp("cli")
    parent = hostile["plain"].root.parent
    process = devfocus(data / "import", "import", str(parent))
    runs = {"import": Ran(process.returncode, process.stdout, process.stderr)}
    for vector, h in hostile.items():
        runs[f"report {vector}"] = in_process(data / vector, "report", str(h.root))
        runs[f"coach {vector}"] = in_process(data / "coach", "coach", "--repo", str(h.root))
    return CliRuns(data, runs)


def stored_commits(db: Path, root: Path) -> list[sqlite3.Row]:
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(
            "SELECT c.* FROM commits c JOIN repositories r ON r.id = c.repo_id WHERE r.root = ?",
            (root.as_posix(),),
        ).fetchall()


@pytest.mark.parametrize("vector", VECTORS)
def test_the_cli_runs_no_program_of_the_repository(
    hostile: dict[str, Hostile], cli: CliRuns, vector: str
) -> None:
    """``devfocus import``, ``report PATH`` and ``coach`` read the repository; nothing it names
    runs, and what git can read is imported and coached (a partial clone missing objects gets
    a clear message instead)."""
    h = hostile[vector]
    assert h.ran() == []
    root = h.root.as_posix()
    imported = cli.runs["import"]
    report, coach = cli.runs[f"report {vector}"], cli.runs[f"coach {vector}"]
    if h.history:
        assert f"{root}: 3 new commits" in imported.stdout
        assert len(stored_commits(cli.database("import"), h.root)) == 3
        assert report.returncode == 0, report.stderr
        assert len(stored_commits(cli.database(vector), h.root)) == 3
        assert coach.returncode == 0, coach.stderr
        assert coach.stdout.splitlines()[0].split("  ")[1] == "Add a farewell"
    else:
        assert f"{root}: unable to read" in imported.stderr
        assert f"git history of {root} not read: unable to read" in report.stderr
        assert coach.returncode == 1
        assert coach.stderr.startswith("devfocus: unable to read")


def test_a_mailmap_is_data(hostile: dict[str, Hostile], cli: CliRuns) -> None:
    """Shell syntax in a name the mailmap gives is stored as written, and runs nothing."""
    h = hostile["mailmap"]
    names = {row["author_name"] for row in stored_commits(cli.database("mailmap"), h.root)}
    assert names == {MAILMAP_NAME.format(markers=h.markers)}
    assert h.ran() == []


# What DevFocus may ask of git, and what would run each kind of payload: through the runner,
# none may run one (and each still answers).
READS: list[tuple[str, ...]] = [
    ("check-ignore", "--", "draft.py"),  # reads the index: the fsmonitor hook
    ("diff", "--cached"),  # textconv, diff.external, the attribute's diff command
    ("diff", "--cached", "-z", "--numstat", "--find-renames"),
    ("log", "-p", "--", "app.py"),  # textconv; a missing blob: the lazy fetch
    ("log", "-3"),  # log.showSignature: gpg.program and gpg.*.program
    ("cat-file", "-p", "HEAD~2:app.py"),  # a missing blob: the lazy fetch
    ("rev-parse", "HEAD"),
    ("for-each-ref", "refs/heads"),
    ("config", "--get", "user.email"),
]
# What DevFocus never asks, each of which would run a payload: the runner refuses them.
REFUSED: list[tuple[str, ...]] = [
    ("status",),  # the fsmonitor hook, clean filters
    ("commit", "--allow-empty"),  # hooks, core.editor
    ("ls-remote", "origin"),  # core.sshCommand, core.gitProxy, ext::, remote.*.uploadpack
    ("fetch", "origin"),
    ("credential", "fill"),  # credential.helper, core.askPass
    ("diff", "HEAD~1"),  # the work tree: clean filters
    ("cat-file", "--filters", "HEAD:app.py"),  # smudge filters
    ("cat-file", "--textconv", "HEAD:app.py"),
    ("log", "-p", "--textconv"),
    ("log", "-p", "--ext-diff"),
    ("log", "--show-signature"),
    ("log", "--format=%G?"),
    ("config", "--edit"),  # core.editor
]
# The transports a repository's remote could name, tried with the runner's own command line and
# environment but without its list of commands: none may start (defence in depth).
TRANSPORT_COMMANDS: list[tuple[str, ...]] = [("ls-remote", "origin"), ("fetch", "origin")]


def read_through_runner(h: Hostile) -> None:
    for args in READS:
        try:
            run_git(h.root, *args, ok_codes=(0, 1), input=b"" if args[0] == "cat-file" else None)
        except GitError as error:
            assert not h.history, f"{args}: {error.message}"  # only a partial clone may fail
    try:
        with stream_git(h.root, "log", "--numstat", "HEAD") as chunks:
            assert b"".join(chunks)
    except GitError as error:
        assert not h.history, error.message


@pytest.mark.parametrize("vector", VECTORS)
def test_the_runner_runs_no_program_of_the_repository(
    hostile: dict[str, Hostile], vector: str
) -> None:
    h = hostile[vector]
    read_through_runner(h)
    not_refused = []
    for args in REFUSED:
        try:
            run_git(h.root, *args, input=CREDENTIAL_QUESTION.encode())
        except GitRefused:
            continue
        except GitError:
            pass
        not_refused.append(args)
    pairs = [part for pair in runner.SAFE_CONFIG for part in ("-c", pair)]
    for args in TRANSPORT_COMMANDS:
        subprocess.run(
            ["git", "--no-pager", "-C", str(h.root), *pairs, *args],
            env=runner._environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    assert h.ran() == []
    assert not_refused == []
    assert run_git(h.root, "rev-parse", "HEAD").strip()  # git still works there


def test_git_keeps_the_first_line_of_its_dubious_ownership_message(tmp_path: Path) -> None:
    """A repository owned by another user: git refuses it, and says so in its first line."""
    if os.geteuid() != 0:
        pytest.skip("making a repository another user's takes root")
    h = build(tmp_path, "plain")
    for path in [h.root, *h.root.rglob("*")]:
        os.lchown(path, 65534, 65534)  # nobody
    with pytest.raises(GitError) as raised:
        run_git(h.root, "rev-parse", "HEAD")
    message = raised.value.message
    assert message.startswith(f"detected dubious ownership in repository at '{h.root}'")
    assert f"git config --global --add safe.directory {h.root}" in message
