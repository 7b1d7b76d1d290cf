"""Sessions, context switches and deep work from activity (the timeline sweep).

Every expected number below is worked out by hand from the rules in the module docstring of
``devfocus.activity.timeline``: idle timeout 15 minutes and deep work 25 minutes unless a test
says otherwise, deep-work runs broken by pauses over 5 minutes.
"""

from __future__ import annotations

import itertools
import random
from datetime import datetime

import pytest

from devfocus.activity.records import Activity, Context, Kind
from devfocus.activity.timeline import (
    DeepWorkBlock,
    Session,
    Switch,
    Timeline,
    build_timeline,
    focus_between,
)
from tests.unit.timeline import ALPHA, BERLIN, BETA, DEEP, IDLE, MINUTE, edit, event, t


def blur(minute: float, source: str | None = None, seconds: float = 0.0) -> Activity:
    at = t(minute, seconds)
    return Activity(at, at, Kind.BLUR, None, source=source)


def pause(minute: float) -> Activity:
    return Activity(t(minute), t(minute), Kind.PAUSE, None)


def timeline(
    acts: list[Activity], *, idle: float = IDLE, deep: float = DEEP, gap: float = 300.0
) -> Timeline:
    return build_timeline(acts, idle_timeout=idle, deep_work=deep, deep_work_max_gap=gap)


def focus(tl: Timeline) -> float:
    return sum(s.seconds for s in tl.segments)


def local(*args: int, fold: int = 0) -> float:
    return datetime(*args, tzinfo=BERLIN, fold=fold).timestamp()  # type: ignore[misc]


# -- presence and sessions ------------------------------------------------------------------


def test_no_activity_gives_an_empty_timeline() -> None:
    tl = timeline([])
    assert tl.segments == []
    assert tl.sessions == []
    assert tl.switches == []
    assert tl.deep_work == []
    assert tl.tail is None


def test_a_single_edit_span_is_one_session_as_long_as_the_span() -> None:
    tl = timeline([edit(0, 1)])
    assert tl.sessions == [Session(0, t(0), t(1), 60.0)]
    assert focus(tl) == 60.0
    assert tl.switches == []
    assert tl.deep_work == []


def test_a_lone_instant_opens_a_session_without_focus_time() -> None:
    tl = timeline([event(0)])
    assert tl.sessions == [Session(0, t(0), t(0), 0.0)]
    assert focus(tl) == 0.0


def test_a_short_pause_between_activities_counts_as_focus() -> None:
    tl = timeline([edit(0, 1), edit(5, 6)])
    # 60 s editing, 240 s bridged pause, 60 s editing.
    assert focus(tl) == 360.0
    assert tl.sessions == [Session(0, t(0), t(6), 360.0)]
    bridged = [s for s in tl.segments if s.bridged]
    assert [(s.start, s.end) for s in bridged] == [(t(1), t(5))]


def test_pauses_between_instants_are_focus_time() -> None:
    tl = timeline([event(0), event(10)])
    assert focus(tl) == 600.0
    assert tl.sessions == [Session(0, t(0), t(10), 600.0)]


def test_a_bridged_pause_belongs_to_the_place_of_the_activity_before_it() -> None:
    tl = timeline(
        [
            edit(0, 1, path="a.py", language="python", editor="vscode"),
            edit(5, 6, path="b.py", language="rust", editor="neovim"),
        ]
    )
    bridged = next(s for s in tl.segments if s.bridged)
    assert (bridged.path, bridged.language, bridged.editor) == ("a.py", "python", "vscode")
    assert bridged.context == ALPHA


def test_a_gap_of_exactly_the_idle_timeout_keeps_one_session() -> None:
    tl = timeline([edit(0, 1), edit(16, 17)])
    # 60 + 900 (bridged, exactly the timeout) + 60.
    assert tl.sessions == [Session(0, t(0), t(17), 1020.0)]
    assert focus(tl) == 1020.0


def test_a_gap_one_second_over_the_idle_timeout_starts_a_new_session() -> None:
    tl = timeline([edit(0, 1), Activity(t(16, 1), t(17, 1), Kind.EDIT, ALPHA)])
    assert tl.sessions == [
        Session(0, t(0), t(1), 60.0),
        Session(1, t(16, 1), t(17, 1), 60.0),
    ]
    assert focus(tl) == 120.0


