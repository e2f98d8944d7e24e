"""Fellegi–Sunter scoring and clustering with cannot-links, shared by papers and people.

A comparison turns a candidate pair into a level (0 = strongest agreement, -1 = nothing to
compare). Each level has m (how often true matches land there) and u (how often two unrelated
records do); a pair's match weight is the sum of log2(m/u) over its comparisons.
- u comes from the data: the same comparisons on random record pairs (splink's
  `estimate_u_using_random_sampling`), smoothed towards a prior so unseen levels stay finite.
- m starts from documented priors and is refined by EM over the candidate pairs (on aggregated
  comparison patterns, so the cost is the number of distinct patterns, not of pairs), with the
  priors as pseudo-counts so a small input cannot drag it anywhere.
Clustering: connected components of the accepted links, except where a component breaks a
constraint (two different ids of one scheme, two records of one unit such as one capture, a
pair the comparisons call clearly different): those components are rebuilt greedily, strongest
link first, refusing any union that breaks a constraint and any link whose record has an almost
as strong link into a cluster it cannot share (an ambiguous choice links nobody).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

PAIR_SCHEMA = {"a": pl.UInt32, "b": pl.UInt32}


@dataclass(frozen=True)
class Comparison:
    """One compared aspect: its level names (strongest first) and prior m and u per level."""
    name: str
    levels: tuple[str, ...]
    m_prior: tuple[float, ...]
    u_prior: tuple[float, ...]
    # The least u a level may have: random pairs of one field's papers rarely share a phrasing,
    # yet its candidate pairs often do ("X Transformers for Low-Resource Languages"), so for
    # near-agreement levels the random sample would call a chance resemblance near-proof.
    u_floor: tuple[float, ...] | None = None


@dataclass
class Model:
    comparisons: tuple[Comparison, ...]
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    pairs_trained: int = 0
    # The share of candidate pairs EM judged matches (its mixing weight).
    match_share: float = 0.5

    def weights(self, name: str) -> np.ndarray:
        """log2 Bayes factor per level of one comparison."""
        return np.log2(self.m[name] / self.u[name])

    def score(self, gamma: pl.DataFrame) -> pl.Series:
        """The match weight of every pair (a frame of level columns, null = no information)."""
        total = pl.lit(0.0)
        for comp in self.comparisons:
            levels = list(range(len(comp.levels)))
            total = total + pl.col(comp.name).replace_strict(levels, self.weights(comp.name).tolist(), default=0.0,
                                                             return_dtype=pl.Float64).fill_null(0.0)
        return gamma.select(total.alias("weight"))["weight"]

    def explain(self, gamma: pl.DataFrame) -> pl.Series:
        """'title=exact:+9.6 authors=most:+4.1 ...' per pair, the audit trail of a link."""
        parts = []
        for comp in self.comparisons:
            labels = [f"{comp.name}={lvl}:{w:+.1f}" for lvl, w in zip(comp.levels, self.weights(comp.name))]
            parts.append(pl.col(comp.name).replace_strict(list(range(len(labels))), labels, default=None,
                                                          return_dtype=pl.String))
        return gamma.select(pl.concat_str(parts, separator=" ", ignore_nulls=True).alias("why"))["why"]

    def describe(self) -> dict[str, dict[str, float]]:
        return {c.name: {lvl: round(float(w), 2) for lvl, w in zip(c.levels, self.weights(c.name))}
                for c in self.comparisons}


def _smoothed(counts: np.ndarray, prior: np.ndarray, strength: float) -> np.ndarray:
    return (counts + strength * prior) / (counts.sum() + strength)


def train(comparisons: tuple[Comparison, ...], random_gamma: pl.DataFrame, candidate_gamma: pl.DataFrame,
          prior_strength: float = 50.0, iterations: int = 25, min_pairs: int = 200) -> Model:
    """u from comparisons of random pairs, m by EM over the candidate pairs (u held fixed)."""
    u = {}
    for comp in comparisons:
        levels = random_gamma[comp.name].drop_nulls().cast(pl.Int64).to_numpy() if comp.name in random_gamma.columns \
            else np.array([], dtype=np.int64)
        counts = np.bincount(levels, minlength=len(comp.levels)).astype(float)
        # Random pairs almost never agree strongly: the prior keeps those levels' u finite
        # (with 10^5 random pairs, strength 1,000 leaves the data in charge of common levels).
        u[comp.name] = _smoothed(counts, np.asarray(comp.u_prior, float), 1000.0)
        if comp.u_floor is not None:
            u[comp.name] = np.maximum(u[comp.name], np.asarray(comp.u_floor, float))
    m = {c.name: np.asarray(c.m_prior, float) / sum(c.m_prior) for c in comparisons}
    model = Model(comparisons, m, u)
    if candidate_gamma.height < min_pairs:
        return model
    names = [c.name for c in comparisons]
    patterns = candidate_gamma.select(names).group_by(names).len()
    codes = {n: patterns[n].fill_null(-1).cast(pl.Int64).to_numpy() for n in names}
    count = patterns["len"].to_numpy().astype(float)
    lam = 0.5
    for _ in range(iterations):
        log_m = np.zeros(len(count))
        log_u = np.zeros(len(count))
        for n in names:
            seen = codes[n] >= 0
            log_m[seen] += np.log(model.m[n][codes[n][seen]])
            log_u[seen] += np.log(model.u[n][codes[n][seen]])
        a = math.log(lam) + log_m
        b = math.log(1 - lam) + log_u
        post = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        matched = post * count
        lam = float(np.clip(matched.sum() / count.sum(), 1e-6, 1 - 1e-6))
        for comp in comparisons:
            seen = codes[comp.name] >= 0
            mass = np.bincount(codes[comp.name][seen], weights=matched[seen], minlength=len(comp.levels))
            model.m[comp.name] = _smoothed(mass, np.asarray(comp.m_prior, float) / sum(comp.m_prior), prior_strength)
    model.pairs_trained = candidate_gamma.height
    model.match_share = lam
    return model


def random_pairs(n: int, k: int, seed: int = 20261202) -> pl.DataFrame:
    """Up to k distinct random pairs of record indices (a < b), reproducible."""
    if n < 2:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, size=k)
    b = rng.integers(0, n, size=k)
    keep = a != b
    lo, hi = np.minimum(a, b)[keep], np.maximum(a, b)[keep]
    return pl.DataFrame({"a": lo, "b": hi}).cast(PAIR_SCHEMA).unique(maintain_order=True)


def block_pairs(keys: pl.DataFrame, max_block: int, window: int) -> pl.DataFrame:
    """Candidate pairs (a < b) of records sharing a blocking key. `keys` is (idx, key, order):
    blocks up to `max_block` records are paired all-to-all; a bigger block pairs each record only
    with its `window` neighbours in `order` (sorted neighbourhood), so the pairs stay linear in
    the records whatever the block sizes."""
    keys = keys.drop_nulls("key").unique(["idx", "key"])
    if keys.is_empty():
        return pl.DataFrame(schema=PAIR_SCHEMA)
    sizes = keys.group_by("key").len()
    keys = keys.join(sizes.filter(pl.col("len") > 1), on="key")
    small = keys.filter(pl.col("len") <= max_block).select("idx", "key")
    all_pairs = (small.join(small, on="key", suffix="_b").filter(pl.col("idx") < pl.col("idx_b"))
                 .select(pl.col("idx").alias("a"), pl.col("idx_b").alias("b")))
    big = keys.filter(pl.col("len") > max_block).sort("key", "order", "idx").with_columns(
        pl.int_range(pl.len()).over("key").alias("rank"))
    near = []
    for step in range(1, window + 1):
        shifted = big.select("key", (pl.col("rank") - step).alias("rank"), pl.col("idx").alias("other"))
        near.append(big.join(shifted, on=["key", "rank"]).select(
            pl.min_horizontal("idx", "other").alias("a"), pl.max_horizontal("idx", "other").alias("b")))
    return pl.concat([all_pairs, *near]).cast(PAIR_SCHEMA).unique()


def constrained_clusters(n: int, links: pl.DataFrame, distinct: pl.DataFrame, units: pl.DataFrame,
                         cannot: pl.DataFrame, ambiguity_margin: float = 2.0) -> pl.Series:
    """Per record 0..n-1, the smallest record index of its cluster.

    links (a, b, weight): accepted links; weight = inf for shared identifiers.
    distinct (idx, scheme, value): at most one value of a scheme per cluster (two arXiv ids).
    units (idx, unit): at most one record of a unit per cluster (one capture lists a paper once).
    cannot (a, b): pairs that must stay apart (the comparisons call them different)."""
    if links.is_empty():
        return pl.arange(0, n, eager=True, dtype=pl.UInt32).alias("label")
    a = links["a"].cast(pl.Int64).to_numpy()
    b = links["b"].cast(pl.Int64).to_numpy()
    graph = coo_matrix((np.ones(a.size, dtype=np.int8), (a, b)), shape=(n, n))
    _, comp = connected_components(graph.tocsr(), directed=False)
    label = pl.Series("comp", comp, dtype=pl.UInt32)
    bad = _broken_components(label, distinct, units, cannot)
    if bad:
        comp = _rebuild(comp, bad, links, distinct, units, cannot, ambiguity_margin)
    smallest = np.empty(comp.max() + 1, dtype=np.uint32)
    seen, first = np.unique(comp, return_index=True)
    smallest[seen] = first
    return pl.Series("label", smallest[comp], dtype=pl.UInt32)


def _broken_components(label: pl.Series, distinct: pl.DataFrame, units: pl.DataFrame, cannot: pl.DataFrame) -> set[int]:
    bad: set[int] = set()
    if not distinct.is_empty():
        d = distinct.with_columns(label.gather(distinct["idx"]).alias("comp"))
        bad |= set(d.group_by("comp", "scheme").agg(pl.col("value").n_unique().alias("k"))
                   .filter(pl.col("k") > 1)["comp"].to_list())
    if not units.is_empty():
        u = units.with_columns(label.gather(units["idx"]).alias("comp"))
        bad |= set(u.group_by("comp", "unit").len().filter(pl.col("len") > 1)["comp"].to_list())
    if not cannot.is_empty():
        ca, cb = label.gather(cannot["a"]), label.gather(cannot["b"])
        bad |= set(ca.filter(ca == cb).to_list())
    # A component of one record breaks nothing (a record may carry two ids of a scheme).
    sizes = label.value_counts()
    singles = set(sizes.filter(pl.col("count") == 1)["comp"].to_list())
    return bad - singles


def _rebuild(comp: np.ndarray, bad: set[int], links: pl.DataFrame, distinct: pl.DataFrame, units: pl.DataFrame,
             cannot: pl.DataFrame, margin: float) -> np.ndarray:
    comp = comp.copy()
    members = np.flatnonzero(np.isin(comp, np.fromiter(bad, dtype=comp.dtype)))
    inside = pl.Series(members, dtype=pl.UInt32).implode()
    edges = (links.filter(pl.col("a").is_in(inside)).sort("weight", "a", "b", descending=[True, False, False])
             .select("a", "b", "weight").rows())
    values: dict[int, dict[str, set]] = {int(x): {} for x in members}
    for idx, scheme, value in distinct.filter(pl.col("idx").is_in(inside)).iter_rows():
        values[idx].setdefault(scheme, set()).add(value)
    for idx, unit in units.filter(pl.col("idx").is_in(inside)).iter_rows():
        values[idx].setdefault("\0unit", set()).add(unit)
    apart: dict[int, set[int]] = {int(x): set() for x in members}
    for x, y in cannot.filter(pl.col("a").is_in(inside) & pl.col("b").is_in(inside)).iter_rows():
        apart[x].add(y)
        apart[y].add(x)
    parent = {int(x): int(x) for x in members}
    group = {int(x): {int(x)} for x in members}
    best: dict[int, list[tuple[float, int]]] = {}
    for x, y, w in edges:
        best.setdefault(x, []).append((w, y))
        best.setdefault(y, []).append((w, x))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def clash(ra: int, rb: int) -> bool:
        va, vb = values[ra], values[rb]
        for scheme in va.keys() & vb.keys():
            if scheme == "\0unit":
                if va[scheme] & vb[scheme]:
                    return True
            elif va[scheme] != vb[scheme]:
                return True
        small, other = (ra, rb) if len(group[ra]) <= len(group[rb]) else (rb, ra)
        return any(apart[x] & group[other] for x in group[small])

    def ambiguous(x: int, rx: int, ry: int, w: float) -> bool:
        """x has an almost as strong link into a cluster that cannot share with ry's."""
        for w2, z in best.get(x, ()):
            if w2 < w - margin or w2 == math.inf:
                continue
            rz = root(z)
            if rz not in (rx, ry) and clash(rz, ry):
                return True
        return False

    for x, y, w in edges:
        rx, ry = root(x), root(y)
        if rx == ry or clash(rx, ry):
            continue
        if w != math.inf and (ambiguous(x, rx, ry, w) or ambiguous(y, ry, rx, w)):
            continue
        keep, gone = (rx, ry) if rx < ry else (ry, rx)
        parent[gone] = keep
        group[keep] |= group.pop(gone)
        for scheme, vals in values.pop(gone).items():
            values[keep].setdefault(scheme, set()).update(vals)
    fresh = comp.max() + 1
    for x in members:
        r = root(int(x))
        comp[x] = fresh + r  # a label of its own, whatever the old component was
    return comp
