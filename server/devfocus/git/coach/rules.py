"""The rules a commit message is checked with, and the findings they make."""

from __future__ import annotations

import re
from collections.abc import Sequence

from devfocus.git.coach.areas import areas_of, lines_changed
from devfocus.git.coach.context import context_rules
from devfocus.git.coach.findings import Finding, on_subject
from devfocus.git.coach.fixes import Fix, rewrap_fix, split_subject_fix
from devfocus.git.coach.habits import Habits, file_limits
from devfocus.git.coach.message import (
    BODY_WIDTH,
    SUBJECT_IDEAL,
    SUBJECT_LIMIT,
    Message,
    Subject,
    kind_of,
    read_message,
)
from devfocus.git.coach.words import BASE_VERBS, NON_IMPERATIVE, PREPOSITIONS, THIS_COMMIT, VAGUE
from devfocus.git.model import FileChange


def check_message(
    text: str,
    habits: Habits,
    files: Sequence[FileChange] = (),
    *,
    comment_char: str | None = "#",
    branch: str | None = None,
    merge: bool | None = None,
) -> list[Finding]:
    """Findings on the message in ``text`` (an edited COMMIT_EDITMSG or a stored message), in
    text order. ``files`` is the staged diff; ``branch`` may hold the issue to reference."""
    message = read_message(text, comment_char)
    findings = check(message, habits, files, branch, merge, comment_char)
    return sorted(findings, key=lambda f: (f.line, f.start, f.rule))


def check(
    message: Message,
    habits: Habits,
    files: Sequence[FileChange],
    branch: str | None,
    merge: bool | None,
    comment_char: str | None,
) -> list[Finding]:
    """The findings on a message already read, in no particular order."""
    subject = message.subject
    if subject is None:
        return [
            Finding(
                "empty-message",
                "The message is empty: git aborts the commit. Start with a subject line.",
                "hint",
                0,
                0,
                len(message.lines[0]) if message.lines else 0,
                penalty=1.0,
            )
        ]
    kind = kind_of(subject.text, merge)
    findings: list[Finding] = []
    if kind == "commit":
        findings += _subject_rules(message, subject, habits, files)
        findings += context_rules(message, subject, habits, files, branch)
    elif kind == "fixup":
        findings.append(
            on_subject(
                subject,
                "fixup",
                "A fixup commit: `git rebase -i --autosquash` folds it into its target. Squash "
                "it before the branch is merged.",
                "hint",
            )
        )
    elif kind == "revert" and not message.prose:
        findings.append(
            on_subject(
                subject,
                "revert-reason",
                "Say why the change is reverted: the body only names the reverted commit.",
                "information",
                penalty=0.2,
            )
        )
    if not message.separated and message.body:
        findings.append(_blank_line(message))
    findings += _wrap_rules(message)
    if kind in ("commit", "revert"):
        findings += _body_rules(message, subject, habits, files)
        findings += _file_rules(subject, habits, files)
    if comment_char:
        findings += _hash_lines(message, comment_char)
    return findings


def _subject_rules(
    message: Message, subject: Subject, habits: Habits, files: Sequence[FileChange]
) -> list[Finding]:
    findings: list[Finding] = []
    length = len(subject.text)
    end = subject.start + length
    if length > SUBJECT_LIMIT:
        findings.append(
            on_subject(
                subject,
                "subject-length",
                f"Subject is {length} characters: keep it within {SUBJECT_LIMIT} "
                f"({SUBJECT_IDEAL} is ideal), or `git log --oneline` and GitHub cut it.",
                "warning",
                fix=split_subject_fix(message, subject),
                penalty=0.3,
                start=subject.start + SUBJECT_LIMIT,
            )
        )
    elif length > SUBJECT_IDEAL:
        findings.append(
            on_subject(
                subject,
                "subject-length",
                f"Subject is {length} characters: {SUBJECT_IDEAL} or fewer reads best.",
                "information",
                penalty=0.1,
                start=subject.start + SUBJECT_IDEAL,
            )
        )
    if subject.text.endswith(".") and not subject.text.endswith(".."):
        findings.append(
            on_subject(
                subject,
                "subject-period",
                "A subject is a title: drop the trailing period.",
                "information",
                fix=Fix("Remove the trailing period", subject.line, end - 1, end, ""),
                penalty=0.1,
                start=end - 1,
            )
        )
    imperative = _imperative(subject)
    if imperative is not None:
        findings.append(imperative)
    vague = _vague(subject)
    if vague is not None:
        findings.append(vague)
    return findings


def _imperative(subject: Subject) -> Finding | None:
    desc, at = subject.desc, subject.desc_start
    lead = THIS_COMMIT.match(desc)
    if lead is not None:
        desc, at = desc[lead.end() :], at + lead.end()
    word = re.match(r"[A-Za-z]+", desc)
    if word is None:
        return None
    after = desc[word.end() :]
    if after[:1] not in ("", " ", ":", ","):
        return None  # "Fixed-width …", "Added_field …": not a verb as written
    base = NON_IMPERATIVE.get(word[0].lower())
    if base is None:
        if lead is not None and word[0].lower() in BASE_VERBS:
            base = word[0].lower()  # "This commit add …"
        else:
            return None
    next_word = after.split(None, 1)[0].lower() if after.strip() else ""
    if word[0].lower().endswith("s") and next_word in PREPOSITIONS:
        return None  # a noun: "Changes to the parser", "Tests for the cache"
    start = subject.desc_start
    first = subject.desc[:1]
    replacement = base.capitalize() if first.isupper() else base
    fix = Fix(
        f"Write “{replacement}” instead of “{subject.desc[: at - start + word.end()]}”",
        subject.line,
        start,
        at + word.end(),
        replacement,
    )
    return on_subject(
        subject,
        "imperative",
        f"Write the subject in the imperative, as a command: “{replacement} …”, as in "
        f"“if applied, this commit will {base} …”.",
        "information",
        fix=fix,
        penalty=0.2,
        start=start,
        end=at + word.end(),
    )


