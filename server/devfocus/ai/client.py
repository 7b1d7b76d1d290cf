"""Asking the configured provider, within limits, behind a circuit breaker.

:class:`AIClient` is the one way a request reaches a model. It imports the provider's SDK on the
first request, on a worker thread (importing an SDK takes most of a second), builds the SDK's
async client with the configured base URL, timeout and retries, and then for every request:
refuses at once while the breaker is open, waits its turn in the limiter (concurrency and
requests per minute), asks, maps any failure to an :class:`AIUnavailable` whose message never
holds the key, and logs one line. Cancelling the task awaiting :meth:`AIClient.ask` cancels the
HTTP request and frees its slot.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
import os
import sys
import time
from collections.abc import Mapping
from types import ModuleType
from typing import Literal

from devfocus.ai.exchange import (
    BAD_REPLY,
    CANCELLED,
    NO_KEY,
    NO_SDK,
    OFF,
    PAUSED,
    PROVIDER_FAILURES,
    REFUSED,
    AIUnavailable,
    Answer,
    Health,
    Prompt,
)

# One source for where keys are looked for (doctor reads it too); re-exported by name.
from devfocus.ai.keys import KEY_VARIABLES as KEY_VARIABLES
from devfocus.ai.keys import api_key as api_key
from devfocus.ai.keys import key_variable as key_variable
from devfocus.ai.limits import CircuitBreaker, RequestLimiter
from devfocus.ai.providers import (
    NO_KEY_NEEDED,
    SDK_MODULES,
    Adapter,
    make_adapter,
    unavailable,
)
from devfocus.config import AISettings

log = logging.getLogger("devfocus.ai")

DEFAULT_MODELS: dict[str, str] = {"anthropic": "claude-haiku-4-5", "openai": "gpt-5-mini"}
PROBE_SECONDS = 10.0  # at most, for the reachability check of doctor


def scrub(text: str, key: str | None) -> str:
    """``text`` with every occurrence of the key replaced (a last guard: messages are built
    without the SDK's text, which could echo it)."""
    if key and len(key) >= 4 and key in text:
        return text.replace(key, "«key»")
    return text


class AIClient:
    """Requests to one provider with one model, as ``settings`` describe them."""

    def __init__(self, settings: AISettings, environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.provider: str = settings.provider
        self.model: str = settings.model or DEFAULT_MODELS.get(settings.provider, "")
        self.configured: bool = settings.provider != "none"
        self._environ = environ if environ is not None else os.environ
        self._key = api_key(settings, self._environ)
        self._key_env = key_variable(settings)
        self.limiter = RequestLimiter(
            int(settings.max_concurrent), int(settings.requests_per_minute)
        )
        self.breaker = CircuitBreaker()
        self._adapter: Adapter | None = None
        self._sdk: ModuleType | None = None
        self._sdk_missing: bool | None = None
        self._setup_lock: asyncio.Lock | None = None
        self._calls = 0
        self._failures = 0
        self._last_error: str | None = None
        self._last_reason: str | None = None

    # -- state -----------------------------------------------------------------------------------

    def _unconfigured(self) -> AIUnavailable | None:
        """Why no request can be made at all with these settings, or None."""
        if not self.configured:
            return AIUnavailable(OFF, "no AI provider is configured (devfocus.ai.provider is none)")
        if self.provider not in SDK_MODULES:
            return AIUnavailable(REFUSED, f"unknown AI provider {self.provider!r}")
        if self._key_env and self._key is None:
            return AIUnavailable(
                NO_KEY,
                f"{self.provider} needs an API key: set the environment variable {self._key_env}",
            )
        if not self.model:
            return AIUnavailable(
                REFUSED,
                "no model is configured: set devfocus.ai.model to a model the OpenAI-compatible "
                "server serves (for example llama3.2)",
            )
        if self._sdk_is_missing():
            return AIUnavailable(NO_SDK, self._no_sdk_message())
        return None

    def _sdk_is_missing(self) -> bool:
        if self._sdk_missing is None:
            module = SDK_MODULES[self.provider]
            # Run from the VS Code bundle (devfocus/__init__.py loaded devfocus.bundled then),
            # the SDK may still be in the payload: a lookup would wait for its unpacking.
            bundled = sys.modules.get("devfocus.bundled")
            bundle = bundled.active() if bundled is not None else None
            if bundle is not None and module in bundle.modules:
                self._sdk_missing = False
                return False
            # A lookup on the path, not an import: health() stays cheap and SDK-free.
            try:
                spec = importlib.util.find_spec(module)
            except (ImportError, ValueError):  # a broken or blocked installation
                spec = None
            self._sdk_missing = spec is None
        return self._sdk_missing

    def _no_sdk_message(self) -> str:
        module = SDK_MODULES.get(self.provider, self.provider)
        return f"the {module} package is not installed: pip install 'devfocus[ai]'"

    def health(self) -> Health:
        """The provider's state now (no request made)."""
        provider = self.provider if self.configured else "none"
        problem = self._unconfigured()
        if problem is not None:
            state: Literal["off", "unconfigured"] = (
                "off" if problem.reason == OFF else "unconfigured"
            )
            return Health(
                provider,
                self.model,
                state,
                reason=problem.reason if state != "off" else None,
                last_error=self._last_error or (problem.message if state != "off" else None),
                calls=self._calls,
                failures=self._failures,
            )
        refusal = self.breaker.refusal()
        paused_until = self.breaker.open_until
        degraded = paused_until is not None or self.breaker.consecutive > 0
        return Health(
            provider,
            self.model,
            "degraded" if degraded else "ready",
            reason=(PAUSED if refusal is not None else self._last_reason) if degraded else None,
            last_error=self._last_error,
            paused_until=paused_until,
            calls=self._calls,
            failures=self._failures,
        )

    # -- asking ----------------------------------------------------------------------------------

    async def ask(self, prompt: Prompt) -> Answer:
        """The model's JSON object for ``prompt``; see the module's text. Raises AIUnavailable."""
        started = time.monotonic()
        chars_out = 0
        outcome = "ok"
        try:
            answer = await self._ask(prompt, started)
            chars_out = answer.chars_out
            return answer
        except AIUnavailable as error:
            outcome = error.reason
            raise
        except asyncio.CancelledError:
            outcome = CANCELLED
            raise
        finally:
            log.info(
                "ai provider=%s model=%s purpose=%s chars_in=%d chars_out=%d seconds=%.2f "
                "outcome=%s",
                self.provider,
                self.model,
                prompt.purpose,
                prompt.size,
                chars_out,
                time.monotonic() - started,
                outcome,
            )

    async def _ask(self, prompt: Prompt, started: float) -> Answer:
        problem = self._unconfigured()
        if problem is not None:
            raise problem
        self._raise_if_paused()
        adapter = await self._ensure_adapter()
        async with self.limiter.slot():
            self._raise_if_paused(claim=True)  # it may have opened while this one queued
            self._calls += 1
            try:
                reply = await adapter.ask(prompt, self.model)
            except asyncio.CancelledError:
                self.breaker.abandoned()
                raise
            except AIUnavailable as error:
                self._record_failure(error)
                raise
            except Exception as error:
                mapped = self._map(error)
                self._record_failure(mapped)
                raise mapped from None
        self.breaker.succeeded()
        self._last_reason = None
        return Answer(
            data=reply.data,
            provider=self.provider,
            model=self.model,
            chars_out=reply.chars_out,
            seconds=time.monotonic() - started,
            notes=reply.notes,
        )

    def _raise_if_paused(self, *, claim: bool = False) -> None:
        refusal = self.breaker.begin() if claim else self.breaker.refusal()
        if refusal is None:
            return
        when = time.strftime("%H:%M:%S", time.localtime(refusal.until))
        if refusal.trial_running:
            message = (
                f"{self.provider} is paused after repeated failures; a trial request is running"
            )
        else:
            message = f"{self.provider} is paused after repeated failures until {when}"
        error = AIUnavailable(PAUSED, message, retry_after=max(refusal.until - time.time(), 0.0))
        if self._last_error:
            error = AIUnavailable(
                PAUSED, f"{message} (last: {self._last_error})", error.retry_after
            )
        raise error

    def _record_failure(self, error: AIUnavailable) -> None:
        self._failures += 1
        self._last_error = error.message
        self._last_reason = error.reason
        if error.reason in PROVIDER_FAILURES:
            self.breaker.failed()
        else:
            self.breaker.succeeded()  # it answered: the provider is up, the request was the issue

    def _map(self, error: Exception) -> AIUnavailable:
        mapped = None
        if self._sdk is not None:
            mapped = unavailable(error, self._sdk, provider=self.provider, key_env=self._key_env)
        if mapped is None:
            # Not an SDK error: an unexpected reply shape (a body that is not JSON) or a bug; the
            # type is safe to show, the traceback only when debugging.
            log.warning("ai %s request failed: %s", self.provider, type(error).__name__)
            log.debug("ai %s request failure", self.provider, exc_info=True)
            mapped = AIUnavailable(
                BAD_REPLY, f"{self.provider} request failed ({type(error).__name__})"
            )
        return AIUnavailable(mapped.reason, scrub(mapped.message, self._key), mapped.retry_after)

    def prepare(self) -> None:
        """Start loading the SDK now (on a worker thread), so the first question does not wait
        for it: a run calls this before it plans its questions. Failures surface in ask()."""
        if self._adapter is not None or self._unconfigured() is not None:
            return
        task = asyncio.ensure_future(self._ensure_adapter())
        # Retrieved so a failure here is not reported as "never retrieved"; ask() raises it.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def _ensure_adapter(self) -> Adapter:
        if self._adapter is not None:
            return self._adapter
        if self._setup_lock is None:
            self._setup_lock = asyncio.Lock()
        async with self._setup_lock:
            if self._adapter is None:
                loop = asyncio.get_running_loop()
                module = SDK_MODULES[self.provider]
                try:
                    sdk = await loop.run_in_executor(None, importlib.import_module, module)
                except ImportError:
                    self._sdk_missing = True
                    raise AIUnavailable(NO_SDK, self._no_sdk_message()) from None
                key = self._key or NO_KEY_NEEDED
                self._adapter = await loop.run_in_executor(
                    None,
                    lambda: make_adapter(
                        self.provider,
                        sdk,
                        key=key,
                        base_url=self.settings.base_url,
                        timeout=float(self.settings.timeout_seconds),
                        retries=int(self.settings.max_retries),
                    ),
                )
                self._sdk = sdk
            return self._adapter

    # -- doctor ----------------------------------------------------------------------------------

    async def probe(self) -> Health:
        """Whether the provider answers with this key: a model listing, bounded in time."""
        if self._unconfigured() is not None:
            return self.health()
        seconds = min(PROBE_SECONDS, float(self.settings.timeout_seconds))
        try:
            adapter = await self._ensure_adapter()
            models = await asyncio.wait_for(adapter.list_models(seconds), seconds + 1.0)
        except AIUnavailable as error:
            self._last_error, self._last_reason = error.message, error.reason
            return self._probe_health(error.reason)
        except asyncio.TimeoutError:
            self._last_error = f"{self.provider} did not answer the model listing in {seconds:g} s"
            self._last_reason = "timeout"
            return self._probe_health("timeout")
        except Exception as error:
            mapped = self._map(error)
            self._last_error, self._last_reason = mapped.message, mapped.reason
            return self._probe_health(mapped.reason)
        if self.provider == "openai-compatible" and not _serves(models, self.model):
            shown = ", ".join(models[:8]) or "none"
            self._last_error = (
                f"the server does not list the model {self.model!r} (it lists: {shown})"
            )
            self._last_reason = REFUSED
            return self._probe_health(REFUSED)
        return self.health()

    def _probe_health(self, reason: str) -> Health:
        health = self.health()
        return Health(
            health.provider,
            health.model,
            "degraded",
            reason=reason,
            last_error=self._last_error,
            paused_until=health.paused_until,
            calls=health.calls,
            failures=health.failures,
        )

    async def aclose(self) -> None:
        """Close the HTTP connections; the client is not used after."""
        self.limiter.close()
        adapter, self._adapter = self._adapter, None
        if adapter is not None:
            await adapter.aclose()


def _serves(models: list[str], model: str) -> bool:
    """Whether ``model`` is among the listed ones (Ollama lists ``name:latest`` for ``name``)."""
    return (
        model in models
        or f"{model}:latest" in models
        or (model.endswith(":latest") and model[:-7] in models)
    )
