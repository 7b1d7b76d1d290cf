"""The tracker: editor notifications in, coalesced records out."""

from __future__ import annotations

import itertools

import pytest

from devfocus.activity.records import Kind
from devfocus.activity.tracker import Record, Tracker, line_delta

APP = "file:///src/alpha/app.py"
LIB = "file:///src/alpha/lib.py"
T = 1_767_600_000.0
NEW_LINE = [(0, 0, "x\n")]  # one incremental change inserting one line


def tracker(**kw: float) -> Tracker:
    ids = itertools.count(1)
    return Tracker(new_id=lambda: next(ids), **kw)


def opened(*uris: str, **kw: float) -> Tracker:
    """A tracker with ``uris`` open as Python documents of 10 lines since a second before ``T``,
    already drained."""
    tr = tracker(**kw)
    for uri in uris:
        tr.opened(uri, "python", 10, T - 1)
    tr.drain(T)
    return tr


def kinds(records: list[Record]) -> list[Kind]:
    return [r.kind for r in records]


def spans(records: list[Record]) -> list[tuple[str | None, float, float, int, bool]]:
    return sorted(
        (r.uri, r.start - T, r.end - T, r.lines_added, r.final)
        for r in records
        if r.kind is Kind.EDIT
    )


# -- coalescing -------------------------------------------------------------------------------


def test_opening_a_document_records_it_with_its_language() -> None:
    tr = tracker()
    tr.opened(APP, "python", 10, T)
    assert tr.drain(T) == [Record(1, Kind.OPEN, APP, "python", T, T)]


def test_edits_to_one_document_within_a_minute_become_one_span() -> None:
    tr = opened(APP)
    for offset in (1, 20, 59):
        tr.changed(APP, NEW_LINE, T + offset)
    out = tr.drain(T + 60)
    assert out == [Record(2, Kind.EDIT, APP, "python", T + 1, T + 59, 3, 0, final=False)]


def test_a_span_is_closed_once_it_is_a_minute_old() -> None:
    tr = opened(APP)
    tr.changed(APP, NEW_LINE, T + 1)
    tr.changed(APP, NEW_LINE, T + 30)
    tr.drain(T + 31)
    out = tr.drain(T + 61)
    assert out == [Record(2, Kind.EDIT, APP, "python", T + 1, T + 30, 2, 0, final=True)]
    assert tr.drain(T + 62) == []


def test_an_edit_exactly_a_minute_after_the_span_started_joins_it() -> None:
    tr = opened(APP)
    tr.changed(APP, NEW_LINE, T)
    tr.changed(APP, NEW_LINE, T + 60)
    # One span of the full minute, closed at once: it cannot grow any more.
    assert spans(tr.drain(T + 60)) == [(APP, 0.0, 60.0, 2, True)]


def test_a_span_never_covers_more_than_a_minute() -> None:
    tr = opened(APP)
    for offset in (0, 30, 61):
        tr.changed(APP, NEW_LINE, T + offset)
    out = tr.drain(T + 62)
    assert spans(out) == [(APP, 0.0, 30.0, 2, True), (APP, 61.0, 61.0, 1, False)]
    assert len({r.id for r in out}) == 2


def test_a_pause_longer_than_the_coalesce_gap_starts_a_new_span() -> None:
    tr = opened(APP, coalesce_gap=10)
    for offset in (0, 5, 16):
        tr.changed(APP, NEW_LINE, T + offset)
    assert spans(tr.drain(T + 16)) == [(APP, 0.0, 5.0, 2, True), (APP, 16.0, 16.0, 1, False)]


def test_a_pause_of_exactly_the_coalesce_gap_keeps_the_span() -> None:
    tr = opened(APP, coalesce_gap=10)
    for offset in (0, 5, 15):
        tr.changed(APP, NEW_LINE, T + offset)
    assert spans(tr.drain(T + 15)) == [(APP, 0.0, 15.0, 3, False)]


def test_drain_closes_a_span_whose_document_went_quiet() -> None:
    tr = opened(APP, coalesce_gap=10)
    tr.changed(APP, NEW_LINE, T)
    assert spans(tr.drain(T + 10)) == [(APP, 0.0, 0.0, 1, False)]
    assert spans(tr.drain(T + 11)) == [(APP, 0.0, 0.0, 1, True)]


