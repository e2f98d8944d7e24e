"""Everything that knows what an abstract-list author page looks like: a bare name, then one
"Abstract:<text>" line per paper. A markup or wording change means editing this file only."""
from __future__ import annotations

import re

NAME = "abstract_list"  # the record format

# --- text form -----------------------------------------------------------------------------------

ABSTRACT = "Abstract:"  # glued to the abstract's first word, no space
# The owner's name as the page heads it: often a bare first name ("Jack"). Letters, spaces and
# name punctuation only, so an identifier line ("arXiv:2307.09288") or a JSON brace never passes.
NAME_LINE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .'\-]){0,59}$")

# --- HTML form -----------------------------------------------------------------------------------

# Either marks the page (any may match). Two patterns, not one alternation: each opens with a
# literal, which the regex engine finds at memchr speed; the alternation tries every '<' and 'c'.
HTML_SNIFF = (re.compile(r'<meta\s+name="generator"\s+content="abstract-list'), re.compile(r'class="al-profile"'))
SELECTORS = {
    "name": ".al-profile .al-name",
    "paper": "li.al-paper",
    "abstract": ".al-abstract",
    # Every entry ends with its toolbar; a last entry without one was cut off mid-way.
    "card_end": ".al-paper-tools",
}

# Rank of this record format when records disagree on a field (lower wins): a page showing only abstracts.
PRIORITY = {NAME: 90}
