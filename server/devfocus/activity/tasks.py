"""Which task a session or a commit belongs to, from branch names and commit messages (pure).

A task has a human title, a kind (one of :data:`KINDS`, or None) and an issue reference: a Jira
style key (``ABC-123``) or a GitHub number (``#456``). Reports print and group by its label.

References (:func:`references`)
  ``#12``, ``owner/repo#12``, Jira keys (``[A-Z][A-Z0-9_]+-<digits>``) and ``GH-12`` (read as
  ``#12``, as GitHub does). Tokens that only look like keys are skipped: a few well-known
  standards (``UTF-8``, ``SHA-256``, ``ISO-8601``, ``PEP-8``, ``RFC-7231``, ``CVE-…``, …) and
  versions (``PY-3.11``). Keys must be upper case: ``abc-123`` is too often plain words.

Branches (:func:`task_from_branch`)
  ``<owners>/<type>/<ref>-<title>``. A path segment that is a type word (``feature``, ``feat``,
  ``fix``, ``bugfix``, ``hotfix``, ``docs``, ``refactor``, ``perf``, ``test``, ``chore``, ``ci``,
  ``build``, ``dependabot``, … see ``_KIND_WORDS``) gives the kind; segments before it are owner
  prefixes (``jane/``) and dropped. Without a type word only the last segment counts. The title
  is the rest with ``-``, ``_`` and ``.`` as spaces (dots between digits stay: ``2.31.0``). A ref
  is a leading or trailing Jira key, or a leading number (``123-x`` → ``#123``; not a date such
  as ``2024-05-x``), ``gh-12`` or ``issue-12``. Main-line branches (``main``, ``master``,
  ``develop``, ``dev``, ``trunk``, ``HEAD``, ``gh-pages``, …), ``release/…``, version branches
  (``1.2``, ``v2.x``) and detached heads give no task, also behind owners (``origin/main``).

Messages (:func:`task_from_message`)
  A leading ``ABC-123:``, ``[ABC-123]`` or ``#12:`` is the ref. Then Conventional Commits
  ``type(scope)!: description`` (types case-insensitive; feat → feature, fix → bug,
  refactor/perf/style → refactor, docs → docs, test → test, chore/build/ci/revert → chore) with
  the description as title; else a leading verb, conservatively (Fix → bug, Add/Implement →
  feature but "Add tests" → test and "Add docs" → docs, Refactor/Rename/Move/Extract/Simplify/
  "Clean up" → refactor, Document → docs, Test → test, Bump, Revert, "Update dependencies" →
  chore) with the subject as title. Titles lose a trailing period and trailing ``(#34)``,
  ``[ABC-1]`` and ``[skip ci]`` groups. The ref is the first reference in the subject, else in
  the body (``Fixes #12``), else a trailing ``(#34)`` (a squash-merged pull request: the issue
  it fixes says more). Merge commits take the task of the merged branch; when that is a main
  line (``Merge branch 'main' into feature/x``), of the branch merged into; a pull request's
  number is the ref when the branch has none, and its title (the merge commit's body) is the
  title when the branch gives nothing.

Sessions (:func:`session_task`)
  A manual task wins, then the branch's, then the most frequent task of the session's commits
  (by ref, else by title; ties go to the latest). A branch task without a kind takes the kind
  its commits agree on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

KINDS = ("feature", "bug", "refactor", "docs", "test", "chore")
SOURCES = ("manual", "branch", "commit")


@dataclass(frozen=True, slots=True)
class Task:
    """What a stretch of work is for."""

    title: str  # may be empty when the ref is all there is ("fix/456")
    kind: str | None
    ref: str | None  # "ABC-123" or "#456"
    source: str  # "manual" | "branch" | "commit"
    # Set when the ref is an issue imported from a tracker (devfocus.trackers): its priority
    # ("high"), its page, and which tracker ("github" | "jira").
    priority: str | None = None
    url: str | None = None
    tracker: str | None = None

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"unknown task kind {self.kind!r}")
        if self.source not in SOURCES:
            raise ValueError(f"unknown task source {self.source!r}")

    @property
    def label(self) -> str:
        """``ABC-123 login``, ``#456 crash`` or ``login``: what reports print and group by. An
        imported issue's says its kind and priority: ``#123 Crash when saving (bug, high)``."""
        text = " ".join(part for part in (self.ref, self.title) if part)
        if self.tracker is None:
            return text
        facts = ", ".join(part for part in (self.kind, self.priority) if part)
        return f"{text} ({facts})" if facts else text


