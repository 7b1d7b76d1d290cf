"""The report's charts and the data they draw: sums that match the report's totals, SVG that
parses, says what it shows in words, draws bars and cells in proportion, and keeps hostile names
as text.

Data: the day of work of test_report.py (alpha @ main 09:00-09:30 with a 30-minute deep-work
block, beta @ main 09:30-09:40, alpha @ feature 09:40-09:45 on Wed 07 Jan 2026, and alpha @ main
23:50-00:10 across the midnight before), in UTC.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import pytest

from devfocus.activity.records import Context
from devfocus.insights.charts import report_charts
from devfocus.insights.charts.daytimeline import timeline_chart
from devfocus.insights.charts.deepwork import PLOT_HEIGHT as DEEP_PLOT_HEIGHT
from devfocus.insights.charts.heatmap import heatmap_chart
from devfocus.insights.charts.projects import projects_chart
from devfocus.insights.charts.svg import SVG_NS, Chart
from devfocus.insights.focusreport import Report
from tests.unit.test_report import ALPHA, BERLIN, UTC, at, day_of_work, edit, report

NS = {"svg": SVG_NS}


def week() -> Report:
    return report(day_of_work(), "week")


def parsed(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def rects(chart: Chart, cls: str) -> list[ET.Element]:
    return [r for r in parsed(chart).iter(f"{{{SVG_NS}}}rect") if r.get("class") == cls]


def tip(element: ET.Element) -> str:
    title = element.find("svg:title", NS)
    return "" if title is None or title.text is None else title.text


# -- the data ---------------------------------------------------------------------------------


def test_the_chart_data_adds_up_to_the_report_totals() -> None:
    r = week()
    assert sum(map(sum, r.focus_by_hour)) == pytest.approx(r.focus_seconds) == 3900
    assert sum(map(sum, r.deep_work_by_hour)) == pytest.approx(r.deep_work_seconds) == 1800
    assert sum(s.focus_seconds for s in r.spans) == pytest.approx(r.focus_seconds)
    for d in r.by_day:
        assert sum(d.projects) == pytest.approx(d.focus_seconds)
    assert [p.label for p in r.by_project] == ["alpha", "beta"]
    tuesday, wednesday = r.by_day[-2], r.by_day[-1]
    assert tuesday.projects == (600.0, 0.0)  # 23:50-24:00 on Tue 06 Jan
    assert wednesday.projects == (2700.0, 600.0)
    assert sum(w.focus_seconds for w in r.by_week) == r.focus_seconds
    assert r.by_week[-1].week == date(2026, 1, 5)
    assert r.by_week[-1].deep_work_share == pytest.approx(1800 / 3900)


def test_the_hours_are_local_hours_of_the_weekday() -> None:
    r = week()
    wednesday, tuesday = r.focus_by_hour[2], r.focus_by_hour[1]
    assert wednesday[9] == 2700  # 09:00-09:45
    assert wednesday[0] == 600  # 00:00-00:10
    assert tuesday[23] == 600  # 23:50-24:00
    assert r.deep_work_by_hour[2][9] == 1800
    assert sum(map(sum, r.deep_work_by_hour)) == 1800


def test_the_hours_of_a_day_with_a_clock_change_follow_the_clock() -> None:
    # Sun 29 Mar 2026 in Berlin: 02:00 becomes 03:00. Work 03:15-04:15 local is hours 3 and 4.
    acts = [edit(at(29, 3, 15, month=3, tz=BERLIN), at(29, 4, 15, month=3, tz=BERLIN), ALPHA)]
    r = report(acts, "week", now=at(30, 12, month=3, tz=BERLIN), tz=BERLIN)
    sunday = r.focus_by_hour[6]
    assert (sunday[2], sunday[3], sunday[4]) == (0, 2700, 900)


def test_spans_follow_sessions_and_contexts() -> None:
    r = week()
    labels = [None if s.branch is None else r.by_branch[s.branch].label for s in r.spans]
    assert labels == ["alpha @ main", "alpha @ main", "beta @ main", "alpha @ feature"]
    assert [s.focus_seconds for s in r.spans] == [1200, 1800, 600, 300]


# -- the SVG ----------------------------------------------------------------------------------


def test_every_chart_is_a_standalone_svg_with_a_title_and_a_text_alternative() -> None:
    charts = report_charts(week(), UTC)
    assert [c.key for c in charts] == ["timeline", "projects", "heatmap", "deepwork"]
    for chart in charts:
        root = parsed(chart)
        assert root.tag == f"{{{SVG_NS}}}svg"
        assert root.get("role") == "img"
        title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
        assert title is not None and title.text == chart.title
        assert desc is not None and desc.text == chart.description
        assert len(chart.description) > 40
        assert root.get("aria-labelledby") == f"df-{chart.key}-title df-{chart.key}-desc"
        # Nothing outside the document: no link, no image, no font, no style sheet to fetch.
        assert not re.search(
            r"href|url\(|@import|<image|<script|https?:(?!//www\.w3\.org/2000/svg)", chart.svg
        )
        # Text follows the card's colour, which changes with the colour scheme.
        assert "currentColor" in chart.svg and "prefers-color-scheme: dark" in chart.svg
        assert SVG_NS not in chart.inline()


def test_the_charts_are_the_same_bytes_for_the_same_report() -> None:
    first = [c.svg for c in report_charts(week(), UTC)]
    assert first == [c.svg for c in report_charts(week(), UTC)]


def test_an_empty_report_draws_no_chart() -> None:
    assert report_charts(report([], "week"), UTC) == []


def test_a_one_day_report_has_its_timeline_only() -> None:
    r = report(day_of_work())
    assert [c.key for c in report_charts(r, UTC)] == ["timeline"]


def test_stacked_bars_are_as_tall_as_the_time_they_stand_for() -> None:
    chart = projects_chart(week())
    assert chart is not None
    bars = {tip(b): float(b.get("height", 0)) for b in rects(chart, "bar")}
    alpha = bars["Wed 07 Jan: alpha 45m"]
    beta = bars["Wed 07 Jan: beta 10m"]
    tuesday = bars["Tue 06 Jan: alpha 10m"]
    assert len(bars) == 3
    assert alpha / beta == pytest.approx(2700 / 600, rel=0.01)
    assert tuesday / beta == pytest.approx(1, rel=0.01)


def test_timeline_spans_are_as_wide_as_their_time() -> None:
    chart = timeline_chart(week(), UTC)
    assert chart is not None
    spans = {tip(s): float(s.get("width", 0)) for s in rects(chart, "span")}
    main = spans["09:00–09:30 alpha @ main, 30m"]
    beta = spans["09:30–09:40 beta @ main, 10m"]
    assert main / beta == pytest.approx(3, rel=0.01)
    # The session across midnight is cut at it: one piece on each day.
    assert "23:50–24:00 alpha @ main, 10m" in spans
    assert "00:00–00:10 alpha @ main, 10m" in spans
    colours = {s.get("fill") for s in rects(chart, "span")}
    assert len(colours) == 3  # one per context
    assert "alpha @ feature" in chart.svg  # the legend


def test_heatmap_cells_darken_with_the_time_in_them() -> None:
    chart = heatmap_chart(week())
    assert chart is not None
    cells = rects(chart, "cell")
    assert len(cells) + len(rects(chart, "empty")) == 7 * 24
    assert [tip(c) for c in cells] == ["Wed 09:00–10:00: deep work 30m"]
    assert float(cells[0].get("fill-opacity", 0)) == 1.0
    assert "Wed 09:00–10:00 (30m)" in chart.description


def test_heatmap_of_focus_when_there_is_no_deep_work() -> None:
    acts = [edit(at(7, 9), at(7, 9, 10), ALPHA), edit(at(7, 14), at(7, 14, 5), ALPHA)]
    chart = heatmap_chart(report(acts, "week"))
    assert chart is not None
    cells = {tip(c): float(c.get("fill-opacity", 0)) for c in rects(chart, "cell")}
    assert cells["Wed 09:00–10:00: focus 10m"] == 1.0
    # 5 of 10 minutes: the scale runs from 0.15 (a little) to 1 (the most).
    assert cells["Wed 14:00–15:00: focus 5m"] == pytest.approx(0.15 + 0.85 * 0.5, abs=0.01)


def test_deep_work_bars_are_the_share_of_focus() -> None:
    charts = {c.key: c for c in report_charts(week(), UTC)}
    bars = rects(charts["deepwork"], "bar")
    heights = [float(b.get("height", 0)) for b in bars]
    # The week of Mon 29 Dec had no focus; the one of Mon 05 Jan 30m deep work of 1h 05m.
    assert heights == pytest.approx([0, 1800 / 3900 * DEEP_PLOT_HEIGHT], abs=0.1)
    assert ">46%<" in charts["deepwork"].svg


def test_hostile_names_stay_text() -> None:
    hostile = Context("/src/<img src=x onerror=alert(1)>&co", 'main"><b>')
    r = report([edit(at(7, 9), at(7, 9, 40), hostile)], "week")
    for chart in report_charts(r, UTC):
        root = parsed(chart)  # still well-formed XML
        assert "<img" not in chart.svg and "<b>" not in chart.svg
        texts = " ".join(t for t in root.itertext())
        if chart.key == "timeline":
            assert '<img src=x onerror=alert(1)>&co @ main"><b>' in texts
        if chart.key in ("timeline", "projects"):
            assert "<img src=x onerror=alert(1)>&co" in texts


def test_many_projects_share_a_colour_for_the_rest() -> None:
    acts = [
        edit(at(7, 8) + i * 600, at(7, 8) + i * 600 + 500, Context(f"/src/p{i}", "main"))
        for i in range(12)
    ]
    r = report(acts, "week")
    chart = projects_chart(replace(r))
    assert chart is not None
    fills = [b.get("fill") for b in rects(chart, "bar")]
    assert len(set(fills)) == 8  # seven projects of their own, and "other"
    assert "other projects" in chart.svg
