"""Commit coaching: rules, quick fixes and a score for commit messages (pure).

A message is read the way ``git commit --cleanup=strip`` keeps it: lines starting with the comment
character are dropped, and so is everything below the scissors line that ``git commit -v`` writes.
Findings still point into the original text, so an editor can show them where they are.

**Score** = 10 × (0.4 · message + 0.3 · files + 0.2 · size + 0.1 · context), rounded to one
decimal; each part is in [0, 1]:

- *message*: 1 minus the penalties of the findings about the message itself (each rule counts
  once, with its largest penalty): subject over 72 characters 0.3 (over 50: 0.1), trailing period
  0.1, not imperative 0.2, no blank line after the subject 0.2, body not wrapped at 72 0.1, no
  body for a large change 0.2, vague subject 0.2, a revert that does not say why 0.2. An empty
  message scores 0.
- *files*: the mean of a count factor (1 up to ``max(10, 3 × the repository's median files per
  commit)``, then falling linearly to 0 at three times that) and an area factor (1 up to
  ``max(3, the median areas per commit)`` unrelated areas, then 0.35 less for each one more).
- *size*: 1 up to ``max(200, 2 × the median lines changed per commit)`` lines added plus deleted
  (lock files and minified files not counted), then falling linearly to 0 at four times that.
- *context*: 1 minus the penalties of the findings about consistency with the repository's
  history: no Conventional type where the history has them 0.4 (an unknown type 0.2, a type
  where the history has none 0.1), first letter cased against the habit 0.3, no issue reference
  where most commits have one 0.3, no body where most commits have one 0.2.

Nothing staged (or a merge, whose diff is its parents') leaves files and size at 1.
Merge subjects, ``fixup!``/``squash!``/``amend!`` subjects and git's ``Revert "…"`` subjects are
exempt from the subject rules; fixups and merges are exempt from the body rules as well.

An *area* is a top-level directory, or a package under a container such as ``src/`` or
``packages/`` (``src/app/db/models.py`` is ``app/db``); a package's own files (``src/app/cli.py``)
join its subpackages' areas. A test file joins the area whose directory or module name it carries
(``tests/db/test_models.py`` joins ``app/db``), and tests that match none count as one area.
Documentation and root files add no area when code changes too.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import PurePosixPath

from devfocus.git.model import Commit, FileChange


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SUBJECT_IDEAL = 50
SUBJECT_LIMIT = 72
BODY_WIDTH = 72
MIN_HISTORY = 3  # commits a habit needs before it is held against a message
WEIGHTS = {"message": 0.4, "files": 0.3, "size": 0.2, "context": 0.1}

SCISSORS = "------------------------ >8 ------------------------"
_SCISSORS = re.compile(r"\s*-+\s*(?:>8|8<)\s*-+\s*$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what LSP counts as a line break

STANDARD_TYPES = frozenset(
    _words(
        "feat fix docs style refactor perf test build ci chore revert deps security release i18n"
    )
)
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
_JIRA = re.compile(r"\b([A-Z][A-Z0-9]{1,9})-(\d+)\b")
_NOT_KEYS = frozenset(_words("UTF SHA ISO MD AES TLS SSL HTTP RFC X86 ARM PEP IPV DES RSA SCSI"))
_HASH_REF = re.compile(r"(?<![\w/&])(?:GH-|#)(\d+)\b")
_URL_REF = re.compile(r"https?://\S+/(?:issues|pull|pulls|merge_requests)/\d+")
_BRANCH_NUMBER = re.compile(r"(?:^|/)(?:issue-|gh-|#)?(\d+)(?:[-_/]|$)", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:] | [-–—] | \(")
_JOINERS = frozenset(_words("and or but to for with the a an of in on by at when because so as"))
_BULLET = re.compile(r"(?:[-*+•]|\d{1,3}[.)])[ \t]+")

LOCK_FILES = frozenset(
    _words(
        "package-lock.json yarn.lock pnpm-lock.yaml poetry.lock uv.lock Cargo.lock go.sum "
        "Gemfile.lock composer.lock Pipfile.lock flake.lock bun.lockb npm-shrinkwrap.json"
    )
)
_CONTAINERS = frozenset(
    _words(
        "src lib libs source sources packages pkg pkgs internal cmd apps crates modules projects "
        "services components plugins server"
    )
)
_TEST_DIRS = frozenset(_words("tests test __tests__ spec specs testing unit integration e2e"))
_DOC_DIRS = frozenset(_words("docs doc documentation"))
_DOC_SUFFIXES = frozenset(_words(".md .rst .txt .adoc"))
_CI_PREFIXES = (".github/", ".gitlab-ci", ".circleci/", ".azure-pipelines", ".travis.yml")

# -- imperative mood ------------------------------------------------------------------------------
# Verbs that commit subjects start with. Their -s, -ed and -ing forms are derived below; a subject
# starting with one of those forms is not in the imperative ("Added x" → "Add x").
_VERBS = _words("""
add adjust allow annotate apply avoid bump cache call change check clarify clean clear close
collapse combine comment compute configure convert copy correct create deduplicate define delete
deprecate describe detect disable display document downgrade drop edit emit enable encode ensure
escape exclude expand explain export expose extend extract fetch fix flag flatten focus format
generalize generate guard handle harden ignore implement import improve include increase inline
initialize insert install integrate introduce invert limit lint list load lock log lower mark
match mention merge migrate mock move normalize open optimize organize parse pass patch permit
pin polish port prefer prepare preserve prevent print process protect provide publish raise
recognize record reduce refactor refine register reject release remove rename reorder reorganize
repair replace report require rescue resolve respect restore restructure retry return reuse
revert rework save scan schedule select separate serialize ship show shorten simplify skip sort
speed stop store strip support suppress swap switch sync tag test tidy track translate trim tune
tweak unify uninstall unlock unpin unwrap update upgrade use validate verify warn wire wrap
""")
_DOUBLED = frozenset(_words("drop pin unpin ship skip stop strip swap tag trim wrap unwrap permit"))
_IRREGULAR = {
    "build": ("built",),
    "rebuild": ("rebuilt",),
    "make": ("made",),
    "write": ("wrote", "written"),
    "rewrite": ("rewrote", "rewritten"),
    "keep": ("kept",),
    "send": ("sent",),
    "run": ("ran",),
    "begin": ("began", "begun"),
    "bring": ("brought",),
    "take": ("took", "taken"),
    "give": ("gave", "given"),
    "find": ("found",),
    "get": ("got", "gotten"),
    "choose": ("chose", "chosen"),
    "hide": ("hid", "hidden"),
    "throw": ("threw", "thrown"),
    "do": ("did", "done"),
    "undo": ("undid", "undone"),
    "redo": ("redid", "redone"),
}
_SAME_PAST = ("set", "reset", "split", "put", "cut", "let", "read", "quit", "spread", "upset")
_PREPOSITIONS = frozenset(_words("to for in of on from with after about and"))
_THIS_COMMIT = re.compile(r"(?:this|the) (?:commit|change|patch|pr|mr|pull request)\s+", re.I)


def _third_person(verb: str) -> str:
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _past(verb: str) -> tuple[str, ...]:
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("e"):
        return (verb + "d",)
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return (verb[:-1] + "ied",)
    if verb in _DOUBLED:
        return (verb + verb[-1] + "ed",)
    return (verb + "ed",)


def _gerund(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    if verb in _DOUBLED or verb in ("run", "begin", "set", "reset", "split", "put", "cut", "let"):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def _verb_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    verbs = [*_VERBS, *_IRREGULAR, *_SAME_PAST]
    for verb in verbs:
        pasts = () if verb in _SAME_PAST else _past(verb)
        for form in (_third_person(verb), *pasts, _gerund(verb)):
            forms.setdefault(form, verb)
    for verb in verbs:
        forms.pop(verb, None)  # a base form is never a mistake ("process", "address")
    return forms


BASE_VERBS = frozenset([*_VERBS, *_IRREGULAR, *_SAME_PAST])
NON_IMPERATIVE = _verb_forms()

# First verbs that say which Conventional type a change is, when the files do not.
_VERB_TYPES = {
    **dict.fromkeys(_words("add implement introduce support allow enable create expose"), "feat"),
    **dict.fromkeys(_words("fix correct repair resolve prevent"), "fix"),
    **dict.fromkeys(
        _words("refactor rename move extract simplify restructure reorganize inline"), "refactor"
    ),
    "document": "docs",
    "optimize": "perf",
    "speed": "perf",
    "format": "style",
    "revert": "revert",
}
_TYPE_SYNONYMS = {
    "feature": "feat",
    "features": "feat",
    "bugfix": "fix",
    "bug": "fix",
    "hotfix": "fix",
    "fixes": "fix",
    "doc": "docs",
    "documentation": "docs",
    "tests": "test",
    "testing": "test",
    "refactoring": "refactor",
    "performance": "perf",
    "styles": "style",
}
_VAGUE = frozenset(
    _words("""
    update updates updated fix fixes fixed change changes changed stuff things thing misc wip
    tmp temp test tests testing minor cleanup clean refactor refactoring work more final again
    edit edits tweak tweaks improvements improve progress save commit small some a the bug bugs
    issue issues code files file it this various few and of to in asdf foo bar baz oops typos
    """)
)


# -- data -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Habits:
    """How a repository's recent commits are written, learned by :func:`habits_of`."""

    commits: int = 0  # commits learned from (merges, fixups and reverts are left out)
    conventional_share: float = 0.0  # share of subjects with a ``type(scope): `` prefix
    types: tuple[str, ...] = ()  # most used first
    scopes: tuple[str, ...] = ()
    capitalized_share: float = 1.0  # of descriptions (the subject after any type prefix)
    median_files: float = 0.0
    median_lines: float = 0.0
    median_areas: float = 1.0
    body_share: float = 0.0
    reference_share: float = 0.0
    reference_trailer: str | None = None  # e.g. "Refs" when references are written as trailers
    reference_keys: tuple[str, ...] = ()  # issue-tracker keys such as "PROJ" in PROJ-12
    hash_references: bool = False  # references are written #12

    @property
    def conventional(self) -> bool:
        return self.commits >= MIN_HISTORY and self.conventional_share >= 0.5

    @property
    def case(self) -> str | None:
        """``upper`` or ``lower`` when the history settles it; None when mixed or too short."""
        if self.commits < MIN_HISTORY:
            return None
        if self.capitalized_share >= 0.7:
            return "upper"
        if self.capitalized_share <= 0.3:
            return "lower"
        return None

    @property
    def references(self) -> bool:
        return self.commits >= MIN_HISTORY and self.reference_share >= 0.5

    @property
    def bodies(self) -> bool:
        return self.commits >= MIN_HISTORY and self.body_share >= 0.6


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


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on a range of one line of the original text (0-based)."""

    rule: str
    message: str
    severity: str  # error | warning | information | hint
    line: int
    start: int
    end: int
    fix: Fix | None = None
    part: str = "message"  # the score part it counts against
    penalty: float = 0.0


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


# -- reading a message ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Line:
    index: int  # in the original text
    text: str  # without trailing whitespace, as git keeps it


@dataclass(frozen=True, slots=True)
class _Subject:
    line: int
    start: int  # column of the first character (leading spaces are kept by git)
    text: str
    type: str | None = None
    scope: str | None = None
    desc: str = ""
    desc_start: int = 0  # column of the description


@dataclass(frozen=True, slots=True)
class _Message:
    lines: tuple[str, ...]  # the original text's lines, without their endings
    subject: _Subject | None
    separated: bool  # a blank line between the subject and the body
    body: tuple[_Line, ...]  # from the first non-blank line after the subject; blanks kept
    comment_lines: tuple[int, ...]  # indices of dropped comment lines above the scissors

    @property
    def paragraphs(self) -> list[list[_Line]]:
        out: list[list[_Line]] = []
        current: list[_Line] = []
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
    def trailers(self) -> list[_Line]:
        paragraphs = self.paragraphs
        if paragraphs and all(_TRAILER.match(line.text) for line in paragraphs[-1]):
            return paragraphs[-1]
        return []

    @property
    def prose(self) -> list[_Line]:
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
    return _LINE_BREAK.split(text)


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


def _read(text: str, comment_char: str | None) -> _Message:
    lines = tuple(split_lines(text))
    kept: list[_Line] = []
    comments: list[int] = []
    for index, line in enumerate(lines):
        if comment_char and line.startswith(comment_char):
            if _SCISSORS.match(line[len(comment_char) :]):
                break  # everything below is the diff of `git commit -v`
            comments.append(index)
            continue
        kept.append(_Line(index, line.rstrip()))
    while kept and not kept[0].text.strip():
        kept.pop(0)
    while kept and not kept[-1].text.strip():
        kept.pop()
    if not kept:
        return _Message(lines, None, False, (), tuple(comments))
    first, rest = kept[0], kept[1:]
    separated = bool(rest) and not rest[0].text.strip()
    while rest and not rest[0].text.strip():
        rest.pop(0)
    return _Message(lines, _subject(first), separated, tuple(rest), tuple(comments))


def _subject(line: _Line) -> _Subject:
    text = line.text.strip()
    start = len(line.text) - len(line.text.lstrip())
    match = _PREFIX.fullmatch(text)
    if match is None:
        return _Subject(line.index, start, text, desc=text, desc_start=start)
    return _Subject(
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
    return _read(text, comment_char).kept()


def _kind(subject: str, merge: bool | None = None) -> str:
    if merge or (merge is None and _MERGE.match(subject)):
        return "merge"
    if _FIXUP.match(subject):
        return "fixup"
    if _REVERT.match(subject):
        return "revert"
    return "commit"


# -- habits ---------------------------------------------------------------------------------------
def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def habits_of(commits: Sequence[Commit]) -> Habits:
    """What the repository's recent ``commits`` have in common (defaults for no history)."""
    sample = [c for c in commits if not c.merge and _kind(c.subject) == "commit"]
    if not sample:
        return Habits()
    prefixed = 0
    types: Counter[str] = Counter()
    scopes: Counter[str] = Counter()
    capitals = cased = bodies = referenced = hashes = 0
    trailers: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    for commit in sample:
        message = _read(commit.message, None)
        if message.subject is None:
            continue
        subject = message.subject
        if subject.type is not None:
            prefixed += 1
            types[subject.type] += 1
            if subject.scope:
                scopes.update(s.strip() for s in subject.scope.split(",") if s.strip())
        first = subject.desc[:1]
        if first.isalpha():
            cased += 1
            capitals += first.isupper()
        bodies += bool(message.prose)
        kept = message.kept()
        refs = _references(kept)
        if refs:
            referenced += 1
            hashes += any(r.startswith("#") for r in refs)
            keys.update(r.split("-")[0] for r in refs if _JIRA.fullmatch(r))
            for line in message.trailers:
                if _references(line.text):
                    trailers[line.text.split(":", 1)[0]] += 1
    count = len(sample)
    with_files = [c for c in sample if c.files]
    reference_trailer = trailers.most_common(1)[0][0] if trailers else None
    return Habits(
        commits=count,
        conventional_share=prefixed / count,
        types=tuple(t for t, _ in types.most_common()),
        scopes=tuple(s for s, _ in scopes.most_common()),
        capitalized_share=capitals / cased if cased else 1.0,
        median_files=_median([len(c.files) for c in with_files]),
        median_lines=_median([_lines_changed(c.files) for c in with_files]),
        median_areas=_median([len(areas_of(c.files)) for c in with_files]) if with_files else 1.0,
        body_share=bodies / count,
        reference_share=referenced / count,
        reference_trailer=reference_trailer,
        reference_keys=tuple(k for k, _ in keys.most_common()),
        hash_references=hashes * 2 >= referenced > 0,
    )


