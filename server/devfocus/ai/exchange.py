"""What a request to a model is and what comes back (pure: no SDK, no network).

A :class:`Prompt` is everything a provider is sent: a system text, a user text, and the JSON
schema the reply must follow. Every feature builds its prompt from facts the engine computed,
with secrets already redacted, so ``devfocus ai preview`` can show exactly what would be sent.
An :class:`Answer` is the JSON object the model returned, parsed, with the sizes and time the
one log line per call reports. Anything that keeps a request from an answer raises
:class:`AIUnavailable`, whose message is safe to show (it never holds a key or the content).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Purpose = Literal["docstring", "commit", "narrative", "check"]

# Why a request got no answer (AIUnavailable.reason), for messages, the status and doctor.
OFF = "off"  # no provider configured
NO_KEY = "no-key"  # the provider needs a key the environment does not hold
NO_SDK = "no-sdk"  # the provider's SDK is not installed
PAUSED = "paused"  # the circuit breaker is open after repeated failures
RATE_LIMITED = "rate-limited"  # the provider kept answering 429 past the retries
TIMEOUT = "timeout"
UNREACHABLE = "unreachable"  # no connection
SERVER_ERROR = "server-error"  # 5xx or overloaded, past the retries
REFUSED = "refused"  # 4xx other than 429: a bad key, an unknown model, a request too large
BAD_REPLY = "bad-reply"  # an answer that is not the JSON object asked for
CANCELLED = "cancelled"
EXCLUDED = "excluded"  # the file matches devfocus.ai.exclude: nothing of it is sent

# Reasons that count toward the circuit breaker: the provider, not the request, is failing.
PROVIDER_FAILURES = frozenset({RATE_LIMITED, TIMEOUT, UNREACHABLE, SERVER_ERROR})


@dataclass(frozen=True)
class Prompt:
    """One request: ``system`` and ``user`` texts and the schema of the JSON object wanted."""

    purpose: Purpose
    system: str
    user: str
    schema: dict[str, Any]  # a JSON schema of type "object"
    name: str  # the reply's name: Anthropic's tool, OpenAI's json_schema name
    max_output_tokens: int = 1024

    @property
    def size(self) -> int:
        """Characters sent (for the log line and the limits)."""
        return len(self.system) + len(self.user)


@dataclass(frozen=True)
class Answer:
    """The model's JSON object, with what the log line and the status report of the call."""

    data: dict[str, Any]
    provider: str
    model: str
    chars_out: int  # characters of the reply as received
    seconds: float  # from the request's start to its answer (0 from the cache)
    cached: bool = False
    notes: tuple[str, ...] = field(default=())  # what the provider adapter had to do (fallbacks)


class AIUnavailable(Exception):
    """No answer: ``reason`` is one of this module's reasons; the message says why in words a
    user can act on, and never holds a key or anything that was sent."""

    def __init__(self, reason: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Health:
    """The provider's state as the status, ``devfocus doctor`` and the CLI show it."""

    provider: str  # "none" when off
    model: str
    state: Literal["off", "ready", "degraded", "unconfigured"]
    reason: str | None = None  # why it is degraded or unconfigured
    last_error: str | None = None
    paused_until: float | None = None  # epoch seconds, while the breaker is open
    calls: int = 0
    failures: int = 0
