"""What came over the wire: JSON bodies, and vcrpy YAML cassettes wrapping them. Shared by the
openalex, semanticscholar and crossref parsers.

Cassettes: each recorded interaction's response body, parsed by the source's own
JSON parser. Shared by semanticscholar and crossref (the registry has no slot for a cassette
format of its own, so the source whose API host the cassette recorded claims it).

Both recorder flavours occur: classic vcrpy (`body: {string}`, `status: {code}`) and the httpx
one (`content`, `status_code`). Bodies may be `!!binary` gzip bytes."""
from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from typing import Callable

import yaml

from ...errors import ParseError, TruncatedCapture
from ...records import Capture, ParsedBatch, reject

CASSETTE_START = "interactions:"


def load_json(text: str, source: str):
    """JSON text -> object; a cut-off body is a TruncatedCapture, anything else malformed_json."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        # An error at the very end means the document simply stopped: a partial download.
        if err.pos >= len(text.rstrip()) - 1 or "Unterminated string" in err.msg:
            raise TruncatedCapture(f"{source}: JSON ends early ({err.msg} at char {err.pos} "
                                   f"of {len(text)})") from None
        raise ParseError(f"{source}: JSON is malformed ({err.msg} at line {err.lineno} "
                         f"col {err.colno})", reason="malformed_json") from None


@dataclass
class Interaction:
    index: int
    method: str
    uri: str
    status: int | None
    content_type: str
    body: str | None


def is_cassette(head: str, host: str) -> bool:
    return head.lstrip().startswith(CASSETTE_START) and host in head


def _header(headers: dict | None, name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return ", ".join(value) if isinstance(value, list) else str(value)
    return ""


def _body(response: dict) -> str | bytes | None:
    body = response.get("body", response.get("content"))
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, bytes) and "gzip" in _header(response.get("headers"), "content-encoding"):
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error):
            pass  # left as bytes: decoding below reports it rather than guessing
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    return body


def interactions(capture: Capture, text: str) -> list[Interaction]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ParseError(f"{capture.capture}: cassette: YAML does not load ({err})".splitlines()[0],
                         reason="malformed_cassette") from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise ParseError(f"{capture.capture}: cassette: no 'interactions' list",
                         reason="malformed_cassette")
    out = []
    for index, item in enumerate(data["interactions"]):
        request, response = (item or {}).get("request") or {}, (item or {}).get("response") or {}
        status = response.get("status")
        code = status.get("code") if isinstance(status, dict) else response.get("status_code")
        out.append(Interaction(index, str(request.get("method") or "GET"), str(request.get("uri")),
                               int(code) if code is not None else None,
                               _header(response.get("headers"), "content-type"), _body(response)))
    return out


def parse_cassette(capture: Capture, text: str, source: str, host: str,
                   parse_body: Callable[[Capture, str, str], ParsedBatch]) -> ParsedBatch:
    """Every interaction either yields records (refs prefixed "<interaction>.") or one reject row
    saying why not: redirects, error statuses, other hosts, non-JSON bodies."""
    batch = ParsedBatch(format=source)
    for it in interactions(capture, text):
        ref = capture.ref(it.index)
        where = f"cassette: interaction {it.index} ({it.method} {it.uri})"

        def quarantine(why: str) -> None:
            batch.rejects.append(reject(capture, source, f"{where}: {why}", it.body, record_ref=ref))

        if it.status is not None and 300 <= it.status < 400:
            quarantine(f"HTTP {it.status} redirect, no record in the body")
        elif host not in it.uri:
            quarantine(f"host is not {host}; not a {source} response")
        elif it.status is not None and it.status >= 400:
            try:
                parse_body(capture, it.body or "", f"{it.index}.")
                quarantine(f"HTTP {it.status}")
            except ParseError as err:
                quarantine(f"HTTP {it.status}: {err}")
        elif not (it.body or "").strip():
            quarantine("empty response body")
        elif it.content_type and "json" not in it.content_type:
            quarantine(f"content-type {it.content_type} is not a {source} JSON response")
        else:
            try:
                batch.extend(parse_body(capture, it.body, f"{it.index}."))
            except ParseError as err:
                quarantine(err.describe())
    return batch