def _references(text: str) -> list[str]:
    refs = [f"#{m[1]}" for m in _HASH_REF.finditer(text)]
    refs += [m[0] for m in _JIRA.finditer(text) if m[1] not in _NOT_KEYS]
    refs += [m[0] for m in _URL_REF.finditer(text)]
    return refs


# -- files and areas ------------------------------------------------------------------------------
def _counted(change: FileChange) -> bool:
    name = PurePosixPath(change.path).name
    return name not in LOCK_FILES and ".min." not in name


def _lines_changed(files: Iterable[FileChange]) -> int:
    return sum((f.added or 0) + (f.deleted or 0) for f in files if _counted(f))


def _is_test(parts: tuple[str, ...]) -> bool:
    name = parts[-1]
    stem = name.split(".")[0]
    return (
        any(p in _TEST_DIRS for p in parts[:-1])
        or stem.startswith("test_")
        or stem.endswith(("_test", "_spec"))
        or ".test." in name
        or ".spec." in name
    )


def _is_doc(parts: tuple[str, ...]) -> bool:
    name = parts[-1]
    return (
        parts[0].lower() in _DOC_DIRS
        or PurePosixPath(name).suffix.lower() in _DOC_SUFFIXES
        or name.split(".")[0].upper() in ("README", "CHANGELOG", "CHANGES", "LICENSE", "NEWS")
    )


