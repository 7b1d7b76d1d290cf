"""Quick fixes: an edit to the message text, how to apply it, and the edits that take some
working out (splitting a long subject, rewrapping a paragraph, a type prefix, a letter's case)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from devfocus.git.coach.areas import CI_PREFIXES, areas_of, is_doc, is_test, path_parts
from devfocus.git.coach.habits import Habits
from devfocus.git.coach.message import (
    BODY_WIDTH,
    LINE_BREAK,
    SUBJECT_LIMIT,
    Line,
    Message,
    Subject,
    split_lines,
)
from devfocus.git.coach.words import NON_IMPERATIVE, VERB_TYPES, words_of
from devfocus.git.model import FileChange


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace the text from (line, start) to (end_line or line, end) with ``new_text``;
    positions are 0-based, in the original message text."""

    title: str
    line: int
    start: int
    end: int
    new_text: str
    end_line: int | None = None

    @property
    def last_line(self) -> int:
        return self.line if self.end_line is None else self.end_line


_CLAUSE_BREAK = re.compile(r"[,;:] | [-–—] | \(")
_JOINERS = frozenset(words_of("and or but to for with the a an of in on by at when because so as"))
_BULLET = re.compile(r"(?:[-*+•]|\d{1,3}[.)])[ \t]+")


def apply_fix(text: str, fix: Fix) -> str:
    """``text`` with ``fix`` applied (positions as :func:`split_lines` counts them)."""
    starts = [0]
    for match in LINE_BREAK.finditer(text):
        starts.append(match.end())
    lines = split_lines(text)

    def offset(line: int, column: int) -> int:
        if line >= len(lines):
            return len(text)
        return starts[line] + min(column, len(lines[line]))

    begin, end = offset(fix.line, fix.start), offset(fix.last_line, fix.end)
    return text[:begin] + fix.new_text + text[end:]


def split_subject_fix(message: Message, subject: Subject) -> Fix | None:
    """Keep the subject up to a boundary within the limit (a clause break if there is one, else
    the last word); the rest opens the body."""
    text = subject.text
    floor = len(text) - len(subject.desc) + 10  # keep a description worth the name
    clauses = [m.start() for m in _CLAUSE_BREAK.finditer(text, 0, SUBJECT_LIMIT + 1)]
    clauses = [c for c in clauses if c >= floor]
    cut = clauses[-1] if clauses else text.rfind(" ", 0, SUBJECT_LIMIT + 1)
    if cut < floor:
        return None  # no boundary inside the description
    head, tail = text[:cut].rstrip(), text[cut:].lstrip(" ,;:-–—(").strip()
    words = head.split(" ")
    while len(words) > 1 and words[-1].lower() in _JOINERS:  # not "… file and" / "then some"
        tail = f"{words.pop()} {tail}"
    head = " ".join(words).rstrip(" ,;:-–—")
    if not head or not tail:
        return None
    rest = "\n\n" + tail
    if message.body and not message.separated:
        rest += "\n"  # the old second line now follows the moved words
    return Fix(
        "Move the end of the subject into the body",
        subject.line,
        subject.start,
        subject.start + len(text),
        head + rest,
    )


def rewrap_fix(message: Message, paragraph: list[Line]) -> Fix | None:
    """Rewrap a paragraph of plain prose or bullets (hanging indent kept); None for anything
    else, or when the paragraph has comment lines inside it."""
    first, last = paragraph[0].index, paragraph[-1].index
    if last - first + 1 != len(paragraph):
        return None
    items: list[tuple[str, list[str]]] = []  # (marker, words)
    for line in paragraph:
        text = line.text
        if text.startswith(("    ", "\t", ">")) or text.strip().startswith(("```", "~~~")):
            return None
        bullet = _BULLET.match(text)
        if bullet is not None:
            items.append((bullet[0], text[bullet.end() :].split()))
        elif items and (items[-1][0] == "" or text.startswith(" ")):
            items[-1][1].extend(text.split())
        elif not text.startswith(" "):
            items.append(("", text.split()))
        else:
            return None
    out: list[str] = []
    for marker, words in items:
        if any(len(marker) + len(w) > BODY_WIDTH for w in words):
            return None  # a URL or path longer than the width: leave it
        out += textwrap.wrap(
            " ".join(words),
            BODY_WIDTH,
            initial_indent=marker,
            subsequent_indent=" " * len(marker),
            break_long_words=False,
            break_on_hyphens=False,
        )
    new_text = "\n".join(out)
    if new_text == "\n".join(line.text for line in paragraph):
        return None
    return Fix(
        f"Rewrap the paragraph at {BODY_WIDTH} columns",
        first,
        0,
        len(message.lines[last]),
        new_text,
        end_line=last,
    )


def guess_prefix(subject: Subject, habits: Habits, files: Sequence[FileChange]) -> str | None:
    """``type:`` or ``type(scope):`` when the files or the first verb make the type certain and
    the repository uses it."""
    kind = None
    parts = [path_parts(f.path) for f in files if f.path]
    if parts and all(is_doc(p) for p in parts):
        kind = "docs"
    elif parts and all(is_test(p) for p in parts):
        kind = "test"
    elif parts and all("/".join(p).startswith(CI_PREFIXES) for p in parts):
        kind = "ci"
    else:
        word = re.match(r"[A-Za-z]+", subject.desc)
        verb = word[0].lower() if word else ""
        verb = NON_IMPERATIVE.get(verb, verb)
        kind = VERB_TYPES.get(verb)
    if kind is None or kind not in habits.types:
        return None
    scope = ""
    areas = areas_of(files) if files else []
    if habits.scopes and len(areas) == 1:
        name = areas[0].rsplit("/", 1)[-1]
        if name in habits.scopes:
            scope = f"({name})"
    return f"{kind}{scope}:"


def recase(desc: str, case: str) -> str | None:
    """``desc`` with its first letter in ``case``; None when that would change a name
    (README, GitHub, iOS, `code`, snake_case)."""
    word = desc.split(" ", 1)[0]
    if not word[:1].isalpha():
        return None
    if case == "upper":
        if word[:1].isupper() or not word.isalpha() or not word.islower():
            return None
        return desc[:1].upper() + desc[1:]
    if word[:1].islower() or not word.isalpha() or not word[1:].islower():
        return None
    return desc[:1].lower() + desc[1:]
