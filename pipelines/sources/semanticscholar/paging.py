"""Semantic Scholar as a fetch source: an author's papers with offset/limit paging (offset + limit
stays below the API's 10,000), and the /paper/batch lookup in chunks of 500, at the pace and with
the defaults of settings.FETCH_SOURCE."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ...config import Config, SourceConfig
from ...http.paging import Plan, Steps, json_body, usable
from ...http.result import Request
from . import settings as S

log = logging.getLogger("pipelines.sources.semanticscholar.paging")


class S2AuthorPapersPlan(Plan):
    """/author/{id}/papers with offset/limit, keeping offset + limit < 10,000."""

    name = S.FETCH_SOURCE.name

    def __init__(self, base_url: str, author_id: str, *, fields: str = "", page_size: int = 1000,
                 api_key: str | None = None):
        self.url = f"{base_url.rstrip('/')}/author/{author_id}/papers"
        self.fields, self.page_size = fields, min(page_size, S.FETCH_SOURCE.max_page_size)
        self.headers = {"x-api-key": api_key} if api_key else None

    def steps(self) -> Steps:
        offset = 0
        while True:
            limit = min(self.page_size, S.OFFSET_LIMIT - 1 - offset)
            if limit <= 0:
                log.warning("%s: Semantic Scholar serves only the first %d papers", self.url,
                            S.OFFSET_LIMIT - 1)
                return
            params: dict[str, Any] = {"offset": offset, "limit": limit}
            if self.fields:
                params["fields"] = self.fields
            result = yield Request(self.url, params=params, headers=self.headers, expect="json",
                                   tag=self.name)
            data = json_body(result) if usable(result) else None
            nxt = data.get("next") if data else None
            if not isinstance(nxt, int) or nxt <= offset or not data.get("data"):
                return
            offset = nxt


class S2PaperBatchPlan(Plan):
    """POST /paper/batch in chunks of at most 500 ids (the endpoint's limit)."""

    name = S.FETCH_SOURCE.name

    def __init__(self, base_url: str, ids: Sequence[str], *, fields: str = "",
                 chunk_size: int = S.BATCH_MAX, api_key: str | None = None):
        self.url = base_url.rstrip("/") + "/paper/batch"
        self.ids, self.fields = list(dict.fromkeys(ids)), fields  # dedupe, keep order
        self.chunk_size = max(1, min(chunk_size, S.BATCH_MAX))
        self.headers = {"x-api-key": api_key} if api_key else None

    def steps(self) -> Steps:
        for i in range(0, len(self.ids), self.chunk_size):
            # Chunks are independent: a failed one is reported and the next still goes out.
            yield Request(self.url, method="POST", params={"fields": self.fields} if self.fields else None,
                          json={"ids": self.ids[i:i + self.chunk_size]}, headers=self.headers,
                          expect="json", tag=self.name)


def plans(author_id: str, source: SourceConfig, config: Config) -> list[Plan]:
    """The plan for one tracked author's `semantic_scholar:` entry (an S2 author id)."""
    return [S2AuthorPapersPlan(source.base_url, author_id, fields=source.options["fields"],
                               page_size=source.page_size, api_key=source.api_key)]
