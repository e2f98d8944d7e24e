"""Which source wins a conflicting field, and how strong each identity key is."""

# Lower wins. Curated metadata (arXiv, then the DOI registry) beats aggregators; pages that show
# only abstracts come last. The losing values stay visible in core.sightings.
SOURCE_PRIORITY = {
    "arxiv_atom": 10, "arxiv_oai": 11, "arxiv_abs": 12, "arxiv_snapshot": 13,
    "crossref": 20, "openalex": 30, "semanticscholar": 40,
    "catalyzex": 50, "scored_profile": 60, "aitopics": 70, "google_scholar": 80,
    "abstract_list": 90,
}
UNKNOWN_SOURCE_PRIORITY = 99

# Key kinds in the order that names a cluster's paper_id (first present wins).
KEY_PRIORITY = {"arxiv": 0, "doi": 1, "openalex": 2, "s2": 3, "title": 4, "abstract": 5}

# Abstract keys compare this many folded characters; shorter abstracts are compared whole.
ABSTRACT_KEY_CHARS = 200
ABSTRACT_MIN_CHARS = 80

DATE_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
