"""OpenAlex entity -> record rows. Pure functions over parsed JSON; the capture only names rows."""
from __future__ import annotations

from datetime import date

from ...normalize import dates, ids, topics
from ...normalize.text import clean
from ...records import Capture
from . import settings as S


def short_id(value: str | None) -> str | None:
    """'https://openalex.org/W2741809807' -> 'W2741809807'; 'https://openalex.org/subfields/1804'
    -> 'subfields/1804'."""
    if not value:
        return None
    return S.ID_PREFIX.sub("", value.strip()) or None


def kind(entity: dict) -> str | None:
    sid = short_id(entity.get("id"))
    if not sid:
        return None
    if "/" in sid:
        return sid.split("/", 1)[0].rstrip("s")  # "keywords/x" -> "keyword"
    return S.KIND_BY_LETTER.get(sid[0].upper())


def orcid(value: str | None) -> str | None:
    m = S.ORCID.search(value or "")
    return m.group(1).upper() if m else None


def abstract(inverted: dict | None) -> str | None:
    """OpenAlex ships abstracts as {word: [positions]}; put each word back at its positions."""
    if not inverted:
        return None
    slots: dict[int, str] = {}
    for word, positions in inverted.items():
        for pos in positions or ():
            slots[int(pos)] = word
    return clean(" ".join(slots[p] for p in sorted(slots)))


def _arxiv(work: dict, doi: str | None) -> str | None:
    if doi and doi.startswith(S.ARXIV_DOI_PREFIX):
        return ids.arxiv_id(doi[len(S.ARXIV_DOI_PREFIX):])
    candidates = [(work.get("ids") or {}).get("arxiv")]
    for loc in [work.get("primary_location")] + list(work.get("locations") or []):
        if loc:
            candidates += [loc.get("landing_page_url"), loc.get("pdf_url")]
    for url in candidates:
        if url and any(host in url.lower() for host in S.ARXIV_HOSTS):
            found = ids.arxiv_id(url)
            if found:
                return found
    return None


def _venue(work: dict) -> str | None:
    for key in S.VENUE_KEYS:
        holder = work.get(key) or {}
        source = holder.get("source") if key == "primary_location" else holder
        if source and source.get("display_name"):
            return clean(source["display_name"])
    return None


def _published(work: dict) -> tuple[date | None, str | None]:
    day, precision = dates.iso_date(work.get("publication_date"))
    if day is None and work.get("publication_year"):
        return date(int(work["publication_year"]), 1, 1), "year"
    return day, precision


def _page_count(biblio: dict | None) -> int | None:
    """Only a real range counts: first == last is usually an article number, not one page."""
    try:
        first, last = int((biblio or {}).get("first_page")), int((biblio or {}).get("last_page"))
    except (TypeError, ValueError):
        return None
    return last - first + 1 if last > first else None


def _authors(work: dict) -> list[dict]:
    rows = []
    for position, ship in enumerate(work.get("authorships") or [], start=1):
        person = ship.get("author") or {}
        institutions = [clean(i.get("display_name")) for i in ship.get("institutions") or []
                        if i and i.get("display_name")]
        # Institutions are OpenAlex's normalised names; the raw strings only when none was matched.
        raw = [clean(s) for s in ship.get("raw_affiliation_strings") or [] if s]
        rows.append({
            "name": clean(person.get("display_name") or ship.get("raw_author_name")),
            "position": position,
            "affiliations": list(dict.fromkeys(institutions or raw)),
            "orcid": orcid(person.get("orcid")),
            "source_author_id": short_id(person.get("id")),
        })
    return rows


def arxiv_topic(topic: dict | None) -> str | None:
    """An OpenAlex subfield named exactly like an arXiv category ('Artificial Intelligence')."""
    name = ((topic or {}).get("subfield") or {}).get("display_name")
    code = topics.arxiv_code(name)
    return code if code and "." in code else None  # archive-level matches are too broad


def topic_labels(ref: str, topic_list: list[dict]) -> list[dict]:
    """Each topic plus its subfield/field/domain, linked child -> parent, once per record."""
    rows: dict[tuple, dict] = {}
    for topic in topic_list:
        if not topic or not topic.get("id"):
            continue
        chain = [(topic, S.TOPIC_SCHEME, topic.get("score"))]
        chain += [(topic.get(key), scheme, None) for key, scheme in S.TOPIC_LEVELS]
        for (node, scheme, score), parent in zip(chain, chain[1:] + [(None, None, None)]):
            if not node or not node.get("id"):
                continue
            key = (short_id(node["id"]), scheme)
            rows.setdefault(key, {
                "record_ref": ref, "topic": key[0], "label": clean(node.get("display_name")),
                "scheme": scheme, "parent": short_id((parent[0] or {}).get("id")),
                "score": float(score) if score is not None else None})
    return list(rows.values())


def counts(ref: str, entity: dict) -> list[dict]:
    return [{"record_ref": ref, "year": int(row["year"]),
             "cited_by_count": row.get("cited_by_count"), "works_count": row.get("works_count")}
            for row in entity.get("counts_by_year") or [] if row.get("year") is not None]


def work_row(work: dict, capture: Capture, ref: str) -> dict:
    doi = ids.doi(work.get("doi") or (work.get("ids") or {}).get("doi"))
    topic_list = [t for t in ([work.get("primary_topic")] + list(work.get("topics") or [])) if t]
    codes = list(dict.fromkeys(c for c in map(arxiv_topic, topic_list) if c))
    published_on, precision = _published(work)
    return {
        "record_ref": ref, "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at,
        "title": clean(work.get("title") or work.get("display_name")),
        "abstract": abstract(work.get("abstract_inverted_index")),
        "published_on": published_on, "date_precision": precision,
        "arxiv_id": _arxiv(work, doi), "doi": doi, "openalex_id": short_id(work.get("id")),
        "s2_id": None, "primary_topic": arxiv_topic(work.get("primary_topic")), "topics": codes,
        "venue": _venue(work), "has_code": None, "page_count": _page_count(work.get("biblio")),
        "citation_count": work.get("cited_by_count"), "influential_citation_count": None,
        "affiliations": None, "authors": _authors(work),
        "authors_truncated": bool(work.get("is_authors_truncated", False)), "profile_ref": None,
    }


def _last_institutions(author: dict) -> list[dict]:
    for key in S.LAST_INSTITUTION_KEYS:
        value = author.get(key)
        if value:
            return [v for v in (value if isinstance(value, list) else [value]) if v]
    return []


def profile_row(author: dict, capture: Capture, ref: str) -> dict:
    stats = author.get("summary_stats") or {}
    extra = {}
    if stats.get("2yr_mean_citedness") is not None:
        extra["2yr_mean_citedness"] = str(stats["2yr_mean_citedness"])
    places = _last_institutions(author)
    if places:
        extra["last_known_institution"] = "; ".join(
            clean(p.get("display_name")) or "" for p in places)
        extra["last_known_institution_id"] = "; ".join(short_id(p.get("id")) or "" for p in places)
    return {
        "record_ref": ref, "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "name": clean(author.get("display_name")),
        "orcid": orcid(author.get("orcid")), "openalex_id": short_id(author.get("id")),
        "s2_id": None, "h_index": stats.get("h_index"), "i10_index": stats.get("i10_index"),
        "citation_count": author.get("cited_by_count"), "paper_count": author.get("works_count"),
        "extra": extra or None,
    }
