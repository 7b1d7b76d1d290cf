"""A commit's score out of 10 (weighed as the package docstring says), what to keep and what to
change, and the weekly trend of scores."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from devfocus.git.coach.areas import areas_of, is_doc, is_test, lines_changed, path_parts
from devfocus.git.coach.findings import Finding
from devfocus.git.coach.habits import Habits, file_limits
from devfocus.git.coach.message import (
    BODY_WIDTH,
    SUBJECT_IDEAL,
    Message,
    kind_of,
    read_message,
    references_in,
)
from devfocus.git.coach.rules import check
from devfocus.git.coach.words import BASE_VERBS
from devfocus.git.model import FileChange

WEIGHTS = {"message": 0.4, "files": 0.3, "size": 0.2, "context": 0.1}


@dataclass(frozen=True, slots=True)
class Coaching:
    """A commit's score out of 10, its parts (each 0–1) and what to keep or change."""

    score: float
    parts: dict[str, float]
    strengths: tuple[str, ...]
    improvements: tuple[str, ...]
    recommendations: tuple[str, ...]
    findings: tuple[Finding, ...]
    kind: str = "commit"  # commit | merge | fixup | revert
    subject_line: int | None = None  # in the text given to coach(); None for an empty message

    def summary(self) -> str:
        parts = ", ".join(f"{name} {_tenths(value * 10)}/10" for name, value in self.parts.items())
        return f"Commit score {_tenths(self.score)}/10 — {parts}"


def _tenths(value: float) -> str:
    return f"{round(value, 1):g}"


def coach(
    message: str,
    files: Sequence[FileChange],
    habits: Habits,
    *,
    comment_char: str | None = None,
    branch: str | None = None,
    merge: bool | None = None,
) -> Coaching:
    """Score a commit: its message, its files (the staged diff, or the commit's) and how it fits
    the repository's habits. ``comment_char``: strip comment lines, for an edited message."""
    read = read_message(message, comment_char)
    findings = check(read, habits, files, branch, merge, comment_char)
    findings.sort(key=lambda f: (f.line, f.start, f.rule))
    kind = kind_of(read.subject.text, merge) if read.subject is not None else "commit"
    if kind == "merge":
        files = ()  # its diff is its parents'
    file_limit, area_limit, line_limit = file_limits(habits)
    count, areas, lines = len(files), areas_of(files), lines_changed(files)
    parts = {
        "message": _penalised(findings, "message"),
        "files": _files_part(count, len(areas), file_limit, area_limit) if files else 1.0,
        "size": _falling(lines, line_limit, 4 * line_limit) if files else 1.0,
        "context": _penalised(findings, "context"),
    }
    score = round(10 * sum(WEIGHTS[name] * value for name, value in parts.items()), 1)
    parts = {name: round(value, 3) for name, value in parts.items()}
    strengths = _strengths(read, habits, files, areas, lines, findings, kind)
    improvements = _improvements(findings, parts, lines, line_limit)
    recommendations = _recommendations(findings, parts)
    return Coaching(
        score,
        parts,
        tuple(strengths),
        tuple(improvements),
        tuple(recommendations),
        tuple(findings),
        kind,
        read.subject.line if read.subject is not None else None,
    )


def _penalised(findings: Sequence[Finding], part: str) -> float:
    worst: dict[str, float] = {}
    for finding in findings:
        if finding.part == part:
            worst[finding.rule] = max(worst.get(finding.rule, 0.0), finding.penalty)
    return max(0.0, 1.0 - sum(worst.values()))


def _falling(value: float, limit: float, zero_at: float) -> float:
    """1 up to ``limit``, then linearly down to 0 at ``zero_at``."""
    if value <= limit:
        return 1.0
    return max(0.0, 1.0 - (value - limit) / (zero_at - limit))


def _files_part(count: int, areas: int, file_limit: float, area_limit: float) -> float:
    count_factor = _falling(count, file_limit, 3 * file_limit)
    area_factor = max(0.0, 1.0 - 0.35 * max(0.0, areas - area_limit))
    return (count_factor + area_factor) / 2


