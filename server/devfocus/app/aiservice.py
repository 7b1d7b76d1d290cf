"""The AI layer as the language server and the CLI use it: the client for the current settings,
and the answers kept in the database so asking again is instant and costs nothing.

The client (and the SDK behind it) is made on the first question, not with the service: a server
whose user never asks a model never loads either. A change of ``devfocus.ai`` settings replaces
the client; the answers kept stay valid, since their keys name the provider and the model.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from devfocus.ai.exchange import OFF, AIUnavailable, Answer, Health, Prompt
from devfocus.ai.keys import api_key
from devfocus.config import AISettings, Settings

if TYPE_CHECKING:
    from devfocus.ai.client import AIClient
    from devfocus.app.tracking import TrackingService
    from devfocus.store.database import Database

log = logging.getLogger("devfocus.ai")

RECENT_ANSWERS = 1024  # answers held in memory (a few kilobytes each)


class AnswerCache(Protocol):
    """Where answers are kept, by key (see :func:`devfocus.ai.cachekey.cache_key`)."""

    async def get(self, key: str) -> dict[str, Any] | None: ...

    async def put(
        self, key: str, kind: str, data: dict[str, Any], provider: str, model: str
    ) -> None: ...


class AIService:
    """Questions to the configured model, answered from the cache when they were asked before."""

    def __init__(
        self,
        settings: Settings,
        cache: AnswerCache | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.settings: AISettings = settings.ai
        self.cache = cache
        self.environ = environ if environ is not None else os.environ
        self.trace: Callable[[Prompt], None] | None = None  # the server's, while tracing is on
        # Called when the provider's state (ready, degraded...) changed: the status shows it.
        self.on_change: Callable[[], None] | None = None
        self._client: AIClient | None = None
        self._retired: list[AIClient] = []  # replaced clients, closed when the service is
        # The answers this process kept or read lately, in front of the database's: a repeated
        # question skips the store's thread (most recently used last).
        self._recent: OrderedDict[str, dict[str, Any]] = OrderedDict()

    # -- what is configured ----------------------------------------------------------------------
    def configure(self, settings: Settings) -> None:
        """Take new settings; a change of ``devfocus.ai`` replaces the client."""
        if settings.ai == self.settings:
            return
        self.settings = settings.ai
        if self._client is not None:
            self._retired.append(self._client)
            self._client = None

    @property
    def configured(self) -> bool:
        return self.settings.provider != "none"

    @property
    def provider(self) -> str:
        return self.settings.provider

    @property
    def model(self) -> str:
        """The model asked: the setting, else the provider's default."""
        if self.settings.model:
            return self.settings.model
        # Deferred: the client module loads its SDKs lazily, but is itself needed only here.
        from devfocus.ai.client import DEFAULT_MODELS

        return DEFAULT_MODELS.get(self.settings.provider, "")

    def client(self) -> AIClient:
        if self._client is None:
            # Deferred: made on the first question, so a server never asked loads nothing of it.
            from devfocus.ai.client import AIClient

            self._client = AIClient(self.settings, self.environ)
        return self._client

    def prepare(self) -> None:
        """Start loading the provider's SDK in the background (call it from the event loop when
        a run that will ask the model begins, before the work that precedes its questions)."""
        if self.configured:
            self.client().prepare()

    def health(self) -> Health:
        if not self.configured:
            return Health("none", "", "off")
        return self.client().health()

    async def probe(self) -> Health:
        """The provider's state after a cheap request (doctor)."""
        if not self.configured:
            return Health("none", "", "off")
        return await self.client().probe()

    # -- asking ------------------------------------------------------------------------------------
    async def answer(self, prompt: Prompt, key: str | None, *, refresh: bool = False) -> Answer:
        """The model's answer to ``prompt``: the one kept under ``key`` unless ``refresh``, else a
        new one (kept under ``key``). Raises :class:`AIUnavailable`."""
        if not self.configured:
            raise AIUnavailable(OFF, "no AI provider is configured (devfocus.ai.provider)")
        provider, model = self.provider, self.model
        if key is not None and not refresh and self.cache is not None:
            kept = await self._kept(key)
            if kept is not None:
                return Answer(kept, provider, model, chars_out=0, seconds=0.0, cached=True)
        prompt = self._without_key(prompt)
        if self.trace is not None:
            self.trace(prompt)
        client = self.client()
        before = _state(client.health())
        try:
            answer = await client.ask(prompt)
        finally:
            if self.on_change is not None and _state(client.health()) != before:
                self.on_change()
        if key is not None and self.cache is not None:
            await self._keep(key, prompt, answer)
        return answer

    def _without_key(self, prompt: Prompt) -> Prompt:
        """``prompt`` with the configured key masked wherever a text holds it (a key pasted into
        a file or a commit message must not go to the provider, or to another one)."""
        key = api_key(self.settings, self.environ)
        if key is None or (key not in prompt.system and key not in prompt.user):
            return prompt
        # Deferred: its patterns take 20 ms to compile, and a prompt holding the key is rare.
        from devfocus.ai.secrets import redact_known

        system = redact_known(prompt.system, [key]).text
        return replace(prompt, system=system, user=redact_known(prompt.user, [key]).text)

    def recall(self, key: str) -> Answer | None:
        """The answer to a question asked lately in this process, if it is still in memory,
        with no waiting: safe from any thread (it only reads)."""
        data = self._recent.get(key)
        if data is None:
            return None
        return Answer(data, self.provider, self.model, chars_out=0, seconds=0.0, cached=True)

    def forget_answers(self) -> None:
        """Forget the answers held in memory (the user's data was erased)."""
        self._recent.clear()

    def _remember(self, key: str, data: dict[str, Any]) -> None:
        self._recent[key] = data
        self._recent.move_to_end(key)
        while len(self._recent) > RECENT_ANSWERS:
            self._recent.popitem(last=False)

    async def _kept(self, key: str) -> dict[str, Any] | None:
        assert self.cache is not None
        recent = self._recent.get(key)
        if recent is not None:
            self._recent.move_to_end(key)
            return recent
        try:
            kept = await self.cache.get(key)
        except Exception as error:  # a cache that fails costs a request, never the answer
            log.warning("AI answers cache not read: %s", error)
            return None
        if kept is not None:
            self._remember(key, kept)
        return kept

    async def _keep(self, key: str, prompt: Prompt, answer: Answer) -> None:
        assert self.cache is not None
        self._remember(key, answer.data)
        try:
            await self.cache.put(key, prompt.purpose, answer.data, answer.provider, answer.model)
        except Exception as error:
            log.warning("AI answer not kept: %s", error)

    async def aclose(self) -> None:
        clients = [*self._retired, *([self._client] if self._client is not None else [])]
        self._retired, self._client = [], None
        for client in clients:
            try:
                await client.aclose()
            except Exception as error:
                log.debug("AI client not closed cleanly: %s", error)


