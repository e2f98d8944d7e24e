"""Paper resolution as record linkage: records sharing an identifier (arXiv id, DOI, OpenAlex or S2
id) are linked outright; titled records are linked by a trained score over title, authors, year,
venue and abstract (paper_pairs.py); records without a title by their abstract. Clusters never
hold two different ids of one scheme, two records of one capture, or a pair the comparisons call
different (linkage.constrained_clusters); a journal and a conference paper of one title are two
papers related as versions. `paper_id` stays stable through a persisted crosswalk; every link is
kept in audit.merges with its comparisons and weights."""
from __future__ import annotations

import polars as pl

from .columns import WideColumn
from .keys import assign_ids, folded
from .linkage import constrained_clusters
from .matching import abstract_edges
from .paper_pairs import link_decisions, scored_pairs
from .titles import clean_title
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
    """The cleaned title (folded, presentation labels removed), which names a paper that has no
    identifier (None for an empty one)."""
    return title.alias("title").to_frame().select((pl.lit("title:") + clean_title("title")).alias("title_key"))


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


def arxiv_of(records: pl.DataFrame) -> pl.Expr:
    """The arXiv id, also where only the DOI arXiv minted for it (10.48550/arxiv.<id>) is given."""
    arxiv_of_doi = pl.col("doi").str.strip_prefix(ARXIV_DOI_PREFIX)
    return pl.coalesce("arxiv_id", pl.when(pl.col("doi").str.starts_with(ARXIV_DOI_PREFIX)).then(arxiv_of_doi))


LINKING_KINDS = ("arxiv", "doi", "openalex", "s2", "abstract", "abstract_fuzzy")


def record_edges(records: pl.DataFrame, abstracts: WideColumn) -> pl.DataFrame:
    """(idx, key, kind): the identifiers and abstract keys that link records outright, plus the
    title and record keys that only name a paper (the title links through the scored pairs)."""
    arxiv = arxiv_of(records)
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
    titles = records.select(pl.col("idx").cast(pl.UInt32), pl.col("title_key").alias("key"),
                            pl.lit("title").alias("kind")).drop_nulls("key")
    return pl.concat([edges, titles,
                      abstract_edges(records, abstracts).with_columns(pl.col("idx").cast(pl.UInt32)).unique()])


def key_links(edges: pl.DataFrame) -> pl.DataFrame:
    """(a, b, weight=inf): each record sharing a linking key joined to the key's first record."""
    linking = edges.filter(pl.col("kind").is_in(LINKING_KINDS)).select("idx", "key")
    first = linking.group_by("key").agg(pl.col("idx").min().alias("a"))
    return (linking.join(first, on="key").filter(pl.col("idx") != pl.col("a"))
            .select("a", pl.col("idx").alias("b"), pl.lit(float("inf")).alias("weight")))


def distinct_ids(records: pl.DataFrame) -> pl.DataFrame:
    """(idx, scheme, value): a paper has one arXiv id, one publisher DOI, one OpenAlex and one S2
    id; two different values of a scheme are two papers (or two versions)."""
    publisher_doi = pl.when(~pl.col("doi").str.starts_with(ARXIV_DOI_PREFIX)).then(pl.col("doi"))
    parts = [records.select("idx", pl.lit(name).alias("scheme"), value.alias("value"))
             for name, value in (("arxiv", arxiv_of(records)), ("doi", publisher_doi),
                                 ("openalex", pl.col("openalex_id")), ("s2", pl.col("s2_id")))]
    return pl.concat(parts).drop_nulls("value").with_columns(pl.col("idx").cast(pl.UInt32))


def capture_units(records: pl.DataFrame) -> pl.DataFrame:
    """(idx, unit): one capture (a page, a response, a file) lists a paper once, so two of its
    records are two papers. The unit is the capture, not the source: two captures of one source
    (a page saved twice, two API pages) may well list the same paper."""
    return records.select(pl.col("idx").cast(pl.UInt32), pl.col("capture").alias("unit"))


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
    scored, model = scored_pairs(records)
    decisions = link_decisions(scored)
    del scored
    # The keys served their purpose; the record frame lives on through author resolution.
    records = records.drop("title_key", "abstract_key", "abstract_block")
    links = pl.concat([key_links(edges), decisions["links"].select("a", "b", "weight")])
    cluster = constrained_clusters(records.height, links, distinct_ids(records), capture_units(records),
                                   decisions["apart"])
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
    merges = pl.concat([key_merges(edge_ids, records), pair_merges(decisions["links"], records)])
    relations = version_relations(decisions["versions"], records)
    return {"records": records, "papers": core, "crosswalk": new_crosswalk, "merges": merges,
            "relations": relations, "model": model}


MERGE_SCHEMA = {"entity": pl.String, "entity_id": pl.String, "rule": pl.String, "key": pl.String,
                "records": pl.List(pl.String), "weight": pl.Float64, "comparisons": pl.String}


def key_merges(edge_ids: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """One row per identifier or abstract key that two records of one paper share."""
    # Only a key two records share merged anything (most name one record): group just those.
    shared = edge_ids.filter(pl.col("kind").is_in(LINKING_KINDS) & pl.col("key").is_duplicated())
    return (shared.with_columns(records["record_ref"].gather(shared["idx"]).alias("record_ref"))
            .group_by("paper_id", "kind", "key")
            .agg(pl.col("record_ref").unique().sort().alias("records"))
            .filter(pl.col("records").list.len() > 1)
            .select(pl.lit("paper").alias("entity"), pl.col("paper_id").alias("entity_id"),
                    pl.col("kind").alias("rule"), "key", "records",
                    pl.lit(None, pl.Float64).alias("weight"), pl.lit(None, pl.String).alias("comparisons"))
            .cast(MERGE_SCHEMA))


def pair_merges(links: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """One row per scored link that ended inside one paper: the pair, its weight and comparisons."""
    ref, pid = records["record_ref"], records["paper_id"]
    return (links.with_columns(pid.gather(links["a"]).alias("pa"), pid.gather(links["b"]).alias("pb"),
                               ref.gather(links["a"]).alias("ra"), ref.gather(links["b"]).alias("rb"))
            .filter(pl.col("pa") == pl.col("pb"))
            .select(pl.lit("paper").alias("entity"), pl.col("pa").alias("entity_id"), pl.lit("linkage").alias("rule"),
                    ("title:" + pl.col("ctitle_a")).alias("key"),
                    pl.concat_list(pl.min_horizontal("ra", "rb"), pl.max_horizontal("ra", "rb")).alias("records"),
                    pl.col("weight").round(2), pl.col("why").alias("comparisons"))
            .cast(MERGE_SCHEMA))


RELATION_SCHEMA = {"paper_id": pl.String, "related_paper_id": pl.String, "relation": pl.String, "weight": pl.Float64}


def version_relations(versions: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """Pairs of papers that are versions of one work (a conference and a journal paper of one
    title): kept apart, related here so users can still group them."""
    pid = records["paper_id"]
    return (versions.select(pid.gather(versions["a"]).alias("x"), pid.gather(versions["b"]).alias("y"), "weight")
            .filter(pl.col("x") != pl.col("y"))
            .select(pl.min_horizontal("x", "y").alias("paper_id"), pl.max_horizontal("x", "y").alias("related_paper_id"),
                    pl.lit("version_of").alias("relation"), pl.col("weight").round(2))
            .group_by("paper_id", "related_paper_id", "relation").agg(pl.col("weight").max())
            .sort("paper_id", "related_paper_id").cast(RELATION_SCHEMA))
