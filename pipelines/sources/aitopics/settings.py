"""Everything that knows what an AITopics-style author page looks like. A markup or wording change
on the site means editing this file only."""
from __future__ import annotations

import re

NAME = "aitopics"  # the record format

# --- text form -----------------------------------------------------------------------------------

GOTO = "Goto"
COLLABORATING = "Collaborating Authors"  # the heading right above the owner's "Last, First" name
# Papers are separated by two blank lines or more, a paper's parts (title, venue line, abstract)
# by one.
PAPER_GAP = 2
# "arXiv.org Artificial Intelligence": arXiv's listing, named by its category.
ARXIV_VENUE = re.compile(r"^arXiv\.org\s+(?P<category>.+)$")
ARXIV = "arXiv"
# A venue line the site does not name by arXiv category (a conference, a journal) is recognised
# by shape only: short, no sentence punctuation at its end.
VENUE_MAX_CHARS = 80

TEXT_SNIFF = (re.compile(r"^Collaborating Authors\s*$", re.MULTILINE),)

# --- HTML form -----------------------------------------------------------------------------------

# Either marks the page (any may match). Two patterns, not one alternation: each opens with a
# literal, which the regex engine finds at memchr speed; the alternation tries every '<' and 'c'.
HTML_SNIFF = (re.compile(r'<meta\s+name="generator"\s+content="aitopics'), re.compile(r'class="at-author-header"'))
SELECTORS = {
    "name": ".at-author-header .at-author-name",
    "paper": "li.at-result",
    "title": ".at-result-title",
    "venue": ".at-result-source",
    "venue_link": ".at-result-source a",  # href: the paper at its source
    "abstract": ".at-result-summary",
    # Every result ends with its footer; a last result without one was cut off mid-way.
    "card_end": ".at-result-footer",
}

# Rank of this record format when records disagree on a field (lower wins): an aggregator page.
PRIORITY = {NAME: 70}
