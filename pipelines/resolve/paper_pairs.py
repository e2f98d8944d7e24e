"""Probabilistic paper matching: blocking on title keys, comparisons, a trained score.

Records that share no identifier can still be one paper: a typo, a label such as "(Panel)", a
different source's casing. Candidates share a blocking key (the cleaned title, its first or its
last four words); each pair is compared on title, the authors' family names, year, venue and
abstract; the Fellegi–Sunter weights are trained on this input (linkage.train) and the exact-title
agreement is weighted by how common that title is (term-frequency adjustment: "Editor's Notes"
means little, "Online Aggregation" with the same authors a lot).
Pairs that say "different" are kept too: years further apart than the window, author lists that
share nobody, and a journal paper against a conference paper of the same title (two versions,
linked in core.paper_relations instead of merged).
"""
from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from .keys import folded
from .linkage import Comparison, Model, block_pairs, random_pairs, train
from .settings import (PAPER_BLOCK_MAX, PAPER_BLOCK_WINDOW, PAPER_MATCH_WEIGHT, PAPER_RANDOM_PAIRS,
                       TITLE_LENGTH_FREQUENCY, TITLE_YEAR_WINDOW)
from .titles import clean_title, family_names, venue_kind

COMPARISONS = (
    # contained: every word of the shorter title (3+ words) in the longer one, a subtitle added
    # or dropped ("Constructing the next 100 DBMSs: like the handyman or like the engineer?")
    Comparison("title", ("exact", "typo", "close", "contained", "similar", "differ"),
               (0.84, 0.07, 0.04, 0.03, 0.015, 0.005), (1e-6, 1e-6, 2e-4, 5e-4, 2e-3, 0.997297),
               u_floor=(0.0, 1e-6, 2e-4, 5e-4, 2e-3, 0.0)),
    Comparison("authors", ("all", "most", "some", "none"),
               (0.82, 0.10, 0.05, 0.03), (0.002, 0.005, 0.03, 0.963)),
    Comparison("year", ("same", "next", "apart"), (0.74, 0.22, 0.04), (0.07, 0.13, 0.80)),
    Comparison("venue", ("same", "differ"), (0.6, 0.4), (0.05, 0.95)),
    Comparison("abstract", ("same", "similar", "differ"), (0.85, 0.10, 0.05), (1e-4, 1e-3, 0.9989),
               u_floor=(1e-4, 1e-3, 0.0)),
)
_VENUE_NOISE = {"the", "of", "on", "in", "and", "for", "international", "acm", "ieee", "proceedings", "proc",
                "conference", "conf", "journal", "annual", "workshop", "symposium", "th", "st", "nd", "rd"}


COMPARE_SLICE_PAIRS = 200_000


def features(records: pl.DataFrame) -> pl.DataFrame:
    """Per titled record, what the comparisons read."""
    abstract = (pl.col("abstract_key").str.strip_prefix("abstract:") if "abstract_key" in records.columns
                else pl.lit(None, pl.String))
    noise = pl.Series(sorted(_VENUE_NOISE)).implode()
    return (records.select("idx", "source", "capture", "title", "year", "venue", "authors", abstract.alias("abstract"))
            .with_columns(clean_title("title").alias("ctitle"))
            .filter(pl.col("ctitle").is_not_null())
            .select(pl.col("idx").cast(pl.UInt32), "source", "capture", "ctitle", "year", "abstract",
                    venue_kind("venue", "source").alias("vkind"),
                    folded("venue").str.split(" ").list.eval(pl.element().filter(~pl.element().is_in(noise)))
                    .list.unique().alias("vtokens"),
                    family_names("authors").alias("families"))
            .with_columns(pl.when(pl.col("families").list.len() > 0).then("families").alias("families"),
                          pl.when(pl.col("vtokens").list.len() > 0).then("vtokens").alias("vtokens")))


def title_frequency(feats: pl.DataFrame) -> pl.DataFrame:
    """(ctitle, tf): how likely an unrelated record is to carry this exact title. Counted within a
    source (the same paper on five sites is one title, a recurring column in one source many), a
    re-capture of the same entry counted once, and only beyond the first occurrence (a title seen
    once says nothing of how common it is), never below a prior by title length."""
    n = max(feats.height, 1)
    words = pl.col("ctitle").str.count_matches(" ") + 1
    prior = pl.lit(TITLE_LENGTH_FREQUENCY[-1])
    for length in range(len(TITLE_LENGTH_FREQUENCY) - 1, 0, -1):
        prior = pl.when(words == length).then(pl.lit(TITLE_LENGTH_FREQUENCY[length - 1])).otherwise(prior)
    return (feats.unique(["source", "ctitle", "year", "families", "vtokens"])
            .group_by("source", "ctitle").len().group_by("ctitle").agg(pl.col("len").max())
            .select("ctitle", pl.max_horizontal((pl.col("len") - 1) / n, prior).alias("tf")))


