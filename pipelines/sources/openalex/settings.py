"""OpenAlex settings, as a fetch source (defaults and pace of the API papertrail.yaml's
`sources.openalex` configures) and as a record format (id shapes, which entity kinds carry
papers/profiles, topic hierarchy levels, its priority when sources disagree)."""
from __future__ import annotations

import re
from typing import ClassVar

from ..spec import HostLimit, PagedSection, SourceDefaults

NAME = "openalex"  # the record format, and the fetch source of the same name

# --- The fetch source (paging: sources/openalex/paging.py) -------------------------------------
# 10 requests/s on 4 connections is OpenAlex's published limit; an API key has been required
# since 2026-02; /works pages hold at most 200 results.
FETCH_SOURCE = SourceDefaults(NAME, "OpenAlex", "https://api.openalex.org", page_size=200,
                              max_page_size=200, host_limit=HostLimit(10, 4),
                              api_key_required=True, cites=True)
MAX_PER_PAGE = FETCH_SOURCE.max_page_size


class Section(PagedSection):
    """`sources.openalex`; a tracked author's `openalex:` is an OpenAlex author id (A...) or an
    ORCID."""

    SOURCE: ClassVar[SourceDefaults] = FETCH_SOURCE
    api_key_env: str | None = None


# --- The record format --------------------------------------------------------------------------
# Rank when records of several formats disagree on a field (lower wins, resolve/settings.py
# SOURCE_PRIORITY reads it through sources.registry): an aggregator, after arXiv, Crossref, dblp.
PRIORITY = {NAME: 30}

# Entity ids are URLs; the short form ("W2741809807", "subfields/1804") is what other sources cite.
ID_PREFIX = re.compile(r"^https?://(?:api\.)?openalex\.org/")
ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)

# First letter of a short id -> entity kind; keywords/subfields/... ids are paths instead.
KIND_BY_LETTER = {"W": "work", "A": "author", "T": "topic", "C": "concept", "F": "funder",
                  "I": "institution", "P": "publisher", "S": "source"}

# Sniffing: a list response's meta carries this key, single entities start with their id URL.
META_MARKER = '"db_response_time_ms"'
ENTITY_START = re.compile(r'^\s*\{\s*"id"\s*:\s*"https?://openalex\.org/')

# Topic hierarchy, most specific first: (key on the topic object, scheme written to TOPIC_LABELS).
TOPIC_LEVELS = (("subfield", "openalex.subfield"), ("field", "openalex.field"),
                ("domain", "openalex.domain"))
TOPIC_SCHEME = "openalex.topic"

# 2025 `last_known_institutions` (list) replaced 2023 `last_known_institution` (object).
LAST_INSTITUTION_KEYS = ("last_known_institutions", "last_known_institution")
# 2025 `primary_location.source` replaced 2023 `host_venue` as the venue.
VENUE_KEYS = ("primary_location", "host_venue")

ARXIV_HOSTS = ("arxiv.org",)
ARXIV_DOI_PREFIX = "10.48550/arxiv."
