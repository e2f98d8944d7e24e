"""Paper resolution: records sharing an identifier (arXiv id, DOI, OpenAlex or S2 id), a normalised
title within a year window, or (for records without a title) an abstract become one paper;
`paper_id` stays stable through a persisted crosswalk. Every link is kept as a merge reason."""
from __future__ import annotations

import polars as pl

from .columns import WideColumn
from .keys import assign_ids, components, folded
from .matching import abstract_edges, title_edges
from .settings import (ABSTRACT_BLOCK_WORDS, ABSTRACT_HEAD_CHARS, ABSTRACT_KEY_CHARS, ABSTRACT_MIN_CHARS, ARXIV_DOI_PREFIX, DATE_PRECISION_RANK,
                       KEY_PRIORITY, SOURCE_PRIORITY, UNKNOWN_SOURCE_PRIORITY)

CROSSWALK_SCHEMA = {"key": pl.String, "paper_id": pl.String}


def with_record_keys(papers: pl.DataFrame, abstracts: WideColumn | None = None) -> pl.DataFrame:
    """Adds idx, priority, year, the folded title key and the abstract keys every rule below uses.
    The abstract keys come from `abstracts` a piece at a time (default: the frame's own column),
    or are taken as given when the frame already has them."""
    records = papers.with_row_index("idx").with_columns(
        pl.col("source").replace_strict(SOURCE_PRIORITY, default=UNKNOWN_SOURCE_PRIORITY,
                                        return_dtype=pl.Int32).alias("priority"),
        pl.col("published_on").dt.year().cast(pl.Int32).alias("year"),
    )
    # Folding a million titles at once holds several copies of the column; slices of 50,000 on
    # two threads hold a few of a slice.
    records = records.hstack(WideColumn.of_frame(records, "title", piece_rows=50_000, workers=2).map_pieces(title_keys))
    if "abstract_key" in records.columns:
        return records
    return records.hstack((abstracts or WideColumn.of_frame(papers, "abstract")).map_pieces(abstract_keys))


def title_keys(title: pl.Series) -> pl.DataFrame:
    """The folded title, the key of the same-title rule (None for an empty one)."""
    key = folded(pl.col("title"))
    return title.alias("title").to_frame().select(
        pl.when(key.str.len_chars() > 0).then(pl.lit("title:") + key).alias("title_key"))


def abstract_keys(abstract: pl.Series, keep_head: bool = False) -> pl.DataFrame:
    """Per abstract: whether there is one, its exact-match key (the first ABSTRACT_KEY_CHARS
    folded characters) and its fuzzy blocking key (the first ABSTRACT_BLOCK_WORDS folded words),
    both only for abstracts of at least ABSTRACT_MIN_CHARS folded characters.

    Only the head is folded: the first ABSTRACT_HEAD_CHARS raw characters, or the whole abstract
    where that head falls short of the key or of the block words. Folding is character-local, so
    the head's fold is a prefix of the whole fold (folding whole abstracts cost a quarter of
    paper resolution)."""
    frame = abstract.alias("abstract").to_frame()
    head = folded(pl.col("abstract").str.slice(0, ABSTRACT_HEAD_CHARS))
    cut_short = ((pl.col("abstract").str.len_chars() > ABSTRACT_HEAD_CHARS)
                 & ((pl.col("abstract_head").str.len_chars() <= ABSTRACT_KEY_CHARS)
                    | (pl.col("abstract_head").str.count_matches(" ") <= ABSTRACT_BLOCK_WORDS)))
    frame = (frame.with_columns(head.alias("abstract_head"))
             .with_columns(pl.when(cut_short).then(folded("abstract")).otherwise(pl.col("abstract_head"))
                           .alias("abstract_head")))
    long_enough = pl.col("abstract_head").str.len_chars() >= ABSTRACT_MIN_CHARS
    return frame.select(
        pl.col("abstract").is_not_null().alias("abstract_present"),
        pl.when(long_enough).then(pl.lit("abstract:") + pl.col("abstract_head").str.slice(0, ABSTRACT_KEY_CHARS))
        .alias("abstract_key"),
        pl.when(long_enough).then(pl.col("abstract_head").str.split(" ").list.head(ABSTRACT_BLOCK_WORDS).list.join(" "))
        .alias("abstract_block"),
        *([pl.col("abstract_head")] if keep_head else []))


