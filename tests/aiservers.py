"""Local HTTP servers speaking the Anthropic Messages and OpenAI Chat Completions wire formats.

The real SDKs talk to them exactly as they talk to the providers: point ``devfocus.ai.baseUrl``
at ``server.url`` (in this process, or in a ``devfocus serve`` process started by a test).
Each server runs in a thread of the test process (stdlib ``ThreadingHTTPServer`` on port 0) and
answers at once unless told to wait.

    with AnthropicServer() as server:          # or OpenAIServer()
        server.reply({"summary": "Adds two numbers."})     # next answer (or a function of it)
        server.error(429, retry_after=0.2)                  # then a 429, and so on (a queue)
        ... run the code under test with base_url=server.url ...
        assert server.requests[0].headers["x-api-key"] == "sk-test"
        assert "def add" in server.requests[0].user

When the queue is empty a request gets ``server.default``: a function of the request (by default
an object that fits the schema the request asked for, so any feature gets a valid answer).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "AnthropicServer",
    "OpenAIServer",
    "Request",
    "Step",
    "sample_for",
]


@dataclass(frozen=True)
class Request:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: Any  # the parsed JSON body, or None

    @property
    def messages(self) -> list[dict[str, Any]]:
        if not isinstance(self.body, dict):
            return []
        return list(self.body.get("messages") or [])

    @property
    def system(self) -> str:
        """The system text (Anthropic's ``system``, or OpenAI's system/developer messages)."""
        if not isinstance(self.body, dict):
            return ""
        if "system" in self.body:
            return _text_of(self.body["system"])
        return "\n".join(
            _text_of(m.get("content"))
            for m in self.messages
            if m.get("role") in ("system", "developer")
        )

    @property
    def user(self) -> str:
        """The user text of every user message."""
        return "\n".join(
            _text_of(m.get("content")) for m in self.messages if m.get("role") == "user"
        )

    @property
    def name(self) -> str | None:
        """The reply's name: Anthropic's forced tool, or OpenAI's json_schema name."""
        if not isinstance(self.body, dict):
            return None
        tools = self.body.get("tools") or []
        if tools:
            return str(tools[0].get("name"))
        schema = (self.body.get("response_format") or {}).get("json_schema") or {}
        return schema.get("name")

    @property
    def schema(self) -> dict[str, Any] | None:
        """The JSON schema asked for (Anthropic's tool input_schema, OpenAI's json_schema, or
        the schema written in the system text when no response format was sent)."""
        if not isinstance(self.body, dict):
            return None
        tools = self.body.get("tools") or []
        if tools:
            return dict(tools[0].get("input_schema") or {})
        schema = (self.body.get("response_format") or {}).get("json_schema") or {}
        if schema:
            return schema.get("schema")
        marker = self.system.rfind("JSON schema:")
        if marker == -1:
            return None
        start = self.system.find("{", marker)
        try:
            value, _end = json.JSONDecoder().raw_decode(self.system, start)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    @property
    def api_key(self) -> str | None:
        """The key as sent: ``x-api-key``, or ``Authorization: Bearer`` (the SDKs' ways)."""
        if "x-api-key" in self.headers:
            return self.headers["x-api-key"]
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token if scheme.lower() == "bearer" and token else None

    @property
    def model(self) -> str | None:
        return self.body.get("model") if isinstance(self.body, dict) else None


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(block.get("text", "")) for block in content if isinstance(block, dict))
    return ""


Answer = dict[str, Any] | Callable[[Request], dict[str, Any]]


@dataclass
class Step:
    """One scripted answer: ``kind`` is "json" (``data``), "text" (``text`` as the assistant's
    content), "error" (``status`` with an error body), or "raw" (``raw`` bytes as they are)."""

    kind: str
    data: Answer | None = None
    text: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes = b""
    content_type: str = "application/json"
    delay: float = 0.0
    error_type: str | None = None
    message: str | None = None
    finish: str | None = None  # stop_reason / finish_reason to report instead of the usual one


