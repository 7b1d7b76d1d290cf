"""One adapter per provider API: the request in its wire format, the reply back to a dict.

Anthropic gets the schema as the one tool it must call (``tool_choice``) and answers with the
tool's input. OpenAI gets it as a ``json_schema`` response format and answers with the JSON as
text. An OpenAI-compatible server gets the same, and when it refuses the response format (some
local servers do) the request is made again once without it, the schema in the system text, and
the reply's JSON is found in its text (:mod:`devfocus.ai.replyjson`); the client then remembers
that this server lacks it.

The SDK module is handed in by the client, which imported it off the event loop; this module
imports no SDK. The SDKs' own retries (``max_retries``, honouring ``Retry-After``) and timeout are
used as they are. Errors become :class:`AIUnavailable` with a message built here from the status
and error type, never from the SDK's text (it can echo what was sent).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from devfocus.ai.exchange import (
    BAD_REPLY,
    RATE_LIMITED,
    REFUSED,
    SERVER_ERROR,
    TIMEOUT,
    UNREACHABLE,
    AIUnavailable,
    Prompt,
)
from devfocus.ai.replyjson import NoObject, extract_object

SDK_MODULES = {"anthropic": "anthropic", "openai": "openai", "openai-compatible": "openai"}
NO_KEY_NEEDED = "not-needed"  # the OpenAI SDK insists on a key; local servers ignore it
COMPATIBLE_FALLBACK = "response_format unsupported: JSON asked for in the system text"
_TOOL_NAME = re.compile(r"[^A-Za-z0-9_-]")
_ERROR_TYPE = re.compile(r"^[a-z][a-z0-9_]{0,48}$")
# JSON-schema keywords OpenAI's strict mode accepts; a schema with others is sent non-strict.
_STRICT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "description",
        "title",
        "anyOf",
        "$defs",
        "$ref",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
    }
)
_REASONING_PREFIXES = ("gpt-5", "o1", "o3", "o4")
_REASONING_ROOM = 4096  # output tokens a reasoning model may spend before it writes the answer


@dataclass(frozen=True)
class Reply:
    """What a provider returned, before the client logs and wraps it."""

    data: dict[str, Any]
    chars_out: int
    notes: tuple[str, ...] = ()


def tool_name(name: str) -> str:
    """``name`` as Anthropic and OpenAI accept it: ``[A-Za-z0-9_-]{1,64}``."""
    return (_TOOL_NAME.sub("_", name) or "reply")[:64]


def is_strict_schema(schema: Any) -> bool:
    """Whether OpenAI's strict mode accepts ``schema`` as it is: every object closed
    (``additionalProperties: false``) with every property required, only supported keywords.
    Strict mode is used then; otherwise the schema is sent with ``strict: false`` (followed, not
    enforced), since rewriting it would turn optional fields into required nullable ones."""
    if isinstance(schema, list):
        return all(is_strict_schema(item) for item in schema)
    if not isinstance(schema, dict):
        return True
    if not set(schema) <= _STRICT_KEYWORDS:
        return False
    kinds = schema.get("type")
    is_object = kinds == "object" or (isinstance(kinds, list) and "object" in kinds)
    if is_object or "properties" in schema:
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False:
            return False
        if set(schema.get("required") or ()) != set(properties):
            return False
        if not all(is_strict_schema(sub) for sub in properties.values()):
            return False
    for key in ("items", "anyOf"):
        if key in schema and not is_strict_schema(schema[key]):
            return False
    return all(is_strict_schema(sub) for sub in (schema.get("$defs") or {}).values())


def _object_of(extracted_text: str, what: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    try:
        found = extract_object(extracted_text)
    except NoObject as error:
        raise AIUnavailable(BAD_REPLY, f"{what}: {error}") from None
    return found.data, found.notes


class AnthropicAdapter:
    """The Messages API, the reply forced through one tool whose input is the object."""

    provider = "anthropic"

    def __init__(self, client: Any) -> None:
        self.client = client

    async def ask(self, prompt: Prompt, model: str) -> Reply:
        name = tool_name(prompt.name)
        message = await self.client.messages.create(
            model=model,
            max_tokens=prompt.max_output_tokens,
            system=prompt.system,
            messages=[{"role": "user", "content": prompt.user}],
            tools=[
                {
                    "name": name,
                    "description": "Give the answer by calling this tool.",
                    "input_schema": prompt.schema,
                }
            ],
            tool_choice={"type": "tool", "name": name},
        )
        stop = getattr(message, "stop_reason", None)
        texts: list[str] = []
        for block in getattr(message, "content", None) or ():
            kind = getattr(block, "type", None)
            if kind == "tool_use":
                data = getattr(block, "input", None)
                if stop == "max_tokens":
                    raise AIUnavailable(BAD_REPLY, _cut_off(prompt))
                if not isinstance(data, dict):
                    raise AIUnavailable(BAD_REPLY, "Anthropic's tool input is not a JSON object")
                return Reply(data, len(json.dumps(data, ensure_ascii=False)))
            if kind == "text":
                texts.append(str(getattr(block, "text", "")))
        if stop == "max_tokens":
            raise AIUnavailable(BAD_REPLY, _cut_off(prompt))
        text = "\n".join(texts)
        data, notes = _object_of(text, "Anthropic answered without calling the tool")
        return Reply(data, len(text), ("no tool call: JSON taken from the text", *notes))

    async def list_models(self, timeout: float) -> list[str]:
        page = await self.client.with_options(timeout=timeout, max_retries=0).models.list()
        return [str(model.id) for model in page.data]

    async def aclose(self) -> None:
        await self.client.close()


class OpenAIAdapter:
    """Chat Completions with a ``json_schema`` response format (and, for an OpenAI-compatible
    server, the fallback without it)."""

    def __init__(self, client: Any, sdk: ModuleType, provider: str) -> None:
        self.client = client
        self.sdk = sdk
        self.provider = provider
        self.compatible = provider == "openai-compatible"
        self.schema_supported = True  # False once a compatible server refused response_format

    async def ask(self, prompt: Prompt, model: str) -> Reply:
        if self.schema_supported or not self.compatible:
            try:
                return await self._ask(prompt, model, with_schema=True)
            except self.sdk.APIStatusError as error:
                if not (self.compatible and _refuses_response_format(error)):
                    raise
            reply = await self._ask(prompt, model, with_schema=False)
            self.schema_supported = False  # remembered only once the fallback worked
            return reply
        return await self._ask(prompt, model, with_schema=False)

    async def _ask(self, prompt: Prompt, model: str, *, with_schema: bool) -> Reply:
        system = prompt.system
        arguments: dict[str, Any] = {"model": model}
        if with_schema:
            arguments["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": tool_name(prompt.name),
                    "schema": prompt.schema,
                    "strict": is_strict_schema(prompt.schema),
                },
            }
        else:
            system = (
                f"{system}\n\nAnswer with one JSON object and nothing else (no code fence, no "
                f"comment), following this JSON schema:\n{json.dumps(prompt.schema)}"
            )
        if self.compatible:
            arguments["max_tokens"] = prompt.max_output_tokens
        elif model.startswith(_REASONING_PREFIXES):
            # Reasoning tokens count against the limit: leave room for them, and keep them few.
            arguments["max_completion_tokens"] = prompt.max_output_tokens + _REASONING_ROOM
            arguments["reasoning_effort"] = "low"
        else:
            arguments["max_completion_tokens"] = prompt.max_output_tokens
        completion = await self.client.chat.completions.create(
            messages=[
                {"role": "system", "content": system},
                {"role": "user", "content": prompt.user},
            ],
            **arguments,
        )
        choices = getattr(completion, "choices", None) or []
        if not choices:
            raise AIUnavailable(BAD_REPLY, "the answer holds no choice")
        choice = choices[0]
        message = getattr(choice, "message", None)
        if getattr(message, "refusal", None):
            raise AIUnavailable(BAD_REPLY, "the model declined to answer")
        if getattr(choice, "finish_reason", None) == "length":
            raise AIUnavailable(BAD_REPLY, _cut_off(prompt))
        content = getattr(message, "content", None)
        if not isinstance(content, str):
            raise AIUnavailable(BAD_REPLY, "the answer holds no text")
        data, notes = _object_of(content, "the answer is not a JSON object")
        if not with_schema:
            notes = (COMPATIBLE_FALLBACK, *notes)
        return Reply(data, len(content), notes)

    async def list_models(self, timeout: float) -> list[str]:
        page = await self.client.with_options(timeout=timeout, max_retries=0).models.list()
        return [str(model.id) for model in page.data]

    async def aclose(self) -> None:
        await self.client.close()


Adapter = AnthropicAdapter | OpenAIAdapter


def make_adapter(
    provider: str, sdk: ModuleType, *, key: str, base_url: str, timeout: float, retries: int
) -> Adapter:
    """The SDK's async client for ``provider``, wrapped (called on a worker thread: building
    the HTTP client loads certificates)."""
    options: dict[str, Any] = {"api_key": key, "timeout": timeout, "max_retries": retries}
    if base_url:
        options["base_url"] = base_url
    if provider == "anthropic":
        return AnthropicAdapter(sdk.AsyncAnthropic(**options))
    return OpenAIAdapter(sdk.AsyncOpenAI(**options), sdk, provider)


def _refuses_response_format(error: Any) -> bool:
    """A compatible server's way of saying it lacks ``response_format``: a 400 naming it, or a
    404/422 (the parameter or the route unknown)."""
    status = getattr(error, "status_code", None)
    if status in (404, 422):
        return True
    if status != 400:
        return False
    said = f"{getattr(error, 'message', '')} {getattr(error, 'body', '')}".lower()
    return any(word in said for word in ("response_format", "json_schema", "response format"))


def _cut_off(prompt: Prompt) -> str:
    return f"the answer was cut off at the output limit ({prompt.max_output_tokens} tokens)"


def unavailable(
    error: BaseException, sdk: ModuleType, *, provider: str, key_env: str | None
) -> AIUnavailable | None:
    """The :class:`AIUnavailable` an SDK error stands for, or None for anything else. The message
    is made from the status and the error type only."""
    label = _LABELS.get(provider, provider)
    if isinstance(error, sdk.APITimeoutError):
        return AIUnavailable(TIMEOUT, f"{label} did not answer in time")
    if isinstance(error, sdk.APIConnectionError):
        return AIUnavailable(UNREACHABLE, f"{label} cannot be reached (no connection)")
    if isinstance(error, sdk.APIStatusError):
        status = int(getattr(error, "status_code", 0) or 0)
        kind = _error_type(getattr(error, "body", None))
        detail = f"{status} {kind}" if kind else str(status)
        if status == 429:
            retry_after = _retry_after(getattr(error, "response", None))
            wait = f"; it asks to wait {retry_after:g} s" if retry_after is not None else ""
            return AIUnavailable(
                RATE_LIMITED, f"{label} is limiting requests ({detail}){wait}", retry_after
            )
        if status == 408:
            return AIUnavailable(TIMEOUT, f"{label} timed out the request ({detail})")
        if status >= 500:
            what = "is overloaded" if status == 529 or kind == "overloaded_error" else "failed"
            return AIUnavailable(SERVER_ERROR, f"{label} {what} ({detail})")
        return AIUnavailable(REFUSED, _refusal(label, status, detail, key_env))
    if isinstance(error, getattr(sdk, "APIResponseValidationError", ())):
        return AIUnavailable(BAD_REPLY, f"{label} sent an answer the SDK cannot read")
    if isinstance(error, sdk.APIError):
        return AIUnavailable(BAD_REPLY, f"{label} sent an answer that is not what was asked for")
    return None


_LABELS = {
    "anthropic": "Anthropic",
    "openai": "OpenAI",
    "openai-compatible": "the OpenAI-compatible server",
}


def _refusal(label: str, status: int, detail: str, key_env: str | None) -> str:
    if status == 401:
        where = f" in {key_env}" if key_env else ""
        return f"{label} refused the API key{where} ({detail})"
    if status == 403:
        return f"{label} does not allow this key to use the model ({detail})"
    if status == 404:
        return f"{label} knows no such model, or the base URL is wrong ({detail})"
    if status == 413:
        return f"{label} refused the request as too large ({detail})"
    return f"{label} refused the request ({detail})"


def _error_type(body: Any) -> str | None:
    """The provider's error type (``rate_limit_error``, ``overloaded_error``) when it is a plain
    identifier: safe to show, unlike the error's message."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        kind = inner.get("type") if isinstance(inner, dict) else None
        if isinstance(kind, str) and _ERROR_TYPE.match(kind):
            return kind
    return None


def _retry_after(response: Any) -> float | None:
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue
        if seconds >= 0:
            return seconds
    return None