def candidate_pairs(feats: pl.DataFrame) -> pl.DataFrame:
    """(a, b) of records sharing a blocking key: the cleaned title, its first or last four words,
    one of its two rarest words (a typo or a rewording leaves the other), or the alphabetically
    first or last family name of its authors with the year (a retitled paper, same people)."""
    words = pl.col("ctitle").str.split(" ")
    order = pl.col("year").alias("order")
    tokens = feats.select("idx", words.alias("tok")).explode("tok").unique()
    df = tokens.group_by("tok").len()
    rare = (tokens.join(df, on="tok").sort("idx", "len", "tok")
            .group_by("idx", maintain_order=True).head(2)
            .join(feats.select("idx", "year"), on="idx"))
    family = pl.col("families").list.sort()
    year = pl.col("year").cast(pl.String)
    keys = pl.concat([
        feats.select("idx", ("t:" + pl.col("ctitle")).alias("key"), order),
        feats.select("idx", ("h:" + words.list.head(4).list.join(" ")).alias("key"), order),
        feats.select("idx", ("e:" + words.list.tail(4).list.join(" ")).alias("key"), order),
        rare.select("idx", ("w:" + pl.col("tok")).alias("key"), order),
        feats.select("idx", ("f:" + family.list.first() + "|" + year).alias("key"), order),
        feats.select("idx", ("l:" + family.list.last() + "|" + year).alias("key"), order),
    ])
    return block_pairs(keys, PAPER_BLOCK_MAX, PAPER_BLOCK_WINDOW)


_ROMAN = r"\b(?:i{1,3}|iv|v|vi{1,3}|ix|x)\b"


def _numbering(col: str) -> pl.Expr:
    """The numbers a title carries ("part ii", "sql 3" = "sql3"): one series' titles differ there."""
    return pl.concat_list(pl.col(col).str.replace_all(" ", "").str.extract_all(r"\d+"),
                          pl.col(col).str.extract_all(_ROMAN)).list.sort()


def compare(pairs: pl.DataFrame, feats: pl.DataFrame) -> pl.DataFrame:
    """Comparison levels (null = nothing to compare) plus what the constraints read."""
    side = feats.select("idx", "source", "capture", "ctitle", "year", "abstract", "vkind", "vtokens", "families")
    joined = (pairs.join(side.rename(lambda c: c + "_a"), left_on="a", right_on="idx_a")
              .join(side.rename(lambda c: c + "_b"), left_on="b", right_on="idx_b"))
    ratio = process.cpdist(joined["ctitle_a"].to_list(), joined["ctitle_b"].to_list(), scorer=fuzz.ratio, workers=2)
    abstract = _abstract_ratio(joined)
    shared = pl.col("families_a").list.set_intersection("families_b").list.len()
    smaller = pl.min_horizontal(pl.col("families_a").list.len(), pl.col("families_b").list.len())
    overlap = shared / smaller
    gap = (pl.col("year_a") - pl.col("year_b")).abs()
    venue_shared = pl.col("vtokens_a").list.set_intersection("vtokens_b").list.len()
    venue_small = pl.min_horizontal(pl.col("vtokens_a").list.len(), pl.col("vtokens_b").list.len())
    words_a, words_b = pl.col("ctitle_a").str.split(" "), pl.col("ctitle_b").str.split(" ")
    common = words_a.list.set_intersection(words_b).list.len()
    shorter = pl.min_horizontal(words_a.list.unique().list.len(), words_b.list.unique().list.len())
    contained = (shorter >= 3) & (common == shorter)
    return joined.with_columns(pl.Series("ratio", ratio, dtype=pl.Float64), pl.Series("abstract_ratio", abstract),
                               contained.alias("contained")).select(
        "a", "b", "ctitle_a", "capture_a", "capture_b",
        pl.when(pl.col("ctitle_a") == pl.col("ctitle_b")).then(0)
        # "Part I" and "Part II", "... 3" and "... 4": one series, different papers
        .when(_numbering("ctitle_a") != _numbering("ctitle_b")).then(5)
        .when(pl.col("ratio") >= 95).then(1)
        .when(pl.col("ratio") >= 88).then(2)
        .when(pl.col("contained")).then(3)
        .when(pl.col("ratio") >= 75).then(4).otherwise(5).alias("title"),
        pl.when(pl.col("families_a").is_null() | pl.col("families_b").is_null()).then(None)
        .when(overlap >= 0.999).then(0).when(overlap >= 0.5).then(1).when(overlap > 0).then(2).otherwise(3)
        .alias("authors"),
        pl.when(gap.is_null()).then(None).when(gap == 0).then(0).when(gap <= TITLE_YEAR_WINDOW).then(1).otherwise(2)
        .alias("year"),
        pl.when(venue_small.is_null() | (venue_small == 0)).then(None)
        .when(venue_shared / venue_small >= 0.5).then(0).otherwise(1).alias("venue"),
        pl.when(pl.col("abstract_ratio").is_null()).then(None).when(pl.col("abstract_ratio") >= 90).then(0)
        .when(pl.col("abstract_ratio") >= 70).then(1).otherwise(2).alias("abstract"),
        (pl.col("vkind_a").is_in(["journal", "conference"]) & pl.col("vkind_b").is_in(["journal", "conference"])
         & (pl.col("vkind_a") != pl.col("vkind_b"))).alias("versions"),
    ).with_columns(pl.col(c).cast(pl.Int8) for c in ("title", "authors", "year", "venue", "abstract"))


