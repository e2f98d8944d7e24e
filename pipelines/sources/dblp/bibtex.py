"""dblp's BibTeX (`/rec/<key>.bib`, `/pid/<pid>.bib`), standard, crossref and condensed flavours:
one PAPERS row per entry, TeX accents decoded. BibTeX names no dblp pids, so the authors carry
names only and the file claims no owner. A `@proceedings` entry that another entry of the file
points to with `crossref` is that entry's volume, not a publication of its own: it is skipped."""
from __future__ import annotations

import re

from ...errors import ParseError
from ...normalize.text import clean, detex
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from . import helpers as H
from . import settings as S

_ENTRY = re.compile(r"@\s*(\w+)\s*\{\s*([^,\s]+)\s*,")
_NAME = re.compile(r"\s*([A-Za-z][\w-]*)\s*=\s*")
_AND = re.compile(r"\s+and\s+")
_SKIP = {"string", "comment", "preamble"}


class _Malformed(ValueError):
    pass


def _braced(text: str, i: int, close: str) -> tuple[str, int]:
    """The value from text[i] (just after the opening { or ") to its matching close."""
    depth, start = 0, i
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
        elif ch == close and depth == 0:
            return text[start:i], i + 1
        i += 1
    raise _Malformed("unbalanced braces")


def _value(text: str, i: int) -> tuple[str, int]:
    parts = []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            raise _Malformed("value runs to the end of the file")
        if text[i] == "{":
            part, i = _braced(text, i + 1, "}")
        elif text[i] == '"':
            part, i = _braced(text, i + 1, '"')
        else:
            m = re.compile(r"[^,}#\s]+").match(text, i)
            if not m:
                raise _Malformed(f"no value at offset {i}")
            part, i = m.group(), m.end()
        parts.append(part)
        while i < len(text) and text[i].isspace():
            i += 1
        if i < len(text) and text[i] == "#":
            i += 1
            continue
        return "".join(parts), i


def entries(text: str) -> list[tuple[str, str, dict[str, str], str]]:
    """(type, key, fields, raw text) per entry."""
    out = []
    pos = 0
    while True:
        m = _ENTRY.search(text, pos)
        if not m:
            return out
        kind, key, i = m.group(1).lower(), m.group(2), m.end()
        fields: dict[str, str] = {}
        try:
            while True:
                while i < len(text) and (text[i].isspace() or text[i] == ","):
                    i += 1
                if i < len(text) and text[i] == "}":
                    i += 1
                    break
                f = _NAME.match(text, i)
                if not f:
                    raise _Malformed(f"expected a field name at offset {i}")
                fields[f.group(1).lower()], i = _value(text, f.end())
        except _Malformed as err:
            out.append((kind, key, {"_error": str(err)}, text[m.start(): m.start() + 2000]))
            pos = m.end()
            continue
        out.append((kind, key, fields, text[m.start(): i]))
        pos = i


def _plain(value: str | None) -> str | None:
    return clean(detex(value)) if value else None


def _raw_url(value: str | None) -> str | None:
    return value.replace("\\_", "_").replace("\\%", "%").strip() if value else None


def parse_bibtex(capture: Capture) -> ParsedBatch:
    found = [e for e in entries(decode(capture)) if e[0] not in _SKIP]
    if not found:
        raise ParseError(f"{S.NAME}: BibTeX with no entry", reason="no_entries")
    targets = {f.get("crossref") for _, _, f, _ in found if f.get("crossref")}
    batch = ParsedBatch(format=S.FORMATS["bibtex"])
    for index, (kind, key, fields, raw) in enumerate(found):
        ref = capture.ref(index)
        if "_error" in fields:
            batch.rejects.append(reject(capture, S.NAME, f"{S.NAME}: BibTeX entry {key}: "
                                        f"{fields['_error']}", raw, record_ref=ref))
            continue
        if kind == "proceedings" and key in targets:
            continue  # the volume another entry of this file sits in, given for its crossref
        title = H.strip_title(_plain(fields.get("title")))
        if not title:
            batch.rejects.append(reject(capture, S.NAME, f"{S.NAME}: BibTeX entry {key} has no "
                                        "title", raw, record_ref=ref))
            continue
        people = fields.get("author") or ""
        authors = [H.author_entry(_plain(n), k) for k, n in
                   enumerate((n for n in _AND.split(people.strip()) if n.strip()), start=1)]
        venue = next((_plain(fields[f]) for f in S.BIB_VENUE_FIELDS if fields.get(f)), None)
        url, doi = _raw_url(fields.get("url")), _raw_url(fields.get("doi"))
        ees = [(u, None) for u in (url, f"https://doi.org/{doi}" if doi else None) if u]
        doi_found, arxiv, links = H.ee_ids(list(dict.fromkeys(ees)), venue, fields.get("volume"))
        if fields.get("biburl"):
            links.append({"kind": "bib", "url": _raw_url(fields["biburl"])})
        published_on, precision = H.published(fields.get("year"), fields.get("month"))
        batch.papers.append({
            "record_ref": ref, "source": S.NAME, "capture": capture.capture,
            "captured_at": capture.captured_at, "title": title, "published_on": published_on,
            "date_precision": precision, "arxiv_id": arxiv, "doi": doi_found, "venue": venue,
            "page_count": H.page_count((fields.get("pages") or "").replace("--", "-")),
            "authors": [a for a in authors if a["name"]], "authors_truncated": False,
            "source_id": key[len("DBLP:"):] if key.startswith("DBLP:") else key, "links": links,
        })
    return batch
