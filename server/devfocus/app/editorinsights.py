"""Hotspots in the editor: this week's ranking of files by focus time (from the store), the
developer's churn in an open file (from its git log, see :mod:`devfocus.app.definitionhistory`)
and the pure detector (:mod:`devfocus.insights.hotspots`) over both.

One :class:`EditorInsights` per server: the history hover and the insight diagnostics share its
caches, so a file's log is read once and the week's timeline is built at most once every
:data:`~devfocus.app.focustimes.FOCUS_TTL` seconds for every file.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from devfocus.app.definitionhistory import HistoryService
from devfocus.app.focustimes import WEEK, FocusTimes, week_start
from devfocus.insights.hotspots import (
    DefinitionChurn,
    FocusRanking,
    find_hotspots,
    rank_files,
)
from devfocus.insights.insight import Insight

if TYPE_CHECKING:
    from devfocus.config import Settings
    from devfocus.docs.facts import ModuleFacts
    from devfocus.insights.historyhover import Found

DURING = "this week"  # the period of the editor's hotspots: the last 7 local days
# Seconds the diagnostics wait for the week's ranking (the store thread may be writing): past
# that they are made on the next change, not held back.
RANKING_WAIT = 10.0


@dataclass(frozen=True, slots=True)
class PlacedHotspot:
    """A hotspot definition of the editor's buffer, and where its name is (0-based line,
    columns in Python characters)."""

    insight: Insight
    line: int
    start: int
    end: int


class EditorInsights:
    """The hotspots of open files and what the hover says of a definition; used from the event
    loop. ``files_focus(since)`` is the focus seconds per file since then (the store's)."""

    def __init__(
        self,
        files_focus: Callable[[float], Awaitable[dict[str, float]]],
        *,
        may_read: Callable[[str], bool] = lambda root: True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock
        self._files_focus = files_focus
        self.history = HistoryService(may_read=may_read, clock=clock)
        self.ranking: FocusTimes[FocusRanking] = FocusTimes(self._rank, clock=clock)

    async def _rank(self, key: str, since: float) -> FocusRanking:
        return rank_files(await self._files_focus(since))

    async def week_ranking(self, wait: float) -> FocusRanking | None:
        """This week's ranking of files by focus time; None when not known within ``wait``."""
        return await self.ranking.get(WEEK, wait)

    def forget_focus(self) -> None:
        """Count focus afresh: the activity was erased, or the settings that count it changed."""
        self.ranking.clear()

    async def file_hotspots(
        self,
        path: str,
        key: Hashable,
        source: str,
        settings: Settings,
        facts: ModuleFacts | None = None,
    ) -> list[PlacedHotspot] | None:
        """The hotspot definitions of the editor's ``source`` (identified by ``key``) of the file
        at ``path``, this week; None when nothing can be said now (outside git, not allowed by
        the trust gate, a buffer that does not parse, no ranking in time)."""
        now = self.clock()
        since = week_start(now)
        # The ranking comes from the store thread while the log is read on the history one.
        ranking = asyncio.ensure_future(self.week_ranking(RANKING_WAIT))
        churn = await self.history.churn(path, key, source, since, settings.git.authors, facts)
        if churn is None or not churn.definitions:
            ranking.cancel()  # not needed (the fetch itself carries on, for the next look)
            return None if churn is None else []
        ranked = await ranking
        if ranked is None:
            return None
        found = find_hotspots(
            ranked,
            {churn.path: churn.file_commits},
            min_commits=settings.insights.hotspot_commits,
            start=since,
            end=now,
            definitions=[named.churn for named in churn.definitions],
            during=DURING,
        )
        by_definition = {i.definition: i for i in found if i.definition is not None}
        return [
            PlacedHotspot(by_definition[named.churn.qualname], named.line, named.start, named.end)
            for named in churn.definitions
            if named.churn.qualname in by_definition
        ]


def hover_hotspot(
    found: Found, path: str, ranking: FocusRanking | None, settings: Settings, now: float
) -> Insight | None:
    """The hotspot insight about the hovered definition (its churn is ``found.churn``), if it is
    one this week."""
    churn = found.churn
    if churn is None or ranking is None or not churn.definition:
        return None
    insights = find_hotspots(
        ranking,
        {path: churn.file},
        min_commits=settings.insights.hotspot_commits,
        start=week_start(now),
        end=now,
        definitions=[DefinitionChurn(path, found.qualname, churn.definition)],
        during=DURING,
    )
    return next((i for i in insights if i.definition is not None), None)
