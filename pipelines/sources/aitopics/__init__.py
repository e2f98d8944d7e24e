"""AITopics-style author pages: "Collaborating Authors" over the owner's "Last, First" name, then
per paper the title, a venue line (arXiv's listing named by category: "arXiv.org Artificial
Intelligence") and the abstract. No authors, no dates. Read from the saved text or the HTML."""
from __future__ import annotations

import re

from ...errors import TruncatedCapture
from ...normalize.text import repair
from ...normalize.topics import arxiv_code
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from . import htmlform, settings, textform

NAME = "aitopics"
# Saved pages may open with comments ("<!-- saved from url=... -->") before the doctype.
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)",
                         re.IGNORECASE | re.DOTALL)
_ASCII_SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.split() splits on, bar " "


def is_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:1024]))


def tidy(text: str | None) -> str | None:
    """What `clean()` does (repair mojibake, NFC, collapse whitespace), minus its regex pass:
    str.split() splits on exactly the characters the regex's \\s matches, at C speed, and ASCII
    text can hold no mojibake, so most abstracts need no more than a few substring scans."""
    if text is None:
        return None
    if not text.isascii():
        return " ".join(repair(text).split()) or None
    if len(text) > 80 and _is_tidy(text):  # short strings: split() beats the scans' overhead
        return text
    return " ".join(text.split()) or None


def _is_tidy(text: str) -> bool:
    """No whitespace to collapse: substring scans run at memchr speed, unlike a regex or split."""
    if "  " in text or text[:1] == " " or text[-1:] == " ":
        return False
    return not any(ws in text for ws in _ASCII_SPACES)


def payload(block: dict) -> str:
    """A rejected block's raw text. The HTML form hands over the element itself, serialised only
    here, because serialising every paper of every page costs more than parsing them."""
    raw = block["raw"]
    return raw if isinstance(raw, str) else raw.html


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
