"""The fetch plans a config calls for: each tracked author at each enabled fetch source.

Above both the HTTP layer (`http.paging`: the generic plans and paging) and the source folders
(dblp's, ORCID's and OpenAlex's plans live in their folders), so neither imports the other.
OpenAlex is the model of a source folder: `sources/openalex/settings.py` (defaults, pace,
priority) and `sources/openalex/paging.py` (its plan and `plans(author, source, config)`).
"""
from __future__ import annotations

from ..config import Config
from ..http.paging import ArxivQueryPlan, AuthorPagePlan, CrossrefWorksPlan, Plan, S2AuthorPapersPlan
from .dblp.live import DblpPersonPlan
from .openalex import paging as openalex
from .orcid.live import OrcidPlan


def plans_for_config(config: Config) -> list[Plan]:
    """Every plan the config's tracked authors call for, over each source's base_url."""
    plans: list[Plan] = []
    src = config.sources
    on = {name: s for name, s in src.items() if s.enabled}
    for a in config.authors:
        if a.author_pages and "author_pages" in on:
            pages = on["author_pages"]
            plans += [AuthorPagePlan(u, max_pages=pages.max_pages, robots=pages.respect_robots,
                                    conditional=True)
                      for u in a.author_pages]
        if a.arxiv and "arxiv" in on:
            s = on["arxiv"]
            plans.append(ArxivQueryPlan(s.base_url, a.arxiv, page_size=s.page_size,
                                        max_results=s.max_results,
                                        empty_page_retries=s.empty_page_retries))
        if a.openalex and "openalex" in on:
            plans += openalex.plans(a.openalex, on["openalex"], config)
        if a.semantic_scholar and "semantic_scholar" in on:
            s = on["semantic_scholar"]
            plans.append(S2AuthorPapersPlan(s.base_url, a.semantic_scholar, fields=s.fields,
                                            page_size=s.page_size, api_key=s.api_key))
        if (a.crossref_query or a.crossref_orcid) and "crossref" in on:
            s = on["crossref"]
            plans.append(CrossrefWorksPlan(s.base_url, query=a.crossref_query,
                                           orcid=a.crossref_orcid, rows=s.page_size,
                                           mailto=config.mailto))
        if a.dblp and "dblp" in on:
            plans.append(DblpPersonPlan(on["dblp"].base_url, a.dblp,
                                        robots=on["dblp"].respect_robots))
        if a.orcid and "orcid" in on:
            plans.append(OrcidPlan(on["orcid"].base_url, a.orcid))
    return plans