def record_edges(records: pl.DataFrame, abstracts: WideColumn) -> pl.DataFrame:
    """(idx, key, kind) links: identifiers, then title + year, then abstracts for title-less
    records. A DOI arXiv minted for a preprint (10.48550/arxiv.<id>) is that arXiv id."""
    arxiv_of_doi = pl.col("doi").str.strip_prefix(ARXIV_DOI_PREFIX)
    arxiv = pl.coalesce("arxiv_id", pl.when(pl.col("doi").str.starts_with(ARXIV_DOI_PREFIX)).then(arxiv_of_doi))
    ident = [
        records.select("idx", (pl.lit("arxiv:") + arxiv).alias("key"), pl.lit("arxiv").alias("kind")),
        records.select("idx", (pl.lit("doi:") + pl.col("doi")).alias("key"), pl.lit("doi").alias("kind")),
        records.select("idx", (pl.lit("openalex:") + pl.col("openalex_id")).alias("key"), pl.lit("openalex").alias("kind")),
        records.select("idx", (pl.lit("s2:") + pl.col("s2_id")).alias("key"), pl.lit("s2").alias("kind")),
        # Every record names itself, so one that no rule links still becomes a (stable) paper.
        records.select("idx", (pl.lit("record:") + pl.col("record_ref")).alias("key"), pl.lit("record").alias("kind")),
    ]
    edges = pl.concat(ident).drop_nulls("key").with_columns(pl.col("idx").cast(pl.UInt32))
    # Only the abstract rule can name a record twice (an anchor per title-less record it takes
    # in): deduplicating millions of identifier edges as well cost a gigabyte at 10^6 records.
    return pl.concat([edges, title_edges(records),
                      abstract_edges(records, abstracts).with_columns(pl.col("idx").cast(pl.UInt32)).unique()])


def assign_paper_ids(edges: pl.DataFrame, cluster: pl.Series, crosswalk: pl.DataFrame) -> pl.DataFrame:
    """cluster label -> paper_id, stable through the crosswalk (see keys.assign_ids)."""
    known = crosswalk.select("key", pl.col("paper_id").alias("id"))
    return assign_ids(edges, cluster, known, KEY_PRIORITY, "P").rename({"id": "paper_id"})


PICKED = ("title", "abstract", "arxiv_id", "doi", "openalex_id", "s2_id", "primary_topic", "venue", "page_count")


def pick_fields(records: pl.DataFrame) -> pl.DataFrame:
    """One row per paper: each field from the highest-priority record that has it. The order is
    found on a narrow frame (which record wins each field) and only the winners' values are
    gathered: sorting every column of a million records cost seconds and gigabytes. The abstract
    is not gathered here but named by its record (`abstract_idx`, see gather_abstracts)."""
    order = (records.select("idx", "paper_id", "priority", "captured_at")
             .sort("paper_id", "priority", "captured_at", "idx", descending=[False, False, True, False])["idx"])
    narrow = pl.DataFrame({"idx": order, "paper_id": records["paper_id"].gather(order),
                           "source": records["source"].gather(order), "has_code": records["has_code"].gather(order),
                           **{f"has_{c}": present(records, c).gather(order) for c in PICKED}})
    winners = narrow.group_by("paper_id", maintain_order=True).agg(
        *[pl.col("idx").filter(pl.col(f"has_{c}")).first().alias(c) for c in PICKED],
        pl.col("has_code").drop_nulls().max().alias("has_code"),
        pl.len().alias("records"), pl.col("source").n_unique().alias("sources"),
    )
    picked = (winners.rename({"abstract": "abstract_idx"})
              .with_columns(records[c].gather(winners[c]).alias(c) for c in PICKED if c != "abstract"))

    dated = (records.select("idx", "paper_id", "priority", "published_on", "date_precision")
             .filter(pl.col("published_on").is_not_null())
             .with_columns(pl.col("date_precision").replace_strict(DATE_PRECISION_RANK, default=3,
                                                                   return_dtype=pl.Int32).alias("dp"))
             .sort("paper_id", "dp", "priority", "idx")
             .group_by("paper_id").agg(pl.col("published_on").first(), pl.col("date_precision").first()))
    return (picked.join(dated, on="paper_id", how="left")
            .with_columns(pl.col("published_on").dt.year().cast(pl.Int32).alias("year")))


