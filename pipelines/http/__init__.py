"""The fetch layer: config-driven, polite, safe HTTP for author pages and scholarly APIs.

    async with Fetcher.from_config(config, state_dir) as fetcher:
        async for result in fetch_all(plans, fetcher):  # plans: sources.fetch_plans
            landing_zone.store(result.content, result.log_row())
"""
from .client import Fetcher
from .paging import (ArxivQueryPlan, AuthorPagePlan, CrossrefWorksPlan, Plan,
                     S2AuthorPapersPlan, S2PaperBatchPlan, arxiv_page_info, declared_count,
                     fetch_all, next_page_link, run_plan)
from .result import FetchResult, Redactor, Request, fetch_log_row
from .validators import ValidatorStore

__all__ = [
    "ArxivQueryPlan", "AuthorPagePlan", "CrossrefWorksPlan", "FetchResult", "Fetcher",
    "Plan", "Redactor", "Request", "S2AuthorPapersPlan", "S2PaperBatchPlan",
    "ValidatorStore", "arxiv_page_info", "declared_count", "fetch_all", "fetch_log_row",
    "next_page_link", "run_plan",
]
