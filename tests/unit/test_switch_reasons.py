"""Switch reasons: notes matched to the switches they are about, counted per reason, and shown by
every format of the focus report only when a switch of the period was annotated.

Data: the day of work of test_report.py, whose one session switches twice, at 09:30 (alpha to
beta) and at 09:40 (beta to alpha @ feature).
"""

from __future__ import annotations

import csv
import io
import json

from devfocus.activity.records import Context
from devfocus.activity.timeline import Switch
from devfocus.insights.focusreport import Report, build_report
from devfocus.insights.periods import resolve_period
from devfocus.insights.render import FORMATS, render
from devfocus.insights.switchreasons import (
    MATCH_SECONDS,
    REASONS,
    UNANNOTATED,
    SwitchNote,
    match_notes,
    reason_counts,
)
from tests.unit.test_report import DEEP, IDLE, NOW, UTC, at, day_of_work

A = Context("/src/a", "main")
B = Context("/src/b", "main")


def switches(*times: float) -> list[Switch]:
    return [Switch(t, A, B, 0) for t in times]


def note(at_: float, reason: str = "interrupt", text: str | None = None) -> SwitchNote:
    return SwitchNote(at_, "/src/b", reason, text)


def test_the_reasons_are_the_issues_list() -> None:
    assert REASONS == ("interrupt", "meeting", "review", "blocked", "planned", "other")


def test_a_note_annotates_the_nearest_switch_within_two_minutes() -> None:
    sw = switches(1000.0, 1200.0, 2000.0)
    notes = [note(1010.0, "meeting"), note(1150.0, "review"), note(1500.0, "blocked")]
    matched = match_notes(sw, notes)
    # 1150 is 150 s after the first switch and 50 s before the second: the second.
    assert matched == {0: notes[0], 1: notes[1]}  # 1500 is 300 s from any switch: none
    assert MATCH_SECONDS == 120.0


def test_the_window_is_inclusive_on_both_sides() -> None:
    sw = switches(1000.0)
    assert match_notes(sw, [note(1000.0 - 120.0)]) == {0: note(880.0)}
    assert match_notes(sw, [note(1000.0 + 120.0)]) == {0: note(1120.0)}
    assert match_notes(sw, [note(1000.0 + 120.5)]) == {}


def test_a_note_halfway_between_two_switches_goes_to_the_earlier() -> None:
    sw = switches(1000.0, 1100.0)
    assert list(match_notes(sw, [note(1050.0)])) == [0]


def test_a_later_note_of_the_same_switch_wins() -> None:
    sw = switches(1000.0)
    first, second = note(1005.0, "meeting"), note(1003.0, "other", "fire drill")
    assert match_notes(sw, [first, second]) == {0: second}
    assert match_notes(sw, [second, first]) == {0: first}


def test_switches_in_any_order_are_found_by_their_index() -> None:
    sw = switches(3000.0, 1000.0, 2000.0)
    assert match_notes(sw, [note(1990.0), note(3050.0)]) == {2: note(1990.0), 0: note(3050.0)}


def test_counts_follow_the_reasons_order_with_unannotated_last() -> None:
    sw = switches(1000.0, 2000.0, 3000.0, 4000.0, 5000.0)
    notes = [
        note(1000.0, "review"),
        note(2000.0, "interrupt"),
        note(3000.0, "other", "the build broke"),
        note(4000.0, "coffee"),  # not a known reason: counted as other
    ]
    assert reason_counts(sw, notes) == [
        ("interrupt", 1),
        ("review", 1),
        ("other", 2),
        (UNANNOTATED, 1),
    ]


def test_no_counts_when_nothing_is_annotated() -> None:
    assert reason_counts(switches(1000.0), []) == []
    assert reason_counts(switches(1000.0), [note(9000.0)]) == []
    assert reason_counts([], [note(1000.0)]) == []


# -- the focus report -----------------------------------------------------------------------


def day_report(notes: list[SwitchNote] | None = None) -> Report:
    period = resolve_period("today", NOW, UTC)
    if notes is None:  # as every caller from before switch notes
        return build_report(
            day_of_work(), period, idle_timeout=IDLE, deep_work=DEEP, now=NOW, tz=UTC
        )
    return build_report(
        day_of_work(),
        period,
        idle_timeout=IDLE,
        deep_work=DEEP,
        now=NOW,
        tz=UTC,
        switch_notes=notes,
    )


def test_the_report_counts_its_switches_by_reason() -> None:
    report = day_report([note(at(7, 9, 31), "meeting")])
    assert [s.at for s in report.switches] == [at(7, 9, 30), at(7, 9, 40)]
    assert report.switch_reasons == [("meeting", 1), (UNANNOTATED, 1)]


def test_without_notes_every_format_is_unchanged() -> None:
    plain = day_report()
    unmatched = day_report([note(at(7, 15), "meeting")])  # no switch near 15:00
    assert plain.switch_reasons == unmatched.switch_reasons == []
    for fmt in FORMATS:
        text = render(plain, fmt, UTC)
        assert text == render(unmatched, fmt, UTC)
        assert "reason" not in text.lower()
        assert "switchReasons" not in text


def test_every_format_shows_switches_by_reason() -> None:
    report = day_report(
        [note(at(7, 9, 29), "blocked"), note(at(7, 9, 41), "other", "<b>fire</b> drill")]
    )
    assert report.switch_reasons == [("blocked", 1), ("other", 1), (UNANNOTATED, 0)]
    markdown = render(report, "markdown", UTC)
    assert "## Switches by reason" in markdown
    assert "| blocked | 1 | 50% |" in markdown
    assert "| unannotated | 0 | 0% |" in markdown
    html = render(report, "html", UTC)
    assert "<h2>Switches by reason</h2>" in html
    assert '<td>blocked</td><td class="n">1</td><td class="n">50%</td>' in html
    text = render(report, "text", UTC)
    assert "Switches by reason\n  blocked          1   50%\n  other            1   50%" in text
    data = json.loads(render(report, "json", UTC))
    assert data["switchReasons"] == [
        {"reason": "blocked", "count": 1},
        {"reason": "other", "count": 1},
        {"reason": "unannotated", "count": 0},
    ]
    rows = list(csv.DictReader(io.StringIO(render(report, "csv", UTC))))
    reasons = [(r["text"], r["count"]) for r in rows if r["record"] == "switch_reason"]
    assert reasons == [("blocked", "1"), ("other", "1"), ("unannotated", "0")]
    # A note's own text is not shown in a report: it may say anything.
    for fmt in FORMATS:
        assert "fire" not in render(report, fmt, UTC)
