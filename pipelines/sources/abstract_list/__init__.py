"""Abstract-list author pages: the owner's name (often a bare first name) on the first line, then
one "Abstract:<text>" line per paper. No titles, authors or dates. Read from text or HTML."""
from __future__ import annotations

from itertools import islice

from ...records import Capture
from ..pages import is_html, layout_parser, tidy
from . import htmlform, settings, textform
from .settings import NAME


def sniff(head: str) -> bool:
    if is_html(head):
        return any(p.search(head) for p in settings.HTML_SNIFF)
    # The layout has no marker but its shape: a name line, then "Abstract:" lines.
    first_two = list(islice((line.strip() for line in head.splitlines() if line.strip()), 2))
    return (len(first_two) == 2 and bool(settings.NAME_LINE.match(first_two[0]))
            and first_two[1].startswith(settings.ABSTRACT))




def _paper(capture: Capture, i: int, block: dict, profile_ref: str | None, last_cut: bool) -> dict | str:
    """A PAPERS row, or the reason the block is rejected ('paper N' counts from 1, page order)."""
    where = f"{NAME}: paper {i + 1}"
    if last_cut:
        return f"truncated_capture: {where}: the page ends inside this paper (no abstract)"
    abstract = tidy(block["abstract"])
    if not abstract:
        return f"{where}: no title and no abstract"
    return {"record_ref": capture.ref(i), "source": NAME, "capture": capture.capture,
            "captured_at": capture.captured_at, "abstract": abstract, "profile_ref": profile_ref}


parse = layout_parser(NAME, htmlform, textform, _paper)