@pytest.mark.parametrize("idle_minutes", [1, 5, 30])
def test_the_idle_threshold_follows_the_setting(idle_minutes: int) -> None:
    idle = idle_minutes * MINUTE
    exact = timeline([event(0), event(idle_minutes)], idle=idle)
    over = timeline(
        [event(0), Activity(t(idle_minutes, 1), t(idle_minutes, 1), Kind.SAVE)], idle=idle
    )
    assert len(exact.sessions) == 1
    assert focus(exact) == idle
    assert len(over.sessions) == 2
    assert focus(over) == 0.0


def _scenario() -> list[Activity]:
    """Two sessions: alpha, beta, a blur, alpha again; then alpha after 20 idle minutes."""
    return [
        edit(0, 5),
        edit(7, 9, BETA),
        event(10, context=BETA),
        blur(11),
        edit(14, 20),
        edit(40, 41),
    ]


def test_the_scenario_has_the_hand_computed_sessions_and_switches() -> None:
    tl = timeline(_scenario())
    # Session 0: 300 edit + 120 bridged (alpha) + 120 edit + 60 + 60 bridged (beta),
    # idle 11..14 after the blur, then 360 edit = 1020. Session 1: 60.
    assert tl.sessions == [Session(0, t(0), t(20), 1020.0), Session(1, t(40), t(41), 60.0)]
    assert tl.switches == [Switch(t(7), ALPHA, BETA, 0), Switch(t(14), BETA, ALPHA, 0)]
    assert tl.deep_work == []
    assert focus(tl) == 1080.0


@pytest.mark.parametrize("seed", range(8))
def test_activity_in_any_order_gives_the_same_timeline(seed: int) -> None:
    acts = _scenario()
    shuffled = acts[:]
    random.Random(seed).shuffle(shuffled)
    assert timeline(shuffled) == timeline(acts)


@pytest.mark.parametrize("seed", range(4))
def test_duplicate_activity_is_counted_once(seed: int) -> None:
    acts = _scenario()
    doubled = acts * 3
    random.Random(seed).shuffle(doubled)
    assert timeline(doubled) == timeline(acts)


def test_a_save_and_a_blur_at_the_same_instant_give_one_result_in_any_order() -> None:
    acts = [edit(0, 5), event(5), blur(5), edit(8, 9)]
    results = [timeline(list(p)) for p in itertools.permutations(acts)]
    assert all(r == results[0] for r in results)


def test_two_windows_active_at_the_same_instant_give_one_result_in_any_order() -> None:
    acts = [
        edit(0, 5),
        event(6, source="w1"),
        event(6, context=BETA, source="w2"),
        edit(7, 8, BETA),
    ]
    results = [timeline(list(p)) for p in itertools.permutations(acts)]
    assert all(r.switches == results[0].switches for r in results)
    assert all(r == results[0] for r in results)


# -- calendar: midnight and daylight saving time --------------------------------------------


def test_a_session_across_local_midnight_is_one_session() -> None:
    midnight = local(2026, 1, 6, 0, 0)
    acts = [
        Activity(local(2026, 1, 5, 23, 50), midnight, Kind.EDIT, ALPHA),
        Activity(midnight, local(2026, 1, 6, 0, 10), Kind.EDIT, ALPHA),
    ]
    tl = timeline(acts)
    assert tl.sessions == [Session(0, local(2026, 1, 5, 23, 50), local(2026, 1, 6, 0, 10), 1200.0)]
    assert focus_between(tl.segments, midnight - 86400, midnight) == 600.0
    assert focus_between(tl.segments, midnight, midnight + 86400) == 600.0


def test_a_session_across_the_spring_dst_change_counts_real_elapsed_time() -> None:
    # 2026-03-29 in Berlin: 02:00 CET jumps to 03:00 CEST. 01:59 CET and 03:00 CEST are one
    # real minute apart.
    acts = [
        Activity(local(2026, 3, 29, 1, 50), local(2026, 3, 29, 1, 59), Kind.EDIT, ALPHA),
        Activity(local(2026, 3, 29, 3, 0), local(2026, 3, 29, 3, 10), Kind.EDIT, ALPHA),
    ]
    tl = timeline(acts)
    # 540 + 60 bridged + 600, although the wall clock moved 80 minutes.
    assert tl.sessions == [Session(0, local(2026, 3, 29, 1, 50), local(2026, 3, 29, 3, 10), 1200.0)]
    assert tl.sessions[0].end - tl.sessions[0].start == 1200.0


