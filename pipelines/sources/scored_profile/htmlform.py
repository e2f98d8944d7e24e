"""Scored-profile pages as HTML -> the same header and raw blocks as the text form gives, plus
the arXiv id that only the markup's title link carries."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ...normalize.ids import arxiv_id
from ..pages import cards, first_attr, first_text
from . import settings as S

SEL = S.SELECTORS
CARD_FIELDS = ("title_link", "topic", "date", "code", "title", "abstract", "author", "et_al",
               "affiliation")


def _text(node, selector: str) -> str | None:
    found = node.css_first(selector)
    if found is None:
        return None
    return found.text(deep=True).strip() or None


def read(text: str, utf8: bytes | None = None) -> tuple[dict, list[dict], bool]:
    """`utf8`: the page's UTF-8 bytes when the caller has them, parsed instead of `text`."""
    tree = LexborHTMLParser(text if utf8 is None else utf8)
    header: dict = {"name": _text(tree, SEL["name"]), "main_topic": _text(tree, SEL["main_topic"])}
    for metric in tree.css(SEL["metric"]):
        key = metric.attributes.get(S.METRIC_ATTR)
        if key:
            header[key] = _text(metric, SEL["metric_value"])
    listed = _text(tree, SEL["papers_listed"])
    if listed:
        header["papers_listed"] = listed
    found = cards(tree, SEL["paper"], {key: SEL[key] for key in CARD_FIELDS})
    blocks = [_block(node, fields) for node, fields in found]
    # An <article> opened after the last one closed means the capture stops inside that paper.
    cut = bool(blocks) and (text.rfind(S.PAPER_OPEN) > text.rfind(S.PAPER_CLOSE)
                            or not blocks[-1]["abstract"])
    return header, blocks, cut


def _block(node, f: dict[str, list]) -> dict:
    return {
        "arxiv_id": arxiv_id(first_attr(f["title_link"], "href")) if f["title_link"] else None,
        "topic": first_text(f["topic"]),
        "date": first_text(f["date"]),
        "has_code": bool(f["code"]),
        "title": first_text(f["title"]),
        "abstract": first_text(f["abstract"]),
        "authors": [a.text(deep=True).strip() for a in f["author"]],
        "authors_truncated": bool(f["et_al"]),
        "affiliations": [a.text(deep=True).strip() for a in f["affiliation"]],
        "raw": node,
    }
