"""OpenAlex API responses: single works/authors and `{meta, results}` lists (2023 and 2025 schemas).

Works become PAPERS (+ COUNTS_BY_YEAR, TOPIC_LABELS), authors PROFILES (+ COUNTS_BY_YEAR). Other
entity kinds (concepts, funders, institutions, ...) carry no papers: they give an empty batch, topic
entities their TOPIC_LABELS."""
from __future__ import annotations

import json

from ...errors import ApiErrorPayload, ParseError
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from ..semanticscholar.wire import load_json
from . import helpers as H
from .settings import ENTITY_START, META_MARKER, NAME

__all__ = ["NAME", "sniff", "parse"]

# What a malformed record can raise from the row builders (a string where a dict was expected...).
RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError, ParseError)


def sniff(head: str) -> bool:
    text = head.lstrip()
    if not text.startswith("{"):
        return False
    if ENTITY_START.match(text):
        return True
    return META_MARKER in text and '"results"' in text


def parse(capture: Capture) -> ParsedBatch:
    data = load_json(decode(capture), NAME)
    if not isinstance(data, dict):
        raise ParseError(f"openalex: response is a {type(data).__name__}, expected an object",
                         reason="unexpected_shape")
    if "error" in data and "id" not in data:
        raise ApiErrorPayload(f"openalex: API error: {data.get('error')} "
                              f"{data.get('message') or ''}".rstrip())
    batch = ParsedBatch(format=NAME)
    if "results" in data:
        results = data.get("results") or []
        if not isinstance(results, list):
            raise ParseError("openalex: 'results' is not a list",
                             reason="unexpected_shape")
        for index, entity in enumerate(results):
            _entity(batch, capture, entity, capture.ref(index))
    else:
        _entity(batch, capture, data, capture.ref(0))
    return batch


def _entity(batch: ParsedBatch, capture: Capture, entity, ref: str) -> None:
    try:
        if not isinstance(entity, dict):
            raise TypeError(f"result is a {type(entity).__name__}, not an object")
        what = H.kind(entity)
        if what == "work":
            row = H.work_row(entity, capture, ref)
            if not row["title"] and not row["abstract"]:
                raise ValueError("work has neither title nor abstract")
            topic_list = [entity.get("primary_topic"), *(entity.get("topics") or [])]
            labels = H.topic_labels(ref, topic_list)
            batch.papers.append(row)
            batch.counts_by_year.extend(H.counts(ref, entity))
            batch.topic_labels.extend(labels)
        elif what == "author":
            batch.profiles.append(H.profile_row(entity, capture, ref))
            batch.counts_by_year.extend(H.counts(ref, entity))
        elif what == "topic":
            batch.topic_labels.extend(H.topic_labels(ref, [entity]))
        elif what is None:
            raise ValueError(f"no OpenAlex id in {sorted(entity)[:6]}")
        # concepts, funders, institutions, publishers, sources, keywords: no papers, nothing to emit
    except RECORD_ERRORS as err:
        batch.rejects.append(reject(capture, NAME, f"openalex: record {ref.split(':')[1]}: {err}",
                                    json.dumps(entity, ensure_ascii=False), record_ref=ref))
