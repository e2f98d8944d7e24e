"""Crossref as a fetch source: /works by author (query.author and/or an ORCID filter) with cursor
paging, mailto for the polite pool, at the pace and with the defaults of settings.FETCH_SOURCE."""
from __future__ import annotations

from typing import Any

from ...config import Config, SourceConfig
from ...http.paging import Plan, Steps, json_body, usable
from ...http.result import Request
from . import settings as S


class CrossrefWorksPlan(Plan):
    """/works?cursor=*&rows=N, following message.next-cursor, with mailto for the polite pool."""

    name = S.NAME

    def __init__(self, base_url: str, *, query: str | None = None, orcid: str | None = None,
                 filter: str | None = None, rows: int = 1000, mailto: str | None = None):
        self.url = base_url.rstrip("/") + "/works"
        filters = [f for f in (filter, f"orcid:{orcid}" if orcid else None) if f]
        self.params: dict[str, Any] = {"rows": min(rows, S.FETCH_SOURCE.max_page_size)}
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
            message = (json_body(result) or {}).get("message") if usable(result) else None
            if not isinstance(message, dict) or not message.get("items"):
                return
            seen_items += len(message["items"])
            total = message.get("total-results")
            if isinstance(total, int) and seen_items >= total:
                return
            cursor = message.get("next-cursor")


def plans(author: S.AuthorQuery, source: SourceConfig, config: Config) -> list[Plan]:
    """The plan for one tracked author's `crossref:` entry (a query.author text and/or an ORCID)."""
    return [CrossrefWorksPlan(source.base_url, query=author.query, orcid=author.orcid,
                              rows=source.page_size, mailto=config.mailto)]
