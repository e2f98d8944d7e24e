"""ACL Anthology author pages (`/people/<x>/<slug>/`). The site's markup changes between builds
(class names, wrappers, badge styles), so the page is read by its structure only: the owner's
heading, year headings, and per paper the link to its Anthology id page with the people links,
the volume link, the PDF/BibTeX links and the abstract it points to that sit with it. A wording or
URL-scheme change on the site means editing this file only."""
from __future__ import annotations

import re

NAME = "acl_anthology"

TITLE_MARK = re.compile(r"<title>[^<]*\bACL Anthology\s*</title>", re.IGNORECASE)
TITLE_SUFFIX = re.compile(r"\s*[-\u2013|]\s*ACL Anthology\s*$", re.IGNORECASE)

# Anthology ids: old style "W19-4201" (letter, 2-digit year, volume-paper), new style
# "2021.acl-long.123" (year, venue.volume, number).
PAPER_ID = r"(?:[A-Z]\d{2}-\d{4}|\d{4}\.[a-z0-9][\w-]*\.\d+)"
PAPER_PAGE = re.compile(rf"(?:^|/)(?P<id>{PAPER_ID})/?(?:[?#].*)?$")  # the paper's own page
PAPER_FILE = re.compile(rf"(?:^|/)(?P<id>{PAPER_ID})\.(?P<kind>pdf|bib)(?:[?#].*)?$", re.I)
PEOPLE = re.compile(r"/people/(?:(?P<dir>[a-z0-9])/)?(?P<slug>[^/?#]+)/?(?:[?#].*)?$", re.I)
VOLUME = re.compile(r"/volumes/(?P<volume>[^/?#]+)/?", re.I)
# "abs" buttons point at the abstract's element: "#abstract-W19-4201", "#abstract-2023--acl-long--12"
ABSTRACT_TARGET = re.compile(r"^#(?P<target>.+)$")
YEAR_HEADING = re.compile(r"^\s*((?:19|20)\d{2})\s*$")
HEADINGS = "h1, h2, h3, h4, h5, h6"
SITE = "https://aclanthology.org"
PROFILE_URL = "https://aclanthology.org/people/{path}/"

# Rank of this record format when records disagree on a field (lower wins): curated venue pages.
PRIORITY = {NAME: 45}
