"""Google Scholar search-result pages (2016 markup): CSS selectors and byline patterns."""
from __future__ import annotations

import re

NAME = "google_scholar"

# Sniffing: every Scholar page is titled "<query> - Google Scholar"; profile pages (citations?user=)
# share that title but are a different layout with `gsc_prf` ids, which this parser does not read.
TITLE_MARK = re.compile(r"<title>[^<]*-\s*Google Scholar\s*</title>", re.IGNORECASE)
PROFILE_MARK = "gsc_prf"
NO_RESULTS = ("did not match any articles", "did not match any documents")

SELECTORS = {
    "result": "div.gs_r",
    "body": "div.gs_ri",
    "title": "h3.gs_rt",
    "title_link": "h3.gs_rt a",
    # "[CITATION]", "[PDF]", "[BOOK]" badges inside the title: not part of the title
    "title_badges": "span.gs_ctu, span.gs_ctc, span.gs_ct1, span.gs_ct2",
    "byline": "div.gs_a",
    "author_link": 'a[href^="/citations?user="]',
    "snippet": "div.gs_rs",
    "cited_by": 'div.gs_fl a[href*="/scholar?cites="]',
    "pdf_link": "div.gs_ggs a",
}

# Byline "A Author, B Author - Venue, 2015 - host.com": parts split on a spaced dash.
BYLINE_SEP = re.compile(r"\s+-\s+")
YEAR_AT_END = re.compile(r"(?:^|,\s*)((?:1[5-9]|20)\d{2})\s*$")
HOST_LIKE = re.compile(r"^[\w.-]+\.[a-z]{2,}$", re.IGNORECASE)
CITED_BY = re.compile(r"Cited by\s+(\d+)")
USER_ID = re.compile(r"[?&]user=([\w-]+)")
ELLIPSIS = "\u2026"
ARXIV_VENUES = ("corr", "arxiv")

# Rank of this record format when records disagree on a field (lower wins): Scholar, whose pages are user-curated.
PRIORITY = {NAME: 80}
