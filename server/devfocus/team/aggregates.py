"""A member's hourly aggregates from their timeline: what a team database receives.

Per UTC hour: focus seconds, deep-work seconds (focus inside deep-work blocks), context switches
and sessions started, and, as the share level allows, the focus and deep work of each project
(by its folder's name, never its path) and each task (by its label), under the member's aliases.
Nothing else about the activity (files, languages, code, commit messages) is in a row.
"""

from __future__ import annotations

import posixpath
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence

from devfocus.activity.tasks import Task
from devfocus.activity.timeline import Segment, Timeline
from devfocus.team.figures import PROJECT, TASK, TOTALS, HourRow
from devfocus.text import clip

HOUR = 3600.0
LABEL_LENGTH = 200  # the team database's limit on a label (a long issue title is cut)


def hour_start(t: float) -> float:
    return t - t % HOUR


def project_label(root: str) -> str:
    """A project's shared name: its folder's, never the path (``/home/ann/acme`` → ``acme``)."""
    return posixpath.basename(root.rstrip("/")) or root


def hour_rows(
    timeline: Timeline,
    tasks: Sequence[Task | None],
    start: float,
    end: float,
    *,
    kinds: Sequence[str] = (TOTALS,),
    aliases: Mapping[str, str] | None = None,
) -> list[HourRow]:
    """The rows of every hour in ``[start, end)`` (hour-aligned) that had focus, a switch or a
    session start. ``tasks`` holds the task of each of ``timeline``'s segments; ``kinds`` the
    label kinds to make rows of (totals always); ``aliases`` rename labels."""
    alias = dict(aliases or {})
    deep = _DeepSpans(timeline)
    focus: dict[tuple[float, str, str], float] = defaultdict(float)
    deep_focus: dict[tuple[float, str, str], float] = defaultdict(float)
    for segment, task in zip(timeline.segments, tasks, strict=True):
        if segment.end <= start or segment.start >= end:
            continue
        labels = _labels(segment, task, kinds, alias)
        lo = max(segment.start, start)
        hi = min(segment.end, end)
        hour = hour_start(lo)
        while hour < hi:
            a, b = max(lo, hour), min(hi, hour + HOUR)
            if b > a:
                in_deep = deep.overlap(a, b)
                for kind, label in labels:
                    focus[(hour, kind, label)] += b - a
                    if in_deep:
                        deep_focus[(hour, kind, label)] += in_deep
            hour += HOUR
    switches: dict[float, int] = defaultdict(int)
    for switch in timeline.switches:
        if start <= switch.at < end:
            switches[hour_start(switch.at)] += 1
    sessions: dict[float, int] = defaultdict(int)
    for session in timeline.sessions:
        if start <= session.start < end and session.focus_seconds > 0:
            sessions[hour_start(session.start)] += 1
    for hour in (*switches, *sessions):
        focus.setdefault((hour, TOTALS, ""), 0.0)
    rows = [
        HourRow(
            hour=key[0],
            label_kind=key[1],
            label=key[2],
            focus_seconds=min(round(seconds), int(HOUR)),
            deep_seconds=min(round(deep_focus.get(key, 0.0)), int(HOUR)),
            switches=switches.get(key[0], 0) if key[1] == TOTALS else 0,
            sessions=sessions.get(key[0], 0) if key[1] == TOTALS else 0,
        )
        for key, seconds in focus.items()
    ]
    # An hour's last second of a segment cut at its edge rounds to nothing: a row that says
    # nothing is not sent.
    rows = [r for r in rows if r.focus_seconds or r.switches or r.sessions]
    return sorted(rows, key=lambda r: r.key)


def _labels(
    segment: Segment, task: Task | None, kinds: Sequence[str], alias: Mapping[str, str]
) -> list[tuple[str, str]]:
    labels = [(TOTALS, "")]
    if PROJECT in kinds and segment.context is not None:
        name = project_label(segment.context.project)
        labels.append((PROJECT, clip(alias.get(name, name), LABEL_LENGTH)))
    if TASK in kinds and task is not None:
        label = task.label
        shared = alias.get(label) or (alias.get(task.ref) if task.ref else None) or label
        labels.append((TASK, clip(shared, LABEL_LENGTH)))
    return labels


class _DeepSpans:
    """The deep-work blocks' spans, for the deep part of a stretch of focus."""

    def __init__(self, timeline: Timeline) -> None:
        blocks = sorted((b.start, b.end) for b in timeline.deep_work)
        self.starts = [b[0] for b in blocks]
        self.ends = [b[1] for b in blocks]

    def overlap(self, lo: float, hi: float) -> float:
        # Blocks do not overlap one another: start from the last one starting before ``hi``.
        i = bisect_right(self.starts, hi) - 1
        total = 0.0
        while i >= 0 and self.ends[i] > lo:
            total += max(0.0, min(self.ends[i], hi) - max(self.starts[i], lo))
            i -= 1
        return total
