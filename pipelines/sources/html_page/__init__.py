"""HTML pages no parser claims by their head: rendered to text (`sources.html_text`) and offered
to the text forms of the author-page layouts, so a real page of a known layout parses whatever
its markup; a page none of them takes is told for what it is (a sign-in or consent interstitial,
a captcha, a search that found nothing) or, if unknown, by its <title> and size.

The registry hands a capture here only after every sniffer has declined its head and only when it
is HTML; `sniff` itself never claims anything.
"""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ...errors import NotAnAuthorPage, UnknownFormat
from ...records import Capture, ParsedBatch
from .. import abstract_list, aitopics, catalyzex, scored_profile
from ..base import HEAD_CHARS, decode
from ..html_text import looks_like_html, page_title, render
from . import helpers as H
from .settings import NAME

__all__ = ["NAME", "sniff", "parse", "claims", "LAYOUTS"]

# The layouts whose text form a rendered page may be in, tried in this order.
LAYOUTS = (catalyzex, aitopics, scored_profile, abstract_list)


def sniff(head: str) -> bool:
    return False  # never by the head: the registry falls back here for unclaimed HTML


def claims(text: str) -> bool:
    return looks_like_html(text)


def rendered_capture(capture: Capture, rendered: str) -> Capture:
    """The rendered text as a capture of the same page: same name, time and record refs."""
    return Capture(capture=capture.capture, content=rendered.encode("utf-8"),
                   captured_at=capture.captured_at, sha256=capture.sha256)


def parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    tree = LexborHTMLParser(text)
    rendered = render(tree)
    head = rendered[:HEAD_CHARS]
    for layout in LAYOUTS:
        if layout.sniff(head):
            batch = layout.parse(rendered_capture(capture, rendered))
            batch.format = layout.NAME
            return batch
    title = page_title(tree)
    found = H.classify(tree, text, rendered, title)
    where = H.describe(title, len(capture.content))
    if found:
        code, what = found
        raise NotAnAuthorPage(f"{what} ({where}); nothing loaded", reason=code)
    raise UnknownFormat(f"{capture.capture}: an HTML page that no parser recognises ({where}); "
                        f"not one of the known author-page layouts, even rendered to text")