def test_a_session_across_the_autumn_dst_change_counts_real_elapsed_time() -> None:
    # 2026-10-25 in Berlin: 03:00 CEST falls back to 02:00 CET; 02:xx happens twice.
    start = local(2026, 10, 25, 2, 50)  # CEST
    acts = [
        Activity(start, local(2026, 10, 25, 2, 59), Kind.EDIT, ALPHA),
        Activity(
            local(2026, 10, 25, 2, 0, fold=1), local(2026, 10, 25, 2, 10, fold=1), Kind.EDIT, ALPHA
        ),
    ]
    tl = timeline(acts)
    # 540 + 60 bridged + 600, although the wall clock went from 02:50 back to 02:10.
    assert tl.sessions == [Session(0, start, local(2026, 10, 25, 2, 10, fold=1), 1200.0)]


# -- several windows at once ----------------------------------------------------------------


def test_overlapping_spans_from_two_windows_are_counted_once() -> None:
    tl = timeline(
        [
            edit(0, 10, source="w1", editor="vscode"),
            edit(5, 15, source="w2", editor="neovim"),
        ]
    )
    assert focus(tl) == 900.0
    assert tl.sessions == [Session(0, t(0), t(15), 900.0)]
    assert [(s.start, s.end, s.editor) for s in tl.segments] == [
        (t(0), t(10), "vscode"),
        (t(10), t(15), "neovim"),
    ]


def test_a_span_inside_another_windows_span_adds_nothing() -> None:
    tl = timeline([edit(0, 10, source="w1"), edit(2, 8, source="w2")])
    assert focus(tl) == 600.0


def test_interleaved_instants_from_two_windows_never_overlap() -> None:
    acts = [event(m, source="w1") for m in (0, 2, 4)] + [event(m, source="w2") for m in (1, 3, 5)]
    tl = timeline(acts)
    assert focus(tl) == 300.0
    for before, after in itertools.pairwise(tl.segments):
        assert after.start >= before.end


# -- context switches -------------------------------------------------------------------------


def test_switching_to_another_context_and_back_is_two_switches() -> None:
    tl = timeline([edit(0, 1), edit(2, 3, BETA), edit(4, 5)])
    assert tl.switches == [Switch(t(2), ALPHA, BETA, 0), Switch(t(4), BETA, ALPHA, 0)]
    assert focus(tl) == 300.0


def test_another_branch_of_the_same_project_is_another_context() -> None:
    feature = Context("/src/alpha", "feature")
    tl = timeline([edit(0, 1), edit(2, 3, feature)])
    assert tl.switches == [Switch(t(2), ALPHA, feature, 0)]


def test_a_new_context_after_an_idle_gap_is_not_a_switch() -> None:
    tl = timeline([edit(0, 1), edit(30, 31, BETA)])
    assert tl.switches == []
    assert len(tl.sessions) == 2


def test_switches_are_counted_only_inside_a_session() -> None:
    tl = timeline([edit(0, 1), edit(30, 31, BETA), edit(32, 33)])
    assert tl.switches == [Switch(t(32), BETA, ALPHA, 1)]


def test_activity_without_a_context_keeps_the_current_one() -> None:
    tl = timeline([edit(0, 1), event(3, Kind.FOCUS, None), edit(5, 6)])
    assert tl.switches == []
    assert focus(tl) == 360.0
    assert {s.context for s in tl.segments} == {ALPHA}


def test_a_window_without_a_file_between_two_contexts_is_one_switch() -> None:
    tl = timeline([edit(0, 1), event(2, Kind.FOCUS, None), edit(3, 4, BETA)])
    assert tl.switches == [Switch(t(3), ALPHA, BETA, 0)]


# -- blur and pause ---------------------------------------------------------------------------


def test_time_after_a_blur_is_not_focus_but_the_session_goes_on() -> None:
    tl = timeline([edit(0, 1), blur(2), edit(5, 6)])
    # 60 edit + 60 bridged up to the blur; 2..5 idle; 60 edit.
    assert focus(tl) == 180.0
    assert tl.sessions == [Session(0, t(0), t(6), 180.0)]
    assert [(s.start, s.end) for s in tl.segments] == [(t(0), t(1)), (t(1), t(2)), (t(5), t(6))]


def test_even_a_very_short_blur_is_not_focus() -> None:
    tl = timeline([edit(0, 1), blur(1), edit(1.5, 2)])
    assert focus(tl) == 90.0
    assert len(tl.sessions) == 1


def test_after_a_blur_the_idle_timeout_counts_from_the_blur() -> None:
    same = timeline([edit(0, 1), blur(2), edit(17, 18)])
    assert same.sessions == [Session(0, t(0), t(18), 180.0)]
    new = timeline([edit(0, 1), blur(2), Activity(t(17, 1), t(18, 1), Kind.EDIT, ALPHA)])
    assert new.sessions == [Session(0, t(0), t(2), 120.0), Session(1, t(17, 1), t(18, 1), 60.0)]


