"""Scored-profile author pages: a header of metrics (h-index, papers, citations, novelty, AI score)
and a list of papers, each "<TOPIC><date>[Code]", title, a byline truncated after three authors
with affiliation slugs, and the abstract. Read from the saved text or from the HTML."""
from __future__ import annotations

from functools import lru_cache

from ...errors import TruncatedCapture
from ...normalize.dates import page_date
from ...normalize.topics import arxiv_code
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from ..pages import add_papers, read_page, sniff_layout, tidy
from . import htmlform, settings, textform
from .settings import NAME


def sniff(head: str) -> bool:
    return sniff_layout(head, settings)


def parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    header, blocks, cut = read_page(capture, text, htmlform, textform)
    batch = ParsedBatch(format=NAME)
    profile = _profile(capture, header)
    if profile is None and not blocks:
        raise TruncatedCapture(f"{capture.capture}: {NAME} page with neither a profile header "
                               f"nor any paper")
    if profile:
        batch.profiles.append(profile)
    add_papers(batch, capture, NAME, blocks, cut,
               lambda i, block, last_cut: _paper(capture, i, block, profile, last_cut=last_cut))
    listed = _int(header.get("papers_listed"))
    if not blocks and (listed is None or listed > 0):
        batch.rejects.append(reject(
            capture, NAME, f"truncated_capture: {NAME}: the page ends before its paper list "
            f"(header announces {listed if listed is not None else 'an unknown number of'} papers)",
            text[-2000:]))
    if not batch.papers and profile is None:
        raise TruncatedCapture(f"{capture.capture}: {NAME} page with no parseable paper")
    return batch


@lru_cache(maxsize=1024)  # a handful of codes, one per paper: each costs up to seven lookups
def topic_code(short: str | None) -> str | None:
    """'CL' -> 'cs.CL', 'ML' -> 'stat.ML': the first archive that has the category."""
    if not short:
        return None
    for archive in settings.TOPIC_ARCHIVES:
        code = arxiv_code(short, default_archive=archive)
        if code:
            return code
    return None


def _int(text: str | None) -> int | None:
    if not text:
        return None
    digits = text.replace(",", "").strip()
    return int(digits) if digits.isdigit() else None


def _profile(capture: Capture, header: dict) -> dict | None:
    # The owner's name as the page spells it ("Koura, Punit Singh"), only tidied: author
    # resolution keys and displays every spelling itself and keeps each one as a variant.
    name = tidy(header.get("name"))
    if not name:
        return None
    extra = {key: str(_int(header[key])) for key in settings.HEADER_METRICS
             if key not in settings.PROFILE_COLUMNS and _int(header.get(key)) is not None}
    main_topic = topic_code(header.get("main_topic"))
    if main_topic:
        extra["main_topic"] = main_topic
    row = {
        "record_ref": capture.ref("profile"),
        "source": NAME,
        "capture": capture.capture,
        "captured_at": capture.captured_at,
        "name": name,
        "extra": extra or None,
    }
    for column in settings.PROFILE_COLUMNS:
        row[column] = _int(header.get(column))
    return row


def _paper(capture: Capture, i: int, block: dict, profile: dict | None,
           last_cut: bool) -> dict | str:
    """A PAPERS row, or the reason the block is rejected. `paper N` in reasons is the 1-based
    position on the page, as a reader counting down the list would say it."""
    where = f"{NAME}: paper {i + 1}"
    title, abstract = tidy(block["title"]), tidy(block["abstract"])
    if last_cut:
        return f"truncated_capture: {where}: the page ends inside this paper (no abstract)"
    if not title and not abstract:
        return f"{where}: no title and no abstract"
    published_on = precision = None
    if block["date"]:
        try:
            published_on, precision = page_date(block["date"], capture.capture_date)
        except ValueError:
            return f"{where}: unparseable date {block['date']!r}"
    topic = topic_code(block["topic"])
    authors = block["authors"]
    return {
        "record_ref": capture.ref(i),
        "source": NAME,
        "capture": capture.capture,
        "captured_at": capture.captured_at,
        "title": title,
        "abstract": abstract,
        "published_on": published_on,
        "date_precision": precision,
        "arxiv_id": block.get("arxiv_id"),
        "primary_topic": topic,
        "topics": [topic] if topic else [],
        "has_code": block["has_code"],
        "affiliations": block["affiliations"],
        "authors": None if authors is None else [
            {"name": tidy(name), "position": k} for k, name in enumerate(authors, start=1)],
        "authors_truncated": block["authors_truncated"],
        "profile_ref": profile["record_ref"] if profile else None,
    }
