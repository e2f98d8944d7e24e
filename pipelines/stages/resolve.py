"""Resolve all parsed batches into the core tables, written as staging Parquet.

Resolution always runs over every parsed record (not just the new ones): a new source can join
two clusters, and history (snapshots, profile metrics per capture) lives in the parsed batches.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from .. import progress
from ..io import write_parquet
from ..normalize.topics import arxiv_taxonomy
from ..resolve.authors import resolve_authors
from ..records import SCHEMAS
from ..resolve.columns import WideColumn
from ..resolve.papers import CROSSWALK_SCHEMA, abstract_keys, gather_abstracts, resolve_papers
from ..workspace import Workspace
from .landing import read_land_rejects, read_manifest
from .parse import read_parsed, table_files

CORE_TABLES = ("papers", "authors", "authorships", "paper_topics", "topic_labels", "sightings",
               "author_profiles", "profile_papers", "citation_snapshots", "citations_by_year",
               "paper_relations")
AUDIT_TABLES = ("quarantine", "merges")
STAGED = CORE_TABLES + AUDIT_TABLES


def crosswalk_path(ws: Workspace) -> Path:
    return ws.state_dir / "paper_crosswalk.parquet"


def read_crosswalk(ws: Workspace) -> pl.DataFrame:
    path = crosswalk_path(ws)
    return pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=CROSSWALK_SCHEMA)


def staging_path(ws: Workspace, table: str) -> Path:
    return ws.staging_dir / f"{table}.parquet"


def read_staged(ws: Workspace, table: str) -> pl.DataFrame:
    return pl.read_parquet(staging_path(ws, table))


def _unidentifiable() -> pl.Expr:
    return (pl.col("title").is_null() & ~pl.col("abstract_present") & pl.col("arxiv_id").is_null()
            & pl.col("doi").is_null() & pl.col("openalex_id").is_null() & pl.col("s2_id").is_null())


def quarantine_rows(ws: Workspace, rejects: pl.DataFrame, unusable: pl.DataFrame) -> pl.DataFrame:
    """Parse/land rejects plus records resolution cannot place, with the capture's time."""
    manifest = read_manifest(ws).group_by("capture").agg(pl.col("captured_at").min().alias("captured_at"))
    now = datetime.now(timezone.utc)
    # The payload is the parsed record as the parser wrote it (it has no abstract, or it would place)
    record = [pl.col(c) if c in unusable.columns else pl.lit(None, pl.String).alias(c) for c in SCHEMAS["papers"].names]
    unplaced = unusable.select(
        pl.lit("resolve").alias("stage"), "source", "capture", "record_ref",
        pl.lit("unidentifiable_record: no title, abstract or identifier").alias("reason"),
        pl.struct(record).struct.json_encode().alias("payload"))
    if "seen_at" not in rejects.columns:
        rejects = rejects.with_columns(pl.lit(None, pl.Datetime("us", "UTC")).alias("seen_at"))
    return (pl.concat([rejects, unplaced], how="diagonal_relaxed")
            .join(manifest, on="capture", how="left")
            .with_columns(pl.coalesce("seen_at", "captured_at", pl.lit(now, pl.Datetime("us", "UTC"))).alias("seen_at"))
            .select("stage", "source", "capture", "record_ref", "reason", "payload", "seen_at"))


def parsed_abstracts(ws: Workspace) -> WideColumn:
    """The parsed papers' abstracts, read a batch file at a time."""
    files = table_files(ws, "papers")
    if files:
        return WideColumn.of_parquet(files, "abstract")
    return WideColumn.of_frame(pl.DataFrame(schema={"abstract": pl.String}), "abstract")


