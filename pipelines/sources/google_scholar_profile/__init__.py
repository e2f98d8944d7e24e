"""Google Scholar profile pages (`citations?user=<id>`): the owner (name, affiliation, interests,
the verified email's domain), the metrics table (citations, h-index, i10-index: "All" into the
profile's columns, "Since YYYY" into `extra`), citations per year, and one PAPERS row per article
shown (title, authors as shown with the "..." cut marked, venue text, year, "Cited by" as the
citation count at capture time). The page shows "Articles 1–N" with a "Show more" button: how many
it shows and whether more exist go to `extra` (articles_shown, list_partial).

A page with the profile's head but no profile in it (a captcha, a sign-in page served under the
profile URL) is quarantined for what it is."""
from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from ...errors import NotAnAuthorPage, ParseError
from ...records import Capture, ParsedBatch, reject
from ..base import decode, shape_checked
from ..html_page import helpers as page_kind
from ..html_text import page_title, render
from . import helpers as H
from . import settings as S
from .settings import NAME

__all__ = ["NAME", "sniff", "parse"]

RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def sniff(head: str) -> bool:
    if not S.TITLE_MARK.search(S.BIDI.sub("", head)):
        return False
    return any(p.search(head) for p in S.PROFILE_MARKS)


def _parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    tree = LexborHTMLParser(text)
    name = H.text_of(tree.css_first(S.SELECTORS["name"]))
    if not name:
        _not_a_profile(capture, tree, text)
    batch = ParsedBatch(format=NAME)
    profile = _profile(capture, tree, name)
    batch.profiles.append(profile)
    ref = profile["record_ref"]
    batch.counts_by_year += [{"record_ref": ref, "year": y, "cited_by_count": n}
                             for y, n in H.citations_per_year(tree)]
    for index, row in enumerate(tree.css(S.SELECTORS["article"])):
        try:
            batch.papers.append(H.article_row(row, capture, capture.ref(index), ref))
        except RECORD_ERRORS as err:
            batch.rejects.append(reject(capture, NAME, f"{NAME}: article {index + 1} {err}",
                                        row.html, record_ref=capture.ref(index)))
    return batch


def _profile(capture: Capture, tree, name: str) -> dict:
    values, extra = H.metrics(tree)
    affiliations, domain, links = H.info(tree)
    extra.update(H.article_list(tree))
    if domain:
        extra["verified_email_domain"] = domain
    user = H.user_id(tree)
    return {
        "record_ref": capture.ref("profile"), "source": NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "name": name,
        "h_index": values.get("h_index"), "i10_index": values.get("i10_index"),
        "citation_count": values.get("citation_count"),
        "paper_count": None,  # the page says how many it shows, never how many exist
        "extra": extra or None,
        "url": S.PROFILE_URL.format(user=user) if user else None,
        "source_author_id": f"scholar:{user}" if user else None,
        "affiliations": affiliations,
        "interests": [t for t in (H.text_of(a) for a in tree.css(S.SELECTORS["interests"])) if t],
        "links": links,
    }


def _not_a_profile(capture: Capture, tree, text: str) -> None:
    rendered = render(tree)
    title = page_title(tree)
    where = page_kind.describe(title, len(capture.content))
    found = page_kind.classify(tree, text, rendered, title)
    if found:
        code, what = found
        raise NotAnAuthorPage(f"{what} ({where}); nothing loaded", reason=code)
    raise ParseError(f"{NAME}: the page has a Scholar profile's head but no profile name "
                     f"(#gsc_prf_in) in it ({where}); nothing loaded", reason="no_profile_found")


# Any unexpected shape of the content (a string where a dict was, ...) is a ParseError.
parse = shape_checked(NAME)(_parse)
