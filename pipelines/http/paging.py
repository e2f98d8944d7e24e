"""Request plans: which URL to ask for next, decided from the previous response.

A plan's `steps()` is a generator that yields a Request and receives the FetchResult back, so
paging logic reads top to bottom. Plans parse only what paging needs (a total, a cursor, a next
link) and never the records themselves: that is the parsers' job, run later on the landed bytes.
A failed or unparseable page ends its plan; the result is still yielded so it can be quarantined.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Sequence
from typing import Any
from urllib.parse import urljoin

from defusedxml import ElementTree

from .client import Fetcher
from .result import FetchResult, Request

log = logging.getLogger("pipelines.http.paging")

Steps = Generator[Request, FetchResult, None]

ARXIV_MAX_PAGE, ARXIV_MAX_TOTAL = 2000, 30000
S2_OFFSET_LIMIT = 10000  # offset + limit must stay strictly below this
S2_BATCH_MAX = 500
_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


class Plan:
    name = "plan"

    def steps(self) -> Steps:  # pragma: no cover - abstract
        raise NotImplementedError
        yield


def _usable(result: FetchResult) -> bool:
    return result.error is None and not result.unchanged and result.content is not None


def _json(result: FetchResult) -> dict | None:
    try:
        data = json.loads(result.content)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def arxiv_page_info(content: bytes) -> tuple[int | None, int]:
    """(opensearch:totalResults, number of <entry>) of an arXiv Atom page."""
    root = ElementTree.fromstring(content)
    total = root.find(f"{_OPENSEARCH}totalResults")
    count = len(root.findall(f"{_ATOM}entry"))
    try:
        return (int(total.text.strip()) if total is not None and total.text else None), count
    except ValueError:
        return None, count


class ArxivQueryPlan(Plan):
    """start/max_results paging over the arXiv API.

    arXiv sometimes answers mid-query with an empty page (often claiming totalResults 0): that
    page is asked for again up to `empty_page_retries` times before the query counts as done."""

    name = "arxiv"

    def __init__(self, base_url: str, search_query: str, *, page_size: int = ARXIV_MAX_PAGE,
                 max_results: int = ARXIV_MAX_TOTAL, empty_page_retries: int = 3,
                 sort_by: str = "submittedDate", sort_order: str = "ascending"):
        self.base_url, self.query = base_url, search_query
        self.page_size = max(1, min(page_size, ARXIV_MAX_PAGE))
        self.max_results = min(max_results, ARXIV_MAX_TOTAL)
        self.empty_page_retries, self.sort = empty_page_retries, (sort_by, sort_order)
        self.total: int | None = None

    def _request(self, start: int, size: int) -> Request:
        return Request(self.base_url, params={
            "search_query": self.query, "start": start, "max_results": size,
            "sortBy": self.sort[0], "sortOrder": self.sort[1]}, expect="xml", tag=self.name)

    def steps(self) -> Steps:
        start, empties = 0, 0
        while start < self.max_results and (self.total is None or start < self.total):
            size = min(self.page_size, self.max_results - start)
            if self.total is not None:
                size = min(size, self.total - start)
            result = yield self._request(start, size)
            if not _usable(result):
                return
            try:
                total, entries = arxiv_page_info(result.content)
            except ElementTree.ParseError:
                log.warning("arXiv page %s is not XML; stopping this query", result.url)
                return
            if entries == 0:
                # An empty first page that reports 0 results is a genuinely empty query.
                known = self.total if self.total is not None else total
                if not known or start >= known or empties >= self.empty_page_retries:
                    return
                empties += 1
                log.info("arXiv returned an empty page at start=%d (total %s); retry %d/%d",
                         start, known, empties, self.empty_page_retries)
                continue
            empties = 0
            if total:  # keep the largest total seen: glitch pages under-report it
                self.total = max(self.total or 0, total)
            start += entries  # by what arrived, so a short page never skips records


class S2AuthorPapersPlan(Plan):
    """/author/{id}/papers with offset/limit, keeping offset + limit < 10,000."""

    name = "semantic_scholar"

    def __init__(self, base_url: str, author_id: str, *, fields: str = "", page_size: int = 1000,
                 api_key: str | None = None):
        self.url = f"{base_url.rstrip('/')}/author/{author_id}/papers"
        self.fields, self.page_size = fields, min(page_size, 1000)
        self.headers = {"x-api-key": api_key} if api_key else None

    def steps(self) -> Steps:
        offset = 0
        while True:
            limit = min(self.page_size, S2_OFFSET_LIMIT - 1 - offset)
            if limit <= 0:
                log.warning("%s: Semantic Scholar serves only the first %d papers", self.url,
                            S2_OFFSET_LIMIT - 1)
                return
            params: dict[str, Any] = {"offset": offset, "limit": limit}
            if self.fields:
                params["fields"] = self.fields
            result = yield Request(self.url, params=params, headers=self.headers, expect="json",
                                   tag=self.name)
            data = _json(result) if _usable(result) else None
            nxt = data.get("next") if data else None
            if not isinstance(nxt, int) or nxt <= offset or not data.get("data"):
                return
            offset = nxt


class S2PaperBatchPlan(Plan):
    """POST /paper/batch in chunks of at most 500 ids (the endpoint's limit)."""

    name = "semantic_scholar"

    def __init__(self, base_url: str, ids: Sequence[str], *, fields: str = "",
                 chunk_size: int = S2_BATCH_MAX, api_key: str | None = None):
        self.url = base_url.rstrip("/") + "/paper/batch"
        self.ids, self.fields = list(dict.fromkeys(ids)), fields  # dedupe, keep order
        self.chunk_size = max(1, min(chunk_size, S2_BATCH_MAX))
        self.headers = {"x-api-key": api_key} if api_key else None

    def steps(self) -> Steps:
        for i in range(0, len(self.ids), self.chunk_size):
            # Chunks are independent: a failed one is reported and the next still goes out.
            yield Request(self.url, method="POST", params={"fields": self.fields} if self.fields else None,
                          json={"ids": self.ids[i:i + self.chunk_size]}, headers=self.headers,
                          expect="json", tag=self.name)


class CrossrefWorksPlan(Plan):
    """/works?cursor=*&rows=N, following message.next-cursor, with mailto for the polite pool."""

    name = "crossref"

    def __init__(self, base_url: str, *, query: str | None = None, orcid: str | None = None,
                 filter: str | None = None, rows: int = 1000, mailto: str | None = None):
        self.url = base_url.rstrip("/") + "/works"
        filters = [f for f in (filter, f"orcid:{orcid}" if orcid else None) if f]
        self.params: dict[str, Any] = {"rows": min(rows, 1000)}
        if filters:
            self.params["filter"] = ",".join(filters)
        if query:
            self.params["query.author"] = query
        if mailto:
            self.params["mailto"] = mailto

    def steps(self) -> Steps:
        cursor, seen_items, seen = "*", 0, set()
        while cursor and cursor not in seen:
            seen.add(cursor)
            result = yield Request(self.url, params={**self.params, "cursor": cursor},
                                   expect="json", tag=self.name)
            message = (_json(result) or {}).get("message") if _usable(result) else None
            if not isinstance(message, dict) or not message.get("items"):
                return
            seen_items += len(message["items"])
            total = message.get("total-results")
            if isinstance(total, int) and seen_items >= total:
                return
            cursor = message.get("next-cursor")


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

    name = "author_page"

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
            if not _usable(result):
                return
            self.pages_fetched += 1
            if self.declared_total is None:
                self.declared_total = declared_count(result.content)
            url = next_page_link(result.content, result.final_url)


async def run_plan(plan: Plan, fetcher: Fetcher) -> AsyncIterator[FetchResult]:
    steps = plan.steps()
    try:
        request = next(steps)
    except StopIteration:
        return
    while True:
        result = await fetcher.fetch(request)
        yield result
        try:
            request = steps.send(result)
        except StopIteration:
            return


async def fetch_all(plans: Iterable[Plan], fetcher: Fetcher,
                    on_plan_done: Callable[[Plan], None] | None = None) -> AsyncIterator[FetchResult]:
    """Run plans concurrently (each one sequential, as paging must be) and yield results as they
    arrive. Politeness is the fetcher's job: per-host pacing holds however many plans share a host.
    `on_plan_done(plan)` is called as each plan ends (progress: plans are what is known up front)."""
    queue: asyncio.Queue = asyncio.Queue()
    done = object()

    async def drive(plan: Plan) -> None:
        try:
            async for result in run_plan(plan, fetcher):
                await queue.put(result)
        except Exception:  # a paging bug ends that plan, not the run
            log.exception("plan %s failed", plan.name)
        finally:
            if on_plan_done is not None:
                on_plan_done(plan)
            await queue.put(done)

    tasks = [asyncio.create_task(drive(p)) for p in plans]
    remaining = len(tasks)
    try:
        while remaining:
            item = await queue.get()
            if item is done:
                remaining -= 1
            else:
                yield item
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
