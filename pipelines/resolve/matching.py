"""Paper match rules beyond shared identifiers: title + year windows, and abstracts for records
without a title (an exact prefix, then a fuzzy fallback within a cheap blocking key)."""
from __future__ import annotations

import polars as pl
from rapidfuzz import fuzz

from .columns import WideColumn
from .keys import folded

from .settings import ABSTRACT_FUZZY_MIN_SCORE, ABSTRACT_KEY_CHARS, ABSTRACT_MIN_CHARS, TITLE_MIN_WORDS, TITLE_YEAR_WINDOW

EDGE_SCHEMA = {"idx": pl.UInt32, "key": pl.String, "kind": pl.String}


def year_windows(titled: pl.DataFrame) -> pl.DataFrame:
    """(title_key, year) -> start of its window. Windows are anchored at the earliest unplaced
    year and span TITLE_YEAR_WINDOW years, so no two years in one window are further apart than
    that (a chain 2019, 2020, 2021 gives 2019-2020 | 2021, never one 3-year group). One round per
    window, a handful at most."""
    rest = titled.drop_nulls("year").select("title_key", "year").unique()
    windows = []
    while rest.height:
        start = rest.group_by("title_key").agg(pl.col("year").min().alias("start"))
        rest = rest.join(start, on="title_key")
        inside = pl.col("year") <= pl.col("start") + TITLE_YEAR_WINDOW
        windows.append(rest.filter(inside))
        rest = rest.filter(~inside).select("title_key", "year")
    if not windows:
        return pl.DataFrame(schema={"title_key": pl.String, "year": pl.Int32, "start": pl.Int32})
    return pl.concat(windows).with_columns(pl.col("year").cast(pl.Int32), pl.col("start").cast(pl.Int32))


def title_edges(records: pl.DataFrame) -> pl.DataFrame:
    """Records with the same folded title merge when their years fall in one window. A record
    without a year joins only a title whose years form a single window (else it cannot tell
    which paper it is). Within a window, records naming two different arXiv ids are two
    submissions that happen to share a title: the window links nobody. Other ids do not count:
    a preprint and its journal version each have their own DOI, and S2 and OpenAlex often keep
    one entry per version.
    Titles of fewer than TITLE_MIN_WORDS words ("Introduction", "Erratum") never link alone."""
    titled = (records.select("idx", "title_key", "year", "arxiv_id")
              .filter(pl.col("title_key").is_not_null()
                      & (pl.col("title_key").str.count_matches(" ") >= TITLE_MIN_WORDS - 1)))
    windows = year_windows(titled)
    per_title = windows.group_by("title_key").agg(pl.col("start").n_unique().alias("n_windows"))
    placed = (titled.join(windows, on=["title_key", "year"], how="left")
              .join(per_title, on="title_key", how="left")
              .with_columns(pl.col("n_windows").fill_null(0)))
    # Single-window titles keep the plain key so that ids survive a year arriving later.
    key = (pl.when(pl.col("n_windows") <= 1).then(pl.col("title_key"))
           .when(pl.col("start").is_not_null())
           .then(pl.col("title_key") + "|y" + pl.col("start").cast(pl.String)))
    keyed = placed.with_columns(key.alias("key")).drop_nulls("key")
    conflicted = (keyed.group_by("key").agg(pl.col("arxiv_id").drop_nulls().n_unique().alias("n_arxiv"))
                  .filter(pl.col("n_arxiv") > 1).select("key"))
    return (keyed.join(conflicted, on="key", how="anti")
            .select(pl.col("idx").cast(pl.UInt32), "key", pl.lit("title").alias("kind")))


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
