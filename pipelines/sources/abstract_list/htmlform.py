"""Abstract-list pages as HTML -> the same name and raw blocks as the text form gives."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from . import settings as S

SEL = S.SELECTORS


def _text(node, selector: str) -> str | None:
    found = node.css_first(selector)
    if found is None:
        return None
    return found.text(deep=True).strip() or None


def read(text: str) -> tuple[dict, list[dict], bool]:
    tree = LexborHTMLParser(text)
    cards = tree.css(SEL["paper"])
    blocks = [{"abstract": _text(card, SEL["abstract"]), "raw": card} for card in cards]
    cut = bool(blocks) and (cards[-1].css_first(SEL["card_end"]) is None
                            or not blocks[-1]["abstract"])
    return {"name": _text(tree, SEL["name"])}, blocks, cut
