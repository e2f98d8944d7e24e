"""The fetcher against real HTTP on 127.0.0.1 (pytest-httpserver): retries, caps, redirects."""
from __future__ import annotations

import asyncio
import gzip
import logging
import socket
import threading
import time
from email.utils import formatdate

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from papertrail.pipelines.config import HostLimit
from papertrail.pipelines.http import Fetcher, Request, fetch_log_row
from papertrail.pipelines.http.guard import parse_retry_after

FAST = HostLimit(1000, 8)


def _serve():
    # Module-scoped: stopping a werkzeug server waits out its 0.5 s poll, per test adds up.
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.stop()


_one = pytest.fixture(scope="module")(_serve)
_two = pytest.fixture(scope="module", name="_two")(_serve)


@pytest.fixture
def server(_one):
    _one.clear()
    yield _one
    _one.clear()


@pytest.fixture
def server2(_two):
    _two.clear()
    yield _two
    _two.clear()


def fetcher(**kw) -> Fetcher:
    opts = dict(allowed_hosts=["127.0.0.1"], default_limit=FAST, backoff_initial=0.01,
                backoff_max=0.05, jitter=0, retry_after_cap=5, max_attempts=3,
                connect_timeout=1, read_timeout=1)
    opts.update(kw)
    return Fetcher(**opts)


def run(coro):
    return asyncio.run(coro)


async def fetch_one(req, **kw):
    async with fetcher(**kw) as f:
        return await f.fetch(req)


def host(srv) -> str:
    return f"127.0.0.1:{srv.port}"


def test_429_short_retry_after_then_200_waits_and_counts_two_attempts(server):
    server.expect_ordered_request("/r").respond_with_data("slow down", status=429,
                                                          headers={"Retry-After": "1"})
    server.expect_ordered_request("/r").respond_with_json({"ok": True})
    started = time.monotonic()
    res = run(fetch_one(Request(server.url_for("/r"), expect="json")))
    waited = time.monotonic() - started
    assert (res.status, res.attempts, res.error, res.content) == (200, 2, None, b'{\n    "ok": true\n}')
    assert waited >= 1.0


def test_retry_after_above_cap_gives_up_that_host_only(server, server2):
    server.expect_request("/a").respond_with_data("", status=429, headers={"Retry-After": "7200"})
    server2.expect_request("/b").respond_with_json({"fine": 1})
    expected = f"retry_after_exceeds_cap: host {host(server)} asked to wait 7200 s (cap 5 s)"

    async def go():
        async with fetcher() as f:
            first = await f.fetch(server.url_for("/a"))
            second = await f.fetch(server.url_for("/a?page=2"))
            other = await f.fetch(server2.url_for("/b"))
            return first, second, other, f.given_up_hosts()

    first, second, other, given_up = run(go())
    assert (first.status, first.attempts, first.error) == (429, 1, expected)
    assert (second.status, second.attempts, second.error) == (None, 0, expected)
    assert len(server.log) == 1  # the second request was never sent
    assert (other.status, other.error) == (200, None)
    assert given_up == {host(server): expected}


def test_requests_queued_for_a_given_up_host_are_not_sent(server):
    server.expect_request("/a").respond_with_data("", status=429, headers={"Retry-After": "3600"})

    async def go():
        async with fetcher(host_limits={host(server): HostLimit(1000, 1)}) as f:
            return await asyncio.gather(*[f.fetch(server.url_for(f"/a?n={i}")) for i in range(4)])

    results = run(go())
    error = f"retry_after_exceeds_cap: host {host(server)} asked to wait 3600 s (cap 5 s)"
    assert [r.error for r in results] == [error] * 4
    assert sorted(r.attempts for r in results) == [0, 0, 0, 1]
    assert len(server.log) == 1


def test_connection_reset_is_retried_then_reported():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def slam():  # accept, then close without a byte: what a crashing backend looks like
        for _ in range(2):
            conn, _ = listener.accept()
            conn.recv(1024)
            conn.close()

    thread = threading.Thread(target=slam, daemon=True)
    thread.start()
    try:
        res = run(fetch_one(f"http://127.0.0.1:{port}/x", max_attempts=2))
    finally:
        thread.join(2)
        listener.close()
    assert (res.status, res.attempts, res.content) == (None, 2, None)
    assert res.error == "connection_error: RemoteProtocolError after 2 attempts"


def test_500_then_503_then_200_takes_three_attempts(server):
    server.expect_ordered_request("/x").respond_with_data("boom", status=500)
    server.expect_ordered_request("/x").respond_with_data("busy", status=503)
    server.expect_ordered_request("/x").respond_with_data("done")
    res = run(fetch_one(server.url_for("/x")))
    assert (res.status, res.attempts, res.error, res.content) == (200, 3, None, b"done")


def test_exhausted_retries_name_status_and_attempts(server):
    server.expect_request("/down").respond_with_data("busy", status=503)
    res = run(fetch_one(server.url_for("/down")))
    assert (res.status, res.attempts, res.content) == (503, 3, None)
    assert res.error == "http_error: HTTP 503 after 3 attempts"
    assert len(server.log) == 3