def _vague(subject: Subject) -> Finding | None:
    words = re.findall(r"[\w./-]+", subject.desc.lower())
    if not words or len(words) > 4:
        return None
    original = re.findall(r"[\w./-]+", subject.desc)

    def says_nothing(word: str, raw: str) -> bool:
        file_like = "/" in word or re.search(r"\w\.\w{1,5}$", word) is not None
        shouted = raw.isupper() and len(raw) > 3  # README, CHANGELOG
        return word in VAGUE or file_like or shouted

    if not all(says_nothing(w, r) for w, r in zip(words, original, strict=True)):
        return None
    return on_subject(
        subject,
        "vague-subject",
        "The subject does not say what changed: name the behaviour, e.g. “Fix crash when the "
        "config file is empty”.",
        "information",
        penalty=0.2,
        start=subject.desc_start,
    )


def _blank_line(message: Message) -> Finding:
    first = message.body[0]
    return Finding(
        "blank-line",
        "Leave a blank line after the subject: without it git reads this line as part of the "
        "subject.",
        "warning",
        first.index,
        0,
        len(first.text),
        Fix("Insert a blank line after the subject", first.index, 0, 0, "\n"),
        "message",
        0.2,
    )


def _wrap_rules(message: Message) -> list[Finding]:
    findings: list[Finding] = []
    trailers = {line.index for line in message.trailers}
    fence = False
    for paragraph in message.paragraphs:
        fix: Fix | None = None
        fix_made = False
        for line in paragraph:
            stripped = line.text.strip()
            if stripped.startswith(("```", "~~~")):
                fence = not fence
                continue
            if (
                fence
                or len(line.text) <= BODY_WIDTH
                or line.index in trailers
                or not _wrappable(line.text)
            ):
                continue
            if not fix_made:  # one rewrap for the paragraph, offered on each long line
                fix, fix_made = rewrap_fix(message, paragraph), True
            findings.append(
                Finding(
                    "body-wrap",
                    f"Body line is {len(line.text)} characters: wrap the body at {BODY_WIDTH}.",
                    "information",
                    line.index,
                    BODY_WIDTH,
                    len(line.text),
                    fix,
                    "message",
                    0.1,
                )
            )
    return findings


def _wrappable(line: str) -> bool:
    """Whether breaking the line is possible and harmless: not code, a quote or one long word."""
    if line.startswith(("    ", "\t", ">")) or "|" in line[:2]:
        return False
    words = line.split()
    return len(words) > 1 and len(words[0]) < BODY_WIDTH


def _body_rules(
    message: Message, subject: Subject, habits: Habits, files: Sequence[FileChange]
) -> list[Finding]:
    if message.prose:
        return []
    lines, count = lines_changed(files), len(files)
    large = lines > max(100, 2 * habits.median_lines) or count > max(8, 2 * habits.median_files)
    if large:
        return [
            on_subject(
                subject,
                "body-missing",
                f"A change of {count} files and {lines} lines needs a body: say what it does and "
                "why, wrapped at 72 columns.",
                "information",
                penalty=0.2,
            )
        ]
    if habits.bodies:
        return [
            on_subject(
                subject,
                "body-missing",
                f"{habits.body_share:.0%} of recent commits here explain themselves in a body; "
                "this one has none.",
                "hint",
                part="context",
                penalty=0.2,
            )
        ]
    return []


def _file_rules(subject: Subject, habits: Habits, files: Sequence[FileChange]) -> list[Finding]:
    if not files:
        return []
    findings: list[Finding] = []
    file_limit, area_limit, _ = file_limits(habits)
    usual = f"; commits here usually touch {habits.median_files:g}" if habits.commits else ""
    if len(files) > file_limit:
        findings.append(
            on_subject(
                subject,
                "too-many-files",
                f"{len(files)} files are staged{usual}. Split the change into commits that each "
                "do one thing.",
                "information",
                part="files",
            )
        )
    areas = areas_of(files)
    if len(areas) > area_limit:
        findings.append(
            on_subject(
                subject,
                "unrelated-areas",
                f"The change touches {len(areas)} unrelated areas ({', '.join(areas)}): commit "
                "each area on its own.",
                "information",
                part="files",
            )
        )
    return findings


def _hash_lines(message: Message, comment_char: str) -> list[Finding]:
    """``#123`` at the start of a line is a comment to git: the reference would be lost."""
    findings = []
    for index in message.comment_lines:
        line = message.lines[index]
        if comment_char == "#" and re.match(r"#\d+\b", line):
            findings.append(
                Finding(
                    "hash-line",
                    "git drops this line: it starts with `#`, the comment character. Write "
                    "“Refs #…” or indent it.",
                    "hint",
                    index,
                    0,
                    len(line),
                )
            )
    return findings