def _state(health: Health) -> tuple[str, str | None]:
    return health.state, health.reason


class DatabaseCache:
    """Answers kept in a :class:`~devfocus.store.database.Database`, each access on a worker
    thread (for the CLI; the language server keeps them through the tracking store's thread)."""

    def __init__(self, database: Database, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self.clock = clock

    async def get(self, key: str) -> dict[str, Any] | None:
        # Deferred: the store loads with the first question that can be cached.
        from devfocus.store.aicache import load_answer

        return await asyncio.to_thread(
            self.database.read, lambda source: load_answer(source, key), missing=lambda: None
        )

    async def put(
        self, key: str, kind: str, data: dict[str, Any], provider: str, model: str
    ) -> None:
        # Deferred: as above.
        from devfocus.store.aicache import save_answer

        now = self.clock()
        await asyncio.to_thread(
            self.database.run,
            lambda engine: save_answer(engine, key, kind, data, provider, model, now),
        )


class TrackingCache:
    """Answers kept in the language server's database, through the tracking store's thread (the
    one way in to that database)."""

    def __init__(self, tracking: TrackingService) -> None:
        self.tracking = tracking

    async def get(self, key: str) -> dict[str, Any] | None:
        return await self.tracking.load_ai_answer(key)

    async def put(
        self, key: str, kind: str, data: dict[str, Any], provider: str, model: str
    ) -> None:
        await self.tracking.keep_ai_answer(key, kind, data, provider, model)