def test_edits_to_two_documents_are_separate_spans() -> None:
    tr = opened(APP, LIB)
    tr.changed(APP, NEW_LINE, T + 1)
    tr.changed(LIB, NEW_LINE, T + 2)
    assert spans(tr.drain(T + 3)) == [(APP, 1.0, 1.0, 1, True), (LIB, 2.0, 2.0, 1, False)]


def test_going_back_to_a_document_starts_a_new_span_so_spans_never_overlap() -> None:
    tr = opened(APP, LIB)
    tr.changed(APP, NEW_LINE, T + 1)
    tr.changed(LIB, NEW_LINE, T + 2)
    tr.changed(APP, NEW_LINE, T + 3)
    out = tr.drain(T + 4)
    assert spans(out) == [
        (APP, 1.0, 1.0, 1, True),
        (APP, 3.0, 3.0, 1, False),
        (LIB, 2.0, 2.0, 1, True),
    ]
    ordered = sorted((r for r in out if r.kind is Kind.EDIT), key=lambda r: r.start)
    for before, after in itertools.pairwise(ordered):
        assert after.start >= before.end


def test_saving_another_document_closes_the_open_span() -> None:
    tr = opened(APP, LIB)
    tr.changed(APP, NEW_LINE, T + 1)
    tr.saved(LIB, T + 2)
    out = tr.drain(T + 3)
    assert [(r.kind, r.uri, r.final) for r in out] == [
        (Kind.EDIT, APP, True),
        (Kind.SAVE, LIB, True),
    ]


def test_saving_the_edited_document_keeps_its_span_growing() -> None:
    tr = opened(APP)
    tr.changed(APP, NEW_LINE, T + 1)
    tr.saved(APP, T + 2)
    tr.changed(APP, NEW_LINE, T + 3)
    out = tr.drain(T + 4)
    assert kinds(out) == [Kind.SAVE, Kind.EDIT]
    assert spans(out) == [(APP, 1.0, 3.0, 2, False)]


def test_a_growing_span_is_drained_again_under_the_same_id_only_when_it_grew() -> None:
    tr = opened(APP)
    tr.changed(APP, NEW_LINE, T + 1)
    first = tr.drain(T + 2)
    assert tr.drain(T + 3) == []
    tr.changed(APP, NEW_LINE, T + 30)
    second = tr.drain(T + 31)
    assert [r.id for r in first] == [r.id for r in second] == [2]
    assert (second[0].end, second[0].lines_added, second[0].final) == (T + 30, 2, False)


def test_drained_copies_do_not_change_when_the_span_grows() -> None:
    tr = opened(APP)
    tr.changed(APP, NEW_LINE, T + 1)
    (copy,) = tr.drain(T + 2)
    tr.changed(APP, NEW_LINE, T + 30)
    tr.changed(APP, NEW_LINE, T + 61)
    tr.drain(T + 62)
    assert (copy.start, copy.end, copy.lines_added, copy.final) == (T + 1, T + 1, 1, False)


def test_has_records_tells_whether_a_drain_would_return_anything() -> None:
    tr = tracker()
    assert not tr.has_records()
    tr.opened(APP, "python", 10, T)
    assert tr.has_records()
    tr.drain(T)
    assert not tr.has_records()
    tr.changed(APP, NEW_LINE, T + 1)
    assert tr.has_records()


def test_storage_grows_with_minutes_not_keystrokes() -> None:
    tr = opened(APP)
    for i in range(10_000):  # ten minutes of typing, one line every 60 ms
        tr.changed(APP, NEW_LINE, T + i * 0.06)
    out = tr.drain(T + 700)
    edits = [r for r in out if r.kind is Kind.EDIT]
    assert len(edits) == 10
    assert sum(r.lines_added for r in edits) == 10_000
    assert all(r.final and r.end - r.start <= 60 for r in edits)


def test_frequent_drains_keep_one_record_per_minute() -> None:
    tr = opened(APP)
    out: list[Record] = []
    next_drain = T + 1
    for i in range(10_000):
        now = T + i * 0.06
        while now >= next_drain:
            out += tr.drain(next_drain)
            next_drain += 1
        tr.changed(APP, NEW_LINE, now)
    out += tr.drain(T + 700)
    finals = [r for r in out if r.kind is Kind.EDIT and r.final]
    assert len({r.id for r in out}) == len(finals) == 10
    assert sum(r.lines_added for r in finals) == 10_000


# -- focus and pause ----------------------------------------------------------------------------


