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


# --- arXiv OAI-PMH (ListRecords, metadataPrefix=arXiv), as export.arxiv.org/oai2 writes it -------

OAI_BASE = "https://oaipmh.arxiv.org/oai"  # what <request> echoes: the repository's base URL
_OAI_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ '
             'http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n'
             "<responseDate>{date}</responseDate>\n<request{attrs}>{base}</request>\n")
_ARXIV_NS = ('xmlns="http://arxiv.org/OAI/arXiv/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd"')


def oai_set(topic: str) -> str:
    """arXiv's setSpec for a category: its archive ("cs", "stat"; physics ones are "physics:hep-th")."""
    return topic.split(".", 1)[0]


def oai_record(paper: DemoPaper) -> str:
    authors = []
    for name in paper.authors:
        given, family = _name_parts(name)
        forenames = f"<forenames>{escape(given)}</forenames>" if given else ""
        authors.append(f"<author><keyname>{escape(family)}</keyname>{forenames}</author>")
    comments = f"<comments>{paper.page_count} pages</comments>" if paper.page_count else ""
    return (
        "<record>\n<header>\n"
        f" <identifier>oai:arXiv.org:{paper.arxiv_id}</identifier>\n"
        f" <datestamp>{paper.published_on.isoformat()}</datestamp>\n"
        f" <setSpec>{oai_set(paper.topic)}</setSpec>\n</header>\n<metadata>\n"
        f" <arXiv {_ARXIV_NS}>\n <id>{paper.arxiv_id}</id>"
        f"<created>{paper.published_on.isoformat()}</created>"
        f"<authors>{''.join(authors)}</authors><title>{escape(paper.title)}</title>"
        f"<categories>{paper.topic}</categories>{comments}"
        "<license>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</license>"
        f"<abstract>  {escape(paper.abstract)}\n</abstract></arXiv>\n</metadata>\n</record>\n")


def oai_deleted(arxiv_id: str, day: date, set_spec: str) -> str:
    return ('<record>\n<header status="deleted">\n'
            f" <identifier>oai:arXiv.org:{arxiv_id}</identifier>\n"
            f" <datestamp>{day.isoformat()}</datestamp>\n"
            f" <setSpec>{set_spec}</setSpec>\n</header>\n</record>\n")


def _oai_head(request: dict[str, str], responded: datetime) -> str:
    attrs = "".join(f" {k}={quoteattr(v)}" for k, v in request.items())
    return _OAI_HEAD.format(date=responded.strftime("%Y-%m-%dT%H:%M:%SZ"), attrs=attrs, base=OAI_BASE)


def oai_list_records(records: list[str], request: dict[str, str], responded: datetime, *,
                     token: str | None, cursor: int, complete_size: int, resumed: bool) -> str:
    """One ListRecords page. Every page but the first ends in a resumptionToken element, empty on
    the last page (OAI-PMH 2.0 §3.5: the empty token says the list is complete)."""
    tail = ""
    if token is not None or resumed:
        tail = (f'<resumptionToken cursor="{cursor}" completeListSize="{complete_size}">'
                f"{escape(token or '')}</resumptionToken>\n")
    return (_oai_head(request, responded) + "<ListRecords>\n" + "".join(records) + tail
            + "</ListRecords>\n</OAI-PMH>\n")


def oai_error(code: str, message: str, request: dict[str, str], responded: datetime) -> str:
    return _oai_head(request, responded) + f'<error code="{code}">{escape(message)}</error>\n</OAI-PMH>\n'