def _code_area(parts: tuple[str, ...]) -> str:
    dirs = list(parts[:-1])
    while len(dirs) > 1 and dirs[0] in _CONTAINERS:
        dirs.pop(0)
    return "/".join(dirs[:2]) if len(dirs) >= 2 else dirs[0]


def _test_names(parts: tuple[str, ...]) -> set[str]:
    stem = parts[-1].split(".")[0]
    stem = stem.removeprefix("test_").removesuffix("_test").removesuffix("_spec")
    return {p for p in parts[:-1] if p not in _TEST_DIRS} | {stem}


def areas_of(files: Iterable[FileChange]) -> list[str]:
    """The unrelated areas a change touches (see the module docstring), sorted."""
    code: dict[str, set[str]] = {}  # area -> names that tie a test to it
    tests: list[tuple[str, ...]] = []
    other: set[str] = set()
    for change in files:
        parts = PurePosixPath(change.path).parts
        if not parts:
            continue
        if _is_test(parts):
            tests.append(parts)
        elif _is_doc(parts):
            other.add("docs")
        elif len(parts) == 1:
            other.add("(root)")
        else:
            area = _code_area(parts)
            names = code.setdefault(area, set())
            names.update(area.split("/"))
            names.add(parts[-1].split(".")[0])
    # A package's own files (its __init__, its CLI) tie its subpackages together, not apart.
    areas = {a for a in code if not any(other.startswith(a + "/") for other in code)}
    for parts in tests:
        names = _test_names(parts)
        if not any(names & tied for tied in code.values()):
            areas.add("tests")
    if not areas:
        areas = other
    return sorted(areas)


