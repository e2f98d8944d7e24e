"""Scored-profile pages as HTML -> the same header and raw blocks as the text form gives, plus
the arXiv id that only the markup's title link carries."""
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


def read(text: str) -> tuple[dict, list[dict], bool]:
    tree = LexborHTMLParser(text)
    header: dict = {"name": _text(tree, SEL["name"]), "main_topic": _text(tree, SEL["main_topic"])}
    for metric in tree.css(SEL["metric"]):
        key = metric.attributes.get(S.METRIC_ATTR)
        if key:
            header[key] = _text(metric, SEL["metric_value"])
    listed = _text(tree, SEL["papers_listed"])
    if listed:
        header["papers_listed"] = listed
    blocks = [_block(node) for node in tree.css(SEL["paper"])]
    # An <article> opened after the last one closed means the capture stops inside that paper.
    cut = bool(blocks) and (text.rfind(S.PAPER_OPEN) > text.rfind(S.PAPER_CLOSE)
                            or not blocks[-1]["abstract"])
    return header, blocks, cut


def _block(node) -> dict:
    link = node.css_first(SEL["title_link"])
    return {
        "arxiv_id": arxiv_id(link.attributes.get("href")) if link is not None else None,
        "topic": _text(node, SEL["topic"]),
        "date": _text(node, SEL["date"]),
        "has_code": node.css_first(SEL["code"]) is not None,
        "title": _text(node, SEL["title"]),
        "abstract": _text(node, SEL["abstract"]),
        "authors": [a.text(deep=True).strip() for a in node.css(SEL["author"])],
        "authors_truncated": node.css_first(SEL["et_al"]) is not None,
        "affiliations": [a.text(deep=True).strip() for a in node.css(SEL["affiliation"])],
        "raw": node,
    }
