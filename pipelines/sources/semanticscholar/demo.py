"""Semantic Scholar's fake host for the built-in demo (pipelines/demo/server.py):
/author/{id}/papers with offset/limit paging, as api.semanticscholar.org answers."""
from __future__ import annotations

import hashlib
import json

from ...demo.model import DemoPaper
from ...demo.wire import Answer, int_arg, json_answer
from .settings import FETCH_SOURCE

SOURCE = FETCH_SOURCE.name
PATH = "s2"  # /s2/author/{id}/papers on the demo server
KNOWS = (1, 3, 5, 7)  # the tracked people Semantic Scholar knows
ENVIRON: dict[str, str] = {}


def paper_id(paper: DemoPaper) -> str:
    return hashlib.sha1(f"s2:{paper.arxiv_id}".encode()).hexdigest()


def author_id(person: str) -> str:
    return str(1700000 + int(hashlib.sha1(person.encode()).hexdigest()[:6], 16) % 100000)


def yaml_value(value: str, base_url: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def section(base_url: str) -> str:
    return f"{{base_url: {base_url}/{PATH}, page_size: 10}}"


def paper(demo: DemoPaper, index: int) -> dict:
    """A paper object with the fields papertrail asks for (config `fields`)."""
    return {
        "paperId": paper_id(demo),
        "externalIds": {"ArXiv": demo.arxiv_id, "DOI": f"10.48550/arXiv.{demo.arxiv_id}",
                        "CorpusId": 250000000 + index},
        "title": demo.title,
        "venue": "arXiv.org",
        "year": demo.published_on.year,
        "publicationDate": demo.published_on.isoformat(),
        "citationCount": (index * 11) % 37 + 3,
        "authors": [{"authorId": author_id(a), "name": a} for a in demo.authors],
    }


def author_papers(papers: list[tuple[int, DemoPaper]], offset: int, limit: int) -> dict:
    """/author/{id}/papers: {offset, next?, data}; `next` only while more remain."""
    page = papers[offset:offset + limit]
    body: dict = {"offset": offset}
    if offset + len(page) < len(papers):
        body["next"] = offset + len(page)
    body["data"] = [paper(p, i) for i, p in page]
    return body


def answer(site, parts: list[str], q: dict[str, str]) -> Answer | None:
    if len(parts) != 3 or parts[0] != "author" or parts[2] != "papers":
        return None
    who = site.who(SOURCE, parts[1])
    if not who:
        return json_answer(404, {"error": f"Author with id {parts[1]} not found"})
    offset, limit = int_arg(q.get("offset"), 0), min(int_arg(q.get("limit"), 100), 1000)
    return json_answer(200, author_papers(site.works_of(who.person), offset, limit))