@dataclass(frozen=True, slots=True)
class TaskLink:
    """A page attached to a task: a pull request, a document, a research page."""

    url: str
    title: str
    source: str  # "user" | "tracker" (the issue's page) | "pull" (a pull request naming it)
    added: float


# Conventional Commits types and branch prefixes, lower case. perf and style change no behaviour
# a user asked for, so they count as refactoring; ci, build and dependency bots as chores.
_KIND_WORDS: dict[str, str] = {
    **dict.fromkeys(("feat", "feats", "feature", "features", "enhancement"), "feature"),
    **dict.fromkeys(("fix", "fixes", "bug", "bugs", "bugfix", "bugfixes", "hotfix"), "bug"),
    **dict.fromkeys(("hotfixes",), "bug"),
    **dict.fromkeys(("refactor", "refactoring", "perf", "style", "cleanup"), "refactor"),
    **dict.fromkeys(("docs", "doc", "documentation"), "docs"),
    **dict.fromkeys(("test", "tests", "testing"), "test"),
    **dict.fromkeys(("chore", "chores", "build", "ci", "deps", "revert"), "chore"),
    **dict.fromkeys(("dependabot", "renovate"), "chore"),
}

# Things written like Jira keys that are standards, encodings and the like, not issues.
_NOT_KEYS = frozenset(
    [
        "UTF",
        "UCS",
        "SHA",
        "AES",
        "RSA",
        "ISO",
        "IEC",
        "IEEE",
        "PEP",
        "RFC",
        "CVE",
        "CWE",
        "GPL",
        "LGPL",
        "AGPL",
        "BSD",
        "ECMA",
        "HTTP",
        "TLS",
        "SSL",
        "IPV",
        "WINDOWS",
        "LATIN",
        "COVID",
        "WCAG",
    ]
)

_REF = re.compile(
    r"(?<![\w.#&/-])(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)?\#(?P<num>\d+)(?!\w|\.\d)"
    r"|(?<![\w.-])(?P<key>[A-Z][A-Z0-9_]+)-(?P<id>\d+)(?!\w|\.\d)"
)


def references(text: str) -> tuple[str, ...]:
    """Issue references in ``text``, in order of appearance, each once."""
    found: dict[str, None] = {}
    for m in _REF.finditer(text):
        ref = _ref_of(m)
        if ref is not None:
            found.setdefault(ref)
    return tuple(found)


def _ref_of(m: re.Match[str]) -> str | None:
    if m["num"] is not None:
        return f"{m['repo'] or ''}#{m['num']}"
    return _key_ref(f"{m['key']}-{m['id']}")


def _key_ref(key: str) -> str | None:
    """A Jira style key as a reference: ``GH-12`` is GitHub's ``#12``; standards are none."""
    project, _, number = key.partition("-")
    if project == "GH":
        return f"#{number}"
    return None if project in _NOT_KEYS else key


def _first_ref(text: str) -> str | None:
    refs = references(text)
    return refs[0] if refs else None


# -- branches --------------------------------------------------------------------------------

_MAIN_LINES = frozenset(
    [
        "main",
        "master",
        "develop",
        "development",
        "devel",
        "dev",
        "trunk",
        "head",
        "gh-pages",
        "stable",
        "(detached)",
    ]
)
_RELEASE = re.compile(r"releases?(?:/.*|[-_]v?\d.*)?", re.IGNORECASE)
_VERSION = re.compile(r"v?\d+(?:\.(?:\d+|x))+", re.IGNORECASE)
_LEAD_KEY = re.compile(r"(?P<key>[A-Z][A-Z0-9_]+-\d+)(?=$|[-_.])")
_TRAIL_KEY = re.compile(r"[-_.](?P<key>[A-Z][A-Z0-9_]+-\d+)$")
_DATE = re.compile(r"(?:19|20)\d{2}-(?:0[1-9]|1[0-2])(?:[-_.]|$)")
_LEAD_NUMBER = re.compile(
    r"(?:(?:gh|issues?)[-_]?|\#)?(?P<num>\d+)(?=$|[-_]|\.(?!\d))", re.IGNORECASE
)
_SEPARATORS = re.compile(r"[-_\s]+|(?<!\d)\.|\.(?!\d)")


def _is_main_line(name: str) -> bool:
    return (
        name.lower() in _MAIN_LINES
        or name.startswith("(")  # "(detached)", "(HEAD detached at 1a2b3c)"
        or _RELEASE.fullmatch(name) is not None
        or _VERSION.fullmatch(name) is not None
    )