def test_the_timeline_ends_blurred_after_a_blur() -> None:
    tl = timeline([edit(0, 1), blur(2)])
    assert tl.tail is not None
    assert tl.tail.blurred
    assert tl.tail.presence_end == t(2)
    assert tl.tail.context == ALPHA


def test_a_blur_from_another_window_is_ignored() -> None:
    with_blur = timeline([edit(0, 1, source="w1"), blur(2, "w2"), edit(5, 6, source="w1")])
    without = timeline([edit(0, 1, source="w1"), edit(5, 6, source="w1")])
    assert focus(with_blur) == 360.0
    assert with_blur.sessions == without.sessions
    assert with_blur.tail is not None
    assert not with_blur.tail.blurred


def test_a_blur_from_another_window_does_not_keep_a_session_alive() -> None:
    # Without the foreign blur: 27 idle minutes, so two sessions of one minute each.
    with_blur = timeline([edit(0, 1, source="w1"), blur(14, "w2"), edit(28, 29, source="w1")])
    without = timeline([edit(0, 1, source="w1"), edit(28, 29, source="w1")])
    assert without.sessions == [Session(0, t(0), t(1), 60.0), Session(1, t(28), t(29), 60.0)]
    assert with_blur.sessions == without.sessions
    assert focus(with_blur) == 120.0


def test_moving_to_another_window_is_not_a_pause() -> None:
    # w2 gains focus at minute 2; w1's blur arrives a second later and is not the active one.
    acts = [
        edit(0, 1, source="w1"),
        event(2, Kind.FOCUS, source="w2"),
        blur(2, "w1", seconds=1),
        edit(5, 6, source="w2"),
    ]
    tl = timeline(acts)
    assert focus(tl) == 360.0
    assert tl.tail is not None
    assert not tl.tail.blurred


def test_a_blur_after_the_idle_timeout_changes_nothing() -> None:
    assert timeline([edit(0, 1), blur(20)]) == timeline([edit(0, 1)])


def test_a_second_blur_while_blurred_changes_nothing() -> None:
    assert focus(timeline([edit(0, 1), blur(2), blur(3), edit(5, 6)])) == 180.0


def test_a_second_blur_while_blurred_does_not_keep_a_session_alive() -> None:
    # Idle from the first blur (minute 2) until minute 24: 22 minutes, a new session.
    tl = timeline([edit(0, 1), blur(2), blur(10), edit(24, 25)])
    assert tl.sessions == [Session(0, t(0), t(2), 120.0), Session(1, t(24), t(25), 60.0)]
    assert tl.sessions == timeline([edit(0, 1), blur(2), edit(24, 25)]).sessions


def test_a_pause_ends_presence_like_a_blur() -> None:
    tl = timeline([edit(0, 1), pause(2), edit(5, 6)])
    assert focus(tl) == 180.0
    assert tl.sessions == [Session(0, t(0), t(6), 180.0)]
    assert tl.sessions == timeline([edit(0, 1), blur(2), edit(5, 6)]).sessions


def test_after_a_pause_the_idle_timeout_counts_from_the_pause() -> None:
    same = timeline([edit(0, 1), pause(2), edit(17, 18)])
    assert len(same.sessions) == 1
    new = timeline([edit(0, 1), pause(2), Activity(t(17, 1), t(18, 1), Kind.EDIT, ALPHA)])
    assert len(new.sessions) == 2


def test_a_timeline_ending_in_a_pause_is_not_present() -> None:
    tl = timeline([edit(0, 1), pause(1)])
    assert tl.tail is not None
    assert tl.tail.blurred
    assert tl.tail.presence_end == t(1)


# -- deep work --------------------------------------------------------------------------------


def test_exactly_the_deep_work_length_makes_a_block() -> None:
    tl = timeline([edit(0, 25)])
    assert tl.deep_work == [DeepWorkBlock(t(0), t(25), ALPHA, 1500.0, 0)]


def test_one_second_short_of_the_deep_work_length_is_no_block() -> None:
    tl = timeline([Activity(t(0), t(25, -1), Kind.EDIT, ALPHA)])
    assert tl.deep_work == []


def test_pauses_of_exactly_five_minutes_keep_a_deep_work_run() -> None:
    tl = timeline([event(m) for m in (0, 5, 10, 15, 20, 25)])
    assert tl.deep_work == [DeepWorkBlock(t(0), t(25), ALPHA, 1500.0, 0)]


