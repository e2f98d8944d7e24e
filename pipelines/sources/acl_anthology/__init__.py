"""ACL Anthology author pages: the owner and every paper the page lists (Anthology id such as
`2021.acl-long.123` or `W19-4201`, title, authors with their Anthology people ids, venue = the
volume, year, abstract when the page carries it, PDF/BibTeX/volume links). Read by structure
(headings, links to paper ids and people pages), not by one build's class names."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ...errors import ParseError
from ...records import Capture, ParsedBatch
from ..base import decode, shape_checked
from ..html_text import page_title
from . import helpers as H
from . import settings as S
from .settings import NAME

__all__ = ["NAME", "sniff", "parse"]


def sniff(head: str) -> bool:
    return bool(S.TITLE_MARK.search(head))


def _parse(capture: Capture) -> ParsedBatch:
    tree = LexborHTMLParser(decode(capture))
    title = page_title(tree)
    name = H.owner_name(tree, title)
    found = H.entries(tree)
    if not found:
        raise ParseError(f"{NAME}: an ACL Anthology page (<title> {title!r}, "
                         f"{len(capture.content):,} bytes) that lists no paper: not an author "
                         "page", reason="not_an_author_page")
    base = H.base_url(tree, capture.capture)
    profile_ref = capture.ref("profile") if name else None
    batch = ParsedBatch(format=NAME)
    for index, (pid, link, entry, year) in enumerate(found):
        fields = H.paper_fields(tree, pid, link, entry, year, base)
        batch.papers.append({
            "record_ref": capture.ref(index), "source": NAME, "capture": capture.capture,
            "captured_at": capture.captured_at, **fields, "source_id": pid,
            "authors_truncated": False,  # the page lists every author
            "profile_ref": profile_ref,
        })
    owner = H.owner_slug(batch.papers, name)
    for row in batch.papers:
        row["authors"] = [{k: v for k, v in a.items() if k != "_person"} for a in row["authors"]]
    if name:
        batch.profiles.append({
            "record_ref": profile_ref, "source": NAME, "capture": capture.capture,
            "captured_at": capture.captured_at, "name": name,
            "paper_count": len(batch.papers),  # an author page lists all of the person's papers
            "url": S.PROFILE_URL.format(path=owner[1]) if owner else None,
            "source_author_id": f"acl:{owner[0]}" if owner else None,
        })
    return batch


# Any unexpected shape of the content (a string where a dict was, ...) is a ParseError.
parse = shape_checked(NAME)(_parse)
