"""Every format of one report: text, Markdown with charts, self-contained HTML, JSON that
validates against docs/report.schema.json, and CSV whose rows add up to the totals; insights and
bulk-inserted lines where the report has them; --compare and --redact in each.

Data: the day of work of test_report.py (a week report of 1h 05m of focus over two days), with
two insights and a hostile commit added by hand.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from devfocus.insights.commitfacts import CommitFact
from devfocus.insights.focusreport import Report
from devfocus.insights.insight import Evidence, Insight
from devfocus.insights.redact import Aliases, redact
from devfocus.insights.render import FORMATS, render, renderer
from devfocus.insights.render_csv import COLUMNS, render_csv
from devfocus.insights.render_html import render_html
from devfocus.insights.render_json import SCHEMA, report_json
from devfocus.insights.render_markdown import render_markdown
from devfocus.insights.render_text import render_text
from tests.unit.test_report import UTC, at, day_of_work, report

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"
HOSTILE_SUBJECT = '=HYPERLINK("http://evil.example/")<script>alert(1)</script> & more'


def insights() -> list[Insight]:
    return [
        Insight(
            id="context-switching:2026-01-07",
            kind="context-switching",
            severity="information",
            start=at(7, 0),
            end=at(7, 18),
            message="You switched context 9.2 times per focused hour, above your usual 4.1.",
            evidence=Evidence(
                numbers={"switchesPerHour": 9.2, "baseline": 4.1, "switches": 2},
                sessions=((at(7, 9), at(7, 9, 45)),),
            ),
        ),
        Insight(
            id="hotspot:/src/alpha/app.py",
            kind="hotspot",
            severity="hint",
            start=at(1, 0),
            end=at(7, 18),
            message="app.py changed in 12 commits and took 45m of focus.",
            evidence=Evidence(numbers={"commits": 12}, files=("/src/alpha/app.py",)),
            path="/src/alpha/app.py",
        ),
    ]


def commit() -> CommitFact:
    return CommitFact(
        at=at(7, 9, 20),
        root="/src/alpha",
        branch="main",
        sha="0123456789abcdef0123456789abcdef01234567",
        subject=HOSTILE_SUBJECT,
        author="Me",
        files=1,
        additions=7,
        deletions=2,
        merge=False,
        reachable=True,
        task=None,
        score=6.5,
    )


def full() -> Report:
    r = report(day_of_work(), "week")
    return replace(r, insights=insights(), bulk_lines_added=12, commits=[commit()])


def previous() -> Report:
    return report([], "week", now=at(1, 18))


# -- text ---------------------------------------------------------------------------------------


def test_text_shows_insights_and_typed_and_bulk_lines_without_svg() -> None:
    text = render_text(full(), UTC)
    assert re.search(r"\nLines +\+23 −7 \(\+11 typed, \+12 bulk\)\n", text)
    assert "Insights\n  [information] You switched context 9.2 times" in text
    assert "      switchesPerHour 9.2, baseline 4.1, switches 2; 1 session" in text
    assert "[hint] app.py changed in 12 commits" in text
    assert "<svg" not in text
    assert "typed" not in render_text(report(day_of_work(), "week"), UTC)  # no bulk: as before


# -- Markdown -----------------------------------------------------------------------------------


def svgs_in(markdown: str) -> list[str]:
    found = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', markdown)
    return [base64.b64decode(data).decode() for data in found]


def test_markdown_carries_its_charts_as_svg_images() -> None:
    md = render_markdown(full(), UTC)
    charts = svgs_in(md)
    assert len(charts) == 4
    for svg in charts:
        root = ET.fromstring(svg)
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert md.index("## Charts") < md.index("## Insights") < md.index("## By project")
    assert "- **information**: You switched context 9.2 times" in md
    # Each image line stands alone (an HTML block), with the chart's text alternative.
    assert re.search(r'\n\n<img [^\n]+ alt="Sessions of 2 days[^"]*"[^\n]*>\n', md)
    assert "<svg" not in render_markdown(full(), UTC, charts=False)
    assert "## Charts" not in render_markdown(full(), UTC, charts=False)


def test_markdown_keeps_hostile_text_as_text() -> None:
    md = render_markdown(full(), UTC)
    assert "<script>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in md


# -- HTML ---------------------------------------------------------------------------------------


class _Markup(HTMLParser):
    """The tags, attributes and style sheets of an HTML page: where an address would be."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


