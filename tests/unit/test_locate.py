"""Placing documents: project (deepest workspace folder or git root), relative path, branch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devfocus.app.locate import Location, Locator
from devfocus.config import DEFAULT_EXCLUDES
from tests.repos import git, init_repo


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n")
    return path


def uri(path: Path) -> str:
    return path.as_uri()


def posix(path: Path) -> str:
    return path.as_posix()


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """A workspace folder holding a plain directory and a git repository, a second repository
    opened at a sub-folder (a monorepo package), and a directory outside both."""
    ws = tmp_path / "ws"
    repo = init_repo(ws / "repo")
    mono = init_repo(tmp_path / "mono", branch="trunk")
    touch(ws / "notes" / "todo.md")
    touch(repo / "src" / "app.py")
    touch(mono / "packages" / "web" / "index.ts")
    touch(mono / "tools" / "build.py")
    touch(tmp_path / "loose" / "scratch.txt")
    return {"tmp": tmp_path, "ws": ws, "repo": repo, "mono": mono}


def test_file_in_a_workspace_folder_without_git(layout) -> None:
    ws = layout["ws"]
    locator = Locator([str(ws)], DEFAULT_EXCLUDES)
    assert locator.locate(uri(ws / "notes" / "todo.md")) == Location(
        posix(ws), "notes/todo.md", None
    )


def test_git_root_deeper_than_the_workspace_folder_wins(layout) -> None:
    ws, repo = layout["ws"], layout["repo"]
    locator = Locator([str(ws)], DEFAULT_EXCLUDES)
    assert locator.locate(uri(repo / "src" / "app.py")) == Location(
        posix(repo), "src/app.py", "main"
    )


def test_workspace_folder_equal_to_the_git_root(layout) -> None:
    repo = layout["repo"]
    locator = Locator([str(repo)], DEFAULT_EXCLUDES)
    assert locator.locate(uri(repo / "src" / "app.py")) == Location(
        posix(repo), "src/app.py", "main"
    )


def test_git_root_without_any_workspace_folder(layout) -> None:
    mono = layout["mono"]
    locator = Locator([], DEFAULT_EXCLUDES)
    assert locator.locate(uri(mono / "tools" / "build.py")) == Location(
        posix(mono), "tools/build.py", "trunk"
    )


def test_workspace_folder_deeper_than_the_git_root_wins(layout) -> None:
    mono = layout["mono"]
    web = mono / "packages" / "web"
    locator = Locator([str(web)], DEFAULT_EXCLUDES)
    location = locator.locate(uri(web / "index.ts"))
    assert location is not None
    assert (location.project, location.path) == (posix(web), "index.ts")


def test_branch_of_a_workspace_folder_inside_a_repository(layout) -> None:
    # The folder is part of the repository's working tree, on the branch checked out there.
    mono = layout["mono"]
    web = mono / "packages" / "web"
    locator = Locator([str(web)], DEFAULT_EXCLUDES)
    assert locator.locate(uri(web / "index.ts")) == Location(posix(web), "index.ts", "trunk")


def test_deepest_of_several_workspace_folders(layout) -> None:
    ws = layout["ws"]
    notes = ws / "notes"
    locator = Locator([str(ws), str(notes)], DEFAULT_EXCLUDES)
    assert locator.locate(uri(notes / "todo.md")) == Location(posix(notes), "todo.md", None)


def test_folder_name_that_is_a_prefix_of_another_does_not_contain_it(tmp_path: Path) -> None:
    touch(tmp_path / "app-old" / "main.py")
    locator = Locator([str(tmp_path / "app")], DEFAULT_EXCLUDES)
    target = tmp_path / "app-old" / "main.py"
    assert locator.locate(uri(target)) == Location(None, posix(target), None)


def test_file_outside_any_folder_and_repository(layout) -> None:
    ws, loose = layout["ws"], layout["tmp"] / "loose" / "scratch.txt"
    locator = Locator([str(ws)], DEFAULT_EXCLUDES)
    assert locator.locate(uri(loose)) == Location(None, posix(loose), None)


def test_percent_encoded_uri(layout) -> None:
    repo = layout["repo"]
    target = touch(repo / "docs" / "my notes.md")
    locator = Locator([], DEFAULT_EXCLUDES)
    assert "%20" in uri(target)
    assert locator.locate(uri(target)) == Location(posix(repo), "docs/my notes.md", "main")


def test_branch_follows_checkouts(layout) -> None:
    repo = layout["repo"]
    head = repo / ".git" / "HEAD"
    locator = Locator([], DEFAULT_EXCLUDES)
    target = uri(repo / "src" / "app.py")
    os.utime(head, ns=(1_700_000_000 * 10**9,) * 2)
    assert locator.locate(target) == Location(posix(repo), "src/app.py", "main")
    git(repo, "checkout", "-q", "-b", "other")
    os.utime(head, ns=(1_700_000_100 * 10**9,) * 2)
    assert locator.locate(target) == Location(posix(repo), "src/app.py", "other")


# -- exclusions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relative",
    [
        "node_modules/left-pad/index.js",
        "web/node_modules/react/index.js",
        ".git/COMMIT_EDITMSG",
        ".venv/lib/python3.12/site-packages/six.py",
        "venv/bin/activate",
        "src/__pycache__/app.cpython-312.pyc",
        "secret/keys.txt",
        "secret/deeper/token",
    ],
)
def test_excluded_files_are_not_located(layout, relative: str) -> None:
    repo = layout["repo"]
    target = touch(repo / relative)
    locator = Locator([str(layout["ws"])], [*DEFAULT_EXCLUDES, "secret/**"])
    assert locator.locate(uri(target)) is None


def test_anchored_pattern_matches_only_at_the_project_root(layout) -> None:
    repo = layout["repo"]
    target = touch(repo / "src" / "secret" / "notes.txt")
    locator = Locator([], [*DEFAULT_EXCLUDES, "secret/**"])
    assert locator.locate(uri(target)) == Location(posix(repo), "src/secret/notes.txt", "main")


def test_pattern_starting_with_a_slash_matches_the_absolute_path(layout) -> None:
    repo = layout["repo"]
    generated = touch(repo / "generated" / "api.py")
    kept = touch(repo / "src" / "generated.py")
    locator = Locator([], [f"{posix(repo)}/generated/**"])
    assert locator.locate(uri(generated)) is None
    assert locator.locate(uri(kept)) == Location(posix(repo), "src/generated.py", "main")


def test_pattern_starting_with_a_tilde_matches_under_the_home_directory(
    layout, monkeypatch
) -> None:
    monkeypatch.setenv("HOME", str(layout["tmp"]))
    repo = layout["repo"]
    generated = touch(repo / "generated" / "api.py")
    locator = Locator([], ["~/ws/repo/generated/**"])
    assert locator.locate(uri(generated)) is None
    assert locator.locate(uri(repo / "src" / "app.py")) == Location(
        posix(repo), "src/app.py", "main"
    )


def test_relative_pattern_does_not_reach_above_the_project(layout) -> None:
    # Relative patterns are matched against the path inside the project only.
    repo = layout["repo"]
    generated = touch(repo / "generated" / "api.py")
    locator = Locator([], ["ws/repo/generated/**", "repo/generated/**"])
    assert locator.locate(uri(generated)) == Location(posix(repo), "generated/api.py", "main")


def test_excluded_file_outside_any_project(tmp_path: Path) -> None:
    target = touch(tmp_path / "elsewhere" / "node_modules" / "pkg" / "index.js")
    kept = touch(tmp_path / "elsewhere" / "index.js")
    locator = Locator([], DEFAULT_EXCLUDES)
    assert locator.locate(uri(target)) is None
    assert locator.locate(uri(kept)) == Location(None, posix(kept), None)


def test_no_excludes_keeps_everything(layout) -> None:
    repo = layout["repo"]
    target = touch(repo / "node_modules" / "x.js")
    locator = Locator([], [])
    assert locator.locate(uri(target)) == Location(posix(repo), "node_modules/x.js", "main")


@pytest.mark.parametrize(
    "document",
    [
        "untitled:Untitled-1",
        "git:/home/dev/project/app.py?%7B%22ref%22%3A%22HEAD%22%7D",
        "vscode-notebook-cell:/home/dev/nb.ipynb#W0sZmlsZQ%3D%3D",
        "https://example.com/app.py",
    ],
)
def test_non_file_uris_are_not_located(document: str) -> None:
    assert Locator([], DEFAULT_EXCLUDES).locate(document) is None


# -- configure and project_root ----------------------------------------------------------------


def test_configure_replaces_roots_and_excludes(layout) -> None:
    ws, tmp = layout["ws"], layout["tmp"]
    todo = ws / "notes" / "todo.md"
    data = touch(ws / "data.txt")
    scratch = tmp / "loose" / "scratch.txt"
    locator = Locator([str(ws)], [])
    assert locator.locate(uri(todo)) == Location(posix(ws), "notes/todo.md", None)
    assert locator.locate(uri(data)) == Location(posix(ws), "data.txt", None)

    locator.configure([str(tmp / "loose")], ["*.md"])
    assert locator.locate(uri(todo)) is None
    assert locator.locate(uri(data)) == Location(None, posix(data), None)
    assert locator.locate(uri(scratch)) == Location(posix(tmp / "loose"), "scratch.txt", None)

    locator.configure([str(ws)], [])
    assert locator.locate(uri(todo)) == Location(posix(ws), "notes/todo.md", None)


def test_project_root_is_the_git_root(layout) -> None:
    repo, mono = layout["repo"], layout["mono"]
    locator = Locator([], [])
    assert locator.project_root(str(repo / "src" / "app.py")) == posix(repo)
    assert locator.project_root(str(repo / "src")) == posix(repo)
    assert locator.project_root(str(repo)) == posix(repo)
    assert locator.project_root(str(mono / "packages" / "web")) == posix(mono)


def test_project_root_without_git_is_the_path_itself(layout) -> None:
    ws = layout["ws"]
    locator = Locator([], [])
    assert locator.project_root(str(ws / "notes")) == posix(ws / "notes")
    assert locator.project_root(str(ws)) == posix(ws)
