"""The words commit subjects are read with: imperative verbs and the forms that are not,
Conventional Commits types, and subjects that say nothing."""

from __future__ import annotations

import re


def words_of(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text``: how the word lists below are written."""
    return tuple(text.split())


STANDARD_TYPES = frozenset(
    words_of(
        "feat fix docs style refactor perf test build ci chore revert deps security release i18n"
    )
)

# Verbs that commit subjects start with. Their -s, -ed and -ing forms are derived below; a subject
# starting with one of those forms is not in the imperative ("Added x" → "Add x").
_VERBS = words_of("""
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
_DOUBLED = frozenset(
    words_of("drop pin unpin ship skip stop strip swap tag trim wrap unwrap permit")
)
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
PREPOSITIONS = frozenset(words_of("to for in of on from with after about and"))
THIS_COMMIT = re.compile(r"(?:this|the) (?:commit|change|patch|pr|mr|pull request)\s+", re.I)


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
VERB_TYPES = {
    **dict.fromkeys(words_of("add implement introduce support allow enable create expose"), "feat"),
    **dict.fromkeys(words_of("fix correct repair resolve prevent"), "fix"),
    **dict.fromkeys(
        words_of("refactor rename move extract simplify restructure reorganize inline"), "refactor"
    ),
    "document": "docs",
    "optimize": "perf",
    "speed": "perf",
    "format": "style",
    "revert": "revert",
}
TYPE_SYNONYMS = {
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
VAGUE = frozenset(
    words_of("""
    update updates updated fix fixes fixed change changes changed stuff things thing misc wip
    tmp temp test tests testing minor cleanup clean refactor refactoring work more final again
    edit edits tweak tweaks improvements improve progress save commit small some a the bug bugs
    issue issues code files file it this various few and of to in asdf foo bar baz oops typos
    """)
)
