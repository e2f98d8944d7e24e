"""OpenAlex's fake host for the built-in demo (pipelines/demo/server.py): /works with cursor paging
and an API key, as api.openalex.org answers, and the earlier works snapshot that gives the demo its
citation history. Values derive from the corpus paper, so every source tells the same story."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ...demo.model import PEOPLE, DemoPaper
from ...demo.wire import Answer, cursor_offset, int_arg, json_answer, next_cursor, write_capture
from .settings import FETCH_SOURCE

SOURCE = FETCH_SOURCE.name
PATH = "openalex"  # /openalex/works on the demo server
KNOWS = (0, 2, 4, 6)  # the tracked people OpenAlex knows
DEMO_KEY_ENV = "PAPERTRAIL_DEMO_OPENALEX_KEY"
DEMO_KEY = "demo-openalex-key"
ENVIRON = {DEMO_KEY_ENV: DEMO_KEY}
SNAPSHOT_DAYS = (date(2026, 3, 1), date(2026, 6, 1))  # two OpenAlex captures: citation history


def author_id(person: str) -> str:
    return f"A{5000000000 + PEOPLE.index(person)}"


def yaml_value(value: str, base_url: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def section(base_url: str) -> str:
    return f"{{base_url: {base_url}/{PATH}, api_key_env: {DEMO_KEY_ENV}, page_size: 10}}"


def work(paper: DemoPaper, index: int, day: date, step: int) -> dict:
    """One OpenAlex work as the API returns it, with its citation count as of `day`. `index` is
    the paper's place in the corpus, so a work keeps its id and count in every response."""
    age = max(0, day.year - paper.published_on.year)
    cited = (index * 13) % 40 + age * (5 + index % 7) + step * (index % 5)
    words: dict[str, list[int]] = {}
    for pos, word in enumerate(paper.abstract.split(" ")):
        words.setdefault(word, []).append(pos)
    return {
        "id": f"https://openalex.org/W{4100000000 + index}",
        "doi": f"https://doi.org/10.48550/arxiv.{paper.arxiv_id}",
        "title": paper.title, "display_name": paper.title,
        "publication_year": paper.published_on.year,
        "publication_date": paper.published_on.isoformat(),
        "ids": {"openalex": f"https://openalex.org/W{4100000000 + index}"},
        "primary_location": {"landing_page_url": f"https://arxiv.org/abs/{paper.arxiv_id}",
                             "source": {"display_name": "arXiv (Cornell University)"}},
        "type": "preprint",
        "authorships": [{"author_position": "first" if k == 0 else "middle",
                         "author": {"id": f"https://openalex.org/{author_id(a)}",
                                    "display_name": a, "orcid": None},
                         "raw_author_name": a, "institutions": []}
                        for k, a in enumerate(paper.authors)],
        "cited_by_count": cited,
        "counts_by_year": [{"year": y, "cited_by_count": max(0, cited // (age + 1))}
                           for y in range(paper.published_on.year, day.year + 1)],
        "abstract_inverted_index": words,
    }


def works_list(works: list[dict], next_cursor: str | None = None, count: int | None = None) -> dict:
    """An OpenAlex list response (`meta` + `results`), as /works returns it."""
    return {"meta": {"count": len(works) if count is None else count, "db_response_time_ms": 12,
                     "page": None if next_cursor is not None else 1, "per_page": len(works),
                     "next_cursor": next_cursor, "groups_count": None},
            "results": works}


def snapshot(papers: list[DemoPaper], day: date, step: int, indices: list[int] | None = None) -> dict:
    """A whole OpenAlex works list with citation counts as of `day` (one capture in history)."""
    indices = list(range(len(papers))) if indices is None else indices
    return works_list([work(p, i, day, step) for p, i in zip(papers, indices)])


def answer(site, parts: list[str], q: dict[str, str]) -> Answer | None:
    if parts != ["works"]:
        return None
    if q.get("api_key") != DEMO_KEY:
        return json_answer(401, {"error": "Invalid or missing API key", "message": "pass api_key"})
    who = site.who(SOURCE, q.get("filter", "").removeprefix("author.id:"))
    works = site.works_of(who.person) if who else []
    start, size = cursor_offset(q.get("cursor", "*")), min(int_arg(q.get("per_page"), 25), 200)
    page = works[start:start + size]
    more = start + size < len(works)
    day, step = SNAPSHOT_DAYS[-1], len(SNAPSHOT_DAYS) - 1
    return json_answer(200, works_list([work(p, i, day, step) for i, p in page],
                                       next_cursor=next_cursor(start + size) if more else None,
                                       count=len(works)))


def history(site, folder: Path) -> None:
    """The earlier OpenAlex snapshot of the works the demo's OpenAlex authors wrote, as a saved
    capture (a live fetch has only "now")."""
    people = [t.person for t in site.tracked if SOURCE in t.ids]
    # Only what was out by the snapshot day: a record may not predate its own paper.
    works = sorted({i: p for person in people for i, p in site.works_of(person)
                    if p.published_on <= SNAPSHOT_DAYS[0]}.items())
    saved = snapshot([p for _, p in works], SNAPSHOT_DAYS[0], 0, [i for i, _ in works])
    write_capture(folder / f"openalex_works_{SNAPSHOT_DAYS[0]:%Y%m%d}.json", json.dumps(saved, indent=1),
                  SNAPSHOT_DAYS[0])
