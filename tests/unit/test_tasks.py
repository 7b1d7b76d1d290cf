"""Which task a branch, a commit and a session belong to: the rules in the module docstring of
``devfocus.activity.tasks``, each expectation worked out by hand from them."""

from __future__ import annotations

import pytest

from devfocus.activity.tasks import (
    KINDS,
    Task,
    commit_kind,
    references,
    session_task,
    task_from_branch,
    task_from_message,
)


def branch_task(title: str, kind: str | None = None, ref: str | None = None) -> Task:
    return Task(title, kind, ref, "branch")


def commit_task(title: str, kind: str | None = None, ref: str | None = None) -> Task:
    return Task(title, kind, ref, "commit")


# -- the task itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "label"),
    [
        (Task("login", "feature", "ABC-123", "branch"), "ABC-123 login"),
        (Task("crash", "bug", "#456", "commit"), "#456 crash"),
        (Task("login", None, None, "manual"), "login"),
        (Task("", "bug", "#456", "branch"), "#456"),  # "fix/456": the ref is all there is
    ],
)
def test_the_label_is_what_reports_print(task: Task, label: str) -> None:
    assert task.label == label


def test_a_task_rejects_an_unknown_kind_or_source() -> None:
    with pytest.raises(ValueError, match="kind"):
        Task("x", "bugfix", None, "branch")
    with pytest.raises(ValueError, match="source"):
        Task("x", None, None, "guess")
    assert {"feature", "bug", "refactor", "docs", "test", "chore"} == set(KINDS)


# -- references --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("Fixes #123", ("#123",)),
        ("Refs ABC-123 and XY2-7", ("ABC-123", "XY2-7")),
        ("see GH-12", ("#12",)),  # GitHub's other spelling of #12
        ("closes octo/app#9", ("octo/app#9",)),
        ("feat(ABC-12): login (#34)", ("ABC-12", "#34")),
        ("https://acme.atlassian.net/browse/KEY-7.", ("KEY-7",)),
        ("#5, then #5 again and ABC-1", ("#5", "ABC-1")),  # each once, in order
        ("ABC-12-login", ("ABC-12",)),
        ("JIRA_PROJ-4", ("JIRA_PROJ-4",)),
    ],
)
def test_references_finds_issue_keys(text: str, refs: tuple[str, ...]) -> None:
    assert references(text) == refs


@pytest.mark.parametrize(
    "text",
    [
        "Read files as UTF-8",
        "Hash with SHA-256",
        "Dates in ISO-8601",
        "Follow PEP-8",
        "As RFC-7231 says",
        "Patch CVE-2024-3094",
        "Needs PY-3.11",  # a version, not issue 3
        "Use C#7 features",  # glued to a word
        "Escape &#123; entities",
        "a lower-case abc-123 is just words",
        "A-1 is too short for a key",
        "no references at all",
    ],
)
def test_references_skips_what_only_looks_like_a_key(text: str) -> None:
    assert references(text) == ()


# -- branches ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("branch", "task"),
    [
        ("feature/ABC-123-login", branch_task("login", "feature", "ABC-123")),
        ("fix/456-crash", branch_task("crash", "bug", "#456")),
        ("123-add-export", branch_task("add export", None, "#123")),
        ("user/topic", branch_task("topic")),  # an owner prefix is dropped
        ("user/feature/ABC-1-x", branch_task("x", "feature", "ABC-1")),
        ("refs/heads/feat/dark_mode", branch_task("dark mode", "feature")),
        ("features/search.box", branch_task("search box", "feature")),
        ("bugfix/PAY-7_double-charge", branch_task("double charge", "bug", "PAY-7")),
        ("hotfix/null-deref", branch_task("null deref", "bug")),
        ("docs/readme", branch_task("readme", "docs")),
        ("refactor/split-store", branch_task("split store", "refactor")),
        ("perf/cache-lookups", branch_task("cache lookups", "refactor")),
        ("test/flaky-clock", branch_task("flaky clock", "test")),
        ("chore/tidy", branch_task("tidy", "chore")),
        ("ci/cache-pip", branch_task("cache pip", "chore")),
        ("build/wheels", branch_task("wheels", "chore")),
        ("dependabot/pip/requests-2.31.0", branch_task("pip requests 2.31.0", "chore")),
        ("feature/auth/login", branch_task("auth login", "feature")),
        ("feature/login-ABC-9", branch_task("login", "feature", "ABC-9")),  # a trailing key
        ("fix/GH-12-crash", branch_task("crash", "bug", "#12")),
        ("issue-77-timeouts", branch_task("timeouts", None, "#77")),
        ("fix/456", branch_task("", "bug", "#456")),
        ("2024-05-cleanup", branch_task("2024 05 cleanup")),  # a date, not issue 2024
        ("fix/UTF-8-bom", branch_task("UTF 8 bom", "bug")),  # not an issue key
        ("release-notes", branch_task("release notes")),
        ("FEATURE/Big-Thing", branch_task("Big Thing", "feature")),
    ],
)
def test_task_from_branch(branch: str, task: Task) -> None:
    assert task_from_branch(branch) == task


