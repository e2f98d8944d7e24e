"""ORCID public API v3.0 answers.

* `/person` -> the person's profile: name, other names, keywords as interests, researcher URLs,
  country, external identifiers.
* `/works` -> one PAPERS row per work group (ORCID's own de-duplication; the preferred summary of
  each): DOI / arXiv ids, title, year, journal. Summaries list no byline, so the owner's tie to
  each work is `profile_ref` to the profile carrying the ORCID (named by the works' own sources).
* `/work/<put-code>` -> that work with its contributors (their ORCIDs where given).

The ORCID iD is the person's identity: profile `orcid` and `source_author_id` "orcid:<id>". A
search answer (ids only) and an error body are quarantined as what they are. The live source
fetches /person and /works (`live.py`)."""
from __future__ import annotations

import json

from ...errors import ApiErrorPayload, ParseError
from ...normalize.text import clean
from ...records import Capture, ParsedBatch, reject
from ..base import decode, shape_checked
from . import helpers as H
from . import settings as S
from .settings import NAME

__all__ = ["NAME", "sniff", "parse"]


def _kind(head: str) -> str | None:
    if head.lstrip()[:1] != "{":
        return None
    for kind in S.ORDER:
        if all(p.search(head) for p in S.MARKS[kind]):
            return kind
    return None


def sniff(head: str) -> bool:
    return _kind(head) is not None


def _parse(capture: Capture) -> ParsedBatch:
    text = decode(capture)
    kind = _kind(text[:8192])
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ParseError(f"{NAME}: not valid JSON ({err})", reason="malformed_json") from None
    if not isinstance(data, dict):
        raise ParseError(f"{NAME}: expected a JSON object, got {type(data).__name__}")
    if kind == "error":
        raise ApiErrorPayload(
            f"ORCID API error {data.get('response-code')} (error-code {data.get('error-code')}): "
            f"{data.get('developer-message') or data.get('user-message')}")
    if kind == "search":
        found = data.get("result") or []
        raise ParseError(
            f"{NAME}: an ORCID search answer listing {len(found)} ORCID iDs of "
            f"{data.get('num-found')} found, with no names and no works: nothing to load "
            "(each person's /person and /works hold the records)", reason="orcid_search_ids_only")
    top = {"person": "name", "works": "group", "work": "put-code"}[kind]
    if top not in data:  # e.g. a full /record, whose activities nest works deeper
        raise ParseError(f"{NAME}: an ORCID answer of another shape (top-level keys: "
                         f"{', '.join(list(data)[:8])}); /person, /works and /work/<put-code> "
                         "are read", reason="orcid_unsupported_shape")
    return {"person": _person, "works": _works, "work": _work}[kind](capture, data)


def _profile_base(capture: Capture, orcid: str, name: str | None) -> dict:
    return {"record_ref": capture.ref("profile"), "source": NAME, "capture": capture.capture,
            "captured_at": capture.captured_at, "name": name, "orcid": orcid,
            "url": S.PROFILE_URL.format(orcid=orcid), "source_author_id": f"orcid:{orcid}"}


def _person(capture: Capture, data: dict) -> ParsedBatch:
    orcid = H.orcid_in(H.val(data, "name", "path")) or H.orcid_in(data.get("path"))
    batch = ParsedBatch(format=S.FORMATS["person"])
    name = H.person_name(data.get("name"))
    if not orcid or not name:
        raise ParseError(f"{NAME}: a /person record with no public name "
                         f"(ORCID {orcid or 'unknown'}): nothing to load",
                         reason="orcid_person_without_name")
    extra = {}
    others = [clean(H.val(o, "content")) for o in (H.val(data, "other-names", "other-name") or [])]
    if [o for o in others if o]:
        extra["other_names"] = "; ".join(o for o in others if o)
    countries = [H.val(a, "country") for a in (H.val(data, "addresses", "address") or [])]
    if [c for c in countries if c]:
        extra["countries"] = ", ".join(c for c in countries if c)
    links = []
    for ext in H.val(data, "external-identifiers", "external-identifier") or []:
        kind, value = ext.get("external-id-type"), ext.get("external-id-value")
        if kind and value:
            extra[kind] = value
        if H.val(ext, "external-id-url"):
            links.append({"kind": kind or "external-id", "url": H.val(ext, "external-id-url")})
    for url in H.val(data, "researcher-urls", "researcher-url") or []:
        if H.val(url, "url"):
            links.insert(len(links), {"kind": url.get("url-name") or "homepage", "url": H.val(url, "url")})
    interests = []
    for kw in H.val(data, "keywords", "keyword") or []:
        interests += [k for k in S.KEYWORD_SPLIT.split(H.val(kw, "content") or "") if k]
    row = _profile_base(capture, orcid, name) | {
        "extra": extra or None, "interests": interests, "links": links}
    batch.profiles.append(row)
    return batch


