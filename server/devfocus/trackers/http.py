"""The one HTTP client the importers use: JSON over a kept-alive connection, one request at a
time, with the trackers' rate limits honoured and every failure told in one clear line.

Standard library only, so that importing issues adds no dependency. Rate limits: a 403/429 with
``x-ratelimit-remaining: 0`` waits until ``x-ratelimit-reset`` (GitHub's primary limit); a 403/429
with ``Retry-After`` waits that long (GitHub's secondary limits, Jira's 429). A wait longer than
``max_wait`` is not waited: it becomes a :class:`TrackerError` with ``retry_at``, for the caller
to try again later. 5xx answers and dropped connections are retried with a growing pause.

The credentials (the ``Authorization`` header and any ``secrets`` given) never reach a log line
or an error message.
"""

from __future__ import annotations

import base64
import email.utils
import gzip
import http.client
import json
import logging
import re
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from devfocus import __version__

__all__ = [
    "Cancelled",
    "Headers",
    "JsonClient",
    "RateLimit",
    "Response",
    "TrackerError",
    "basic_auth",
    "parse_links",
    "proxy_for",
]

log = logging.getLogger(__name__)

USER_AGENT = f"devfocus/{__version__}"
_SLICE = 0.25  # seconds between two looks at `cancelled` while waiting
_RATE_WAITS = 3  # rate-limit waits one request may take before giving up
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


class TrackerError(Exception):
    """A request that did not give an answer: ``message`` says why in one line a user
    understands; ``retry_at`` (epoch seconds) is when trying again makes sense, if known."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_at: float | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_at = retry_at


class Cancelled(TrackerError):
    """The caller cancelled (``cancelled()`` became true) before or while waiting."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class Headers(Mapping[str, str]):
    """Response headers, looked up whatever the case (repeated headers joined with ``, ``)."""

    def __init__(self, pairs: Sequence[tuple[str, str]] = ()) -> None:
        self._items: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            self._items[key] = f"{self._items[key]}, {value}" if key in self._items else value

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass(frozen=True, slots=True)
class RateLimit:
    """What the ``x-ratelimit-*`` headers of the last answer said (``reset`` in epoch seconds)."""

    limit: int | None
    remaining: int | None
    reset: float | None

    @classmethod
    def of(cls, headers: Mapping[str, str]) -> RateLimit | None:
        values = [_number(headers.get(f"x-ratelimit-{n}")) for n in ("limit", "remaining", "reset")]
        if all(v is None for v in values):
            return None
        limit, remaining, reset = values
        return cls(
            None if limit is None else int(limit),
            None if remaining is None else int(remaining),
            reset,
        )


@dataclass(frozen=True, slots=True)
class Response:
    """One answer: ``body`` is the parsed JSON, or None for a 304 (the stored page stands)."""

    status: int
    headers: Headers
    body: Any
    etag: str | None
    links: dict[str, str] = field(default_factory=dict)  # rel → absolute URL, from `Link`


def parse_links(value: str | None) -> dict[str, str]:
    """``<https://…?page=2>; rel="next", <…>; rel="last"`` → ``{"next": …, "last": …}``."""
    links: dict[str, str] = {}
    for m in re.finditer(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)", value or ""):
        rel = re.search(r'rel\s*=\s*"?([^";]+)"?', m[2])
        if rel is not None:
            for name in rel[1].split():
                links.setdefault(name.lower(), m[1])
    return links


def proxy_for(
    scheme: str,
    host: str,
    proxies: Mapping[str, str] | None = None,
    bypass: Callable[[str], bool] | None = None,
) -> urllib.parse.SplitResult | None:
    """The proxy a request to ``host`` goes through (``https_proxy``/``http_proxy``, unless
    ``no_proxy`` names the host); None for a direct connection. Loopback is always direct."""
    if host.lower().strip("[]") in _LOOPBACK:
        return None
    found = (urllib.request.getproxies() if proxies is None else proxies).get(scheme)
    if not found:
        return None
    skip = urllib.request.proxy_bypass if bypass is None else bypass
    if skip(host):
        return None
    if "://" not in found:
        found = f"http://{found}"
    return urllib.parse.urlsplit(found)


