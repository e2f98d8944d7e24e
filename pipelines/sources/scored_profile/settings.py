"""Everything that knows what a scored-profile page looks like. A markup or wording change on the
site means editing this file only; the parsing code reads these tables and never hard-codes a
marker of its own."""
from __future__ import annotations

import re

NAME = "scored_profile"  # the record format

# --- text form (the page as a browser's "save as text" renders it) -------------------------------

# Header lines, each a label glued to its number. The lower-case "82papers" is the profile's total;
# the capitalised "82 Papers" heads the list (the site lists fewer than it counts).
HEADER_METRICS = {
    "h_index": re.compile(r"^h-index\s*(?P<value>[\d,]+)$"),
    "paper_count": re.compile(r"^(?P<value>[\d,]+)\s*papers$"),
    "citation_count": re.compile(r"^(?P<value>[\d,]+)\s*citations$"),
    "novelty_pct": re.compile(r"^Novelty\s*(?P<value>\d+)\s*%$"),
    "ai_score": re.compile(r"^AI Score\s*(?P<value>\d+)$"),
    "papers_listed": re.compile(r"^(?P<value>[\d,]+) Papers$"),
}
# Which of the metrics above are PROFILES columns; the rest go to `extra`.
PROFILE_COLUMNS = ("h_index", "paper_count", "citation_count")
# Topic codes are shown without their archive ("CL", "ML"): tried against these archives in turn,
# so "CL" is cs.CL and "ML", which cs lacks, is stat.ML.
TOPIC_ARCHIVES = ("cs", "stat", "eess", "math", "q-bio", "q-fin", "econ")
MAIN_TOPIC = re.compile(r"^(?P<topic>[A-Z]{2,4}|[a-z-]+\.[A-Z]{2,4})$")

# "LGAug 15, 2022Code", "CVMar 3", "CLFoo 99": topic code glued to a date, then an optional code
# badge. The date is matched loosely so that a garbled one still starts a paper (and is rejected
# with its text) instead of being swallowed by the previous paper.
PAPER_META = re.compile(
    r"^(?P<topic>[A-Z]{2,4}(?=[A-Z][a-z]))?"
    r"(?P<date>[A-Z][a-z]{2,9}\.? \d{1,2}(?:, \d{4})?)"
    r"(?P<code>Code)?$")
BYLINE_SEP = " \u00b7 "  # "Tim Dettmers, Mike Lewis et al. · uw, cmu"
ET_AL = "et al."
LIST_SEP = ","
# The site shows the first three authors, then "et al.".
BYLINE_AUTHORS = 3

TEXT_SNIFF = (  # all must match somewhere in the head
    re.compile(r"^h-index\s*\d", re.MULTILINE),
    re.compile(r"^[\d,]+\s*papers\s*$", re.MULTILINE),
    re.compile(r"^[\d,]+\s*citations\s*$", re.MULTILINE),
)

# --- HTML form -----------------------------------------------------------------------------------

# Either marks the page (any may match). Two patterns, not one alternation: each opens with a
# literal, which the regex engine finds at memchr speed; the alternation tries every '<' and 'c'.
HTML_SNIFF = (re.compile(r'<meta\s+name="generator"\s+content="scored-profile'), re.compile(r'class="sp-profile"'))
SELECTORS = {
    "name": "header.sp-profile h1.sp-name",
    "main_topic": "header.sp-profile .sp-main-topic",
    "metric": "header.sp-profile .sp-metric",  # one per metric, keyed by its data-metric attribute
    "metric_value": ".sp-value",
    "papers_listed": ".sp-papers-heading .sp-count",
    "paper": "article.sp-paper",
    "topic": ".sp-topic",
    "date": "time.sp-date",
    "code": ".sp-code",
    "title": ".sp-title",
    "title_link": ".sp-title a",  # href: the paper at arXiv when the site knows its id
    "author": ".sp-authors .sp-author",
    "et_al": ".sp-authors .sp-etal",
    "affiliation": ".sp-affils .sp-affil",
    "abstract": ".sp-abstract",
}
METRIC_ATTR = "data-metric"
# A capture cut inside the last paper leaves an <article> that never closes.
PAPER_OPEN, PAPER_CLOSE = "<article", "</article>"

# Rank of this record format when records disagree on a field (lower wins): an aggregator page.
PRIORITY = {NAME: 60}
