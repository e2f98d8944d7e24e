"""AMiner name-disambiguation set -> captures: every publication listed under an ambiguous name
(a *mention*) becomes one OpenAlex work carrying its title, venue, year and full author list, the
ambiguous name at its place in the byline (with the mention's organisation, when given, as that
author's raw affiliation). No author ids or ORCIDs; work ids W8<n> are unique per mention, so ids
decide nothing. One capture file per name.

    .venv/bin/python -m bench.linkage.convert_aminer

Writes bench/data/aminer/captures/openalex/*.json and bench/data/aminer/gold.json (record_ref ->
name, person label, byline position, the names as written) plus facts about the data.
The gold person is the XML `<label>`: the set's README says the answer files are extracted from
it; they disagree with it for a few names (counted in the notes).
"""
from __future__ import annotations

import html
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from . import datasets as D
from .captures import fresh_dir, openalex_page, record_ref, write_capture

DS = D.AMINER
PUBLICATION = re.compile(r"<publication>(.*?)</publication>", re.S)
NULLS = {"", "null", "none"}


def field(tag: str, text: str) -> str | None:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.S)  # the XML has raw '&': no XML parser
    if not m:
        return None
    value = html.unescape(m.group(1)).strip()
    return None if value.lower() in NULLS else value


def name_tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z]+", text)


def compatible(full: str, written: str) -> bool:
    """Same family name and the same first initial ('R. Cole' ~ 'Richard Cole')."""
    a, b = name_tokens(full), name_tokens(written)
    return bool(a and b) and a[-1] == b[-1] and a[0][0] == b[0][0]


def locate(full: str, byline: list[str]) -> tuple[int | None, str]:
    """0-based position of the ambiguous name in a byline: exact (after folding), else compatible."""
    key = name_tokens(full)
    exact = [i for i, n in enumerate(byline) if name_tokens(n) == key]
    if exact:
        return exact[0], "exact"
    loose = [i for i, n in enumerate(byline) if compatible(full, n)]
    if len(loose) == 1:
        return loose[0], "compatible"
    return None, "ambiguous" if loose else "absent"


def parse_file(path: Path) -> tuple[str, list[dict]]:
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    full = field("FullName", text) or path.stem
    pubs = []
    for block in PUBLICATION.findall(text):
        year = field("year", block)
        pubs.append({"title": field("title", block), "year": int(year) if year and year.isdigit() else None,
                     "authors": [a.strip() for a in (field("authors", block) or "").split(",") if a.strip()],
                     "venue": field("jconf", block), "pub_id": field("id", block),
                     "label": field("label", block), "org": field("organization", block)})
    return full, pubs


def answers(raw: Path) -> dict[str, dict[str, str]]:
    """answers/<name>(classify).txt -> {name: {pub_id: cluster}} (for the agreement note only)."""
    out = {}
    for path in sorted((raw / "answers").glob("*.txt")):
        text = path.read_bytes().decode("utf-8", "replace")
        lines = text.splitlines()
        name = lines[0].lstrip("#").strip() if lines else path.stem
        clusters = {}
        for line in lines[1:]:
            m = re.match(r"#(\d+):(.*)", line.strip())
            if m:
                for pid in m.group(2).split():
                    clusters[pid] = m.group(1)
        out[name.lower()] = clusters
    return out


def work(n: int, pub: dict, at: int | None) -> dict:
    ships = []
    for i, name in enumerate(pub["authors"]):
        raw_aff = [pub["org"]] if (i == at and pub["org"]) else []
        ships.append({"author_position": "first" if i == 0 else ("last" if i == len(pub["authors"]) - 1 else "middle"),
                      "author": {"id": None, "display_name": name, "orcid": None},
                      "institutions": [], "raw_author_name": name, "raw_affiliation_strings": raw_aff})
    venue = pub["venue"]
    return {"id": f"https://openalex.org/W8{n}", "doi": None, "title": pub["title"],
            "display_name": pub["title"], "publication_year": pub["year"], "publication_date": None,
            "type": "article", "primary_location": {"source": {"display_name": venue} if venue else None},
            "authorships": ships}


def _same(a: str, b: str) -> bool:
    return name_tokens(a) == name_tokens(b)


