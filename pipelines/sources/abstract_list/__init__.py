"""Abstract-list author pages: the owner's name (often a bare first name) on the first line, then
one "Abstract:<text>" line per paper. No titles, authors or dates. Read from text or HTML."""
from __future__ import annotations

from itertools import islice

from ...errors import TruncatedCapture
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from ..pages import is_html, payload, tidy
from . import htmlform, settings, textform

NAME = "abstract_list"
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
