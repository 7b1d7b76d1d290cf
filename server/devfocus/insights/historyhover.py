"""The hover of a definition's history (pure): where it applies — the name in a ``def``/``class``
header — and its text, in Markdown or plain text: the history, the week's focus time in its file
and the file's rank, the developer's churn, and a hotspot insight about it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from devfocus.git.linehistory import DefinitionHistory, relative_time
from devfocus.insights.hotspots import FileRank, hotspot_line
from devfocus.insights.insight import Insight
from devfocus.text import plural

_HEADER = re.compile(r"[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)")
# What could start emphasis, code, links or HTML in the middle of a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
SHOWN_AUTHORS = 3


def header_name_at(line: str, character: int) -> tuple[int, int] | None:
    """(start, end) of the name in a ``def``/``class`` header line when ``character`` (a Python
    string index) is on it; None anywhere else."""
    match = _HEADER.match(line)
    if match is None:
        return None
    start, end = match.span(1)
    return (start, end) if start <= character < end else None


@dataclass(frozen=True, slots=True)
class Churn:
    """The developer's commits since a time (this week) that changed a definition and its file."""

    definition: tuple[str, ...]  # commit ids
    file: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Found:
    """The definition under the cursor and its history."""

    qualname: str
    line: int  # 0-based, the name's line in the buffer
    start: int  # the name's columns (Python characters)
    end: int
    file_name: str
    history: DefinitionHistory
    churn: Churn | None = None  # when it was asked for


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_hover(
    found: Found,
    focus_seconds: float | None,
    now: float,
    *,
    markdown: bool = True,
    rank: FileRank | None = None,
    hotspot: Insight | None = None,
) -> str:
    """The hover, e.g.::

    **`parse_config`** · 4 commits in the last 30 days · 2 authors (Ada, Linus)
    Last change: `1a2b3c4` by Ada, 3 days ago — "Read ports from the environment"
    Your focus time in `config.py` this week: 1h 25m · #2 of 7 files
    Your commits this week: 3 changed `parse_config` (5 in `config.py`)
    Hotspot: 5 commits and 1h 25m of focus this week

    ``rank``: the file's among the files with focus time this week; ``hotspot``: the insight
    about the definition, if any. The churn line comes with ``found.churn``.
    """
    from devfocus.insights.render_parts import duration

    def code(text: str) -> str:
        return f"`{text}`" if markdown else text

    def plain(text: str) -> str:
        return _escape(text) if markdown else text

    history = found.history
    title = f"**{code(found.qualname)}**" if markdown else found.qualname
    lines: list[str] = []
    if history.uncommitted:
        lines.append(f"{title} · not committed yet")
    else:
        recent = history.commits_in_window
        window = f"in the last {history.window_days} days"
        if recent:
            head = f"{title} · {plural(len(recent), 'commit')} {window}"
            names = ", ".join(plain(a) for a in history.authors[:SHOWN_AUTHORS])
            more = ", …" if len(history.authors) > SHOWN_AUTHORS else ""
            head += f" · {plural(len(history.authors), 'author')} ({names}{more})"
        else:
            head = f"{title} · no commits {window}"
        lines.append(head)
        last = history.last_change
        if last is not None:
            when = relative_time(last.authored_at, now)
            subject = plain(last.subject)
            lines.append(
                f'Last change: {code(last.short)} by {plain(last.author)}, {when} — "{subject}"'
            )
        elif history.older_than is not None:
            lines.append(f"Last change: more than {relative_time(history.older_than, now)}")
    if focus_seconds is not None:
        spent = duration(focus_seconds) if focus_seconds >= 1 else "none yet"
        ranked = ""
        if rank is not None and focus_seconds >= 1:  # the file's place among the week's files
            ranked = f" · #{rank.rank} of {plural(rank.ranked, 'file')}"
        lines.append(f"Your focus time in {code(found.file_name)} this week: {spent}{ranked}")
    churn = found.churn
    if churn is not None:
        in_file = code(found.file_name)
        if not churn.file:
            lines.append(f"Your commits this week: none in {in_file}")
        else:
            changed = len(churn.definition) or "none"
            lines.append(
                f"Your commits this week: {changed} changed {code(found.qualname)} "
                f"({len(churn.file)} in {in_file})"
            )
    if hotspot is not None:
        lines.append(hotspot_line(hotspot))
    return ("\n\n" if markdown else "\n").join(lines)
