"""Commit coaching: each rule on hand-made messages, positions in edited COMMIT_EDITMSG texts,
each quick fix's resulting text, the score's weights worked out by hand, habits learned from
history, and the git side (staged diff, where a message file's repository is) on real repos."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from devfocus.git.coach import (
    Coaching,
    Finding,
    Habits,
    apply_fix,
    areas_of,
    check_message,
    coach,
    comment_char_of,
    habits_of,
    issue_of_branch,
    kept_message,
    weekly_trend,
)
from devfocus.git.commits import (
    habits_before,
    recent_habits,
    repository_of_message_file,
    staged_changes,
)
from devfocus.git.logstream import read_commits
from devfocus.git.model import Commit, FileChange
from tests.repos import git, init_repo

NONE = Habits()
TEMPLATE = (
    "\n"
    "# Please enter the commit message for your changes. Lines starting\n"
    "# with '#' will be ignored, and an empty message aborts the commit.\n"
    "#\n"
    "# On branch main\n"
    "# Changes to be committed:\n"
    "#\tmodified:   app.py\n"
    "#\n"
)
SCISSORS = "# ------------------------ >8 ------------------------\n"
_shas = (f"{n:040x}" for n in itertools.count(1))


def commit(message: str, files: Sequence[FileChange] = (), *, merge: bool = False) -> Commit:
    parents = ("1" * 40, "2" * 40) if merge else ("3" * 40,)
    return Commit(
        next(_shas), parents, "A", "a@x", 0.0, 0, "A", "a@x", 0.0, 0, message, tuple(files)
    )


def change(path: str, added: int = 5, deleted: int = 0) -> FileChange:
    return FileChange(path, added, deleted)


def rules(findings: Sequence[Finding]) -> list[str]:
    return [f.rule for f in findings]


def one(findings: Sequence[Finding], rule: str) -> Finding:
    found = [f for f in findings if f.rule == rule]
    assert len(found) == 1, rules(findings)
    return found[0]


def fixed(text: str, rule: str, habits: Habits = NONE, **kwargs: object) -> str:
    finding = one(check_message(text, habits, **kwargs), rule)  # type: ignore[arg-type]
    assert finding.fix is not None, finding
    return apply_fix(text, finding.fix)


def history(*subjects: str, files: Sequence[FileChange] = ()) -> Habits:
    return habits_of([commit(s, files) for s in subjects])


CONVENTIONAL = history(
    "feat: add the parser",
    "fix(api): reject empty names",
    "feat(api): page results",
    "docs: explain the setup",
    "fix: close the file",
)
CAPITALISED = history("Add the parser", "Reject empty names", "Page results", "Close files")
LOWERCASE = history("add the parser", "reject empty names", "page results", "close files")


# -- reading an edited message ----------------------------------------------------------------
def test_the_kept_message_drops_comments_and_everything_below_the_scissors() -> None:
    text = "Add the parser\n\nIt reads tokens.\n" + TEMPLATE + SCISSORS + "diff --git a b\n+x\n"
    assert kept_message(text) == "Add the parser\n\nIt reads tokens."
    assert kept_message("\n\n  \nSubject   \n\n\n\nBody\n\n") == "Subject\n\nBody"
    assert kept_message("Subject\nBody") == "Subject\nBody"  # git keeps it glued on
    assert kept_message(TEMPLATE) == ""


def test_positions_point_into_the_original_text() -> None:
    text = "# leading comment\n\nAdded the parser.\n# between\nIt reads tokens.\n" + SCISSORS
    text += "Added.\n"  # below the scissors: never read
    findings = check_message(text, NONE)
    assert rules(findings) == ["imperative", "subject-period", "blank-line"]
    imperative, period, blank = findings
    assert (imperative.line, imperative.start, imperative.end) == (2, 0, 5)
    assert (period.line, period.start, period.end) == (2, 16, 17)
    assert (blank.line, blank.start, blank.end) == (4, 0, 16)
    assert fixed(text, "blank-line").startswith(
        "# leading comment\n\nAdded the parser.\n# between\n\nIt reads tokens.\n"
    )


def test_a_diff_below_the_scissors_is_never_coached() -> None:
    diff = "diff --git a/x b/x\n" + "+" + "x " * 80 + "\n"
    text = "Add the parser\n" + TEMPLATE + SCISSORS + diff
    assert check_message(text, NONE) == []


def test_the_comment_character_can_be_configured_or_detected() -> None:
    text = "Add the parser\n; Please enter the commit message\n; ---- >8 ----\n#123 kept\n"
    assert comment_char_of(text, None) == ";"
    assert comment_char_of(text, "auto") == ";"
    assert comment_char_of(text, ";") == ";"
    assert comment_char_of("Add it\n", None) == "#"
    assert kept_message("Add x\n\n#12 is kept\n; dropped\n", ";") == "Add x\n\n#12 is kept"


def test_fixes_keep_crlf_line_endings() -> None:
    text = "Added the parser.\r\n\r\nBody.\r\n"
    assert fixed(text, "subject-period") == "Added the parser\r\n\r\nBody.\r\n"
    assert fixed(text, "imperative") == "Add the parser.\r\n\r\nBody.\r\n"


# -- subject rules ----------------------------------------------------------------------------
def test_subject_length_soft_and_hard_limits() -> None:
    assert check_message("A" + "a" * 49, NONE) == []
    soft = one(check_message("Add " + "x" * 56, NONE), "subject-length")
    assert (soft.severity, soft.start, soft.end) == ("information", 50, 60)
    assert soft.fix is None
    words = "Add the parser that reads every token of the configuration file and then some more"
    hard = one(check_message(words, NONE), "subject-length")
    assert (hard.severity, hard.start, hard.end) == ("warning", 72, len(words))


def test_a_too_long_subject_moves_its_end_into_the_body() -> None:
    subject = "Add the parser that reads every token of the configuration file, and then some more"
    assert fixed(subject + "\n", "subject-length") == (
        "Add the parser that reads every token of the configuration file\n\nand then some more\n"
    )
    with_body = subject + "\n\nIt is fast.\n"
    assert fixed(with_body, "subject-length") == (
        "Add the parser that reads every token of the configuration file\n\n"
        "and then some more\n\nIt is fast.\n"
    )


def test_trailing_period_but_not_an_ellipsis() -> None:
    assert fixed("Add the parser.\n", "subject-period") == "Add the parser\n"
    assert "subject-period" not in rules(check_message("Add the parser...", NONE))


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Added the parser", "Add the parser"),
        ("Fixes #12", "Fix #12"),
        ("Adding a cache", "Add a cache"),
        ("Removed dead code", "Remove dead code"),
        ("Stopped polling", "Stop polling"),
        ("Wrote the docs", "Write the docs"),
        ("Updates dependencies", "Update dependencies"),
        ("This commit adds a cache", "Add a cache"),
        ("fix: added the parser", "fix: add the parser"),
    ],
)
def test_imperative_mood_is_fixed(subject: str, expected: str) -> None:
    assert fixed(subject, "imperative") == expected


@pytest.mark.parametrize(
    "subject",
    [
        "Add the parser",
        "Changes to the parser",  # a noun, followed by a preposition
        "Tests for the cache",
        "Fixed-width fonts in the report",  # an adjective as written
        "Set the timeout",  # the same in every tense: only the imperative reads it
        "Process the queue",  # a base verb that ends like a third person
        "Initial commit",
    ],
)
def test_imperative_mood_is_left_alone(subject: str) -> None:
    assert "imperative" not in rules(check_message(subject, NONE))


def test_subject_case_by_convention_without_history() -> None:
    assert fixed("add the parser", "subject-case") == "Add the parser"
    assert fixed("feat: Add the parser", "subject-case") == "feat: add the parser"
    assert check_message("feat: add the parser", NONE) == []
    for name in ("README: fix typo", "iOS: fix the build", "npm_install: run once"):
        assert "subject-case" not in rules(check_message(name, NONE))


def test_subject_case_follows_the_repository() -> None:
    assert CAPITALISED.case == "upper" and LOWERCASE.case == "lower"
    assert fixed("add the parser", "subject-case", CAPITALISED) == "Add the parser"
    assert fixed("Add the parser", "subject-case", LOWERCASE) == "add the parser"
    assert check_message("add the parser", LOWERCASE) == []
    learned = one(check_message("Add the parser", LOWERCASE), "subject-case")
    assert learned.message == "Subjects in this repository start with a lowercase letter."
    mixed = history("Add a", "remove b", "Fix c", "page d")
    assert mixed.case is None
    assert check_message("add the parser", mixed) == []


def test_vague_subjects() -> None:
    for subject in ("Update app.py", "wip", "Fix bug", "Minor changes", "Update README"):
        assert "vague-subject" in rules(check_message(subject, NONE)), subject
    for subject in ("Fix typo in the README", "Add the parser", "Fix crash on empty config"):
        assert "vague-subject" not in rules(check_message(subject, NONE)), subject


# -- Conventional Commits ---------------------------------------------------------------------
def test_conventional_habit_is_learned() -> None:
    assert CONVENTIONAL.conventional
    assert CONVENTIONAL.types[:2] == ("feat", "fix")
    assert set(CONVENTIONAL.types) == {"feat", "fix", "docs"}
    assert CONVENTIONAL.scopes == ("api",)
    assert CONVENTIONAL.case == "lower"
    assert not CAPITALISED.conventional


def test_a_plain_subject_gets_the_type_the_repository_uses() -> None:
    finding = one(check_message("Add the parser", CONVENTIONAL), "conventional-type")
    assert finding.part == "context"
    assert "`feat:`, `fix:`, `docs:`" in finding.message
    assert fixed("Add the parser", "conventional-type", CONVENTIONAL) == "feat: add the parser"
    assert fixed("Fixed the crash", "conventional-type", CONVENTIONAL) == "fix: fixed the crash"
    docs = [change("docs/setup.md"), change("README.md")]
    assert fixed("Explain setup", "conventional-type", CONVENTIONAL, files=docs) == (
        "docs: explain setup"
    )
    api = [change("src/api/pages.py")]
    assert fixed("Add paging", "conventional-type", CONVENTIONAL, files=api) == (
        "feat(api): add paging"
    )


def test_no_fix_when_the_type_is_not_certain() -> None:
    finding = one(check_message("Tidy the parser", CONVENTIONAL), "conventional-type")
    assert finding.fix is None  # "tidy" names no type; a guess would be a coin toss


def test_an_unknown_type_is_mapped_to_the_repository_s_own() -> None:
    assert fixed("feature: add paging", "conventional-type", CONVENTIONAL) == "feat: add paging"
    assert fixed("bugfix(api): close it", "conventional-type", CONVENTIONAL) == "fix(api): close it"


def test_a_type_in_a_repository_without_them_is_a_hint() -> None:
    finding = one(check_message("feat: add the parser", CAPITALISED), "conventional-type")
    assert (finding.severity, finding.fix, finding.start, finding.end) == ("hint", None, 0, 6)


# -- body rules -------------------------------------------------------------------------------
def test_blank_line_after_the_subject() -> None:
    assert fixed("Add the parser\nIt reads tokens.\n", "blank-line") == (
        "Add the parser\n\nIt reads tokens.\n"
    )


def test_body_wrap_rewraps_prose_and_bullets() -> None:
    long = "The parser reads every token of the file, keeps the positions and reports errors early."
    text = f"Add the parser\n\n{long}\nShort tail.\n\n- {long}\n  and more\n"
    findings = [f for f in check_message(text, NONE) if f.rule == "body-wrap"]
    assert [(f.line, f.start, f.end) for f in findings] == [(2, 72, 87), (5, 72, 89)]
    first = apply_fix(text, findings[0].fix)  # type: ignore[arg-type]
    assert first == (
        "Add the parser\n\n"
        "The parser reads every token of the file, keeps the positions and\n"
        "reports errors early. Short tail.\n\n"
        f"- {long}\n  and more\n"
    )
    second = apply_fix(text, findings[1].fix)  # type: ignore[arg-type]
    assert second.endswith(
        "- The parser reads every token of the file, keeps the positions and\n"
        "  reports errors early. and more\n"
    )
    assert check_message(second.replace(f"{long}\nShort", "Short"), NONE) == []


def test_body_wrap_leaves_urls_code_quotes_and_trailers_alone() -> None:
    url = "https://example.com/" + "a" * 80
    text = (
        "Add the parser\n\n"
        f"See {url}\n\n"
        "    x = parse(tokens, positions=True, errors='raise', encoding='utf-8', strict=True)\n\n"
        "> " + "quoted words " * 7 + "\n\n"
        "Co-authored-by: Someone With A Very Long Name <someone.with.a.long.name@example.com>\n"
    )
    findings = check_message(text, NONE)
    assert [(f.rule, f.line, f.fix) for f in findings] == [("body-wrap", 2, None)]


def test_a_large_change_needs_a_body() -> None:
    big = [change(f"src/app/m{i}.py", 30) for i in range(5)]
    finding = one(check_message("Add the parser", NONE, big), "body-missing")
    assert "5 files and 150 lines" in finding.message
    assert check_message("Add the parser\n\nIt reads tokens.", NONE, big) == []
    assert check_message("Add the parser", NONE, big[:1]) == []
    trailers_only = "Add the parser\n\nSigned-off-by: A <a@x>"
    assert "body-missing" in rules(check_message(trailers_only, NONE, big))


def test_bodies_as_a_habit() -> None:
    habits = habits_of([commit(f"Add {n}\n\nBecause {n} was missing.") for n in "abcd"])
    assert habits.bodies
    finding = one(check_message("Add the parser", habits), "body-missing")
    assert (finding.severity, finding.part) == ("hint", "context")


def test_an_issue_reference_at_the_start_of_a_line_is_a_comment_to_git() -> None:
    finding = one(check_message("Add the parser\n\n#123 is the issue\n", NONE), "hash-line")
    assert (finding.line, finding.severity) == (2, "hint")


# -- references -------------------------------------------------------------------------------
def test_references_as_a_habit_with_the_issue_from_the_branch() -> None:
    habits = habits_of(
        [commit(f"Add {n}\n\nIt was missing.\n\nRefs: PROJ-{i}") for i, n in enumerate("abcd")]
    )
    assert habits.references
    assert (habits.reference_trailer, habits.reference_keys) == ("Refs", ("PROJ",))
    assert issue_of_branch("feature/proj-42-login", habits) == "PROJ-42"
    finding = one(check_message("Add the parser\n", habits), "references")
    assert finding.fix is None  # no branch: nothing to add
    text = "Add the parser\n\nIt reads tokens.\n" + TEMPLATE
    assert fixed(text, "references", habits, branch="feature/PROJ-42-login") == (
        "Add the parser\n\nIt reads tokens.\n\nRefs: PROJ-42\n" + TEMPLATE
    )
    signed = "Add the parser\n\nIt reads tokens.\n\nSigned-off-by: A <a@x>\n"
    assert fixed(signed, "references", habits, branch="PROJ-7").endswith(
        "Signed-off-by: A <a@x>\nRefs: PROJ-7\n"
    )
    assert "references" not in rules(check_message("Add the parser (PROJ-9)", habits))


def test_hash_references_from_a_numbered_branch() -> None:
    habits = habits_of([commit(f"Fix {n} (#{i})") for i, n in enumerate("abcd", 10)])
    assert habits.hash_references and habits.reference_trailer is None
    assert issue_of_branch("fix/123-crash", habits) == "#123"
    assert issue_of_branch("main", habits) is None
    assert fixed("Fix the crash", "references", habits, branch="fix/123-crash") == (
        "Fix the crash\n\nRefs: #123"
    )


# -- files and areas --------------------------------------------------------------------------
def test_areas_pair_tests_with_their_code_and_ignore_docs() -> None:
    files = [
        change("server/devfocus/git/coach.py"),
        change("server/devfocus/cli.py"),
        change("tests/unit/git/test_coach.py"),
        change("tests/cli/test_coach_cli.py"),
        change("README.md"),
        change("pyproject.toml"),
    ]
    assert areas_of(files) == ["devfocus/git"]
    assert areas_of([change("src/app/db/models.py"), change("tests/db/test_models.py")]) == [
        "app/db"
    ]
    assert areas_of([change("web/app.ts"), change("tests/test_billing.py")]) == ["tests", "web"]
    assert areas_of([change("README.md"), change("docs/x.md")]) == ["docs"]
    assert areas_of([change("pyproject.toml")]) == ["(root)"]


def test_too_many_files_and_unrelated_areas() -> None:
    spread = [change(f"{top}/m{i}.py") for top in ("api", "web", "cli", "infra") for i in range(3)]
    findings = check_message("Add the parser", NONE, spread)
    assert "too-many-files" in rules(findings)
    assert one(findings, "unrelated-areas").message.startswith(
        "The change touches 4 unrelated areas (api, cli, infra, web)"
    )
    usual = habits_of([commit("Add x", spread)] * 3)
    assert "too-many-files" not in rules(check_message("Add the parser", usual, spread))


# -- special commits --------------------------------------------------------------------------
def test_merges_fixups_and_reverts() -> None:
    merge = "Merge branch 'feature/a-very-long-branch-name-that-goes-on' into main-integration"
    assert check_message(merge, CONVENTIONAL) == []
    assert coach(merge, [change("a.py", 900)], NONE).kind == "merge"
    fixup = check_message("fixup! Added the parser.", CONVENTIONAL)
    assert rules(fixup) == ["fixup"]
    revert = 'Revert "Add the parser that reads every token of the configuration file"'
    text = revert + "\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n"
    assert rules(check_message(text, CONVENTIONAL)) == ["revert-reason"]
    assert check_message(text + "\nIt broke the build on Windows.\n", CONVENTIONAL) == []


def test_an_empty_message() -> None:
    finding = one(check_message(TEMPLATE, NONE), "empty-message")
    assert finding.severity == "hint"
    coaching = coach(TEMPLATE, [], NONE, comment_char="#")
    assert coaching.parts["message"] == 0 and coaching.subject_line is None
    assert coaching.score == 6.0


# -- the score --------------------------------------------------------------------------------
def test_score_of_a_message_with_two_small_problems() -> None:
    # message 1 - 0.2 (imperative) - 0.1 (period) = 0.7; nothing staged: files 1, size 1;
    # context 1. 10 × (0.4 × 0.7 + 0.3 + 0.2 + 0.1) = 8.8
    coaching = coach("Added the parser.", [], NONE)
    assert coaching.parts == {"message": 0.7, "files": 1.0, "size": 1.0, "context": 1.0}
    assert coaching.score == 8.8
    assert coaching.summary() == (
        "Commit score 8.8/10 — message 7/10, files 10/10, size 10/10, context 10/10"
    )
    assert "Remove the trailing period" in coaching.recommendations


def test_score_of_a_sprawling_commit() -> None:
    # 30 files of 20 lines in 5 areas, no history: file limit 10, area limit 3, line limit 200.
    # count 1 - (30 - 10) / 20 = 0; areas 1 - 0.35 × 2 = 0.3; files (0 + 0.3) / 2 = 0.15.
    # size 1 - (600 - 200) / 600 = 1/3. message 1 - 0.2 (no body for a large change) = 0.8.
    # 10 × (0.4 × 0.8 + 0.3 × 0.15 + 0.2 / 3 + 0.1 × 1) = 5.32 → 5.3
    files = [change(f"{top}/m{i}.py", 20) for top in ("a", "b", "c", "d", "e") for i in range(6)]
    coaching = coach("Add the parser", files, NONE)
    assert coaching.parts == {"message": 0.8, "files": 0.15, "size": 0.333, "context": 1.0}
    assert coaching.score == 5.3
    assert any("600 lines changed" in i for i in coaching.improvements)
    assert any(r.startswith("Split the change") for r in coaching.recommendations)


def test_score_against_a_conventional_lowercase_history() -> None:
    # context 1 - 0.4 (no type) - 0.3 (capitalised against the habit) = 0.3; the rest 1.
    # 10 × (0.4 + 0.3 + 0.2 + 0.1 × 0.3) = 9.3
    coaching = coach("Add the parser", [change("src/app/parser.py", 40)], CONVENTIONAL)
    assert coaching.parts == {"message": 1.0, "files": 1.0, "size": 1.0, "context": 0.3}
    assert coaching.score == 9.3


def test_strengths_of_a_good_commit() -> None:
    files = [change("src/app/parser.py", 40, 3), change("tests/test_parser.py", 25)]
    coaching = coach("Add the parser\n\nIt reads tokens (#12).", files, NONE)
    assert coaching.score == 10.0
    assert coaching.improvements == ()
    assert coaching.strengths == (
        "Subject fits in 50 characters (14)",
        "Subject is in the imperative (“Add …”)",
        "Body explains the change",
        "References #12",
        "Focused: 2 files in one area",
        "Tests change together with the code",
        "Small enough to review: 68 lines changed",
    )


def test_lock_files_do_not_count_as_size() -> None:
    files = [change("src/app/x.py", 10), change("package-lock.json", 5000, 4000)]
    assert coach("Add the parser", files, NONE).parts["size"] == 1.0


# -- habits -----------------------------------------------------------------------------------
def test_habits_of_no_history_are_the_defaults() -> None:
    assert habits_of([]) == Habits()
    assert habits_of([commit("Merge branch 'x'", merge=True)]) == Habits()


def test_habits_medians_and_what_is_left_out() -> None:
    commits = [
        commit("Add a", [change("a/x.py", 10), change("b/y.py", 10)]),
        commit("Add b", [change("a/x.py", 30)]),
        commit("Add c", [change("a/x.py", 1), change("a/y.py", 1), change("a/z.py", 1)]),
        commit("Merge branch 'x'", [change("a/q.py", 999)], merge=True),
        commit("fixup! Add a", [change("a/q.py", 999)]),
    ]
    habits = habits_of(commits)
    assert habits.commits == 3
    assert (habits.median_files, habits.median_lines, habits.median_areas) == (2, 20, 1)


# -- trends -----------------------------------------------------------------------------------
def test_weekly_trend_groups_by_monday() -> None:
    utc = dt.timezone.utc

    def at(day: str) -> float:
        return dt.datetime.fromisoformat(day).replace(tzinfo=utc).timestamp()

    scored = [
        (at("2026-01-07T10:00"), 6.0),  # Wednesday
        (at("2026-01-05T00:00"), 8.0),  # Monday
        (at("2026-01-11T23:59"), 7.0),  # Sunday: same week
        (at("2026-01-12T00:00"), 9.0),  # next Monday
    ]
    assert weekly_trend(scored, utc) == [
        (dt.date(2026, 1, 5), 7.0, 3),
        (dt.date(2026, 1, 12), 9.0, 1),
    ]
    tokyo = dt.timezone(dt.timedelta(hours=9))
    assert weekly_trend([(at("2026-01-11T20:00"), 5.0)], tokyo) == [(dt.date(2026, 1, 12), 5.0, 1)]
    assert weekly_trend([]) == []


def test_coaching_is_plain_data() -> None:
    coaching = coach("Add the parser", [], NONE)
    assert isinstance(coaching, Coaching)
    with pytest.raises(AttributeError):
        coaching.score = 1.0  # type: ignore[misc]


# -- the git side, on real repositories -------------------------------------------------------
def test_staged_changes_and_recent_habits(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r", files={"a.py": "a\n"})
    for name in ("b", "c", "d"):
        (repo / f"{name}.py").write_text(f"{name}\n")
        git(repo, "add", f"{name}.py")
        git(repo, "commit", "-q", "-m", f"feat: add {name}")
    (repo / "a.py").write_text("a\nb\nc\n")
    git(repo, "mv", "b.py", "e.py")
    git(repo, "add", "a.py")
    staged = sorted(staged_changes(repo), key=lambda f: f.path)
    assert staged == [FileChange("a.py", 2, 0), FileChange("e.py", 0, 0, old_path="b.py")]
    habits = recent_habits(repo)
    assert habits.commits == 4 and habits.types == ("feat",) and habits.conventional
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    assert recent_habits(empty) == Habits()


def test_habits_before_leave_the_coached_commits_out(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "r")
    for name in "abc":
        git(repo, "commit", "-q", "--allow-empty", "-m", f"fix: {name}")
    git(repo, "checkout", "-q", "-b", "feature")
    for name in "de":
        git(repo, "commit", "-q", "--allow-empty", "-m", f"Add {name}")
    coached = list(read_commits(repo, ["main..feature"]))
    habits = habits_before(repo, coached)
    assert habits.commits == 4 and habits.types == ("fix",)


def test_the_repository_of_a_message_file(tmp_path: Path) -> None:
    main = init_repo(tmp_path / "main")
    assert repository_of_message_file(main / ".git" / "COMMIT_EDITMSG") == main
    git(main, "worktree", "add", "-q", str(tmp_path / "linked"))
    linked = main / ".git" / "worktrees" / "linked" / "COMMIT_EDITMSG"
    assert repository_of_message_file(linked) == tmp_path / "linked"
    library = init_repo(tmp_path / "library")
    git(main, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "lib")
    module = main / ".git" / "modules" / "lib" / "COMMIT_EDITMSG"
    assert repository_of_message_file(module) == main / "lib"
    assert repository_of_message_file(tmp_path / "COMMIT_EDITMSG") is None


def test_while_commit_all_waits_for_its_editor_its_index_is_read(tmp_path: Path) -> None:
    """`git commit -a` stages into index.lock and opens the editor: the editor (here a script
    that records what DevFocus sees) gets the files the commit will record."""
    repo = init_repo(tmp_path / "r", files={"a.py": "a\n", "b.py": "b\n"})
    (repo / "a.py").write_text("a\nmore\n")  # changed, not staged
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\n"
        "from devfocus.git.commits import staged_changes\n"
        f"changes = staged_changes({str(repo)!r})\n"
        f"open({str(seen)!r}, 'w').write(repr([(c.path, c.added) for c in changes]))\n"
        "open(sys.argv[1], 'w').write('Add more\\n')\n"
    )
    git(repo, "-c", f"core.editor={sys.executable} {editor}", "commit", "-q", "-a")
    assert seen.read_text() == "[('a.py', 1)]"
    assert staged_changes(repo) == []  # committed: nothing staged any more


@pytest.mark.parametrize(
    "path",
    ["src/shop/cart.py", "./docs//guide.md", "README", "a/.bashrc", "a/b.", "a/b.tar.gz", "a/./b"],
)
def test_paths_are_split_as_pathlib_splits_them(path: str) -> None:
    """Scoring splits paths with str methods, for speed: the same parts and suffixes."""
    from pathlib import PurePosixPath

    from devfocus.git.coach.areas import path_parts, suffix_of

    assert path_parts(path) == PurePosixPath(path).parts
    name = PurePosixPath(path).name
    assert suffix_of(name) == PurePosixPath(name).suffix