def test_nothing_is_recorded_while_the_window_is_unfocused() -> None:
    tr = opened(APP)
    tr.window_state(False, T + 5)
    tr.changed(APP, NEW_LINE, T + 6)
    tr.saved(APP, T + 7)
    tr.active_editor(LIB, T + 8)
    tr.window_state(True, T + 10)
    tr.changed(APP, NEW_LINE, T + 11)
    out = tr.drain(T + 12)
    assert kinds(out) == [Kind.BLUR, Kind.FOCUS, Kind.EDIT]
    assert [r.start - T for r in out] == [5.0, 10.0, 11.0]


def test_a_blur_closes_open_spans() -> None:
    tr = opened(APP)
    tr.changed(APP, NEW_LINE, T + 1)
    tr.window_state(False, T + 5)
    out = tr.drain(T + 6)
    assert out == [
        Record(2, Kind.EDIT, APP, "python", T + 1, T + 1, 1, 0, final=True),
        Record(3, Kind.BLUR, None, None, T + 5, T + 5),
    ]


def test_the_blur_names_the_active_document() -> None:
    tr = opened(APP)
    tr.active_editor(APP, T + 1)
    tr.window_state(False, T + 5)
    out = tr.drain(T + 6)
    assert [(r.kind, r.uri, r.language) for r in out] == [
        (Kind.ACTIVATE, APP, "python"),
        (Kind.BLUR, APP, "python"),
    ]


def test_reporting_the_same_window_state_twice_records_nothing() -> None:
    tr = opened(APP)
    tr.window_state(True, T + 1)
    assert tr.drain(T + 2) == []
    tr.window_state(False, T + 3)
    tr.window_state(False, T + 4)
    assert kinds(tr.drain(T + 5)) == [Kind.BLUR]


def test_line_counts_follow_edits_made_while_unfocused() -> None:
    tr = opened(APP)  # 10 lines
    tr.window_state(False, T + 1)
    tr.changed(APP, [(0, 0, "\n" * 5)], T + 2)  # now 15 lines, not recorded
    tr.window_state(True, T + 3)
    tr.changed(APP, [(None, None, "\n" * 12)], T + 4)  # replaced by 12 lines
    assert spans(tr.drain(T + 5)) == [(APP, 4.0, 4.0, 0, False)]
    assert [r.lines_removed for r in tr.drain(T + 100)] == [3]


def test_nothing_but_the_pause_marker_is_recorded_while_paused() -> None:
    tr = opened(APP)
    tr.changed(APP, NEW_LINE, T + 1)
    tr.pause(T + 5)
    tr.changed(APP, NEW_LINE, T + 6)
    tr.saved(APP, T + 7)
    tr.active_editor(LIB, T + 8)
    tr.window_state(False, T + 9)
    tr.window_state(True, T + 10)
    out = tr.drain(T + 11)
    assert out == [
        Record(2, Kind.EDIT, APP, "python", T + 1, T + 1, 1, 0, final=True),
        Record(3, Kind.PAUSE, None, None, T + 5, T + 5),
    ]
    assert not tr.recording


def test_recording_starts_again_after_resume() -> None:
    tr = opened(APP)
    tr.pause(T + 1)
    tr.resume()
    tr.changed(APP, NEW_LINE, T + 20)
    assert kinds(tr.drain(T + 21)) == [Kind.PAUSE, Kind.EDIT]
    assert tr.recording


def test_pausing_twice_records_one_pause() -> None:
    tr = opened(APP)
    tr.pause(T + 1)
    tr.pause(T + 2)
    assert kinds(tr.drain(T + 3)) == [Kind.PAUSE]


def test_pausing_an_unfocused_window_records_nothing() -> None:
    tr = opened(APP)
    tr.window_state(False, T + 1)
    tr.pause(T + 2)
    assert kinds(tr.drain(T + 3)) == [Kind.BLUR]


# -- documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri", ["untitled:Untitled-1", "git:/src/alpha/app.py", "vscode-notebook-cell:x"]
)
def test_documents_that_are_not_files_are_never_recorded(uri: str) -> None:
    tr = tracker()
    tr.opened(uri, "python", 1, T)
    tr.changed(uri, NEW_LINE, T + 1)
    tr.saved(uri, T + 2)
    tr.closed(uri, T + 3)
    assert tr.drain(T + 4) == []
    assert not tr.has_records()


