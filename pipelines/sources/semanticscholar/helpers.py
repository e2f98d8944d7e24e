"""Semantic Scholar paper/author objects -> record rows. Pure functions over parsed JSON."""
from __future__ import annotations

import re
from datetime import date

from ...normalize import dates, ids
from ...normalize.text import clean
from ...records import Capture
from . import settings as S

_PAGES = re.compile(r"^\s*(\d+)\s*[-\u2013\u2014]+\s*(\d+)\s*$")


def page_count(pages: str | None) -> int | None:
    m = _PAGES.match(pages or "")
    if not m:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    return last - first + 1 if last > first else None


def is_author(item: dict) -> bool:
    return "authorId" in item and "paperId" not in item


def _published(paper: dict) -> tuple[date | None, str | None]:
    day, precision = dates.iso_date(paper.get("publicationDate"))
    if day is None and paper.get("year"):
        return date(int(paper["year"]), 1, 1), "year"
    return day, precision


def _venue(paper: dict) -> str | None:
    journal = paper.get("journal") or {}
    venue = paper.get("venue") or (paper.get("publicationVenue") or {}).get("name") \
        or journal.get("name")
    return clean(venue)


def _authors(paper: dict) -> list[dict]:
    rows = []
    for position, person in enumerate(paper.get("authors") or [], start=1):
        external = person.get("externalIds") or {}
        rows.append({
            "name": clean(person.get("name")), "position": position,
            "affiliations": [clean(a) for a in person.get("affiliations") or [] if clean(a)],
            "orcid": external.get(S.ORCID_KEY), "source_author_id": person.get("authorId"),
        })
    return rows


def field_names(paper: dict) -> list[str]:
    names = list(paper.get("fieldsOfStudy") or [])
    names += [f.get("category") for f in paper.get("s2FieldsOfStudy") or [] if f]
    return list(dict.fromkeys(clean(n) for n in names if clean(n)))


def topic_labels(ref: str, paper: dict) -> list[dict]:
    return [{"record_ref": ref, "topic": name, "label": name, "scheme": S.TOPIC_SCHEME,
             "parent": None, "score": None} for name in field_names(paper)]


def paper_row(paper: dict, capture: Capture, ref: str, profile_ref: str | None = None) -> dict:
    external = paper.get("externalIds") or {}
    published_on, precision = _published(paper)
    return {
        "record_ref": ref, "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "title": clean(paper.get("title")),
        "abstract": clean(paper.get("abstract")), "published_on": published_on,
        "date_precision": precision, "arxiv_id": ids.arxiv_id(external.get(S.ARXIV_KEY)),
        "doi": ids.doi(external.get(S.DOI_KEY)), "openalex_id": None,
        "s2_id": paper.get("paperId"),
        # S2 fields of study are whole disciplines ("Computer Science"), never an arXiv category
        "primary_topic": None, "topics": [],
        "venue": _venue(paper), "has_code": None,
        "page_count": page_count((paper.get("journal") or {}).get("pages")),
        "citation_count": paper.get("citationCount"),
        "influential_citation_count": paper.get("influentialCitationCount"),
        "affiliations": None, "authors": _authors(paper), "authors_truncated": False,
        "profile_ref": profile_ref,
    }


def profile_row(author: dict, capture: Capture, ref: str) -> dict:
    external = author.get("externalIds") or {}
    extra = {}
    if author.get("affiliations"):
        extra["affiliations"] = "; ".join(clean(a) or "" for a in author["affiliations"])
    if author.get("homepage"):
        extra["homepage"] = author["homepage"]
    dblp = external.get(S.DBLP_KEY)
    if dblp:
        extra["dblp"] = "; ".join(dblp) if isinstance(dblp, list) else str(dblp)
    return {
        "record_ref": ref, "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "name": clean(author.get("name")),
        "orcid": external.get(S.ORCID_KEY), "openalex_id": None, "s2_id": author.get("authorId"),
        "h_index": author.get("hIndex"), "i10_index": None,
        "citation_count": author.get("citationCount"), "paper_count": author.get("paperCount"),
        "extra": extra or None,
    }