def sample_for(schema: Any) -> Any:
    """A value fitting the JSON ``schema`` (simple subset: objects, arrays, enums, scalars)."""
    if not isinstance(schema, dict):
        return "Sample text."
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return sample_for(schema[key][0])
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: sample_for(sub) for name, sub in properties.items()}
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1)))
        return [sample_for(schema.get("items", {})) for _ in range(count)]
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    text = "Sample text."
    return text if len(text) >= int(schema.get("minLength", 0)) else "x" * int(schema["minLength"])


def _sample_answer(request: Request) -> dict[str, Any]:
    value = sample_for(request.schema or {"type": "object", "properties": {}})
    return value if isinstance(value, dict) else {"value": value}


class _Server:
    """What both wire formats share: the thread, the queue, the records, the counters."""

    provider = ""
    models_path = "/v1/models"

    def __init__(self, *, models: tuple[str, ...] = ()) -> None:
        self.default: Callable[[Request], dict[str, Any]] = _sample_answer
        self.delay_all = 0.0  # seconds every answer waits (to measure concurrency)
        self.models: tuple[str, ...] = models
        self.models_status = 200  # what GET /v1/models answers
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._queue: deque[Step] = deque()
        self._lock = threading.Condition()
        self._closing = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life -----------------------------------------------------------------------------------

    def start(self) -> _Server:
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "start the server first"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The base URL to configure (``devfocus.ai.baseUrl``)."""
        raise NotImplementedError

    # -- script ---------------------------------------------------------------------------------

    def push(self, step: Step, times: int = 1) -> None:
        with self._lock:
            self._queue.extend(step for _ in range(times))

    def reply(self, data: Answer, *, delay: float = 0.0, times: int = 1) -> None:
        """Answer with the JSON object ``data`` (or ``data(request)``) in the provider's way."""
        self.push(Step("json", data=data, delay=delay), times)

    def text(self, text: str, *, delay: float = 0.0, times: int = 1) -> None:
        """Answer with plain assistant text (no tool call, no JSON mode): e.g. JSON in fences."""
        self.push(Step("text", text=text, delay=delay), times)

    def error(
        self,
        status: int,
        *,
        retry_after: float | None = None,
        message: str | None = None,
        error_type: str | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Answer ``status`` with the provider's error body (and Retry-After when given)."""
        headers = {} if retry_after is None else {"retry-after": _number(retry_after)}
        step = Step("error", status=status, headers=headers, delay=delay)
        step.error_type, step.message = error_type, message
        self.push(step, times)

    def raw(
        self,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "application/json",
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Answer ``body`` as it is (a malformed body, an HTML error page)."""
        data = body.encode() if isinstance(body, str) else body
        self.push(
            Step("raw", raw=data, status=status, content_type=content_type, delay=delay), times
        )

    def truncated(self, data: Answer, *, times: int = 1) -> None:
        """Answer ``data`` but say the output stopped at the token limit."""
        self.push(Step("json", data=data, finish=self._length_reason), times)

    def answer_with(self, default: Answer) -> None:
        """What every request gets once the queue is empty (an object or a function of it)."""
        self.default = default if callable(default) else (lambda _request: dict(default))

    def clear(self) -> None:
        """Forget the records and the queue (the default stays)."""
        with self._lock:
            self.requests.clear()
            self._queue.clear()
            self.max_in_flight = self.in_flight

    @property
    def count(self) -> int:
        """Requests received for an answer (model listings not counted)."""
        with self._lock:
            return sum(1 for r in self.requests if r.method == "POST")

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Request]:
        """Block until ``count`` answer requests arrived (call it in ``asyncio.to_thread``)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while sum(1 for r in self.requests if r.method == "POST") < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{self.count} of {count} requests after {timeout} s")
                self._lock.wait(left)
            return list(self.requests)

    # -- serving --------------------------------------------------------------------------------

    _length_reason = ""

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)
            self._lock.notify_all()

    def _next_step(self) -> Step:
        with self._lock:
            return self._queue.popleft() if self._queue else Step("json", data=None)

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _wait(self, seconds: float) -> None:
        self._closing.wait(seconds)

    def answer(self, request: Request) -> tuple[int, dict[str, str], bytes, str]:
        """(status, headers, body, content type) for a request (runs on the handler thread)."""
        if request.method == "GET":
            if request.path.rstrip("/") != self.models_path:
                return self._error_response(404, "not_found_error", "no such path")
            if self.models_status != 200:
                return self._error_response(self.models_status, None, "listing refused")
            return 200, {}, json.dumps(self._models_body()).encode(), "application/json"
        if request.path.rstrip("/") != self.answer_path:
            return self._error_response(404, "not_found_error", "no such path")
        refused = self._refuse(request)
        if refused is not None:
            return refused  # before the queue: the scripted answer is for the request it accepts
        step = self._next_step()
        wait = step.delay + self.delay_all
        if wait > 0:
            self._wait(wait)
        if step.kind == "raw":
            return step.status, dict(step.headers), step.raw, step.content_type
        if step.kind == "error":
            status, headers, payload, kind = self._error_response(
                step.status, step.error_type, step.message
            )
            return status, {**headers, **step.headers}, payload, kind
        if step.kind == "text":
            body = self._text_body(request, step.text, step.finish)
        else:
            source = step.data if step.data is not None else self.default
            data = source(request) if callable(source) else source
            body = self._json_body(request, data, step.finish)
        return 200, {}, json.dumps(body).encode(), "application/json"

    answer_path = ""

    def _refuse(self, request: Request) -> tuple[int, dict[str, str], bytes, str] | None:
        return None

    def _models_body(self) -> dict[str, Any]:
        raise NotImplementedError

    def _json_body(
        self, request: Request, data: dict[str, Any], finish: str | None
    ) -> dict[str, Any]:
        raise NotImplementedError

    def _text_body(self, request: Request, text: str, finish: str | None) -> dict[str, Any]:
        raise NotImplementedError

    def _error_response(
        self, status: int, error_type: str | None, message: str | None
    ) -> tuple[int, dict[str, str], bytes, str]:
        raise NotImplementedError


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _make_handler(server: _Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Headers and body go out in two writes: with Nagle's algorithm on, each answer would
        # wait 40 ms for the client's delayed ACK.
        disable_nagle_algorithm = True
        protocol_version = "HTTP/1.1"  # keep-alive: the SDKs reuse connections

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._serve(None)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            data = self.rfile.read(length) if length else b""
            try:
                body = json.loads(data) if data else None
            except ValueError:
                body = None
            self._serve(body)

        def _serve(self, body: Any) -> None:
            path = self.path.split("?", 1)[0]
            request = Request(
                self.command, path, {k.lower(): v for k, v in self.headers.items()}, body
            )
            server._record(request)
            server._enter()
            try:
                status, headers, payload, content_type = server.answer(request)
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a timeout, a cancellation)
            finally:
                server._leave()

    return Handler


class AnthropicServer(_Server):
    """POST /v1/messages answering with a ``tool_use`` block; GET /v1/models."""

    provider = "anthropic"
    answer_path = "/v1/messages"
    _length_reason = "max_tokens"

    def __init__(self, *, models: tuple[str, ...] = ("claude-haiku-4-5-20251001",)) -> None:
        super().__init__(models=models)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def overloaded(self, *, retry_after: float | None = None, times: int = 1) -> None:
        """Answer 529 overloaded_error, as Anthropic does under load."""
        self.error(
            529,
            retry_after=retry_after,
            error_type="overloaded_error",
            message="Overloaded",
            times=times,
        )

    def _models_body(self) -> dict[str, Any]:
        data = [
            {"type": "model", "id": m, "display_name": m, "created_at": "2025-10-01T00:00:00Z"}
            for m in self.models
        ]
        return {
            "data": data,
            "has_more": False,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }

    def _message(
        self, request: Request, content: list[dict[str, Any]], stop: str
    ) -> dict[str, Any]:
        chars_in = len(request.system) + len(request.user)
        chars_out = sum(len(json.dumps(block)) for block in content)
        return {
            "id": f"msg_{len(self.requests):06d}",
            "type": "message",
            "role": "assistant",
            "model": request.model or "claude-haiku-4-5",
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": chars_in // 4 + 1, "output_tokens": chars_out // 4 + 1},
        }

    def _json_body(
        self, request: Request, data: dict[str, Any], finish: str | None
    ) -> dict[str, Any]:
        block = {
            "type": "tool_use",
            "id": f"toolu_{len(self.requests):06d}",
            "name": request.name or "reply",
        }
        block["input"] = data  # type: ignore[assignment]
        return self._message(request, [block], finish or "tool_use")

    def _text_body(self, request: Request, text: str, finish: str | None) -> dict[str, Any]:
        return self._message(request, [{"type": "text", "text": text}], finish or "end_turn")

    def _error_response(
        self, status: int, error_type: str | None, message: str | None
    ) -> tuple[int, dict[str, str], bytes, str]:
        kind = error_type or _ANTHROPIC_ERRORS.get(status, "api_error")
        body = {
            "type": "error",
            "error": {"type": kind, "message": message or kind.replace("_", " ")},
        }
        return status, {}, json.dumps(body).encode(), "application/json"


_ANTHROPIC_ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


class OpenAIServer(_Server):
    """POST /v1/chat/completions answering with the JSON text as the message content; GET
    /v1/models. ``reject_response_format`` makes it refuse ``response_format`` with a 400, as
    some OpenAI-compatible servers do."""

    provider = "openai"
    answer_path = "/v1/chat/completions"
    _length_reason = "length"

    def __init__(self, *, models: tuple[str, ...] = ("gpt-5-mini", "llama3.2:latest")) -> None:
        super().__init__(models=models)
        self.reject_response_format = False
        self.reject_status = 400  # what a server without response_format answers (400, 422, 404)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _refuse(self, request: Request) -> tuple[int, dict[str, str], bytes, str] | None:
        if (
            self.reject_response_format
            and isinstance(request.body, dict)
            and "response_format" in request.body
        ):
            return self._error_response(
                self.reject_status,
                "invalid_request_error",
                "response_format json_schema is not supported",
            )
        return None

    def _models_body(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "local"} for m in self.models
            ],
        }

    def _completion(self, request: Request, content: str, finish: str) -> dict[str, Any]:
        chars_in = len(request.system) + len(request.user)
        return {
            "id": f"chatcmpl-{len(self.requests):06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.model or "gpt-5-mini",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "finish_reason": finish,
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": chars_in // 4 + 1,
                "completion_tokens": len(content) // 4 + 1,
                "total_tokens": chars_in // 4 + len(content) // 4 + 2,
            },
        }

    def _json_body(
        self, request: Request, data: dict[str, Any], finish: str | None
    ) -> dict[str, Any]:
        return self._completion(request, json.dumps(data), finish or "stop")

    def _text_body(self, request: Request, text: str, finish: str | None) -> dict[str, Any]:
        return self._completion(request, text, finish or "stop")

    def _error_response(
        self, status: int, error_type: str | None, message: str | None
    ) -> tuple[int, dict[str, str], bytes, str]:
        kind = error_type or _OPENAI_ERRORS.get(status, "server_error")
        body = {
            "error": {
                "message": message or kind.replace("_", " "),
                "type": kind,
                "param": None,
                "code": None,
            }
        }
        return status, {}, json.dumps(body).encode(), "application/json"


_OPENAI_ERRORS = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "permission_denied",
    404: "not_found",
    429: "rate_limit_exceeded",
    500: "server_error",
}


if __name__ == "__main__":  # pragma: no cover - by hand: python -m tests.aiservers openai
    import sys

    kind = sys.argv[1] if len(sys.argv) > 1 else "anthropic"
    with AnthropicServer() if kind == "anthropic" else OpenAIServer() as running:
        print(running.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
