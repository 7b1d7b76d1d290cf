"""Sessions from commit history, their ``git-hours`` total, and the activity they give the
timeline sweep. Times are minutes after 09:00 UTC on 2026-01-05 (``t``); expectations are worked
out by hand from the module docstring of ``devfocus.git.sessions`` and of the sweep (idle timeout
15 minutes, deep work 25 minutes)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devfocus.activity.records import Activity, Context, Kind
from devfocus.activity.timeline import Switch, Timeline, build_timeline
from devfocus.git.sessions import (
    CommitPoint,
    CommitSession,
    commit_sessions,
    git_hours,
    history_activity,
)
from tests.unit.timeline import ALPHA, BETA, DEEP, IDLE, MINUTE, edit, t

HOUR = 60 * MINUTE
GAP = 30 * MINUTE  # the settings' defaults
CREDIT = 30 * MINUTE
FEATURE = Context("/src/alpha", "feature/x")

_shas = iter(range(10**9))


def commit(minute: float, context: Context = ALPHA, sha: str | None = None) -> CommitPoint:
    return CommitPoint(t(minute), context.project, context.branch, sha or f"{next(_shas):040x}")


def sessions_of(
    *points: CommitPoint, gap: float = GAP, credit: float = CREDIT
) -> list[CommitSession]:
    return commit_sessions(points, gap=gap, credit=credit)


def spans(acts: Sequence[Activity]) -> list[tuple[float, float, Context | None]]:
    """COMMITS spans as (start minute, end minute, context)."""
    return [
        ((a.start - t(0)) / MINUTE, (a.end - t(0)) / MINUTE, a.context)
        for a in acts
        if a.kind is Kind.COMMITS
    ]


def checkouts_of(acts: Sequence[Activity]) -> list[tuple[float, Context | None]]:
    return [((a.start - t(0)) / MINUTE, a.context) for a in acts if a.kind is Kind.CHECKOUT]


def timeline(acts: Sequence[Activity]) -> Timeline:
    return build_timeline(acts, idle_timeout=IDLE, deep_work=DEEP)


def focus(tl: Timeline) -> float:
    return sum(s.seconds for s in tl.segments)


# -- commit_sessions ---------------------------------------------------------------------------


def test_no_commits_no_sessions() -> None:
    assert sessions_of() == []
    assert git_hours([]) == 0.0


def test_one_commit_is_a_session_of_exactly_the_credit() -> None:
    c = commit(60)
    assert sessions_of(c) == [CommitSession(t(30), t(60), (c,))]
    assert sessions_of(c)[0].seconds == CREDIT


def test_commits_at_most_the_gap_apart_share_a_session() -> None:
    a, b, c, d = commit(0), commit(30), commit(60), commit(91)  # 30, 30, then 31 minutes
    assert sessions_of(d, b, a, c) == [  # any input order
        CommitSession(t(-30), t(60), (a, b, c)),
        CommitSession(t(61), t(91), (d,)),
    ]


def test_a_session_never_starts_before_the_previous_one_ends() -> None:
    # gap 10 minutes, credit 30: the second commit starts a session whose credit would reach
    # back over the first one.
    a, b = commit(0), commit(20)
    got = sessions_of(a, b, gap=10 * MINUTE)
    assert got == [CommitSession(t(-30), t(0), (a,)), CommitSession(t(0), t(20), (b,))]
    assert sum(s.seconds for s in got) == 50 * MINUTE


def test_sessions_span_projects_one_timeline() -> None:
    a, b = commit(0, ALPHA), commit(20, BETA)
    assert sessions_of(a, b) == [CommitSession(t(-30), t(20), (a, b))]


def test_a_commit_seen_in_two_clones_counts_once() -> None:
    clone = CommitPoint(t(0), "/src/alpha-copy", None, "f" * 40)
    original = CommitPoint(t(0), "/src/alpha", "main", "f" * 40)
    other = commit(10)
    got = sessions_of(clone, other, original)
    assert got == [CommitSession(t(-30), t(10), (original, other))]  # the one with a branch


def test_commits_at_one_instant() -> None:
    a, b = commit(5, ALPHA), commit(5, BETA)
    got = sessions_of(b, a)
    assert [(s.start, s.end, len(s.commits)) for s in got] == [(t(-25), t(5), 2)]


def test_credit_zero_gives_sessions_of_the_commits_alone() -> None:
    a, b, c = commit(0), commit(20), commit(100)
    got = sessions_of(a, b, c, credit=0)
    assert [(s.start, s.end) for s in got] == [(t(0), t(20)), (t(100), t(100))]
    assert history_activity(got[1:]) == []  # a lone commit with no credit is no time


@pytest.mark.parametrize(
    "base",
    [0.0, 86_400.0 * 365 * 130],  # 1970-01-01 (the credit reaches into 1969) and 2100
)
def test_dates_far_from_now(base: float) -> None:
    a = CommitPoint(base, "/src/alpha", "main", "a" * 40)
    b = CommitPoint(base + 600, "/src/alpha", "main", "b" * 40)
    got = commit_sessions([a, b], gap=GAP, credit=CREDIT)
    assert got == [CommitSession(base - CREDIT, base + 600, (a, b))]
    assert history_activity(got) == [
        Activity(base - CREDIT, base + 600, Kind.COMMITS, ALPHA, source="git")
    ]


def test_negative_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        commit_sessions([], gap=-1, credit=0)


# -- git_hours -----------------------------------------------------------------------------------


def test_git_hours_by_hand() -> None:
    # 09:00, 10:00, 12:00 (exactly two hours later: not < 2 h, a new session), 12:01:40
    times = [t(0), t(180, 100), t(60), t(180)]
    assert git_hours(times) == 7200 + 3600 + 7200 + 100
    # The tool itself prints round((3600 + 7200 + 100) / 3600) = 3 hours: it leaves out the
    # first commit's addition.


def test_git_hours_with_other_limits() -> None:
    times = [0.0, 100.0, 400.0, 1000.0]  # differences 100, 300, 600
    assert git_hours(times, max_commit_diff=300, first_commit_addition=50) == 50 + 100 + 50 + 50
    assert git_hours([42.0]) == 7200


def total(times: Sequence[float], *, gap: float = 7200, credit: float = 7200) -> float:
    points = [CommitPoint(at, "/src/p", None, f"{i:040x}") for i, at in enumerate(times)]
    return sum(s.seconds for s in commit_sessions(points, gap=gap, credit=credit))


@pytest.mark.parametrize(
    "times",
    [
        [0.0],
        [0.0, 7199.0],
        [0.0, 7200.0],  # the boundary: git-hours adds the difference or the addition, both 2 h
        [0.0, 7201.0],
        [0.0, 0.0, 0.0],
        [5000.0, 0.0, 30_000.0, 30_001.0, 14_400.0],
        [-3600.0, 0.0, 86_400.0 * 365 * 130],
    ],
)
def test_sessions_with_two_hour_gap_and_credit_total_git_hours(times: list[float]) -> None:
    assert total(times) == git_hours(times)


@given(st.lists(st.integers(min_value=-(10**9), max_value=10**10), min_size=1, max_size=60))
def test_sessions_total_git_hours_for_any_history(times: list[int]) -> None:
    floats = [float(x) for x in times]
    assert total(floats) == git_hours(floats)


@given(
    st.lists(st.integers(min_value=0, max_value=50_000), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
)
def test_any_gap_and_credit_within_it_total_git_hours(
    times: list[int], gap: int, credit: int
) -> None:
    # The two differ only at a difference of exactly the gap: a session goes on over it, while
    # git-hours (strict <) credits the addition instead.
    credit = min(credit, gap)
    floats = [float(x) for x in times]
    exact = sorted(floats)
    at_gap = sum(1 for a, b in pairwise(exact) if b - a == gap)
    expected = git_hours(floats, max_commit_diff=gap, first_commit_addition=credit)
    assert total(floats, gap=gap, credit=credit) == expected + at_gap * (gap - credit)


def test_random_float_histories_total_git_hours() -> None:
    rng = random.Random(20260105)
    for _ in range(200):
        times = [rng.uniform(0, 100_000) for _ in range(rng.randint(1, 50))]
        assert total(times) == pytest.approx(git_hours(times), abs=1e-6)


@given(st.lists(st.integers(min_value=0, max_value=20_000), min_size=1, max_size=40))
def test_sessions_are_ordered_disjoint_and_hold_every_commit(times: list[int]) -> None:
    points = [CommitPoint(float(x), "/src/p", None, f"{i:040x}") for i, x in enumerate(times)]
    got = commit_sessions(points, gap=600, credit=900)
    assert sum(len(s.commits) for s in got) == len(points)
    for s in got:
        assert s.start <= s.commits[0].at and s.end == s.commits[-1].at
    for before, after in pairwise(got):
        assert before.end <= after.start
        assert after.commits[0].at - before.end > 600


# -- history_activity --------------------------------------------------------------------------


def test_the_work_before_a_commit_belongs_to_its_context() -> None:
    got = history_activity(
        sessions_of(commit(30, ALPHA), commit(50, ALPHA), commit(70, FEATURE), commit(75, BETA))
    )
    # [0, 30] and [30, 50] are both ALPHA: one span
    assert spans(got) == [(0, 50, ALPHA), (50, 70, FEATURE), (70, 75, BETA)]
    assert checkouts_of(got) == []
    assert all(a.source == "git" and a.editor is None and a.path is None for a in got)


def test_history_gives_the_sweep_sessions_and_switches_but_no_deep_work() -> None:
    tl = timeline(
        history_activity(sessions_of(commit(30, ALPHA), commit(50, ALPHA), commit(70, FEATURE)))
    )
    assert [(s.start, s.end, s.focus_seconds) for s in tl.sessions] == [(t(0), t(70), 70 * MINUTE)]
    assert tl.switches == [Switch(t(50), ALPHA, FEATURE, 0)]
    # Commits say that someone worked, not how deeply: history time is never deep work.
    assert tl.deep_work == []


def test_a_checkout_moves_the_switch_to_when_it_happened() -> None:
    sessions = sessions_of(commit(30, ALPHA), commit(80, FEATURE), gap=HOUR)
    without = history_activity(sessions)
    assert spans(without) == [(0, 30, ALPHA), (30, 80, FEATURE)]

    got = history_activity(sessions, checkouts=[(t(40), FEATURE.project, FEATURE.branch)])
    assert spans(got) == [(0, 40, ALPHA), (40, 80, FEATURE)]
    assert checkouts_of(got) == [(40, FEATURE)]
    tl = timeline(got)
    assert tl.switches == [Switch(t(40), ALPHA, FEATURE, 0)]
    assert focus(tl) == 80 * MINUTE
    assert tl.deep_work == []


def test_time_after_a_checkout_is_the_new_branch_until_the_next_commit() -> None:
    # Checked out the feature branch, then went back to main (no checkout recorded) and
    # committed there: the history can only say the feature branch had the time in between.
    sessions = sessions_of(commit(30, ALPHA), commit(60, ALPHA), commit(70, ALPHA), gap=HOUR)
    got = history_activity(sessions, checkouts=[(t(40), FEATURE.project, FEATURE.branch)])
    assert spans(got) == [(0, 40, ALPHA), (40, 60, FEATURE), (60, 70, ALPHA)]
    tl = timeline(got)
    assert [(s.at, s.before, s.after) for s in tl.switches] == [
        (t(40), ALPHA, FEATURE),
        (t(60), FEATURE, ALPHA),
    ]


def test_checkouts_outside_sessions_are_ignored() -> None:
    sessions = sessions_of(commit(30, ALPHA))  # [0, 30]
    moves = [(t(-1), "/src/alpha", "x"), (t(30), "/src/alpha", "y"), (t(90), "/src/alpha", "z")]
    got = history_activity(sessions, checkouts=moves)
    assert got == [Activity(t(0), t(30), Kind.COMMITS, ALPHA, source="git")]


def test_a_checkout_at_the_session_start_takes_it_whole() -> None:
    sessions = sessions_of(commit(30, ALPHA))
    got = history_activity(sessions, checkouts=[(t(0), BETA.project, BETA.branch)])
    assert spans(got) == [(0, 30, BETA)]
    assert checkouts_of(got) == [(0, BETA)]


def test_editor_activity_is_the_authority_where_it_exists() -> None:
    # One session [0, 90] on ALPHA; the editor saw [40, 60] (from two overlapping intervals in
    # any order) and [85, 100].
    sessions = sessions_of(commit(30), commit(60), commit(90))
    covered = [(t(50), t(60)), (t(40), t(55)), (t(85), t(100))]
    got = history_activity(sessions, covered=covered)
    assert spans(got) == [(0, 40, ALPHA), (60, 85, ALPHA)]

    # From history alone the 20-minute hole is longer than the idle timeout: two sessions, with
    # focus equal to the session minus the covered parts (90 - 20 - 5).
    tl = timeline(got)
    assert [(s.start, s.end) for s in tl.sessions] == [(t(0), t(40)), (t(60), t(85))]
    assert focus(tl) == 65 * MINUTE

    # With the editor's activity the day is whole again, each minute counted once.
    both = timeline([*got, edit(40, 60), edit(85, 100)])
    assert [(s.start, s.end) for s in both.sessions] == [(t(0), t(100))]
    assert focus(both) == 100 * MINUTE


def test_a_short_covered_hole_is_bridged_by_the_sweep() -> None:
    # Clipping leaves a 10-minute hole; the sweep bridges pauses up to 15 minutes, so from
    # history alone the user sees one session with the hole counted as (bridged) focus.
    sessions = sessions_of(commit(30), commit(60), commit(90))
    got = history_activity(sessions, covered=[(t(40), t(50))])
    assert spans(got) == [(0, 40, ALPHA), (50, 90, ALPHA)]
    tl = timeline(got)
    assert [(s.start, s.end, s.focus_seconds) for s in tl.sessions] == [(t(0), t(90), 90 * MINUTE)]
    assert [(s.start, s.end) for s in tl.segments if s.bridged] == [(t(40), t(50))]


def test_a_checkout_the_editor_saw_is_not_repeated() -> None:
    sessions = sessions_of(commit(30, ALPHA), commit(80, FEATURE), gap=HOUR)
    checkouts = [(t(40), FEATURE.project, FEATURE.branch)]
    got = history_activity(sessions, checkouts=checkouts, covered=[(t(35), t(45))])
    assert checkouts_of(got) == []
    # it still says the time before it was on main and the time after on the feature branch
    assert spans(got) == [(0, 35, ALPHA), (45, 80, FEATURE)]


@pytest.mark.parametrize(
    ("covered", "emitted"),
    [
        ((35, 40), []),  # the editor was there the instant it happened
        ((40, 45), []),
        ((30, 39), [(40, FEATURE)]),
        ((41, 45), [(40, FEATURE)]),
    ],
)
def test_a_checkout_at_the_edge_of_editor_activity(
    covered: tuple[int, int], emitted: list[tuple[float, Context]]
) -> None:
    sessions = sessions_of(commit(30, ALPHA), commit(80, FEATURE), gap=HOUR)
    checkouts = [(t(40), FEATURE.project, FEATURE.branch)]
    got = history_activity(sessions, checkouts=checkouts, covered=[(t(covered[0]), t(covered[1]))])
    assert checkouts_of(got) == emitted


def test_a_session_wholly_covered_gives_nothing() -> None:
    sessions = sessions_of(commit(30), commit(40))
    assert history_activity(sessions, covered=[(t(-5), t(45))]) == []


def test_commit_sessions_apart_give_sweep_sessions_apart() -> None:
    # Commits at 30 and 120: history sessions [0, 30] and [90, 120], 60 minutes apart.
    tl = timeline(history_activity(sessions_of(commit(30), commit(120))))
    assert [(s.start, s.end, s.focus_seconds) for s in tl.sessions] == [
        (t(0), t(30), 30 * MINUTE),
        (t(90), t(120), 30 * MINUTE),
    ]


def test_commit_sessions_closer_than_the_idle_timeout_are_one_sweep_session() -> None:
    # Commits 40 minutes apart are two history sessions ([0, 30] and [40, 70], the second's
    # credit ending where the first ended plus 10 minutes); the sweep bridges the 10 minutes.
    history = sessions_of(commit(30), commit(70))
    assert [(s.start, s.end) for s in history] == [(t(0), t(30)), (t(40), t(70))]
    tl = timeline(history_activity(history))
    assert [(s.start, s.end, s.focus_seconds) for s in tl.sessions] == [(t(0), t(70), 70 * MINUTE)]


def test_output_is_in_time_order_across_sessions() -> None:
    history = sessions_of(commit(30), commit(200, BETA), commit(400, FEATURE))
    moves = [(t(190), FEATURE.project, FEATURE.branch)]
    got = history_activity(list(reversed(history)), checkouts=moves)
    assert [a.start for a in got] == sorted(a.start for a in got)
    assert spans(got) == [
        (0, 30, ALPHA),
        (170, 190, BETA),
        (190, 200, FEATURE),
        (370, 400, FEATURE),
    ]
    assert checkouts_of(got) == [(190, FEATURE)]


def uncovered_minutes(history: list[CommitSession], covered: list[tuple[int, int]]) -> int:
    """Brute force: the whole minutes inside sessions and outside every covered interval."""
    hit = {m for a, b in covered for m in range(a, b)}
    minutes = set()
    for s in history:
        minutes |= set(range(round(s.start / 60), round(s.end / 60)))
    return len(minutes - hit)


@given(
    st.lists(st.integers(min_value=0, max_value=600), min_size=1, max_size=30),
    st.lists(
        st.tuples(st.integers(0, 650), st.integers(0, 60)).map(lambda p: (p[0], p[0] + p[1])),
        max_size=8,
    ),
    st.lists(st.integers(min_value=0, max_value=600), max_size=6),
)
def test_history_time_is_the_sessions_minus_the_covered_parts(
    minutes: list[int], covered: list[tuple[int, int]], moves: list[int]
) -> None:
    contexts = [ALPHA, BETA, FEATURE]
    points = [
        CommitPoint(m * 60.0, contexts[i % 3].project, contexts[i % 3].branch, f"{i:040x}")
        for i, m in enumerate(minutes)
    ]
    history = commit_sessions(points, gap=20 * 60, credit=10 * 60)
    checkouts = [(m * 60.0, BETA.project, f"b{m}") for m in moves]
    got = history_activity(
        history, checkouts=checkouts, covered=[(a * 60.0, b * 60.0) for a, b in covered]
    )
    commits = [a for a in got if a.kind is Kind.COMMITS]
    assert sum(a.end - a.start for a in commits) == uncovered_minutes(history, covered) * 60
    for before, after in pairwise(commits):
        assert before.end <= after.start
    for a in got:
        assert not any(lo * 60 < a.start < hi * 60 for lo, hi in covered)
