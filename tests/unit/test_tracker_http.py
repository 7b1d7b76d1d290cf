"""The trackers' HTTP client against a local server speaking GitHub's wire format: kept-alive
connections, conditional requests, rate limits waited or reported, retries, and errors a user
can act on, without the token in them."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from devfocus import __version__
from devfocus.trackers import github
from devfocus.trackers.http import (
    Cancelled,
    JsonClient,
    TrackerError,
    parse_links,
    proxy_for,
)
from tests.trackerservers import Clock, GitHubServer, github_issues

TOKEN = "t0k3n"


def make_client(server: GitHubServer, clock: Clock, **options: object) -> JsonClient:
    return github.client(server.url, TOKEN, sleep=clock.sleep, clock=clock, **options)


@pytest.fixture
def server():
    with GitHubServer(github_issues(30), token=TOKEN) as s:
        yield s


def test_requests_share_one_connection_and_say_who_asks(server: GitHubServer) -> None:
    clock = Clock()
    with make_client(server, clock) as api:
        for _ in range(20):
            assert api.get("/repos/acme/app/issues", {"per_page": 5}).status == 200
    assert server.connections == 1
    assert api.requests == 20
    first = server.requests[0]
    assert first.headers["user-agent"] == f"devfocus/{__version__}"
    assert first.headers["authorization"] == "<valid>"
    assert "gzip" in first.headers["accept-encoding"]


def test_gzip_answers_are_decoded(server: GitHubServer) -> None:
    with make_client(server, Clock()) as api:
        response = api.get("/repos/acme/app/issues", {"per_page": 10})
    assert response.headers["Content-Encoding"] == "gzip"
    assert [i["number"] for i in response.body] == list(range(30, 20, -1))


def test_a_known_etag_gets_304_without_a_body(server: GitHubServer) -> None:
    with make_client(server, Clock()) as api:
        first = api.get("/repos/acme/app/issues")
        again = api.get("/repos/acme/app/issues", etag=first.etag)
    assert first.etag and again.status == 304 and again.body is None
    assert again.etag == first.etag
    assert (api.requests, api.not_modified) == (2, 1)
    assert server.requests[1].headers["if-none-match"] == first.etag


def test_link_header_gives_next_and_last(server: GitHubServer) -> None:
    with make_client(server, Clock()) as api:
        response = api.get("/repos/acme/app/issues", {"per_page": 10, "page": 2})
    assert response.links["next"].endswith("page=3")
    assert response.links["last"].endswith("page=3")
    assert response.links["prev"].endswith("page=1")
    assert parse_links('<https://x/a?page=2>; rel="next prev"') == {
        "next": "https://x/a?page=2",
        "prev": "https://x/a?page=2",
    }


def test_rate_limit_headers_are_kept(server: GitHubServer) -> None:
    with make_client(server, Clock()) as api:
        api.get("/repos/acme/app/issues")
    assert api.rate is not None
    assert api.rate.limit == 5000 and api.rate.remaining == 4999
    assert api.rate.reset == pytest.approx(server.reset, abs=1)


def test_a_spent_rate_limit_waits_until_its_reset_when_that_is_soon(server: GitHubServer) -> None:
    clock = Clock()
    server.rate_limited(reset_in=20)
    with make_client(server, clock, max_wait=60) as api:
        response = api.get("/repos/acme/app/issues")
    assert response.status == 200
    assert 19 <= clock.waited <= 22  # until the reset second has passed
    assert max(clock.slept) <= 0.25  # in slices, so that cancelling is quick
    assert len(server.requests) == 2


def test_a_rate_limit_spent_for_long_is_reported_with_when_to_retry(server: GitHubServer) -> None:
    clock = Clock()
    reset = int(time.time() + 1800)
    server.rate_limited(reset_in=1800, limit=60)
    with make_client(server, clock, max_wait=60) as api, pytest.raises(TrackerError) as caught:
        api.get("/repos/acme/app/issues")
    error = caught.value
    assert error.retry_at == pytest.approx(reset, abs=2)
    assert error.status == 403
    until = time.strftime("%H:%M UTC", time.gmtime(error.retry_at or 0))
    assert error.message == f"GitHub's rate limit is spent until {until} (0 of 60 requests left)"
    assert clock.slept == []  # nothing waited: the caller tries again later


def test_a_secondary_limit_waits_retry_after(server: GitHubServer) -> None:
    clock = Clock()
    server.retry_after(3, status=403)
    with make_client(server, clock) as api:
        assert api.get("/repos/acme/app/issues").status == 200
    assert clock.waited == pytest.approx(3)
    assert len(server.requests) == 2


def test_a_long_retry_after_is_reported_not_waited(server: GitHubServer) -> None:
    clock = Clock()
    server.retry_after(600, status=403)
    with make_client(server, clock, max_wait=60) as api, pytest.raises(TrackerError) as caught:
        api.get("/repos/acme/app/issues")
    assert caught.value.retry_at == pytest.approx(clock.now + 600)
    assert "GitHub asks to slow down until" in caught.value.message
    assert "secondary rate limit" in caught.value.message
    assert clock.slept == []


def test_server_errors_are_retried_then_reported(server: GitHubServer) -> None:
    clock = Clock()
    server.fail_next(502, times=2)
    with make_client(server, clock, retries=2) as api:
        assert api.get("/repos/acme/app/issues").status == 200
        assert clock.waited == pytest.approx(1 + 2)  # a growing pause
        server.fail_next(500, times=3)
        with pytest.raises(TrackerError) as caught:
            api.get("/repos/acme/app/issues")
    assert caught.value.status == 500
    assert caught.value.message.startswith("GitHub failed with 500 Internal Server Error")
    assert "/repos/acme/app/issues" in caught.value.message


def test_a_dropped_connection_is_opened_again(server: GitHubServer) -> None:
    clock = Clock()
    with make_client(server, clock) as api:
        api.get("/repos/acme/app/issues")
        server.drop_next()
        assert api.get("/repos/acme/app/issues").status == 200
    assert server.connections == 2
    assert len(server.requests) == 3


def test_an_unreachable_host_says_so() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    clock = Clock()
    api = github.client(f"http://127.0.0.1:{port}", TOKEN, sleep=clock.sleep, clock=clock)
    with pytest.raises(TrackerError) as caught:
        api.get("/user")
    assert caught.value.message.startswith("127.0.0.1 could not be reached: ")
    assert "refused" in caught.value.message.lower()
    assert len(clock.slept) > 0  # retried before giving up


def test_an_answer_that_is_not_json_says_which_page(server: GitHubServer) -> None:
    server.malformed_next()
    with make_client(server, Clock()) as api, pytest.raises(TrackerError) as caught:
        api.get("/repos/acme/app/issues", {"page": 3})
    assert caught.value.message == (
        "GitHub answered with something that is not JSON "
        f"({server.url}/repos/acme/app/issues?page=3)"
    )


def test_a_refused_token_is_said_plainly_and_never_shown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with GitHubServer(token="the-right-one") as server:
        api = github.client(server.url, TOKEN, sleep=Clock().sleep)
        with pytest.raises(TrackerError) as caught:
            api.get("/repos/acme/app/issues")
    assert caught.value.status == 401
    assert caught.value.message == (
        "GitHub refused the token (401 Bad credentials): "
        "run DevFocus: Connect GitHub or set GITHUB_TOKEN"
    )
    assert TOKEN not in caplog.text
    assert len(server.requests) == 1  # a refused token is not retried


def test_an_error_echoing_the_token_does_not_show_it(server: GitHubServer) -> None:
    server.fail_next(422, body={"message": f"Validation failed for Bearer {TOKEN}"})
    with make_client(server, Clock()) as api, pytest.raises(TrackerError) as caught:
        api.get("/repos/acme/app/issues")
    assert TOKEN not in caught.value.message
    assert "Validation failed for ***" in caught.value.message


def test_cancelling_stops_a_wait_at_once(server: GitHubServer) -> None:
    clock = Clock()
    server.rate_limited(reset_in=50)

    def cancelled() -> bool:
        return clock.waited >= 2

    with make_client(server, clock, cancelled=cancelled) as api, pytest.raises(Cancelled):
        api.get("/repos/acme/app/issues")
    assert 2 <= clock.waited < 2.5
    assert len(server.requests) == 1


def test_a_cancelled_client_sends_nothing(server: GitHubServer) -> None:
    with make_client(server, Clock(), cancelled=lambda: True) as api, pytest.raises(Cancelled):
        api.get("/user")
    assert server.requests == []


def test_credentials_are_never_sent_to_another_host(server: GitHubServer) -> None:
    with make_client(server, Clock()) as api, pytest.raises(TrackerError) as caught:
        api.get("https://elsewhere.example/repos/acme/app/issues?page=2")
    assert "another host (elsewhere.example)" in caught.value.message
    assert server.requests == []


def test_an_enterprise_api_path_prefix_is_kept() -> None:
    with GitHubServer(github_issues(3), token=TOKEN, prefix="/api/v3") as server:
        api = github.client(server.api_url, TOKEN)
        assert len(api.get("/repos/acme/app/issues").body) == 3
        assert api.url("/user") == f"{server.url}/api/v3/user"
    assert server.requests[0].path == "/api/v3/repos/acme/app/issues"


def test_proxies_come_from_the_environment_unless_bypassed() -> None:
    proxies = {"https": "http://proxy.corp:3128", "http": "proxy.corp:8080"}

    def no_proxy(host: str) -> bool:
        return host.endswith(".internal")

    via = proxy_for("https", "api.github.com", proxies, no_proxy)
    assert via is not None and (via.hostname, via.port) == ("proxy.corp", 3128)
    plain = proxy_for("http", "jira.corp", proxies, no_proxy)
    assert plain is not None and plain.port == 8080
    assert proxy_for("https", "ghe.internal", proxies, no_proxy) is None
    assert proxy_for("https", "127.0.0.1", proxies, no_proxy) is None
    assert proxy_for("https", "api.github.com", {}, no_proxy) is None


def test_a_plain_proxy_is_asked_for_the_whole_url(
    server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("no_proxy", "NO_PROXY", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", server.url.replace("127.0.0.1", "user:secret@127.0.0.1"))
    api = github.client("http://github.test", TOKEN)
    assert len(api.get("/repos/acme/app/issues").body) == 30
    received = server.requests[0]
    assert received.path == "/repos/acme/app/issues"
    assert received.headers["host"] == "github.test"
    assert received.headers["proxy-authorization"] == "Basic dXNlcjpzZWNyZXQ="


def test_a_secondary_limit_without_headers_waits_a_minute(server: GitHubServer) -> None:
    clock = Clock()
    server.fail_next(403, body={"message": "You have exceeded a secondary rate limit."})
    with make_client(server, clock, max_wait=90) as api:
        assert api.get("/repos/acme/app/issues").status == 200
    assert clock.waited == pytest.approx(60)
    server.fail_next(403, body={"message": "You have exceeded a secondary rate limit."})
    with make_client(server, clock, max_wait=30) as api, pytest.raises(TrackerError) as caught:
        api.get("/repos/acme/app/issues")
    assert caught.value.retry_at == pytest.approx(clock.now + 60)
    assert "You have exceeded a secondary rate limit." in caught.value.message


def test_without_a_token_a_private_answer_says_one_is_needed(server: GitHubServer) -> None:
    api = github.client(server.url, None, sleep=Clock().sleep)
    with pytest.raises(TrackerError) as caught:
        api.get("/user")
    assert caught.value.message == (
        "GitHub needs a token (401 Requires authentication): "
        "run DevFocus: Connect GitHub or set GITHUB_TOKEN"
    )
    assert "authorization" not in server.requests[0].headers