def test_activating_a_document_that_is_not_a_file_records_no_uri() -> None:
    tr = opened(APP)
    tr.active_editor("untitled:Untitled-1", T + 1)
    assert [(r.kind, r.uri) for r in tr.drain(T + 2)] == [(Kind.ACTIVATE, None)]


def test_changes_to_a_document_never_opened_are_ignored() -> None:
    tr = tracker()
    tr.changed(APP, NEW_LINE, T)
    tr.saved(APP, T + 1)
    assert tr.drain(T + 2) == []
    assert not tr.has_records()


def test_closing_a_document_closes_its_span_and_forgets_it() -> None:
    tr = opened(APP)
    tr.changed(APP, NEW_LINE, T + 1)
    tr.closed(APP, T + 2)
    tr.changed(APP, NEW_LINE, T + 3)
    out = tr.drain(T + 4)
    assert kinds(out) == [Kind.EDIT, Kind.CLOSE]
    assert out[0].final  # and the change after the close was ignored: the document is gone


def test_saving_records_the_document_and_its_language() -> None:
    tr = opened(APP)
    tr.saved(APP, T + 1)
    assert tr.drain(T + 2) == [Record(2, Kind.SAVE, APP, "python", T + 1, T + 1)]


# -- line counting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "lines", "expected"),
    [
        ([(0, 0, "a\nb\n")], 10, (2, 0, 0, 12)),  # two lines inserted
        ([(2, 5, "")], 10, (0, 3, 0, 7)),  # three lines deleted
        ([(1, 3, "x\n")], 10, (1, 2, 0, 9)),  # two lines replaced by one
        ([(3, 3, "abc")], 10, (0, 0, 0, 10)),  # typing inside a line
        ([(None, None, "x\n" * 12)], 10, (2, 0, 0, 12)),  # whole document, longer
        ([(None, None, "a\nb\n")], 10, (0, 8, 0, 2)),  # whole document, shorter
        ([(None, None, "a\nb\nc\n"), (0, 1, "")], 5, (0, 3, 0, 2)),  # both, in order
        ([], 4, (0, 0, 0, 4)),
    ],
)
def test_line_delta_counts_lines_added_and_removed(
    changes: list[tuple[int | None, int | None, str]],
    lines: int,
    expected: tuple[int, int, int, int],
) -> None:
    assert line_delta(changes, lines) == expected


def test_a_span_sums_the_lines_of_its_edits() -> None:
    tr = opened(APP)
    tr.changed(APP, [(0, 0, "a\nb\n")], T + 1)
    tr.changed(APP, [(4, 7, "")], T + 2)
    tr.changed(APP, [(0, 0, "c\n"), (1, 2, "")], T + 3)
    (span,) = tr.drain(T + 4)
    assert (span.lines_added, span.lines_removed) == (3, 4)


def test_records_keep_their_order_at_one_instant_and_when_the_clock_steps_back() -> None:
    from devfocus.timeutil import epoch_ms

    tr = opened(APP, LIB)
    tr.changed(APP, NEW_LINE, T)
    tr.saved(APP, T)  # the same instant
    tr.changed(LIB, NEW_LINE, T)  # the same instant, another document
    tr.saved(LIB, T - 5)  # the clock stepped back five seconds
    starts = [r.start for r in sorted(tr.drain(T + 1), key=lambda r: r.start)]
    stored = [epoch_ms(s) for s in starts]
    assert len(set(stored)) == 4 and stored == sorted(stored)
    assert starts[-1] - T < 0.01  # nudged by milliseconds, not moved


# -- bulk insertions ---------------------------------------------------------------------------

PASTE_10 = "".join(f"line {i}\n" for i in range(10))  # ten lines in one change


def test_a_paste_of_ten_lines_is_bulk_and_typing_them_one_by_one_is_not() -> None:
    pasted = opened(APP, bulk_lines=8)
    pasted.changed(APP, [(3, 3, PASTE_10)], T + 1)
    (paste,) = pasted.drain(T + 2)

    typed = opened(APP, bulk_lines=8)
    for i in range(10):
        typed.changed(APP, [(3 + i, 3 + i, f"line {i}\n")], T + 1 + i)
    (typing,) = typed.drain(T + 12)

    assert (paste.lines_added, paste.lines_bulk) == (10, 10)
    assert (typing.lines_added, typing.lines_bulk) == (10, 0)


