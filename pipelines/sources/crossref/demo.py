"""Crossref's fake host for the built-in demo (pipelines/demo/server.py): /works?query.author=...
with cursor paging, as api.crossref.org answers."""
from __future__ import annotations

import json
from xml.sax.saxutils import escape

from ...demo.model import DemoPaper
from ...demo.wire import Answer, cursor_offset, int_arg, json_answer, name_parts, next_cursor
from .settings import FETCH_SOURCE

SOURCE = FETCH_SOURCE.name
PATH = "crossref"  # /crossref/works on the demo server
KNOWS = (0, 3, 6)  # the tracked people Crossref is asked about (by name)
ENVIRON: dict[str, str] = {}


def author_id(person: str) -> str:
    return person  # a query.author text


def yaml_value(value: str, base_url: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def section(base_url: str) -> str:
    return f"{{base_url: {base_url}/{PATH}, page_size: 10}}"


def work(paper: DemoPaper, index: int) -> dict:
    d = paper.published_on
    authors = []
    for k, name in enumerate(paper.authors):
        given, family = name_parts(name)
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


def works(papers: list[tuple[int, DemoPaper]], start: int, rows: int, query: str,
          cursor: str | None) -> dict:
    """/works?query.author=...&cursor=...: a work-list message with next-cursor."""
    page = papers[start:start + rows]
    message = {
        "facets": {}, "total-results": len(papers),
        "items": [work(p, i) for i, p in page],
        "items-per-page": rows,
        "query": {"start-index": 0, "search-terms": query},
    }
    if cursor is not None:
        message["next-cursor"] = cursor
    return {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
            "message": message}


def answer(site, parts: list[str], q: dict[str, str]) -> Answer | None:
    if parts != ["works"]:
        return None
    who = site.who(SOURCE, q.get("query.author"))
    found = site.works_of(who.person) if who else []
    start, rows = cursor_offset(q.get("cursor", "*")), min(int_arg(q.get("rows"), 20), 1000)
    return json_answer(200, works(found, start, rows, q.get("query.author", ""), next_cursor(start + rows)))
