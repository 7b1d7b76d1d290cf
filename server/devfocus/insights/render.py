"""Reports in every format, from one report model: text (a terminal), Markdown with charts (an
editor's preview), HTML (one self-contained file to keep or share), JSON (other tools, a
versioned schema) and CSV (spreadsheets). One module per format; this one names them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from devfocus.insights.focusreport import Report
from devfocus.insights.render_csv import render_csv
from devfocus.insights.render_html import render_html
from devfocus.insights.render_json import SCHEMA, report_json
from devfocus.insights.render_markdown import render_markdown
from devfocus.insights.render_parts import duration
from devfocus.insights.render_text import render_text

__all__ = [
    "FORMATS",
    "RENDERERS",
    "SCHEMA",
    "duration",
    "render",
    "render_csv",
    "render_html",
    "render_markdown",
    "render_text",
    "report_json",
]

FORMATS = ("text", "markdown", "html", "json", "csv")
# format → renderer(report, tz, previous); JSON's is data (a dict), the others' text.
RENDERERS: dict[str, Callable[[Report, tzinfo | None, Report | None], Any]] = {
    "text": render_text,
    "markdown": render_markdown,
    "html": render_html,
    "json": report_json,
    "csv": render_csv,
}


def render(
    report: Report, format: str, tz: tzinfo | None = None, previous: Report | None = None
) -> str:
    """``report`` in ``format`` (one of :data:`FORMATS`) as text, JSON included."""
    rendered = RENDERERS[format](report, tz, previous)
    if format == "json":
        return json.dumps(rendered, indent=2, ensure_ascii=False) + "\n"
    return str(rendered)
