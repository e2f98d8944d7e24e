"""dblp publication search API answers (`/search/publ/api?q=...&format=json|xml`): one PAPERS row
per hit, authors with their dblp pids. A search lists hits, not a person: no profile."""
from __future__ import annotations

import json

from defusedxml import ElementTree

from ...errors import ParseError
from ...records import Capture, ParsedBatch, reject
from ..base import decode
from . import helpers as H
from . import settings as S


def _row(capture: Capture, ref: str, info: dict) -> dict:
    authors = [H.author_entry(name, k, pid) for k, (name, pid) in enumerate(info["authors"], start=1)]
    ees = [(u, None) for u in info["ee"]]
    doi, arxiv, links = H.ee_ids(ees, info.get("venue"), info.get("volume"))
    doi = doi or (info.get("doi") or "").lower() or None
    published_on, precision = H.published(info.get("year"))
    key = info.get("key")
    if key:
        links.insert(0, {"kind": "page", "url": S.RECORD_URL.format(key=key)})
    return {
        "record_ref": ref, "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "title": H.strip_title(info.get("title")),
        "published_on": published_on, "date_precision": precision, "arxiv_id": arxiv,
        "doi": doi, "venue": info.get("venue"), "page_count": H.page_count(info.get("pages")),
        "authors": authors, "authors_truncated": False, "source_id": key, "links": links,
    }


def _json_infos(text: str) -> list[dict]:
    try:
        hits = json.loads(text)["result"]["hits"]
    except (ValueError, KeyError, TypeError) as err:
        raise ParseError(f"{S.NAME}: search JSON without result.hits ({err})") from None
    listed = hits.get("hit") or []
    if isinstance(listed, dict):
        listed = [listed]
    out = []
    for hit in listed:
        info = hit.get("info") or {}
        people = (info.get("authors") or {}).get("author") or []
        if isinstance(people, dict):  # one author: an object, not a list
            people = [people]
        ee = info.get("ee") or []
        out.append({**{k: info.get(k) for k in ("title", "venue", "volume", "pages", "year", "key", "doi")},
                    "authors": [(p.get("text"), p.get("@pid")) if isinstance(p, dict) else (p, None)
                                for p in people],
                    "ee": [ee] if isinstance(ee, str) else list(ee)})
    return out


def _xml_infos(content: bytes) -> list[dict]:
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as err:
        raise ParseError(f"{S.NAME}: search XML does not parse ({err})", reason="malformed_xml") from None
    out = []
    for info in root.iterfind("hits/hit/info"):
        out.append({**{k: info.findtext(k) for k in ("title", "venue", "volume", "pages", "year", "key", "doi")},
                    "authors": [(a.text, a.get("pid")) for a in info.iterfind("authors/author")],
                    "ee": [e.text for e in info.findall("ee") if e.text]})
    return out


def parse_search(capture: Capture, as_json: bool) -> ParsedBatch:
    infos = _json_infos(decode(capture)) if as_json else _xml_infos(capture.content)
    batch = ParsedBatch(format=S.FORMATS["search"])
    for index, info in enumerate(infos):
        row = _row(capture, capture.ref(index), info)
        if row["title"]:
            batch.papers.append(row)
        else:
            batch.rejects.append(reject(capture, S.NAME, f"{S.NAME}: search hit {index + 1} has "
                                        "no title", json.dumps(info, ensure_ascii=False),
                                        record_ref=capture.ref(index)))
    return batch