def notes(mentions: list[dict], label_vs_answers: dict) -> dict:
    """Facts a resolver should know: how names are written, how often same-person pairs share a
    co-author, what the blocks look like."""
    by_name = defaultdict(list)
    for m in mentions:
        by_name[m["name"]].append(m)
    pairs_same = pairs_same_shared = pairs_diff = pairs_diff_shared = 0
    for ms in by_name.values():
        co = [{" ".join(name_tokens(a)) for i, a in enumerate(m["authors"]) if i != m["position0"]} for m in ms]
        for i, j in combinations(range(len(ms)), 2):
            shared = bool(co[i] & co[j])
            if ms[i]["label"] == ms[j]["label"]:
                pairs_same += 1
                pairs_same_shared += shared
            else:
                pairs_diff += 1
                pairs_diff_shared += shared
    persons = {n: len({m["label"] for m in ms}) for n, ms in by_name.items()}
    written = Counter(m["located"] for m in mentions)
    variants = Counter((m["name"], m["written"]) for m in mentions
                       if m["written"] and not _same(m["name"], m["written"]))
    return {
        "names": len(by_name), "mentions": len(mentions), "persons": sum(persons.values()),
        "mentions_per_name": {"min": min(map(len, by_name.values())), "max": max(map(len, by_name.values()))},
        "persons_per_name": {"min": min(persons.values()), "max": max(persons.values()),
                             "names_with_one_person": sum(v == 1 for v in persons.values())},
        "name_as_written": dict(written),
        "written_variants": [f"{a} -> {b}" for (a, b), _ in variants.most_common(30)],
        "initials_only_names": sorted(n for n in by_name if re.match(r"^[A-Z]\.", n)),
        "single_author_mentions": sum(len(m["authors"]) <= 1 for m in mentions),
        "mentions_without_venue": sum(not m["venue"] for m in mentions),
        "mentions_with_organisation": sum(bool(m["org"]) for m in mentions),
        "same_person_pairs": pairs_same, "same_person_pairs_sharing_a_coauthor": pairs_same_shared,
        "different_person_pairs": pairs_diff, "different_person_pairs_sharing_a_coauthor": pairs_diff_shared,
        "labels_vs_answer_files": label_vs_answers,
    }


def _agreement(mentions: list[dict], ans: dict) -> dict:
    disagree, missing = [], 0
    by_name = defaultdict(list)
    for m in mentions:
        by_name[m["name"]].append(m)
    for name, ms in by_name.items():
        clusters = ans.get(name.lower())
        if clusters is None:
            missing += 1
            continue
        label_groups = defaultdict(set)
        answer_groups = defaultdict(set)
        for m in ms:
            label_groups[m["label"]].add(m["pub_id"])
            answer_groups[clusters.get(m["pub_id"], f"?{m['pub_id']}")].add(m["pub_id"])
        if {frozenset(g) for g in label_groups.values()} != {frozenset(g) for g in answer_groups.values()}:
            disagree.append(name)
    return {"names_without_answer_file": missing, "names_where_they_disagree": sorted(disagree)}


def convert() -> dict | None:
    raw = D.raw_dir(DS)
    files = sorted((raw / "data").glob("*.xml"))
    if not files:
        print(f"bench.linkage.convert_aminer: skip: {D.rel(raw)} is empty (make bench-data)")
        return None
    out = fresh_dir(D.captures_dir(DS))
    records, mentions, unlocated = {}, [], Counter()
    n = 0
    for path in files:
        full, pubs = parse_file(path)
        works = []
        for pub in pubs:
            n += 1
            at, how = locate(full, pub["authors"])
            if at is None:
                unlocated[how] += 1
            works.append((pub, at, how, work(n, pub, at)))
        slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
        name = f"openalex/aminer-{slug}.json"
        content = write_capture(out / name, openalex_page([w for *_, w in works], 1, len(works)))
        for index, (pub, at, how, w) in enumerate(works):
            mention = {"name": full, "label": pub["label"], "position0": at, "located": how,
                       "written": pub["authors"][at] if at is not None else None,
                       "authors": pub["authors"], "pub_id": pub["pub_id"], "venue": pub["venue"],
                       "org": pub["org"], "year": pub["year"], "title": pub["title"],
                       "capture": name, "index": index}
            mentions.append(mention)
            records[record_ref(content, index)] = mention
    gold = {"dataset": DS["name"], "records": records,
            "notes": notes(mentions, _agreement(mentions, answers(raw)))}
    D.gold_path(DS).write_text(json.dumps(gold, ensure_ascii=False) + "\n")
    print(f"bench.linkage.convert_aminer: {len(files)} names, {len(mentions)} mentions "
          f"({sum(unlocated.values())} whose name is not in the byline: {dict(unlocated)}) -> "
          f"{D.rel(out)}")
    return gold


if __name__ == "__main__":
    convert()
    sys.exit(0)
