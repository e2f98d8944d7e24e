"""Vectorised text keys (polars expressions) and connected components over shared keys."""
from __future__ import annotations

import hashlib

import polars as pl


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
    the smallest record index of its component (min-label propagation; converges in as many
    rounds as the longest chain of keys, a handful in practice).
    """
    labels = pl.DataFrame({"idx": pl.arange(0, n, eager=True, dtype=pl.UInt32),
                           "label": pl.arange(0, n, eager=True, dtype=pl.UInt32)})
    if edges.is_empty():
        return labels["label"]
    edges = edges.select(pl.col("idx").cast(pl.UInt32), "key").unique()
    while True:
        per_key = (edges.join(labels, on="idx").group_by("key").agg(pl.col("label").min().alias("kl")))
        per_idx = (edges.join(per_key, on="key").group_by("idx").agg(pl.col("kl").min()))
        updated = (labels.join(per_idx, on="idx", how="left")
                   .with_columns(pl.min_horizontal("label", pl.col("kl").fill_null(pl.col("label")))
                                 .alias("new")))
        if (updated["new"] == updated["label"]).all():
            return labels.sort("idx")["label"]
        labels = updated.select("idx", pl.col("new").alias("label"))


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
    best = (labelled.sort("kp", "key").group_by("cluster", maintain_order=True)
            .agg(pl.col("key").first().alias("best_key")))
    reused = (labelled.join(known, on="key", how="inner").sort("kp", "id")
              .group_by("cluster", maintain_order=True).agg(pl.col("id").first().alias("known_id")))
    table = best.join(reused, on="cluster", how="left").sort("best_key")
    taken: set[str] = set()
    ids = []
    for known_id, best_key in zip(table["known_id"].to_list(), table["best_key"].to_list()):
        new_id = known_id if known_id and known_id not in taken else hash_id(prefix, best_key)
        if new_id in taken:
            new_id = hash_id(prefix, "split:" + best_key)
        taken.add(new_id)
        ids.append(new_id)
    return table.with_columns(pl.Series("id", ids, dtype=pl.String)).select("cluster", "id", "best_key")
