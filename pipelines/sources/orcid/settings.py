"""ORCID public API v3.0 shapes (`/<orcid>/person`, `/<orcid>/works`, `/<orcid>/work/<put-code>`,
`/search`, error bodies), in either serialisation (`application/json` compact or
`application/vnd.orcid+json` pretty, `"key" : value`): detection never relies on layout."""
from __future__ import annotations

import re
from typing import ClassVar

from ..spec import HostedSection, HostLimit, SourceDefaults

NAME = "orcid"
FORMATS = {"person": "orcid_person", "works": "orcid_works", "work": "orcid_work",
           "search": "orcid_search", "error": "orcid_error"}

ORCID_ID = re.compile(r"\b(\d{4}-\d{4}-\d{4}-\d{3}[\dX])\b")
_K = r'"{}"\s*:'  # a key, whatever the spacing
MARKS = {
    "error": (re.compile(_K.format("response-code")), re.compile(_K.format("developer-message"))),
    "search": (re.compile(_K.format("orcid-identifier")), re.compile(_K.format("num-found"))),
    "works": (re.compile(_K.format("group") + r"\s*\["),
              re.compile(_K.format("work-summary") + r'|"/\d{4}-\d{4}-\d{4}-\d{3}[\dX]/works"')),
    "work": (re.compile(_K.format("put-code")), re.compile(_K.format("contributors") + "|"
                                                            + _K.format("short-description"))),
    "person": (re.compile(_K.format("other-names")),
               re.compile(_K.format("researcher-urls") + "|" + _K.format("given-names"))),
}
# Tried in this order: an error body is never data; a works list also says "put-code".
ORDER = ("error", "search", "works", "work", "person")

# External id types -> PAPERS columns; every id with a URL also becomes a link.
DOI, ARXIV = "doi", "arxiv"
PROFILE_URL = "https://orcid.org/{orcid}"
KEYWORD_SPLIT = re.compile(r"\s*[,;]\s*")
TAGS = re.compile(r"<[^>]+>")

# Rank of its records when sources disagree on a field (lower wins): the person's own list.
PRIORITY = {NAME: 35}

# --- The fetch source `orcid` (paging: paging.py) ----------------------------------------------
# The public API (no token needed for public data); ORCID allows 24 requests/s with a burst of
# 40 and answers excess with 503 (we keep to 8/s on 2 connections). JSON is asked for explicitly
# (XML is the default).
BASE_URL = "https://pub.orcid.org/v3.0"
ACCEPT = "application/json"
ENDPOINTS = ("person", "works")
FETCH_SOURCE = SourceDefaults(NAME, "ORCID", BASE_URL, 0, 0, HostLimit(8, 2))


class Section(HostedSection):
    """`sources.orcid`; a tracked author's `orcid:` is an ORCID iD (bare or as its URL)."""

    SOURCE: ClassVar[SourceDefaults] = FETCH_SOURCE
