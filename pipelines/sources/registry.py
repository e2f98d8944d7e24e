"""The registry: which folders under `sources/` are fetch sources and which modules parse which
record formats. Adding a source is its folder (sources/spec.py says what it holds) plus its line
here.

Two ideas, two names: a **fetch source** is a host papertrail asks for a tracked author's records
(`sources.<name>` and `authors[].<name>` in papertrail.yaml; arXiv, OpenAlex, ...); a **record
format** is a shape of captured content that one parser reads (`arxiv_atom`, `dblp_person`,
`catalyzex`, ...), detected from the content, never the file name. One fetch source answers in
one or more record formats; author pages answer in any layout's. The warehouse's `source` columns
(core.sightings, core.paper_topics, ...) hold the record format.

Format detection is from content and dispatches to the format's parser.
"""
from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import lru_cache
from types import ModuleType

from ..errors import ParseError, UnknownFormat
from ..records import Capture, ParsedBatch, reject
from .base import HEAD_CHARS, decode

_PKG = "papertrail.pipelines.sources."

# Fetch sources, one line each: the folder holding settings.FETCH_SOURCE / settings.Section and
# paging.plans. Their order is papertrail.yaml's (and the order error messages list them in).
FETCH_SOURCES = (
    "arxiv",
    "openalex",
    "semanticscholar",
    "crossref",
    "author_pages",
    "dblp",
    "orcid",
)

# Record formats: the parser modules, tried in this order. Structured formats are recognised by
# their own markers before the loose text layouts, whose sniffers look for phrases a JSON or XML
# document could also contain. A folder's settings.PRIORITY ranks the formats it writes.
FORMAT_MODULES = (
    _PKG + "arxiv.atom",
    _PKG + "arxiv.oai",
    _PKG + "arxiv.abs",
    _PKG + "arxiv.snapshot",
    _PKG + "openalex",
    _PKG + "semanticscholar",
    _PKG + "crossref",
    _PKG + "cassette",
    _PKG + "dblp",
    _PKG + "orcid",
    _PKG + "google_scholar_profile",
    _PKG + "google_scholar",
    _PKG + "acl_anthology",
    _PKG + "catalyzex",
    _PKG + "aitopics",
    _PKG + "scored_profile",
    _PKG + "abstract_list",
)

# Tried last, with the whole text: an HTML page no sniffer claimed by its head is rendered to text
# for the author-page layouts, or told for what it is (sign-in, captcha, ...) by its <title>.
FALLBACK_MODULE = _PKG + "html_page"


@lru_cache(maxsize=1)
def fetch_source_settings() -> dict[str, ModuleType]:
    """Fetch source name (its papertrail.yaml key) -> its folder's settings module, in order."""
    found = {}
    for folder in FETCH_SOURCES:
        settings = importlib.import_module(_PKG + folder + ".settings")
        found[settings.FETCH_SOURCE.name] = settings
    return found


def fetch_source_paging(name: str) -> ModuleType:
    """The paging module (plans, `plans(value, source, config)`) of the fetch source `name`."""
    return importlib.import_module(fetch_source_settings()[name].__name__.rsplit(".", 1)[0] + ".paging")


@lru_cache(maxsize=1)
def parsers() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(name) for name in FORMAT_MODULES)


def format_priority() -> dict[str, int]:
    """Record format -> its rank when records disagree on a field (lower wins), from every
    parser folder's settings.PRIORITY."""
    ranks: dict[str, int] = {}
    folders = dict.fromkeys(m.__name__ if hasattr(m, "__path__") else m.__name__.rsplit(".", 1)[0]
                            for m in parsers())
    for folder in folders:
        declared: Mapping[str, int] = importlib.import_module(folder + ".settings").PRIORITY
        for name, rank in declared.items():
            if ranks.setdefault(name, rank) != rank:
                raise ValueError(f"record format {name} is ranked twice ({ranks[name]}, {rank})")
    return ranks


def detect(capture: Capture) -> ModuleType:
    """The parser module of the record format whose sniffer accepts this capture's content."""
    text = decode(capture)
    head = text[:HEAD_CHARS]
    for module in parsers():
        if module.sniff(head):
            return module
    fallback = importlib.import_module(FALLBACK_MODULE)
    if fallback.claims(text):
        return fallback
    first_line = head.strip().splitlines()[0][:120] if head.strip() else ""
    raise UnknownFormat(f"{capture.capture}: no parser recognises this content "
                        f"({len(capture.content):,} bytes; first line: {first_line!r})")


def parse_capture(capture: Capture) -> ParsedBatch:
    """Parse one capture; a capture-level failure becomes one reject row, never an exception."""
    format_name = None
    try:
        module = detect(capture)
        format_name = module.NAME
        batch = module.parse(capture)
        batch.format = batch.format or format_name
        return batch
    except ParseError as err:
        return ParsedBatch(rejects=[reject(capture, format_name, err.describe(), capture.content)],
                           format=format_name)
