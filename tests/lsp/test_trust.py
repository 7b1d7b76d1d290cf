"""Who may be read, through the real server: an untrusted workspace, a repository of another
user, ``devfocus.git.trust`` (``never``, folders).

Every git process the server starts is recorded: ``git`` on its PATH is a script that writes
its arguments to a file and then runs the real git. "No git ran" is that file not existing
after the server has done everything that would run git (opened, hovered, coached a commit
message, imported). Each server gets a home of its own, so only the test's ``.gitconfig``
counts.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from tests.lsp.conftest import _poll, end_session, expose_client, start_session
from tests.lsp.test_commit_coaching import TEMPLATE, stage
from tests.lsp.test_git_live import commit_count, wait_for_rows
from tests.repos import git, give_to_nobody, init_repo

TRUST = "devfocus/workspaceTrust"
GREETING = "def greet(name):\n    return f'hi {name}'\n"

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="giving a repository to another user needs root",
)


# -- the server's surroundings ---------------------------------------------------------------------
class Surroundings:
    """A server environment with its own home and a PATH whose ``git`` records each call."""

    def __init__(self, tmp_path: Path, data_dir: Path) -> None:
        self.home = tmp_path / "home"
        self.home.mkdir()
        self.calls = tmp_path / "git-calls"
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        real = shutil.which("git")
        assert real is not None
        wrapper = bin_dir / "git"
        wrapper.write_text(
            "#!/bin/sh\n"
            f'printf "%s\\n" "$*" >> {shlex.quote(str(self.calls))}\n'
            f'exec {shlex.quote(real)} "$@"\n'
        )
        wrapper.chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.pop("XDG_CONFIG_HOME", None)
        env.update(
            DEVFOCUS_DATA_DIR=str(data_dir),
            TZ="UTC",
            HOME=str(self.home),
            GIT_CONFIG_NOSYSTEM="1",
            PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        )
        self.env = env

    def git_calls(self) -> list[str]:
        return self.calls.read_text().splitlines() if self.calls.exists() else []

    def trust_in_git_config(self, path: Path) -> None:
        """What git's own message says to do: ``safe.directory`` in the user's configuration."""
        (self.home / ".gitconfig").write_text(f"[safe]\n\tdirectory = {path}\n")


@pytest.fixture
def around(tmp_path: Path, data_dir: Path) -> Surroundings:
    return Surroundings(tmp_path, data_dir)


def my_repo(path: Path) -> Path:
    """A repository with one commit holding ``app.py``, and a staged change for a commit."""
    repo = init_repo(path, files={"app.py": GREETING})
    git(repo, "config", "user.email", "dev@example.com")
    stage(repo, {f"parser/part{i}.py": "x = 1\n" * 30 for i in range(5)})
    return repo


def get(value: Any, name: str) -> Any:
    """A field of a notification's params (attribute objects) or a command's result (dicts)."""
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


def git_part(status: Any) -> dict[str, Any]:
    part = get(status, "git")
    assert part is not None, f"the status has no git part: {status}"
    not_read = [{"root": get(r, "root"), "reason": get(r, "reason")} for r in get(part, "notRead")]
    return {"state": get(part, "state"), "reason": get(part, "reason"), "notRead": not_read}


def git_is(state: str) -> Callable[[Any], bool]:
    return lambda status: get(status, "git") is not None and git_part(status)["state"] == state


async def hover(session: Any, uri: str) -> str | None:
    """The hover on the name of ``greet`` (line 0)."""
    answer = await session.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=6),
        )
    )
    return None if answer is None else answer.contents.value


def open_message(session: Any, repo: Path, preset: str) -> str:
    path = repo / ".git" / "COMMIT_EDITMSG"
    text = "Add the parser\n" + TEMPLATE
    path.write_text(text)
    uri = path.as_uri()
    language = "gitcommit" if preset == "neovim" else "git-commit"
    session.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    return uri


def codes(session: Any, uri: str) -> set[str]:
    return {str(d.code) for d in session.client.diagnostics.get(uri, [])}


async def coached(session: Any, uri: str, *, with_diff: bool) -> set[str]:
    """The message's findings once coaching published them; ``with_diff``: once they count the
    staged diff (5 files, 150 lines: a body is asked for)."""
    await _poll(
        lambda: (
            "commit-score" in codes(session, uri)
            and ("body-missing" in codes(session, uri)) == with_diff
        ),
        f"no coaching of {uri} {'with' if with_diff else 'without'} the staged diff",
        15,
    )
    return codes(session, uri)


async def started(
    request: pytest.FixtureRequest, root: Path, around: Surroundings, **options: Any
) -> Any:
    data_dir = Path(around.env["DEVFOCUS_DATA_DIR"])
    session = await start_session(root, data_dir, env=around.env, **options)
    expose_client(request, session.client)
    return session


# -- Workspace Trust -------------------------------------------------------------------------------
async def test_an_untrusted_workspace_runs_no_git_until_trust_is_granted(
    request: pytest.FixtureRequest, tmp_path: Path, around: Surroundings, preset: str
) -> None:
    repo = my_repo(tmp_path / "project")
    db = Path(around.env["DEVFOCUS_DATA_DIR"]) / "devfocus.db"
    # The workspace's own settings claim trust: only the editor's word counts.
    s = await started(
        request,
        repo,
        around,
        preset=preset,
        initialization_options={"trusted": False},
        configuration={"trusted": True, "git": {"trust": "owned"}},
    )
    try:
        status = await s.statuses.wait_for(git_is("untrusted"))
        assert "git features wait for trust" in git_part(status)["reason"]

        uri = s.open("app.py", GREETING)
        assert await hover(s, uri) is None
        message = open_message(s, repo, preset)
        assert "body-missing" not in await coached(s, message, with_diff=False)
        result = await s.command("devfocus.git.import")
        assert result["repositories"] == []
        assert "wait for trust" in result["reason"]

        # A pushed configuration that claims trust changes nothing either.
        s.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"devfocus": {"trusted": True}})
        )
        s.client.protocol.notify(TRUST, {"trusted": "yes"})  # malformed: ignored
        await s.wait_for_log(f"ignored {TRUST}")
        current = await s.command("devfocus.status")
        assert git_part(current)["state"] == "untrusted"
        assert current["context"]["branch"] is None  # not even HEAD is read
        assert commit_count(db) == 0
        assert around.git_calls() == []

        # Trust is granted: history, hovers, the staged diff and the branch follow, no restart.
        s.client.protocol.notify(TRUST, {"trusted": True})
        assert git_part(await s.statuses.wait_for(git_is("on")))["reason"] is None
        await wait_for_rows(db, "SELECT sha FROM commits", lambda rows: len(rows) == 1, 15)
        shown = await hover(s, uri)
        assert shown is not None and "Start" in shown and "Dev Focus" in shown
        assert "body-missing" in await coached(s, message, with_diff=True)
        s.type_lines(uri, 2, 1)  # the next edit is on the branch
        assert (await s.command("devfocus.status"))["context"]["branch"] == "main"
        assert any(str(repo) in call for call in around.git_calls())
    finally:
        await end_session(s)


# -- git's ownership rule --------------------------------------------------------------------------
@needs_root
async def test_another_users_repository_is_not_read_until_safe_directory_lists_it(
    request: pytest.FixtureRequest, tmp_path: Path, around: Surroundings, preset: str
) -> None:
    repo = my_repo(tmp_path / "theirs")
    give_to_nobody(repo)
    db = Path(around.env["DEVFOCUS_DATA_DIR"]) / "devfocus.db"
    why = (
        "not read: owned by nobody, not you; "
        f"to trust it: git config --global --add safe.directory {repo}"
    )
    s = await started(request, repo, around, preset=preset)
    try:
        status = await s.statuses.wait_for(lambda st: bool(git_part(st)["notRead"]))
        assert git_part(status) == {
            "state": "on",
            "reason": None,
            "notRead": [{"root": str(repo), "reason": why}],
        }
        uri = s.open("app.py", GREETING)
        assert await hover(s, uri) is None
        message = open_message(s, repo, preset)
        assert "body-missing" not in await coached(s, message, with_diff=False)
        result = await s.command("devfocus.git.import")
        assert result == {"repositories": [], "notRead": [{"root": str(repo), "reason": why}]}
        assert (await s.command("devfocus.status"))["context"]["branch"] is None
        assert commit_count(db) == 0
        assert around.git_calls() == []

        # The user does what the status says; the server notices without a restart.
        around.trust_in_git_config(repo)
        await wait_for_rows(db, "SELECT sha FROM commits", lambda rows: len(rows) == 1, 15)
        assert git_part(await s.statuses.wait_for(lambda st: not git_part(st)["notRead"]))
        shown = await hover(s, uri)
        assert shown is not None and "Start" in shown
    finally:
        await end_session(s)


@needs_root
async def test_safe_directory_in_the_xdg_git_config_is_read_at_start(
    request: pytest.FixtureRequest, tmp_path: Path, around: Surroundings, preset: str
) -> None:
    repo = my_repo(tmp_path / "theirs")
    give_to_nobody(repo)
    xdg = tmp_path / "xdg"
    (xdg / "git").mkdir(parents=True)
    (xdg / "git" / "config").write_text(f"[safe]\n\tdirectory = {repo}\n")
    around.env["XDG_CONFIG_HOME"] = str(xdg)
    s = await started(request, repo, around, preset=preset)
    try:
        db = Path(around.env["DEVFOCUS_DATA_DIR"]) / "devfocus.db"
        await wait_for_rows(db, "SELECT sha FROM commits", lambda rows: len(rows) == 1, 15)
        assert git_part(await s.command("devfocus.status"))["notRead"] == []
        shown = await hover(s, s.open("app.py", GREETING))
        assert shown is not None and "Start" in shown
    finally:
        await end_session(s)


@needs_root
async def test_a_gitdir_file_pointing_at_another_users_repository_is_not_read(
    request: pytest.FixtureRequest, tmp_path: Path, around: Surroundings, preset: str
) -> None:
    real = my_repo(tmp_path / "real")
    give_to_nobody(real / ".git")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / ".git").write_text(f"gitdir: {real / '.git'}\n")
    (checkout / "app.py").write_text(GREETING)
    s = await started(request, checkout, around, preset=preset)
    try:
        status = await s.statuses.wait_for(lambda st: bool(git_part(st)["notRead"]))
        (refused,) = git_part(status)["notRead"]
        assert refused["root"] == str(checkout)
        assert f"{real / '.git'} is owned by nobody, not you" in refused["reason"]
        assert await hover(s, s.open("app.py", GREETING)) is None
        await s.command("devfocus.git.import")
        assert around.git_calls() == []
    finally:
        await end_session(s)


# -- devfocus.git.trust ----------------------------------------------------------------------------
async def test_never_runs_no_git_at_all(
    request: pytest.FixtureRequest, tmp_path: Path, around: Surroundings, preset: str
) -> None:
    repo = my_repo(tmp_path / "project")
    s = await started(
        request, repo, around, preset=preset, initialization_options={"git": {"trust": "never"}}
    )
    try:
        status = await s.statuses.wait_for(git_is("off"))
        assert "devfocus.git.trust is `never`" in git_part(status)["reason"]
        uri = s.open("app.py", GREETING)
        assert await hover(s, uri) is None
        message = open_message(s, repo, preset)
        assert "body-missing" not in await coached(s, message, with_diff=False)
        result = await s.command("devfocus.git.import")
        assert result["repositories"] == [] and "never" in result["reason"]
        assert (await s.command("devfocus.status"))["context"]["branch"] is None
        assert around.git_calls() == []
    finally:
        await end_session(s)


async def test_a_list_of_folders_reads_only_the_repositories_inside_them(
    request: pytest.FixtureRequest, tmp_path: Path, around: Surroundings, preset: str
) -> None:
    workspace = tmp_path / "workspace"
    inside, outside = my_repo(workspace / "inside"), my_repo(workspace / "outside")
    s = await started(
        request,
        workspace,
        around,
        preset=preset,
        initialization_options={"git": {"trust": [str(inside)]}},
    )
    try:
        db = Path(around.env["DEVFOCUS_DATA_DIR"]) / "devfocus.db"
        await wait_for_rows(db, "SELECT root FROM repositories", lambda rows: len(rows) == 1, 15)
        status = await s.statuses.wait_for(lambda st: bool(git_part(st)["notRead"]))
        assert git_part(status)["notRead"] == [
            {
                "root": str(outside),
                "reason": "not read: it is not inside a folder of devfocus.git.trust",
            }
        ]
        rows = await wait_for_rows(db, "SELECT root FROM repositories", bool, 15)
        assert [r["root"] for r in rows] == [inside.as_posix()]
        assert "Start" in (await hover(s, s.open("inside/app.py", GREETING)) or "")
        assert await hover(s, s.open("outside/app.py", GREETING)) is None
        assert any(str(inside) in call for call in around.git_calls())
        assert not any(str(outside) in call for call in around.git_calls())
    finally:
        await end_session(s)
