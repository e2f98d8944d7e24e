"""One Scholar search result (div.gs_r) -> a PAPERS row."""
from __future__ import annotations

from datetime import date

from ...normalize import ids
from ...normalize.text import clean
from ...records import Capture
from . import settings as S
from .settings import SELECTORS as CSS


def _text(node) -> str | None:
    return clean(node.text(separator=" ")) if node is not None else None


def title(result) -> tuple[str | None, str | None]:
    """(title, publisher URL). Badges are removed from the node before reading its text."""
    node = result.css_first(CSS["title"])
    if node is None:
        return None, None
    for badge in node.css(CSS["title_badges"]):
        badge.decompose()
    link = result.css_first(CSS["title_link"])
    return _text(node), (link.attributes.get("href") if link is not None else None)


def byline(result) -> tuple[list[str], dict[str, str], bool, str | None, int | None]:
    """(author names, name -> Scholar user id, truncated?, venue, year) from div.gs_a."""
    node = result.css_first(CSS["byline"])
    text = _text(node)
    if not text:
        return [], {}, False, None, None
    user_ids = {}
    for link in node.css(CSS["author_link"]):
        m = S.USER_ID.search(link.attributes.get("href") or "")
        if m and _text(link):
            user_ids[_text(link)] = m.group(1)
    parts = S.BYLINE_SEP.split(text)
    people = parts[0]
    truncated = S.ELLIPSIS in people or people.rstrip().endswith("...")
    names = [clean(n.strip(" ." + S.ELLIPSIS)) for n in people.split(",")]
    names = [n for n in names if n]
    venue, year = None, None
    middle = parts[1] if len(parts) >= 3 else (
        parts[1] if len(parts) == 2 and not S.HOST_LIKE.match(parts[1]) else None)
    if middle:
        m = S.YEAR_AT_END.search(middle)
        if m:
            year = int(m.group(1))
            middle = middle[:m.start()]
        venue = clean(middle.strip(" ,")) or None
    return names, user_ids, truncated, venue, year


def cited_by(result) -> int | None:
    link = result.css_first(CSS["cited_by"])
    m = S.CITED_BY.search(_text(link) or "") if link is not None else None
    return int(m.group(1)) if m else None


def _arxiv(url: str | None, venue: str | None) -> str | None:
    if url and "arxiv.org" in url:
        return ids.arxiv_id(url)
    # Scholar writes arXiv preprints as "CoRR, abs/1206.5538" or "arXiv preprint arXiv:1206.5538"
    if venue and venue.lower().startswith(S.ARXIV_VENUES):
        return ids.arxiv_id(venue)
    return None


def paper_row(result, capture: Capture, ref: str) -> dict:
    name, url = title(result)
    names, user_ids, truncated, venue, year = byline(result)
    doi = ids.doi(url) if url and "doi" in url.lower() else None
    return {
        "record_ref": ref, "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "title": name,
        # the snippet is Scholar's excerpt of the abstract, kept verbatim (its "..." included)
        "abstract": _text(result.css_first(CSS["snippet"])),
        "published_on": date(year, 1, 1) if year else None,
        "date_precision": "year" if year else None,
        "arxiv_id": _arxiv(url, venue), "doi": doi, "openalex_id": None, "s2_id": None,
        "primary_topic": None, "topics": [], "venue": venue, "has_code": None,
        "page_count": None, "citation_count": cited_by(result),
        "influential_citation_count": None, "affiliations": None,
        "authors": [{"name": n, "position": i, "affiliations": [], "orcid": None,
                     "source_author_id": user_ids.get(n)} for i, n in enumerate(names, start=1)],
        "authors_truncated": truncated, "profile_ref": None,
    }