@pytest.mark.parametrize(
    "branch",
    [
        None,
        "",
        "main",
        "master",
        "develop",
        "dev",
        "trunk",
        "HEAD",
        "(detached)",
        "(HEAD detached at 1a2b3c4)",
        "gh-pages",
        "release/1.2",
        "releases/2024-05",
        "release-2.0",
        "1.2",
        "v2.x",
        "origin/main",  # a main line behind a remote or owner prefix
        "jane/release/1.0",
    ],
)
def test_main_lines_are_no_task(branch: str | None) -> None:
    assert task_from_branch(branch) is None


# -- commit messages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "task"),
    [
        ("feat(auth): add login", commit_task("add login", "feature")),
        ("fix!: crash on empty config.", commit_task("crash on empty config", "bug")),
        ("Refactor: split the store", commit_task("split the store", "refactor")),
        ("perf(db): batch inserts", commit_task("batch inserts", "refactor")),
        ("style: reformat", commit_task("reformat", "refactor")),
        ("docs: explain sessions", commit_task("explain sessions", "docs")),
        ("tests: cover idle", commit_task("cover idle", "test")),
        ("build(deps): bump ruff", commit_task("bump ruff", "chore")),
        ("ci: cache pip", commit_task("cache pip", "chore")),
        ("revert: feat: add login", commit_task("feat: add login", "chore")),
        ("feat(ABC-12): login", commit_task("login", "feature", "ABC-12")),
        ("fix: crash (#34)", commit_task("crash", "bug", "#34")),  # a squash-merged PR
        # the issue the body closes says more than the pull request number
        ("feat: export (#34)\n\nAdds CSV.\n\nFixes #12", commit_task("export", "feature", "#12")),
        ("fix: crash\n\nRefs ABC-9", commit_task("crash", "bug", "ABC-9")),
        ("ABC-123: Fix login", commit_task("Fix login", "bug", "ABC-123")),
        ("[ABC-9] Add export", commit_task("Add export", "feature", "ABC-9")),
        ("Add export button [ABC-9]", commit_task("Add export button", "feature", "ABC-9")),
        ("chore: release 1.0 [skip ci]", commit_task("release 1.0", "chore")),
        # without a type: a leading verb, conservatively
        ("Fix crash on start (#34)", commit_task("Fix crash on start", "bug", "#34")),
        ("Fixed typo.", commit_task("Fixed typo", "bug")),
        ("Implement CSV export", commit_task("Implement CSV export", "feature")),
        ("Add tests for the parser", commit_task("Add tests for the parser", "test")),
        ("Add docs for settings", commit_task("Add docs for settings", "docs")),
        ("Add unit tests", commit_task("Add unit tests", "test")),
        ("Update the README", commit_task("Update the README", "docs")),
        ("Add integration with Slack", commit_task("Add integration with Slack", "feature")),
        ("Clean up the sweep", commit_task("Clean up the sweep", "refactor")),
        ("Rename Store to Database", commit_task("Rename Store to Database", "refactor")),
        ("Move utilities out", commit_task("Move utilities out", "refactor")),
        ("Extract the sweep", commit_task("Extract the sweep", "refactor")),
        ("Document the timeline", commit_task("Document the timeline", "docs")),
        ("Test the reflog parser", commit_task("Test the reflog parser", "test")),
        ("Bump requests from 2.0 to 2.1", commit_task("Bump requests from 2.0 to 2.1", "chore")),
        ("Update dependencies", commit_task("Update dependencies", "chore")),
        ("Update the login page", commit_task("Update the login page")),  # too vague to say
        ("Use UTF-8 everywhere", commit_task("Use UTF-8 everywhere")),
        ("WIP: login", commit_task("WIP: login")),  # not a Conventional Commits type
        ("ABC-123", commit_task("", None, "ABC-123")),
    ],
)
def test_task_from_message(message: str, task: Task) -> None:
    assert task_from_message(message) == task