def _strengths(
    message: Message,
    habits: Habits,
    files: Sequence[FileChange],
    areas: list[str],
    lines: int,
    findings: Sequence[Finding],
    kind: str,
) -> list[str]:
    subject = message.subject
    if subject is None:
        return []
    rules = {f.rule for f in findings}
    out: list[str] = []
    if kind == "commit":
        if len(subject.text) <= SUBJECT_IDEAL:
            out.append(f"Subject fits in {SUBJECT_IDEAL} characters ({len(subject.text)})")
        word = re.match(r"[A-Za-z]+", subject.desc)
        if word is not None and word[0].lower() in BASE_VERBS and "imperative" not in rules:
            out.append(f"Subject is in the imperative (“{word[0]} …”)")
        if subject.type is not None and habits.conventional and "conventional-type" not in rules:
            out.append(f"Follows the repository's Conventional Commits habit (`{subject.type}:`)")
    if message.prose and not rules & {"body-wrap", "blank-line"}:
        out.append("Body explains the change")
    refs = references_in(message.kept())
    if refs:
        out.append(f"References {', '.join(dict.fromkeys(refs))}")
    if files:
        if "too-many-files" not in rules and "unrelated-areas" not in rules:
            where = "one area" if len(areas) == 1 else f"{len(areas)} related areas"
            out.append(f"Focused: {len(files)} file{'s' * (len(files) != 1)} in {where}")
        parts = [path_parts(f.path) for f in files]
        if any(is_test(p) for p in parts) and any(not is_test(p) and not is_doc(p) for p in parts):
            out.append("Tests change together with the code")
        if lines <= file_limits(habits)[2]:
            out.append(f"Small enough to review: {lines} lines changed")
    return out


def _improvements(
    findings: Sequence[Finding], parts: dict[str, float], lines: int, line_limit: float
) -> list[str]:
    out: dict[str, str] = {}
    wraps = [f for f in findings if f.rule == "body-wrap"]
    for finding in findings:
        if finding.rule in ("hash-line",) or finding.rule in out:
            continue
        if finding.rule == "body-wrap" and len(wraps) > 1:
            out["body-wrap"] = f"{len(wraps)} body lines are longer than {BODY_WIDTH} characters."
            continue
        out[finding.rule] = finding.message
    if parts["size"] < 1:
        out["size"] = (
            f"{lines} lines changed: more than the {line_limit:g} that a reviewer takes in at once."
        )
    return list(out.values())


_ADVICE = {
    "too-many-files": "Split the change: stage one part at a time (`git add -p`, `git restore "
    "--staged PATH`) and commit each with its own message.",
    "unrelated-areas": "Commit each area on its own, so each can be reviewed and reverted alone.",
    "size": "Split large changes into steps that each build and pass the tests.",
    "body-missing": "Add a body: what the change does and why, wrapped at 72 columns.",
    "vague-subject": "Name the behaviour that changes, e.g. “Fix crash when the config file is "
    "empty”.",
    "fixup": "Squash it before merging: `git rebase -i --autosquash`.",
    "revert-reason": "Add a line saying why the change is reverted.",
    "references": "Reference the issue the change belongs to (e.g. `Refs: #123`).",
    "empty-message": "Write a subject line of at most 50 characters in the imperative.",
}


def _recommendations(findings: Sequence[Finding], parts: dict[str, float]) -> list[str]:
    out: list[str] = []
    for finding in findings:
        if finding.fix is not None:
            out.append(finding.fix.title)
        advice = _ADVICE.get(finding.rule)
        if advice is not None:
            out.append(advice)
    if parts["size"] < 1:
        out.append(_ADVICE["size"])
    return list(dict.fromkeys(out))


def weekly_trend(
    scored: Iterable[tuple[float, float]], tz: tzinfo | None = None
) -> list[tuple[date, float, int]]:
    """``(week start, mean score, commits)`` per week with commits, oldest first, from
    ``(commit time in epoch seconds, score)`` pairs. Weeks start on Monday in ``tz`` (None: the
    machine's local time zone)."""
    weeks: dict[date, list[float]] = {}
    for at, score in scored:
        day = datetime.fromtimestamp(at, tz).date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(score)
    return [
        (start, round(sum(scores) / len(scores), 2), len(scores))
        for start, scores in sorted(weeks.items())
    ]
