"""Everything that knows what a CatalyzeX-style author page looks like. A markup or wording change
on the site means editing this file only."""
from __future__ import annotations

import re

NAME = "catalyzex"  # the record format

# --- text form -----------------------------------------------------------------------------------

ALERT = "Alert button"  # the follow/alert widget, shown above and below the owner's name
PICTURE = re.compile(r"^Picture for (?P<name>.+)$")  # the avatar's alt text
# Dates always carry a year here ("Jul 19, 2023", "May 05, 2022"). Requiring it keeps a title like
# "Llama 2" from reading as a date; the month is matched loosely so a garbled date is still seen as
# a date line (and rejected with its text) rather than taken for a title.
DATE = re.compile(r"^[A-Z][a-z]{2,9}\.? \d{1,2}, \d{4}$")
FIGURE = re.compile(r"^Figure \d+ for ")  # thumbnails' alt text; they repeat the title
PAGES = re.compile(r"^\*\s*(?P<pages>\d+)\s*pages?$")  # "* 55 pages\u00a0" (stripped first)
VIA = re.compile(r"^Via\s*(?P<venue>\S+) icon$")  # "Via" + the source icon's alt "arxiv icon"
AUTHOR_SEP = ","

TEXT_SNIFF = (  # all must match in the head
    re.compile(r"^Alert button\s*$", re.MULTILINE),
    re.compile(r"^Picture for \S", re.MULTILINE),
)

# Source icons -> venue as the warehouse writes it.
VENUES = {"arxiv": "arXiv", "openreview": "OpenReview", "acl": "ACL Anthology"}

# --- HTML form -----------------------------------------------------------------------------------

# Either marks the page (any may match). Two patterns, not one alternation: each opens with a
# literal, which the regex engine finds at memchr speed; the alternation tries every '<' and 'c'.
HTML_SNIFF = (re.compile(r'<meta\s+name="generator"\s+content="catalyzex'), re.compile(r'class="cx-author-header"'))
SELECTORS = {
    "name": ".cx-author-header h1.cx-author-name",
    "picture": ".cx-author-header img.cx-author-picture",  # alt "Picture for NAME", a fallback
    "paper": "div.cx-paper-card",
    "title": ".cx-paper-title",
    "date": ".cx-paper-date",
    "author": ".cx-paper-authors .cx-paper-author",
    "abstract": ".cx-paper-abstract",
    "pages": ".cx-paper-pages",
    "via": "a.cx-paper-via",  # href: the paper at its source
    "via_icon": "a.cx-paper-via img",  # alt: "arxiv icon"
    # Every card ends with its action bar; a last card without one was cut off mid-way.
    "card_end": ".cx-paper-actions",
}
VIA_ICON_ALT = re.compile(r"^(?P<venue>\S+) icon$")

# Rank of this record format when records disagree on a field (lower wins): an aggregator page.
PRIORITY = {NAME: 50}
