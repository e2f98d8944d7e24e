"""Paper resolution: records sharing an identifier, a normalised title, or (for records without a
title) an abstract become one paper; `paper_id` stays stable through a persisted crosswalk."""
from __future__ import annotations

import hashlib

import polars as pl

from .keys import components, folded
from .settings import (ABSTRACT_KEY_CHARS, ABSTRACT_MIN_CHARS, DATE_PRECISION_RANK, KEY_PRIORITY,
                       SOURCE_PRIORITY, UNKNOWN_SOURCE_PRIORITY)

CROSSWALK_SCHEMA = {"key": pl.String, "paper_id": pl.String}


def with_record_keys(papers: pl.DataFrame) -> pl.DataFrame:
    """Adds idx, priority and the folded title/abstract keys every rule below uses."""
    abstract = folded("abstract")
    return papers.with_row_index("idx").with_columns(
        pl.col("source").replace_strict(SOURCE_PRIORITY, default=UNKNOWN_SOURCE_PRIORITY,
                                        return_dtype=pl.Int32).alias("priority"),
        pl.when(folded("title").str.len_chars() > 0).then(pl.lit("title:") + folded("title"))
        .alias("title_key"),
        pl.when(abstract.str.len_chars() >= ABSTRACT_MIN_CHARS)
        .then(pl.lit("abstract:") + abstract.str.slice(0, ABSTRACT_KEY_CHARS))
        .alias("abstract_key"),
    )


def record_edges(records: pl.DataFrame) -> pl.DataFrame:
    """(idx, key, kind) links. Titled records never link through abstracts: two papers may share
    boilerplate openings, but a record without a title has nothing better to go on."""
    ident = [
        records.select("idx", (pl.lit("arxiv:") + pl.col("arxiv_id")).alias("key"), pl.lit("arxiv").alias("kind")),
        records.select("idx", (pl.lit("doi:") + pl.col("doi")).alias("key"), pl.lit("doi").alias("kind")),
        records.select("idx", (pl.lit("openalex:") + pl.col("openalex_id")).alias("key"), pl.lit("openalex").alias("kind")),
        records.select("idx", (pl.lit("s2:") + pl.col("s2_id")).alias("key"), pl.lit("s2").alias("kind")),
        records.select("idx", pl.col("title_key").alias("key"), pl.lit("title").alias("kind")),
    ]
    edges = pl.concat(ident).drop_nulls("key")
    with_abstract = records.filter(pl.col("abstract_key").is_not_null())
    # Each abstract group is anchored on its best titled record (else its first record), and
    # only title-less records attach to the anchor.
    anchors = (with_abstract.sort(pl.col("title_key").is_null(), "priority", "idx")
               .group_by("abstract_key", maintain_order=True).agg(pl.col("idx").first().alias("anchor")))
    titleless = with_abstract.filter(pl.col("title_key").is_null()).join(anchors, on="abstract_key")
    abstract_edges = pl.concat([
        titleless.select("idx", pl.col("abstract_key").alias("key")),
        titleless.select(pl.col("anchor").alias("idx"), pl.col("abstract_key").alias("key")),
    ]).with_columns(pl.lit("abstract").alias("kind"))
    return pl.concat([edges, abstract_edges.select("idx", "key", "kind")]).unique()


def _hash_id(prefix: str, key: str) -> str:
    return prefix + hashlib.sha1(key.encode()).hexdigest()[:15]


