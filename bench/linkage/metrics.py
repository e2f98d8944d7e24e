"""Pairwise clustering metrics. Pure functions over {record: cluster} maps, no data needed.

A pair is two distinct records; predicted pairs share a predicted cluster, gold pairs a gold
one. precision = tp / predicted pairs (1.0 when nothing was paired), recall = tp / gold pairs
(1.0 when there is nothing to find), F1 their harmonic mean (0.0 when both are 0).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Hashable, Iterable, Mapping

Clusters = Mapping[Hashable, Hashable]


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pair_counts(pred: Clusters, gold: Clusters, records: Iterable[Hashable] | None = None) -> dict[str, int]:
    """Predicted, gold and true-positive pair counts over `records` (default: gold's records).
    A record missing from `pred` is a singleton."""
    keys = list(gold if records is None else records)
    p = Counter(pred.get(r, ("singleton", r)) for r in keys)
    g = Counter(gold[r] for r in keys)
    both = Counter((pred.get(r, ("singleton", r)), gold[r]) for r in keys)
    return {"pred": sum(map(_pairs, p.values())), "gold": sum(map(_pairs, g.values())),
            "tp": sum(map(_pairs, both.values()))}


def cross_pair_counts(pred: Clusters, gold: Clusters, side: Mapping[Hashable, str],
                      left: str, right: str) -> dict[str, int]:
    """Pair counts over pairs with one record on each side (e.g. DBLP x ACM)."""
    p, g, both = (defaultdict(Counter) for _ in range(3))
    for r, s in side.items():
        if s not in (left, right):
            continue
        pc = pred.get(r, ("singleton", r))
        p[pc][s] += 1
        g[gold[r]][s] += 1
        both[(pc, gold[r])][s] += 1
    cross = lambda groups: sum(c[left] * c[right] for c in groups.values())  # noqa: E731
    return {"pred": cross(p), "gold": cross(g), "tp": cross(both)}


def within_side_pairs(pred: Clusters, side: Mapping[Hashable, str]) -> dict[str, dict[str, int]]:
    """Per side: predicted pairs of records from that same side, and the records in them."""
    groups: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for r, s in side.items():
        groups[s][pred.get(r, ("singleton", r))].append(r)
    out = {}
    for s, clusters in sorted(groups.items()):
        merged = [c for c in clusters.values() if len(c) > 1]
        out[s] = {"pairs": sum(_pairs(len(c)) for c in merged), "records": sum(map(len, merged)),
                  "clusters": len(merged)}
    return out


def _prf(counts: Mapping[str, int]) -> tuple[float, float, float]:
    p = counts["tp"] / counts["pred"] if counts["pred"] else 1.0
    r = counts["tp"] / counts["gold"] if counts["gold"] else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def prf(counts: Mapping[str, int], digits: int = 4) -> dict:
    p, r, f = _prf(counts)
    return {**counts, "precision": round(p, digits), "recall": round(r, digits), "f1": round(f, digits)}


def per_block(pred: Clusters, gold: Clusters, block: Mapping[Hashable, Hashable]) -> dict:
    """Pairwise scores inside each block (e.g. one ambiguous name), their macro average (the mean
    of the blocks' precision, recall and F1) and the micro figures (pooled pair counts)."""
    members = defaultdict(list)
    for r, b in block.items():
        members[b].append(r)
    counts = {b: pair_counts(pred, gold, rs) for b, rs in sorted(members.items(), key=lambda x: str(x[0]))}
    blocks = {b: prf(c) for b, c in counts.items()}
    raw = [_prf(c) for c in counts.values()]
    n = len(raw) or 1
    macro = {k: round(sum(x[i] for x in raw) / n, 4) for i, k in enumerate(("precision", "recall", "f1"))}
    pooled = {k: sum(s[k] for s in blocks.values()) for k in ("pred", "gold", "tp")}
    return {"macro": macro, "micro": prf(pooled), "blocks": blocks}


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb, key=str)] = min(ra, rb, key=str)


def components(records: Iterable[Hashable], links: Iterable[tuple]) -> dict:
    """{record: cluster} from pairwise links, transitively (connected components)."""
    uf = UnionFind()
    for r in records:
        uf.find(r)
    for a, b in links:
        uf.union(a, b)
    return {r: uf.find(r) for r in uf.parent}
