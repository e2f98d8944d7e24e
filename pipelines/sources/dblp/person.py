"""dblp person export (`/pid/<pid>.xml`): the person (profile) and every publication record.

`<homonyms>` lists OTHER people of the same name: only their count is kept, nothing of theirs is
read as the person's. A `publtype="disambiguation"` page gathers papers of several people, so it
makes no profile and claims no owner."""
from __future__ import annotations

from collections import Counter

from defusedxml import ElementTree

from ...errors import ParseError
from ...records import Capture, ParsedBatch, reject
from . import helpers as H
from . import settings as S


def _text(el) -> str | None:
    """All text inside an element, inline markup (<sup>, <i>) flattened."""
    return "".join(el.itertext()) if el is not None else None


def parse_person(capture: Capture) -> ParsedBatch:
    try:
        root = ElementTree.fromstring(capture.content)
    except ElementTree.ParseError as err:
        raise ParseError(f"{S.NAME}: person XML does not parse ({err})",
                         reason="malformed_xml") from None
    if root.tag != "dblpperson":
        raise ParseError(f"{S.NAME}: root element is <{root.tag}>, not <dblpperson>")
    pid = root.get("pid")
    person = root.find("person")  # the direct child: <homonyms> holds other people's <person>s
    disambiguation = (person is not None and person.get("publtype") == "disambiguation")
    batch = ParsedBatch(format=S.FORMATS["person"])
    profile = None if disambiguation or not pid else _profile(capture, root, person, pid)
    if profile:
        batch.profiles.append(profile)
    profile_ref = profile["record_ref"] if profile else None
    for index, r in enumerate(root.findall("r")):
        rec = next(iter(r), None)
        ref = capture.ref(index)
        if rec is None or rec.tag not in S.RECORD_TAGS:
            batch.rejects.append(reject(capture, S.NAME, f"{S.NAME}: <r> {index + 1} holds "
                                        f"<{rec.tag if rec is not None else 'nothing'}>, "
                                        "not a publication", ElementTree.tostring(r, "unicode")
                                        if rec is not None else "", record_ref=ref))
            continue
        row = record_row(rec, capture, ref, profile_ref)
        if not row["title"]:
            batch.rejects.append(reject(capture, S.NAME, f"{S.NAME}: record {rec.get('key')} "
                                        "has no title", ElementTree.tostring(rec, "unicode"),
                                        record_ref=ref))
            continue
        batch.papers.append(row)
    declared = root.get("n")
    if profile and declared and declared.isdigit() and int(declared) != len(root.findall("r")):
        profile["extra"]["records_in_file"] = str(len(root.findall("r")))
    return batch


def _profile(capture: Capture, root, person, pid: str) -> dict:
    urls = [u.text.strip() for u in (person.findall("url") if person is not None else []) if u.text]
    orcid = next((m.group(1) for m in map(S.ORCID_URL.search, urls) if m), None)
    if orcid is None:  # else the ORCID dblp attaches to the person's own bylines, if one
        own = Counter(a.get("orcid") for a in root.iter("author")
                      if a.get("pid") == pid and a.get("orcid"))
        orcid = own.most_common(1)[0][0] if len(own) == 1 else None
    affiliations = []
    variants = []
    if person is not None:
        for note in person.findall("note"):
            if note.get("type") == "affiliation" and note.text:
                label = note.get("label")
                affiliations.append(f"{note.text.strip()} ({label})" if label else note.text.strip())
        variants = [H.person_name(a.text) for a in person.findall("author") if a.text]
    homonyms = root.find("homonyms")
    coauthors = root.find("coauthors")
    extra = {"homonyms": homonyms.get("n", "0") if homonyms is not None else "0",
             "dblp_name": root.get("name")}  # with dblp's homonym number, e.g. "Bo An 0001"
    if variants:
        extra["name_variants"] = "; ".join(dict.fromkeys(v for v in variants if v))
    if coauthors is not None and coauthors.get("n"):
        extra["coauthors"] = coauthors.get("n")
    declared = root.get("n")
    return {
        "record_ref": capture.ref("profile"), "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "name": H.person_name(root.get("name")),
        "orcid": orcid,
        "paper_count": int(declared) if declared and declared.isdigit() else None,
        "extra": extra, "url": S.PERSON_URL.format(pid=pid), "source_author_id": f"dblp:{pid}",
        "affiliations": affiliations,
        "links": [{"kind": H.link_kind(u), "url": u} for u in urls],
    }


def record_row(rec, capture: Capture, ref: str, profile_ref: str | None) -> dict:
    """One publication element (<article>, <inproceedings>, ...) -> a PAPERS row. Editors of a
    proceedings volume are not its authors: such a record has an empty author list."""
    key = rec.get("key")
    authors = [H.author_entry(a.text, k, a.get("pid"), a.get("orcid"))
               for k, a in enumerate(rec.findall("author"), start=1)]
    venue = (rec.findtext("journal") or rec.findtext("booktitle") or rec.findtext("school")
             or rec.findtext("publisher"))
    volume = rec.findtext("volume")
    ees = [(e.text.strip(), e.get("type")) for e in rec.findall("ee") if e.text]
    doi, arxiv, links = H.ee_ids(ees, venue, volume)
    published_on, precision = H.published(rec.findtext("year"), rec.findtext("month"))
    if key:
        links.insert(0, {"kind": "page", "url": S.RECORD_URL.format(key=key)})
    return {
        "record_ref": ref, "source": S.NAME, "capture": capture.capture,
        "captured_at": capture.captured_at, "title": H.strip_title(_text(rec.find("title"))),
        "published_on": published_on, "date_precision": precision, "arxiv_id": arxiv,
        "doi": doi, "venue": venue.strip() if venue else None,
        "page_count": H.page_count(rec.findtext("pages")),
        "authors": authors, "authors_truncated": False, "profile_ref": profile_ref,
        "source_id": key, "links": links,
    }
