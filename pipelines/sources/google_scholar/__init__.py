"""Google Scholar search-result pages (`scholar?q=...`, `scholar?cluster=...`): one PAPERS row per
result. Profile pages (`citations?user=`) are a different layout and are not claimed here."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ...errors import ParseError
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from . import helpers as H
from . import settings as S
from .settings import NAME

__all__ = ["NAME", "sniff", "parse"]

RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def sniff(head: str) -> bool:
    return bool(S.TITLE_MARK.search(head)) and S.PROFILE_MARK not in head


def parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    tree = LexborHTMLParser(text)
    results = [r for r in tree.css(S.SELECTORS["result"]) if r.css_first(S.SELECTORS["body"])]
    batch = ParsedBatch(format=NAME)
    if not results:
        if any(phrase in text for phrase in S.NO_RESULTS):
            return batch
        raise ParseError("google_scholar: no div.gs_r result and no 'did not match' notice "
                         "(a captcha page, or the layout changed)", reason="no_results_found")
    for index, result in enumerate(results):
        ref = capture.ref(index)
        try:
            row = H.paper_row(result, capture, ref)
            if not row["title"] and not row["abstract"]:
                raise ValueError("has neither title nor snippet")
            batch.papers.append(row)
        except RECORD_ERRORS as err:
            batch.rejects.append(reject(capture, NAME, f"google_scholar: result {index} {err}",
                                        result.html, record_ref=ref))
    return batch
