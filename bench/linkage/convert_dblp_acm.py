"""DBLP-ACM -> captures: the DBLP side as OpenAlex works lists, the ACM side as Crossref
work-lists, each record in an id namespace of its own so that no id can decide a match
(OpenAlex ids W9<DBLP row>, DOIs 10.55555/acm.<ACM id> under a prefix no real DOI uses).

    .venv/bin/python -m bench.linkage.convert_dblp_acm

Writes bench/data/dblp-acm/captures/{openalex,crossref}/*.json and bench/data/dblp-acm/gold.json
(record_ref -> side and benchmark id, the gold pairs, and a few facts about the data).
"""
from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from collections import Counter

from . import datasets as D
from .captures import chunks, crossref_page, fresh_dir, openalex_page, record_ref, write_capture

DS = D.DBLP_ACM
DOI_PREFIX = "10.55555/acm."


def read_csv(raw: bytes) -> list[dict]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # DBLP2.csv as Leipzig ships it
    return list(csv.DictReader(io.StringIO(text)))


def authors(value: str) -> list[str]:
    return [a.strip() for a in (value or "").split(",") if a.strip()]


def year(value: str) -> int | None:
    return int(value) if (value or "").strip().isdigit() else None


def position(i: int, n: int) -> str:
    return "first" if i == 0 else ("last" if i == n - 1 else "middle")


def dblp_work(row_no: int, row: dict) -> dict:
    names = authors(row["authors"])
    venue = (row.get("venue") or "").strip()
    return {
        "id": f"https://openalex.org/W9{row_no}",
        "doi": None, "title": row["title"], "display_name": row["title"],
        "publication_year": year(row["year"]), "publication_date": None, "type": "article",
        "primary_location": {"source": {"display_name": venue} if venue else None},
        "authorships": [{"author_position": position(i, len(names)),
                         "author": {"id": None, "display_name": n, "orcid": None},
                         "institutions": [], "raw_author_name": n, "raw_affiliation_strings": []}
                        for i, n in enumerate(names)],
    }


def split_name(name: str) -> dict:
    given, _, family = name.rpartition(" ")
    return {"given": given, "family": family} if given else {"family": family}


def acm_item(row: dict) -> dict:
    names = authors(row["authors"])
    y = year(row["year"])
    return {
        "DOI": f"{DOI_PREFIX}{row['id']}", "type": "proceedings-article",
        "title": [row["title"]], "container-title": [row["venue"]] if row.get("venue") else [],
        "issued": {"date-parts": [[y]]} if y else {"date-parts": [[None]]},
        "author": [{**split_name(n), "sequence": "first" if i == 0 else "additional", "affiliation": []}
                   for i, n in enumerate(names)],
    }


def _norm(title: str) -> str:
    text = unicodedata.normalize("NFKD", title.lower()).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def notes(dblp: list[dict], acm: list[dict], matches: list[tuple[str, str]]) -> dict:
    """Facts about the data a resolver should know (computed, not hand-written)."""
    d_by, a_by = {r["id"]: r for r in dblp}, {r["id"]: r for r in acm}
    same_title = sum(_norm(d_by[d]["title"]) == _norm(a_by[a]["title"]) for d, a in matches)
    same_year = sum(d_by[d]["year"] == a_by[a]["year"] for d, a in matches)
    d_titles = Counter(_norm(r["title"]) for r in dblp)
    a_titles = Counter(_norm(r["title"]) for r in acm)
    return {
        "gold_pairs": len(matches),
        "gold_pairs_same_normalised_title": same_title,
        "gold_pairs_same_year": same_year,
        "dblp_titles_repeated": {t: c for t, c in d_titles.most_common(8) if c > 1},
        "acm_titles_repeated": {t: c for t, c in a_titles.most_common(8) if c > 1},
        "acm_records_without_authors": sum(not authors(r["authors"]) for r in acm),
        "dblp_records_without_authors": sum(not authors(r["authors"]) for r in dblp),
        "dblp_venues": dict(Counter(r["venue"] for r in dblp)),
        "acm_venues": dict(Counter(r["venue"] for r in acm)),
    }


def convert() -> dict | None:
    raw = D.raw_dir(DS)
    if not (raw / "DBLP2.csv").exists():
        print(f"bench.linkage.convert_dblp_acm: skip: {D.rel(raw)} is empty (make bench-data)")
        return None
    dblp = read_csv((raw / "DBLP2.csv").read_bytes())
    acm = read_csv((raw / "ACM.csv").read_bytes())
    matches = [(r["idDBLP"], r["idACM"]) for r in read_csv((raw / "DBLP-ACM_perfectMapping.csv").read_bytes())]
    out = fresh_dir(D.captures_dir(DS))
    records: dict[str, dict] = {}
    works = [dblp_work(i, row) for i, row in enumerate(dblp, start=1)]
    for page, batch in chunks(list(zip(dblp, works))):
        name = f"openalex/dblp-works-{page:03d}.json"
        content = write_capture(out / name, openalex_page([w for _, w in batch], page, len(works)))
        for index, (row, _) in enumerate(batch):
            records[record_ref(content, index)] = {"side": "dblp", "id": row["id"], "capture": name,
                                                    "index": index}
    items = [acm_item(row) for row in acm]
    for page, batch in chunks(list(zip(acm, items))):
        name = f"crossref/acm-works-{page:03d}.json"
        content = write_capture(out / name, crossref_page([i for _, i in batch], len(items)))
        for index, (row, _) in enumerate(batch):
            records[record_ref(content, index)] = {"side": "acm", "id": row["id"], "capture": name,
                                                    "index": index}
    gold = {"dataset": DS["name"], "records": records, "matches": matches,
            "sides": {"dblp": len(dblp), "acm": len(acm)}, "notes": notes(dblp, acm, matches),
            "baseline_input": {"dblp": [[r["id"], r["title"], year(r["year"])] for r in dblp],
                               "acm": [[r["id"], r["title"], year(r["year"])] for r in acm]}}
    D.gold_path(DS).write_text(json.dumps(gold, ensure_ascii=False) + "\n")
    print(f"bench.linkage.convert_dblp_acm: {len(dblp)} DBLP works, {len(acm)} ACM works, "
          f"{len(matches)} gold pairs -> {D.rel(out)}")
    return gold


if __name__ == "__main__":
    convert()
    sys.exit(0)
