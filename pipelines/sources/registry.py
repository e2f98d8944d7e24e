"""Format detection from content (never the file name) and dispatch to the source parser."""
from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType

from ..errors import ParseError, UnknownFormat
from ..records import Capture, ParsedBatch, reject
from .base import HEAD_CHARS, decode

# Order matters: structured formats are recognised by their own markers before the loose text
# layouts, whose sniffers look for phrases a JSON or XML document could also contain.
PARSER_MODULES = (
    "papertrail.pipelines.sources.arxiv.atom",
    "papertrail.pipelines.sources.arxiv.oai",
    "papertrail.pipelines.sources.arxiv.abs",
    "papertrail.pipelines.sources.arxiv.snapshot",
    "papertrail.pipelines.sources.openalex",
    "papertrail.pipelines.sources.semanticscholar",
    "papertrail.pipelines.sources.crossref",
    "papertrail.pipelines.sources.cassette",
    "papertrail.pipelines.sources.dblp",
    "papertrail.pipelines.sources.orcid",
    "papertrail.pipelines.sources.google_scholar_profile",
    "papertrail.pipelines.sources.google_scholar",
    "papertrail.pipelines.sources.acl_anthology",
    "papertrail.pipelines.sources.catalyzex",
    "papertrail.pipelines.sources.aitopics",
    "papertrail.pipelines.sources.scored_profile",
    "papertrail.pipelines.sources.abstract_list",
)

# Tried last, with the whole text: an HTML page no sniffer claimed by its head is rendered to text
# for the author-page layouts, or told for what it is (sign-in, captcha, ...) by its <title>.
FALLBACK_MODULE = "papertrail.pipelines.sources.html_page"


@lru_cache(maxsize=1)
def parsers() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(name) for name in PARSER_MODULES)


def priorities() -> dict[str, int]:
    """Record format -> its rank when formats disagree on a field (lower wins), for the formats
    whose folder declares it (`PRIORITY` beside `NAME`; OpenAlex so far)."""
    ranks = {}
    for module in parsers():
        settings = importlib.import_module(module.__name__ + ".settings") \
            if hasattr(module, "__path__") else module
        if hasattr(settings, "PRIORITY"):
            ranks[settings.NAME] = settings.PRIORITY
    return ranks


def detect(capture: Capture) -> ModuleType:
    """The parser module whose sniffer accepts this capture's content."""
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
    source = None
    try:
        module = detect(capture)
        source = module.NAME
        batch = module.parse(capture)
        batch.format = batch.format or source
        return batch
    except ParseError as err:
        return ParsedBatch(rejects=[reject(capture, source, err.describe(), capture.content)],
                           format=source)
