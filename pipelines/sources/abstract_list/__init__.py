"""Abstract-list author pages: the owner's name (often a bare first name) on the first line, then
one "Abstract:<text>" line per paper. No titles, authors or dates. Read from text or HTML."""
from __future__ import annotations

import re
from itertools import islice

from ...errors import TruncatedCapture
from ...normalize.text import repair
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from . import htmlform, settings, textform

NAME = "abstract_list"
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
    # The layout has no marker but its shape: a name line, then "Abstract:" lines.
    first_two = list(islice((line.strip() for line in head.splitlines() if line.strip()), 2))
    return (len(first_two) == 2 and bool(settings.NAME_LINE.match(first_two[0]))
            and first_two[1].startswith(settings.ABSTRACT))


def parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    header, blocks, cut = (htmlform if is_html(text) else textform).read(text)
    # The owner's name as the page spells it ("Koura, Punit Singh"), only tidied: author
    # resolution keys and displays every spelling itself and keeps each one as a variant.
    name = tidy(header["name"])
    # The header holds nothing but a name: a page without a single abstract stopped after it.
    if not blocks:
        raise TruncatedCapture(f"{capture.capture}: {NAME} page ends before its first abstract")
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
    last = len(blocks) - 1
    for i, block in enumerate(blocks):
        abstract = tidy(block["abstract"])
        where = f"{NAME}: paper {i + 1}"  # counts from 1, in page order
        if cut and i == last:
            reason = f"truncated_capture: {where}: the page ends inside this paper (no abstract)"
        elif not abstract:
            reason = f"{where}: no title and no abstract"
        else:
            batch.papers.append({
                "record_ref": capture.ref(i),
                "source": NAME,
                "capture": capture.capture,
                "captured_at": capture.captured_at,
                "abstract": abstract,
                "profile_ref": profile_ref,
            })
            continue
        batch.rejects.append(reject(capture, NAME, reason, payload(block),
                                    record_ref=capture.ref(i)))
    if not batch.papers and not batch.profiles:
        raise TruncatedCapture(f"{capture.capture}: {NAME} page with no parseable abstract")
    return batch