def test_a_pause_of_five_minutes_inside_a_run_counts_toward_it() -> None:
    tl = timeline([edit(0, 10), edit(15, 30)])
    assert tl.deep_work == [DeepWorkBlock(t(0), t(30), ALPHA, 1800.0, 0)]


def test_a_pause_of_five_minutes_and_a_second_breaks_the_run() -> None:
    tl = timeline([edit(0, 10), Activity(t(15, 1), t(30, 1), Kind.EDIT, ALPHA)])
    # Runs of 600 s and 900 s: neither is deep work, though the pause is still focus.
    assert tl.deep_work == []
    assert focus(tl) == 600.0 + 301.0 + 900.0
    assert len(tl.sessions) == 1


def test_a_run_starts_again_after_a_long_pause() -> None:
    tl = timeline([edit(0, 10), Activity(t(15, 1), t(45, 1), Kind.EDIT, ALPHA)])
    assert tl.deep_work == [DeepWorkBlock(t(15, 1), t(45, 1), ALPHA, 1800.0, 0)]


def test_a_context_switch_breaks_a_deep_work_run() -> None:
    assert timeline([edit(0, 15), edit(15, 30, BETA)]).deep_work == []


def test_a_quick_switch_away_and_back_breaks_a_deep_work_run() -> None:
    assert timeline([edit(0, 15), edit(15, 16, BETA), edit(16, 31)]).deep_work == []


def test_deep_work_after_a_switch_belongs_to_the_new_context() -> None:
    tl = timeline([edit(0, 15), edit(15, 45, BETA)])
    assert tl.deep_work == [DeepWorkBlock(t(15), t(45), BETA, 1800.0, 0)]


def test_activity_without_any_context_is_never_deep_work() -> None:
    assert timeline([edit(0, 30, None)]).deep_work == []


def test_a_window_without_a_file_inside_a_run_keeps_the_run() -> None:
    tl = timeline([edit(0, 10), edit(10, 20, None), edit(20, 25)])
    assert tl.deep_work == [DeepWorkBlock(t(0), t(25), ALPHA, 1500.0, 0)]


def test_a_short_blur_inside_a_run_is_not_counted_but_keeps_the_run() -> None:
    tl = timeline([edit(0, 10), blur(10), edit(12, 27)])
    # 600 + 900 of focus; the two blurred minutes are not focus.
    assert tl.deep_work == [DeepWorkBlock(t(0), t(27), ALPHA, 1500.0, 0)]


def test_a_deep_work_block_ends_with_its_session() -> None:
    tl = timeline([edit(0, 25), edit(50, 60)])
    assert tl.deep_work == [DeepWorkBlock(t(0), t(25), ALPHA, 1500.0, 0)]
    assert len(tl.sessions) == 2


def test_deep_work_blocks_record_their_session() -> None:
    tl = timeline([edit(0, 1), edit(30, 60)])
    assert tl.deep_work == [DeepWorkBlock(t(30), t(60), ALPHA, 1800.0, 1)]


def test_the_deep_work_length_follows_the_setting() -> None:
    assert timeline([edit(0, 10)], deep=600.0).deep_work == [
        DeepWorkBlock(t(0), t(10), ALPHA, 600.0, 0)
    ]
    assert timeline([edit(0, 10)], deep=601.0).deep_work == []


# -- focus_between ----------------------------------------------------------------------------


def test_focus_between_clips_segments_to_the_window() -> None:
    tl = timeline([edit(0, 1), edit(2, 3), edit(5, 6)])
    segs = tl.segments  # continuous 0..6: 360 s
    assert focus_between(segs, t(0, 30), t(5, 30)) == 300.0
    assert focus_between(segs, t(0), t(6)) == 360.0


def test_focus_between_skips_blurred_time() -> None:
    tl = timeline([edit(0, 1), blur(2), edit(5, 6)])
    assert focus_between(tl.segments, t(0, 30), t(5, 30)) == 30.0 + 60.0 + 30.0


def test_focus_between_a_window_outside_all_activity_is_zero() -> None:
    tl = timeline([edit(10, 20)])
    assert focus_between(tl.segments, t(0), t(10)) == 0.0
    assert focus_between(tl.segments, t(20), t(30)) == 0.0
    assert focus_between([], t(0), t(30)) == 0.0


def test_focus_between_an_empty_or_reversed_window_is_zero() -> None:
    tl = timeline([edit(10, 20)])
    assert focus_between(tl.segments, t(15), t(15)) == 0.0
    assert focus_between(tl.segments, t(16), t(14)) == 0.0
