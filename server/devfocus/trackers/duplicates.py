"""Likely duplicates among open issues: TF-IDF cosine similarity of their titles and bodies
(pure), listed with their score for a person to judge.

An issue's words are lower-case runs of letters and digits of two characters or more, without
English stop words, numbers (line numbers, versions, counts) and the parts of addresses. A
word's weight is ``(1 + ln tf) · idf``, where ``tf`` counts each title occurrence
:data:`TITLE_WEIGHT` times (the title says what the issue is; the body is mostly context) and
``idf = ln((1 + n) / (1 + df)) + 1`` over the open issues of the scope. Each issue's vector has
length 1, so a pair's score is the dot product of their vectors, from 0 to 1.

Issues are compared within their scope (a repository, a Jira site) only. Scoring every pair of
5,000 issues is 12.5 million sparse dot products, minutes in Python, and an exact all-pairs
search saves little on issue text, whose many mid-frequency words make most pairs share some.
So partial scores are summed through an inverted index of the rarest words, as many words as
a budget of work allows (:data:`BUDGET`; for a few hundred issues usually all, and the search
is then exhaustive), and a pair is scored with the exact cosine only when those words already
give it :data:`RARE_PART` of the threshold. Two reports of the same thing share their rare
words (a component, an error, a file): on 2,000 issues of real text this finds every pair
above the threshold that comparing all pairs finds, and 5,000 take about a second and a half.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from devfocus.trackers.imported import TrackerIssue

THRESHOLD = 0.5  # pairs scoring at least this are listed
TOP_PAIRS = 20  # per scope
TITLE_WEIGHT = 3
# Partial scores summed through the index, at most: the rarest words are indexed until their
# pairs of issues would pass this (a word held by k issues adds k(k-1)/2), about half a second.
BUDGET = 2_000_000
RARE_PART = 0.2  # of the threshold: what rare words must give a pair for it to be scored

_WORD = re.compile(r"[^\W_]{2,}")
_STOP = (
    "about above after again against all also am an and any are as at be because been before "
    "being below between both but by can cannot could did do does doing done down during each "
    "even ever few for from further get gets getting got had has have having he her here hers "
    "him his how if in into is it its itself just let me more most my no nor not now of off on "
    "once only or other our ours out over own same she should so some such than that the their "
    "theirs them then there these they this those through to too under until up upon us very via "
    "was we were what when where which while who whom why will with would yet you your yours "
    "http https www com org html"
)
STOP_WORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class Duplicate:
    first: TrackerIssue  # the one created first
    second: TrackerIssue
    score: float  # cosine similarity, 0..1


def words(text: str) -> list[str]:
    """The words of ``text`` that count (see the module's docstring)."""
    found = _WORD.findall(text.casefold())
    return [w for w in found if w not in STOP_WORDS and not w.isdigit()]


def likely_duplicates(
    issues: Sequence[TrackerIssue], threshold: float = THRESHOLD, top: int = TOP_PAIRS
) -> list[Duplicate]:
    """The pairs of ``issues`` (each pair of one scope) scoring at least ``threshold``, best
    first, at most ``top`` per scope."""
    per_scope: dict[str, list[TrackerIssue]] = defaultdict(list)
    for issue in issues:
        per_scope[issue.scope].append(issue)
    found: list[Duplicate] = []
    for scope in sorted(per_scope):
        found += _scope_pairs(per_scope[scope], threshold)[:top]
    found.sort(key=_rank)
    return found


def _rank(d: Duplicate) -> tuple[float, str, str, str]:
    return (-d.score, d.first.scope, d.first.key, d.second.key)


def vectors(issues: Sequence[TrackerIssue]) -> list[dict[str, float]]:
    """The unit TF-IDF vector of each issue."""
    counts = []
    for issue in issues:
        tf: Counter[str] = Counter(words(issue.body))
        for w in words(issue.title):
            tf[w] += TITLE_WEIGHT
        counts.append(tf)
    df: Counter[str] = Counter()
    for tf in counts:
        df.update(tf.keys())
    n = len(issues)
    idf = {w: math.log((1 + n) / (1 + d)) + 1 for w, d in df.items()}
    out = []
    for tf in counts:
        vec = {w: (1 + math.log(c)) * idf[w] for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        out.append({w: v / norm for w, v in vec.items()} if norm else {})
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two unit vectors."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(v * large[w] for w, v in small.items() if w in large)


def _rare_words(df: Counter[str]) -> set[str]:
    """The words the index holds: the rarest first, as many as :data:`BUDGET` allows (all of
    them when it allows all: the search is then exhaustive)."""
    chosen: set[str] = set()
    cost = 0
    for w, k in sorted(df.items(), key=lambda kv: (kv[1], kv[0])):
        cost += k * (k - 1) // 2
        if cost > BUDGET:
            break
        chosen.add(w)
    return chosen


def _scope_pairs(issues: Sequence[TrackerIssue], threshold: float) -> list[Duplicate]:
    ordered = sorted(issues, key=lambda i: (i.created, i.key))
    vecs = vectors(ordered)
    df: Counter[str] = Counter()
    for vec in vecs:
        df.update(vec.keys())
    rare = _rare_words(df)
    # Postings of the indexed words, of the issues before the one being compared.
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    pairs = []
    for doc, vec in enumerate(vecs):
        partial: dict[int, float] = defaultdict(float)
        for w, v in vec.items():
            if w not in rare:
                continue
            listed = postings[w]
            for other, weight in listed:
                partial[other] += v * weight
            listed.append((doc, v))
        for other, shared in partial.items():
            if shared < threshold * RARE_PART:
                continue
            score = cosine(vec, vecs[other])
            if score >= threshold - 1e-9:
                pairs.append(Duplicate(ordered[other], ordered[doc], min(score, 1.0)))
    pairs.sort(key=_rank)
    return pairs