@pytest.mark.parametrize(
    ("message", "task"),
    [
        ("Merge branch 'feature/ABC-1-x' into main", commit_task("x", "feature", "ABC-1")),
        ('Merge branch "fix/crash"', commit_task("crash", "bug")),
        ("Merge pull request #5 from jane/fix/crash", commit_task("crash", "bug", "#5")),
        ("Merge pull request #5 from jane/fix/PAY-3-crash", commit_task("crash", "bug", "PAY-3")),
        ("Merge pull request #6 from jane/topic\n\nAdd export", commit_task("topic", None, "#6")),
        # from a main line: the pull request's title, in the body, names the task
        (
            "Merge pull request #7 from jane/main\n\nAdd export",
            commit_task("Add export", "feature", "#7"),
        ),
        # bringing main into a feature branch is work on the feature
        ("Merge branch 'main' into feature/login", commit_task("login", "feature")),
        ("Merge branch 'main' into 'fix/crash'", commit_task("crash", "bug")),  # GitLab
        ("Merged in feature/x (pull request #8)", commit_task("x", "feature", "#8")),  # Bitbucket
    ],
)
def test_a_merge_commit_is_the_task_of_its_branch(message: str, task: Task) -> None:
    assert task_from_message(message) == task


@pytest.mark.parametrize(
    "message",
    [
        "Merge remote-tracking branch 'origin/main'",
        "Merge branch 'develop' into main",
        "Merge tag 'v1.0'",
        "",
        "   ",
    ],
)
def test_messages_that_name_no_task(message: str) -> None:
    assert task_from_message(message) is None


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("feat: x", "feature"),
        ("FEAT(ui): x", "feature"),  # types are case-insensitive
        ("fix(parser)!: x", "bug"),
        ("refactor: x", "refactor"),
        ("perf: x", "refactor"),
        ("style: x", "refactor"),
        ("docs: x", "docs"),
        ("test: x", "test"),
        ("tests: x", "test"),
        ("chore: x", "chore"),
        ("build: x", "chore"),
        ("ci: x", "chore"),
        ("revert: x", "chore"),
        ('Revert "feat: x"', "chore"),
        ("Fixes the build", "bug"),
        ("ABC-1: Add export", "feature"),
        ("Merge branch 'fix/crash'", "bug"),
        ("wip: x", None),
        ("Improve logging", None),
        ("Merge tag 'v1.0'", None),
        ("", None),
    ],
)
def test_commit_kind(message: str, kind: str | None) -> None:
    assert commit_kind(message) == kind


# -- sessions ----------------------------------------------------------------------------------


def test_a_manual_task_wins() -> None:
    manual = Task("pairing", None, None, "manual")
    assert session_task(manual, "feature/ABC-1-login", ["fix: crash"]) is manual


def test_the_branch_task_wins_over_commits() -> None:
    task = session_task(None, "feature/ABC-1-login", ["fix: crash (#9)", "fix: crash (#9)"])
    assert task == branch_task("login", "feature", "ABC-1")


def test_a_branch_task_takes_the_kind_its_commits_agree_on() -> None:
    messages = ["fix: null check", "Merge branch 'main' into jane/login", "Fixed the tests"]
    assert session_task(None, "jane/login", messages) == branch_task("login", "bug")


def test_a_branch_task_keeps_no_kind_when_commits_disagree() -> None:
    messages = ["fix: null check", "feat: remember me"]
    assert session_task(None, "jane/login", messages) == branch_task("login")


def test_a_branch_kind_is_not_overridden_by_commits() -> None:
    assert session_task(None, "feature/login", ["fix: typo"]) == branch_task("login", "feature")


def test_on_a_main_line_the_most_frequent_commit_task_wins() -> None:
    messages = [
        "ABC-7: Add export",  # ABC-7 three times, under different titles
        "fix: crash (#3)",
        "ABC-7: Fix export encoding",
        "Refs ABC-7: polish",
        "docs: readme",
    ]
    # the latest commit of the most frequent ref gives the task
    assert session_task(None, "main", messages) == commit_task("Refs ABC-7: polish", None, "ABC-7")


def test_a_tie_goes_to_the_latest_commit() -> None:
    messages = ["fix: crash (#3)", "feat: export (#4)", "fix: crash again (#3)", "feat: csv (#4)"]
    assert session_task(None, None, messages) == commit_task("csv", "feature", "#4")


def test_without_refs_commits_group_by_title() -> None:
    messages = ["fix: Crash", "feat: export", "fix: crash"]
    assert session_task(None, "main", messages) == commit_task("crash", "bug")


def test_nothing_to_go_on_gives_no_task() -> None:
    assert session_task(None, "main", []) is None
    assert session_task(None, None, ["Merge tag 'v1.0'"]) is None