def _abstract_ratio(joined: pl.DataFrame) -> pl.Series:
    both = joined.select(pl.col("abstract_a").is_not_null() & pl.col("abstract_b").is_not_null()).to_series()
    out = np.full(joined.height, np.nan)
    if both.any():
        rows = joined.filter(both)
        out[both.to_numpy()] = process.cpdist(rows["abstract_a"].to_list(), rows["abstract_b"].to_list(),
                                              scorer=fuzz.ratio, workers=2)
    return pl.Series("abstract_ratio", out).fill_nan(None)


def trained_model(feats: pl.DataFrame, gamma: pl.DataFrame) -> Model:
    """u from random pairs of this input's records, m by EM over its candidate pairs. Random pairs
    that blocking also proposes are left out of the u sample: in a small input they are a good
    share of all pairs and mostly true matches (the exact-title u comes from the title's own
    frequency instead)."""
    sample = random_pairs(feats.height, PAPER_RANDOM_PAIRS)
    order = feats.select("idx").with_row_index("row")
    sample = (sample.join(order.rename({"row": "a", "idx": "ia"}), on="a")
              .join(order.rename({"row": "b", "idx": "ib"}), on="b")
              .select(pl.col("ia").alias("a"), pl.col("ib").alias("b"))
              .join(gamma.select("a", "b"), on=["a", "b"], how="anti"))
    random_gamma = compare(sample, feats) if sample.height else pl.DataFrame()
    return train(COMPARISONS, random_gamma, gamma)


def scored_pairs(records: pl.DataFrame) -> tuple[pl.DataFrame, Model]:
    """Every candidate pair with its levels, weight (title frequency applied) and explanation."""
    feats = features(records)
    pairs = candidate_pairs(feats)
    # Compared a slice at a time: each pair carries both records' titles and abstracts while it
    # is compared, so memory follows the slice, not every candidate pair (2.9 GB at 3·10^5 lines).
    gamma = pl.concat([compare(pairs.slice(start, COMPARE_SLICE_PAIRS), feats)
                       for start in range(0, max(pairs.height, 1), COMPARE_SLICE_PAIRS)])
    model = trained_model(feats, gamma)
    tf = title_frequency(feats)
    m_exact = float(model.m["title"][0])
    u_exact = float(model.u["title"][0])
    exact = pl.col("title") == 0
    scored = (gamma.join(tf, left_on="ctitle_a", right_on="ctitle", how="left")
              .with_columns(model.score(gamma).alias("weight"), model.explain(gamma).alias("why")))
    # Splink's term-frequency adjustment: an exact title's u is that title's own frequency.
    adjust = pl.when(exact).then((pl.lit(u_exact) / pl.col("tf")).log(2)).otherwise(0.0)
    # A near-identical title never counts for more than the identical one would.
    w_typo = float(model.weights("title")[1])
    exact_weight = (pl.lit(m_exact) / pl.col("tf")).log(2)
    adjust = pl.when(pl.col("title") == 1).then(pl.min_horizontal(pl.lit(0.0), exact_weight - w_typo)).otherwise(adjust)
    tf_weight = (pl.lit(m_exact) / pl.col("tf")).log(2).round(1)
    tf_label = pl.when(tf_weight >= 0).then(pl.lit("+")).otherwise(pl.lit("")) + tf_weight.cast(pl.String)
    scored = scored.with_columns((pl.col("weight") + adjust).alias("weight"),
                                 pl.when(exact).then(pl.col("why").str.replace(r"^title=exact:\S+", "title=exact:")
                                                     .str.replace("title=exact:", "title=exact:" + tf_label, literal=True))
                                 .otherwise("why").alias("why"))
    return scored.drop("tf"), model


def link_decisions(scored: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """links (a, b, weight, why): accepted; apart (a, b): must stay apart; versions (a, b)."""
    apart_years = (pl.col("year") == 2).fill_null(False)
    disjoint = (pl.col("authors") == 3).fill_null(False)
    versions = (pl.col("versions") & (pl.col("title") <= 1)).fill_null(False)
    # A title that is not near-identical (contained, similar) makes one paper only with the same
    # people on both lists: templated titles and boilerplate abstracts alone never do.
    same_people = (pl.col("title") <= 2) | (pl.col("authors") <= 1).fill_null(False)
    accept = (pl.col("weight") >= PAPER_MATCH_WEIGHT) & ~apart_years & ~versions & same_people
    links = scored.filter(accept).select("a", "b", "weight", "why", "ctitle_a")
    apart = scored.filter(~accept & (apart_years | disjoint | versions)).select("a", "b")
    return {"links": links, "apart": apart, "versions": scored.filter(versions).select("a", "b", "weight")}

