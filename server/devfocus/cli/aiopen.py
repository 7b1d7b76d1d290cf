"""The AI service of a command: the settings' provider, answers kept in the settings' database."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devfocus.app.aiservice import AIService
    from devfocus.config import Settings


def ai_service(settings: Settings) -> AIService:
    """An :class:`~devfocus.app.aiservice.AIService` for ``settings`` (nothing is loaded or
    opened until a question is asked)."""
    # Deferred, for start-up time: only commands that may ask a model load the AI layer.
    from devfocus.app.aiservice import AIService, DatabaseCache
    from devfocus.app.datastore import open_database

    return AIService(settings, DatabaseCache(open_database(settings)))
