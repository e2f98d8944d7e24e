"""Vectorised text keys (polars expressions) and connected components over shared keys."""
from __future__ import annotations

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
