"""Ignore rules read as data give git's own answers: every expectation here is what ``git
check-ignore`` says about the same paths of the same real repository."""

from __future__ import annotations

import os
import random
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

from devfocus.git import ignore
from devfocus.git.ignore import IgnoreRules, RepositoryIgnores

TRICKY = {
    ".gitignore": (
        "# build output\n"
        "*.log\n"
        "!keep.log\n"
        "build/\n"  # directories only
        "/top.txt\n"  # anchored to the root
        "docs/*.md\n"  # anchored: a slash in the middle
        "**/cache\n"
        "logs/**\n"
        "!logs/important/\n"  # cannot re-include: logs/ content is excluded level by level
        "*.tmp   \n"  # trailing spaces are trimmed
        "space\\ \n"  # ... unless escaped
        "\\#hash\n"
        "\\!bang\n"
        "[Tt]humbs.db\n"
        "[[:digit:]]*.bak\n"
        "a/**/z\n"
        "out/**/\n"  # directories strictly inside out/
        "vendor\n"
        "!vendor/\n"  # the directory comes back, files named vendor stay ignored
        "generated/*\n"
        "!generated/keep/\n"
    ),
    "src/.gitignore": "*.py[co]\n!important.pyc\nlocal/\n/only-here.txt\n",
    "src/deep/.gitignore": "!*.log\n",  # a deeper file overrides the root's *.log
    "build/.gitignore": "!*\n",  # never read: build/ is excluded
    "crlf/.gitignore": "*.crlf\r\n!keep.crlf\r\n",
}
FILES = [
    "app.log", "keep.log", "src/keep.log", "src/deep/trace.log", "src/deep/more/x.log",
    "build/out.o", "lib/build", "top.txt", "src/top.txt", "docs/a.md", "docs/sub/b.md",
    "x/cache", "x/y/cache/z.txt", "logs/a.txt", "logs/important/b.txt", "note.tmp", "space ",
    "space", "#hash", "!bang", "Thumbs.db", "thumbs.db", "1.bak", "x1.bak", "a/z", "a/b/c/z",
    "out/f.txt", "out/d/f.txt", "vendor/lib.py", "src/vendor", "generated/a.py",
    "generated/keep/b.py", "src/mod.pyc", "src/important.pyc", "src/local/x.py",
    "src/only-here.txt", "src/x/only-here.txt", "crlf/a.crlf", "crlf/keep.crlf", "plain.py",
    "build/keep.txt",
]  # fmt: skip


def git(repo: Path, *args: str, home: Path, input: str | None = None) -> str:
    env = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("GIT_CONFIG_GLOBAL", None)
    out = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, input=input, capture_output=True, text=True
    )
    assert out.returncode in (0, 1), out.stderr
    return out.stdout


def make_tree(root: Path, files: Iterable[str], ignores: dict[str, str]) -> list[tuple[str, bool]]:
    """The files (and the directories above them), and the ignore files; (path, is directory)
    of every path made."""
    made: dict[str, bool] = {}
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
        made[name] = False
        for parent in Path(name).parents:
            if str(parent) != ".":
                made[parent.as_posix()] = True
    for name, text in ignores.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(text.encode())
    return sorted(made.items())


def git_ignored(repo: Path, paths: list[tuple[str, bool]], home: Path) -> set[str]:
    out = git(
        repo, "check-ignore", "--stdin", "-z", home=home, input="\0".join(p for p, _ in paths)
    )
    return {p for p in out.split("\0") if p}