def resolve_all(ws: Workspace) -> dict[str, int]:
    """Writes every staged table; returns their row counts.

    Memory is what bounds a big run, so the abstracts (half of the parsed bytes) are never held
    whole: their keys are derived a parsed file at a time and the winning values are gathered
    last, and each table is written (and its inputs dropped) as soon as it is known."""
    # one step per staged table (the papers' and people's resolution before the first of theirs)
    bar = progress.start("resolve", total=len(STAGED), unit="tables", note="papers")
    abstracts = parsed_abstracts(ws)
    parsed = read_parsed(ws, "papers", exclude=("abstract",)).hstack(abstracts.map_pieces(abstract_keys))
    placeable = parsed.select(~_unidentifiable()).to_series()
    unusable = parsed.filter(~placeable)
    if not placeable.all():  # filtering copies every column: only when something is left out
        parsed, abstracts = parsed.filter(placeable), abstracts.subset(placeable)
    profiles = read_parsed(ws, "profiles")
    crosswalk = read_crosswalk(ws)
    resolved = resolve_papers(parsed, crosswalk, abstracts, with_abstracts=False)
    del parsed
    records, papers = resolved.pop("records"), resolved.pop("papers")
    counts: dict[str, int] = {}

    def stage(name: str, frame: pl.DataFrame) -> None:
        write_parquet(frame, staging_path(ws, name))
        counts[name] = frame.height
        bar.advance(note=name)

    ref_to_paper = records.select("record_ref", "paper_id", "source")
    stage("paper_topics", paper_topics(records))
    stage("topic_labels", read_parsed(ws, "topic_labels").join(ref_to_paper, on="record_ref")
          .select("paper_id", "scheme", "topic", "label", "parent", "score", "source")
          .unique(["paper_id", "scheme", "topic", "source"]).sort("paper_id", "scheme", "topic", "source"))
    stage("sightings", records.select("paper_id", "source", "capture", "record_ref", "captured_at",
                                      pl.col("title").alias("title_seen"),
                                      pl.col("published_on").alias("published_on_seen"),
                                      pl.col("authors").list.eval(pl.element().struct.field("name")).alias("authors_seen"),
                                      pl.col("authors_truncated").alias("authors_truncated_seen"))
          .sort("paper_id", "record_ref"))
    stage("citation_snapshots", records.select("paper_id", "source", "captured_at", "citation_count",
                                               "influential_citation_count")
          .filter(pl.col("citation_count").is_not_null())
          .group_by("paper_id", "source", "captured_at")
          .agg(pl.col("citation_count").max(), pl.col("influential_citation_count").max())
          .sort("paper_id", "source", "captured_at"))
    stage("citations_by_year", read_parsed(ws, "counts_by_year")
          .join(records.select("record_ref", "paper_id", "source", "captured_at"), on="record_ref")
          .group_by("paper_id", "source", "captured_at", "year")
          .agg(pl.col("cited_by_count").max()).sort("paper_id", "source", "captured_at", "year"))
    stage("quarantine", quarantine_rows(ws, pl.concat([read_land_rejects(ws), read_parsed(ws, "rejects")],
                                                      how="diagonal_relaxed"), unusable)
          .sort("capture", "record_ref", "reason", nulls_last=True))
    del ref_to_paper, unusable

    # Author resolution reads only the bylines, where each record came from and which list each
    # paper uses; the papers wait on disk meanwhile. The bylines are handed over (popped), so the
    # call holds the only reference and drops them once the mentions are made.
    held = ws.staging_dir / "papers.resolving.parquet"
    write_parquet(papers, held)
    chosen = papers.select("paper_id", "authors_idx", "title", "venue", "primary_topic", "year")
    del papers
    bar.update(note="people")
    bylines = [records.select("idx", "paper_id", "record_ref", "source", "capture", "authors", "profile_ref")]
    del records
    people = resolve_authors(bylines.pop(), chosen, profiles, crosswalk)
    del chosen
    stage("authors", people.pop("authors").drop("author_key"))
    stage("authorships", people.pop("authorships"))
    stage("author_profiles", profiles.join(people["owners"], on="record_ref")
          .select("author_id", "source", "capture", "captured_at", "h_index", "citation_count",
                  "paper_count", "i10_index", pl.col("name").alias("name_as_written"),
                  pl.col("extra").map_elements(_map_json, return_dtype=pl.String).alias("extra"),
                  "record_ref")
          .sort("author_id", "captured_at", "record_ref"))
    stage("profile_papers", people.pop("profile_papers"))
    stage("merges", pl.concat([resolved.pop("merges"), people.pop("merges")], how="diagonal_relaxed")
          .sort("entity", "entity_id", "rule", "key", "records"))
    stage("paper_relations", resolved.pop("relations"))
    # One key -> id file for both entities (author keys carry their own prefix), so ids of papers
    # and of authors both survive new sources arriving.
    ids = pl.concat([resolved.pop("crosswalk"), people.pop("crosswalk")]).unique("key", keep="first", maintain_order=True)
    write_parquet(ids, ws.staging_dir / "paper_crosswalk.parquet")
    del people, ids

    papers = pl.read_parquet(held)
    held.unlink()
    stage("papers", gather_abstracts(papers, abstracts)
          .select("paper_id", "title", "abstract", "published_on", "year", "primary_topic",
                  "arxiv_id", "doi", "has_code", "page_count", "openalex_id", "s2_id",
                  "venue", "date_precision", "authors_truncated", "records", "sources")
          .sort("paper_id"))
    bar.close()
    return {name: counts[name] for name in STAGED}


def _map_json(entries: dict | None) -> str | None:
    return json.dumps(dict(entries), sort_keys=True) if entries else None


def paper_topics(records: pl.DataFrame) -> pl.DataFrame:
    """Every arXiv-form topic any source gave a paper; other taxonomies go to topic_labels."""
    known = list(arxiv_taxonomy())
    listed = records.select("paper_id", "source", pl.col("topics").alias("topic")).explode("topic")
    primary = records.select("paper_id", "source", pl.col("primary_topic").alias("topic"))
    return (pl.concat([primary, listed]).drop_nulls("topic").filter(pl.col("topic").is_in(known))
            .unique().select("paper_id", "topic", "source").sort("paper_id", "topic", "source"))
