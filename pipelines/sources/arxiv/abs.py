"""arXiv's internal `.abs` metadata records (the files arxiv.org/abs pages are rendered from).

Layout: dashes, `\\\\`, `arXiv:<id>`, `From:`, one `Date:` line per version (`Date (revised vN):`),
a blank line, RFC822-ish fields with 2-space continuation lines, `\\\\`, the abstract, `\\\\`.
The abstract itself may contain `\\\\` lines (TeX line breaks), so it runs from the second marker
to the last. One file is one record; a 0-byte file raises EmptyCapture in base.decode.
"""
from __future__ import annotations

import re

from ...errors import TruncatedCapture
from ...normalize import ids
from ...records import Capture, ParsedBatch
from ..base import decode
from . import helpers as h
from .settings import ABS_HEAD

NAME = "arxiv_abs"

_FIELD = re.compile(r"^([A-Za-z][A-Za-z-]*(?: \([^)]*\))?):[ \t]*(.*)$")


def sniff(head: str) -> bool:
    return bool(ABS_HEAD.search(head[:1000])) and "\nDate" in head


def parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    lines = text.splitlines()
    markers = [i for i, line in enumerate(lines) if line.strip() == "\\\\"]
    if len(markers) < 3:
        raise TruncatedCapture(f"{capture.capture}: .abs record has {len(markers)} of the 3 "
                               "'\\\\' separators (header and abstract are not both closed)")
    fields, dates = _fields(lines[markers[0] + 1:markers[1]])
    abstract = "\n".join(lines[markers[1] + 1:markers[-1]])
    batch = ParsedBatch(format=NAME)
    comments = fields.get("Comments")
    h.add_paper(
        batch, capture, NAME, 0, lambda: text,
        title=h.tex_text(fields.get("Title")),
        abstract=h.tex_text(abstract),
        published_on=h.rfc822_day(dates[0]) if dates else None,
        arxiv_id=ids.arxiv_id(fields.get("arXiv")),
        doi=fields.get("DOI"),
        topics=h.categories(fields.get("Categories")),
        primary=None,
        journal_ref=h.tex_text(fields.get("Journal-ref")),
        comments=comments,
        authors=h.authors_of(h.split_authors(fields.get("Authors"))),
        authors_truncated=h.truncated(fields.get("Authors")),
    )
    return batch


def _fields(header: list[str]) -> tuple[dict[str, str], list[str]]:
    """Header lines -> ({field: value with continuations joined}, [Date values, v1 first])."""
    fields: dict[str, str] = {}
    dates: list[str] = []
    key = None
    for line in header:
        if not line.strip():
            key = None
            continue
        if line[0] in " \t" and key:
            fields[key] += " " + line.strip()
            continue
        m = _FIELD.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if key == "Date" or key.startswith("Date ("):
            dates.append(value)
            key = None
        elif key in fields:
            key = None  # a repeated field keeps its first value
        else:
            fields[key] = value
    return fields, dates
