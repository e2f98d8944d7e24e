"""Defences that sit between the network and the caller: where we may go, how much we read.

Author pages come from sites we do not control, so a redirect or a Location header is untrusted
input: it may point at cloud metadata (169.254.169.254), a local file, or a decompression bomb.
"""
from __future__ import annotations

import email.utils
import time
import zlib

import httpx

from ..config import host_key, is_private_host

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class BodyTooLarge(Exception):
    pass


class BodyTruncated(Exception):
    pass


class UnsupportedEncoding(Exception):
    pass


def check_url(url: httpx.URL, allowed: frozenset[str], what: str, raw: str | None = None) -> str | None:
    """None when the URL may be fetched, else an error string '<what>_refused: ...'."""
    if url.scheme not in ("http", "https"):
        return f"{what}_refused: scheme '{url.scheme}' is not allowed ({raw or url})"
    hostname = url.host.lower()
    host = host_key(str(url))
    explicit = host in allowed or hostname in allowed
    kind = is_private_host(hostname)
    if kind and not explicit:
        return f"{what}_refused: {hostname} is a {kind} address"
    if not explicit:
        return f"{what}_refused: host {host} is not in allowed_hosts"
    return None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


class _Decoder:
    """Incremental gzip/deflate decoding with an output ceiling.

    httpx would decode for us, but its decoder inflates a whole network chunk at once, so a 64 KB
    chunk of a gzip bomb becomes ~64 MB before any size check could run. Here inflation itself
    stops at the cap."""

    def __init__(self, encoding: str | None):
        encoding = (encoding or "identity").strip().lower()
        if encoding in ("identity", ""):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:  # we only advertise gzip/deflate; anything else is a misbehaving server
            raise UnsupportedEncoding(encoding)
        self._first = True
        self.encoding = encoding

    def feed(self, data: bytes, room: int) -> bytes:
        if self._z is None:
            if len(data) > room:
                raise BodyTooLarge
            return data
        if self._first and self.encoding == "deflate" and data[:1] and data[0] & 0x0F != 8:
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
        self._first = False
        out = bytearray()
        try:
            while data:
                chunk = self._z.decompress(data, room - len(out) + 1)
                out += chunk
                if len(out) > room:
                    raise BodyTooLarge
                data = self._z.unconsumed_tail
        except zlib.error as exc:
            raise BodyTruncated(f"corrupt {self.encoding} stream ({exc})") from None
        return bytes(out)

    def finish(self) -> None:
        if self._z is not None and not self._z.eof:
            raise BodyTruncated(f"{self.encoding} stream ended early")


async def read_body(response: httpx.Response, cap: int) -> bytes:
    """The decoded body, never more than `cap` bytes raw or decoded."""
    declared = response.headers.get("content-length")
    expected = int(declared) if declared and declared.isdigit() else None
    if expected is not None and expected > cap:
        raise BodyTooLarge
    decoder = _Decoder(response.headers.get("content-encoding"))
    body = bytearray()
    raw = 0
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > cap:
            raise BodyTooLarge
        body += decoder.feed(chunk, cap - len(body))
    decoder.finish()
    if expected is not None and raw < expected:  # h11 usually catches this first
        raise BodyTruncated(f"received {raw} of {expected} bytes")
    return bytes(body)
