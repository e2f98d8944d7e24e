"""OpenAlex constants: id shapes, which entity kinds carry papers/profiles, topic hierarchy levels."""
from __future__ import annotations

import re

NAME = "openalex"

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
