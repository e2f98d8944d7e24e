"""arXiv OAI-PMH responses (ListRecords / GetRecord, metadataPrefix=arXiv), and a bare <metadata>
or <arXiv> element cut out of one.

Every <arXiv> metadata element in the document is a record, matched by local name: one hepcrawl
sample writes it without the arXiv namespace. A deleted record (header status="deleted") carries
no metadata: it becomes a reject naming its identifier and datestamp, so the deletion is on record
in audit.quarantine rather than silently dropped. An empty ListRecords or OAI noRecordsMatch is
an empty batch; any other OAI <error> is raised as ApiErrorPayload.

A page of 4 MB or more is read with iterparse and each <record> is emptied once read, so a big
ListRecords page never exists as one element tree (a tree is ~5x the page's bytes).
"""
from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import defusedxml.ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from ...errors import ApiErrorPayload
from ...normalize import ids
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from . import helpers as h
from .settings import OAI_MARKERS

NAME = "arxiv_oai"
# Pages from this size on are streamed: 4 MB of XML is ~3,000 arXiv records, a ~20 MB tree.
STREAM_CHARS = 4 << 20
_ARXIV_OAI_BASES = ("export.arxiv.org/oai2", "oaipmh.arxiv.org/oai")


def sniff(head: str) -> bool:
    start = head.lstrip()[:200]
    if not start.startswith(("<?xml", "<OAI-PMH", "<metadata", "<arXiv")):
        return False
    # An error page of a resumed harvest names neither the arXiv format nor an arXiv record,
    # only arXiv's OAI base URL in <request>: it must still reach this parser to be reported.
    return (("<OAI-PMH" in head or "<arXiv" in head) and any(m in head for m in OAI_MARKERS)) or \
        ("<OAI-PMH" in head and any(b in head for b in _ARXIV_OAI_BASES))


def parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    batch = ParsedBatch(format=NAME)
    errors: list[tuple[str | None, str]] = []
    index = deleted = 0
    for elem in _elements(text, capture):
        name = h.local(elem.tag)
        if name == "arXiv":
            try:
                _record(batch, capture, index, elem)
            except (ValueError, TypeError, AttributeError) as err:
                h.malformed(batch, capture, NAME, index, err, h.xml_payload(elem))
            index += 1
        elif name == "header" and elem.get("status") == "deleted":
            _deleted(batch, capture, deleted, elem)
            deleted += 1
        elif name == "error":
            errors.append((elem.get("code"), " ".join((elem.text or "").split())))
    if errors:
        if {code for code, _ in errors} == {"noRecordsMatch"}:
            return ParsedBatch(format=NAME)
        message = "; ".join(f"{code}: {text}" for code, text in errors)
        raise ApiErrorPayload(f"OAI-PMH error: {message}")
    return batch


def _elements(text: str, capture: Capture) -> Iterator[Element]:
    """Every element, in document order for the non-nested ones we read. A big page is streamed
    and each finished <record> emptied, so memory holds one record's tree (plus an empty husk per
    record), not the page's; a small one is read whole, which is ~20% faster."""
    if len(text) < STREAM_CHARS:
        yield from h.parse_xml(text, capture).iter()
        return
    try:
        for _event, elem in SafeET.iterparse(_Slices(text), events=("end",)):
            yield elem
            if h.local(elem.tag) == "record":
                elem.clear()
    except (DefusedXmlException, XMLSyntaxError):
        h.parse_xml(text, capture)  # raises the same ParseError the tree parser gives
        raise


class _Slices:
    """A read()-able view of the decoded text that hands out slices: io.StringIO would first
    copy the whole page."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def read(self, size: int = -1) -> str:
        end = len(self.text) if size < 0 else self.pos + size
        chunk = self.text[self.pos:end]
        self.pos += len(chunk)
        return chunk


def _deleted(batch: ParsedBatch, capture: Capture, n: int, header: Element) -> None:
    fields = h.by_name(header)
    ident = h.text(h.first_text(fields, "identifier")) or "(no identifier)"
    stamp = h.text(h.first_text(fields, "datestamp")) or "unknown date"
    batch.rejects.append(reject(capture, NAME, f"deleted_record: {ident} was deleted upstream "
                                f"(datestamp {stamp})", h.xml_payload(header),
                                capture.ref(f"deleted-{n}")))


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
                authors.append(h.author(name, len(authors) + 1, affs))
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
