"""The fetch layer: config-driven, polite, safe HTTP for author pages and scholarly APIs.

    async with Fetcher.from_config(config, state_dir) as fetcher:
        async for result in fetch_all(plans, fetcher):  # plans: sources.fetch_plans
            landing_zone.store(result.content, result.log_row())

The plans themselves belong to the fetch sources (`sources/<folder>/paging.py`).
"""
from .client import Fetcher
from .paging import Plan, fetch_all, run_plan
from .result import FetchResult, Redactor, Request, fetch_log_row
from .validators import ValidatorStore

__all__ = ["FetchResult", "Fetcher", "Plan", "Redactor", "Request", "ValidatorStore", "fetch_all",
           "fetch_log_row", "run_plan"]
