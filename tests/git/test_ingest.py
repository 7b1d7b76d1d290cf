"""Importing real git repositories into a real SQLite file, checked row by row.

Every repository is made here with controlled author and committer dates; imports run through
:class:`Ingester` (a new one per import, as each ``devfocus import`` is a new process) or the
command line itself.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from devfocus.app.gitsync import ImportResult, Ingester, ingest_path
from devfocus.git.repository import find_repositories, open_repository
from devfocus.store.database import Database
from tests.repos import git, init_repo

D1 = "2026-01-05T09:00:00+00:00"
D2 = "2026-01-05T10:00:00+00:00"
D3 = "2026-01-05T11:00:00+00:00"
D4 = "2026-01-05T12:00:00+00:00"
D5 = "2026-01-05T13:00:00+00:00"


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def environment(
    repo: Path,
    *,
    author: tuple[str | bytes, str] = ("Dev Focus", "dev@example.com"),
    committer: tuple[str | bytes, str] = ("Dev Focus", "dev@example.com"),
    authored: str = D1,
    committed: str | None = None,
) -> dict[str, str | bytes]:
    """Like :func:`tests.repos.git`'s, with separate identities and dates (names may be bytes)."""
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": committer[0],
        "GIT_COMMITTER_EMAIL": committer[1],
        "GIT_AUTHOR_DATE": authored,
        "GIT_COMMITTER_DATE": committed or authored,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo),
    }


def raw_git(
    repo: Path, *args: str | bytes, input: bytes | None = None, **identity: object
) -> bytes:
    """``git ARGS`` with arguments that may be bytes (messages that are not UTF-8)."""
    out = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=environment(repo, **identity),  # type: ignore[arg-type]
        input=input,
        check=True,
        capture_output=True,
    )
    return out.stdout


def commit(repo: Path, message: str, date: str, **files: str) -> str:
    """Write ``files`` (``name=text``), commit them, return the new commit's sha."""
    for name, text in files.items():
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return head(repo)


def head(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "rev-parse", rev).strip()