@pytest.mark.parametrize(("inserted", "bulk"), [(7, 0), (8, 8), (9, 9)])
def test_a_change_counts_as_bulk_from_the_threshold_on(inserted: int, bulk: int) -> None:
    tr = opened(APP, bulk_lines=8)
    tr.changed(APP, [(0, 0, "x\n" * inserted)], T + 1)
    (span,) = tr.drain(T + 2)
    assert (span.lines_added, span.lines_bulk) == (inserted, bulk)


def test_each_change_of_a_notification_is_measured_on_its_own() -> None:
    tr = opened(APP, bulk_lines=8)
    # Two changes of 5 lines in one didChange: 10 lines, but neither is a bulk insertion.
    tr.changed(APP, [(0, 0, "x\n" * 5), (20, 20, "y\n" * 5)], T + 1)
    tr.changed(APP, [(0, 0, "z\n" * 8), (1, 1, "w\n")], T + 2)
    (span,) = tr.drain(T + 3)
    assert (span.lines_added, span.lines_bulk) == (19, 8)


def test_a_span_sums_its_bulk_lines_and_typed_ones_stay_apart() -> None:
    tr = opened(APP, bulk_lines=8)
    tr.changed(APP, [(0, 0, "x\n" * 12)], T + 1)  # a paste
    tr.changed(APP, NEW_LINE, T + 2)  # typing
    tr.changed(APP, [(5, 25, "y\n" * 20)], T + 3)  # a paste over a selection of 20 lines
    (span,) = tr.drain(T + 4)
    assert (span.lines_added, span.lines_removed, span.lines_bulk) == (33, 20, 32)


def test_a_whole_document_replacement_counts_only_the_lines_it_adds() -> None:
    tr = opened(APP, bulk_lines=8)  # 10 lines
    tr.changed(APP, [(None, None, "x\n" * 11)], T + 1)  # full sync: one line typed
    tr.changed(APP, [(None, None, "x\n" * 31)], T + 2)  # full sync: twenty lines pasted
    (span,) = tr.drain(T + 3)
    assert (span.lines_added, span.lines_bulk) == (21, 20)


def test_a_changed_threshold_applies_to_the_next_changes() -> None:
    tr = opened(APP, bulk_lines=8)
    tr.changed(APP, [(0, 0, "x\n" * 5)], T + 1)
    tr.bulk_lines = 5
    tr.changed(APP, [(0, 0, "x\n" * 5)], T + 2)
    (span,) = tr.drain(T + 3)
    assert (span.lines_added, span.lines_bulk) == (10, 5)


def test_without_a_threshold_nothing_is_bulk() -> None:
    tr = opened(APP)
    tr.changed(APP, [(0, 0, "x\n" * 5000)], T + 1)
    (span,) = tr.drain(T + 2)
    assert (span.lines_added, span.lines_bulk) == (5000, 0)


def test_bulk_lines_of_a_new_span_are_its_own() -> None:
    tr = opened(APP, LIB, bulk_lines=8)
    tr.changed(APP, [(0, 0, "x\n" * 9)], T + 1)
    tr.changed(LIB, NEW_LINE, T + 2)  # closes APP's span
    tr.changed(APP, [(0, 0, "x\n" * 2)], T + 3)
    out = sorted(tr.drain(T + 4), key=lambda r: r.start)
    assert [(r.uri, r.lines_added, r.lines_bulk) for r in out] == [
        (APP, 9, 9),
        (LIB, 1, 0),
        (APP, 2, 0),
    ]


@pytest.mark.parametrize(
    ("changes", "lines", "expected"),
    [
        ([(0, 0, "a\n" * 3)], 10, (3, 0, 3, 13)),  # at the threshold
        ([(0, 0, "a\n" * 2)], 10, (2, 0, 0, 12)),  # below it
        ([(0, 4, "a\n" * 3)], 10, (3, 4, 3, 9)),  # pasted over a selection
        ([(None, None, "a\n" * 13)], 10, (3, 0, 3, 13)),  # whole document, 3 lines longer
        ([(None, None, "a\n" * 12)], 10, (2, 0, 0, 12)),  # whole document, 2 lines longer
        ([(0, 0, "a\n" * 2), (0, 0, "b\n" * 4)], 10, (6, 0, 4, 16)),  # one of two changes
    ],
)
def test_line_delta_counts_the_lines_of_bulk_changes(
    changes: list[tuple[int | None, int | None, str]],
    lines: int,
    expected: tuple[int, int, int, int],
) -> None:
    assert line_delta(changes, lines, bulk_lines=3) == expected