NETWORK = (r"https?:", r"//", r"@import", r"url\(")


def test_html_is_one_file_with_inline_charts_and_no_address_outside_it() -> None:
    html = render_html(full(), UTC)
    assert html.startswith("<!doctype html>")
    assert html.count("<svg ") == 4
    assert "prefers-color-scheme: dark" in html and 'content="light dark"' in html
    markup = _Markup()
    markup.feed(html)
    assert "script" not in markup.tags and "link" not in markup.tags
    assert "img" not in markup.tags and "iframe" not in markup.tags
    assert not [name for name, _ in markup.attributes if name in ("src", "href", "xlink:href")]
    for pattern in NETWORK:
        assert not [v for _, v in markup.attributes if re.search(pattern, v)], pattern
        assert not re.search(pattern, "".join(markup.styles)), pattern
    # The hostile subject is text, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert "You switched context 9.2 times" in html


def test_html_names_no_address_at_all_when_the_data_has_none() -> None:
    # Not even the SVG namespace's: the inline charts do without it.
    html = render_html(replace(full(), commits=[]), UTC, previous())
    for pattern in NETWORK:
        assert not re.search(pattern, html), pattern


def test_html_of_an_empty_report_says_so() -> None:
    html = render_html(report([], "week"), UTC)
    assert "No activity recorded in the last 7 days" in html
    assert "<svg" not in html


# -- JSON ---------------------------------------------------------------------------------------


