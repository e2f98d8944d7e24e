"""ORCID's wrapped values (`{"value": ...}`, explicit nulls) -> plain fields and rows."""
from __future__ import annotations

from datetime import date

from ...normalize import ids
from ...normalize.text import clean
from . import settings as S


def val(obj, *path):
    """obj[path...]['value'] (or the plain value), None wherever a step is null or missing."""
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    if isinstance(obj, dict) and "value" in obj:
        obj = obj["value"]
    return obj


def orcid_in(path: str | None) -> str | None:
    m = S.ORCID_ID.search(path or "")
    return m.group(1) if m else None


def person_name(name: dict | None) -> str | None:
    """The credit name if given, else given + family names."""
    credit = clean(val(name, "credit-name"))
    if credit:
        return credit
    return clean(" ".join(p for p in (val(name, "given-names"), val(name, "family-name")) if p)) or None


def published(pub: dict | None) -> tuple[date | None, str | None]:
    year, month, day = (val(pub, k) for k in ("year", "month", "day"))
    try:
        if year and month and day:
            return date(int(year), int(month), int(day)), "day"
        if year and month:
            return date(int(year), int(month), 1), "month"
        if year:
            return date(int(year), 1, 1), "year"
    except (TypeError, ValueError):
        pass
    return None, None


def external_ids(block: dict | None) -> tuple[str | None, str | None, list[dict]]:
    """(doi, arxiv id, links) from an `external-ids` block (self ids only feed the columns)."""
    doi = arxiv = None
    links = []
    for ext in (val(block, "external-id") or []):
        kind = (ext.get("external-id-type") or "").lower()
        value = val(ext, "external-id-normalized") or ext.get("external-id-value")
        url = val(ext, "external-id-url")
        own = (ext.get("external-id-relationship") or "self") == "self"
        if kind == S.DOI and own:
            doi = doi or ids.doi(value)
        elif kind == S.ARXIV and own:
            arxiv = arxiv or ids.arxiv_id(value) or ids.arxiv_id(ext.get("external-id-value"))
        if url:
            links.append({"kind": kind or "external-id", "url": url})
        elif kind == S.DOI and value:
            links.append({"kind": "doi", "url": f"https://doi.org/{value}"})
    return doi, arxiv, links


def preferred(summaries: list[dict]) -> dict:
    """The summary ORCID shows for a group: the highest display-index, the first on ties."""
    def rank(item):
        k, s = item
        try:
            return (int(s.get("display-index") or 0), -k)
        except (TypeError, ValueError):
            return (0, -k)
    return max(enumerate(summaries), key=rank)[1]


def owner_name(groups: list[dict], orcid: str) -> str | None:
    """The owner's name as the works list gives it: a source or assertion origin naming the
    owner's own ORCID (works the person added, or asked a service to add)."""
    for group in groups:
        for s in group.get("work-summary") or []:
            src = s.get("source") or {}
            if orcid_in(val(src, "source-orcid", "path")) == orcid:
                name = clean(val(src, "source-name"))
                if name:
                    return name
            if orcid_in(val(src, "assertion-origin-orcid", "path")) == orcid:
                name = clean(val(src, "assertion-origin-name"))
                if name:
                    return name
    return None
