"""The demo corpus in the wire formats of the scholarly APIs: arXiv Atom, Semantic Scholar's paged
author papers, Crossref's work list (OpenAlex lives in corpus.py beside its snapshots).

Shapes follow the real responses in ../shared/realdata closely enough that the same parsers read
them (tests parse every shape served); values are derived from the paper so that every source
tells the same story about it, spelled its own way.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timezone
from xml.sax.saxutils import escape, quoteattr

from .model import DemoPaper

_ATOM_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/{feed_id}</id>
  <title>arXiv Query: search_query={query}&amp;id_list=&amp;start={start}&amp;max_results={size}</title>
  <updated>{updated}</updated>
  <link href="https://arxiv.org/api/query?search_query={query_attr}&amp;start={start}&amp;max_results={size}" type="application/atom+xml"/>
  <opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
"""


def _stamp(day: date, hour: int = 17) -> str:
    return datetime.combine(day, time(hour, 0, tzinfo=timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _atom_entry(paper: DemoPaper) -> str:
    aid = paper.arxiv_id
    authors = "".join(f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n"
                      for a in paper.authors)
    comment = f"    <arxiv:comment>{paper.page_count} pages</arxiv:comment>\n" if paper.page_count else ""
    return (
        "  <entry>\n"
        f"    <id>http://arxiv.org/abs/{aid}v1</id>\n"
        f"    <title>{escape(paper.title)}</title>\n"
        f"    <updated>{_stamp(paper.published_on)}</updated>\n"
        f'    <link href="https://arxiv.org/abs/{aid}v1" rel="alternate" type="text/html"/>\n'
        f'    <link href="https://arxiv.org/pdf/{aid}v1" rel="related" type="application/pdf" title="pdf"/>\n'
        f"    <summary>{escape(paper.abstract)}</summary>\n"
        f'    <category term="{paper.topic}" scheme="http://arxiv.org/schemas/atom"/>\n'
        f"    <published>{_stamp(paper.published_on)}</published>\n"
        f"{comment}"
        f'    <arxiv:primary_category term="{paper.topic}"/>\n'
        f"{authors}"
        "  </entry>\n")


def arxiv_feed(query: str, papers: list[DemoPaper], start: int, size: int, total: int | None = None,
               updated: date | None = None) -> str:
    """One page of an arXiv API answer: `papers` are the entries of this page only."""
    feed_id = hashlib.sha1(f"{query}|{start}|{size}".encode()).hexdigest()[:27]
    head = _ATOM_HEAD.format(
        feed_id=feed_id, query=escape(query), query_attr=quoteattr(query)[1:-1], start=start,
        size=size, total=len(papers) if total is None else total,
        updated=_stamp(updated or date(2026, 6, 1), 0))
    return head + "".join(_atom_entry(p) for p in papers) + "</feed>\n"


def s2_paper_id(paper: DemoPaper) -> str:
    return hashlib.sha1(f"s2:{paper.arxiv_id}".encode()).hexdigest()


def s2_author_id(person: str) -> str:
    return str(1700000 + int(hashlib.sha1(person.encode()).hexdigest()[:6], 16) % 100000)


def s2_paper(paper: DemoPaper, index: int) -> dict:
    """A paper object with the fields papertrail asks for (config `fields`)."""
    return {
        "paperId": s2_paper_id(paper),
        "externalIds": {"ArXiv": paper.arxiv_id, "DOI": f"10.48550/arXiv.{paper.arxiv_id}",
                        "CorpusId": 250000000 + index},
        "title": paper.title,
        "venue": "arXiv.org",
        "year": paper.published_on.year,
        "publicationDate": paper.published_on.isoformat(),
        "citationCount": (index * 11) % 37 + 3,
        "authors": [{"authorId": s2_author_id(a), "name": a} for a in paper.authors],
    }


def s2_author_papers(papers: list[tuple[int, DemoPaper]], offset: int, limit: int) -> dict:
    """/author/{id}/papers: {offset, next?, data}; `next` only while more remain."""
    page = papers[offset:offset + limit]
    body: dict = {"offset": offset}
    if offset + len(page) < len(papers):
        body["next"] = offset + len(page)
    body["data"] = [s2_paper(p, i) for i, p in page]
    return body


def _name_parts(name: str) -> tuple[str, str]:
    for particle in (" van der ", " de ", " van "):
        if particle in name:
            first, _, rest = name.partition(particle)
            return first, particle.strip() + " " + rest
    first, _, last = name.rpartition(" ")
    return first, last


def crossref_work(paper: DemoPaper, index: int) -> dict:
    d = paper.published_on
    authors = []
    for k, name in enumerate(paper.authors):
        given, family = _name_parts(name)
        authors.append({"given": given, "family": family,
                        "sequence": "first" if k == 0 else "additional", "affiliation": []})
    return {
        "DOI": f"10.48550/arXiv.{paper.arxiv_id}",
        "URL": f"https://doi.org/10.48550/arXiv.{paper.arxiv_id}",
        "type": "posted-content", "subtype": "preprint", "publisher": "arXiv",
        "title": [paper.title],
        "author": authors,
        "issued": {"date-parts": [[d.year, d.month, d.day]]},
        "posted": {"date-parts": [[d.year, d.month, d.day]]},
        "is-referenced-by-count": (index * 7) % 29,
        "reference-count": 20 + index % 30,
        "abstract": f"<jats:p>{escape(paper.abstract)}</jats:p>",
        "container-title": [],
        "source": "Crossref",
    }


def crossref_works(papers: list[tuple[int, DemoPaper]], start: int, rows: int, query: str,
                   next_cursor: str | None) -> dict:
    """/works?query.author=...&cursor=...: a work-list message with next-cursor."""
    page = papers[start:start + rows]
    message = {
        "facets": {}, "total-results": len(papers),
        "items": [crossref_work(p, i) for i, p in page],
        "items-per-page": rows,
        "query": {"start-index": 0, "search-terms": query},
    }
    if next_cursor is not None:
        message["next-cursor"] = next_cursor
    return {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
            "message": message}