def check(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "$") -> None:
    """The part of JSON Schema docs/report.schema.json uses: $ref, type, const, enum, pattern,
    properties, required, additionalProperties, items, minItems, maxItems, oneOf."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        check(value, root["$defs"][name], root, at)
        return
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        python = {
            "object": dict,
            "array": list,
            "string": str,
            "integer": int,
            "number": (int, float),
            "boolean": bool,
            "null": type(None),
        }
        ok = any(
            isinstance(value, python[n]) and not (n in ("integer", "number") and value is True)
            for n in names
        )
        assert ok, f"{at}: {value!r} is not {names}"
    if "const" in schema:
        assert value == schema["const"], at
    if "enum" in schema:
        assert value in schema["enum"], at
    if "pattern" in schema:
        assert re.search(schema["pattern"], value), f"{at}: {value!r}"
    if "oneOf" in schema:
        matched = 0
        for option in schema["oneOf"]:
            try:
                check(value, option, root, at)
            except AssertionError:
                continue
            matched += 1
        assert matched == 1, at
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            assert name in value, f"{at}: {name} is missing"
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                check(item, properties[name], root, f"{at}.{name}")
            elif extra is False:
                raise AssertionError(f"{at}.{name} is not in the schema")
            elif isinstance(extra, dict):
                check(item, extra, root, f"{at}.{name}")
    if isinstance(value, list):
        assert len(value) >= schema.get("minItems", 0), at
        assert len(value) <= schema.get("maxItems", len(value)), at
        for i, item in enumerate(value):
            if "items" in schema:
                check(item, schema["items"], root, f"{at}[{i}]")


def validate(data: Any) -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    try:
        import jsonschema
    except ImportError:  # not a dependency: the checker above covers what the schema uses
        check(data, schema, schema)
    else:
        jsonschema.validate(data, schema)
        check(data, schema, schema)


@pytest.mark.parametrize("compare", [False, True])
def test_json_validates_against_the_documented_schema(compare: bool) -> None:
    data = json.loads(render(full(), "json", UTC, previous() if compare else None))
    assert data["schema"] == SCHEMA == "devfocus.report/2"
    validate(data)
    assert data["bulkLinesAdded"] == 12
    assert [i["kind"] for i in data["insights"]] == ["context-switching", "hotspot"]
    assert data["insights"][0]["evidence"]["numbers"]["switchesPerHour"] == 9.2
    assert data["insights"][0]["evidence"]["sessions"] == [
        {"start": "2026-01-07T09:00:00+00:00", "end": "2026-01-07T09:45:00+00:00"}
    ]
    assert sum(map(sum, data["focusByHour"])) == data["focusSeconds"]
    assert sum(t["focusSeconds"] for t in data["timeline"]) == data["focusSeconds"]
    assert data["timeline"][2]["context"] == "beta @ main"
    assert data["byWeek"][-1] == {
        "week": "2026-01-05",
        "focusSeconds": 3900,
        "deepWorkSeconds": 1800,
        "deepWorkShare": 0.4615,
    }
    assert ("previous" in data) is compare


def test_the_schema_rejects_what_it_does_not_describe() -> None:
    data = report_json(full(), UTC)
    data["surprise"] = 1
    with pytest.raises(AssertionError, match="surprise"):
        check(data, json.loads(SCHEMA_FILE.read_text()), json.loads(SCHEMA_FILE.read_text()))


# -- CSV ----------------------------------------------------------------------------------------


def records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_rows_add_up_to_the_totals() -> None:
    r = full()
    rows = records(render_csv(r, UTC))
    assert tuple(rows[0]) == COLUMNS
    kinds = [row["record"] for row in rows]
    assert kinds[0] == "period"
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "period": 1,
        "day": 7,
        "project": 2,
        "session": 2,
        "deep_work": 1,
        "switch": 2,
        "commit": 1,
        "insight": 2,
    }
    total = int(rows[0]["seconds"])
    assert total == round(r.focus_seconds) == 3900
    for kind in ("day", "project", "session"):
        assert sum(int(row["seconds"]) for row in rows if row["record"] == kind) == total
    assert int(rows[0]["count"]) == len(r.sessions)
    switch = next(row for row in rows if row["record"] == "switch")
    assert (switch["project"], switch["branch"], switch["text"]) == (
        "beta",
        "main",
        "from alpha @ main",
    )
    insight = next(row for row in rows if row["record"] == "insight")
    assert insight["kind"] == "context-switching" and insight["severity"] == "information"
    assert insight["evidence"].startswith("switchesPerHour 9.2")


def test_csv_does_not_let_a_spreadsheet_run_a_commit_subject() -> None:
    commit_row = next(row for row in records(render_csv(full(), UTC)) if row["record"] == "commit")
    assert commit_row["text"] == "'" + HOSTILE_SUBJECT
    assert (commit_row["id"], commit_row["score"], commit_row["additions"]) == (
        commit().sha,
        "6.5",
        "7",
    )


def test_csv_with_compare_has_the_period_before() -> None:
    rows = records(render_csv(full(), UTC, previous()))
    compared = {
        row["text"]: (row["value"], row["before"]) for row in rows if row["record"] == "comparison"
    }
    assert compared["Focus"] == ("3900", "0")
    assert compared["Commits"] == ("1", "0")


# -- every format -------------------------------------------------------------------------------


def test_every_format_renders_to_text() -> None:
    assert FORMATS == ("text", "markdown", "html", "json", "csv")
    assert all(callable(renderer(name)) for name in FORMATS)
    for name in FORMATS:
        out = render(full(), name, UTC, previous())
        assert (out.endswith("\n") and "3900" in out) or "1h 05m" in out


@pytest.mark.parametrize("name", FORMATS)
def test_compare_shows_in_every_format(name: str) -> None:
    out = render(full(), name, UTC, previous())
    marker = {"json": '"previous"', "csv": "comparison"}.get(name, "Compared with")
    assert marker in out
    assert marker not in render(full(), name, UTC)


@pytest.mark.parametrize("name", FORMATS)
def test_redaction_holds_in_every_format_and_chart(name: str) -> None:
    r = redact(full(), Aliases(b"k" * 32))
    out = render(r, name, UTC)
    shown = out + "".join(svgs_in(out))
    for secret in ("alpha", "beta", "/src/"):
        assert secret not in shown
    assert "project-" in shown
