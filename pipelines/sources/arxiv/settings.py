"""arXiv: constants shared by its record formats' parsers (namespaces, markers the sniffers look
for, patterns), and its fetch sources: the API (`sources.arxiv`) and the OAI-PMH harvest
(`arxiv_oai`), with their defaults, pace, sections and the formats' priority.

Timestamp choice: every arXiv parser writes `captured_at = capture.captured_at`, even where the
content carries its own clock (Atom feed <updated>, OAI <responseDate>). The .abs and snapshot
formats have no such clock, and one rule for all four keeps a paper's captured_at comparable
whichever arXiv format it arrived in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ..spec import (ConfigSection, HostLimit, PagedSection, Positive, SourceDefaults, Url,
                    problem)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"

VENUE = "arXiv"  # a preprint with no journal-ref is only "published" on arXiv
TOPIC_SCHEME = "arxiv"

# Sniffers: markers that only the arXiv API / OAI endpoint writes, never another source's JSON or XML.
ATOM_MARKERS = ("http://arxiv.org/schemas/atom", "arxiv.org/api/", "ArXiv Query", "arXiv Query")
CASSETTE = re.compile(r'^\s*\{\s*"url"\s*:\s*"https?://export\.arxiv\.org/api/')
OAI_MARKERS = ("http://arxiv.org/OAI/arXiv/", "oai:arXiv.org:", "metadataPrefix=\"arXiv\"")
ABS_HEAD = re.compile(r"^\\\\[ \t]*\r?\n[ \t]*arXiv:\S+[ \t]*\r?\n", re.M)
SNAPSHOT_KEYS = ('"id"', '"submitter"', '"authors"')

# Only "<n> pages": "pp. 12-20" in a comment is a page range in some venue, not the length.
# The rule in two parts, so that the vectorised snapshot parser (bulk.py) writes it with the same
# text: the number ("12 pages", "9+3 pages"), and what may not stand right before it.
PAGES_NUMBER = r"(\d{1,4})\s*(?:\+\s*\d{1,4}\s*)?pages?\b"
PAGES_NOT_AFTER = r"[\d.,/-]"
PAGES = re.compile(rf"(?<!{PAGES_NOT_AFTER}){PAGES_NUMBER}", re.I)
MAX_PAGES = 3000  # a larger number is an id or a year caught by the pattern, not a length

# "Mon, 2 Apr 2007 19:18:42 GMT" (.abs Date lines, snapshot versions[].created).
RFC822_DAY = re.compile(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})")

# An unescaped % starts a TeX comment: pylatexenc would drop the rest of the line ("50% of").
BARE_PERCENT = re.compile(r"(?<!\\)%")

# An author string ending in "et al." lists only the first authors.
TRUNCATED = r"\bet\.?\s*al\.?\s*\)?\s*$"

# Words that make an author string a group, whose name must not be split or flipped.
GROUP_WORDS = ("collaboration", "consortium", "team", "group", "project", "experiment")
NUMBERED_AFFILIATION = re.compile(r"\(\s*(\d{1,3})\s*\)\s*")

# --- The fetch sources: the arXiv API (`sources.arxiv`, paging.ArxivQueryPlan) and the OAI-PMH
# harvest (the top-level `arxiv_oai` section, paging.OaiListRecordsPlan, harvest.py) ----------
# arXiv asks for one request per 3 s on one connection, whichever of its endpoints; a query pages
# at most 2000 results at a time and serves at most 30000.
HOST_LIMIT = HostLimit(1 / 3, 1)
MAX_PAGE, MAX_TOTAL = 2000, 30000
FETCH_SOURCE = SourceDefaults("arxiv", "arXiv", "https://export.arxiv.org/api/query", MAX_PAGE,
                              MAX_PAGE, HOST_LIMIT)
OAI_DEFAULT_URL = "https://oaipmh.arxiv.org/oai"
OAI_PREFIX = "arXiv"  # the only OAI metadata format the OAI parser reads

# Rank of each arXiv record format when records disagree on a field (lower wins): curated
# metadata first, the API's Atom before the bulk interfaces.
PRIORITY = {"arxiv_atom": 10, "arxiv_oai": 11, "arxiv_abs": 12, "arxiv_snapshot": 13}


class Section(PagedSection):
    """`sources.arxiv`; a tracked author's `arxiv:` is an API search_query, e.g. "au:lewis_m"."""

    SOURCE: ClassVar[SourceDefaults] = FETCH_SOURCE
    max_results: int = MAX_TOTAL
    empty_page_retries: int = 3

    @field_validator("max_results")
    @classmethod
    def _arxiv_cap(cls, value: int) -> int:
        if value > MAX_TOTAL:
            raise problem("max_results",
                          f"arXiv serves at most {MAX_TOTAL} results per query, got {value}")
        return value


@dataclass(frozen=True)
class OaiHarvestConfig:
    """An arXiv OAI-PMH ListRecords harvest (the `arxiv_oai` section)."""

    base_url: str
    from_: str  # YYYY-MM-DD, required: without it the harvest is the whole archive
    until: str | None = None
    set: str | None = None
    enabled: bool = True
    max_pages: int | None = None  # per run; the rest resumes from the stored token next run


def _check_day(value: Any) -> str:
    if not isinstance(value, (str, date)):
        raise problem("day", f"expected str or date, got {type(value).__name__} {value!r}")
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise problem("day", "expected a date YYYY-MM-DD (OAI-PMH day granularity), "
                             f"got {value!r}") from None


Day = Annotated[str, BeforeValidator(_check_day)]


class OaiSection(ConfigSection):
    """The top-level `arxiv_oai` section of papertrail.yaml."""

    from_: Day = Field(alias="from")
    until: Day | None = None
    set: str | None = None
    enabled: bool = True
    max_pages: Positive | None = None
    base_url: Url = OAI_DEFAULT_URL

    @model_validator(mode="before")
    @classmethod
    def _from_is_required(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("from") is None:
            raise problem("missing_from", "required key is missing: the first datestamp to harvest "
                          "(YYYY-MM-DD); without it the harvest is the whole arXiv archive",
                          key="from")
        return data

    @model_validator(mode="after")
    def _until_after_from(self) -> OaiSection:
        if self.until and self.until < self.from_:
            raise problem("until", f"is before from ({self.until} < {self.from_})", key="until")
        return self

    def harvest(self) -> OaiHarvestConfig:
        return OaiHarvestConfig(base_url=self.base_url, from_=self.from_, until=self.until,
                                set=self.set, enabled=self.enabled, max_pages=self.max_pages)
