"""OpenAlex as a fetch source: which requests fetch a tracked author's works, page by page
(cursor paging), at the pace and with the defaults of settings.FETCH_SOURCE."""
from __future__ import annotations

import re

from ...config import Config, SourceConfig
from ...http.paging import Plan, Steps, json_body, usable
from ...http.result import Request
from . import settings as S


def works_filter(author: str) -> str:
    """The /works filter for an author id (A...) or an ORCID (bare or as its URL)."""
    ident = author.strip().rsplit("/", 1)[-1]
    if re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", ident):
        return f"author.orcid:{ident}"
    return f"author.id:{ident}"


class OpenAlexWorksPlan(Plan):
    """/works?filter=...&cursor=* then meta.next_cursor until null (page= stops at 10,000)."""

    name = "openalex"

    def __init__(self, base_url: str, author: str | None = None, *, api_key: str | None,
                 filter: str | None = None, per_page: int = 200, mailto: str | None = None):
        self.url = base_url.rstrip("/") + "/works"
        self.filter = filter or works_filter(author or "")
        self.per_page, self.api_key, self.mailto = min(per_page, S.MAX_PER_PAGE), api_key, mailto

    def steps(self) -> Steps:
        cursor: str | None = "*"
        seen: set[str] = set()
        while cursor and cursor not in seen:
            seen.add(cursor)
            params = {"filter": self.filter, "per_page": self.per_page, "cursor": cursor}
            if self.mailto:
                params["mailto"] = self.mailto
            if self.api_key:
                params["api_key"] = self.api_key
            result = yield Request(self.url, params=params, expect="json", tag=self.name)
            data = json_body(result) if usable(result) else None
            if not data or not data.get("results"):
                return
            cursor = (data.get("meta") or {}).get("next_cursor")


def plans(author: str, source: SourceConfig, config: Config) -> list[Plan]:
    """The plans for one tracked author's `openalex:` entry (an OpenAlex author id or ORCID)."""
    return [OpenAlexWorksPlan(source.base_url, author, api_key=source.api_key,
                              per_page=source.page_size, mailto=config.mailto)]
