"""The rules about fitting the repository's history: type prefix, case, issue references."""

from __future__ import annotations

import re
from collections.abc import Sequence

from devfocus.git.coach.findings import Finding, on_subject
from devfocus.git.coach.fixes import Fix, guess_prefix, recase
from devfocus.git.coach.habits import MIN_HISTORY, Habits
from devfocus.git.coach.message import JIRA, NOT_KEYS, Message, Subject, references_in
from devfocus.git.coach.words import STANDARD_TYPES, TYPE_SYNONYMS
from devfocus.git.model import FileChange

_BRANCH_NUMBER = re.compile(r"(?:^|/)(?:issue-|gh-|#)?(\d+)(?:[-_/]|$)", re.IGNORECASE)


def context_rules(
    message: Message,
    subject: Subject,
    habits: Habits,
    files: Sequence[FileChange],
    branch: str | None,
) -> list[Finding]:
    """Findings on how the message fits the repository's habits."""
    findings: list[Finding] = []
    known = subject.type is not None and (
        subject.type in STANDARD_TYPES or subject.type in habits.types
    )
    if habits.conventional and not known:
        findings.append(_conventional_finding(subject, habits, files))
    elif known and habits.commits >= MIN_HISTORY and habits.conventional_share < 0.2:
        findings.append(
            on_subject(
                subject,
                "conventional-type",
                "Commits here do not start with a type prefix; this one does.",
                "hint",
                part="context",
                penalty=0.1,
                end=subject.desc_start,
            )
        )
    case = _case_finding(subject, habits, prefixed=known)
    if case is not None:
        findings.append(case)
    if habits.references and not references_in(message.kept()):
        findings.append(_reference_finding(message, subject, habits, branch))
    return findings


def _conventional_finding(subject: Subject, habits: Habits, files: Sequence[FileChange]) -> Finding:
    common = ", ".join(f"`{t}:`" for t in habits.types[:4])
    if subject.type is not None:  # a prefix, but not one of the repository's types
        wanted = TYPE_SYNONYMS.get(subject.type)
        fix = None
        if wanted in habits.types:
            end = subject.start + len(subject.type)
            fix = Fix(f"Use the type `{wanted}`", subject.line, subject.start, end, wanted)
        return on_subject(
            subject,
            "conventional-type",
            f"`{subject.type}` is not a type used here ({common}).",
            "information",
            fix=fix,
            part="context",
            penalty=0.2,
            end=subject.start + len(subject.type),
        )
    share = habits.conventional_share
    prefix = guess_prefix(subject, habits, files)
    fix = None
    if prefix is not None:
        first = subject.desc[:1]
        recased = recase(subject.desc, habits.case or "lower")
        new_first = recased[:1] if recased is not None else first
        fix = Fix(
            f"Start the subject with `{prefix}`",
            subject.line,
            subject.desc_start,
            subject.desc_start + len(first),
            f"{prefix} {new_first}",
        )
    return on_subject(
        subject,
        "conventional-type",
        f"{share:.0%} of recent commits here start with a Conventional Commits type ({common}); "
        "this one has none.",
        "information",
        fix=fix,
        part="context",
        penalty=0.4,
    )


def _case_finding(subject: Subject, habits: Habits, *, prefixed: bool) -> Finding | None:
    expected = habits.case
    learned = expected is not None
    if expected is None:
        if habits.commits >= MIN_HISTORY:
            return None  # the history is mixed: either case is fine
        expected = "lower" if prefixed else "upper"  # Conventional Commits' and git's custom
    recased = recase(subject.desc, expected)
    if recased is None:
        return None
    where = "in this repository" if learned else "by convention"
    letter = "capital" if expected == "upper" else "lowercase"
    after = " after the type" if prefixed else ""
    return on_subject(
        subject,
        "subject-case",
        f"Subjects {where} start with a {letter} letter{after}.",
        "information",
        fix=Fix(
            f"Start with “{recased[:1]}”",
            subject.line,
            subject.desc_start,
            subject.desc_start + 1,
            recased[:1],
        ),
        part="context",
        penalty=0.3 if learned else 0.1,
        start=subject.desc_start,
        end=subject.desc_start + 1,
    )


def issue_of_branch(branch: str | None, habits: Habits) -> str | None:
    """The issue a branch is named after, written as the repository writes references:
    ``feature/PROJ-12-login`` → ``PROJ-12``; ``fix/123-crash`` → ``#123``."""
    if not branch:
        return None
    for match in JIRA.finditer(branch.upper()):
        if match[1] in habits.reference_keys or (
            not habits.reference_keys and match[1] not in NOT_KEYS and match[1] in branch
        ):
            return match[0]
    number = _BRANCH_NUMBER.search(branch)
    if number is not None and habits.hash_references:
        return f"#{number[1]}"
    return None


def _reference_finding(
    message: Message, subject: Subject, habits: Habits, branch: str | None
) -> Finding:
    fix = None
    issue = issue_of_branch(branch, habits)
    if issue is not None:
        key = habits.reference_trailer or "Refs"
        trailers = message.trailers
        line = message.body[-1].index if message.body else subject.line
        column = len(message.lines[line].rstrip())
        glue = "\n" if trailers else "\n\n"
        fix = Fix(f"Add “{key}: {issue}”", line, column, column, f"{glue}{key}: {issue}")
    return on_subject(
        subject,
        "references",
        f"{habits.reference_share:.0%} of recent commits here reference an issue; this one "
        "does not.",
        "information",
        fix=fix,
        part="context",
        penalty=0.3,
    )
