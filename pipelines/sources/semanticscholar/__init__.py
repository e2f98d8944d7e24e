"""Semantic Scholar Graph API responses, bare or inside vcrpy cassettes.

Shapes: a paper or author object; paginated `{offset, next?, data}` of papers, authors, citations
(`data[].citingPaper`) or references (`data[].citedPaper`); search `{total, offset, data}`; bulk
search `{total, token, data}`; recommendations `{recommendedPapers}`; batch POST lists where `null`
stands for an unknown id; and `{"error": ...}` bodies, which raise ApiErrorPayload."""
from __future__ import annotations

import json

from ...errors import ApiErrorPayload, ParseError
from ...records import Capture, ParsedBatch, reject
from ..base import HEAD_CHARS, decode
from . import helpers as H
from . import settings as S
from .settings import NAME
from .wire import is_cassette, load_json, parse_cassette

__all__ = ["NAME", "sniff", "parse", "parse_body"]

RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def sniff(head: str) -> bool:
    if is_cassette(head, S.HOST):
        return True
    text = head.lstrip()
    if not text.startswith(("{", "[")):
        return False
    return bool(S.ID_KEYS.search(text) or S.ERROR_BODY.match(text))


def parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    if is_cassette(text[:HEAD_CHARS], S.HOST):
        return parse_cassette(capture, text, NAME, S.HOST, parse_body)
    return parse_body(capture, text, "")


def parse_body(capture: Capture, text: str, prefix: str) -> ParsedBatch:
    """One response body. `prefix` keeps record refs unique across a cassette's interactions."""
    data = load_json(text, NAME)
    batch = ParsedBatch(format=NAME)
    if isinstance(data, list):
        for index, item in enumerate(data):
            key = f"{prefix}{index}"
            if item is None:
                batch.rejects.append(reject(
                    capture, NAME, f"semanticscholar: batch item {index} is null (unknown id)",
                    "null", record_ref=capture.ref(key)))
            else:
                _item(batch, capture, item, key)
        return batch
    if not isinstance(data, dict):
        raise ParseError(f"semanticscholar: response is a {type(data).__name__}",
                         reason="unexpected_shape")
    if set(data) <= {*S.ERROR_KEYS, "code"} and any(data.get(k) for k in S.ERROR_KEYS):
        message = data.get("error") or data.get("message")
        raise ApiErrorPayload(f"semanticscholar: API error: {message}")
    list_key = next((k for k in S.LIST_KEYS if k in data), None)
    if list_key:
        items = data.get(list_key) or []
        if not isinstance(items, list):
            raise ParseError(f"semanticscholar: '{list_key}' is not a list",
                             reason="unexpected_shape")
        for index, item in enumerate(items):
            _item(batch, capture, item, f"{prefix}{index}")
    elif any(k in data for k in ("paperId", "authorId", "title", *S.EDGE_KEYS)):
        _item(batch, capture, data, f"{prefix}0")
    else:
        raise ParseError(f"semanticscholar: unrecognised object (keys {sorted(data)[:8]})",
                         reason="unexpected_shape")
    return batch


def _quarantine(batch: ParsedBatch, capture: Capture, key: str, why: str, item) -> None:
    batch.rejects.append(reject(capture, NAME, f"semanticscholar: record {key} {why}",
                                json.dumps(item, ensure_ascii=False), record_ref=capture.ref(key)))


def _item(batch: ParsedBatch, capture: Capture, item, key: str) -> None:
    try:
        if not isinstance(item, dict):
            raise TypeError(f"is a {type(item).__name__}, not an object")
        edge = next((k for k in S.EDGE_KEYS if k in item), None)
        if edge:
            if not isinstance(item[edge], dict):
                raise TypeError(f"'{edge}' holds no paper")
            item = item[edge]
        if H.is_author(item):
            _author(batch, capture, item, key)
        else:
            _paper(batch, capture, item, key, None)
    except RECORD_ERRORS as err:
        _quarantine(batch, capture, key, f"could not be read: {err}", item)


def _author(batch: ParsedBatch, capture: Capture, author: dict, key: str) -> None:
    ref = capture.ref(key)
    batch.profiles.append(H.profile_row(author, capture, ref))
    for index, paper in enumerate(author.get("papers") or []):
        sub = f"{key}.papers.{index}"
        try:
            _paper(batch, capture, paper, sub, ref)
        except RECORD_ERRORS as err:
            _quarantine(batch, capture, sub, f"could not be read: {err}", paper)


def _paper(batch: ParsedBatch, capture: Capture, paper: dict, key: str,
           profile_ref: str | None) -> None:
    ref = capture.ref(key)
    row = H.paper_row(paper, capture, ref, profile_ref)
    if not row["title"] and not row["abstract"]:
        # e.g. a `fields=authors` request: an id with no text is no paper we can show or match
        _quarantine(batch, capture, key, "has neither title nor abstract", paper)
        return
    batch.papers.append(row)
    batch.topic_labels.extend(H.topic_labels(ref, paper))
    for nested in S.NESTED_PAPER_KEYS:
        for index, other in enumerate(paper.get(nested) or []):
            sub = f"{key}.{nested}.{index}"
            try:
                _paper(batch, capture, other, sub, None)
            except RECORD_ERRORS as err:
                _quarantine(batch, capture, sub, f"could not be read: {err}", other)
