"""Crossref REST API: envelope keys, the work field map, dates in preference order (the record
format), and the fetch source `crossref` (defaults, pace, section, priority)."""
from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator

from ..spec import ConfigSection, HostLimit, PagedSection, SourceDefaults, problem

NAME = "crossref"
HOST = "api.crossref.org"

# Envelope `{status, message-type, message-version, message}`; CSL-JSON has no envelope but
# Crossref's own keys ("reference-count", "is-referenced-by-count") in kebab case.
ENVELOPE = re.compile(r'"message-type"\s*:\s*"')
CSL_KEYS = re.compile(r'"(?:reference-count|is-referenced-by-count|container-title)"\s*:')
DATE_PARTS = '"date-parts"'
WORK_TYPES = ("work", "work-list")
# The API answers an unknown DOI with this plain-text body (HTTP 404), not JSON.
NOT_FOUND_TEXT = "Resource not found."

# Publication dates by preference: `issued` is Crossref's earliest known publication date.
DATE_KEYS = ("issued", "published", "published-print", "published-online")
ARXIV_DOI_PREFIX = "10.48550/arxiv."
TOPIC_SCHEME = "crossref.subject"

ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
PAGES = re.compile(r"^\s*(\d+)\s*[-\u2013\u2014]+\s*(\d+)\s*$")
# JATS/HTML markup in titles and abstracts; a JATS <title> inside an abstract is a heading
# ("Abstract"), not text of the abstract.
JATS_HEADING = re.compile(r"<(jats:)?title\b[^>]*>.*?</(jats:)?title>", re.IGNORECASE | re.DOTALL)
# Small caps mark a word ("in <scp>r</scp>") or a word's first letter ("<scp>T</scp>reebase"); Wiley
# also drops the spaces around whole words ("an<scp>R</scp>package").
SMALL_CAPS = re.compile(r"(\w?)<(?:jats:)?(scp|sc)>([^<]*)</(?:jats:)?\2>(\w?)", re.IGNORECASE)
# Other inline markup sits inside words (`<scp>T</scp>reebase`): removed without a space. Any other tag
# (paragraphs, sections) separates text: replaced by a space.
INLINE_TAG = re.compile(r"</?(?:jats:|mml:)?(?:scp|sc|i|b|em|u|tt|sup|sub|italic|bold|underline|"
                        r"monospace)\b[^>]*>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")

# --- The fetch source `crossref` (paging: paging.py) -------------------------------------------
# Crossref's polite pool (a mailto) allows 5 requests/s on 3 connections here; /works pages hold
# at most 1000 rows.
FETCH_SOURCE = SourceDefaults("crossref", "Crossref", "https://api.crossref.org", 1000, 1000,
                              HostLimit(5, 3), cites=True)

# Rank of its records when sources disagree on a field (lower wins): the DOI registry, after arXiv.
PRIORITY = {NAME: 20}


class AuthorQuery(ConfigSection):
    """A tracked author's `crossref:`: a query.author text, an ORCID filter, or both."""

    query: str | None = None
    orcid: str | None = None


def _author_query(value: Any) -> Any:
    if isinstance(value, str):
        return {"query": value}
    if not isinstance(value, dict):
        raise problem("crossref", f"expected str or dict, got {type(value).__name__} {value!r}")
    return value


class Section(PagedSection):
    """`sources.crossref`; a tracked author's `crossref:` is a name to query or {query, orcid}."""

    SOURCE: ClassVar[SourceDefaults] = FETCH_SOURCE
    AUTHOR_VALUE: ClassVar[Any] = Annotated[AuthorQuery, BeforeValidator(_author_query)]

    @classmethod
    def names(cls, value: Any) -> bool:
        return bool(value and (value.query or value.orcid))
