"""dblp as captures: the person export (`/pid/<pid>.xml`: the person and every publication, with
keys, authors' dblp pids and ORCIDs, venue, year, DOI/ee links; homonyms never read as the
person), the publication search API in JSON or XML (one record per hit), and dblp's BibTeX (one
record per entry). The live source fetches the person export per tracked author (`live.py`)."""
from __future__ import annotations

from ...errors import ParseError
from ...records import Capture, ParsedBatch
from ..base import decode, shape_checked
from . import settings as S
from .bibtex import parse_bibtex
from .person import parse_person
from .search import parse_search
from .settings import NAME

__all__ = ["NAME", "sniff", "parse"]


def _kind(head: str) -> str | None:
    start = head.lstrip()[:1]
    if start == "<":
        if S.PERSON_MARK.search(head):
            return "person"
        if S.SEARCH_XML_MARK.search(head):
            return "search_xml"
    elif start == "{":
        if S.SEARCH_JSON_MARK.search(head):
            return "search_json"
    elif start in ("@", "%") and S.BIBTEX_MARK.search(head):
        return "bibtex"
    return None


def sniff(head: str) -> bool:
    return _kind(head) is not None


def _parse(capture: Capture) -> ParsedBatch:
    kind = _kind(decode(capture)[:8192])
    if kind == "person":
        return parse_person(capture)
    if kind == "bibtex":
        return parse_bibtex(capture)
    return parse_search(capture, as_json=kind == "search_json")


# Any unexpected shape of the content (a string where a dict was, ...) is a ParseError.
parse = shape_checked(NAME)(_parse)
