"""What the dblp shapes share: names without the homonym number, ids out of `ee` links, a
PAPERS row from the fields every dblp shape gives."""
from __future__ import annotations

from datetime import date

from ...normalize import ids
from ...normalize.text import clean
from . import settings as S


def person_name(text: str | None) -> str | None:
    return clean(S.HOMONYM_SUFFIX.sub("", text.strip())) if text else None


def strip_title(title: str | None) -> str | None:
    """dblp ends every title with a full stop of its own ("Timed Automata.")."""
    title = clean(title)
    if title and title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip() or None
    return title


def link_kind(url: str, kinds=S.LINK_KINDS) -> str:
    lowered = url.lower()
    return next((kind for mark, kind in kinds if mark in lowered), "homepage")


def ee_ids(ees: list[tuple[str, str | None]], venue: str | None, volume: str | None
           ) -> tuple[str | None, str | None, list[dict]]:
    """(doi, arxiv id, links) from a record's `ee` links [(url, type)] and CoRR's volume."""
    doi = arxiv = None
    links = []
    for url, kind in ees:
        lowered = url.lower()
        if "doi.org/" in lowered:
            doi = doi or ids.doi(url)
            links.append({"kind": "doi", "url": url})
        elif "arxiv.org/" in lowered:
            arxiv = arxiv or ids.arxiv_id(url)
            links.append({"kind": "arxiv", "url": url})
        else:
            links.append({"kind": kind or "ee", "url": url})
    if arxiv is None and venue == "CoRR" and volume:
        m = S.CORR_VOLUME.match(volume.strip())
        arxiv = ids.arxiv_id(m.group(1)) if m else None
    if doi and doi.startswith("10.48550/arxiv."):
        arxiv = arxiv or ids.arxiv_id(doi[len("10.48550/arxiv."):])
    return doi, arxiv, links


def page_count(pages: str | None) -> int | None:
    m = S.PAGE_RANGE.match((pages or "").strip())
    if not m:
        return None
    first, last = int(m.group(1)), int(m.group(2))
    return last - first + 1 if last >= first else None


def published(year: str | None, month: str | None = None) -> tuple[date | None, str | None]:
    if not year or not year.strip().isdigit():
        return None, None
    y = int(year.strip())
    m = S.MONTHS.get((month or "").strip().lower())
    return (date(y, m, 1), "month") if m else (date(y, 1, 1), "year")


def author_entry(name: str | None, position: int, pid: str | None = None,
                 orcid: str | None = None) -> dict:
    return {"name": person_name(name), "position": position, "orcid": orcid or None,
            "source_author_id": f"dblp:{pid}" if pid else None}
