"""CatalyzeX-style pages as HTML -> the same name and raw blocks as the text form gives, plus the
arXiv id that only the markup's source link carries."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ...normalize.ids import arxiv_id
from . import settings as S

SEL = S.SELECTORS


def _text(node, selector: str) -> str | None:
    found = node.css_first(selector)
    if found is None:
        return None
    return found.text(deep=True).strip() or None


def _attr(node, selector: str, attr: str) -> str | None:
    found = node.css_first(selector)
    return found.attributes.get(attr) if found is not None else None


def read(text: str) -> tuple[dict, list[dict], bool]:
    tree = LexborHTMLParser(text)
    name = _text(tree, SEL["name"])
    if not name:
        m = S.PICTURE.match(_attr(tree, SEL["picture"], "alt") or "")
        name = m["name"].strip() if m else None
    cards = tree.css(SEL["paper"])
    blocks = [_block(card) for card in cards]
    cut = bool(blocks) and (cards[-1].css_first(SEL["card_end"]) is None
                            or not blocks[-1]["abstract"])
    return {"name": name}, blocks, cut


def _block(card) -> dict:
    pages = S.PAGES.match(_text(card, SEL["pages"]) or "")
    icon = S.VIA_ICON_ALT.match(_attr(card, SEL["via_icon"], "alt") or "")
    return {
        "title": _text(card, SEL["title"]),
        "date": _text(card, SEL["date"]),
        "authors": [a.text(deep=True).strip() for a in card.css(SEL["author"])] or None,
        "abstract": _text(card, SEL["abstract"]),
        "page_count": int(pages["pages"]) if pages else None,
        "venue": icon["venue"] if icon else None,
        "arxiv_id": arxiv_id(_attr(card, SEL["via"], "href")),
        "raw": card,
    }
