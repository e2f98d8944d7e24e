"""AITopics-style pages as HTML -> the same name and raw blocks as the text form gives, plus the
arXiv id that only the markup's source link carries."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ...normalize.ids import arxiv_id
from ..pages import cards, first_attr, first_text
from . import settings as S

SEL = S.SELECTORS
CARD_FIELDS = ("title", "venue", "venue_link", "abstract", "card_end")


def _text(node, selector: str) -> str | None:
    found = node.css_first(selector)
    if found is None:
        return None
    return found.text(deep=True).strip() or None


def read(text: str, utf8: bytes | None = None) -> tuple[dict, list[dict], bool]:
    """`utf8`: the page's UTF-8 bytes when the caller has them, parsed instead of `text`."""
    tree = LexborHTMLParser(text if utf8 is None else utf8)
    found = cards(tree, SEL["paper"], {key: SEL[key] for key in CARD_FIELDS})
    blocks = [_block(card, fields) for card, fields in found]
    cut = bool(blocks) and (not found[-1][1]["card_end"] or not blocks[-1]["abstract"])
    return {"name": _text(tree, SEL["name"])}, blocks, cut


def _block(card, f: dict[str, list]) -> dict:
    return {
        "title": first_text(f["title"]),
        "venue": first_text(f["venue"]),
        "abstract": first_text(f["abstract"]),
        "arxiv_id": arxiv_id(first_attr(f["venue_link"], "href")) if f["venue_link"] else None,
        "raw": card,
    }
