"""What a demo author page shows, independent of how a layout renders it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The demo's people: the first eight are tracked (have author pages), the rest co-author.
PEOPLE = [
    "Amara Okafor", "Zoë Lindqvist", "Jan van der Berg", "Mei-Ling Chen", "Rahul Deshpande",
    "Sofia Marín", "Tobias Krüger", "Hana Sato", "Lucas Ferreira", "Priya Raman",
    "Oskar Nowak", "Élodie Moreau", "Daniel Osei", "Ingrid Halvorsen",
]


@dataclass(frozen=True)
class DemoPaper:
    title: str
    abstract: str
    published_on: date
    topic: str  # arXiv code, e.g. "cs.CL"
    authors: tuple[str, ...]  # full list in order, as the paper's byline spells the names
    venue: str | None = None  # e.g. "arXiv.org Artificial Intelligence"
    has_code: bool = False
    page_count: int | None = None
    affiliations: tuple[str, ...] = ()
    arxiv_id: str | None = None


@dataclass(frozen=True)
class DemoProfile:
    name: str  # as the page heads it ("Koura, Punit Singh" on the aitopics layout)
    layout: str  # "catalyzex" | "aitopics" | "abstract_list" | "scored_profile"
    papers: tuple[DemoPaper, ...]
    h_index: int | None = None
    paper_count: int | None = None
    citation_count: int | None = None
    main_topic: str | None = None  # arXiv code
    extra: dict = field(default_factory=dict)  # other scores a page shows, e.g. {"novelty_pct": 63}
