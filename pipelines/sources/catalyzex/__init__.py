"""CatalyzeX-style author pages: the owner's avatar and name between two alert buttons, then per
paper the title, a dated full author list, figure thumbnails, the abstract, an optional page count
and the source it links to ("Via arxiv"). Read from the saved text or from the HTML."""
from __future__ import annotations


from ...normalize.dates import page_date
from ...records import Capture
from ..pages import layout_parser, sniff_layout, tidy
from . import htmlform, settings, textform
from .settings import NAME


def sniff(head: str) -> bool:
    return sniff_layout(head, settings)




def _paper(capture: Capture, i: int, block: dict, profile_ref: str | None,
           last_cut: bool) -> dict | str:
    """A PAPERS row, or the reason the block is rejected ('paper N' counts from 1, page order)."""
    where = f"{NAME}: paper {i + 1}"
    title, abstract = tidy(block["title"]), tidy(block["abstract"])
    if last_cut:
        return f"truncated_capture: {where}: the page ends inside this paper (no abstract)"
    if not title and not abstract:
        return f"{where}: no title and no abstract"
    published_on = precision = None
    if block["date"]:
        try:
            published_on, precision = page_date(block["date"], capture.capture_date)
        except ValueError:
            return f"{where}: unparseable date {block['date']!r}"
    venue = block["venue"]
    authors = block["authors"]
    return {
        "record_ref": capture.ref(i),
        "source": NAME,
        "capture": capture.capture,
        "captured_at": capture.captured_at,
        "title": title,
        "abstract": abstract,
        "published_on": published_on,
        "date_precision": precision,
        "arxiv_id": block.get("arxiv_id"),
        "venue": settings.VENUES.get(venue.lower(), venue) if venue else None,
        "has_code": None,  # this layout shows no code badge
        "page_count": block["page_count"],
        "authors": None if authors is None else [
            {"name": tidy(a), "position": k} for k, a in enumerate(authors, start=1)],
        # The page prints every author; a list is never cut short here.
        "authors_truncated": False if authors is not None else None,
        "profile_ref": profile_ref,
    }


parse = layout_parser(NAME, htmlform, textform, _paper)
