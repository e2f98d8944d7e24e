"""Async fetcher: polite (per-host pace and connection caps, robots.txt, Retry-After), safe
(allow-listed hosts, manual redirects, size caps) and resilient (tenacity retries), and it never
raises for HTTP problems — every request yields exactly one FetchResult.

Libraries: httpx (transport), aiolimiter (per-host pacing), tenacity (retry loop, exponential
backoff with jitter), protego (robots.txt).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections import defaultdict
from contextlib import asynccontextmanager
from dataclasses import dataclass
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

import httpx
from aiolimiter import AsyncLimiter
from protego import Protego
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

from ..config import Config, HostLimit, host_key, user_agent as make_user_agent
from .guard import (REDIRECT_STATUSES, RETRY_STATUSES, BodyTooLarge, BodyTruncated,
                    UnsupportedEncoding, check_url, parse_retry_after, read_body, seconds)
from .result import (FetchResult, RedactingFilter, Redactor, Request, content_type_matches, redacted_loggers,
                     relevant_headers)
from .validators import ValidatorStore

log = logging.getLogger("pipelines.http")
ROBOTS_AGENT = "papertrail"


class _Retryable(Exception):
    """One failed attempt worth another try; carries what the final result should report."""

    def __init__(self, code: str, detail: str, *, status: int | None = None,
                 headers: Mapping[str, str] | None = None, retry_after: float | None = None):
        super().__init__(f"{code}: {detail}")
        self.code, self.detail, self.status = code, detail, status
        self.headers = dict(headers or {})
        self.retry_after = retry_after


@dataclass
class _Host:
    limiter: AsyncLimiter
    slots: asyncio.Semaphore
    resume_at: float = 0.0  # loop time before which nothing is sent (Retry-After)
    given_up: str | None = None


@dataclass
class _Attempts:
    n: int = 0
    final_url: str = ""


def _limiter(limit: HostLimit) -> AsyncLimiter:
    # max_rate=burst over burst/rps seconds: with burst=1 requests are evenly spaced, never bunched.
    return AsyncLimiter(limit.burst, limit.burst / limit.requests_per_second)


class Fetcher:
    def __init__(self, *, allowed_hosts: Iterable[str], user_agent: str | None = None,
                 host_limits: Mapping[str, HostLimit] | None = None,
                 default_limit: HostLimit = HostLimit(1.0, 2), connect_timeout: float = 10.0,
                 read_timeout: float = 30.0, max_attempts: int = 5, retry_budget: int = 200,
                 backoff_initial: float = 1.0, backoff_max: float = 60.0,
                 jitter: float | None = None, retry_after_cap: float = 60.0,
                 max_body_bytes: int = 50 * 1024 * 1024, max_redirects: int = 5,
                 max_concurrency: int = 8, state_dir: str | os.PathLike | None = None,
                 secrets: Iterable[str] = (), trust_env: bool = True,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.host_limits = {k.lower(): v for k, v in (host_limits or {}).items()}
        self.default_limit = default_limit
        self.max_attempts, self.retry_budget = max_attempts, retry_budget
        self.retry_after_cap, self.max_body_bytes = retry_after_cap, max_body_bytes
        self.max_redirects = max_redirects
        self.retries_used = 0
        self.redact = Redactor(secrets)
        self._backoff = wait_exponential_jitter(
            initial=backoff_initial, max=backoff_max,
            jitter=backoff_initial if jitter is None else jitter)
        self._validators = ValidatorStore(state_dir)
        self._hosts: dict[str, _Host] = {}
        self._global = asyncio.Semaphore(max_concurrency)
        self._robots: dict[str, Protego | str | None] = {}
        self._robots_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._filter = RedactingFilter(self.redact)
        self._filtered = redacted_loggers()
        for name in self._filtered:
            logging.getLogger(name).addFilter(self._filter)
        self._client = httpx.AsyncClient(
            follow_redirects=False, trust_env=trust_env, transport=transport,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=max_concurrency,
                                max_keepalive_connections=max_concurrency),
            headers={"User-Agent": user_agent or make_user_agent(None),
                     "Accept-Encoding": "gzip, deflate"})

    @classmethod
    def from_config(cls, config: Config, state_dir: str | os.PathLike | None = None,
                    **overrides) -> Fetcher:
        h = config.http
        kwargs = dict(
            allowed_hosts=config.allowed_hosts(), user_agent=config.user_agent,
            host_limits=config.host_limits(), default_limit=h.default_host,
            connect_timeout=h.connect_timeout, read_timeout=h.read_timeout,
            max_attempts=h.max_attempts, retry_budget=h.retry_budget,
            backoff_initial=h.backoff_initial, backoff_max=h.backoff_max,
            retry_after_cap=h.retry_after_cap, max_body_bytes=h.max_body_bytes,
            max_redirects=h.max_redirects, max_concurrency=h.max_concurrency,
            state_dir=state_dir if state_dir is not None else h.state_dir,
            secrets=config.secrets())
        kwargs.update(overrides)
        return cls(**kwargs)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()
        for name in self._filtered:
            logging.getLogger(name).removeFilter(self._filter)

    def given_up_hosts(self) -> dict[str, str]:
        return {k: v.given_up for k, v in self._hosts.items() if v.given_up}

    # -- public entry point -------------------------------------------------------------------

    async def fetch(self, request: Request | str) -> FetchResult:
        req = Request(request) if isinstance(request, str) else request
        shown = self.redact(req.url)
        try:
            url = httpx.URL(req.url)
            if req.params:
                url = url.copy_merge_params(dict(req.params))
            shown = self.redact(str(url))
            result = await self._fetch(req, url, shown)
            log.debug("fetched %s: status=%s attempts=%d bytes=%d error=%s", shown, result.status,
                      result.attempts, result.bytes, result.error)
            return result
        except Exception as exc:  # a bug here must not take the whole run down with it
            log.exception("internal error fetching %s", shown)
            return self._result(req, shown, shown, error=self.redact(
                f"internal_error: {type(exc).__name__}: {exc}"))

    # -- internals ----------------------------------------------------------------------------

    def _host(self, host: str) -> _Host:
        if host not in self._hosts:
            limit = self.host_limits.get(host) or self.host_limits.get(host.split(":")[0]) \
                or self.default_limit
            self._hosts[host] = _Host(_limiter(limit), asyncio.Semaphore(limit.max_connections))
        return self._hosts[host]

    def _result(self, req: Request, shown: str, final: str, *, status: int | None = None,
                headers: Mapping[str, str] | None = None, content: bytes | None = None,
                attempts: int = 0, error: str | None = None, unchanged: bool = False,
                sha256: str | None = None) -> FetchResult:
        if content is not None:
            sha256 = hashlib.sha256(content).hexdigest()
            if error:  # a failed fetch's body is kept only as its quarantine payload: no secrets in it
                content = self.redact.bytes(content)
        return FetchResult(
            url=shown, final_url=final, status=status, headers=relevant_headers(headers or {}),
            content=content, fetched_at=datetime.now(timezone.utc), sha256=sha256,
            bytes=len(content) if content is not None else 0, attempts=attempts,
            error=self.redact(error) if error else None, unchanged=unchanged, request=req)

    async def _fetch(self, req: Request, url: httpx.URL, shown: str) -> FetchResult:
        refusal = check_url(url, self.allowed_hosts, "url")
        if refusal:
            return self._result(req, shown, shown, error=refusal)
        given_up = self._host(host_key(str(url))).given_up
        if given_up:
            return self._result(req, shown, shown, error=given_up)
        if req.robots:
            refusal = await self._robots_refusal(url, shown)
            if refusal:
                return self._result(req, shown, shown, error=refusal)
        state = _Attempts(final_url=shown)
        retrying = AsyncRetrying(
            stop=self._stop, wait=self._wait, retry=retry_if_exception_type(_Retryable),
            before_sleep=lambda rs: self._before_sleep(rs, shown), reraise=True)
        try:
            return await retrying(self._attempt, req, url, shown, state)
        except _Retryable as exc:
            note = " (run retry budget used up)" if self.retries_used >= self.retry_budget else ""
            plural = "s" if state.n != 1 else ""
            return self._result(req, shown, state.final_url, status=exc.status, headers=exc.headers,
                                attempts=state.n,
                                error=f"{exc.code}: {exc.detail} after {state.n} attempt{plural}{note}")

    def _stop(self, rs: RetryCallState) -> bool:
        return rs.attempt_number >= self.max_attempts or self.retries_used >= self.retry_budget

    def _wait(self, rs: RetryCallState) -> float:
        exc = rs.outcome.exception() if rs.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return exc.retry_after  # the server said exactly how long; backoff would guess
        return self._backoff(rs)

    def _before_sleep(self, rs: RetryCallState, shown: str) -> None:
        self.retries_used += 1
        exc = rs.outcome.exception() if rs.outcome else None
        wait = rs.next_action.sleep if rs.next_action else 0
        log.info("retrying %s in %.2f s after attempt %d: %s", shown, wait, rs.attempt_number,
                 self.redact(str(exc)))

    @asynccontextmanager
    async def _slot(self, host: str):
        # Host slot first, global slot last: a queue for slow arXiv must not hold global slots.
        state = self._host(host)
        async with state.slots:
            loop = asyncio.get_running_loop()
            while (delay := state.resume_at - loop.time()) > 0:
                await asyncio.sleep(delay)
            await state.limiter.acquire()
            async with self._global:
                yield

    async def _attempt(self, req: Request, url: httpx.URL, shown: str,
                       state: _Attempts) -> FetchResult:
        state.n += 1
        method, body = req.method.upper(), req.json
        current = url
        for _hop in range(self.max_redirects + 1):
            host = host_key(str(current))
            hs = self._host(host)
            headers = dict(req.headers or {})
            if req.conditional and current == url:
                headers.update(self._validators.request_headers(shown))
            state.final_url = self.redact(str(current))
            async with self._slot(host):
                if hs.given_up:  # checked after queueing: another request may have given up
                    return self._result(req, shown, state.final_url, attempts=state.n - 1,
                                        error=hs.given_up)
                try:
                    response = await self._client.send(
                        self._client.build_request(method, current, headers=headers, json=body),
                        stream=True)
                except httpx.TimeoutException as exc:
                    raise _Retryable("timeout", type(exc).__name__) from None
                except httpx.TransportError as exc:
                    raise _Retryable("connection_error", type(exc).__name__) from None
                try:
                    status = response.status_code
                    if status in REDIRECT_STATUSES and "location" in response.headers:
                        location = response.headers["location"]
                        nxt = current.join(location)
                        refusal = check_url(nxt, self.allowed_hosts, "redirect",
                                            self.redact(location[:300]))
                        if refusal:
                            return self._result(req, shown, state.final_url, status=status,
                                                headers=response.headers, attempts=state.n,
                                                error=refusal)
                        if status == 303 or (status in (301, 302) and method == "POST"):
                            method, body = "GET", None
                        current = nxt
                        continue
                    if status == 304 and req.conditional:
                        prior = self._validators.get(shown) or {}
                        return self._result(req, shown, state.final_url, status=304,
                                            headers=response.headers, attempts=state.n,
                                            unchanged=True, sha256=prior.get("sha256"))
                    if status in RETRY_STATUSES:
                        self._handle_retry_status(req, response, host, hs)
                    content = await read_body(response, self.max_body_bytes)
                except BodyTooLarge:
                    return self._result(req, shown, state.final_url, status=response.status_code,
                                        headers=response.headers, attempts=state.n,
                                        error=f"body_exceeds_cap: response is larger than "
                                              f"{self.max_body_bytes} bytes")
                except UnsupportedEncoding as exc:
                    return self._result(req, shown, state.final_url, status=status,
                                        headers=response.headers, attempts=state.n,
                                        error=f"unsupported_content_encoding: {exc}")
                except BodyTruncated as exc:
                    raise _Retryable("truncated_body", str(exc), status=status) from None
                except httpx.RemoteProtocolError as exc:
                    raise _Retryable("truncated_body", str(exc), status=status) from None
                except httpx.TimeoutException as exc:
                    raise _Retryable("timeout", type(exc).__name__, status=status) from None
                except httpx.TransportError as exc:
                    raise _Retryable("connection_error", type(exc).__name__, status=status) from None
                finally:
                    await response.aclose()
            return self._finish(req, shown, state, response, content)
        return self._result(req, shown, state.final_url, attempts=state.n,
                            error=f"too_many_redirects: more than {self.max_redirects}")

    def _handle_retry_status(self, req: Request, response: httpx.Response, host: str,
                             hs: _Host) -> None:
        """Raise _Retryable, or mark the host given up when it asks us to wait past the cap."""
        status = response.status_code
        wait = parse_retry_after(response.headers.get("retry-after"))
        if wait is not None and wait > self.retry_after_cap:
            hs.given_up = (f"retry_after_exceeds_cap: host {host} asked to wait {seconds(wait)} s "
                           f"(cap {seconds(self.retry_after_cap)} s)")
            log.warning("giving up on %s for this run: %s", host, hs.given_up)
            return  # fall through: the attempt ends with given_up as its error
        if wait is not None:  # every request to this host waits, not only the one that was told
            loop = asyncio.get_running_loop()
            hs.resume_at = max(hs.resume_at, loop.time() + wait)
        raise _Retryable("http_error", f"HTTP {status}", status=status, headers=response.headers,
                         retry_after=wait)

    def _finish(self, req: Request, shown: str, state: _Attempts, response: httpx.Response,
                content: bytes) -> FetchResult:
        status = response.status_code
        host = host_key(state.final_url)
        error = None
        if self._host(host).given_up and status in RETRY_STATUSES:
            error = self._host(host).given_up
        elif status >= 400:
            plural = "s" if state.n != 1 else ""
            error = f"http_error: HTTP {status} after {state.n} attempt{plural}"
        elif not content_type_matches(req.expect, response.headers.get("content-type")):
            error = (f"unexpected_content_type: expected {req.expect}, got "
                     f"{response.headers.get('content-type')}")
        result = self._result(req, shown, state.final_url, status=status, headers=response.headers,
                              content=content, attempts=state.n, error=error)
        if req.conditional and error is None and status == 200:
            self._validators.update(shown, response.headers.get("etag"),
                                    response.headers.get("last-modified"), result.sha256)
        return result

    async def _robots_refusal(self, url: httpx.URL, shown: str) -> str | None:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        async with self._robots_locks[origin]:  # one robots.txt fetch per host, however many pages
            if origin not in self._robots:
                res = await self.fetch(Request(origin + "/robots.txt"))
                if res.status is not None and 200 <= res.status < 300 and res.content is not None:
                    parsed: Protego | str | None = Protego.parse(res.content.decode("utf-8", "replace"))
                elif res.status is not None and 400 <= res.status < 500:
                    parsed = None  # no robots.txt: everything is allowed (RFC 9309)
                else:  # unreachable robots.txt means "assume complete disallow" (RFC 9309)
                    parsed = res.error or f"HTTP {res.status}"
                self._robots[origin] = parsed
                self._apply_crawl_delay(url, parsed)
        parsed = self._robots[origin]
        if parsed is None:
            return None
        if isinstance(parsed, str):
            return f"robots_disallowed: {origin}/robots.txt unavailable ({parsed})"
        if not parsed.can_fetch(str(url), ROBOTS_AGENT):
            return f"robots_disallowed: {shown} is disallowed by {origin}/robots.txt"
        return None

    def _apply_crawl_delay(self, url: httpx.URL, parsed) -> None:
        if not isinstance(parsed, Protego):
            return
        delay = parsed.crawl_delay(ROBOTS_AGENT)
        host = host_key(str(url))
        limit = self.host_limits.get(host) or self.default_limit
        if delay and delay > limit.burst / limit.requests_per_second:
            self._host(host).limiter = AsyncLimiter(1, float(delay))
