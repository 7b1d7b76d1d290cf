"""Narratives of reports and standup notes, written by the configured model, kept per period.

An answer is kept under the provider, the model, the period (its name and days) and a digest of
the prompt: asking again for the same period with the same facts is instant and costs nothing;
new activity changes the facts and so the key; ``refresh`` asks the model again. Without a
provider, or when the model does not answer, the engine's own text is used and the narrative's
note says why.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import tzinfo
from typing import TYPE_CHECKING

from devfocus.ai.cachekey import cache_key
from devfocus.ai.exchange import OFF, AIUnavailable
from devfocus.ai.narrative import (
    NarrativeRequest,
    narrative_from_reply,
    narrative_request,
    programmatic_narrative,
)

if TYPE_CHECKING:
    from devfocus.ai.exchange import Prompt
    from devfocus.app.aiservice import AIService
    from devfocus.config import Settings
    from devfocus.insights.focusreport import Narrative, Report
    from devfocus.insights.standupnotes import Standup

log = logging.getLogger("devfocus.ai")

KIND = "narrative"
NO_PROVIDER = "no AI provider is configured"
NOTHING_TO_TELL = "nothing was recorded in this period"


def narrative_prompt(
    report: Report, settings: Settings, standup: Standup | None = None, tz: tzinfo | None = None
) -> Prompt:
    """What would be sent to narrate ``report`` (for ``devfocus ai preview report``)."""
    return narrative_request(report, settings.ai.exclude, standup=standup, tz=tz).prompt


def narrative_key(service: AIService, report: Report, request: NarrativeRequest) -> str:
    """Where the narrative of ``report`` is kept: per provider, model, period and facts."""
    prompt = request.prompt
    digest = hashlib.sha256()
    for part in (prompt.system, prompt.user, repr(sorted(prompt.schema.items()))):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    period = report.period
    return cache_key(
        KIND,
        service.provider,
        service.model,
        period.name,
        period.days[0].isoformat(),
        period.days[-1].isoformat(),
        digest.hexdigest(),
    )


async def narrate(
    report: Report,
    service: AIService,
    *,
    refresh: bool = False,
    standup: Standup | None = None,
    tz: tzinfo | None = None,
) -> Report:
    """``report`` with its narrative (and ``standup``'s, if given): the kept one unless
    ``refresh``, else the model's; the engine's own text when there is no model or no answer.
    Raises nothing but cancellation."""
    return replace(
        report, narrative=await narrative(report, service, refresh=refresh, standup=standup, tz=tz)
    )


async def narrative(
    report: Report,
    service: AIService,
    *,
    refresh: bool = False,
    standup: Standup | None = None,
    tz: tzinfo | None = None,
) -> Narrative:
    """The narrative of ``report`` (see :func:`narrate`)."""
    if not service.configured:
        return programmatic_narrative(report, NO_PROVIDER, standup)
    if report.empty and (standup is None or (standup.last_day.empty and standup.today.empty)):
        return programmatic_narrative(report, NOTHING_TO_TELL, standup)
    request = narrative_request(report, service.settings.exclude, standup=standup, tz=tz)
    key = narrative_key(service, report, request)
    try:
        answer = await service.answer(request.prompt, key, refresh=refresh)
    except AIUnavailable as error:
        if error.reason == OFF:
            return programmatic_narrative(report, NO_PROVIDER, standup)
        log.info("narrative of %s not written: %s", report.period.name, error.reason)
        return programmatic_narrative(report, f"the model did not answer: {error.message}", standup)
    return narrative_from_reply(
        answer.data,
        request,
        report,
        source="cache" if answer.cached else "model",
        provider=answer.provider,
        model=answer.model,
        standup=standup,
    )
