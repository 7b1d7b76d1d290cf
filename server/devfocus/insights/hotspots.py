"""Hotspots: the files and definitions you keep changing, among the files you spend the most
time in (pure).

The rank rule: files are ranked by their focus time in the period, the most first (equal times
in path order); only files with some focus time are ranked. A file is *among the files with the
most focus time* when its rank is at most :data:`TOP_FILES`.

* A file is a hotspot when it is so ranked and at least ``min_commits`` of the developer's
  commits in the period touched it.
* A definition is a hotspot when its file is so ranked and at least ``min_commits`` of those
  commits changed its lines (a definition's own focus time is not recorded: its file's counts).

Merges are not counted: they repeat changes made in other commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from devfocus.activity.timeline import Segment
from devfocus.git.model import RepoCommit
from devfocus.insights.insight import Evidence, Insight, Severity
from devfocus.text import plural
from devfocus.timeutil import overlap

TOP_FILES = 5  # a hotspot's file is among this many files with the most focus time


@dataclass(frozen=True, slots=True)
class FileRank:
    path: str  # absolute POSIX
    seconds: float  # focus time in the period
    rank: int  # 1: the most focus time
    ranked: int  # how many files have some focus time


@dataclass(frozen=True)
class FocusRanking:
    """Every file with focus time in a period, by its absolute POSIX path."""

    files: Mapping[str, FileRank] = field(default_factory=dict)

    def of(self, path: str) -> FileRank | None:
        return self.files.get(path)

    def seconds(self, path: str) -> float:
        rank = self.files.get(path)
        return rank.seconds if rank is not None else 0.0


@dataclass(frozen=True, slots=True)
class DefinitionChurn:
    """The developer's commits in the period that changed one definition's lines."""

    path: str  # its file, absolute POSIX
    qualname: str  # "Cart.total"
    commits: Sequence[str]  # commit ids


def rank_files(focus: Mapping[str, float]) -> FocusRanking:
    """The ranking of ``focus`` (absolute path → focus seconds); see the module's rank rule."""
    ordered = sorted(((p, s) for p, s in focus.items() if s > 0), key=lambda ps: (-ps[1], ps[0]))
    count = len(ordered)
    ranks = {p: FileRank(p, s, n, count) for n, (p, s) in enumerate(ordered, start=1)}
    return FocusRanking(ranks)


def focus_by_file(segments: Iterable[Segment], start: float, end: float) -> dict[str, float]:
    """Focus seconds per file (absolute POSIX path) in [start, end). A segment's path is relative
    to its project, or absolute without one."""
    totals: dict[str, float] = defaultdict(float)
    for segment in segments:
        where = segment.path
        if where is None or segment.end <= start or segment.start >= end:
            continue
        context = segment.context
        if context is not None and not where.startswith("/"):
            where = f"{context.project.rstrip('/')}/{where}"
        totals[where] += overlap(segment.start, segment.end, start, end)
    return dict(totals)


def commits_by_file(commits: Iterable[RepoCommit]) -> dict[str, list[str]]:
    """The ids of ``commits`` (the developer's, in the period) per file they touched (absolute
    POSIX path, the file's name in that commit), in the order given; merges left out."""
    touched: dict[str, list[str]] = defaultdict(list)
    for item in commits:
        commit = item.commit
        if commit.merge:
            continue
        root = item.root.rstrip("/")
        for change in commit.files:
            touched[f"{root}/{change.path}"].append(commit.sha)
    return dict(touched)


def authored_by(name: str, email: str, wanted: Iterable[str | None]) -> bool:
    """Whether a commit by ``name`` <``email``> is the developer's: ``wanted`` are their emails
    or names (``devfocus.git.authors``, else the repository's ``user.email``); none: everyone's
    (a fresh clone with no ``user.email``), as :func:`devfocus.insights.commitfacts.is_mine`."""
    folded = {w.strip().casefold() for w in wanted if w and w.strip()}
    return not folded or email.casefold() in folded or name.casefold() in folded


