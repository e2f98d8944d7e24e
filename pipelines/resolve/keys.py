"""Vectorised text keys (polars expressions) and connected components over shared keys."""
from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def folded(col: str | pl.Expr) -> pl.Expr:
    """Case-, accent- and punctuation-insensitive text, as a polars expression."""
    expr = pl.col(col) if isinstance(col, str) else col
    return (expr.str.normalize("NFKD")
            .str.replace_all(r"\p{M}+", "")
            .str.to_lowercase()
            .str.replace_all(r"[^\p{L}\p{N}]+", " ")
            .str.strip_chars())


def components(edges: pl.DataFrame, n: int) -> pl.Series:
    """Connected components of records linked by shared keys.

    `edges` has columns (idx: u32 record index, key: str). Returns, per record index 0..n-1,
    the smallest record index of its component. Records and keys are the two sides of one
    sparse graph handed to scipy's union-find (linear in the edges, whatever the chain length;
    label propagation in joins took rounds x millions of rows at 10^6 records).
    """
    if edges.is_empty():
        return pl.arange(0, n, eager=True, dtype=pl.UInt32).alias("label")
    idx = edges["idx"].cast(pl.UInt32).to_numpy().astype(np.int64)
    kid = dense_codes(edges["key"]) + n
    size = int(kid.max()) + 1
    graph = coo_matrix((np.ones(idx.size, dtype=np.int8), (idx, kid)), shape=(size, size))
    _, comp = connected_components(graph.tocsr(), directed=False)
    comp = comp[:n]
    # Record indices ascend, so a component's first occurrence is its smallest member.
    smallest = np.empty(comp.max() + 1, dtype=np.uint32)
    seen, first = np.unique(comp, return_index=True)
    smallest[seen] = first
    return pl.Series("label", smallest[comp], dtype=pl.UInt32)


def dense_codes(keys: pl.Series) -> np.ndarray:
    """0..k-1 per distinct key. Sorting 64-bit hashes is several times faster than sorting or
    hashing strings into groups; the codes are then checked against the strings themselves
    (one equality pass), and a hash collision falls back to the exact string ranking."""
    hashes = keys.hash().to_numpy()
    _, first, codes = np.unique(hashes, return_index=True, return_inverse=True)
    if (keys == keys.gather(first[codes])).all():
        return codes.astype(np.int64)
    return keys.rank("dense").cast(pl.Int64).to_numpy() - 1


def hash_id(prefix: str, key: str) -> str:
    return prefix + hashlib.sha1(key.encode()).hexdigest()[:15]


def assign_ids(edges: pl.DataFrame, cluster: pl.Series, known: pl.DataFrame, priority: dict[str, int],
               prefix: str) -> pl.DataFrame:
    """cluster label -> id. `edges` (idx, key, kind) for the kinds in `priority` (lower = stronger);
    `known` (key, id) from earlier runs. A cluster reuses the id its strongest already-known key
    had (so ids survive new sources arriving and clusters growing); otherwise the id hashes its
    strongest key. When two clusters claim one id (a split), the second gets a fresh stable id."""
    named = edges.filter(pl.col("kind").is_in(list(priority)))
    labelled = named.with_columns(cluster.gather(named["idx"]).alias("cluster"),
                                  pl.col("kind").replace_strict(priority, return_dtype=pl.Int32).alias("kp"))
    strongest = pl.col("kp") == pl.col("kp").min().over("cluster")
    best = labelled.filter(strongest).group_by("cluster").agg(pl.col("key").min().alias("best_key"))
    reused = (labelled.join(known, on="key", how="inner").filter(strongest)
              .group_by("cluster").agg(pl.col("id").min().alias("known_id")))
    table = best.join(reused, on="cluster", how="left")
    fresh = table.filter(pl.col("known_id").is_null())
    hashed = fresh.select("cluster", pl.Series("hashed", [hash_id(prefix, k) for k in fresh["best_key"].to_list()],
                                               dtype=pl.String))
    table = (table.join(hashed, on="cluster", how="left")
             .with_columns(pl.coalesce("known_id", "hashed").alias("id")))
    if table["id"].is_unique().all():  # nothing claimed twice: what the sequential rule gives too
        return table.select("cluster", "id", "best_key")
    return _assign_in_turn(table, prefix)


def _assign_in_turn(table: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """Clusters in best-key order take their known id unless an earlier one took it; a cluster
    whose id is taken gets the next free id of its best key (several papers may share a title,
    each a cluster named by it)."""
    taken: set[str] = set()
    ids = []
    table = table.sort("best_key", "cluster")
    for known_id, best_key in zip(table["known_id"].to_list(), table["best_key"].to_list()):
        new_id = known_id if known_id and known_id not in taken else hash_id(prefix, best_key)
        turn = 0
        while new_id in taken:
            turn += 1
            new_id = hash_id(prefix, ("split:" if turn == 1 else f"split{turn}:") + best_key)
        taken.add(new_id)
        ids.append(new_id)
    return table.with_columns(pl.Series("id", ids, dtype=pl.String)).select("cluster", "id", "best_key")