class Store:
    """A real SQLite file and the imports into it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.database = Database("sqlite:///" + path.as_posix())
        self.database.engine()  # the tables exist even when an import stops before writing

    def ingest(
        self, repo: Path, progress: Callable[[int, int | None], None] | None = None
    ) -> ImportResult:
        found = open_repository(repo)
        assert found is not None
        return Ingester(self.database).ingest(found, progress)

    def rows(self, sql: str, *params: object) -> list[sqlite3.Row]:
        with sqlite3.connect(self.path) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(sql, params).fetchall()

    def commits(self) -> dict[str, sqlite3.Row]:
        return {row["sha"]: row for row in self.rows("SELECT * FROM commits")}

    def files(self, sha: str) -> list[tuple[str, str | None, int | None, int | None]]:
        rows = self.rows(
            "SELECT path, old_path, added, deleted FROM commit_files WHERE sha = ? ORDER BY path",
            sha,
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def reachable(self) -> dict[str, bool]:
        return {sha: bool(row["reachable"]) for sha, row in self.commits().items()}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    db = Store(tmp_path / "devfocus.db")
    yield db
    db.database.close()


def gitsync_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("devfocus")
    ]


# -- every field -------------------------------------------------------------------------------


def test_every_field_of_a_commit_is_stored(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p", files={"app.py": "a\nb\nc\n", "notes.txt": "line\n" * 20})
    (repo / "app.py").write_text("a\nB\nc\nd\ne\n")  # b → B, d and e added: +3 -1
    git(repo, "mv", "notes.txt", "docs.txt")
    (repo / "docs.txt").write_text("line\n" * 20 + "one more\n")  # a rename with +1
    (repo / "logo.png").write_bytes(bytes(range(256)) * 4)
    git(repo, "add", "-A")
    message = "Add the parser\n\nIt reads\ttabs,\n# keeps this line\nand every other one.\n"
    (tmp_path / "message.txt").write_text(message)
    raw_git(
        repo,
        "commit",
        "-q",
        "--cleanup=verbatim",
        "-F",
        str(tmp_path / "message.txt"),
        author=("Ann Author", "ann@example.com"),
        committer=("Carl Committer", "carl@example.com"),
        authored="2026-01-05T09:15:00+05:30",
        committed="2026-01-06T18:00:00-08:00",
    )
    sha, parent = head(repo), head(repo, "HEAD~1")

    result = store.ingest(repo)

    assert result.problem is None
    assert result.new_commits == 2
    row = store.commits()[sha]
    assert row["parents"] == parent
    assert (row["author_name"], row["author_email"]) == ("Ann Author", "ann@example.com")
    assert (row["committer_name"], row["committer_email"]) == ("Carl Committer", "carl@example.com")
    assert row["authored_ms"] == ms("2026-01-05T09:15:00+05:30")
    assert row["author_offset"] == 330
    assert row["committed_ms"] == ms("2026-01-06T18:00:00-08:00")
    assert row["committer_offset"] == -480
    assert row["message"] == message.rstrip("\n")
    assert row["branch"] == "main"
    assert row["reachable"] == 1
    assert (row["files"], row["additions"], row["deletions"]) == (3, 4, 1)
    assert store.files(sha) == [
        ("app.py", None, 3, 1),
        ("docs.txt", "notes.txt", 1, 0),
        ("logo.png", None, None, None),  # binary: no line counts
    ]


def test_a_merge_keeps_both_parents(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    git(repo, "checkout", "-q", "-b", "feature")
    feature = commit(repo, "Feature work", D2, feature="f\n")
    git(repo, "checkout", "-q", "main")
    main = commit(repo, "Main work", D3, main="m\n")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature", date=D4)
    merge = head(repo)

    store.ingest(repo)

    row = store.commits()[merge]
    assert row["parents"].split() == [main, feature]
    assert row["message"] == "Merge branch 'feature'"
    assert row["files"] == 0  # a merge's changes are its branches' commits'
    assert store.files(merge) == []


# -- incremental, rewritten history --------------------------------------------------------------


def test_a_later_import_reads_only_the_new_commit(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    for i, date in enumerate((D2, D3, D4)):
        commit(repo, f"Step {i}", date, **{f"f{i}.txt": "x\n"})
    read: list[int] = []

    first = store.ingest(repo, lambda done, total: read.append(done))
    assert (first.new_commits, read[-1]) == (4, 4)

    new = commit(repo, "One more", D5, more="y\n")
    read.clear()
    second = store.ingest(repo, lambda done, total: read.append(done))
    assert second.problem is None
    assert second.new_commits == 1
    assert read[-1] == 1  # git was asked for the new commit only
    assert new in store.commits() and len(store.commits()) == 5

    read.clear()
    third = store.ingest(repo, lambda done, total: read.append(done))
    assert third.new_commits == 0
    assert read == []  # nothing moved: git log is not even run


def test_history_streams_from_one_git_log_whatever_its_length(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "p")
    for i in range(60):
        commit(repo, f"Step {i}", f"2026-01-05T09:{i:02d}:30+00:00", **{f"f{i}.txt": "x\n"})
    started: list[list[str]] = []
    real = subprocess.Popen

    class Counted(real):  # type: ignore[misc, valid-type]
        def __init__(self, args: list[str], *rest: object, **options: object) -> None:
            started.append([str(a) for a in args])
            super().__init__(args, *rest, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(subprocess, "Popen", Counted)
    result = store.ingest(repo, lambda done, total: None)
    monkeypatch.undo()

    assert result.new_commits == 61
    logs = [args for args in started if "log" in args]
    assert len(logs) == 1
    assert len(started) <= 4  # refs, user.email, the log: no count before it


def test_rebase_marks_old_commits_and_reset_brings_them_back(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    git(repo, "checkout", "-q", "-b", "feature")
    f1 = commit(repo, "Feature one", D2, f1="1\n")
    f2 = commit(repo, "Feature two", D3, f2="2\n")
    git(repo, "checkout", "-q", "main")
    m2 = commit(repo, "Main moves on", D3, m="m\n")
    store.ingest(repo)

    git(repo, "checkout", "-q", "feature")
    git(repo, "rebase", "-q", "main", date=D4)
    f1_new, f2_new = head(repo, "HEAD~1"), head(repo)
    assert head(repo, "HEAD~2") == m2
    rebased = store.ingest(repo)

    assert rebased.problem is None
    assert (rebased.new_commits, rebased.unreachable) == (2, 2)
    reachable = store.reachable()
    assert reachable[f1] is False and reachable[f2] is False  # kept, marked
    assert reachable[f1_new] is True and reachable[f2_new] is True
    assert store.commits()[f1]["message"] == "Feature one"
    assert store.commits()[f2_new]["message"] == "Feature two"

    git(repo, "reset", "-q", "--hard", f2)
    back = store.ingest(repo)
    assert back.problem is None
    assert (back.new_commits, back.unreachable) == (0, 2)
    reachable = store.reachable()
    assert reachable[f1] is True and reachable[f2] is True
    assert reachable[f1_new] is False and reachable[f2_new] is False
    assert len(reachable) == 6


def test_an_amended_commit_is_kept_and_marked(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    first = commit(repo, "Tpyo", D2, a="a\n")
    store.ingest(repo)
    git(repo, "commit", "-q", "--amend", "-m", "Typo", date=D3)
    amended = head(repo)
    result = store.ingest(repo)
    assert (result.new_commits, result.unreachable) == (1, 1)
    assert store.reachable()[first] is False
    assert store.commits()[amended]["message"] == "Typo"


def test_a_deleted_branch_marks_only_its_own_commits(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    start = head(repo)
    git(repo, "checkout", "-q", "-b", "spike")
    spike = commit(repo, "Spike", D2, s="s\n")
    git(repo, "checkout", "-q", "main")
    store.ingest(repo)
    git(repo, "branch", "-q", "-D", "spike")
    result = store.ingest(repo)
    assert result.unreachable == 1
    assert store.reachable() == {start: True, spike: False}


# -- repository shapes ---------------------------------------------------------------------------


def test_a_detached_head_commit_is_included(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    git(repo, "checkout", "-q", "--detach")
    detached = commit(repo, "Experiment", D2, e="e\n")
    result = store.ingest(repo)
    assert result.problem is None
    assert store.reachable()[detached] is True

    git(repo, "checkout", "-q", "main", date=D3)
    left = store.ingest(repo)
    assert left.unreachable == 1
    assert store.reachable()[detached] is False  # no branch holds it any more


def test_a_shallow_clone(tmp_path: Path, store: Store) -> None:
    origin = init_repo(tmp_path / "origin")
    for i, date in enumerate((D2, D3, D4, D5)):
        commit(origin, f"Step {i}", date, **{f"f{i}.txt": "x\n"})
    git(tmp_path, "clone", "-q", "--depth", "3", f"file://{origin.as_posix()}", "shallow")
    shallow = tmp_path / "shallow"
    assert (shallow / ".git" / "shallow").exists()

    result = store.ingest(shallow)
    assert result.problem is None
    assert result.new_commits == 3
    rows = store.commits()
    assert sorted(r["message"] for r in rows.values()) == ["Step 1", "Step 2", "Step 3"]
    assert rows[head(shallow, "HEAD~2")]["parents"] == ""  # the history is cut here

    commit(shallow, "Local", "2026-01-05T14:00:00+00:00", local="l\n")
    assert store.ingest(shallow).new_commits == 1


def test_a_worktree_is_its_own_repository_with_its_own_head(tmp_path: Path, store: Store) -> None:
    main = init_repo(tmp_path / "main")
    git(main, "worktree", "add", "-q", "-b", "topic", str(tmp_path / "wt"), date=D2)
    worktree = tmp_path / "wt"
    topic = commit(worktree, "Topic work", D3, t="t\n")
    git(worktree, "checkout", "-q", "-b", "topic2", date=D4)

    [found] = find_repositories([worktree])
    assert found.root == worktree
    assert found.git_dir != found.common_dir
    result = Ingester(store.database).ingest(found)
    assert result.problem is None
    rows = store.commits()
    assert rows[topic]["branch"] == "topic"
    assert head(main) in rows
    checkouts = store.rows("SELECT from_ref, to_ref FROM checkouts")
    assert [tuple(c) for c in checkouts] == [("topic", "topic2")]  # the worktree's own HEAD

    roots = {r.root for r in find_repositories([tmp_path])}
    assert roots == {main, worktree}


def test_a_worktree_under_a_folder_named_modules_is_no_submodule(tmp_path: Path) -> None:
    main = init_repo(tmp_path / "web" / "modules" / "custom")
    git(main, "worktree", "add", "-q", "-b", "topic", str(tmp_path / "web" / "modules" / "wt"))
    roots = {r.root for r in find_repositories([tmp_path / "web"])}
    assert roots == {main, tmp_path / "web" / "modules" / "wt"}


def test_a_worktree_on_a_detached_head(tmp_path: Path, store: Store) -> None:
    main = init_repo(tmp_path / "main")
    git(main, "worktree", "add", "-q", "--detach", str(tmp_path / "wt"))
    worktree = tmp_path / "wt"
    detached = commit(worktree, "Detached in a worktree", D2, d="d\n")
    assert store.ingest(worktree).problem is None
    assert store.reachable()[detached] is True


def test_a_repository_without_commits(tmp_path: Path, store: Store) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")

    result = store.ingest(repo)
    assert result.problem is None
    assert result.new_commits == 0
    assert store.commits() == {}
    assert [r["root"] for r in store.rows("SELECT root FROM repositories")] == [repo.as_posix()]

    first = commit(repo, "First", D2, a="a\n")
    again = store.ingest(repo)
    assert again.new_commits == 1
    assert list(store.commits()) == [first]


def test_a_submodule_is_not_descended_into(tmp_path: Path, store: Store) -> None:
    library = init_repo(tmp_path / "library")
    library_commit = commit(library, "Library work", D2, lib="l\n")
    app = init_repo(tmp_path / "app")
    git(
        app,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        f"file://{library.as_posix()}",
        "vendor/library",
    )
    git(app, "commit", "-q", "-m", "Add the library", date=D3)
    added = head(app)

    results = ingest_path(store.database, app)

    assert [r.root for r in results] == [app.as_posix()]
    assert results[0].problem is None
    rows = store.commits()
    assert library_commit not in rows
    assert len(rows) == 2
    paths = [path for path, *_ in store.files(added)]
    assert paths == [".gitmodules", "vendor/library"]  # the submodule is one entry


def test_mailmap_names_the_author(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    raw_git(
        repo,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "Old identity",
        author=("jd", "jd@old-laptop.local"),
        committer=("jd", "jd@old-laptop.local"),
    )
    old = head(repo)
    (repo / ".mailmap").write_text("Jane Doe <jane@example.com> <jd@old-laptop.local>\n")
    commit(repo, "Add a mailmap", D2)

    store.ingest(repo)
    row = store.commits()[old]
    assert (row["author_name"], row["author_email"]) == ("Jane Doe", "jane@example.com")
    assert (row["committer_name"], row["committer_email"]) == ("Jane Doe", "jane@example.com")


def test_the_users_git_configuration_does_not_change_what_is_read(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # gpg, if it runs at all, must not touch the real home.
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GNUPGHOME", str(tmp_path / "gnupg"))
    repo = init_repo(tmp_path / "p", files={"app.py": "a\nb\n"})
    root = head(repo)
    for key, value in (
        ("log.showSignature", "true"),  # would print gpg's verdict amid the log
        ("log.showRoot", "false"),  # would hide the first commit's files
        ("log.mailmap", "false"),
        ("diff.external", "false"),
        ("log.date", "iso"),
        ("format.pretty", "oneline"),
        ("i18n.logOutputEncoding", "ISO-8859-1"),
    ):
        git(repo, "config", key, value)
    body = (
        b"tree %s\nparent %s\nauthor Dev Focus <dev@example.com> 1767607200 +0000\n"
        b"committer Dev Focus <dev@example.com> 1767607200 +0000\n"
        b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n"
        b" -----END PGP SIGNATURE-----\n"
        b"\nSigned caf\xc3\xa9\n"
    ) % (head(repo, "HEAD^{tree}").encode(), root.encode())
    signed = raw_git(
        repo, "hash-object", "-w", "-t", "commit", "--literally", "--stdin", input=body
    )
    git(repo, "update-ref", "refs/heads/main", signed.decode().strip())
    after = commit(repo, "After", D2, b="b\n")

    result = store.ingest(repo)

    assert result.problem is None
    rows = store.commits()
    assert len(rows) == 3
    assert rows[signed.decode().strip()]["message"] == "Signed café"
    assert rows[after]["message"] == "After"
    assert store.files(root) == [("app.py", None, 2, 0)]


# -- branch names ----------------------------------------------------------------------------------


def feature_history(repo: Path) -> dict[str, str]:
    """main: start, m2, merge; feature (merged with --no-ff): f1, f2."""
    names = {"start": head(repo)}
    git(repo, "checkout", "-q", "-b", "feature/login", date=D1)
    names["f1"] = commit(repo, "Login form", D2, login="form\n")
    names["f2"] = commit(repo, "Login check", D3, login="form\ncheck\n")
    git(repo, "checkout", "-q", "main", date=D3)
    names["m2"] = commit(repo, "Readme", D3, README="read me\n")
    git(repo, "merge", "-q", "--no-ff", "--no-edit", "feature/login", date=D4)
    names["merge"] = head(repo)
    return names


def test_feature_commits_get_the_feature_branch_name(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    names = feature_history(repo)
    store.ingest(repo)
    rows = store.commits()
    branches = {name: rows[sha]["branch"] for name, sha in names.items()}
    assert branches == {
        "start": "main",
        "f1": "feature/login",
        "f2": "feature/login",
        "m2": "main",
        "merge": "main",
    }


def test_a_clone_names_merged_branches_from_merge_messages(tmp_path: Path, store: Store) -> None:
    """A clone has no reflog of the commits, and the feature branch was deleted."""
    origin = init_repo(tmp_path / "origin")
    names = feature_history(origin)
    git(origin, "branch", "-q", "-d", "feature/login")
    git(tmp_path, "clone", "-q", f"file://{origin.as_posix()}", "clone")
    store.ingest(tmp_path / "clone")
    rows = store.commits()
    assert {name: rows[sha]["branch"] for name, sha in names.items()} == {
        "start": "main",
        "f1": "feature/login",
        "f2": "feature/login",
        "m2": "main",
        "merge": "main",
    }


def test_a_later_import_names_new_commits_on_their_branch(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    store.ingest(repo)
    git(repo, "checkout", "-q", "-b", "fix/crash", date=D2)
    fix = commit(repo, "Fix the crash", D3, fix="x\n")
    assert store.ingest(repo).new_commits == 1
    assert store.commits()[fix]["branch"] == "fix/crash"


# -- checkouts -------------------------------------------------------------------------------------


def test_checkouts_come_from_the_reflog(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    start = head(repo)
    git(repo, "checkout", "-q", "-b", "feature", date="2026-01-05T09:30:00+02:00")
    work = commit(repo, "Work", D2, w="w\n")
    git(repo, "checkout", "-q", "main", date="2026-01-05T10:45:00-05:00")
    git(repo, "checkout", "-q", "main", date=D4)  # already there: not a switch

    result = store.ingest(repo)
    assert result.checkouts == 2
    rows = store.rows("SELECT at_ms, from_ref, to_ref, sha FROM checkouts ORDER BY at_ms")
    assert [tuple(r) for r in rows] == [
        (ms("2026-01-05T09:30:00+02:00"), "main", "feature", start),
        (ms("2026-01-05T10:45:00-05:00"), "feature", "main", start),
    ]
    assert work in store.commits()

    # Read again by a new process: nothing is stored twice.
    git(repo, "checkout", "-q", "feature", date=D5)
    again = store.ingest(repo)
    assert again.checkouts == 1
    assert len(store.rows("SELECT * FROM checkouts")) == 3


# -- bad input ---------------------------------------------------------------------------------


def test_a_message_and_names_in_latin1_are_stored_as_text(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    raw_git(
        repo,
        "-c",
        "i18n.commitEncoding=ISO-8859-1",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        b"Caf\xe9 cr\xe8me\n\nna\xefve",
        author=(b"Jos\xe9 Garc\xeda", "jose@example.com"),
        committer=(b"Fran\xe7ois", "francois@example.com"),
    )
    sha = head(repo)
    assert store.ingest(repo).problem is None
    row = store.commits()[sha]
    assert row["message"] == "Café crème\n\nnaïve"
    assert row["author_name"] == "José García"
    assert row["committer_name"] == "François"


def test_bytes_that_are_not_utf8_are_replaced_not_dropped(tmp_path: Path, store: Store) -> None:
    # `git commit` would re-encode such bytes as Latin-1: the object is written by hand.
    repo = init_repo(tmp_path / "p")
    sha = hand_made_commit(
        repo, b"N\xe4me <n@example.com> 1767607200 +0000", b"bad \xff\xfe bytes\n\n\xc3(\n"
    )
    git(repo, "update-ref", "refs/heads/main", sha)
    assert store.ingest(repo).problem is None
    row = store.commits()[sha]
    assert row["message"] == "bad \ufffd\ufffd bytes\n\n\ufffd("
    assert row["author_name"] == "N\ufffdme"


def test_paths_with_odd_bytes_and_characters(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    for name in (b"tab\there.txt", b"new\nline.txt", b"caf\xe9.txt", "\u00e9t\u00e9.md".encode()):
        with open(os.path.join(os.fsencode(repo), name), "wb") as handle:
            handle.write(b"one\ntwo\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Odd names", date=D2)
    assert store.ingest(repo).problem is None
    assert store.files(head(repo)) == [
        ("caf\\xe9.txt", None, 2, 0),
        ("new\nline.txt", None, 2, 0),
        ("tab\there.txt", None, 2, 0),
        ("été.md", None, 2, 0),
    ]


def test_a_commit_touching_100000_files(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    # fast-import writes one blob and a tree of 100,000 entries in well under a second.
    stream = [
        b"blob\nmark :1\ndata 6\nhello\n",
        b"commit refs/heads/main\nmark :2\n",
        b"author Dev Focus <dev@example.com> 1767607200 +0100\n",
        b"committer Dev Focus <dev@example.com> 1767607200 +0100\n",
        b"data 11\nHuge import\n",
        b"from %s\n" % head(repo).encode(),
        *(b"M 100644 :1 d%03d/f%06d.txt\n" % (i // 1000, i) for i in range(100_000)),
        b"\n",
    ]
    raw_git(repo, "fast-import", "--quiet", input=b"".join(stream))
    huge = head(repo, "main")

    result = store.ingest(repo)
    assert result.problem is None
    assert result.new_commits == 2
    row = store.commits()[huge]
    assert (row["files"], row["additions"], row["deletions"]) == (100_000, 100_000, 0)
    count = store.rows("SELECT count(*) AS n FROM commit_files WHERE sha = ?", huge)[0]["n"]
    assert count == 100_000


def test_dates_in_1970_and_2100(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    raw_git(repo, "commit", "-q", "--allow-empty", "-m", "Epoch", authored="@0 +0000")
    epoch = head(repo)
    raw_git(
        repo,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "Future",
        authored="@4102444800 +1400",
        committed="@4102444800 -1200",
    )
    future = head(repo)
    assert store.ingest(repo).problem is None
    rows = store.commits()
    assert (rows[epoch]["authored_ms"], rows[epoch]["author_offset"]) == (0, 0)
    assert (rows[future]["authored_ms"], rows[future]["author_offset"]) == (4102444800000, 840)
    assert (rows[future]["committed_ms"], rows[future]["committer_offset"]) == (
        4102444800000,
        -720,
    )


def test_an_empty_message(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    git(repo, "commit", "-q", "--allow-empty", "--allow-empty-message", "-m", "", date=D2)
    sha = head(repo)
    assert store.ingest(repo).problem is None
    assert store.commits()[sha]["message"] == ""


def hand_made_commit(repo: Path, author_line: bytes, message: bytes) -> str:
    """A commit object written as raw bytes, bypassing every check of ``git commit``."""
    tree, parent = head(repo, "HEAD^{tree}").encode(), head(repo).encode()
    committer = b"Dev Focus <dev@example.com> 1767607200 +0000"
    body = b"tree %s\nparent %s\nauthor %s\ncommitter %s\n\n%s" % (
        tree,
        parent,
        author_line,
        committer,
        message,
    )
    sha = raw_git(repo, "hash-object", "-w", "-t", "commit", "--literally", "--stdin", input=body)
    return sha.decode().strip()


def test_a_commit_git_cannot_date_is_skipped_with_one_log_line(
    tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    repo = init_repo(tmp_path / "p")
    start = head(repo)
    bad = hand_made_commit(repo, b"Dev Focus <dev@example.com> notadate +0000", b"Undated\n")
    git(repo, "update-ref", "refs/heads/main", bad)
    after = commit(repo, "After", D2, a="a\n")

    with caplog.at_level(logging.WARNING):
        result = store.ingest(repo)

    assert result.problem is None
    assert set(store.commits()) == {start, after}
    assert len(gitsync_warnings(caplog)) == 1
    assert bad[:12] in gitsync_warnings(caplog)[0]


def test_a_name_holding_control_characters(
    tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    repo = init_repo(tmp_path / "p")
    name = b"Ann \x1f\x1e\x1edevfocus\x1f\t Author"
    odd = hand_made_commit(
        repo, name + b" <ann@example.com> 1767607200 +0000", b"Odd\x1f name\x1e\n"
    )
    git(repo, "update-ref", "refs/heads/main", odd)
    with caplog.at_level(logging.WARNING):
        result = store.ingest(repo)
    assert result.problem is None
    row = store.commits()[odd]
    assert row["author_name"] == name.decode()
    assert row["message"] == "Odd\x1f name\x1e"
    assert gitsync_warnings(caplog) == []


def test_a_corrupt_object_is_reported_once_and_the_rest_is_kept(
    tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    repo = init_repo(tmp_path / "p")
    older = commit(repo, "Older", D2, a="a\n")
    commit(repo, "Middle", D3, b="b\n")
    newer = commit(repo, "Newer", D4, c="c\n")
    loose = repo / ".git" / "objects" / older[:2] / older[2:]
    os.chmod(loose, 0o644)
    loose.write_bytes(loose.read_bytes()[:10])  # truncated

    with caplog.at_level(logging.WARNING):
        result = store.ingest(repo)

    assert result.problem is not None
    assert older[:7] in result.problem or "corrupt" in result.problem
    assert newer in store.commits()  # read before git reached the damage
    assert older not in store.commits()
    assert len(gitsync_warnings(caplog)) == 1

    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = store.ingest(repo)  # still damaged: the same report, no crash
    assert again.problem == result.problem


def test_a_corrupt_head_is_reported_not_raised(
    tmp_path: Path, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    repo = init_repo(tmp_path / "p")
    (repo / ".git" / "HEAD").write_bytes(b"")
    with caplog.at_level(logging.WARNING):
        result = store.ingest(repo)
    assert result.problem is not None
    assert store.commits() == {}
    assert len(gitsync_warnings(caplog)) == 1


def test_locks_left_behind_do_not_stop_reading(tmp_path: Path, store: Store) -> None:
    repo = init_repo(tmp_path / "p")
    latest = commit(repo, "Latest", D2, a="a\n")
    git(repo, "pack-refs", "--all")
    locks = [repo / ".git" / name for name in ("index.lock", "packed-refs.lock", "HEAD.lock")]
    for lock in locks:
        lock.write_text("")

    result = store.ingest(repo)

    assert result.problem is None
    assert latest in store.commits() and len(store.commits()) == 2
    assert all(lock.exists() for lock in locks)  # the user's locks are theirs to remove
    assert sorted(p.name for p in (repo / ".git").glob("*.lock")) == sorted(
        lock.name for lock in locks
    )


def test_without_git_the_import_says_so(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devfocus.git import runner

    repo = init_repo(tmp_path / "p")
    monkeypatch.setattr(runner, "git_executable", lambda: None)
    result = store.ingest(repo)
    assert result.problem is not None
    assert "git is not installed" in result.problem
    assert store.commits() == {}


# -- the command line --------------------------------------------------------------------------


def devfocus(
    data_dir: Path, *args: str, path: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEVFOCUS_DATA_DIR": str(data_dir), "TZ": "UTC"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "devfocus", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # a hang fails the test instead of stalling it
        stdin=subprocess.DEVNULL,
    )


def test_cli_import_then_import_again(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "p")
    commit(repo, "Second", D2, a="a\n")
    data = tmp_path / "data"

    first = devfocus(data, "import", str(repo))
    assert first.returncode == 0, first.stderr
    assert f"{repo.as_posix()}: 2 new commits" in first.stdout
    assert "Traceback" not in first.stderr

    commit(repo, "Third", D3, b="b\n")
    second = devfocus(data, "import", str(repo))
    assert second.returncode == 0, second.stderr
    assert f"{repo.as_posix()}: 1 new commit," in second.stdout

    with sqlite3.connect(data / "devfocus.db") as conn:
        messages = sorted(m for (m,) in conn.execute("SELECT message FROM commits"))
    assert messages == ["Second", "Start", "Third"]


def test_cli_import_of_every_repository_under_a_folder(tmp_path: Path) -> None:
    init_repo(tmp_path / "work" / "api")
    init_repo(tmp_path / "work" / "group" / "web")
    out = devfocus(tmp_path / "data", "import", str(tmp_path / "work"))
    assert out.returncode == 0, out.stderr
    assert "api: 1 new commit," in out.stdout
    assert "web: 1 new commit," in out.stdout


def test_cli_without_git_on_path_says_so_and_fails(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "p")
    empty = tmp_path / "no-git"
    empty.mkdir()
    out = devfocus(tmp_path / "data", "import", str(repo), path=str(empty))
    assert out.returncode == 1
    assert "git is not installed" in out.stderr
    assert out.stderr.count("git is not installed") == 1
    assert "Traceback" not in out.stderr


def test_cli_report_without_git_says_so_once_and_still_reports(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "p")
    data = tmp_path / "data"
    assert devfocus(data, "import", str(repo)).returncode == 0
    empty = tmp_path / "no-git"
    empty.mkdir()
    out = devfocus(data, "report", str(repo), path=str(empty))
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("git is not installed") == 1
    assert "Traceback" not in out.stderr
    assert out.stdout.startswith("DevFocus")


def test_cli_on_a_damaged_repository_reports_it_and_imports_the_others(tmp_path: Path) -> None:
    good = init_repo(tmp_path / "work" / "good")
    broken = init_repo(tmp_path / "work" / "broken")
    (broken / ".git" / "HEAD").write_bytes(b"")
    out = devfocus(tmp_path / "data", "import", str(tmp_path / "work"))
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert f"{broken.as_posix()}: " in out.stderr
    assert f"{good.as_posix()}: 1 new commit," in out.stdout


def test_cli_on_a_folder_without_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    out = devfocus(tmp_path / "data", "import", str(tmp_path / "plain"))
    assert out.returncode == 1
    assert "no git repository" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_database_locked_at_the_first_import_keeps_the_user_email(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import devfocus.app.gitsync as gitsync
    from devfocus.store.errors import StoreError

    repo = init_repo(tmp_path / "p")
    git(repo, "config", "user.email", "dev@example.com")
    found = open_repository(repo)
    assert found is not None
    ingester = Ingester(store.database)
    real = gitsync.ensure_repository

    def locked_once(*args: object, **kwargs: object) -> object:
        monkeypatch.setattr(gitsync, "ensure_repository", real)
        raise StoreError("locked", "the database is locked")

    monkeypatch.setattr(gitsync, "ensure_repository", locked_once)
    with pytest.raises(StoreError):
        ingester.ingest(found)
    assert ingester.ingest(found).new_commits == 1  # the same process tries again
    [row] = store.rows("SELECT user_email FROM repositories")
    assert row["user_email"] == "dev@example.com"
