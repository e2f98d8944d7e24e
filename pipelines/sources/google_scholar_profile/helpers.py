"""Pieces of a Scholar profile page -> profile fields, per-year citations, article rows."""
from __future__ import annotations

from datetime import date
from urllib.parse import urljoin

from ...normalize import ids
from ...normalize.text import clean
from ...records import Capture
from . import settings as S
from .settings import SELECTORS as CSS


def text_of(node) -> str | None:
    return clean(S.BIDI.sub("", node.text(deep=True))) if node is not None else None


def number(text: str | None) -> int | None:
    digits = (text or "").replace(",", "").replace("\u00a0", "").replace(" ", "").strip()
    return int(digits) if digits.isdigit() else None


def user_id(tree) -> str | None:
    """The profile's Scholar user id, from the canonical link (else any citations?user= link)."""
    for sel in (CSS["canonical"], 'meta[property="og:image"]'):
        node = tree.css_first(sel)
        value = node.attributes.get("href") or node.attributes.get("content") if node else None
        m = S.USER.search(value or "")
        if m:
            return m.group(1)
    return None


def metrics(tree) -> tuple[dict[str, int | None], dict[str, str]]:
    """({column: All value}, extra) from the citations / h-index / i10-index table; the
    "Since YYYY" column goes to extra as since_year and <metric>_since."""
    head = [text_of(th) or "" for th in tree.css(CSS["metrics_head"])]
    since = next((S.SINCE.search(h) for h in head[2:] if S.SINCE.search(h)), None)
    all_values: dict[str, int | None] = {}
    extra: dict[str, str] = {}
    if since:
        extra["since_year"] = since.group(1)
    for k, row in enumerate(tree.css(CSS["metrics_rows"])):
        cells = [text_of(c) or "" for c in row.css("td")]
        if len(cells) < 2:
            continue
        column = S.METRICS.get(cells[0].strip().lower())
        if column is None and k < len(S.METRIC_ORDER):
            column = S.METRIC_ORDER[k]
        if column is None:
            continue
        all_values[column] = number(cells[1])
        if since and len(cells) > 2 and number(cells[2]) is not None:
            extra[f"{column}_since"] = str(number(cells[2]))
    return all_values, extra


def citations_per_year(tree) -> list[tuple[int, int]]:
    """(year, citations) from the histogram. Bars are matched to years by their z-index, which
    counts from the newest year (1) back; a year with no bar had no citation."""
    years = [number(text_of(y)) for y in tree.css(CSS["hist_years"])]
    if not years or None in years:
        return []
    counts = [0] * len(years)
    for bar in tree.css(CSS["hist_bars"]):
        m = S.Z_INDEX.search(bar.attributes.get("style") or "")
        value = number(text_of(bar.css_first(CSS["hist_value"])))
        if not m or value is None:
            continue
        at = len(years) - int(m.group(1))
        if 0 <= at < len(years):
            counts[at] = value
    return list(zip(years, counts))


def info(tree) -> tuple[list[str], str | None, list[dict]]:
    """(affiliations, verified email domain, links) from the lines under the name."""
    affiliations, domain, links = [], None, []
    for node in tree.css(CSS["info"]):
        node_id = node.attributes.get("id")
        if node_id == CSS["email"].lstrip("#"):
            m = S.VERIFIED.match(text_of(node) or "")
            domain = m["domain"] if m else None
            for a in node.css("a[href]"):
                links.append({"kind": "homepage", "url": a.attributes["href"]})
        elif node_id is None:
            value = text_of(node)
            if value:
                affiliations.append(value)
    return affiliations, domain, links


def article_list(tree) -> dict[str, str]:
    """What the page says about its list: the range shown and whether more can be loaded.
    Scholar disables "Show more" when no article is left, so only an enabled (or missing)
    button leaves the list possibly partial."""
    extra: dict[str, str] = {}
    shown = text_of(tree.css_first(CSS["range"]))
    m = S.RANGE.search(shown or "")
    if m:
        extra["articles_range"] = f"{m.group(1)}\u2013{m.group(2)}"
        extra["articles_shown"] = str(int(m.group(2)) - int(m.group(1)) + 1)
    more = tree.css_first(CSS["more"])
    state = "absent" if more is None else ("disabled" if "disabled" in more.attributes else "enabled")
    extra["show_more"] = state
    extra["list_partial"] = "false" if state == "disabled" else "true"
    return extra


def _arxiv(venue: str | None) -> str | None:
    if venue and venue.lower().startswith(S.ARXIV_VENUES):
        return ids.arxiv_id(venue)
    return None


def article_row(row, capture: Capture, ref: str, profile_ref: str | None) -> dict:
    """One gsc_a_tr -> a PAPERS row. Raises ValueError when the row has no title."""
    link = row.css_first(CSS["title"])
    title = text_of(link)
    if not title:
        raise ValueError("has no title")
    grays = row.css(CSS["gray"])
    people = text_of(grays[0]) if grays else None
    truncated = bool(people) and people.rstrip().endswith(S.ELLIPSES)
    names = [clean(n.strip(" ." + "\u2026")) for n in (people or "").split(",")]
    names = [n for n in names if n]
    venue_node = grays[1] if len(grays) > 1 else None
    venue = None
    if venue_node is not None:
        venue = text_of(venue_node) or ""
        tail = text_of(venue_node.css_first(CSS["venue_year"]))
        if tail and venue.endswith(tail):  # ", 2023" in its own span
            venue = venue[: -len(tail)]
        else:
            venue = S.YEAR_AT_END.sub("", venue)
        venue = clean(venue.strip(" ,")) or None
    year = number(text_of(row.css_first(CSS["year"])))
    if year is None and venue_node is not None:
        m = S.YEAR_AT_END.search(text_of(venue_node) or "")
        year = int(m.group(1)) if m else None
    cited = row.css_first(CSS["cited_by"])
    # An empty "Cited by" cell is how Scholar shows an article nobody cites yet.
    citations = (number(text_of(cited)) or 0) if cited is not None else None
    href = link.attributes.get("href") or ""
    m = S.CITATION_FOR_VIEW.search(href)
    links = [{"kind": "page", "url": urljoin(S.SITE, href)}] if href else []
    return {
        "record_ref": ref, "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "title": title,
        "published_on": date(year, 1, 1) if year else None,
        "date_precision": "year" if year else None,
        "arxiv_id": _arxiv(venue), "venue": venue, "citation_count": citations,
        "authors": [{"name": n, "position": i} for i, n in enumerate(names, start=1)],
        "authors_truncated": truncated, "profile_ref": profile_ref,
        "source_id": f"scholar:{m.group(1)}" if m else None, "links": links,
    }
