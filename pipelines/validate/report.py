"""What a validation found, in plain Python and polars (no GX objects escape this package)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

ROW_INDEX = "row_index"
FAILED = "failed_expectations"


def expectation_columns(kwargs: dict) -> tuple[str, ...]:
    """The columns an expectation reads, in the order its kwargs name them."""
    cols: list[str] = []
    for name in ("column", "column_A", "column_B"):
        if isinstance(kwargs.get(name), str):
            cols.append(kwargs[name])
    cols.extend(kwargs.get("column_list") or ())
    return tuple(cols)


@dataclass(frozen=True)
class ExpectationResult:
    table: str
    expectation: str                  # GX expectation type, e.g. expect_column_values_to_be_unique
    columns: tuple[str, ...]          # as written in the suite (derived columns included)
    blocking: bool
    success: bool
    unexpected_count: int | None      # None for aggregate expectations and when GX raised
    unexpected_values: list[Any]      # up to 5 offending values, as GX reports them
    unexpected_keys: list[dict]       # row keys (suite meta.row_key) of up to 5 offending rows
    why: str
    row_level: bool                   # True when GX named the offending rows
    exception: str | None = None

    @property
    def label(self) -> str:
        """Names the expectation in failed_rows and quarantine reasons."""
        return f"{self.table}.{self.expectation}({', '.join(self.columns)})"


@dataclass
class ValidationReport:
    results: list[ExpectationResult]
    failed_rows: dict[str, pl.DataFrame]    # rows violating blocking row-level expectations
    flagged_rows: dict[str, pl.DataFrame]   # rows violating only non-blocking ones (keep them)
    row_counts: dict[str, int]
    capture_year: int
    unchecked: tuple[str, ...] = ()         # tables given without a suite
    seconds: float = 0.0
    parameters: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def blocking_failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if r.blocking and not r.success]

    @property
    def warnings(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.blocking and not r.success]

    @property
    def success(self) -> bool:
        """No blocking expectation failed (non-blocking ones may have)."""
        return not self.blocking_failures

    @property
    def quarantine_resolves(self) -> bool:
        """True when removing failed_rows is enough: every blocking failure named its rows.
        A failure without rows (GX raised, an aggregate check) means the data cannot be loaded."""
        return all(r.row_level and r.exception is None for r in self.blocking_failures)

    def result(self, table: str, expectation: str, *columns: str) -> ExpectationResult:
        for r in self.results:
            if r.table == table and r.expectation == expectation and (not columns or r.columns == columns):
                return r
        raise KeyError((table, expectation, columns))

    def without_failed(self, frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
        """`frames` minus failed_rows (by row position). Removing a paper can orphan rows that
        reference it, so validate the result again before loading."""
        out = dict(frames)
        for table, bad in self.failed_rows.items():
            keep = pl.int_range(pl.len(), dtype=pl.UInt32).is_in(bad[ROW_INDEX].implode()).not_()
            out[table] = frames[table].filter(keep)
        return out

    def summary(self) -> str:
        """One line: how many expectations over how many tables, and what failed."""
        return (f"{len(self.results)} expectations over {len(self.row_counts)} tables "
                f"(capture year {self.capture_year}, {self.seconds:.2f} s): "
                f"{len(self.blocking_failures)} blocking failures, {len(self.warnings)} warnings")

    def tables(self) -> pl.DataFrame:
        """One row per validated table: rows, expectations, failed ones, failed and flagged rows."""
        return pl.DataFrame([{
            "table": table, "rows": n, "expectations": sum(r.table == table for r in self.results),
            "failed": sum(r.table == table and not r.success for r in self.results),
            "failed_rows": _height(self.failed_rows.get(table)),
            "flagged_rows": _height(self.flagged_rows.get(table))}
            for table, n in self.row_counts.items()], schema=TABLES_SCHEMA)

    def failures(self) -> pl.DataFrame:
        """One row per failed expectation: where, whether it blocks, how many rows, examples, why."""
        return pl.DataFrame([{
            "table": r.table, "expectation": r.expectation, "columns": ", ".join(r.columns),
            "blocking": r.blocking, "unexpected": r.unexpected_count,
            "examples": _cell(r.exception) if r.exception else _examples(r), "why": _cell(r.why)}
            for r in self.results if not r.success], schema=FAILURES_SCHEMA)


TABLES_SCHEMA = {"table": pl.String, "rows": pl.Int64, "expectations": pl.Int64, "failed": pl.Int64,
                 "failed_rows": pl.Int64, "flagged_rows": pl.Int64}
FAILURES_SCHEMA = {"table": pl.String, "expectation": pl.String, "columns": pl.String,
                   "blocking": pl.Boolean, "unexpected": pl.Int64, "examples": pl.String, "why": pl.String}


def _height(frame: pl.DataFrame | None) -> int:
    return 0 if frame is None else frame.height


def _examples(r: ExpectationResult) -> str:
    if r.unexpected_keys:
        return _cell("; ".join(", ".join(f"{k}={v}" for k, v in key.items()) for key in r.unexpected_keys))
    return _cell(", ".join(repr(v) for v in r.unexpected_values))


def _cell(value: Any, limit: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rows_by_failure(frame: pl.DataFrame, hits: pl.DataFrame) -> pl.DataFrame:
    """frame rows named in `hits` (row_index, label), each with the list of labels it failed."""
    if hits.is_empty():
        return frame.clear().with_row_index(ROW_INDEX).with_columns(pl.lit([], dtype=pl.List(pl.String)).alias(FAILED))
    per_row = hits.group_by(ROW_INDEX).agg(pl.col("label").unique().sort().alias(FAILED))
    return (frame.with_row_index(ROW_INDEX).join(per_row, on=ROW_INDEX, how="inner")
            .sort(ROW_INDEX))
