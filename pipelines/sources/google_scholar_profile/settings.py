"""Google Scholar profile pages (`citations?user=<id>`), as saved from the site (markup of
2025-2026, verified on real saved pages). A markup change on the site means editing this file."""
from __future__ import annotations

import re

NAME = "google_scholar_profile"

# Sniffing. The title wraps the name in invisible direction marks (U+202A ... U+202C); the profile
# table itself (`gsc_prf`) starts ~46 KB into the page, past the head the registry sniffs, so the
# head is recognised by its title and by the canonical link / photo naming `citations?user=`.
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
TITLE_MARK = re.compile(r"<title>[^<]*Google Scholar\s*</title>", re.IGNORECASE)
PROFILE_MARKS = (
    re.compile(r'<link[^>]+rel="?canonical"?[^>]+href="[^"]*/citations\?[^"]*\buser=', re.I),
    re.compile(r"view_op=medium_photo&(?:amp;)?user=", re.I),
    re.compile(r'id="?gsc_prf_in\b'),
)

SELECTORS = {
    "name": "#gsc_prf_in",
    "info": "#gsc_prf_i .gsc_prf_il",  # affiliation, "Verified email at ...", interests
    "email": "#gsc_prf_ivh",
    "homepage": "#gsc_prf_ivh a",
    "interests": "#gsc_prf_int a",
    "metrics_head": "#gsc_rsb_st thead th",
    "metrics_rows": "#gsc_rsb_st tbody tr",
    "hist_years": ".gsc_md_hist_b .gsc_g_t",
    "hist_bars": ".gsc_md_hist_b .gsc_g_a",
    "hist_value": ".gsc_g_al",
    "article": "tr.gsc_a_tr",
    "title": "a.gsc_a_at",
    "gray": ".gs_gray",  # first: authors as shown; second: venue text with ", <year>" in .gs_oph
    "venue_year": ".gs_oph",
    "cited_by": "a.gsc_a_ac",
    "year": ".gsc_a_y",
    "range": "#gsc_a_nn",  # "Articles 1–12"
    "more": "#gsc_bpf_more",  # "Show more": disabled when the list has no more articles
    "canonical": "link[rel=canonical]",
    "og_title": 'meta[property="og:title"]',
}

# Metrics table rows, by label; Scholar's order (citations, h-index, i10-index) when the labels
# are in another language.
METRICS = {"citations": "citation_count", "h-index": "h_index", "i10-index": "i10_index"}
METRIC_ORDER = ("citation_count", "h_index", "i10_index")
SINCE = re.compile(r"(\d{4})")  # "Since 2021" (any language: the year is what matters)

RANGE = re.compile(r"(\d+)\s*[\u2013\u2014-]\s*(\d+)")  # "Articles 1–12"
USER = re.compile(r"[?&]user=([\w-]+)")
CITATION_FOR_VIEW = re.compile(r"citation_for_view=([\w-]+:[\w-]+)")
YEAR_AT_END = re.compile(r"(?:^|,)\s*((?:1[5-9]|20)\d{2})\s*$")
Z_INDEX = re.compile(r"z-index\s*:\s*(\d+)")
ELLIPSES = ("...", "\u2026")
VERIFIED = re.compile(r"^Verified email at\s+(?P<domain>\S+?)(?:\s*-\s*Homepage)?$")
ARXIV_VENUES = ("corr", "arxiv")
PROFILE_URL = "https://scholar.google.com/citations?user={user}"
SITE = "https://scholar.google.com"

# Rank of this record format when records disagree on a field (lower wins): Scholar, whose pages are user-curated.
PRIORITY = {NAME: 80}