def find_hotspots(
    ranking: FocusRanking,
    file_commits: Mapping[str, Sequence[str]],
    *,
    min_commits: float,
    start: float,
    end: float,
    definitions: Iterable[DefinitionChurn] = (),
    during: str = "in this period",
    severity: Severity = "hint",
    top: int = TOP_FILES,
) -> list[Insight]:
    """The hotspots of the period [start, end): files (with ``file_commits``, absolute path →
    the developer's commit ids that touched it) and ``definitions``, by the module's rules.
    ``during`` names the period in the messages ("this week"). Files first, each followed by
    its definitions; the most commits first."""
    window = _Window(start, end, during, severity)
    found: list[Insight] = []
    for path, commits in file_commits.items():
        rank = ranking.of(path)
        if rank is not None and rank.rank <= top and len(set(commits)) >= min_commits:
            found.append(_file_insight(path, commits, rank, min_commits, window))
    for churn in definitions:
        rank = ranking.of(churn.path)
        if rank is None or rank.rank > top or len(set(churn.commits)) < min_commits:
            continue
        found.append(_definition_insight(churn, rank, min_commits, window))
    return sorted(found, key=_order)


def _order(insight: Insight) -> tuple[str, bool, float, str]:
    commits = insight.evidence.numbers.get("commits", 0)
    return (insight.path or "", insight.definition is not None, -commits, insight.id)


def _numbers(commits: int, rank: FileRank, min_commits: float) -> dict[str, float]:
    return {
        "commits": commits,
        "focusSeconds": rank.seconds,
        "rank": rank.rank,
        "rankedFiles": rank.ranked,
        "minCommits": min_commits,
    }


def _file_name(path: str) -> str:
    return path.rstrip("/").rpartition("/")[2] or path


@dataclass(frozen=True, slots=True)
class _Window:
    """What every insight of one call shares: the period, its name, the severity."""

    start: float
    end: float
    during: str
    severity: Severity


def _file_insight(
    path: str, commits: Sequence[str], rank: FileRank, min_commits: float, window: _Window
) -> Insight:
    ids = tuple(dict.fromkeys(commits))
    name = _file_name(path)
    return Insight(
        id=f"hotspot:{path}",
        kind="hotspot",
        severity=window.severity,
        start=window.start,
        end=window.end,
        message=(
            f"{name} is a hotspot: {_commits(len(ids))} {window.during} and "
            f"{_duration(rank.seconds)} of your focus (your #{rank.rank} file by focus time); "
            "code that keeps changing where you spend your time may be worth a test or a "
            "simpler shape."
        ),
        evidence=Evidence(_numbers(len(ids), rank, min_commits), files=(path,), commits=ids),
        path=path,
    )


def _definition_insight(
    churn: DefinitionChurn, rank: FileRank, min_commits: float, window: _Window
) -> Insight:
    ids = tuple(dict.fromkeys(churn.commits))
    name = _file_name(churn.path)
    return Insight(
        id=f"hotspot:{churn.path}::{churn.qualname}",
        kind="hotspot",
        severity=window.severity,
        start=window.start,
        end=window.end,
        message=(
            f"{churn.qualname} is a hotspot: {_commits(len(ids))} changed it {window.during}, and "
            f"{name} had {_duration(rank.seconds)} of your focus (your #{rank.rank} file by "
            "focus time); code that keeps changing where you spend your time may be worth a "
            "test or a simpler shape."
        ),
        evidence=Evidence(_numbers(len(ids), rank, min_commits), files=(churn.path,), commits=ids),
        path=churn.path,
        definition=churn.qualname,
    )


def _commits(count: int) -> str:
    return f"{count} of your commits"


def _duration(seconds: float) -> str:
    # Deferred: the renderers import the report model, which may import this module.
    from devfocus.insights.render_parts import duration

    return duration(seconds)


def hotspot_line(insight: Insight, during: str = "this week") -> str:
    """The hover's line for a hotspot: "Hotspot: 5 commits and 2h 10m of focus this week"."""
    numbers = insight.evidence.numbers
    commits = plural(int(numbers.get("commits", 0)), "commit")
    focus = _duration(numbers.get("focusSeconds", 0.0))
    return f"Hotspot: {commits} and {focus} of focus {during}"
