"""The bulk-insertions detector: at and around its thresholds, with hand-computed evidence."""

from __future__ import annotations

from datetime import date

import pytest

from devfocus.activity.records import Activity, Context, Kind
from devfocus.insights.bulk import MIN_BULK_LINES, MIN_SHARE, bulk_insertions
from devfocus.insights.focusreport import Report, build_report
from devfocus.insights.periods import Period

START = 1_767_600_000.0  # the period: one day from here
DAY = Period("today", START, START + 86_400, (date(2026, 1, 5),))
SHOP = Context("/home/dev/shop", "main")
TOOLS = Context("/home/dev/tools", None)


def report(added: int, bulk: int, project: str | None = None) -> Report:
    return Report(
        period=DAY,
        generated_at=DAY.end,
        project=project,
        focus_seconds=3600.0,
        deep_work_seconds=0.0,
        lines_added=added,
        lines_removed=0,
        bulk_lines_added=bulk,
    )


def edit(at: float, context: Context | None, path: str, added: int, bulk: int) -> Activity:
    return Activity(
        START + at,
        START + at + 30,
        Kind.EDIT,
        context,
        "python",
        path,
        lines_added=added,
        lines_bulk=bulk,
    )


def test_the_rule_is_half_the_added_lines_and_fifty_of_them() -> None:
    assert (MIN_SHARE, MIN_BULK_LINES) == (0.5, 50)


@pytest.mark.parametrize(
    ("added", "bulk", "found"),
    [
        (100, 50, True),  # exactly half, exactly fifty
        (101, 50, False),  # just under half
        (98, 49, False),  # half, but one line short of fifty
        (60, 50, True),  # most of it
        (1000, 499, False),  # many lines, under half
        (0, 0, False),  # nothing added
    ],
)
def test_an_insight_from_half_the_added_lines_and_fifty_bulk_lines(
    added: int, bulk: int, found: bool
) -> None:
    assert bool(bulk_insertions(report(added, bulk))) is found


def test_the_insight_carries_typed_and_bulk_lines_and_their_share() -> None:
    (insight,) = bulk_insertions(report(160, 120))
    assert insight.kind == "bulk-insertions"
    assert insight.id == "bulk-insertions:2026-01-05"
    assert insight.severity == "information"
    assert (insight.start, insight.end) == (DAY.start, DAY.end)
    assert dict(insight.evidence.numbers) == {"typedLines": 40, "bulkLines": 120, "share": 0.75}
    assert "75%" in insight.message and "120 of 160" in insight.message
    assert insight.evidence.files == ()  # no activity given


def test_thresholds_can_be_given() -> None:
    assert bulk_insertions(report(30, 10), min_share=0.3, min_bulk_lines=10)
    assert not bulk_insertions(report(30, 10), min_share=0.4, min_bulk_lines=10)


def test_the_files_with_most_bulk_lines_come_first_in_the_evidence() -> None:
    activities = [
        edit(10, SHOP, "src/cart.py", 40, 30),
        edit(100, SHOP, "src/orders.py", 60, 60),
        edit(200, SHOP, "src/cart.py", 40, 40),  # cart.py: 70 in all
        edit(300, TOOLS, "gen.py", 9, 9),
        edit(400, None, "/tmp/scratch.py", 20, 20),  # no project: the path is absolute
        edit(500, SHOP, "src/typed.py", 50, 0),  # typed only: not named
        edit(-100, SHOP, "src/before.py", 99, 99),  # before the period
        edit(86_400, SHOP, "src/after.py", 99, 99),  # at its end: the next period's
        Activity(START + 600, START + 600, Kind.SAVE, SHOP, "python", "src/saved.py"),
    ]
    (insight,) = bulk_insertions(report(219, 179), activities, top_files=4)
    assert insight.evidence.files == (
        "/home/dev/shop/src/cart.py",
        "/home/dev/shop/src/orders.py",
        "/tmp/scratch.py",
        "/home/dev/tools/gen.py",
    )


def test_a_report_of_one_project_names_only_its_files() -> None:
    activities = [
        edit(10, SHOP, "src/cart.py", 60, 60),
        edit(20, TOOLS, "gen.py", 90, 90),
        edit(30, None, "/tmp/scratch.py", 20, 20),
    ]
    (insight,) = bulk_insertions(report(60, 60, project="/home/dev/shop"), activities)
    assert insight.evidence.files == ("/home/dev/shop/src/cart.py",)


def test_a_report_sums_the_bulk_lines_of_its_edits_and_the_detector_reads_them() -> None:
    activities = [
        edit(-60, SHOP, "src/before.py", 99, 99),  # before the period: not counted
        edit(10, SHOP, "src/cart.py", 40, 30),
        edit(70, SHOP, "src/cart.py", 12, 0),
        edit(130, TOOLS, "gen.py", 30, 30),
    ]
    whole = build_report(activities, DAY, idle_timeout=300, deep_work=1500, now=DAY.end)
    assert (whole.lines_added, whole.bulk_lines_added) == (82, 60)
    (insight,) = bulk_insertions(whole, activities)
    assert dict(insight.evidence.numbers) == {"typedLines": 22, "bulkLines": 60, "share": 0.732}
    assert insight.evidence.files == ("/home/dev/shop/src/cart.py", "/home/dev/tools/gen.py")

    shop = build_report(
        activities, DAY, idle_timeout=300, deep_work=1500, now=DAY.end, project="/home/dev/shop"
    )
    assert (shop.lines_added, shop.bulk_lines_added) == (52, 30)
    assert bulk_insertions(shop, activities) == []  # 30 bulk lines: under fifty
