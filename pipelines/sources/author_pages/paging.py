"""Author pages as a fetch source: a tracked author's page URLs, each with its continuation pages
(rel=next or a 'Next' link), conditional on the last ETag, after robots.txt, at the pace of
settings.FETCH_SOURCE per host. The pages are read by the layouts' parsers (catalyzex, aitopics,
scored_profile, abstract_list, google_scholar, ...) once landed."""
from __future__ import annotations

import re
from urllib.parse import urljoin

from ...config import Config, SourceConfig
from ...http.paging import Plan, Steps, usable
from ...http.result import Request
from . import settings as S


_NEXT_TEXT = re.compile(r"^(next( page)?|more|older|show more)?\s*[›»→>]*$", re.I)
_DECLARED = re.compile(r"(\d[\d,.]*)\s+(papers|publications|articles|works)\b", re.I)


def next_page_link(html: bytes, page_url: str) -> str | None:
    """The absolute URL of the next listing page, if the page links one."""
    from selectolax.lexbor import LexborHTMLParser  # ~ms import; only author pages need it

    tree = LexborHTMLParser(html.decode("utf-8", "replace"))
    for node in tree.css("link[rel], a[rel]"):
        if "next" in (node.attributes.get("rel") or "").lower().split() and node.attributes.get("href"):
            return urljoin(page_url, node.attributes["href"])
    for node in tree.css("a[href]"):
        text = node.text(strip=True)
        label = (node.attributes.get("aria-label") or "").lower()
        if (text and _NEXT_TEXT.match(text) and any(c.isalnum() or c in "›»→" for c in text)) \
                or label.startswith("next"):
            return urljoin(page_url, node.attributes["href"])
    return None


def declared_count(html: bytes) -> int | None:
    """'82 Papers' in a profile header: how many the site says it has, whatever one page shows."""
    match = _DECLARED.search(re.sub(r"<[^>]+>", " ", html.decode("utf-8", "replace")))
    return int(re.sub(r"[,.]", "", match.group(1))) if match else None


class AuthorPagePlan(Plan):
    """An author page and its continuation pages, via rel=next or a 'Next' link."""

    name = S.FETCH_SOURCE.name

    def __init__(self, url: str, *, max_pages: int = 20, robots: bool = True,
                 conditional: bool = False):
        self.url, self.max_pages, self.robots, self.conditional = url, max_pages, robots, conditional
        self.declared_total: int | None = None
        self.pages_fetched = 0

    def steps(self) -> Steps:
        url: str | None = self.url
        seen: set[str] = set()
        while url and url not in seen and len(seen) < self.max_pages:
            seen.add(url)
            result = yield Request(url, expect="html", robots=self.robots,
                                   conditional=self.conditional and url == self.url, tag=self.name)
            if not usable(result):
                return
            self.pages_fetched += 1
            if self.declared_total is None:
                self.declared_total = declared_count(result.content)
            url = next_page_link(result.content, result.final_url)


def plans(urls: list[str], source: SourceConfig, config: Config) -> list[Plan]:
    """One plan per page URL of a tracked author's `author_pages:` entry."""
    return [AuthorPagePlan(url, max_pages=source.options["max_pages"],
                           robots=source.options["respect_robots"], conditional=True)
            for url in urls]
