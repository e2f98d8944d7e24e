"""dblp: the person export (`/pid/<pid>.xml`), the publication search API (JSON and XML) and
dblp's BibTeX. Everything that knows dblp's shapes and URLs; a change there means editing this."""
from __future__ import annotations

import re
from typing import ClassVar

from ..spec import HostedSection, HostLimit, SourceDefaults

NAME = "dblp"  # the source every dblp record carries
FORMATS = {"person": "dblp_person", "search": "dblp_search", "bibtex": "dblp_bibtex"}

# Sniffing (the head of the capture).
PERSON_MARK = re.compile(r"<dblpperson\b")
SEARCH_XML_MARK = re.compile(r"<result>\s*<query\b.*<hits\b", re.S)
SEARCH_JSON_MARK = re.compile(r'"result"\s*:\s*\{\s*"query"\s*:.*"hits"\s*:\s*\{\s*"@total"', re.S)
BIBTEX_MARK = re.compile(r"^\s*@\w+\s*\{\s*DBLP:", re.M)

# Publication elements of a person export's <r> (and of dblp.xml).
RECORD_TAGS = ("article", "inproceedings", "proceedings", "book", "incollection", "phdthesis",
               "mastersthesis", "www", "data")
# "Yang Liu 0003": dblp's homonym number is no part of the name.
HOMONYM_SUFFIX = re.compile(r"\s+\d{4}$")
SITE = "https://dblp.org"
PERSON_URL = SITE + "/pid/{pid}.html"
RECORD_URL = SITE + "/rec/{key}"
ORCID_URL = re.compile(r"orcid\.org/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")
LINK_KINDS = (("orcid.org", "orcid"), ("scholar.google.", "scholar"), ("wikidata.org", "wikidata"),
              ("dl.acm.org", "acm"), ("zbmath.org", "zbmath"), ("genealogy.", "mathgenealogy"),
              ("linkedin.com", "linkedin"), ("twitter.com", "twitter"), ("x.com", "twitter"),
              ("wikipedia.org", "wikipedia"), ("ieeexplore.ieee.org", "ieee"),
              ("researchgate.net", "researchgate"), ("github.com", "github"))
# CoRR records: "abs/2301.11774" is the arXiv id.
CORR_VOLUME = re.compile(r"^abs/(\S+)$")
PAGE_RANGE = re.compile(r"^(\d+)\s*-\s*(\d+)$")
MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}

# BibTeX: dblp's entry types, and the fields read.
BIB_VENUE_FIELDS = ("journal", "booktitle")

# Rank of its records when sources disagree on a field (lower wins): curated, after Crossref.
PRIORITY = {NAME: 25}

# --- The fetch source `dblp` (paging: paging.py) ------------------------------------------------
# dblp asks for at least one or two seconds between requests, answers excess with 429 and a
# Retry-After, and keeps a robots.txt it wants respected (dblp.org/faq/1474706).
BASE_URL = "https://dblp.org"
PERSON_XML_PATH = "/pid/{pid}.xml"
FETCH_SOURCE = SourceDefaults(NAME, "dblp", BASE_URL, 0, 0, HostLimit(0.5, 1))


class Section(HostedSection):
    """`sources.dblp`; a tracked author's `dblp:` is a dblp person id ("42/6178-1") or its URL."""

    SOURCE: ClassVar[SourceDefaults] = FETCH_SOURCE
    respect_robots: bool = True