def task_from_branch(branch: str | None) -> Task | None:
    """The task a branch name stands for; None for main lines and names with nothing in them."""
    if not branch:
        return None
    name = branch.strip().removeprefix("refs/heads/")
    segments = [s for s in name.split("/") if s]
    kind: str | None = None
    rest = segments[-1:]
    for i, segment in enumerate(segments):
        if _is_main_line("/".join(segments[i:])):
            return None
        found = _KIND_WORDS.get(segment.lower())
        if found is not None:
            kind, rest = found, segments[i + 1 :] or [segment]
            break
    return _task_from_slug("-".join(rest), kind)


def _task_from_slug(slug: str, kind: str | None) -> Task | None:
    ref: str | None = None
    if (m := _LEAD_KEY.match(slug)) and (ref := _key_ref(m["key"])):
        slug = slug[m.end() :]
    elif (m := _TRAIL_KEY.search(slug)) and (ref := _key_ref(m["key"])):
        slug = slug[: m.start()]
    elif not _DATE.match(slug) and (m := _LEAD_NUMBER.match(slug)):
        ref, slug = f"#{m['num']}", slug[m.end() :]
    title = _SEPARATORS.sub(" ", slug).strip()
    if not title and ref is None:
        return None
    return Task(title, kind, ref, "branch")


# -- commit messages -------------------------------------------------------------------------

_PREFIX_REF = re.compile(
    r"\s*(?:\[(?P<a>[A-Z][A-Z0-9_]+-\d+|\#\d+)\]|(?P<b>[A-Z][A-Z0-9_]+-\d+|\#\d+)(?::|\s))\s*"
)
_CONVENTIONAL = re.compile(
    r"(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()\n]*)\))?(?P<breaking>!)?:\s*(?P<description>.*)"
)
# Trailing "(#34)", "[ABC-1]" and CI switches such as "[skip ci]": noise in a title.
_SUFFIX_REFS = re.compile(
    r"(?:\s*[(\[]"
    r"(?:[A-Za-z0-9_./-]*\#\d+|[A-Z][A-Z0-9_]+-\d+|(?i:skip ci|ci skip|no ci))"
    r"[)\]])+\s*$"
)
_MERGE_PR = re.compile(r"Merge pull request \#(?P<num>\d+) from (?P<source>\S+)")
_MERGED_IN = re.compile(r"Merged in (?P<source>\S+)(?: \(pull request \#(?P<num>\d+)\))?")
_MERGE_BRANCH = re.compile(
    r"Merge (?:remote-tracking )?branch(?:es)? ['\"](?P<source>[^'\"]+)['\"]"
    r"(?:.*? into ['\"]?(?P<target>[^'\"\s]+)['\"]?)?"
)
_OTHER_MERGE = re.compile(r"Merge (?:tag|commit|remote-tracking branch|branch|branches) ")

_VERB_KINDS: dict[str, str] = {
    **dict.fromkeys(("fix", "fixes", "fixed", "fixing", "bugfix", "hotfix"), "bug"),
    **dict.fromkeys(("add", "adds", "added", "adding", "implement", "implements"), "feature"),
    **dict.fromkeys(("implemented", "implementing", "introduce", "introduces"), "feature"),
    **dict.fromkeys(("refactor", "refactors", "refactored", "refactoring"), "refactor"),
    **dict.fromkeys(("rename", "renames", "renamed", "move", "moves", "moved"), "refactor"),
    **dict.fromkeys(("extract", "extracts", "extracted", "simplify", "simplifies"), "refactor"),
    **dict.fromkeys(("document", "documents", "documented", "docs"), "docs"),
    **dict.fromkeys(("test", "tests", "testing"), "test"),
    **dict.fromkeys(("bump", "bumps", "bumped", "revert", "reverts", "reverted"), "chore"),
}
_UPDATE_VERBS = frozenset(["update", "updates", "updated", "upgrade", "upgrades", "upgraded"])
_TEST_WORDS = frozenset(["test", "tests"])
_DOC_WORDS = frozenset(
    ["doc", "docs", "documentation", "docstring", "docstrings", "readme", "changelog"]
)
_DEPENDENCIES = re.compile(r"\b(?:dependenc(?:y|ies)|deps|requirements?|lock ?file)\b", re.I)
_WORD = re.compile(r"[A-Za-z]+")