def environ(home: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("GIT_CONFIG_GLOBAL", None)
    return env


def mine(repo: Path, common_dir: Path, paths: list[tuple[str, bool]], home: Path) -> set[str]:
    rules = RepositoryIgnores(repo, common_dir, environ(home))
    return {p for p, is_dir in paths if rules.ignored(p, directory=is_dir)}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def test_a_tree_of_tricky_rules_gets_gits_answers(tmp_path: Path, home: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", home=home)
    paths = make_tree(repo, FILES, TRICKY)
    expected = git_ignored(repo, paths, home)
    assert {"app.log", "build", "logs/important/b.txt", "generated/a.py"} <= expected
    assert not {"keep.log", "src/deep/trace.log", "vendor/lib.py", "crlf/keep.crlf"} & expected
    assert mine(repo, repo / ".git", paths, home) == expected


def test_info_exclude_and_the_users_excludes_file(tmp_path: Path, home: Path) -> None:
    """info/exclude of the repository; core.excludesFile from the user's config (with ``~``),
    else ~/.config/git/ignore; the .gitignore files outrank both."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", home=home)
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("*.secret\n!shown.local\n")
    (home / ".config" / "git").mkdir(parents=True)
    (home / ".config" / "git" / "ignore").write_text("*.local\n*.orig\n")
    files = ["a.secret", "b.local", "shown.local", "c.orig", "d.py", "e.cfg"]
    paths = make_tree(repo, files, {".gitignore": "!c.orig\n"})
    expected = git_ignored(repo, paths, home)
    assert expected == {"a.secret", "b.local"}
    assert mine(repo, repo / ".git", paths, home) == expected

    (home / ".gitconfig").write_text("[core]\n\texcludesFile = ~/my-ignores\n")
    (home / "my-ignores").write_text("*.cfg\n")
    expected = git_ignored(repo, paths, home)
    assert expected == {"a.secret", "e.cfg"}
    assert mine(repo, repo / ".git", paths, home) == expected


def test_a_git_file_and_a_linked_worktree_use_the_real_git_directory(
    tmp_path: Path, home: Path
) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", "-b", "main", f"--separate-git-dir={tmp_path / 'real.git'}",
        str(repo), home=home)  # fmt: skip
    (tmp_path / "real.git" / "info").mkdir(exist_ok=True)
    (tmp_path / "real.git" / "info" / "exclude").write_text("*.secret\n")
    paths = make_tree(repo, ["a.secret", "b.py"], {})
    assert git_ignored(repo, paths, home) == {"a.secret"}
    assert IgnoreRules(environ(home)).ignored(str(repo), "a.secret")
    assert not IgnoreRules(environ(home)).ignored(str(repo), "b.py")

    git(repo, "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "--allow-empty",
        "-m", "start", home=home)  # fmt: skip
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", str(linked), home=home)
    paths = make_tree(linked, ["c.secret", "d.py"], {})
    assert git_ignored(linked, paths, home) == {"c.secret"}
    rules = IgnoreRules(environ(home))
    assert rules.ignored(str(linked), "c.secret")
    assert not rules.ignored(str(linked), "d.py")


def test_ignore_case_follows_the_repository(tmp_path: Path, home: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", home=home)
    git(repo, "config", "core.ignoreCase", "true", home=home)
    paths = make_tree(
        repo, ["Build/x.o", "NOTES.TXT", "Other.md"], {".gitignore": "build/\n*.txt\n"}
    )
    expected = git_ignored(repo, paths, home)
    assert expected == {"Build", "Build/x.o", "NOTES.TXT"}
    assert mine(repo, repo / ".git", paths, home) == expected


def test_hostile_ignore_files_are_read_safely(tmp_path: Path, home: Path) -> None:
    """A .gitignore that is a symbolic link (git refuses those in the work tree) or a directory
    counts as empty, as git has it; so does one that is a FIFO (git would wait on it for ever;
    opening it must not block) or one too large."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", home=home)
    (repo / "link").mkdir()
    (tmp_path / "elsewhere").write_text("*\n")
    (repo / "link" / ".gitignore").symlink_to(tmp_path / "elsewhere")
    (repo / "dir" / ".gitignore").mkdir(parents=True)
    paths = make_tree(repo, ["link/b.py", "dir/c.py"], {})
    assert git_ignored(repo, paths, home) == set()
    assert mine(repo, repo / ".git", paths, home) == set()

    (repo / "fifo").mkdir()
    os.mkfifo(repo / "fifo" / ".gitignore")
    (repo / "big").mkdir()
    (repo / "big" / ".gitignore").write_text("*\n" + "#" * ignore.MAX_FILE_BYTES)
    rules = RepositoryIgnores(repo, repo / ".git", environ(home))
    assert not rules.ignored("fifo/a.py")
    assert not rules.ignored("big/d.py")


def test_a_changed_ignore_file_is_read_again(tmp_path: Path, home: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", home=home)
    make_tree(repo, ["a.py", "sub/b.py"], {})
    rules = IgnoreRules(environ(home))
    assert not rules.ignored(str(repo), "sub/b.py")
    (repo / "sub" / ".gitignore").write_text("b.py\n")
    assert rules.ignored(str(repo), "sub/b.py")
    (repo / "sub" / ".gitignore").write_text("!b.py\n*.txt\n")
    assert not rules.ignored(str(repo), "sub/b.py")
    (repo / ".gitignore").write_text("sub/\n")
    assert rules.ignored(str(repo), "sub/b.py")
    (repo / ".gitignore").unlink()
    assert not rules.ignored(str(repo), "sub/b.py")


def test_the_caches_are_bounded(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ignore, "REPOSITORIES", 3)
    monkeypatch.setattr(ignore, "FILES_PER_REPOSITORY", 5)
    rules = IgnoreRules(environ(home))
    for n in range(6):
        repo = tmp_path / f"repo{n}"
        repo.mkdir()
        git(repo, "init", "-q", home=home)
        make_tree(repo, [f"d{i}/e/f.py" for i in range(4)], {".gitignore": "*.o\n"})
        for i in range(4):
            assert not rules.ignored(str(repo), f"d{i}/e/f.py")
        assert len(rules._repositories[str(repo)]._files) <= 5
    assert len(rules._repositories) == 3


def test_no_git_process_runs(tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", home=home)
    make_tree(repo, ["a.log"], {".gitignore": "*.log\n"})

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setenv("PATH", "")
    assert IgnoreRules(environ(home)).ignored(str(repo), "a.log")


# Random trees of random rules, each checked against git itself.
NAMES = ["a", "b", "c.py", "d.log", "build", "Foo", "x y", "[x]", "#h", "!n", "e.tmp", "deep",
         "é.py", "st*r", " lead", "trail ", "back\\s", "A"]  # fmt: skip
PATTERNS = [
    "*.py", "*.log", "build", "build/", "/build", "a/", "/a", "a/b", "**/c.py", "a/**", "a/**/b",
    "!*.py", "!build", "!a/", "!/a", "*", "!*/", "b", "!b", "*.tmp", "!e.tmp", "d*", "[a-c]", "?",
    "\\#h", "\\!n", "x y", "x\\ y", "a/*", "!a/b", "**/b/", "c.py ", "deep/**/c.py", "/*",
    "!/deep", "Foo", "foo", "#comment", "", "e.tmp\r", "**", "*/", "[x]", "\\[x\\]", "b/**",
    "!deep/", "a/b/", "**/a", "[!a]", "[^a]", "[a-]", "[]]", "[[:alpha:]]", "[[:upper:]]*",
    "**/**", "a/**/", "**/", "a/**/*", "/**", "**/*.py", "st\\*r", "st*r", "*\\", " lead",
    "\\ lead", "trail\\ ", "trail ", "é*", "back\\\\s", "A", "[a", "!**/", "!*/", "deep/**/",
    "**/deep/**", "*.py/", "c.py/", "!c.py/", "/*/", "*/b",
]  # fmt: skip


def random_tree(rng: random.Random, root: Path, depth: int = 0) -> list[tuple[Path, bool]]:
    made = []
    for name in rng.sample(NAMES, rng.randint(1, 5)):
        path = root / name
        if depth < 3 and rng.random() < 0.45:
            path.mkdir(exist_ok=True)
            made.append((path, True))
            made += random_tree(rng, path, depth + 1)
        elif not path.exists():
            path.write_text("x")
            made.append((path, False))
    if depth == 0 or rng.random() < 0.6:
        newline = "\r\n" if rng.random() < 0.1 else "\n"
        rules = rng.sample(PATTERNS, rng.randint(1, 6))
        (root / ".gitignore").write_bytes((newline.join(rules) + newline).encode())
    return made


@pytest.mark.parametrize("seed", range(40))
def test_random_rules_get_gits_answers(tmp_path: Path, home: Path, seed: int) -> None:
    rng = random.Random(seed)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", home=home)
    if rng.random() < 0.2:
        git(repo, "config", "core.ignoreCase", "true", home=home)
    made = random_tree(rng, repo)
    if rng.random() < 0.5:
        (repo / ".git" / "info").mkdir(exist_ok=True)
        (repo / ".git" / "info" / "exclude").write_text("\n".join(rng.sample(PATTERNS, 3)) + "\n")
    if rng.random() < 0.5:
        (home / ".config" / "git").mkdir(parents=True)
        (home / ".config" / "git" / "ignore").write_text("\n".join(rng.sample(PATTERNS, 3)) + "\n")
    paths = [(p.relative_to(repo).as_posix(), is_dir) for p, is_dir in made]
    assert mine(repo, repo / ".git", paths, home) == git_ignored(repo, paths, home)