# -- rules ----------------------------------------------------------------------------------------
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
    message = _read(text, comment_char)
    findings = _check(message, habits, files, branch, merge, comment_char)
    return sorted(findings, key=lambda f: (f.line, f.start, f.rule))


def _check(
    message: _Message,
    habits: Habits,
    files: Sequence[FileChange],
    branch: str | None,
    merge: bool | None,
    comment_char: str | None,
) -> list[Finding]:
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
    kind = _kind(subject.text, merge)
    findings: list[Finding] = []
    if kind == "commit":
        findings += _subject_rules(message, subject, habits, files)
        findings += _context_rules(message, subject, habits, files, branch)
    elif kind == "fixup":
        findings.append(
            _on_subject(
                subject,
                "fixup",
                "A fixup commit: `git rebase -i --autosquash` folds it into its target. Squash "
                "it before the branch is merged.",
                "hint",
            )
        )
    elif kind == "revert" and not message.prose:
        findings.append(
            _on_subject(
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


def _on_subject(
    subject: _Subject,
    rule: str,
    text: str,
    severity: str,
    *,
    fix: Fix | None = None,
    part: str = "message",
    penalty: float = 0.0,
    start: int | None = None,
    end: int | None = None,
) -> Finding:
    return Finding(
        rule,
        text,
        severity,
        subject.line,
        subject.start if start is None else start,
        subject.start + len(subject.text) if end is None else end,
        fix,
        part,
        penalty,
    )


def _subject_rules(
    message: _Message, subject: _Subject, habits: Habits, files: Sequence[FileChange]
) -> list[Finding]:
    findings: list[Finding] = []
    length = len(subject.text)
    end = subject.start + length
    if length > SUBJECT_LIMIT:
        findings.append(
            _on_subject(
                subject,
                "subject-length",
                f"Subject is {length} characters: keep it within {SUBJECT_LIMIT} "
                f"({SUBJECT_IDEAL} is ideal), or `git log --oneline` and GitHub cut it.",
                "warning",
                fix=_split_subject_fix(message, subject),
                penalty=0.3,
                start=subject.start + SUBJECT_LIMIT,
            )
        )
    elif length > SUBJECT_IDEAL:
        findings.append(
            _on_subject(
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
            _on_subject(
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


def _imperative(subject: _Subject) -> Finding | None:
    desc, at = subject.desc, subject.desc_start
    lead = _THIS_COMMIT.match(desc)
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
    if word[0].lower().endswith("s") and next_word in _PREPOSITIONS:
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
    return _on_subject(
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


def _vague(subject: _Subject) -> Finding | None:
    words = re.findall(r"[\w./-]+", subject.desc.lower())
    if not words or len(words) > 4:
        return None
    original = re.findall(r"[\w./-]+", subject.desc)

    def says_nothing(word: str, raw: str) -> bool:
        file_like = "/" in word or re.search(r"\w\.\w{1,5}$", word) is not None
        shouted = raw.isupper() and len(raw) > 3  # README, CHANGELOG
        return word in _VAGUE or file_like or shouted

    if not all(says_nothing(w, r) for w, r in zip(words, original, strict=True)):
        return None
    return _on_subject(
        subject,
        "vague-subject",
        "The subject does not say what changed: name the behaviour, e.g. “Fix crash when the "
        "config file is empty”.",
        "information",
        penalty=0.2,
        start=subject.desc_start,
    )


def _split_subject_fix(message: _Message, subject: _Subject) -> Fix | None:
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


def _blank_line(message: _Message) -> Finding:
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


def _wrap_rules(message: _Message) -> list[Finding]:
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
                fix, fix_made = _rewrap_fix(message, paragraph), True
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


def _rewrap_fix(message: _Message, paragraph: list[_Line]) -> Fix | None:
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


def _body_rules(
    message: _Message, subject: _Subject, habits: Habits, files: Sequence[FileChange]
) -> list[Finding]:
    if message.prose:
        return []
    lines, count = _lines_changed(files), len(files)
    large = lines > max(100, 2 * habits.median_lines) or count > max(8, 2 * habits.median_files)
    if large:
        return [
            _on_subject(
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
            _on_subject(
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


def _file_limits(habits: Habits) -> tuple[float, float, float]:
    """(files, areas, lines) a commit may touch before it counts as too broad or too big."""
    files = max(10.0, 3 * habits.median_files)
    areas = max(3.0, habits.median_areas)
    lines = max(200.0, 2 * habits.median_lines)
    return files, areas, lines


def _file_rules(subject: _Subject, habits: Habits, files: Sequence[FileChange]) -> list[Finding]:
    if not files:
        return []
    findings: list[Finding] = []
    file_limit, area_limit, _ = _file_limits(habits)
    usual = f"; commits here usually touch {habits.median_files:g}" if habits.commits else ""
    if len(files) > file_limit:
        findings.append(
            _on_subject(
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
            _on_subject(
                subject,
                "unrelated-areas",
                f"The change touches {len(areas)} unrelated areas ({', '.join(areas)}): commit "
                "each area on its own.",
                "information",
                part="files",
            )
        )
    return findings


def _context_rules(
    message: _Message,
    subject: _Subject,
    habits: Habits,
    files: Sequence[FileChange],
    branch: str | None,
) -> list[Finding]:
    findings: list[Finding] = []
    known = subject.type is not None and (
        subject.type in STANDARD_TYPES or subject.type in habits.types
    )
    if habits.conventional and not known:
        findings.append(_conventional_finding(subject, habits, files))
    elif known and habits.commits >= MIN_HISTORY and habits.conventional_share < 0.2:
        findings.append(
            _on_subject(
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
    if habits.references and not _references(message.kept()):
        findings.append(_reference_finding(message, subject, habits, branch))
    return findings


def _conventional_finding(
    subject: _Subject, habits: Habits, files: Sequence[FileChange]
) -> Finding:
    common = ", ".join(f"`{t}:`" for t in habits.types[:4])
    if subject.type is not None:  # a prefix, but not one of the repository's types
        wanted = _TYPE_SYNONYMS.get(subject.type)
        fix = None
        if wanted in habits.types:
            end = subject.start + len(subject.type)
            fix = Fix(f"Use the type `{wanted}`", subject.line, subject.start, end, wanted)
        return _on_subject(
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
    prefix = _guess_prefix(subject, habits, files)
    fix = None
    if prefix is not None:
        first = subject.desc[:1]
        recased = _recase(subject.desc, habits.case or "lower")
        new_first = recased[:1] if recased is not None else first
        fix = Fix(
            f"Start the subject with `{prefix}`",
            subject.line,
            subject.desc_start,
            subject.desc_start + len(first),
            f"{prefix} {new_first}",
        )
    return _on_subject(
        subject,
        "conventional-type",
        f"{share:.0%} of recent commits here start with a Conventional Commits type ({common}); "
        "this one has none.",
        "information",
        fix=fix,
        part="context",
        penalty=0.4,
    )


def _guess_prefix(subject: _Subject, habits: Habits, files: Sequence[FileChange]) -> str | None:
    """``type:`` or ``type(scope):`` when the files or the first verb make the type certain and
    the repository uses it."""
    kind = None
    parts = [PurePosixPath(f.path).parts for f in files if f.path]
    if parts and all(_is_doc(p) for p in parts):
        kind = "docs"
    elif parts and all(_is_test(p) for p in parts):
        kind = "test"
    elif parts and all("/".join(p).startswith(_CI_PREFIXES) for p in parts):
        kind = "ci"
    else:
        word = re.match(r"[A-Za-z]+", subject.desc)
        verb = word[0].lower() if word else ""
        verb = NON_IMPERATIVE.get(verb, verb)
        kind = _VERB_TYPES.get(verb)
    if kind is None or kind not in habits.types:
        return None
    scope = ""
    areas = areas_of(files) if files else []
    if habits.scopes and len(areas) == 1:
        name = areas[0].rsplit("/", 1)[-1]
        if name in habits.scopes:
            scope = f"({name})"
    return f"{kind}{scope}:"


def _recase(desc: str, case: str) -> str | None:
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


def _case_finding(subject: _Subject, habits: Habits, *, prefixed: bool) -> Finding | None:
    expected = habits.case
    learned = expected is not None
    if not learned:
        if habits.commits >= MIN_HISTORY:
            return None  # the history is mixed: either case is fine
        expected = "lower" if prefixed else "upper"  # Conventional Commits' and git's custom
    recased = _recase(subject.desc, expected)
    if recased is None:
        return None
    where = "in this repository" if learned else "by convention"
    letter = "capital" if expected == "upper" else "lowercase"
    after = " after the type" if prefixed else ""
    return _on_subject(
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
    for match in _JIRA.finditer(branch.upper()):
        if match[1] in habits.reference_keys or (
            not habits.reference_keys and match[1] not in _NOT_KEYS and match[1] in branch
        ):
            return match[0]
    number = _BRANCH_NUMBER.search(branch)
    if number is not None and habits.hash_references:
        return f"#{number[1]}"
    return None


def _reference_finding(
    message: _Message, subject: _Subject, habits: Habits, branch: str | None
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
    return _on_subject(
        subject,
        "references",
        f"{habits.reference_share:.0%} of recent commits here reference an issue; this one "
        "does not.",
        "information",
        fix=fix,
        part="context",
        penalty=0.3,
    )


def _hash_lines(message: _Message, comment_char: str) -> list[Finding]:
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


# -- the score ------------------------------------------------------------------------------------
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
    read = _read(message, comment_char)
    findings = _check(read, habits, files, branch, merge, comment_char)
    findings.sort(key=lambda f: (f.line, f.start, f.rule))
    kind = _kind(read.subject.text, merge) if read.subject is not None else "commit"
    if kind == "merge":
        files = ()  # its diff is its parents'
    file_limit, area_limit, line_limit = _file_limits(habits)
    count, areas, lines = len(files), areas_of(files), _lines_changed(files)
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
    message: _Message,
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
    refs = _references(message.kept())
    if refs:
        out.append(f"References {', '.join(dict.fromkeys(refs))}")
    if files:
        if "too-many-files" not in rules and "unrelated-areas" not in rules:
            where = "one area" if len(areas) == 1 else f"{len(areas)} related areas"
            out.append(f"Focused: {len(files)} file{'s' * (len(files) != 1)} in {where}")
        parts = [PurePosixPath(f.path).parts for f in files]
        if any(_is_test(p) for p in parts) and any(
            not _is_test(p) and not _is_doc(p) for p in parts
        ):
            out.append("Tests change together with the code")
        if lines <= _file_limits(habits)[2]:
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


# -- applying fixes -------------------------------------------------------------------------------
def apply_fix(text: str, fix: Fix) -> str:
    """``text`` with ``fix`` applied (positions as :func:`split_lines` counts them)."""
    starts = [0]
    for match in _LINE_BREAK.finditer(text):
        starts.append(match.end())
    lines = split_lines(text)

    def offset(line: int, column: int) -> int:
        if line >= len(lines):
            return len(text)
        return starts[line] + min(column, len(lines[line]))

    begin, end = offset(fix.line, fix.start), offset(fix.last_line, fix.end)
    return text[:begin] + fix.new_text + text[end:]


# -- trends ---------------------------------------------------------------------------------------
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


__all__ = [
    "SCISSORS",
    "Coaching",
    "Finding",
    "Fix",
    "Habits",
    "apply_fix",
    "areas_of",
    "check_message",
    "coach",
    "comment_char_of",
    "habits_of",
    "issue_of_branch",
    "kept_message",
    "split_lines",
    "weekly_trend",
]
