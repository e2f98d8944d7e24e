"""A fetch source's folder owns its defaults, pace, paging and priority (OpenAlex is the model):
config, the fetch plans and resolve read them from there."""
from __future__ import annotations

from pathlib import Path

from papertrail.pipelines.config import SOURCES, parse_config
from papertrail.pipelines.resolve.settings import SOURCE_PRIORITY
from papertrail.pipelines.sources import registry
from papertrail.pipelines.sources.fetch_plans import plans_for_config
from papertrail.pipelines.sources.openalex import paging, settings


def test_openalex_defaults_pace_and_priority_come_from_its_folder():
    assert SOURCES["openalex"] is settings.FETCH_SOURCE
    assert (settings.FETCH_SOURCE.host_limit.requests_per_second, settings.FETCH_SOURCE.page_size) == (10, 200)
    assert registry.priorities()["openalex"] == settings.PRIORITY == SOURCE_PRIORITY["openalex"] == 30


def test_openalex_plans_come_from_its_folder():
    config = parse_config({"authors": [{"name": "A", "openalex": "https://orcid.org/0000-0002-1825-0097"}],
                           "sources": {"openalex": {"api_key_env": "K", "page_size": 50}}},
                          Path("p.yaml"), {"K": "key"})
    [plan] = plans_for_config(config)
    assert isinstance(plan, paging.OpenAlexWorksPlan)
    assert (plan.url, plan.filter, plan.per_page, plan.api_key) == (
        "https://api.openalex.org/works", "author.orcid:0000-0002-1825-0097", 50, "key")
