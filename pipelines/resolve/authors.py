"""Author resolution: every spelling of a person's name -> one author_id.

Names are keyed by `normalize.names.name_key` ("Koura, Punit Singh" == "Punit Singh Koura"),
computed once per distinct spelling. A bare single name ("Jack") identifies nobody, so each
occurrence of one stays its own author.
"""
from __future__ import annotations

import hashlib

import polars as pl

from ..normalize.names import display_name, name_key


def _author_id(key: str) -> str:
    return "A" + hashlib.sha1(key.encode()).hexdigest()[:15]


def keyed_names(raw: pl.Series) -> pl.DataFrame:
    """raw spelling -> (name_key, display) for each distinct spelling (the Python work is per
    distinct name, not per occurrence)."""
    distinct = raw.drop_nulls().unique().sort()
    names = distinct.to_list()
    return pl.DataFrame({
        "raw_name": names,
        "name_key": [name_key(n) for n in names],
        "display": [display_name(n) for n in names],
    }, schema={"raw_name": pl.String, "name_key": pl.String, "display": pl.String})


def _with_author_ids(frame: pl.DataFrame, keys: pl.DataFrame, occurrence: pl.Expr) -> pl.DataFrame:
    """Joins name keys; bare names get a key unique to their occurrence."""
    joined = frame.join(keys, on="raw_name", how="left")
    bare = pl.col("name_key").fill_null("").str.count_matches(" ") == 0
    key = pl.when(bare).then(pl.lit("bare:") + occurrence).otherwise(pl.lit("name:") + pl.col("name_key"))
    joined = joined.with_columns(key.alias("author_key"))
    ids = joined["author_key"].unique()
    mapping = pl.DataFrame({"author_key": ids, "author_id": [_author_id(k) for k in ids.to_list()]})
    return joined.join(mapping, on="author_key", how="left")


def resolve_authors(records: pl.DataFrame, papers: pl.DataFrame, profiles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """records: parsed papers with paper_id; papers: resolved papers with authors_idx.
    Returns authorships, authors, profile owners, profile_papers and merges."""
    listed = (records.join(papers.select("paper_id", "authors_idx"), on="paper_id")
              .filter(pl.col("idx") == pl.col("authors_idx"))
              .select("paper_id", "record_ref", "authors").explode("authors").drop_nulls("authors")
              .unnest("authors").rename({"name": "raw_name"}))
    owners = profiles.select("record_ref", "source", "capture", "captured_at", pl.col("name").alias("raw_name"))
    keys = keyed_names(pl.concat([listed["raw_name"], owners["raw_name"]]))

    authorships = _with_author_ids(listed, keys, pl.col("record_ref") + ":" + pl.col("position").cast(pl.String))
    owners = _with_author_ids(owners, keys, pl.col("record_ref"))

    spellings = pl.concat([
        authorships.select("author_id", "author_key", "raw_name", "display"),
        owners.select("author_id", "author_key", "raw_name", "display"),
    ]).drop_nulls("raw_name")
    # The display name is the spelling seen most often, written the way a person writes it.
    display = (spellings.group_by("author_id", "display").len()
               .sort("author_id", "len", "display", descending=[False, True, False])
               .group_by("author_id", maintain_order=True).agg(pl.col("display").first().alias("display_name")))
    authors = (spellings.group_by("author_id").agg(
        pl.col("raw_name").unique().sort().alias("name_variants"),
        pl.col("author_key").first().alias("author_key"))
        .join(display, on="author_id").sort("author_id")
        .select("author_id", "display_name", "name_variants", "author_key"))

    profile_papers = (records.filter(pl.col("profile_ref").is_not_null())
                      .join(owners.select(pl.col("record_ref").alias("profile_ref"), "author_id"), on="profile_ref")
                      .select("author_id", "paper_id", "source", "capture").unique()
                      .sort("author_id", "paper_id", "source", "capture"))
    merges = (spellings.group_by("author_id", "author_key")
              .agg(pl.col("raw_name").unique().sort().alias("records"))
              .filter(pl.col("records").list.len() > 1)
              .select(pl.lit("author").alias("entity"), pl.col("author_id").alias("entity_id"),
                      pl.lit("name_key").alias("rule"), pl.col("author_key").alias("key"), "records"))
    return {
        "authorships": authorships.select("paper_id", "author_id", pl.col("position").cast(pl.Int32),
                                          pl.col("raw_name").alias("name_as_written"), "orcid",
                                          "affiliations").unique(["paper_id", "position"]).sort("paper_id", "position"),
        "authors": authors,
        "owners": owners.select("record_ref", "author_id"),
        "profile_papers": profile_papers,
        "merges": merges,
    }
