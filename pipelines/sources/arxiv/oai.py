"""arXiv OAI-PMH responses (ListRecords / GetRecord, metadataPrefix=arXiv), and a bare <metadata>
or <arXiv> element cut out of one.

Every <arXiv> metadata element in the document is a record, matched by local name: one hepcrawl
sample writes it without the arXiv namespace. Deleted records (header status="deleted") carry no
metadata and so yield nothing; an empty ListRecords or OAI noRecordsMatch is an empty batch.
Any other OAI <error> is raised as ApiErrorPayload.
"""
from __future__ import annotations

from ...errors import ApiErrorPayload
from ...normalize import ids
from ...records import Capture, ParsedBatch
from ..base import decode
from . import helpers as h
from .settings import OAI_MARKERS

NAME = "arxiv_oai"


def sniff(head: str) -> bool:
    start = head.lstrip()[:200]
    return start.startswith(("<?xml", "<OAI-PMH", "<metadata", "<arXiv")) and \
        ("<OAI-PMH" in head or "<arXiv" in head) and any(m in head for m in OAI_MARKERS)


def parse(capture: Capture) -> ParsedBatch:
    root = h.parse_xml(decode(capture), capture)
    errors = [el for el in root.iter() if h.local(el.tag) == "error"]
    batch = ParsedBatch(format=NAME)
    if errors:
        codes = {el.get("code") for el in errors}
        if codes == {"noRecordsMatch"}:
            return batch
        message = "; ".join(f"{el.get('code')}: {' '.join((el.text or '').split())}" for el in errors)
        raise ApiErrorPayload(f"OAI-PMH error: {message}")
    records = [el for el in root.iter() if h.local(el.tag) == "arXiv"]
    for index, record in enumerate(records):
        try:
            _record(batch, capture, index, record)
        except (ValueError, TypeError, AttributeError) as err:
            h.malformed(batch, capture, NAME, index, err, h.xml_payload(record))
    return batch


def _record(batch: ParsedBatch, capture: Capture, index: int, record) -> None:
    fields = h.by_name(record)
    authors = []
    for group in fields.get("authors", []):
        for el in group:
            parts = h.by_name(el)
            raw = " ".join(p for p in (h.first_text(parts, k) for k in ("forenames", "keyname", "suffix"))
                           if p and p.strip())
            name = h.person(raw)
            # hepcrawl's edited samples hold a keyname ":"; a name without a letter is nobody
            if name and any(ch.isalnum() for ch in name):
                affs = [a for a in (h.text(x.text) for x in parts.get("affiliation", [])) if a]
                authors.append(h.author(name, len(authors), affs))
    topics = h.categories(h.first_text(fields, "categories"))
    h.add_paper(
        batch, capture, NAME, index, lambda: h.xml_payload(record),
        title=h.tex_text(h.first_text(fields, "title")),
        abstract=h.tex_text(h.first_text(fields, "abstract")),
        published_on=h.iso_day(h.first_text(fields, "created")),
        arxiv_id=ids.arxiv_id(h.first_text(fields, "id")),
        doi=h.first_text(fields, "doi"),
        topics=topics,
        primary=None,
        journal_ref=h.first_text(fields, "journal-ref"),
        comments=h.first_text(fields, "comments"),
        authors=authors,
    )