def test_client_error_is_not_retried(server):
    server.expect_request("/gone").respond_with_data("no", status=404)
    res = run(fetch_one(server.url_for("/gone")))
    assert (res.status, res.attempts, res.error) == (404, 1, "http_error: HTTP 404 after 1 attempt")


def test_run_retry_budget_caps_retries_across_requests(server):
    server.expect_request("/down").respond_with_data("busy", status=503)

    async def go():
        async with fetcher(retry_budget=1, max_attempts=5) as f:
            return [await f.fetch(server.url_for("/down")) for _ in range(2)], f.retries_used

    (a, b), used = run(go())
    assert used == 1
    assert a.error == "http_error: HTTP 503 after 2 attempts (run retry budget used up)"
    assert b.error == "http_error: HTTP 503 after 1 attempt (run retry budget used up)"


def test_read_timeout_is_retried_then_reported(server):
    release = threading.Event()

    def slow(_request):
        release.wait(5)
        return Response("late")

    server.expect_request("/slow").respond_with_handler(slow)
    res = run(fetch_one(server.url_for("/slow"), read_timeout=0.2, max_attempts=2))
    release.set()
    assert (res.status, res.attempts, res.content) == (None, 2, None)
    assert res.error == "timeout: ReadTimeout after 2 attempts"
    deadline = time.monotonic() + 5
    while len(server.log) < 2 and time.monotonic() < deadline:  # let the handlers finish
        time.sleep(0.01)


def test_truncated_body_is_retried_then_reported(server):
    def short(_request):
        response = Response(b"0123456789")
        response.headers["Content-Length"] = "100"  # set after the body, or werkzeug fixes it
        return response

    server.expect_request("/cut").respond_with_handler(short)
    res = run(fetch_one(server.url_for("/cut"), max_attempts=2))
    assert (res.status, res.attempts, res.content) == (200, 2, None)
    assert res.error == ("truncated_body: peer closed connection without sending complete message "
                         "body (received 10 bytes, expected 100) after 2 attempts")


def test_html_where_json_expected_is_unexpected_content_type(server):
    server.expect_request("/api").respond_with_data("<html>login</html>", content_type="text/html")
    res = run(fetch_one(Request(server.url_for("/api"), expect="json")))
    assert res.status == 200
    assert res.error == "unexpected_content_type: expected json, got text/html"
    assert res.content == b"<html>login</html>"  # kept, for the quarantine record


@pytest.mark.parametrize("location, error", [
    ("http://example.org/x", "redirect_refused: host example.org is not in allowed_hosts"),
    ("http://169.254.169.254/latest/meta-data/",
     "redirect_refused: 169.254.169.254 is a link-local address"),
    ("file:///etc/passwd", "redirect_refused: scheme 'file' is not allowed (file:///etc/passwd)"),
])
def test_redirects_to_forbidden_targets_are_refused(server, location, error):
    server.expect_request("/go").respond_with_data("", status=302, headers={"Location": location})
    res = run(fetch_one(server.url_for("/go")))
    assert (res.status, res.error, res.content, res.attempts) == (302, error, None, 1)
    assert len(server.log) == 1


def test_redirect_within_allowed_hosts_is_followed(server):
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data("here")
    res = run(fetch_one(server.url_for("/old")))
    assert (res.status, res.content, res.url, res.final_url) == (
        200, b"here", server.url_for("/old"), server.url_for("/new"))


def test_loopback_is_refused_unless_allowed(server):
    res = run(fetch_one(server.url_for("/x"), allowed_hosts=["api.openalex.org"]))
    assert res.error == "url_refused: 127.0.0.1 is a loopback address"
    assert len(server.log) == 0


def test_oversize_body_is_cut_off(server):
    server.expect_request("/big").respond_with_data(b"x" * 5000)
    # No Content-Length: the cap must hold while streaming, not only from the header.
    server.expect_request("/stream").respond_with_response(
        Response(iter([b"y" * 800] * 10), direct_passthrough=True))
    for path in ("/big", "/stream"):
        res = run(fetch_one(server.url_for(path), max_body_bytes=1000))
        assert (res.status, res.content) == (200, None)
        assert res.error == "body_exceeds_cap: response is larger than 1000 bytes"


def test_gzip_bomb_is_cut_off_and_honest_gzip_decoded(server):
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    server.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    server.expect_request("/small").respond_with_data(gzip.compress(b'{"a": 1}'),
                                                      headers={"Content-Encoding": "gzip"})
    res = run(fetch_one(server.url_for("/bomb"), max_body_bytes=100_000))
    assert res.error == "body_exceeds_cap: response is larger than 100000 bytes"
    assert res.content is None
    ok = run(fetch_one(server.url_for("/small"), max_body_bytes=100_000))
    assert (ok.error, ok.content, ok.bytes) == (None, b'{"a": 1}', 8)


