"""Reports in every format, from one report model: text (a terminal), Markdown with charts (an
editor's preview), HTML (one self-contained file to keep or share), JSON (other tools, a
versioned schema) and CSV (spreadsheets). One module per format; this one names them, and loads
only the one asked for: the terminal's text report never loads the charts."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devfocus.insights.focusreport import Report

Renderer = Callable[["Report", tzinfo | None, "Report | None"], Any]
# format → (its module, its renderer(report, tz, previous)); JSON's gives data, the others text.
_RENDERERS: dict[str, tuple[str, str]] = {
    "text": ("render_text", "render_text"),
    "markdown": ("render_markdown", "render_markdown"),
    "html": ("render_html", "render_html"),
    "json": ("render_json", "report_json"),
    "csv": ("render_csv", "render_csv"),
}
FORMATS = tuple(_RENDERERS)


def renderer(format: str) -> Renderer:
    """The renderer of ``format`` (one of :data:`FORMATS`)."""
    module, function = _RENDERERS[format]
    found: Renderer = getattr(importlib.import_module(f"devfocus.insights.{module}"), function)
    return found


def render(
    report: Report, format: str, tz: tzinfo | None = None, previous: Report | None = None
) -> str:
    """``report`` in ``format`` (one of :data:`FORMATS`) as text, JSON included."""
    rendered = renderer(format)(report, tz, previous)
    if format == "json":
        return json.dumps(rendered, indent=2, ensure_ascii=False) + "\n"
    return str(rendered)
