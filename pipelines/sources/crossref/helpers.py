"""Crossref work objects (REST `message` or CSL-JSON) -> record rows."""
from __future__ import annotations

import html

from ...normalize import dates, ids
from ...normalize.text import clean
from ...records import Capture
from . import settings as S


def first(value) -> str | None:
    """Crossref wraps most strings in lists (`title: [..]`); CSL-JSON does not."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    return value if isinstance(value, str) else None


def _small_caps(m) -> str:
    before, inner, after = m.group(1), m.group(3), m.group(4)
    if before:  # glued to the previous word: a word of its own with its spaces dropped
        return f"{before} {inner}{' ' if after else ''}{after}"
    return f"{inner}{after}"  # a word's capital initial joins the rest of the word


def text(markup: str | None) -> str | None:
    """Strip JATS/HTML tags and entities (`<scp>T</scp>reebase`, `Big Data &amp; Society`)."""
    if not markup:
        return None
    markup = S.SMALL_CAPS.sub(_small_caps, S.JATS_HEADING.sub(" ", markup))
    stripped = S.TAG.sub(" ", S.INLINE_TAG.sub("", markup))
    return clean(html.unescape(stripped))


def orcid(value: str | None) -> str | None:
    m = S.ORCID.search(value or "")
    return m.group(1).upper() if m else None


def page_count(pages: str | None) -> int | None:
    m = S.PAGES.match(pages or "")
    if not m:
        return None
    start, end = int(m.group(1)), int(m.group(2))
    return end - start + 1 if end > start else None


def published(work: dict):
    for key in S.DATE_KEYS:
        day, precision = dates.date_parts((work.get(key) or {}).get("date-parts"))
        if day:
            return day, precision
    return None, None


def _authors(work: dict) -> list[dict]:
    rows = []
    for position, person in enumerate(work.get("author") or [], start=1):
        name = " ".join(p for p in (person.get("given"), person.get("family")) if p) \
            or person.get("name")
        rows.append({
            "name": clean(html.unescape(name)) if name else None, "position": position,
            "affiliations": [clean(a.get("name")) for a in person.get("affiliation") or []
                             if a and clean(a.get("name"))],
            "orcid": orcid(person.get("ORCID")), "source_author_id": None,
        })
    return rows


def subjects(work: dict) -> list[str]:
    raw = work.get("subject") or []
    return list(dict.fromkeys(clean(s) for s in ([raw] if isinstance(raw, str) else raw)
                              if clean(s)))


def topic_labels(ref: str, work: dict) -> list[dict]:
    return [{"record_ref": ref, "topic": s, "label": s, "scheme": S.TOPIC_SCHEME,
             "parent": None, "score": None} for s in subjects(work)]


def work_row(work: dict, capture: Capture, ref: str) -> dict:
    doi = ids.doi(work.get("DOI"))
    day, precision = published(work)
    arxiv = ids.arxiv_id(doi[len(S.ARXIV_DOI_PREFIX):]) \
        if doi and doi.startswith(S.ARXIV_DOI_PREFIX) else None
    return {
        "record_ref": ref, "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "title": text(first(work.get("title"))),
        "abstract": text(work.get("abstract")), "published_on": day, "date_precision": precision,
        "arxiv_id": arxiv, "doi": doi, "openalex_id": None, "s2_id": None,
        "primary_topic": None, "topics": [],  # Crossref subjects are journal-level ASJC names
        "venue": text(first(work.get("container-title"))), "has_code": None,
        "page_count": page_count(work.get("page")),
        "citation_count": work.get("is-referenced-by-count"), "influential_citation_count": None,
        "affiliations": None, "authors": _authors(work), "authors_truncated": False,
        "profile_ref": None,
    }
