"""Crossref REST API responses (`work` and `work-list` messages), CSL-JSON content-negotiation
bodies, the plain-text 404 body, and vcrpy cassettes recorded against api.crossref.org."""
from __future__ import annotations

import json

from ...errors import ApiErrorPayload, ParseError
from ...records import Capture, ParsedBatch, reject
from ..base import HEAD_CHARS, decode
from ..semanticscholar.wire import is_cassette, load_json, parse_cassette
from . import helpers as H
from . import settings as S
from .settings import NAME

__all__ = ["NAME", "sniff", "parse", "parse_body"]

RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def sniff(head: str) -> bool:
    if is_cassette(head, S.HOST):
        return True
    text = head.strip()
    if text == S.NOT_FOUND_TEXT:
        return True
    if not text.startswith("{"):
        return False
    if S.ENVELOPE.search(text) and '"message"' in text:
        return True
    return S.DATE_PARTS in text and bool(S.CSL_KEYS.search(text))


def parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    if is_cassette(text[:HEAD_CHARS], S.HOST):
        return parse_cassette(capture, text, NAME, S.HOST, parse_body)
    return parse_body(capture, text, "")


def parse_body(capture: Capture, text: str, prefix: str) -> ParsedBatch:
    if text.strip() == S.NOT_FOUND_TEXT:
        raise ApiErrorPayload(f"crossref: API error: {S.NOT_FOUND_TEXT}")
    data = load_json(text, NAME)
    if not isinstance(data, dict):
        raise ParseError(f"crossref: response is a {type(data).__name__}",
                         reason="unexpected_shape")
    batch = ParsedBatch(format=NAME)
    if "message-type" not in data:  # CSL-JSON: the work itself, no envelope
        _work(batch, capture, data, f"{prefix}0")
        return batch
    kind, message = data.get("message-type"), data.get("message")
    if data.get("status") != "ok":
        raise ApiErrorPayload(f"crossref: API error ({data.get('status')}, {kind}): "
                              f"{json.dumps(message, ensure_ascii=False)[:300]}")
    if kind == "work":
        _work(batch, capture, message, f"{prefix}0")
    elif kind == "work-list":
        items = (message or {}).get("items")
        if not isinstance(items, list):
            raise ParseError("crossref: work-list message has no 'items' list",
                             reason="unexpected_shape")
        for index, item in enumerate(items):
            _work(batch, capture, item, f"{prefix}{index}")
    # members, journals, funders, prefixes...: valid responses that carry no works
    return batch


def _work(batch: ParsedBatch, capture: Capture, work, key: str) -> None:
    ref = capture.ref(key)
    try:
        if not isinstance(work, dict):
            raise TypeError(f"is a {type(work).__name__}, not an object")
        row = H.work_row(work, capture, ref)
        if not row["title"] and not row["abstract"]:
            raise ValueError("has neither title nor abstract")
        labels = H.topic_labels(ref, work)
    except RECORD_ERRORS as err:
        batch.rejects.append(reject(capture, NAME, f"crossref: record {key} {err}",
                                    json.dumps(work, ensure_ascii=False), record_ref=ref))
        return
    batch.papers.append(row)
    batch.topic_labels.extend(labels)
