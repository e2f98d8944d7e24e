"""Crossref REST API constants: envelope keys, the work field map, dates in preference order."""
from __future__ import annotations

import re

NAME = "crossref"
HOST = "api.crossref.org"

# Envelope `{status, message-type, message-version, message}`; CSL-JSON has no envelope but
# Crossref's own keys ("reference-count", "is-referenced-by-count") in kebab case.
ENVELOPE = re.compile(r'"message-type"\s*:\s*"')
CSL_KEYS = re.compile(r'"(?:reference-count|is-referenced-by-count|container-title)"\s*:')
DATE_PARTS = '"date-parts"'
WORK_TYPES = ("work", "work-list")
# The API answers an unknown DOI with this plain-text body (HTTP 404), not JSON.
NOT_FOUND_TEXT = "Resource not found."

# Publication dates by preference: `issued` is Crossref's earliest known publication date.
DATE_KEYS = ("issued", "published", "published-print", "published-online")
ARXIV_DOI_PREFIX = "10.48550/arxiv."
TOPIC_SCHEME = "crossref.subject"

ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
PAGES = re.compile(r"^\s*(\d+)\s*[-\u2013\u2014]+\s*(\d+)\s*$")
# JATS/HTML markup in titles and abstracts; a JATS <title> inside an abstract is a heading
# ("Abstract"), not text of the abstract.
JATS_HEADING = re.compile(r"<(jats:)?title\b[^>]*>.*?</(jats:)?title>", re.IGNORECASE | re.DOTALL)
# Small caps mark a word ("in <scp>r</scp>") or a word's first letter ("<scp>T</scp>reebase"); Wiley
# also drops the spaces around whole words ("an<scp>R</scp>package").
SMALL_CAPS = re.compile(r"(\w?)<(?:jats:)?(scp|sc)>([^<]*)</(?:jats:)?\2>(\w?)", re.IGNORECASE)
# Other inline markup sits inside words (`<scp>T</scp>reebase`): removed without a space. Any other tag
# (paragraphs, sections) separates text: replaced by a space.
INLINE_TAG = re.compile(r"</?(?:jats:|mml:)?(?:scp|sc|i|b|em|u|tt|sup|sub|italic|bold|underline|"
                        r"monospace)\b[^>]*>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
