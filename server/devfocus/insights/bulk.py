"""Bulk insertions: how much of a period's new code arrived in large single changes (pure).

The tracker counts, for every edit span, the lines added by single changes of at least
``devfocus.insights.bulkLines`` lines (a paste, a completion, generated code) apart from typed
lines. A report sums them (``Report.bulk_lines_added``); this detector speaks up when they are
most of what was added.

The rule: at least :data:`MIN_SHARE` of the lines added in the period arrived in bulk, and at
least :data:`MIN_BULK_LINES` of them did (a single pasted function in a quiet day is not a
pattern).
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable

from devfocus.activity.records import Activity, Kind
from devfocus.insights.focusreport import Report
from devfocus.insights.insight import Evidence, Insight

MIN_SHARE = 0.5  # of the period's added lines
MIN_BULK_LINES = 50
TOP_FILES = 5  # files named in the evidence, most bulk lines first


def bulk_insertions(
    report: Report,
    activities: Iterable[Activity] = (),
    *,
    min_share: float = MIN_SHARE,
    min_bulk_lines: int = MIN_BULK_LINES,
    top_files: int = TOP_FILES,
) -> list[Insight]:
    """One ``bulk-insertions`` insight when at least ``min_share`` of ``report``'s added lines,
    and at least ``min_bulk_lines`` lines, arrived in bulk; else none.

    ``activities`` (those the report was built from) name the files with the most bulk lines in
    the evidence; without them the insight names no file.
    """
    added, bulk = report.lines_added, report.bulk_lines_added
    if added <= 0 or bulk < min_bulk_lines:
        return []
    share = bulk / added
    if share < min_share:
        return []
    period = report.period
    files = _files_by_bulk(activities, period.start, period.end, report.project)[:top_files]
    typed = added - bulk
    return [
        Insight(
            id=f"bulk-insertions:{period.days[0].isoformat() if period.days else period.start}",
            kind="bulk-insertions",
            severity="information",
            start=period.start,
            end=period.end,
            message=(
                f"{share:.0%} of the lines added ({bulk:,} of {added:,}) arrived in large "
                "single changes (pastes, completions, generated code), "
                f"{typed:,} were typed: review them as closely as code you wrote by hand."
            ),
            evidence=Evidence(
                numbers={
                    "typedLines": typed,
                    "bulkLines": bulk,
                    "share": round(share, 3),
                },
                files=tuple(files),
            ),
        )
    ]


def _files_by_bulk(
    activities: Iterable[Activity], lo: float, hi: float, project: str | None
) -> list[str]:
    """Absolute paths of the files with bulk lines in edits starting in [lo, hi), most first
    (ties by path)."""
    per_file: dict[str, int] = defaultdict(int)
    for a in activities:
        if a.kind is not Kind.EDIT or a.lines_bulk <= 0 or a.path is None:
            continue
        if not lo <= a.start < hi:
            continue
        context = a.context
        if project is not None and (context is None or not _within(context.project, project)):
            continue
        # Paths are stored relative to their project (absolute without one).
        where = a.path
        if context is not None and not posixpath.isabs(where):
            where = posixpath.join(context.project, where)
        per_file[where] += a.lines_bulk
    return [path for path, _ in sorted(per_file.items(), key=lambda kv: (-kv[1], kv[0]))]


def _within(root: str, project: str) -> bool:
    return root == project or root.startswith(project.rstrip("/") + "/")
