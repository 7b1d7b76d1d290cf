"""The live status: state, session and today's focus, deep work, switches in the last hour.

Idle timeout 15 minutes and deep work 25 minutes unless a test says otherwise; every expected
number is worked out by hand from those rules.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from devfocus.activity.focusblock import FocusBlock
from devfocus.activity.goals import GoalProgress
from devfocus.activity.records import Activity, Kind
from devfocus.activity.status import Status, compute_status
from devfocus.activity.timeline import build_timeline
from devfocus.lsp.messages import WireStatus
from devfocus.lsp.wire import to_json
from tests.unit.timeline import ALPHA, BERLIN, BETA, DEEP, IDLE, edit, event, t

DAY_START = datetime(2026, 1, 5, 0, 0, tzinfo=timezone.utc).timestamp()


def local(*args: int) -> float:
    return datetime(*args, tzinfo=BERLIN).timestamp()  # type: ignore[misc]


def status(
    acts: list[Activity],
    now: float,
    *,
    day_start: float = DAY_START,
    paused: bool = False,
    idle: float = IDLE,
    deep: float = DEEP,
) -> Status:
    tl = build_timeline(acts, idle_timeout=idle, deep_work=deep)
    return compute_status(
        tl, now=now, day_start=day_start, idle_timeout=idle, deep_work=deep, paused=paused
    )


# -- state ------------------------------------------------------------------------------------


def test_without_activity_the_state_is_idle_with_nothing_counted() -> None:
    assert status([], t(0)) == Status("idle", None, 0.0, 0.0, None, 0, False, 0.0, None)


def test_recent_activity_is_active_and_counts_the_pause_since_it() -> None:
    s = status([edit(0, 1)], t(3))
    # 60 s editing + 120 s open pause; idle in 900 - 120 = 780 s (deep work would take 1320 s).
    assert s == Status("active", t(0), 180.0, 180.0, ALPHA, 0, False, 0.0, 780.0)


def test_still_active_at_exactly_the_idle_timeout() -> None:
    s = status([edit(0, 1)], t(16))
    assert s.state == "active"
    assert s.session_seconds == 960.0
    assert s.today_seconds == 960.0
    assert s.next_change == 0.0


def test_idle_one_second_after_the_idle_timeout_and_the_pause_is_not_counted() -> None:
    s = status([edit(0, 1)], t(16, 1))
    assert s == Status("idle", None, 0.0, 60.0, None, 0, False, 0.0, None)


def test_a_blur_makes_the_state_idle_at_once() -> None:
    s = status([edit(0, 1), event(2, Kind.BLUR, None)], t(2, 1))
    # 60 s editing + 60 s up to the blur; nothing after it.
    assert s == Status("idle", None, 0.0, 120.0, None, 0, False, 0.0, None)


def test_paused_tracking_shows_paused_and_counts_up_to_the_pause() -> None:
    s = status([edit(0, 1), event(2, Kind.PAUSE, None)], t(3), paused=True)
    assert s == Status("paused", None, 0.0, 120.0, None, 0, False, 0.0, None)


def test_paused_wins_over_recent_activity() -> None:
    s = status([edit(0, 1)], t(2), paused=True)
    assert s.state == "paused"
    assert s.today_seconds == 60.0
    assert s.session_start is None


def test_only_the_current_session_is_reported_as_the_session() -> None:
    s = status([edit(0, 1), edit(30, 31)], t(32))
    assert s.state == "active"
    assert s.session_start == t(30)
    assert s.session_seconds == 120.0
    assert s.today_seconds == 180.0


def test_the_context_is_the_one_after_the_latest_switch() -> None:
    s = status([edit(0, 1), edit(2, 3, BETA)], t(4))
    assert s.context == BETA
    assert s.switches_last_hour == 1


# -- today --------------------------------------------------------------------------------------


def test_today_counts_only_the_part_of_a_session_after_local_midnight() -> None:
    midnight = local(2026, 1, 6, 0, 0)
    acts = [
        Activity(local(2026, 1, 5, 23, 50), midnight, Kind.EDIT, ALPHA),
        Activity(midnight, local(2026, 1, 6, 0, 10), Kind.EDIT, ALPHA),
    ]
    s = status(acts, local(2026, 1, 6, 0, 12), day_start=midnight)
    assert s.state == "active"
    assert s.session_start == local(2026, 1, 5, 23, 50)
    assert s.session_seconds == 1200.0 + 120.0
    assert s.today_seconds == 600.0 + 120.0
    # Deep work at 1500 s: 1500 - 1200 - 120 = 180 s from now.
    assert s.next_change == 180.0


# -- deep work ----------------------------------------------------------------------------------


def test_deep_work_shows_while_a_long_run_goes_on() -> None:
    s = status([edit(0, 24)], t(25))
    assert s.deep_work
    assert s.deep_work_today_seconds == 1500.0
    assert s.session_seconds == 1500.0
    # The run breaks once the open pause passes 300 s: 300 - 60 = 240 s from now.
    assert s.next_change == 240.0


def test_a_run_short_of_deep_work_says_when_it_will_become_deep_work() -> None:
    s = status([edit(0, 20)], t(22))
    assert not s.deep_work
    assert s.deep_work_today_seconds == 0.0
    assert s.next_change == 1500.0 - 1200.0 - 120.0


def test_the_open_pause_completes_a_deep_work_run() -> None:
    s = status([edit(0, 20)], t(25))
    assert s.deep_work
    assert s.deep_work_today_seconds == 1500.0
    assert s.next_change == 0.0


def test_a_pause_over_five_minutes_ends_deep_work_but_keeps_the_block() -> None:
    s = status([edit(0, 30)], t(36))
    assert s.state == "active"
    assert not s.deep_work
    assert s.deep_work_today_seconds == 1800.0
    assert s.session_seconds == 1800.0 + 360.0
    assert s.next_change == 900.0 - 360.0


def test_deep_work_today_adds_earlier_blocks_and_the_ongoing_one() -> None:
    s = status([edit(0, 30), edit(60, 85)], t(86))
    assert s.deep_work
    assert s.session_start == t(60)
    assert s.session_seconds == 1560.0
    assert s.deep_work_today_seconds == 1800.0 + 1500.0 + 60.0
    assert s.today_seconds == 1800.0 + 1500.0 + 60.0


def test_deep_work_today_counts_only_the_part_after_local_midnight() -> None:
    midnight = local(2026, 1, 6, 0, 0)
    acts = [
        Activity(local(2026, 1, 5, 23, 40), midnight, Kind.EDIT, ALPHA),
        Activity(midnight, local(2026, 1, 6, 0, 20), Kind.EDIT, ALPHA),
    ]
    s = status(acts, local(2026, 1, 6, 2, 0), day_start=midnight)
    assert s == Status("idle", None, 0.0, 1200.0, None, 0, False, 1200.0, None)


# -- switches in the last hour ----------------------------------------------------------------


def _switching_hour() -> list[Activity]:
    """Switches at minutes 5 (alpha to beta) and 10 (back); saves in alpha every 5 minutes to 65."""
    return [event(0), event(5, context=BETA), event(10)] + [event(m) for m in range(15, 70, 5)]


def test_a_switch_exactly_an_hour_ago_still_counts() -> None:
    s = status(_switching_hour(), t(65))
    assert s.switches_last_hour == 2
    assert s.next_change == 0.0


def test_a_switch_more_than_an_hour_ago_no_longer_counts() -> None:
    s = status(_switching_hour(), t(65, 1))
    assert s.switches_last_hour == 1
    # The switch at minute 10 drops out in 299 s; the run in alpha would break in 300 - 1 s.
    assert s.next_change == 299.0
    assert s.deep_work
    assert s.deep_work_today_seconds == 3300.0 + 1.0


def test_switches_of_the_last_hour_still_show_while_idle() -> None:
    acts = [event(0), event(5, context=BETA), event(10), event(15), event(20)]
    s = status(acts, t(40))
    assert s.state == "idle"
    assert s.switches_last_hour == 2
    # The switch at minute 5 leaves the hour at minute 65: 25 minutes from now.
    assert s.next_change == 1500.0


# -- wire format --------------------------------------------------------------------------------


def test_the_wire_form_has_camel_case_keys_and_iso_times() -> None:
    wire = to_json(WireStatus.of(status([edit(0, 1)], t(3))))
    assert wire == {
        "state": "active",
        "sessionStart": "2026-01-05T09:00:00Z",
        "sessionSeconds": 180,
        "todaySeconds": 180,
        "context": {"project": "alpha", "root": "/src/alpha", "branch": "main"},
        "switchesLastHour": 0,
        "deepWork": False,
        "deepWorkSeconds": 0,
        "task": None,
        "focusBlock": None,
        "goals": [],
    }


def test_the_wire_form_of_idle_has_no_session_or_context() -> None:
    wire = to_json(WireStatus.of(status([edit(0, 1)], t(20))))
    assert wire == {
        "state": "idle",
        "sessionStart": None,
        "sessionSeconds": 0,
        "todaySeconds": 60,
        "context": None,
        "switchesLastHour": 0,
        "deepWork": False,
        "deepWorkSeconds": 0,
        "task": None,
        "focusBlock": None,
        "goals": [],
    }


def test_the_wire_form_shows_whole_seconds() -> None:
    wire = to_json(WireStatus.of(status([edit(0, 1)], t(3, 0.5))))
    assert wire["sessionSeconds"] == 180
    assert wire["todaySeconds"] == 180


def test_a_switch_stamped_slightly_after_now_by_another_window_still_counts() -> None:
    s = status([edit(0, 1), edit(2, 3, BETA)], t(2, -1))
    assert s.switches_last_hour == 1


def test_the_wire_form_carries_the_focus_block_and_goals() -> None:
    block = FocusBlock(7, t(0), t(25), stopped=False, switches=2)
    goal = GoalProgress("dailyFocus", 3600.0, 900.0)
    computed = status([edit(0, 1)], t(3, 0.5))
    wire = to_json(WireStatus.of(replace(computed, focus_block=block, goals=(goal,))))
    assert wire["focusBlock"] == {
        "start": "2026-01-05T09:00:00Z",
        "end": "2026-01-05T09:25:00Z",
        "remainingSeconds": 22 * 60,  # 21:59.5, rounded up: 0:00 shows only once it is over
        "switches": 2,
    }
    assert wire["goals"] == [
        {"kind": "dailyFocus", "targetSeconds": 3600, "doneSeconds": 900, "share": 0.25}
    ]
