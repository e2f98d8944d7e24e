"""Which source wins a conflicting field, and how strong each identity key is."""
from ..sources.registry import format_priority

# Lower wins. Curated metadata (arXiv, then the DOI registry) beats aggregators; pages that show
# only abstracts come last. The losing values stay visible in core.sightings. Each record format's
# rank is declared in its folder (sources/<folder>/settings.py PRIORITY).
SOURCE_PRIORITY = format_priority()
UNKNOWN_SOURCE_PRIORITY = 99

# Key kinds in the order that names a cluster's paper_id (first present wins).
KEY_PRIORITY = {"arxiv": 0, "doi": 1, "openalex": 2, "s2": 3, "title": 4, "abstract": 5, "abstract_fuzzy": 6,
                "record": 7}

# DOIs arXiv mints for its preprints name the arXiv id itself.
ARXIV_DOI_PREFIX = "10.48550/arxiv."

# Same title: years at most this far apart are one paper (a preprint and its proceedings);
# further apart they are different works (a lecture re-given, a "revisited" paper).
TITLE_YEAR_WINDOW = 1

# Probabilistic paper matching (paper_pairs.py). Blocks of up to PAPER_BLOCK_MAX records are
# compared all-to-all, bigger ones only between PAPER_BLOCK_WINDOW neighbours by year, so the
# candidate pairs stay linear in the records whatever the data's shape.
PAPER_BLOCK_MAX = 50
PAPER_BLOCK_WINDOW = 4
# Random record pairs that estimate how often unrelated papers agree (the u probabilities).
PAPER_RANDOM_PAIRS = 100_000
# A pair is one paper from this summed log2 Bayes factor on (about 4,000:1 for, as a likelihood
# ratio): a unique title of four words or more with the same year is well above it, a two-word
# title with the same year alone below it; chosen on DBLP-ACM (docs/benchmarks.md).
PAPER_MATCH_WEIGHT = 12.0
# The least chance that an unrelated paper carries an exact title of 1, 2, 3 and 4+ words: a
# title unique in a small input is no rarer than titles of its length are in general.
TITLE_LENGTH_FREQUENCY = (1e-2, 3e-3, 1e-5, 1e-6)

# Abstract keys compare this many folded characters; shorter abstracts are compared whole.
ABSTRACT_KEY_CHARS = 200
ABSTRACT_MIN_CHARS = 80
# Raw characters folded for the abstract keys (the whole abstract only where that falls short).
ABSTRACT_HEAD_CHARS = 320
# The fuzzy fallback for title-less records compares only abstracts opening with the same words,
# over the shorter one's length (a truncated abstract is a prefix), and needs this rapidfuzz ratio.
ABSTRACT_BLOCK_WORDS = 8
ABSTRACT_FUZZY_MIN_SCORE = 94.0

DATE_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}

# Authors. Two spellings on one paper's lists from different sources are one slot when their
# positions differ by at most this (one list may skip or add a person).
POSITION_SLACK = 1
# Author lists longer than this (large collaborations) give no co-author evidence.
COAUTHOR_LIST_MAX = 50
# Which id names an author cluster (first present wins); evidence links never name one.
AUTHOR_KEY_PRIORITY = {"orcid": 0, "openalex_author": 1, "s2_author": 2, "source_author": 3,
                       "name_key": 4, "page": 5, "occurrence": 6}
# Author ids live in the paper crosswalk file under this key prefix.
AUTHOR_CROSSWALK_PREFIX = "author/"

# People (people.py): names written by more signatures than this compare only signatures sharing
# a co-author, venue or affiliation word, and join only by links of PEOPLE_STRONG_LINK or more.
PEOPLE_BLOCK_MAX = 300
PEOPLE_STRONG_LINK = 8.0
# Mentions of one full name are one person when their papers' average pairwise weight (log2
# likelihood ratio, trained: people.COMPARISONS) reaches this; so are two profiles of a name
# whose posterior log-odds (profiles.py) reach it.
PEOPLE_MERGE_WEIGHT = 1.0
