"""Semantic Scholar Graph API: response shapes and the paper/author field maps (the record format
`semanticscholar`), and the fetch source `semantic_scholar` (defaults, pace, section, priority)."""
from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator

from ..spec import HostLimit, PagedSection, SourceDefaults, problem

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

# --- The fetch source `semantic_scholar` (paging: paging.py) -----------------------------------
# One request per second without a key (the shared pool); pages of at most 1000; offset + limit
# must stay strictly below 10,000; /paper/batch takes at most 500 ids.
FETCH_SOURCE = SourceDefaults("semantic_scholar", "Semantic Scholar",
                              "https://api.semanticscholar.org/graph/v1", 1000, 1000,
                              HostLimit(1, 1), cites=True)
FIELDS = "title,externalIds,year,publicationDate,authors,citationCount,venue"
OFFSET_LIMIT = 10000
BATCH_MAX = 500

# Rank of its records when sources disagree on a field (lower wins): an aggregator.
PRIORITY = {NAME: 40}


def _id_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise problem("id", f"expected str or int, got {type(value).__name__} {value!r}")
    return str(value)


class Section(PagedSection):
    """`sources.semantic_scholar`; a tracked author's `semantic_scholar:` is an S2 author id
    (YAML may read it as a number)."""

    SOURCE: ClassVar[SourceDefaults] = FETCH_SOURCE
    AUTHOR_VALUE: ClassVar[Any] = Annotated[str, BeforeValidator(_id_text)]
    api_key_env: str | None = None
    fields: str = FIELDS
