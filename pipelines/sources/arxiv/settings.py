"""Constants shared by the arXiv parsers: namespaces, markers the sniffers look for, patterns.

Timestamp choice: every arXiv parser writes `captured_at = capture.captured_at`, even where the
content carries its own clock (Atom feed <updated>, OAI <responseDate>). The .abs and snapshot
formats have no such clock, and one rule for all four keeps a paper's captured_at comparable
whichever arXiv format it arrived in.
"""
from __future__ import annotations

import re

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"

VENUE = "arXiv"  # a preprint with no journal-ref is only "published" on arXiv
TOPIC_SCHEME = "arxiv"

# Sniffers: markers that only the arXiv API / OAI endpoint writes, never another source's JSON or XML.
ATOM_MARKERS = ("http://arxiv.org/schemas/atom", "arxiv.org/api/", "ArXiv Query", "arXiv Query")
CASSETTE = re.compile(r'^\s*\{\s*"url"\s*:\s*"https?://export\.arxiv\.org/api/')
OAI_MARKERS = ("http://arxiv.org/OAI/arXiv/", "oai:arXiv.org:", "metadataPrefix=\"arXiv\"")
ABS_HEAD = re.compile(r"^\\\\[ \t]*\r?\n[ \t]*arXiv:\S+[ \t]*\r?\n", re.M)
SNAPSHOT_KEYS = ('"id"', '"submitter"', '"authors"')

# Only "<n> pages": "pp. 12-20" in a comment is a page range in some venue, not the length.
PAGES = re.compile(r"(?<![\d.,/-])(\d{1,4})\s*(?:\+\s*\d{1,4}\s*)?pages?\b", re.I)
MAX_PAGES = 3000  # a larger number is an id or a year caught by the pattern, not a length

# "Mon, 2 Apr 2007 19:18:42 GMT" (.abs Date lines, snapshot versions[].created).
RFC822_DAY = re.compile(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})")

# An unescaped % starts a TeX comment: pylatexenc would drop the rest of the line ("50% of").
BARE_PERCENT = re.compile(r"(?<!\\)%")

# Words that make an author string a group, whose name must not be split or flipped.
GROUP_WORDS = ("collaboration", "consortium", "team", "group", "project", "experiment")
NUMBERED_AFFILIATION = re.compile(r"\(\s*(\d{1,3})\s*\)\s*")
