"""Author pages' fake host for the built-in demo (pipelines/demo/server.py): every tracked person's
page at /authors/<slug> in their layout (rendered by the layout's own `render.py`), PAGE_SIZE papers a
page with a "next" link to the rest, as the aggregator sites page them."""
from __future__ import annotations

import importlib
from dataclasses import replace
from urllib.parse import quote

from unidecode import unidecode

from ...demo.model import DemoPaper
from ...demo.wire import Answer
from .settings import FETCH_SOURCE

SOURCE = FETCH_SOURCE.name
PATH = "authors"  # /authors/<slug>?page=N on the demo server
KNOWS = range(8)  # every tracked person has an author page
ENVIRON: dict[str, str] = {}
PAGE_SIZE = 10  # papers an author page shows; the rest is behind its "next" link
# The pager each layout's renderer prints; rewritten to the real next page or dropped.
_PAGERS = {"scored_profile": ('<div class="sp-pager"><a href="?page=2" rel="next">Load more</a></div>\n',
                              "?page=2"),
           "aitopics": ('<nav class="pager"><a href="?page=1">next &rsaquo;</a></nav>\n', "?page=1")}


def author_id(person: str) -> str:
    """The page's slug."""
    return unidecode(person).lower().replace(" ", "-")


def yaml_value(slug: str, base_url: str) -> str:
    return f"[{base_url}/{PATH}/{quote(slug)}]"


def section(base_url: str) -> str:
    return "{respect_robots: true, max_pages: 5}"


def answer(site, parts: list[str], q: dict[str, str]) -> Answer | None:
    if len(parts) != 1:
        return None
    who = site.who(SOURCE, parts[0])
    page = q.get("page", "1")
    pages = _chunks(who.profile.papers) if who else []
    if not page.isdigit() or not 1 <= int(page) <= len(pages):
        return 404, "text/html", b"<html><body><h1>Not found</h1></body></html>"
    n = int(page)
    render = importlib.import_module(f"papertrail.pipelines.sources.{who.profile.layout}.render")
    html = render.render_html(replace(who.profile, papers=pages[n - 1]), site.today)
    return 200, "text/html; charset=utf-8", _pager(html, who.profile.layout,
                                                    n + 1 if n < len(pages) else None).encode()


def _chunks(papers: tuple[DemoPaper, ...]) -> list[tuple[DemoPaper, ...]]:
    return [papers[i:i + PAGE_SIZE] for i in range(0, len(papers), PAGE_SIZE)] or [()]


def _pager(html: str, layout: str, next_page: int | None) -> str:
    link = f"?page={next_page}"
    if layout in _PAGERS:
        pager, href = _PAGERS[layout]
        return html.replace(pager, pager.replace(href, link) if next_page else "", 1)
    if next_page is None:
        return html
    return html.replace("</main>", f'<nav class="pager"><a href="{link}" rel="next">Next page'
                                   "</a></nav>\n</main>", 1)