class JsonClient:
    """GET JSON from one service, one request at a time, over one connection.

    ``base_url`` is the API's root (``https://api.github.com``, ``https://HOST/api/v3``,
    ``https://acme.atlassian.net``); a path is taken relative to it, and an absolute URL (a
    ``Link`` header's) must be on the same host: credentials are never sent elsewhere.
    ``service`` names the service in messages ("GitHub"); ``auth_hint`` tells what to do when
    the token is refused. Waits go through ``sleep`` in short slices, looking at ``cancelled``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        headers: Mapping[str, str],
        timeout: float = 30.0,
        max_wait: float = 60.0,
        retries: int = 2,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        cancelled: Callable[[], bool] = lambda: False,
        auth_hint: str = "",
        secrets: Sequence[str] = (),
    ) -> None:
        parts = urllib.parse.urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TrackerError(f"{service}: {base_url!r} is not an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.service = service
        self.host = parts.hostname
        self._scheme = parts.scheme
        self._netloc = parts.netloc.rpartition("@")[2].lower()
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._prefix = parts.path.rstrip("/")
        self._headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            **headers,
        }
        self._secrets = self._secret_texts(headers, secrets)
        self.timeout = timeout
        self.max_wait = max_wait
        self.retries = retries
        self.sleep = sleep
        self.clock = clock
        self.cancelled = cancelled
        self.auth_hint = auth_hint
        self.requests = 0  # answers received (304s included)
        self.not_modified = 0  # of which 304
        self.rate: RateLimit | None = None  # from the last answer that carried the headers
        self._conn: http.client.HTTPConnection | None = None
        self._proxy: urllib.parse.SplitResult | None = None
        self._used = False  # whether the open connection already carried an answer
        self._one_at_a_time = threading.Lock()

    # -- public ------------------------------------------------------------------------------

    @property
    def authenticated(self) -> bool:
        """Whether requests carry credentials."""
        return any(name.lower() == "authorization" for name in self._headers)

    def url(self, url_or_path: str, params: Mapping[str, object] | None = None) -> str:
        """The absolute URL a request for ``url_or_path`` with ``params`` goes to."""
        if "://" in url_or_path:
            parts = urllib.parse.urlsplit(url_or_path)
            if parts.scheme != self._scheme or parts.netloc.rpartition("@")[2].lower() != (
                self._netloc
            ):
                raise TrackerError(
                    f"{self.service} pointed to another host ({parts.hostname}); "
                    "the request was not sent"
                )
            path, query = parts.path, parts.query
        else:
            path, _, query = url_or_path.partition("?")
            path = f"{self._prefix}/{path.lstrip('/')}"
        if params:
            extra = urllib.parse.urlencode(
                [(k, str(v)) for k, v in params.items() if v is not None]
            )
            query = f"{query}&{extra}" if query else extra
        return urllib.parse.urlunsplit((self._scheme, self._netloc, path, query, ""))

    def get(
        self,
        url_or_path: str,
        params: Mapping[str, object] | None = None,
        etag: str | None = None,
    ) -> Response:
        """GET a JSON document; with ``etag``, a 304 answer (``body`` None) means unchanged."""
        extra = {"If-None-Match": etag} if etag else {}
        with self._one_at_a_time:  # the trackers ask for it; the connection needs it
            return self._request("GET", self.url(url_or_path, params), extra)

    def wait(self, seconds: float) -> None:
        """Pause ``seconds`` in short slices, raising :class:`Cancelled` when asked to stop."""
        left = seconds
        while True:
            if self.cancelled():
                raise Cancelled()
            if left <= 0:
                return
            step = min(_SLICE, left)
            self.sleep(step)
            left -= step

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
            self._used = False

    def __enter__(self) -> JsonClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one request, with its retries -----------------------------------------------------

    def _request(self, method: str, url: str, extra: Mapping[str, str]) -> Response:
        failures = 0
        rate_waits = 0
        page = self._describe(url)
        while True:
            if self.cancelled():
                raise Cancelled()
            try:
                status, reason, headers, raw = self._exchange(method, url, extra)
            except (OSError, http.client.HTTPException) as e:
                self.close()
                if failures < self.retries:
                    failures += 1
                    self.wait(self._backoff(failures))
                    continue
                raise TrackerError(f"{self.host} could not be reached: {self._clean(e)}") from None
            self.requests += 1
            rate = RateLimit.of(headers)
            if rate is not None:
                self.rate = rate
            log.debug("%s %s → %s", method, page, status)
            if status == 304:
                self.not_modified += 1
                kept = headers.get("etag") or extra.get("If-None-Match")
                return Response(304, headers, None, kept)
            if status in (403, 429):
                pause = self._rate_pause(status, headers, rate, raw)
                if pause is not None:
                    if rate_waits >= _RATE_WAITS:
                        raise self._limit_error(status, headers, rate, raw)
                    rate_waits += 1
                    log.info("%s rate limit: waiting %.0f s", self.service, pause)
                    self.wait(pause)
                    continue
            if status >= 500 or status == 429:
                if failures < self.retries:
                    failures += 1
                    self.wait(self._backoff(failures))
                    continue
                raise TrackerError(
                    f"{self.service} failed with {status} {reason}{self._said(raw)} ({page})",
                    status=status,
                )
            if status in (401, 403):
                hint = f": {self.auth_hint}" if self.auth_hint else ""
                said = self._clean(_message_of(raw) or reason)
                what = "refused the token" if self.authenticated else "needs a token"
                raise TrackerError(f"{self.service} {what} ({status} {said}){hint}", status=status)
            if status >= 400:
                raise TrackerError(
                    f"{self.service} answered {status} {reason}{self._said(raw)} ({page})",
                    status=status,
                )
            try:
                parsed = json.loads(raw.decode("utf-8-sig")) if raw.strip() else None
            except (UnicodeDecodeError, ValueError):
                raise TrackerError(
                    f"{self.service} answered with something that is not JSON ({page})",
                    status=status,
                ) from None
            return Response(
                status, headers, parsed, headers.get("etag"), parse_links(headers.get("link"))
            )

    def _rate_pause(
        self, status: int, headers: Headers, rate: RateLimit | None, raw: bytes
    ) -> float | None:
        """How long to wait before asking again, if the answer is a rate limit and the wait is
        short enough; raises the limit's error when it is too long."""
        now = self.clock()
        after = _retry_after(headers.get("retry-after"), now)
        if after is not None:
            pause = max(after, 0.0)
        elif rate is not None and rate.remaining == 0 and rate.reset is not None:
            pause = max(rate.reset - now, 0.0) + 1.0  # the reset second itself may still count
        elif b"rate limit" in raw.lower():
            pause = 60.0  # a secondary limit that says no more: GitHub asks for a minute
        else:
            return None
        if pause > self.max_wait:
            raise self._limit_error(status, headers, rate, raw)
        return pause

    def _limit_error(
        self, status: int, headers: Headers, rate: RateLimit | None, raw: bytes
    ) -> TrackerError:
        now = self.clock()
        after = _retry_after(headers.get("retry-after"), now)
        if after is not None:
            at = now + max(after, 0.0)
            return TrackerError(
                f"{self.service} asks to slow down until {_hhmm(at)} "
                f"(retry after {after:.0f} s{self._said(raw, ': ')})",
                status=status,
                retry_at=at,
            )
        if rate is None or rate.remaining != 0 or rate.reset is None:
            return TrackerError(
                f"{self.service} asks to slow down until {_hhmm(now + 60)}"
                f"{self._said(raw, ' (')}{')' if _message_of(raw) else ''}",
                status=status,
                retry_at=now + 60,
            )
        at = rate.reset
        of = f" of {rate.limit}" if rate.limit is not None else ""
        return TrackerError(
            f"{self.service}'s rate limit is spent until {_hhmm(at)} (0{of} requests left)",
            status=status,
            retry_at=at,
        )

    def _backoff(self, failures: int) -> float:
        return float(min(2 ** (failures - 1), self.max_wait))

    # -- the wire ------------------------------------------------------------------------------

    def _exchange(
        self, method: str, url: str, extra: Mapping[str, str]
    ) -> tuple[int, str, Headers, bytes]:
        parts = urllib.parse.urlsplit(url)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        headers = {**self._headers, **extra}
        for fresh in (False, True):
            conn = self._connection()
            reused = self._used
            path = target
            if self._proxy is not None and self._scheme == "http":
                path = url  # a plain proxy is asked for the whole URL
                if self._proxy.username:
                    headers["Proxy-Authorization"] = f"Basic {_proxy_credentials(self._proxy)}"
            try:
                conn.request(method, path, headers=headers)
                response = conn.getresponse()
                raw = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server closed meanwhile: one new connection at
                # once, without counting it as a failure.
                self.close()
                if reused and not fresh:
                    continue
                raise
            self._used = True
            if response.will_close:
                self.close()
            pairs = response.getheaders()
            found = Headers(pairs)
            if "gzip" in found.get("content-encoding", "").lower():
                try:
                    raw = gzip.decompress(raw)
                except (OSError, EOFError):
                    raw = b"\x00"  # reported as "not JSON"
            return response.status, response.reason, found, raw
        raise AssertionError("unreachable")

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is not None:
            return self._conn
        self._proxy = proxy_for(self._scheme, self.host)
        conn: http.client.HTTPConnection
        if self._proxy is None:
            conn = self._open(self.host, self._port)
        else:
            via = self._proxy
            conn = self._open(via.hostname or "", via.port or 80, plain=self._scheme == "http")
            if self._scheme == "https":
                tunnel: dict[str, str] = {}
                if via.username:
                    tunnel["Proxy-Authorization"] = f"Basic {_proxy_credentials(via)}"
                conn.set_tunnel(self.host, self._port, headers=tunnel)
        self._conn = conn
        self._used = False
        return conn

    def _open(self, host: str, port: int, *, plain: bool = False) -> http.client.HTTPConnection:
        if self._scheme == "https" and not plain:
            context = ssl.create_default_context()
            return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=context)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    # -- words ------------------------------------------------------------------------------------

    @staticmethod
    def _secret_texts(headers: Mapping[str, str], secrets: Sequence[str]) -> tuple[str, ...]:
        found = [s for s in secrets if s]
        for name, value in headers.items():
            if name.lower() in ("authorization", "proxy-authorization") and value:
                found.append(value)
                found.extend(w for w in value.split()[1:] if len(w) >= 4)
        return tuple(sorted(set(found), key=len, reverse=True))

    def _clean(self, text: object) -> str:
        out = " ".join(str(text).split())
        for secret in self._secrets:
            out = out.replace(secret, "***")
        return out

    def _said(self, raw: bytes, lead: str = ": ") -> str:
        said = _message_of(raw)
        return f"{lead}{self._clean(said)[:200]}" if said else ""

    def _describe(self, url: str) -> str:
        """The URL as messages show it: without credentials, and not too long to read."""
        shown = self._clean(url)
        return shown if len(shown) <= 200 else f"{shown[:199]}…"


def _message_of(raw: bytes) -> str:
    """The error text a GitHub (``message``) or Jira (``errorMessages``) error body carries."""
    try:
        data = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    message = data.get("message")
    if isinstance(message, str) and message.strip():
        return message.strip()
    errors = data.get("errorMessages")
    if isinstance(errors, list):
        return "; ".join(str(e) for e in errors if e)
    return ""


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


def _retry_after(value: str | None, now: float) -> float | None:
    """Retry-After as seconds from now: a number of seconds, or an HTTP date."""
    if value is None or not value.strip():
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() - now


def _hhmm(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).strftime("%H:%M UTC")


def _proxy_credentials(proxy: urllib.parse.SplitResult) -> str:
    user = urllib.parse.unquote(proxy.username or "")
    return basic_auth(user, urllib.parse.unquote(proxy.password or ""))


def basic_auth(user: str, password: str) -> str:
    """The credentials of an ``Authorization: Basic`` header."""
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
