"""Recorded HTTP cassettes (vcr / vcrpy YAML): every recorded response is parsed as the capture
it is (the registry detects its format from the body), at the time it was recorded. An error
response (4xx/5xx) is quarantined with its status and what its body says; a response recorded
twice with the same bytes is read once. Each response gets record refs of its own (derived from
the cassette's digest and its position), so a body also saved on its own never collides."""
from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timezone

import yaml

from ...errors import ParseError
from ...records import Capture, ParsedBatch, reject
from ..base import decode, shape_checked
from . import settings as S
from .settings import NAME

__all__ = ["NAME", "sniff", "parse"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def sniff(head: str) -> bool:
    return bool(S.HEAD.match(head))


def _when(value, fallback: datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    for fmt in S.RECORDED_AT_FORMATS:
        try:
            parsed = datetime.strptime(str(value).strip(), fmt)
        except (TypeError, ValueError):
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return fallback


def _body(response: dict) -> bytes:
    body = response.get("body") or {}
    if isinstance(body, str):
        return body.encode("utf-8")
    if body.get("base64_string"):
        return base64.b64decode(body["base64_string"])
    value = body.get("string") or ""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _status(response: dict) -> tuple[int | None, str]:
    status = response.get("status") or {}
    code = status.get("status_code", status.get("code"))
    try:
        return int(code), str(status.get("message") or "")
    except (TypeError, ValueError):
        return None, ""


def _parse(capture: Capture) -> ParsedBatch:
    from ..registry import parse_capture  # the registry lists this module: import on use

    try:
        data = yaml.load(decode(capture), Loader=_Loader)
    except yaml.YAMLError as err:
        raise ParseError(f"{NAME}: not valid YAML ({err})", reason="malformed_yaml") from None
    interactions = (data or {}).get("http_interactions") or (data or {}).get("interactions") or []
    batch = ParsedBatch(format=NAME)
    seen: set[tuple] = set()
    for i, item in enumerate(interactions):
        request, response = item.get("request") or {}, item.get("response") or {}
        method = str(request.get("method") or "GET").upper()
        uri = request.get("uri") or "?"
        status, message = _status(response)
        body = _body(response)
        key = (method, uri, status, hashlib.sha256(body).hexdigest())
        if key in seen:
            continue  # the same answer recorded again
        seen.add(key)
        inner = Capture(capture=f"{capture.capture}#{i}", content=body,
                        captured_at=_when(item.get("recorded_at"), capture.captured_at),
                        sha256=hashlib.sha256(f"{capture.sha256}:{i}".encode()).hexdigest())
        where = f"{method} {uri} (interaction {i} of {capture.capture})"
        if not body.strip():
            batch.rejects.append(reject(inner, NAME, f"empty_capture: {where} answered "
                                        f"{status} {message} with no body", body))
            continue
        parsed = parse_capture(inner)
        if status is not None and status >= 400:
            said = parsed.rejects[0]["reason"] if parsed.rejects else None
            code, _, detail = (said or "http_error: ").partition(": ")
            batch.rejects.append(reject(
                inner, parsed.format or NAME,
                f"{code if said else 'http_error'}: HTTP {status} {message} for {where}"
                + (f": {detail}" if said else ""), body))
            continue
        batch.extend(parsed)
    if not interactions:
        raise ParseError(f"{NAME}: a cassette with no recorded interaction", reason="empty_cassette")
    return batch


# Any unexpected shape of the content (a string where a dict was, ...) is a ParseError.
parse = shape_checked(NAME)(_parse)
