"""Reading a commit message as git keeps it (see the package docstring), with positions in
the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from devfocus.git.coach.words import words_of

SUBJECT_IDEAL = 50
SUBJECT_LIMIT = 72
BODY_WIDTH = 72

SCISSORS = "------------------------ >8 ------------------------"
_SCISSORS = re.compile(r"\s*-+\s*(?:>8|8<)\s*-+\s*$")
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what LSP counts as a line break

_PREFIX = re.compile(
    r"(?P<type>[a-z][a-z0-9-]{0,19})(?:\((?P<scope>[^()]*)\))?(?P<bang>!)?:[ \t]+(?P<desc>.*)"
)
_MERGE = re.compile(
    r"Merge (?:branch|branches|remote-tracking branch|pull request|tag|commit|changes|"
    r"'|\"|[0-9a-f]{7,40}\b)"
)
_FIXUP = re.compile(r"(?:fixup|squash|amend)! ")
_REVERT = re.compile(r'Revert "')
_REVERTS_LINE = re.compile(r"This reverts commit [0-9a-f]{7,64}\.?$")
_TRAILER = re.compile(r"(?:[A-Za-z][A-Za-z0-9-]*|BREAKING CHANGE): \S")
JIRA = re.compile(r"\b([A-Z][A-Z0-9]{1,9})-(\d+)\b")
NOT_KEYS = frozenset(words_of("UTF SHA ISO MD AES TLS SSL HTTP RFC X86 ARM PEP IPV DES RSA SCSI"))
_HASH_REF = re.compile(r"(?<![\w/&])(?:GH-|#)(\d+)\b")
_URL_REF = re.compile(r"https?://\S+/(?:issues|pull|pulls|merge_requests)/\d+")


@dataclass(frozen=True, slots=True)
class Line:
    """A line git keeps, with its index in the original text."""

    index: int  # in the original text
    text: str  # without trailing whitespace, as git keeps it


@dataclass(frozen=True, slots=True)
class Subject:
    """The subject line, split into its Conventional Commits prefix and description."""

    line: int
    start: int  # column of the first character (leading spaces are kept by git)
    text: str
    type: str | None = None
    scope: str | None = None
    desc: str = ""
    desc_start: int = 0  # column of the description


@dataclass(frozen=True, slots=True)
class Message:
    """A message as git keeps it, with positions in the original text."""

    lines: tuple[str, ...]  # the original text's lines, without their endings
    subject: Subject | None
    separated: bool  # a blank line between the subject and the body
    body: tuple[Line, ...]  # from the first non-blank line after the subject; blanks kept
    comment_lines: tuple[int, ...]  # indices of dropped comment lines above the scissors

    @property
    def paragraphs(self) -> list[list[Line]]:
        out: list[list[Line]] = []
        current: list[Line] = []
        for line in self.body:
            if line.text.strip():
                current.append(line)
            elif current:
                out.append(current)
                current = []
        if current:
            out.append(current)
        return out

    @property
    def trailers(self) -> list[Line]:
        paragraphs = self.paragraphs
        if paragraphs and all(_TRAILER.match(line.text) for line in paragraphs[-1]):
            return paragraphs[-1]
        return []

    @property
    def prose(self) -> list[Line]:
        """Body lines that explain something: not trailers, not git's revert line."""
        trailers = {line.index for line in self.trailers}
        return [
            line
            for line in self.body
            if line.text.strip()
            and line.index not in trailers
            and not _REVERTS_LINE.match(line.text.strip())
        ]

    def kept(self) -> str:
        lines = [] if self.subject is None else [self.subject_line_text]
        previous_blank = False
        for line in self.body:
            blank = not line.text.strip()
            if blank and previous_blank:
                continue
            lines.append("" if blank else line.text)
            previous_blank = blank
        if self.separated:
            lines.insert(1, "")
        return "\n".join(lines).rstrip("\n")

    @property
    def subject_line_text(self) -> str:
        assert self.subject is not None
        return self.lines[self.subject.line].rstrip()


def split_lines(text: str) -> list[str]:
    """Lines without their endings, broken where LSP breaks them (\\r\\n, \\r, \\n)."""
    return LINE_BREAK.split(text)


def comment_char_of(text: str, configured: str | None = "#") -> str:
    """The comment character: the configured one, or (for ``core.commentChar=auto``, given as
    None or "auto") the one git used for its instructions or scissors in ``text``."""
    if configured and configured != "auto":
        return configured[0]
    for line in split_lines(text):
        if line[:1] and not line[:1].isalnum() and not line[:1].isspace():
            rest = line[1:]
            if _SCISSORS.match(rest) or rest.lstrip().startswith("Please enter the commit"):
                return line[0]
    return "#"


def read_message(text: str, comment_char: str | None) -> Message:
    """Read ``text`` as git keeps it; ``comment_char`` None keeps every line."""
    lines = tuple(split_lines(text))
    kept: list[Line] = []
    comments: list[int] = []
    for index, line in enumerate(lines):
        if comment_char and line.startswith(comment_char):
            if _SCISSORS.match(line[len(comment_char) :]):
                break  # everything below is the diff of `git commit -v`
            comments.append(index)
            continue
        kept.append(Line(index, line.rstrip()))
    while kept and not kept[0].text.strip():
        kept.pop(0)
    while kept and not kept[-1].text.strip():
        kept.pop()
    if not kept:
        return Message(lines, None, False, (), tuple(comments))
    first, rest = kept[0], kept[1:]
    separated = bool(rest) and not rest[0].text.strip()
    while rest and not rest[0].text.strip():
        rest.pop(0)
    return Message(lines, _subject(first), separated, tuple(rest), tuple(comments))


def _subject(line: Line) -> Subject:
    text = line.text.strip()
    start = len(line.text) - len(line.text.lstrip())
    match = _PREFIX.fullmatch(text)
    if match is None:
        return Subject(line.index, start, text, desc=text, desc_start=start)
    return Subject(
        line.index,
        start,
        text,
        type=match["type"],
        scope=match["scope"],
        desc=match["desc"],
        desc_start=start + match.start("desc"),
    )


def kept_message(text: str, comment_char: str | None = "#") -> str:
    """The message git keeps from an edited ``text`` (as ``--cleanup=strip``)."""
    return read_message(text, comment_char).kept()


def kind_of(subject: str, merge: bool | None = None) -> str:
    """``merge`` (as ``merge`` says, else by the subject), ``fixup``, ``revert`` or ``commit``."""
    if merge or (merge is None and _MERGE.match(subject)):
        return "merge"
    if _FIXUP.match(subject):
        return "fixup"
    if _REVERT.match(subject):
        return "revert"
    return "commit"


def references_in(text: str) -> list[str]:
    """The issue references in ``text``: ``#12``, ``PROJ-12`` and issue URLs."""
    refs = [f"#{m[1]}" for m in _HASH_REF.finditer(text)]
    refs += [m[0] for m in JIRA.finditer(text) if m[1] not in NOT_KEYS]
    refs += [m[0] for m in _URL_REF.finditer(text)]
    return refs
