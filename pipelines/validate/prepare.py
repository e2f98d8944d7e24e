"""Derived columns the suites check, computed in polars before GX sees a frame.

GX validates one frame at a time, so anything that needs another table (referential integrity),
a group (author positions) or an order (citation history) becomes a boolean column here and the
suite only asserts its value. Each suite's meta.derived documents the columns it expects.
"""
from __future__ import annotations

from datetime import datetime, timezone

import polars as pl

# Which tables each table's derived columns read; validate() refuses to run without them because
# an integrity check against a missing table would pass vacuously.
REFERENCES: dict[str, tuple[str, ...]] = {
    "authorships": ("papers", "authors"),
    "paper_topics": ("papers",),
    "sightings": ("papers",),
    "citation_snapshots": ("papers",),
    "author_profiles": ("authors",),
}
_CAPTURED = ("sightings", "author_profiles", "citation_snapshots")
# The real columns prepare() derives from, per table (the suites name the others).
_DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "authorships": ("paper_id", "author_id", "position"),
    "paper_topics": ("paper_id",),
    "sightings": ("paper_id", "captured_at", "published_on_seen"),
    "author_profiles": ("author_id",),
    "citation_snapshots": ("paper_id", "source", "captured_at", "citation_count"),
}
# Entity keys a failed row is quarantined by, and the time the capture year comes from.
_ALWAYS = ("paper_id", "author_id", "captured_at")


def columns_read(table: str, suite: dict, available: list[str]) -> list[str]:
    """The columns of `table` that validating it reads (its suite's, its row key, what its derived
    columns and the quarantine need), in the table's order: the rest (abstracts, seen titles and
    bylines) would only cost memory."""
    from .report import expectation_columns

    wanted = set(_DERIVED_FROM.get(table, ())) | set(_ALWAYS) | set((suite.get("meta") or {}).get("row_key") or ())
    for expectation in suite.get("expectations", ()):
        wanted.update(expectation_columns(expectation.get("kwargs") or {}))
    return [c for c in available if c in wanted]


def capture_year(frames: dict[str, pl.DataFrame]) -> int:
    """The newest captured_at year across the captured tables; this year when none has rows."""
    years = [frames[t]["captured_at"].dt.year().max() for t in _CAPTURED
             if t in frames and "captured_at" in frames[t].columns]
    years = [y for y in years if y is not None]
    return max(years) if years else datetime.now(timezone.utc).year


def _exists(col: str, target: pl.DataFrame, target_col: str) -> pl.Expr:
    # A null key is not_null's failure; counting it here too would report one defect twice.
    return (pl.col(col).is_in(target[target_col].drop_nulls().unique().implode()) | pl.col(col).is_null())


def _utc_date(col: str, dtype: pl.DataType) -> pl.Expr:
    expr = pl.col(col)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        expr = expr.dt.convert_time_zone("UTC")
    return expr.dt.date()


def prepare(table: str, frame: pl.DataFrame, frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """`frame` plus the derived columns its suite checks (same rows, same order)."""
    if table == "authorships":
        present = pl.col("position").drop_nulls()
        contiguous = ((present.min() == 1) & (present.max() == present.n_unique())).over("paper_id")
        return frame.with_columns(
            paper_exists=_exists("paper_id", frames["papers"], "paper_id"),
            author_exists=_exists("author_id", frames["authors"], "author_id"),
            positions_contiguous=(contiguous | pl.col("paper_id").is_null()).fill_null(True),
        )
    if table == "paper_topics":
        return frame.with_columns(paper_exists=_exists("paper_id", frames["papers"], "paper_id"))
    if table == "sightings":
        limit = _utc_date("captured_at", frame.schema["captured_at"]) + pl.duration(days=1)
        return frame.with_columns(
            paper_exists=_exists("paper_id", frames["papers"], "paper_id"),
            published_by_capture=(pl.col("published_on_seen") <= limit).fill_null(True),
        )
    if table == "author_profiles":
        return frame.with_columns(author_exists=_exists("author_id", frames["authors"], "author_id"))
    if table == "citation_snapshots":
        previous = pl.col("citation_count").shift(1).over(["paper_id", "source"], order_by="captured_at")
        return frame.with_columns(
            paper_exists=_exists("paper_id", frames["papers"], "paper_id"),
            decrease=(pl.col("citation_count") < previous).fill_null(False),
        )
    return frame
