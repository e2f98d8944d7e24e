"""Abstract rules for records without a title: an exact prefix, then a fuzzy fallback within a cheap
blocking key. (Titled records are matched probabilistically: paper_pairs.py.)"""
from __future__ import annotations

import polars as pl
from rapidfuzz import fuzz

from .columns import WideColumn
from .keys import folded

from .settings import ABSTRACT_FUZZY_MIN_SCORE, ABSTRACT_KEY_CHARS, ABSTRACT_MIN_CHARS

EDGE_SCHEMA = {"idx": pl.UInt32, "key": pl.String, "kind": pl.String}


def abstract_edges(records: pl.DataFrame, abstracts: WideColumn) -> pl.DataFrame:
    """Title-less records join the paper whose abstract starts the same. Titled records never link
    through abstracts (two papers may share boilerplate openings), so each abstract group is
    anchored on its best titled record and only title-less records attach to that anchor."""
    with_abstract = (records.select("idx", "priority", "title_key", "abstract_key")
                     .filter(pl.col("abstract_key").is_not_null()))
    anchors = (with_abstract.sort(pl.col("title_key").is_null(), "priority", "idx")
               .group_by("abstract_key", maintain_order=True)
               .agg(pl.col("idx").first().alias("anchor"), pl.len().alias("group_size")))
    titleless = with_abstract.filter(pl.col("title_key").is_null()).join(anchors, on="abstract_key")
    exact = pl.concat([
        titleless.select("idx", pl.col("abstract_key").alias("key")),
        titleless.select(pl.col("anchor").alias("idx"), pl.col("abstract_key").alias("key")),
    ]).with_columns(pl.lit("abstract").alias("kind"))
    # Only records the exact rule left alone look further, so the two rules never disagree.
    alone = titleless.filter(pl.col("group_size") == 1).select("idx")
    return pl.concat([exact.select("idx", "key", "kind"), fuzzy_abstract_edges(records, alone, abstracts)])


def fuzzy_abstract_edges(records: pl.DataFrame, alone: pl.DataFrame, abstracts: WideColumn) -> pl.DataFrame:
    """A title-less record whose abstract is cut short ("... we show that…") matches a record whose
    abstract begins with nearly the same text. Candidates share the first ABSTRACT_BLOCK_WORDS
    folded words, so rapidfuzz compares a few strings per title-less record, never all pairs."""
    if alone.is_empty():
        return pl.DataFrame(schema=EDGE_SCHEMA)
    blocked = (records.select("idx", "priority", pl.col("title_key").is_not_null().alias("titled"),
                              pl.col("abstract_block").alias("block"))
               .filter(pl.col("block").is_not_null()))
    seekers = blocked.join(alone, on="idx")
    blocked = blocked.join(seekers.select("block").unique(), on="block")
    candidates = seekers.join(blocked, on="block", suffix="_c").filter(pl.col("idx") != pl.col("idx_c"))
    if candidates.is_empty():
        return pl.DataFrame(schema=EDGE_SCHEMA)
    # Whole folded abstracts, only for the few records that are compared.
    involved = pl.concat([candidates["idx"], candidates["idx_c"]]).unique().sort()
    whole = pl.DataFrame({"idx": involved, "abstract": abstracts.gather(involved)}).select(
        "idx", folded("abstract").alias("abstract_fold"))
    pairs = (candidates.join(whole, on="idx")
             .join(whole.rename({"idx": "idx_c", "abstract_fold": "abstract_fold_c"}), on="idx_c")
             .select("idx", "abstract_fold", "idx_c", "abstract_fold_c", "titled_c", "priority_c"))
    scores = [_prefix_score(a, b) for a, b in zip(pairs["abstract_fold"].to_list(),
                                                   pairs["abstract_fold_c"].to_list())]
    best = (pairs.with_columns(pl.Series("score", scores, dtype=pl.Float64))
            .filter(pl.col("score") >= ABSTRACT_FUZZY_MIN_SCORE)
            .sort("idx", pl.col("titled_c"), "score", "priority_c", "idx_c",
                  descending=[False, True, True, False, False])
            .group_by("idx", maintain_order=True).first())
    key = pl.lit("abstract~:") + pl.col("abstract_fold_c").str.slice(0, ABSTRACT_KEY_CHARS)
    return pl.concat([
        best.select(pl.col("idx").cast(pl.UInt32), key.alias("key")),
        best.select(pl.col("idx_c").cast(pl.UInt32).alias("idx"), key.alias("key")),
    ]).with_columns(pl.lit("abstract_fuzzy").alias("kind"))


def _prefix_score(a: str, b: str) -> float:
    """Similarity of the two abstracts over the length of the shorter one: a truncated abstract
    is a prefix of the full one, give or take a cut word and small edits."""
    n = min(len(a), len(b))
    if n < ABSTRACT_MIN_CHARS:
        return 0.0
    return fuzz.ratio(a[:n], b[:n])
