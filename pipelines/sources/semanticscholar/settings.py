"""Semantic Scholar Graph API constants: response shapes and the paper/author field maps."""
from __future__ import annotations

import re

NAME = "semanticscholar"
HOST = "api.semanticscholar.org"

# A body is ours when it carries S2's own id keys (no other API names them this way).
ID_KEYS = re.compile(r'"(?:paperId|authorId|citingPaper|citedPaper|recommendedPapers)"\s*:')
# S2 error bodies are tiny objects holding only an error/message string.
ERROR_BODY = re.compile(r'^\s*\{\s*"(?:error|message)"\s*:\s*"[^"]*"\s*\}\s*$')
ERROR_KEYS = ("error", "message")

# Paginated lists wrap each paper in an edge object on these two endpoints.
EDGE_KEYS = ("citingPaper", "citedPaper")
# Lists of papers inside one object: an author's papers, a paper's citations/references.
NESTED_PAPER_KEYS = ("citations", "references")
LIST_KEYS = ("data", "recommendedPapers")

# externalIds keys
DOI_KEY, ARXIV_KEY, ORCID_KEY, DBLP_KEY = "DOI", "ArXiv", "ORCID", "DBLP"
TOPIC_SCHEME = "s2.field"
