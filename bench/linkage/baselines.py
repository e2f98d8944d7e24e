"""Plain rules scored beside the pipeline, for context (same data, same metrics)."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from .metrics import components

THRESHOLD = 90  # token_sort_ratio cut for the title baseline, fixed before looking at scores


def fuzzy_title_links(left: list, right: list, threshold: float = THRESHOLD) -> list[tuple]:
    """(left id, right id) pairs: the same year, and each the other's best title match by
    rapidfuzz token_sort_ratio (case and punctuation folded), at or above `threshold`.
    `left`/`right` are [id, title, year] rows."""
    from rapidfuzz import fuzz, process, utils

    by_year_l, by_year_r = defaultdict(list), defaultdict(list)
    for row in left:
        by_year_l[row[2]].append(row)
    for row in right:
        by_year_r[row[2]].append(row)
    links = []
    for year, ls in by_year_l.items():
        rs = by_year_r.get(year)
        if not rs or year is None:
            continue
        scores = process.cdist([r[1] or "" for r in ls], [r[1] or "" for r in rs], scorer=fuzz.token_sort_ratio,
                               processor=utils.default_process, workers=1)
        best_r, best_l = scores.argmax(axis=1), scores.argmax(axis=0)
        for i, j in enumerate(best_r):
            if best_l[j] == i and scores[i, j] >= threshold:
                links.append((ls[i][0], rs[int(j)][0]))
    return links


def fuzzy_title_clusters(left: list, right: list, threshold: float = THRESHOLD) -> dict:
    records = [("dblp", r[0]) for r in left] + [("acm", r[0]) for r in right]
    links = [(("dblp", a), ("acm", b)) for a, b in fuzzy_title_links(left, right, threshold)]
    return components(records, links)


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z]+", text))


def one_person_per_name(mentions: dict) -> dict:
    """Every mention of an ambiguous name is one person."""
    return {ref: ("name", m["name"]) for ref, m in mentions.items()}


def shared_coauthor(mentions: dict) -> dict:
    """Mentions of a name that share a co-author (full name, case and diacritics folded) are one
    person, transitively; every other mention is a person of its own."""
    index = defaultdict(list)
    for ref, m in mentions.items():
        for i, co in enumerate(m["authors"]):
            if i != m["position0"] and _fold(co):
                index[(m["name"], _fold(co))].append(ref)
    links = [(refs[0], other) for refs in index.values() for other in refs[1:]]
    return components(mentions, links)
