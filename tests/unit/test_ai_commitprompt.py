"""The commit-message prompt and the draft made of a model's reply: what is sent, within its
budget and without secrets, and how a reply is made to fit the repository or refused; and the
staged change as a real repository gives it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devfocus.ai.commitprompt import (
    HUNK_BUDGET,
    CommitFacts,
    StagedChange,
    StagedFile,
    commit_prompt_of,
    diff_within_budget,
    draft_of,
)
from devfocus.ai.exchange import BAD_REPLY, AIUnavailable
from devfocus.app.aicommit import MAX_HUNK_LINES, commit_facts
from devfocus.config import AISettings, Settings
from devfocus.git.coach import Habits, coach
from devfocus.git.model import FileChange
from tests.repos import git

AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
CONVENTIONAL = Habits(
    commits=20,
    conventional_share=0.9,
    types=("feat", "fix", "docs"),
    scopes=("parser", "cli"),
    capitalized_share=0.0,
    median_files=2,
    median_lines=30,
)
DEFAULT_HABITS = Habits()
PLAIN = Habits(commits=20, conventional_share=0.0, capitalized_share=1.0, median_files=2)


def hunk(lines: int, text: str = "value") -> str:
    return f"@@ -1,0 +1,{lines} @@\n" + "".join(f"+{text} {i}\n" for i in range(lines))


def facts(
    files: tuple[StagedFile, ...] = (),
    *,
    habits: Habits = DEFAULT_HABITS,
    hunks_read: bool = False,
    excluded: int = 0,
    branch: str | None = None,
    subjects: tuple[str, ...] = (),
) -> CommitFacts:
    changes = tuple(FileChange(f.path, f.added, f.deleted, f.old_path) for f in files)
    return CommitFacts(StagedChange(files, excluded, hunks_read), changes, habits, branch, subjects)


PARSER = StagedFile("src/parser.py", "M", 12, 3, hunks=hunk(3, "token"))


# -- the prompt ---------------------------------------------------------------------------------
def test_without_send_code_names_and_counts_only() -> None:
    prompt = commit_prompt_of(facts((PARSER, StagedFile("logo.png", "A", None, None))))
    assert prompt.purpose == "commit"
    assert prompt.name == "commit_message"
    assert prompt.schema["required"] == ["subject", "body"]
    assert "- src/parser.py (modified, +12 −3)" in prompt.user
    assert "- logo.png (added, binary)" in prompt.user
    assert "token 0" not in prompt.user  # a hunk line
    assert "devfocus.ai.sendCode is off" in prompt.user


def test_with_send_code_the_hunks_are_sent_redacted() -> None:
    secret = StagedFile("cfg.py", "A", 1, 0, hunks=f'@@ -0,0 +1 @@\n+KEY = "{AWS_KEY}"\n')
    prompt = commit_prompt_of(facts((PARSER, secret), hunks_read=True))
    assert "+token 0" in prompt.user
    assert AWS_KEY not in prompt.user
    assert "«redacted:" in prompt.user


def test_excluded_files_are_counted_never_named() -> None:
    prompt = commit_prompt_of(facts((PARSER,), excluded=2))
    assert "Also staged: 2 files excluded from AI (not described)." in prompt.user


def test_the_largest_files_keep_their_counts_only_past_the_budget() -> None:
    small = StagedFile("a.py", "M", 5, 0, hunks=hunk(5))
    big = StagedFile("big.py", "M", 2000, 0, hunks=hunk(2000))
    middle = StagedFile("m.py", "M", 500, 0, hunks=hunk(500))
    shown, summarised = diff_within_budget([big, small, middle], budget=5_000, file_budget=4_000)
    assert [p for p, _ in shown] == ["a.py", "m.py"]  # in the files' order
    assert summarised == ["big.py"]
    assert all(len(t) <= 4_000 for _, t in shown)
    assert shown[1][1].endswith("more lines not shown")  # m.py clipped at a line
    shown, _ = diff_within_budget([big, small, middle])
    assert sum(len(t) for _, t in shown) <= HUNK_BUDGET


def test_the_repository_habits_and_the_branch_task_are_told() -> None:
    prompt = commit_prompt_of(
        facts(
            (PARSER,),
            habits=CONVENTIONAL,
            branch="feature/PROJ-12-token-cache",
            subjects=("feat(parser): add tokens", "fix: close the file"),
        )
    )
    assert "Conventional Commits" in prompt.user
    assert "types used: feat, fix, docs" in prompt.user
    assert "Scopes used: parser, cli" in prompt.user
    assert "starts with a lowercase letter after the type" in prompt.user
    assert "Branch: feature/PROJ-12-token-cache; its task: token cache (feature)" in prompt.user
    assert "- feat(parser): add tokens" in prompt.user
    assert "at most 50 characters" in prompt.system
    long_subjects = tuple("x" * 60 for _ in range(5))
    assert "at most 72 characters" in commit_prompt_of(facts(subjects=long_subjects)).system


# -- the reply ----------------------------------------------------------------------------------
def draft(data: dict[str, Any], **options: Any) -> tuple[str, str]:
    made = draft_of(data, facts((PARSER,), **options))
    return made.subject, made.body


def test_a_good_reply_is_kept_as_it_is() -> None:
    body = "Tokens are read once and kept, so parsing a file twice costs half."
    assert draft({"subject": "Cache tokens in the parser", "body": body}) == (
        "Cache tokens in the parser",
        body,
    )


def test_the_subject_is_one_trimmed_line_without_its_period() -> None:
    subject, body = draft(
        {"subject": '```\n"Added the token cache to the parser module."\n```', "body": ""}
    )
    assert subject == "Add the token cache to the parser module"
    assert body == ""
    subject, _ = draft(
        {"subject": "Cache the tokens of every parsed module so that a second parse is cheap"}
    )
    assert subject == "Cache the tokens of every parsed module"  # no dangling "so that"


def test_a_subject_of_several_lines_opens_the_body() -> None:
    subject, body = draft({"subject": "Cache tokens\nThey are read once.", "body": ""})
    assert (subject, body) == ("Cache tokens", "They are read once.")


def test_the_body_is_wrapped_unfenced_and_without_invented_trailers() -> None:
    long = "The parser kept no tokens, so every request read the file again " * 2
    _, body = draft(
        {
            "subject": "Cache tokens",
            "body": f"## Why\n```python\nx = 1\n```\n{long}\n\n- one item\n- two\n\n"
            "Signed-off-by: Model <m@example.com>\nCo-authored-by: Bot <b@example.com>",
        }
    )
    lines = body.split("\n")
    assert all(len(line) <= 72 for line in lines)
    assert lines[0] == "Why"
    assert "```" not in body and "x = 1" in body  # the fence goes, its text stays
    assert "- one item\n- two" in body
    assert "Signed-off-by" not in body and "Co-authored-by" not in body


def test_made_up_references_go_and_the_branch_issue_is_added_as_the_habit_writes_it() -> None:
    referencing = Habits(commits=10, reference_share=0.9, reference_trailer="Refs")
    subject, body = draft(
        {"subject": "Cache tokens", "body": "Read each file once.\n\nFixes #99"},
        habits=referencing,
        branch="feature/42-cache",
    )
    assert "#99" not in body
    assert subject == "Cache tokens"
    # no issue the branch names, in this repository's way of writing one: nothing added
    assert body == "Read each file once."
    referencing = Habits(
        commits=10, reference_share=0.9, reference_trailer="Refs", hash_references=True
    )
    _, body = draft(
        {"subject": "Cache tokens", "body": "Read each file once."},
        habits=referencing,
        branch="feature/42-cache",
    )
    assert body == "Read each file once.\n\nRefs: #42"


def test_a_conventional_repository_gets_a_valid_prefix() -> None:
    assert draft({"subject": "Feature(parser): Cache tokens"}, habits=CONVENTIONAL)[0] == (
        "feat(parser): cache tokens"
    )
    # no prefix: the coach's own fix adds the one the verb makes certain
    assert draft({"subject": "Fix the crash on empty files"}, habits=CONVENTIONAL)[0] == (
        "fix: fix the crash on empty files"
    )
    assert draft({"subject": "feat: Cache tokens"}, habits=PLAIN)[0] == "Cache tokens"


def test_the_draft_scores_well_with_the_coach() -> None:
    subject, body = draft(
        {"subject": "feat: Added token caching.", "body": "Tokens are kept per file."},
        habits=CONVENTIONAL,
    )
    coaching = coach(f"{subject}\n\n{body}", [FileChange("src/parser.py", 12, 3)], CONVENTIONAL)
    assert subject == "feat: add token caching"
    assert coaching.score == 10


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"body": "no subject"}, "no subject and body as text"),
        ({"subject": 42, "body": ""}, "no subject and body as text"),
        ({"subject": "```\n```", "body": ""}, "subject is empty"),
        ({"subject": "...", "body": ""}, "has no words"),
        ({"subject": "I'm sorry, I cannot help with that", "body": ""}, "declined"),
    ],
)
def test_an_unusable_reply_says_why(data: dict[str, Any], why: str) -> None:
    with pytest.raises(AIUnavailable) as raised:
        draft_of(data, facts((PARSER,)))
    assert raised.value.reason == BAD_REPLY
    assert raised.value.message.startswith("the model's reply is not a usable commit message")
    assert why in raised.value.message


def test_the_branch_gives_the_type_when_nothing_else_does() -> None:
    subject, _ = draft(
        {"subject": "Cache lookups by key"}, habits=CONVENTIONAL, branch="feature/PROJ-7-cache"
    )
    assert subject == "feat: cache lookups by key"
    assert draft({"subject": "Cache lookups by key"}, habits=CONVENTIONAL)[0] == (
        "cache lookups by key"  # no branch: no type is certain (the score will say so)
    )


# -- the staged change, read from a real repository ----------------------------------------------
def test_the_staged_change_is_read_as_data(make_repo: Callable[..., Path]) -> None:
    repo = make_repo("shop")
    (repo / "old name.py").write_text("".join(f"line {i}\n" for i in range(40)))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Add a file")
    git(repo, "mv", "old name.py", "new name.py")
    (repo / "new name.py").write_text("".join(f"line {i}\n" for i in range(40)) + "tail = 1\n")
    (repo / "logo.png").write_bytes(b"\x89PNG\x00\x01\x02")
    (repo / ".env.local").write_text("TOKEN=never-read\n")
    (repo / "huge.py").write_text("".join(f"x{i} = {i}\n" for i in range(MAX_HUNK_LINES + 1)))
    git(repo, "add", "-A")
    settings = Settings(ai=AISettings(send_code=True))

    facts = commit_facts(repo, settings)
    files = {f.path: f for f in facts.staged.files}
    assert set(files) == {"new name.py", "logo.png", "huge.py"}
    assert facts.staged.excluded == 1  # .env.local: counted only
    renamed = files["new name.py"]
    assert (renamed.status, renamed.old_path, renamed.added) == ("R", "old name.py", 1)
    assert renamed.hunks is not None and renamed.hunks.startswith("@@")
    assert "+tail = 1" in renamed.hunks
    assert files["logo.png"].binary and files["logo.png"].hunks is None
    assert files["huge.py"].hunks is None  # too large for the budget: its counts only
    assert len(facts.files) == 4  # the coach scores every staged file
    prompt = commit_prompt_of(facts)
    assert "old name.py → new name.py (renamed, +1 −0)" in prompt.user
    assert "never-read" not in prompt.user and ".env" not in prompt.user

    no_code = commit_facts(repo, Settings())
    assert all(f.hunks is None for f in no_code.staged.files)
