"""CatalyzeX-style pages as HTML -> the same name and raw blocks as the text form gives, plus the
arXiv id that only the markup's source link carries."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ...normalize.ids import arxiv_id
from ..pages import cards, first_attr, first_text
from . import settings as S

SEL = S.SELECTORS
CARD_FIELDS = ("title", "date", "author", "abstract", "pages", "via", "via_icon", "card_end")


def _text(node, selector: str) -> str | None:
    found = node.css_first(selector)
    if found is None:
        return None
    return found.text(deep=True).strip() or None


def _attr(node, selector: str, attr: str) -> str | None:
    found = node.css_first(selector)
    return found.attributes.get(attr) if found is not None else None


def read(text: str, utf8: bytes | None = None) -> tuple[dict, list[dict], bool]:
    """`utf8`: the page's UTF-8 bytes when the caller has them, parsed instead of `text`."""
    tree = LexborHTMLParser(text if utf8 is None else utf8)
    name = _text(tree, SEL["name"])
    if not name:
        m = S.PICTURE.match(_attr(tree, SEL["picture"], "alt") or "")
        name = m["name"].strip() if m else None
    found = cards(tree, SEL["paper"], {key: SEL[key] for key in CARD_FIELDS})
    blocks = [_block(card, fields) for card, fields in found]
    cut = bool(blocks) and (not found[-1][1]["card_end"] or not blocks[-1]["abstract"])
    return {"name": name}, blocks, cut


def _block(card, f: dict[str, list]) -> dict:
    pages = S.PAGES.match(first_text(f["pages"]) or "")
    icon = S.VIA_ICON_ALT.match(first_attr(f["via_icon"], "alt") or "")
    return {
        "title": first_text(f["title"]),
        "date": first_text(f["date"]),
        "authors": [a.text(deep=True).strip() for a in f["author"]] or None,
        "abstract": first_text(f["abstract"]),
        "page_count": int(pages["pages"]) if pages else None,
        "venue": icon["venue"] if icon else None,
        "arxiv_id": arxiv_id(first_attr(f["via"], "href")),
        "raw": card,
    }
