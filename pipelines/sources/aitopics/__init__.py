"""AITopics-style author pages: "Collaborating Authors" over the owner's "Last, First" name, then
per paper the title, a venue line (arXiv's listing named by category: "arXiv.org Artificial
Intelligence") and the abstract. No authors, no dates. Read from the saved text or the HTML."""
from __future__ import annotations


from ...errors import TruncatedCapture
from ...normalize.topics import arxiv_code
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from ..pages import is_html, payload, tidy
from . import htmlform, settings, textform

NAME = "aitopics"
def sniff(head: str) -> bool:
    if is_html(head):
        return bool(settings.HTML_SNIFF.search(head))
    if head.lstrip()[:1] in ("{", "[", "<"):
        return False
    return bool(settings.TEXT_SNIFF.search(head))


def parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    header, blocks, cut = (htmlform if is_html(text) else textform).read(text)
    # The owner's name as the page spells it ("Koura, Punit Singh"), only tidied: author
    # resolution keys and displays every spelling itself and keeps each one as a variant.
    name = tidy(header["name"])
    # The header holds nothing but a name: a page without a single paper block stopped after it.
    if not blocks:
        raise TruncatedCapture(f"{capture.capture}: {NAME} page ends before its first paper")
    batch = ParsedBatch(format=NAME)
    profile_ref = None
    if name:
        profile_ref = capture.ref("profile")
        batch.profiles.append({
            "record_ref": profile_ref,
            "source": NAME,
            "capture": capture.capture,
            "captured_at": capture.captured_at,
            "name": name,
        })
    for i, block in enumerate(blocks):
        row_or_reason = _paper(capture, i, block, profile_ref,
                               last_cut=cut and i == len(blocks) - 1)
        if isinstance(row_or_reason, str):
            batch.rejects.append(reject(capture, NAME, row_or_reason, payload(block),
                                        record_ref=capture.ref(i)))
        else:
            batch.papers.append(row_or_reason)
    if not batch.papers and not batch.profiles:
        raise TruncatedCapture(f"{capture.capture}: {NAME} page with no parseable paper")
    return batch


def venue_and_topic(line: str | None) -> tuple[str | None, str | None]:
    """'arXiv.org Artificial Intelligence' -> ('arXiv', 'cs.AI'); any other venue stays as it is
    written, with no topic."""
    if not line:
        return None, None
    m = settings.ARXIV_VENUE.match(line)
    if m:
        return settings.ARXIV, arxiv_code(m["category"].strip())
    return line, None


def _paper(capture: Capture, i: int, block: dict, profile_ref: str | None,
           last_cut: bool) -> dict | str:
    """A PAPERS row, or the reason the block is rejected ('paper N' counts from 1, page order)."""
    where = f"{NAME}: paper {i + 1}"
    title, abstract = tidy(block["title"]), tidy(block["abstract"])
    if last_cut:
        return f"truncated_capture: {where}: the page ends inside this paper (no abstract)"
    if not title and not abstract:
        return f"{where}: no title and no abstract"
    venue, topic = venue_and_topic(tidy(block["venue"]))
    return {
        "record_ref": capture.ref(i),
        "source": NAME,
        "capture": capture.capture,
        "captured_at": capture.captured_at,
        "title": title,
        "abstract": abstract,
        "arxiv_id": block.get("arxiv_id"),
        "primary_topic": topic,
        "topics": [topic] if topic else [],
        "venue": venue,
        "profile_ref": profile_ref,
    }