def test_etag_gives_304_unchanged_on_next_run(server, tmp_path):
    def handler(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(b"page v1", headers={"ETag": '"v1"', "Last-Modified": formatdate(usegmt=True)})

    server.expect_request("/p").respond_with_handler(handler)
    req = Request(server.url_for("/p"), conditional=True)
    first = run(fetch_one(req, state_dir=tmp_path))
    second = run(fetch_one(req, state_dir=tmp_path))  # a new Fetcher: a new run
    assert (first.status, first.unchanged, first.content, first.headers["etag"]) == (
        200, False, b"page v1", '"v1"')
    assert (second.status, second.unchanged, second.content, second.error) == (304, True, None, None)
    assert second.sha256 == first.sha256
    assert server.log[1][0].headers["If-None-Match"] == '"v1"'
    assert "If-Modified-Since" in server.log[1][0].headers


def test_robots_txt_disallow_and_fetched_once(server):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private\n",
                                                            content_type="text/plain")
    server.expect_request("/public").respond_with_data("<html>ok</html>", content_type="text/html")

    async def go():
        async with fetcher() as f:
            return await asyncio.gather(
                f.fetch(Request(server.url_for("/private/me"), robots=True, expect="html")),
                f.fetch(Request(server.url_for("/public"), robots=True, expect="html")))

    denied, allowed = run(go())
    assert denied.error == (f"robots_disallowed: {server.url_for('/private/me')} is disallowed by "
                            f"http://{host(server)}/robots.txt")
    assert (allowed.status, allowed.error) == (200, None)
    paths = [r.path for r, _ in server.log]
    assert paths.count("/robots.txt") == 1 and "/private/me" not in paths


def test_rate_limit_spaces_requests(server):
    server.expect_request("/t").respond_with_data("ok")

    async def go():
        async with fetcher(host_limits={host(server): HostLimit(10, 5)}) as f:
            started = time.monotonic()
            results = await asyncio.gather(*[f.fetch(server.url_for("/t")) for _ in range(5)])
            return results, time.monotonic() - started

    results, elapsed = run(go())
    assert [r.status for r in results] == [200] * 5
    assert elapsed >= 0.4


def test_connection_cap_allows_one_request_in_flight(server):
    lock, state = threading.Lock(), {"now": 0, "peak": 0}

    def handler(_request):
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return Response("ok")

    server.expect_request("/c").respond_with_handler(handler)

    async def go():
        async with fetcher(host_limits={"127.0.0.1": HostLimit(1000, 1)}) as f:
            return await asyncio.gather(*[f.fetch(server.url_for("/c")) for _ in range(4)])

    assert [r.status for r in run(go())] == [200] * 4
    assert state["peak"] == 1


def test_user_agent_and_log_row(server):
    server.expect_request("/ua").respond_with_json(
        {"a": 1}, headers={"X-Rate-Limit-Limit": "50", "Server": "x", "ETag": '"e"'})
    ua = "papertrail/0.1 (+https://github.com/papertrail; mailto:me@example.org)"
    res = run(fetch_one(Request(server.url_for("/ua"), tag="crossref"), user_agent=ua))
    assert server.log[0][0].headers["User-Agent"] == ua
    assert res.headers == {"content-type": "application/json", "etag": '"e"',
                           "x-rate-limit-limit": "50"}
    row = fetch_log_row(res)
    assert row["url"] == server.url_for("/ua") and row["status"] == 200 and row["attempts"] == 1
    assert row["bytes"] == len(res.content) and len(row["sha256"]) == 64 and row["error"] is None
    assert row["headers"] == ('{"content-type": "application/json", "etag": "\\"e\\"", '
                              '"x-rate-limit-limit": "50"}')
    assert row["tag"] == "crossref" and row["fetched_at"].tzinfo is not None


def test_api_key_never_in_results_or_logs(server, caplog):
    secret = "sk-SECRET-4242"
    server.expect_request("/works").respond_with_data("busy", status=503)
    server.expect_request("/s2").respond_with_data("", status=429, headers={"Retry-After": "999"})
    caplog.set_level(logging.DEBUG)

    async def go():
        async with fetcher(secrets=[secret]) as f:
            a = await f.fetch(Request(server.url_for("/works"), params={"api_key": secret}))
            b = await f.fetch(Request(server.url_for("/s2") + f"?token={secret}",
                                      headers={"x-api-key": secret}))
            return a, b

    a, b = run(go())
    assert server.log[0][0].args["api_key"] == secret  # it was sent...
    for res in (a, b):  # ...and it is nowhere in what we keep or log
        assert secret not in repr(res) and secret not in str(fetch_log_row(res))
    assert a.url == server.url_for("/works") + "?api_key=***"
    assert a.error == "http_error: HTTP 503 after 3 attempts"
    # The test server's own access log (werkzeug) prints what it received; ours must not.
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug"))
    assert secret not in ours
    assert "api_key=***" in ours  # httpx's own request log line, redacted


def test_parse_retry_after_seconds_and_http_date():
    assert parse_retry_after("120") == 120
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = parse_retry_after(formatdate(time.time() + 30, usegmt=True))
    assert 28 <= later <= 30
    assert parse_retry_after(formatdate(time.time() - 30, usegmt=True)) == 0
