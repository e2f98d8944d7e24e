"""arXiv API Atom feeds (export.arxiv.org/api/query): the 2025+ layout, the 2016 legacy layout, and
arxiv.py's recorded cassettes `{"url", "status_code", "body"}` whose body is the feed.

An API error comes back as a feed with one entry titled "Error" (HTTP 400): that is raised as
ApiErrorPayload, never a paper. A feed with no entries (totalResults 0, an unknown id such as
0000.0000) is a valid empty answer and parses to an empty batch, not an error.
"""
from __future__ import annotations

import json

from ...errors import ApiErrorPayload, ParseError
from ...normalize import ids
from ...records import Capture, ParsedBatch
from ..base import decode
from . import helpers as h
from .settings import ARXIV, ATOM, ATOM_MARKERS, CASSETTE

NAME = "arxiv_atom"


def sniff(head: str) -> bool:
    if CASSETTE.match(head):
        return True
    start = head.lstrip()[:400]
    return ("<feed" in head[:2000] and start.startswith(("<?xml", "<feed"))
            and any(marker in head for marker in ATOM_MARKERS))


def parse(capture: Capture) -> ParsedBatch:
    body, status = _body(capture)
    root = h.parse_xml(body, capture)
    if root.tag != f"{ATOM}feed":
        raise ParseError(f"{capture.capture}: root element is {root.tag!r}, not an Atom feed",
                         reason="not_atom_feed")
    entries = root.findall(f"{ATOM}entry")
    _raise_api_error(entries, status)
    batch = ParsedBatch(format=NAME)
    for index, entry in enumerate(entries):
        try:
            _entry(batch, capture, index, entry)
        except (ValueError, TypeError, AttributeError) as err:
            h.malformed(batch, capture, NAME, index, err, h.xml_payload(entry))
    return batch


def _body(capture: Capture) -> tuple[str, int | None]:
    """The Atom text and the HTTP status when the capture is a recorded cassette."""
    text = decode(capture)
    if not text.lstrip().startswith("{"):
        return text, None
    try:
        wrapper = json.loads(text)
    except json.JSONDecodeError as err:
        raise ParseError(f"{capture.capture}: cassette is not valid JSON ({err})",
                         reason="malformed_json") from None
    if not isinstance(wrapper, dict) or not isinstance(wrapper.get("body"), str):
        raise ParseError(f"{capture.capture}: cassette has no string 'body'", reason="malformed_cassette")
    if not wrapper["body"].strip():
        raise ApiErrorPayload(f"{capture.capture}: HTTP {wrapper.get('status_code')} with an empty body")
    return wrapper["body"], wrapper.get("status_code")


def _raise_api_error(entries: list, status: int | None) -> None:
    for entry in entries:
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if "/api/errors" in entry_id or (entry.findtext(f"{ATOM}title") or "").strip() == "Error":
            message = " ".join((entry.findtext(f"{ATOM}summary") or "unknown error").split())
            raise ApiErrorPayload(f"arXiv API error: {message}")
    if status is not None and status >= 400:
        raise ApiErrorPayload(f"arXiv API error: HTTP {status} without an error entry")


def _entry(batch: ParsedBatch, capture: Capture, index: int, entry) -> None:
    doi = entry.findtext(f"{ARXIV}doi")
    if not doi:
        link = next((ln for ln in entry.findall(f"{ATOM}link") if ln.get("title") == "doi"), None)
        doi = link.get("href") if link is not None else None
    primary = entry.find(f"{ARXIV}primary_category")
    authors = []
    for el in entry.findall(f"{ATOM}author"):
        name = h.text(el.findtext(f"{ATOM}name"))
        if name:
            affs = [a for a in (h.text(x.text) for x in el.findall(f"{ARXIV}affiliation")) if a]
            authors.append(h.author(name, len(authors) + 1, affs))
    h.add_paper(
        batch, capture, NAME, index, lambda: h.xml_payload(entry),
        title=h.text(entry.findtext(f"{ATOM}title")),
        abstract=h.text(entry.findtext(f"{ATOM}summary")),
        published_on=h.iso_day(entry.findtext(f"{ATOM}published")),
        arxiv_id=ids.arxiv_id(entry.findtext(f"{ATOM}id")),
        doi=doi,
        topics=h.categories(c.get("term") for c in entry.findall(f"{ATOM}category")),
        primary=primary.get("term") if primary is not None else None,
        journal_ref=entry.findtext(f"{ARXIV}journal_ref"),
        comments=entry.findtext(f"{ARXIV}comment"),
        authors=authors,
    )