def _works(capture: Capture, data: dict) -> ParsedBatch:
    orcid = H.orcid_in(data.get("path"))
    groups = data.get("group") or []
    batch = ParsedBatch(format=S.FORMATS["works"])
    if not orcid:
        raise ParseError(f"{NAME}: a /works list that names no ORCID iD (path "
                         f"{data.get('path')!r})", reason="orcid_works_without_owner")
    name = H.owner_name(groups, orcid)
    profile_ref = None
    if name:  # a profile needs a name; the works list names its owner only via its sources
        profile = _profile_base(capture, orcid, name) | {"paper_count": len(groups)}
        batch.profiles.append(profile)
        profile_ref = profile["record_ref"]
    for index, group in enumerate(groups):
        ref = capture.ref(index)
        summaries = group.get("work-summary") or []
        if not summaries:
            batch.rejects.append(reject(capture, NAME, f"{NAME}: work group {index + 1} has no "
                                        "summary", json.dumps(group), record_ref=ref))
            continue
        s = H.preferred(summaries)
        title = clean(H.val(s, "title", "title"))
        subtitle = clean(H.val(s, "title", "subtitle"))
        if title and subtitle:
            title = f"{title}: {subtitle}"
        # The group's ids are the union over its summaries (one summary may lack them).
        doi, arxiv, links = H.external_ids(group.get("external-ids") or s.get("external-ids"))
        if H.val(s, "url"):
            links.append({"kind": "page", "url": H.val(s, "url")})
        if not title and not doi and not arxiv:
            batch.rejects.append(reject(capture, NAME, f"{NAME}: work group {index + 1} has no "
                                        "title and no DOI or arXiv id", json.dumps(group),
                                        record_ref=ref))
            continue
        published_on, precision = H.published(s.get("publication-date"))
        batch.papers.append({
            "record_ref": ref, "source": NAME, "capture": capture.capture,
            "captured_at": capture.captured_at, "title": title, "published_on": published_on,
            "date_precision": precision, "arxiv_id": arxiv, "doi": doi,
            "venue": clean(H.val(s, "journal-title")),
            # A works summary lists no authors, not even where the owner stands among them
            # (core.authorships needs a position): the byline is unknown, and the owner's tie
            # to the work is the profile (`profile_ref` -> the profile carrying the ORCID).
            "authors": None, "authors_truncated": None, "profile_ref": profile_ref,
            "source_id": (s.get("path") or "").lstrip("/") or None, "links": links,
        })
    return batch


def _work(capture: Capture, data: dict) -> ParsedBatch:
    owner = H.orcid_in(data.get("path"))
    title = clean(H.val(data, "title", "title"))
    doi, arxiv, links = H.external_ids(data.get("external-ids"))
    if H.val(data, "url"):
        links.append({"kind": "page", "url": H.val(data, "url")})
    authors = []
    for c in H.val(data, "contributors", "contributor") or []:
        name = clean(H.val(c, "credit-name"))
        who = H.orcid_in(H.val(c, "contributor-orcid", "path"))
        if name:
            authors.append({"name": name, "position": len(authors) + 1, "orcid": who,
                            "source_author_id": f"orcid:{who}" if who else None})
    if not title and not doi and not arxiv:
        raise ParseError(f"{NAME}: a /work with no title and no DOI or arXiv id",
                         reason="orcid_work_without_title")
    published_on, precision = H.published(data.get("publication-date"))
    abstract = data.get("short-description")
    batch = ParsedBatch(format=S.FORMATS["work"])
    batch.papers.append({
        "record_ref": capture.ref(0), "source": NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "title": title,
        "abstract": clean(S.TAGS.sub("", abstract)) if abstract else None,
        "published_on": published_on, "date_precision": precision, "arxiv_id": arxiv,
        "doi": doi, "venue": clean(H.val(data, "journal-title")),
        "authors": authors or None, "authors_truncated": False if authors else None,
        "source_id": (data.get("path") or "").lstrip("/") or (f"{owner}/work/{data.get('put-code')}"),
        "links": links,
    })
    return batch


# Any unexpected shape of the content (a string where a dict was, ...) is a ParseError.
parse = shape_checked(NAME)(_parse)