def assign_paper_ids(edges: pl.DataFrame, cluster: pl.Series, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """cluster label -> paper_id. A cluster reuses an id the crosswalk already gave one of its keys
    (so ids survive new sources arriving); otherwise the id hashes its strongest key."""
    labelled = edges.with_columns(cluster.gather(edges["idx"]).alias("cluster"),
                                  pl.col("kind").replace_strict(KEY_PRIORITY, return_dtype=pl.Int32).alias("kp"))
    best = (labelled.sort("kp", "key").group_by("cluster", maintain_order=True)
            .agg(pl.col("key").first().alias("best_key")))
    known = (labelled.join(crosswalk, on="key", how="inner").group_by("cluster")
             .agg(pl.col("paper_id").min().alias("known_id")))
    table = best.join(known, on="cluster", how="left").sort("best_key")
    taken: set[str] = set()
    ids = []
    for known_id, best_key in zip(table["known_id"].to_list(), table["best_key"].to_list()):
        paper_id = known_id if known_id and known_id not in taken else _hash_id("P", best_key)
        if paper_id in taken:  # a split cluster: the second part gets a fresh, still stable id
            paper_id = _hash_id("P", "split:" + best_key)
        taken.add(paper_id)
        ids.append(paper_id)
    return table.with_columns(pl.Series("paper_id", ids, dtype=pl.String)).select("cluster", "paper_id", "best_key")


def pick_fields(records: pl.DataFrame) -> pl.DataFrame:
    """One row per paper: each field from the highest-priority record that has it."""
    ordered = records.sort("paper_id", "priority", pl.col("captured_at"), "idx",
                           descending=[False, False, True, False])

    def first(col: str) -> pl.Expr:
        return pl.col(col).drop_nulls().first().alias(col)

    dated = (records.filter(pl.col("published_on").is_not_null())
             .with_columns(pl.col("date_precision").replace_strict(DATE_PRECISION_RANK, default=3,
                                                                   return_dtype=pl.Int32).alias("dp"))
             .sort("paper_id", "dp", "priority", "idx")
             .group_by("paper_id").agg(pl.col("published_on").first(), pl.col("date_precision").first()))
    picked = ordered.group_by("paper_id", maintain_order=True).agg(
        first("title"), first("abstract"), first("arxiv_id"), first("doi"), first("openalex_id"),
        first("s2_id"), first("primary_topic"), first("venue"), first("page_count"),
        pl.col("has_code").drop_nulls().max().alias("has_code"),
        pl.len().alias("records"), pl.col("source").n_unique().alias("sources"),
    )
    return (picked.join(dated, on="paper_id", how="left")
            .with_columns(pl.col("published_on").dt.year().alias("year")))


def chosen_author_lists(records: pl.DataFrame) -> pl.DataFrame:
    """Per paper, the record whose author list is used: a complete list always beats a truncated
    ("et al.") one, then source priority; among truncated lists the longest wins."""
    with_lists = records.filter(pl.col("authors").list.len() > 0).with_columns(
        pl.col("authors_truncated").fill_null(False).alias("truncated"),
        pl.col("authors").list.len().alias("n_authors"))
    return (with_lists.sort("paper_id", "truncated", "priority", pl.col("n_authors"), "idx",
                            descending=[False, False, False, True, False])
            .group_by("paper_id", maintain_order=True)
            .agg(pl.col("idx").first().alias("authors_idx"), pl.col("truncated").first().alias("authors_truncated")))


def resolve_papers(papers: pl.DataFrame, crosswalk: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Returns records (with paper_id), papers, the new crosswalk and the merge explanations."""
    records = with_record_keys(papers)
    edges = record_edges(records)
    cluster = components(edges.select("idx", "key"), records.height)
    ids = assign_paper_ids(edges, cluster, crosswalk)
    records = (records.with_columns(cluster.alias("cluster"))
               .join(ids.select("cluster", "paper_id"), on="cluster", how="left"))
    core = pick_fields(records).join(chosen_author_lists(records), on="paper_id", how="left")
    edge_ids = edges.join(records.select("idx", "paper_id", "record_ref"), on="idx")
    new_crosswalk = pl.concat([crosswalk, edge_ids.select("key", "paper_id")]).unique("key", keep="first")
    merges = (edge_ids.group_by("paper_id", "kind", "key")
              .agg(pl.col("record_ref").unique().sort().alias("records"))
              .filter(pl.col("records").list.len() > 1)
              .select(pl.lit("paper").alias("entity"), pl.col("paper_id").alias("entity_id"),
                      pl.col("kind").alias("rule"), "key", "records"))
    return {"records": records, "papers": core, "crosswalk": new_crosswalk, "merges": merges}
