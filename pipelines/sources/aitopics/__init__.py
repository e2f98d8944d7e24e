"""AITopics-style author pages: "Collaborating Authors" over the owner's "Last, First" name, then
per paper the title, a venue line (arXiv's listing named by category: "arXiv.org Artificial
Intelligence") and the abstract. No authors, no dates. Read from the saved text or the HTML."""
from __future__ import annotations

from functools import lru_cache

from ...normalize.topics import arxiv_code
from ...records import Capture
from ..pages import layout_parser, sniff_layout, tidy
from . import htmlform, settings, textform
from .settings import NAME


def sniff(head: str) -> bool:
    return sniff_layout(head, settings)




@lru_cache(maxsize=1024)  # a page names a handful of venues, one per paper
def venue_and_topic(line: str | None) -> tuple[str | None, str | None]:
    """'arXiv.org Artificial Intelligence' -> ('arXiv', 'cs.AI'); any other venue stays as it is
    written, with no topic."""
    if not line:
        return None, None
    m = settings.ARXIV_VENUE.match(line)
    if m:
        return settings.ARXIV, arxiv_code(m["category"].strip())
    return line, None


def _paper(capture: Capture, i: int, block: dict, profile_ref: str | None,
           last_cut: bool) -> dict | str:
    """A PAPERS row, or the reason the block is rejected ('paper N' counts from 1, page order)."""
    where = f"{NAME}: paper {i + 1}"
    title, abstract = tidy(block["title"]), tidy(block["abstract"])
    if last_cut:
        return f"truncated_capture: {where}: the page ends inside this paper (no abstract)"
    if not title and not abstract:
        return f"{where}: no title and no abstract"
    venue, topic = venue_and_topic(tidy(block["venue"]))
    return {
        "record_ref": capture.ref(i),
        "source": NAME,
        "capture": capture.capture,
        "captured_at": capture.captured_at,
        "title": title,
        "abstract": abstract,
        "arxiv_id": block.get("arxiv_id"),
        "primary_topic": topic,
        "topics": [topic] if topic else [],
        "venue": venue,
        "profile_ref": profile_ref,
    }


parse = layout_parser(NAME, htmlform, textform, _paper)
