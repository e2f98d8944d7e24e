"""The one record schema every parser emits, and the capture it reads.

Parsers turn a `Capture` into a `ParsedBatch` of plain dicts; `ParsedBatch.to_arrow()` fixes the
types so every stage after parsing exchanges the same columnar tables whatever the source was.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pyarrow as pa

AUTHOR = pa.struct(
    [
        ("name", pa.string()),
        ("position", pa.int32()),
        ("affiliations", pa.list_(pa.string())),
        ("orcid", pa.string()),
        ("source_author_id", pa.string()),
    ]
)

# A link a source gives for a record: kind is "pdf", "bib", "doi", "ee", "oa", "volume", "page", ...
LINK = pa.struct([("kind", pa.string()), ("url", pa.string())])

PAPERS = pa.schema(
    [
        ("record_ref", pa.string()),  # "<capture sha256[:16]>:<index>" — unique per record
        ("source", pa.string()),  # the record format: a site layout or API shape, e.g. "catalyzex", "openalex"
        ("capture", pa.string()),  # file path or URL the record came from
        ("captured_at", pa.timestamp("us", tz="UTC")),
        ("title", pa.string()),
        ("abstract", pa.string()),
        ("published_on", pa.date32()),
        ("date_precision", pa.string()),  # "day" | "month" | "year" | None
        ("arxiv_id", pa.string()),  # without version
        ("doi", pa.string()),  # normalised: lower case, no resolver prefix
        ("openalex_id", pa.string()),
        ("s2_id", pa.string()),
        ("primary_topic", pa.string()),  # arXiv form: cs.CL
        ("topics", pa.list_(pa.string())),
        ("venue", pa.string()),
        ("has_code", pa.bool_()),
        ("page_count", pa.int32()),
        ("citation_count", pa.int64()),
        ("influential_citation_count", pa.int64()),
        ("affiliations", pa.list_(pa.string())),  # paper-level, when a page gives no per-author ones
        ("authors", pa.list_(AUTHOR)),
        ("authors_truncated", pa.bool_()),  # the page showed "et al." — the list is a prefix
        ("profile_ref", pa.string()),  # record_ref of the profile whose page listed this paper
        ("source_id", pa.string()),  # the source's own id: dblp key, Anthology id, ORCID put-code
        ("links", pa.list_(LINK)),  # PDF, BibTeX, DOI/ee links the source gives
    ]
)

PROFILES = pa.schema(
    [
        ("record_ref", pa.string()),
        ("source", pa.string()),
        ("capture", pa.string()),
        ("captured_at", pa.timestamp("us", tz="UTC")),
        ("name", pa.string()),
        ("orcid", pa.string()),
        ("openalex_id", pa.string()),
        ("s2_id", pa.string()),
        ("h_index", pa.int64()),
        ("i10_index", pa.int64()),
        ("citation_count", pa.int64()),
        ("paper_count", pa.int64()),
        ("extra", pa.map_(pa.string(), pa.string())),  # any other score a page shows
        # Who the page is: its own URL (canonical link when the page names one, else the API URL
        # it answers) and the source's id for the person ("dblp:42/6178-1", "scholar:LZ5D_p4AAAAJ",
        # "acl:andreas-madsack"), the same value the owner's byline entries carry where they do.
        ("url", pa.string()),
        ("source_author_id", pa.string()),
        ("affiliations", pa.list_(pa.string())),
        ("interests", pa.list_(pa.string())),
        ("links", pa.list_(LINK)),  # other profiles the person lists: homepage, Scholar, ORCID
    ]
)

COUNTS_BY_YEAR = pa.schema(
    [
        ("record_ref", pa.string()),  # a paper's or a profile's record_ref
        ("year", pa.int32()),
        ("cited_by_count", pa.int64()),
        ("works_count", pa.int64()),
    ]
)

TOPIC_LABELS = pa.schema(
    [
        ("record_ref", pa.string()),
        ("topic", pa.string()),  # the source's own code or id
        ("label", pa.string()),
        ("scheme", pa.string()),  # "arxiv" | "openalex.topic" | "openalex.subfield" | "s2.field" ...
        ("parent", pa.string()),
        ("score", pa.float64()),
    ]
)

REJECTS = pa.schema(
    [
        ("stage", pa.string()),  # "land" | "parse" | "validate" | "fetch"
        ("source", pa.string()),
        ("capture", pa.string()),
        ("record_ref", pa.string()),
        ("reason", pa.string()),
        ("payload", pa.string()),
    ]
)

SCHEMAS = {
    "papers": PAPERS,
    "profiles": PROFILES,
    "counts_by_year": COUNTS_BY_YEAR,
    "topic_labels": TOPIC_LABELS,
    "rejects": REJECTS,
}

PAYLOAD_LIMIT = 64_000  # bytes of raw payload kept with a reject; enough to debug, bounded


@dataclass(frozen=True)
class Capture:
    """One saved response or page: the unit of landing, parsing and idempotency."""

    capture: str  # path or URL
    content: bytes
    captured_at: datetime
    sha256: str = ""

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(self.content).hexdigest())
        if self.captured_at.tzinfo is None:
            object.__setattr__(self, "captured_at", self.captured_at.replace(tzinfo=timezone.utc))

    def ref(self, index: int | str) -> str:
        return f"{self.sha256[:16]}:{index}"

    @property
    def capture_date(self) -> date:
        return self.captured_at.date()


@dataclass
class ParsedBatch:
    """What a parser produced from one capture. Lists of dicts keyed by the schema's columns."""

    papers: list[dict] = field(default_factory=list)
    profiles: list[dict] = field(default_factory=list)
    counts_by_year: list[dict] = field(default_factory=list)
    topic_labels: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    format: str | None = None

    def extend(self, other: "ParsedBatch") -> None:
        for name in SCHEMAS:
            getattr(self, name).extend(getattr(other, name))

    def to_arrow(self) -> dict[str, pa.Table]:
        return {name: table_of(getattr(self, name), SCHEMAS[name]) for name in SCHEMAS}


def table_of(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Rows to a table of exactly `schema`: missing keys become nulls, unknown keys are an error."""
    names = frozenset(schema.names)
    for row in rows:
        if not names.issuperset(row):
            raise KeyError(f"record has columns not in the schema: {sorted(set(row) - names)}")
    # pyarrow reads the dicts itself (a missing key is a null), twice as fast as lists per column
    return pa.Table.from_pylist(rows, schema=schema)


def reject(capture: Capture | None, source: str | None, reason: str, payload: bytes | str | None,
           record_ref: str | None = None, stage: str = "parse") -> dict:
    """A quarantine row: what failed, where, why, and the raw payload (truncated to a bound).
    `source` is the record format (stages parse and later), or the fetch source (stage fetch)."""
    if isinstance(payload, bytes):
        payload = payload[:PAYLOAD_LIMIT].decode("utf-8", errors="replace")
    elif isinstance(payload, str):
        payload = payload[:PAYLOAD_LIMIT]
    return {
        "stage": stage,
        "source": source,
        "capture": capture.capture if capture else None,
        "record_ref": record_ref,
        "reason": reason,
        "payload": payload,
    }