def task_from_message(message: str) -> Task | None:
    """The task a commit message names; None when it names nothing (or merges a main line)."""
    subject, _, body = message.strip().partition("\n")
    subject = subject.strip()
    merge = _merge_task(subject, body)
    if merge is not None or _OTHER_MERGE.match(subject):
        return merge
    prefix_ref, rest = _split_prefix_ref(subject)
    suffix = _SUFFIX_REFS.search(rest)
    suffix_refs = references(suffix.group()) if suffix else ()
    if suffix:
        rest = rest[: suffix.start()]
    kind, title = _kind_and_title(rest)
    title = title.strip().rstrip(".").strip()
    # A trailing "(#34)" is the pull request a squash merge came from: an issue says more.
    issue_refs = references(rest) + tuple(r for r in suffix_refs if not r.startswith("#"))
    ref = (
        prefix_ref
        or (issue_refs[0] if issue_refs else None)
        or _first_ref(body)
        or (suffix_refs[0] if suffix_refs else None)
    )
    if title == ref:
        title = ""  # a subject that is only its reference
    elif ref is not None and title.endswith(f" {ref}"):
        title = title[: -len(ref)].rstrip(" -:,")  # "paginate results ABC-9": the ref is shown once
    if not title and ref is None:
        return None
    return Task(title, kind, ref, "commit")


def commit_kind(message: str) -> str | None:
    """The kind of work a commit message says it is: its Conventional Commits type, else its
    leading verb; a merge commit's is its branch's."""
    subject, _, body = message.strip().partition("\n")
    subject = subject.strip()
    if _merge_task(subject, body) is not None or _OTHER_MERGE.match(subject):
        task = task_from_message(message)
        return task.kind if task else None
    return _kind_and_title(_split_prefix_ref(subject)[1])[0]


def _split_prefix_ref(subject: str) -> tuple[str | None, str]:
    m = _PREFIX_REF.match(subject)
    if m is None:
        return None, subject
    found = m["a"] or m["b"]
    ref = found if found.startswith("#") else _key_ref(found)
    if ref is None:
        return None, subject
    return ref, subject[m.end() :]


def _kind_and_title(subject: str) -> tuple[str | None, str]:
    m = _CONVENTIONAL.fullmatch(subject)
    if m is not None and m["type"].lower() in _KIND_WORDS:
        return _KIND_WORDS[m["type"].lower()], m["description"]
    return _verb_kind(subject), subject


def _verb_kind(subject: str) -> str | None:
    words = [w.lower() for w in _WORD.findall(subject[:80])]
    if not words:
        return None
    verb, following = words[0], words[1:3]  # "Add tests", "Add a test", "Update the README"
    if verb in _UPDATE_VERBS or verb in ("add", "adds", "added", "adding"):
        if _TEST_WORDS.intersection(following):
            return "test"
        if _DOC_WORDS.intersection(following):
            return "docs"
        if verb in _UPDATE_VERBS:
            return "chore" if _DEPENDENCIES.search(subject) else None
    if verb == "clean" and following[:1] == ["up"]:
        return "refactor"
    return _VERB_KINDS.get(verb)


def _merge_task(subject: str, body: str) -> Task | None:
    number: str | None = None
    branches: list[str] = []
    if m := _MERGE_PR.match(subject):
        # "from jane/feature/x": the first segment is the owner of the fork.
        source = m["source"]
        number, branches = m["num"], [source.partition("/")[2] or source]
    elif m := _MERGED_IN.match(subject):
        number, branches = m["num"], [m["source"]]
    elif m := _MERGE_BRANCH.match(subject):
        branches = [m["source"], *([m["target"]] if m["target"] else [])]
    else:
        return None
    pr_ref = f"#{number}" if number else None
    for branch in branches:
        task = task_from_branch(branch)
        if task is not None:
            return replace(task, ref=task.ref or pr_ref, source="commit")
    # A pull request from a main line: its title is the first line of the merge commit's body.
    title_line = next((line for line in body.splitlines() if line.strip()), "")
    if number is None or not title_line:
        return None
    task = task_from_message(title_line)
    if task is None:
        return None
    return replace(task, ref=task.ref or pr_ref)


# -- sessions --------------------------------------------------------------------------------


def session_task(manual: Task | None, branch: str | None, messages: Sequence[str]) -> Task | None:
    """The task of a session: the manual one, else its branch's, else its commits' (messages
    oldest first)."""
    if manual is not None:
        return manual
    task = task_from_branch(branch)
    if task is not None:
        if task.kind is None:
            kinds = {k for k in map(commit_kind, messages) if k is not None}
            if len(kinds) == 1:
                task = replace(task, kind=kinds.pop())
        return task
    counts: dict[str, int] = {}
    latest: dict[str, tuple[int, Task]] = {}
    for i, message in enumerate(messages):
        found = task_from_message(message)
        if found is None:
            continue
        key = found.ref or found.title.casefold()
        counts[key] = counts.get(key, 0) + 1
        latest[key] = (i, found)
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k], latest[k][0]))
    return latest[best][1]
