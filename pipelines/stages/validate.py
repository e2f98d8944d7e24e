"""Validate the staged core tables with the expectation suites in expectations/.

Rows that break a blocking row-level expectation do not load: the papers (or authors) they
belong to are moved, with every row that depends on them, to audit.quarantine with a reason that
names the failed expectations, and the rest is validated again. A blocking failure that names
no rows (or survives the quarantine) stops the publish and the published warehouse stays as it was.

Every validation ends by writing a receipt (pipelines/validate/receipt.py) keyed by the content
hash of the staging it leaves behind, with each expectation's outcome: the publish loads only
staging whose hash has a passing receipt, and reports these outcomes as the tables' checks.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import polars as pl

from ..io import release_memory, write_parquet
from ..paths import expectations_dir
from ..validate.checks import outcomes
from ..validate.prepare import columns_read
from ..validate.receipt import staging_digest, write_receipt
from .publish import staged_files
from .resolve import read_staged, staging_path
from ..workspace import Workspace

SUITES = tuple(sorted(p.stem for p in expectations_dir().glob("*.json")))
VALIDATED = ("papers", "authors", "authorships", "paper_topics", "sightings", "author_profiles",
             "citation_snapshots")
BY_PAPER = ("papers", "authorships", "paper_topics", "sightings", "citation_snapshots",
            "topic_labels", "profile_papers", "citations_by_year")
BY_AUTHOR = ("authors", "authorships", "author_profiles", "profile_papers")


@dataclass
class Validation:
    report: object  # pipelines.validate.ValidationReport of the data that will load
    first: object  # the report before any quarantine
    quarantined: int = 0
    receipt: dict = field(default_factory=dict)  # what the publish will check (receipt.write_receipt)


def validate_staged(ws: Workspace, run_id: str | None = None) -> Validation:
    from ..validate import FAILED, validate  # pulls in great-expectations only when a run validates

    first = validate(validated_frames(ws))
    if first.success or not first.quarantine_resolves:
        validation = Validation(first, first)
    else:
        reasons = _reasons(first.failed_rows, FAILED)
        moved = _quarantine(ws, reasons)
        validation = Validation(validate(validated_frames(ws)), first, moved)
    validation.receipt = write_receipt(
        ws, staging_digest(staged_files(ws)), passed=validation.report.success,
        checks=outcomes(validation.report.results, validation.first.results),
        run_id=run_id, quarantined=validation.quarantined, capture_year=validation.report.capture_year)
    release_memory()  # the frames and GX's pandas copies are gone: the publish starts lower
    return validation


def validated_frames(ws: Workspace) -> dict[str, pl.DataFrame]:
    """Each validated table with the columns its validation reads (see prepare.columns_read)."""
    frames = {}
    for table in VALIDATED:
        path = staging_path(ws, table)
        suite = json.loads((expectations_dir() / f"{table}.json").read_text("utf-8"))
        frames[table] = pl.read_parquet(path, columns=columns_read(table, suite, list(pl.read_parquet_schema(path))))
    return frames


def _reasons(failed: dict[str, pl.DataFrame], failed_col: str) -> dict[str, dict[str, str]]:
    """{"paper_id"|"author_id": {id: reason}} for every entity a failed row belongs to."""
    out: dict[str, dict[str, str]] = {"paper_id": {}, "author_id": {}}
    for table, rows in failed.items():
        key = "paper_id" if "paper_id" in rows.columns else "author_id"
        for ident, labels in zip(rows[key].to_list(), rows[failed_col].to_list()):
            if ident is None:
                continue
            # An entity failing in several tables keeps the reason of the first table it failed in.
            out[key].setdefault(ident, "validation_failed: " + ", ".join(sorted(labels)))
    return out


def _quarantine(ws: Workspace, reasons: dict[str, dict[str, str]]) -> int:
    """Moves the failing papers/authors and their dependent rows from staging to quarantine."""
    sightings = read_staged(ws, "sightings")
    seen_at = sightings["captured_at"].max()
    quarantine = [read_staged(ws, "quarantine")]
    moved = 0
    for key, tables in (("paper_id", BY_PAPER), ("author_id", BY_AUTHOR)):
        ids = reasons[key]
        if not ids:
            continue
        mapping = pl.DataFrame({key: list(ids), "reason": list(ids.values())})
        for table in tables:
            frame = read_staged(ws, table)
            hit = frame.join(mapping, on=key, how="inner")
            if hit.is_empty():
                continue
            if table in ("papers", "authors", "sightings", "author_profiles"):
                moved += hit.height
                quarantine.append(hit.select(
                    pl.lit("validate").alias("stage"),
                    (pl.col("source") if "source" in hit.columns else pl.lit(None, pl.String)).alias("source"),
                    (pl.col("capture") if "capture" in hit.columns else pl.lit(None, pl.String)).alias("capture"),
                    (pl.col("record_ref") if "record_ref" in hit.columns else pl.lit(None, pl.String)).alias("record_ref"),
                    "reason",
                    pl.struct(pl.exclude("reason")).struct.json_encode().alias("payload"),
                    (pl.col("captured_at") if "captured_at" in hit.columns else pl.lit(seen_at)).alias("seen_at")))
            write_parquet(frame.join(mapping, on=key, how="anti"), staging_path(ws, table))
    if reasons["paper_id"] and staging_path(ws, "paper_relations").exists():
        # A relation names two papers: it goes when either of them does.
        gone = pl.Series(list(reasons["paper_id"]), dtype=pl.String).implode()
        relations = read_staged(ws, "paper_relations")
        write_parquet(relations.filter(~pl.col("paper_id").is_in(gone) & ~pl.col("related_paper_id").is_in(gone)),
                      staging_path(ws, "paper_relations"))
    write_parquet(pl.concat(quarantine, how="vertical_relaxed"), staging_path(ws, "quarantine"))
    return moved
