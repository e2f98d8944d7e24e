"""The Kaggle arXiv metadata snapshot (arxiv-metadata-oai-snapshot.json): JSON Lines, one paper a line.

Built for bulk: `parse_lines` takes any iterable of lines (a chunk of a 2.7M-line file) and does
the minimum per line; TeX decoding and mojibake repair run only on the few strings that need them.
Authors come from `authors_parsed` ([last, first, suffix]); the raw `authors` string is split only
for its parenthesised affiliations, and only when it has any.
"""
from __future__ import annotations

import json
from typing import Iterable

from ...normalize import ids
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from . import helpers as h
from .settings import SNAPSHOT_KEYS

NAME = "arxiv_snapshot"


def sniff(head: str) -> bool:
    first = head.lstrip().split("\n", 1)[0]
    return first.startswith("{") and all(key in first for key in SNAPSHOT_KEYS)


def parse(capture: Capture) -> ParsedBatch:
    return parse_lines(decode(capture).splitlines(), capture)


def parse_lines(lines: Iterable[bytes | str], capture: Capture, start: int = 0) -> ParsedBatch:
    """Parse snapshot lines; `start` is the line number of the first one, so that record refs stay
    unique when a big file is parsed in chunks. Blank lines are skipped but keep their number."""
    batch = ParsedBatch(format=NAME)
    loads = json.loads
    for index, line in enumerate(lines, start):
        if not line.strip():
            continue
        try:
            record = loads(line)
            if not isinstance(record, dict):
                raise ValueError(f"line is a JSON {type(record).__name__}, not an object")
            _record(batch, capture, index, record, line)
        except (ValueError, TypeError, AttributeError, IndexError, KeyError) as err:
            raw = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
            reason = "malformed_json" if isinstance(err, json.JSONDecodeError) else "malformed_record"
            batch.rejects.append(reject(capture, NAME, f"{reason}: line {index}: {err}", raw,
                                        capture.ref(index)))
    return batch


def _record(batch: ParsedBatch, capture: Capture, index: int, record: dict, line) -> None:
    versions = record.get("versions") or []
    comments = record.get("comments")
    h.add_paper(
        batch, capture, NAME, index,
        lambda: line.decode("utf-8", "replace") if isinstance(line, bytes) else line,
        title=h.tex_text(record.get("title")),
        abstract=h.tex_text(record.get("abstract")),
        published_on=h.rfc822_day(versions[0].get("created")) if versions else None,
        arxiv_id=ids.arxiv_id(record.get("id")),
        doi=record.get("doi"),
        topics=h.categories(record.get("categories")),
        primary=None,
        journal_ref=h.tex_text(record.get("journal-ref")),
        comments=comments,
        authors=_authors(record),
        authors_truncated=h.truncated(record.get("authors")),
    )


def _authors(record: dict) -> list[dict]:
    raw = record.get("authors") or ""
    parsed = record.get("authors_parsed")
    if not parsed:
        return h.authors_of(h.split_authors(raw))
    names, given = [], []
    for parts in parsed:
        last, first, suffix = parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""
        if first and ". -" in first:  # Kaggle writes hyphenated initials "C. -P."; others "C.-P."
            first = first.replace(". -", ".-")
        name = h.person(f"{first} {last} {suffix}" if suffix else f"{first} {last}" if first else last)
        if name:
            names.append(name)
            given.append([a for a in map(h.text, parts[3:]) if a] if len(parts) > 3 else [])
    affiliations = given
    if "(" in raw:
        # the raw string resolves numbered affiliations ("(1 and 2)") that authors_parsed leaves
        split = h.split_authors(raw)
        if len(split) == len(names):  # only trust a one-to-one alignment
            affiliations = [affs for _, affs in split]
    return [h.author(name, i, affs) for i, (name, affs) in enumerate(zip(names, affiliations), start=1)]