def present(records: pl.DataFrame, column: str) -> pl.Series:
    return records["abstract_present"] if column == "abstract" else records[column].is_not_null()


def gather_abstracts(papers: pl.DataFrame, abstracts: WideColumn) -> pl.DataFrame:
    """`abstract_idx` (the winning record) -> the abstract itself, in the column's place."""
    at = papers.columns.index("abstract_idx")
    return papers.with_columns(abstracts.gather(papers["abstract_idx"]).alias("abstract_idx")).rename(
        {"abstract_idx": "abstract"}).select(papers.columns[:at] + ["abstract"] + papers.columns[at + 1:])


def chosen_author_lists(records: pl.DataFrame) -> pl.DataFrame:
    """Per paper, the record whose author list is used: a complete list always beats a truncated
    ("et al.") one, then source priority; among truncated lists the longest wins."""
    with_lists = (records.select("idx", "paper_id", "priority", "authors_truncated", pl.col("authors").list.len().alias("n"))
                  .filter(pl.col("n") > 0)).with_columns(
        pl.col("authors_truncated").fill_null(False).alias("truncated"), pl.col("n").alias("n_authors"))
    return (with_lists.sort("paper_id", "truncated", "priority", pl.col("n_authors"), "idx",
                            descending=[False, False, False, True, False])
            .group_by("paper_id", maintain_order=True)
            .agg(pl.col("idx").first().alias("authors_idx"), pl.col("truncated").first().alias("authors_truncated")))


def resolve_papers(papers: pl.DataFrame, crosswalk: pl.DataFrame, abstracts: WideColumn | None = None,
                   with_abstracts: bool = True) -> dict[str, pl.DataFrame]:
    """Returns records (with paper_id), papers, the new crosswalk and the merge explanations.
    `abstracts`: the records' abstracts when the frame does not hold them (read a piece at a
    time); `with_abstracts=False` leaves papers naming the winning record (`abstract_idx`) so
    the caller gathers the values once nothing else is in memory."""
    abstracts = abstracts or WideColumn.of_frame(papers, "abstract")
    records = with_record_keys(papers, abstracts)
    edges = record_edges(records, abstracts)
    # The keys served their purpose; the record frame lives on through author resolution.
    records = records.drop("title_key", "abstract_key", "abstract_block")
    cluster = components(edges.select("idx", "key"), records.height)
    ids = assign_paper_ids(edges, cluster, crosswalk)
    # The id by cluster, as a column: joining the wide record frame would copy every column.
    paper_id = (cluster.to_frame("cluster").join(ids.select("cluster", "paper_id"), on="cluster", how="left",
                                                 maintain_order="left")["paper_id"])
    records = records.with_columns(cluster.alias("cluster"), paper_id)
    core = pick_fields(records).join(chosen_author_lists(records), on="paper_id", how="left")
    if with_abstracts:
        core = gather_abstracts(core, abstracts)
    edge_ids = edges.with_columns(records["paper_id"].gather(edges["idx"]).alias("paper_id"))
    new_crosswalk = pl.concat([crosswalk, edge_ids.select("key", "paper_id")]).unique("key", keep="first")
    # Only a key two records share merged anything (most name one record): group just those.
    shared = edge_ids.filter(pl.col("key").is_duplicated())
    merges = (shared.with_columns(records["record_ref"].gather(shared["idx"]).alias("record_ref"))
              .group_by("paper_id", "kind", "key")
              .agg(pl.col("record_ref").unique().sort().alias("records"))
              .filter(pl.col("records").list.len() > 1)
              .select(pl.lit("paper").alias("entity"), pl.col("paper_id").alias("entity_id"),
                      pl.col("kind").alias("rule"), "key", "records"))
    return {"records": records, "papers": core, "crosswalk": new_crosswalk, "merges": merges}
