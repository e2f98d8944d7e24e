"""The fetch plans a config calls for: each tracked author at each enabled fetch source.

Above both the HTTP layer (`http.paging`: Plan and the running of plans) and the fetch source
folders (each folder's `paging.plans(value, source, config)` makes the plans one author's entry
calls for), so neither imports the other.
"""
from __future__ import annotations

from ..config import Config
from ..http.paging import Plan
from .registry import fetch_source_paging


def plans_for_config(config: Config) -> list[Plan]:
    """Every plan the config's tracked authors call for, over each enabled source's base_url, by
    author and then in the registry's order of fetch sources."""
    plans: list[Plan] = []
    enabled = {name: s for name, s in config.sources.items() if s.enabled}
    for author in config.authors:
        for name, value in author.ids.items():
            if name in enabled:
                plans += fetch_source_paging(name).plans(value, enabled[name], config)
    return plans
