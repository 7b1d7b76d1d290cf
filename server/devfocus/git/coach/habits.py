"""How a repository's recent commits are written, and the limits its habits set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from devfocus.git.coach.areas import areas_of, lines_changed
from devfocus.git.coach.message import JIRA, kind_of, read_message, references_in
from devfocus.git.model import Commit

MIN_HISTORY = 3  # commits a habit needs before it is held against a message


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


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


# A repository's habits are learned from its newest commits, this many: as many for the editor's
# coaching, `devfocus coach` and the scores in reports.
HABIT_SAMPLE = 200


def habits_of(commits: Sequence[Commit]) -> Habits:
    """What the repository's recent ``commits`` have in common (defaults for no history)."""
    sample = [c for c in commits if not c.merge and kind_of(c.subject) == "commit"]
    if not sample:
        return Habits()
    prefixed = 0
    types: Counter[str] = Counter()
    scopes: Counter[str] = Counter()
    capitals = cased = bodies = referenced = hashes = 0
    trailers: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    for commit in sample:
        message = read_message(commit.message, None)
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
        refs = references_in(kept)
        if refs:
            referenced += 1
            hashes += any(r.startswith("#") for r in refs)
            keys.update(r.split("-")[0] for r in refs if JIRA.fullmatch(r))
            for line in message.trailers:
                if references_in(line.text):
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
        median_lines=_median([lines_changed(c.files) for c in with_files]),
        median_areas=_median([len(areas_of(c.files)) for c in with_files]) if with_files else 1.0,
        body_share=bodies / count,
        reference_share=referenced / count,
        reference_trailer=reference_trailer,
        reference_keys=tuple(k for k, _ in keys.most_common()),
        hash_references=hashes * 2 >= referenced > 0,
    )


def file_limits(habits: Habits) -> tuple[float, float, float]:
    """(files, areas, lines) a commit may touch before it counts as too broad or too big."""
    files = max(10.0, 3 * habits.median_files)
    areas = max(3.0, habits.median_areas)
    lines = max(200.0, 2 * habits.median_lines)
    return files, areas, lines
