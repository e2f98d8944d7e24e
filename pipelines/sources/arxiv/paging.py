"""arXiv as a fetch source: the API query (`sources.arxiv`; start/max_results paging) and the
OAI-PMH ListRecords harvest (`arxiv_oai`; resumptionToken paging, run by harvest.py), at arXiv's
pace (settings.HOST_LIMIT).

Like every plan they read only what paging needs from each answer (a total and an entry count;
the token, its completeListSize/cursor, OAI <error>s) and leave the records to the parsers, run
later on the landed bytes. OAI pages are read with iterparse so a big page never becomes one tree.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ...config import Config, SourceConfig
from ...http.paging import Plan, Steps, usable
from ...http.result import Request
from . import settings as S

log = logging.getLogger("pipelines.sources.arxiv.paging")

_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def arxiv_page_info(content: bytes) -> tuple[int | None, int]:
    """(opensearch:totalResults, number of <entry>) of an arXiv Atom page."""
    root = ElementTree.fromstring(content)
    total = root.find(f"{_OPENSEARCH}totalResults")
    count = len(root.findall(f"{S.ATOM}entry"))
    try:
        return (int(total.text.strip()) if total is not None and total.text else None), count
    except ValueError:
        return None, count


class ArxivQueryPlan(Plan):
    """start/max_results paging over the arXiv API.

    arXiv sometimes answers mid-query with an empty page (often claiming totalResults 0): that
    page is asked for again up to `empty_page_retries` times before the query counts as done."""

    name = "arxiv"

    def __init__(self, base_url: str, search_query: str, *, page_size: int = S.MAX_PAGE,
                 max_results: int = S.MAX_TOTAL, empty_page_retries: int = 3,
                 sort_by: str = "submittedDate", sort_order: str = "ascending"):
        self.base_url, self.query = base_url, search_query
        self.page_size = max(1, min(page_size, S.MAX_PAGE))
        self.max_results = min(max_results, S.MAX_TOTAL)
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
            if not usable(result):
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


@dataclass
class OaiPage:
    """What paging needs from one ListRecords answer; records themselves are the parser's job."""

    records: int = 0
    deleted: int = 0
    token: str | None = None  # None or "": the list is complete
    complete_list_size: int | None = None
    cursor: int | None = None
    response_date: str | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (code, message)


def _int_attr(elem, name: str) -> int | None:
    value = (elem.get(name) or "").strip()
    return int(value) if value.isdigit() else None


def oai_page_info(content: bytes) -> OaiPage:
    """Counts, resumptionToken and errors of an OAI-PMH page, read with iterparse: each <record>
    is dropped once counted, so a big page never becomes one element tree here."""
    page = OaiPage()
    for _event, elem in ElementTree.iterparse(io.BytesIO(content), events=("end",)):
        name = elem.tag.rsplit("}", 1)[-1]
        if name == "record":
            page.records += 1
            elem.clear()
        elif name == "header" and elem.get("status") == "deleted":
            page.deleted += 1
        elif name == "resumptionToken":
            page.token = (elem.text or "").strip() or None
            page.complete_list_size = _int_attr(elem, "completeListSize")
            page.cursor = _int_attr(elem, "cursor")
        elif name == "responseDate":
            page.response_date = (elem.text or "").strip() or None
        elif name == "error":
            page.errors.append((elem.get("code") or "unknown", " ".join((elem.text or "").split())))
    return page


class OaiListRecordsPlan(Plan):
    """OAI-PMH ListRecords (metadataPrefix=arXiv, optional set/from/until), then
    verb=ListRecords&resumptionToken=... until a page carries an empty token.

    After each page `next_token` is the token to ask with next (None once the list is complete),
    so a caller that stores it after landing the page can resume an interrupted harvest with
    `resume_token`. A failed page leaves `next_token` at that page's own token; an OAI <error>
    ends the plan with `error_code`/`error` set (noRecordsMatch is an empty, complete list)."""

    name = "arxiv_oai"

    def __init__(self, base_url: str, *, set: str | None = None, from_: str | None = None,
                 until: str | None = None, resume_token: str | None = None,
                 max_pages: int | None = None):
        self.base_url, self.max_pages = base_url, max_pages
        self.params = {k: v for k, v in (("metadataPrefix", S.OAI_PREFIX), ("set", set),
                                         ("from", from_), ("until", until)) if v}
        self.next_token = resume_token
        self.complete = False
        self.error_code: str | None = None
        self.error: str | None = None
        self.pages: list[OaiPage] = []  # small: counts and a token per page, never the records
        self.asked: list[str | None] = []  # the token each request carried (None: the first)

    def request(self) -> Request:
        params = ({"verb": "ListRecords", "resumptionToken": self.next_token} if self.next_token
                  else {"verb": "ListRecords", **self.params})
        return Request(self.base_url, params=params, expect="xml", tag=self.name)

    def steps(self) -> Steps:
        while self.max_pages is None or len(self.pages) < self.max_pages:
            self.asked.append(self.next_token)
            result = yield self.request()
            if not usable(result):
                self.error = result.error or "no content"
                return
            try:
                page = oai_page_info(result.content)
            except (ElementTree.ParseError, DefusedXmlException) as err:
                self.error_code, self.error = "notXml", f"page is not OAI-PMH XML ({err})"
                log.warning("OAI page %s is not XML; stopping the harvest", result.url)
                return
            self.pages.append(page)
            if page.errors:
                codes = {code for code, _ in page.errors}
                if codes == {"noRecordsMatch"}:
                    self.next_token, self.complete = None, True
                else:
                    self.error_code = sorted(codes)[0]
                    self.error = "; ".join(f"{c}: {m}" for c, m in page.errors)
                return
            self.next_token = page.token
            if not page.token:
                self.complete = True
                return


def plans(search_query: str, source: SourceConfig, config: Config) -> list[Plan]:
    """The plan for one tracked author's `arxiv:` entry (an API search_query)."""
    return [ArxivQueryPlan(source.base_url, search_query, page_size=source.page_size,
                           max_results=source.options["max_results"],
                           empty_page_retries=source.options["empty_page_retries"])]
