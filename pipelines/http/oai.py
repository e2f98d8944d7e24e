"""The OAI-PMH ListRecords plan (arXiv's bulk metadata interface): resumptionToken paging.

Like the other plans it reads only what paging needs from each answer (the token, its
completeListSize/cursor, counts, OAI <error>s) and leaves the records to the parser, run later
on the landed bytes. Pages are read with iterparse so a big page never becomes one tree here.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from .paging import Plan, Steps, _usable
from .result import Request

log = logging.getLogger("pipelines.http.oai")

OAI_PREFIX = "arXiv"  # the only metadata format the OAI parser reads


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
        self.params = {k: v for k, v in (("metadataPrefix", OAI_PREFIX), ("set", set),
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
            if not _usable(result):
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
