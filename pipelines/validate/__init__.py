"""Validates the staged core tables with the great-expectations suites in expectations/.

    report = validate({"papers": papers, "authors": authors, ...})
    if not report.success: quarantine report.failed_rows (naming failed_expectations) or stop

great_expectations is imported inside validate(), never at module import: it costs ~4 s.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterable

import polars as pl

from .. import progress
from ..io import release_memory
from ..normalize.topics import arxiv_taxonomy
from ..paths import expectations_dir
from .prepare import REFERENCES, capture_year as _capture_year, prepare
from .report import FAILED, ROW_INDEX, ExpectationResult, ValidationReport, expectation_columns, rows_by_failure

__all__ = ["validate", "ValidationReport", "ExpectationResult", "suite_tables", "ROW_INDEX", "FAILED"]


def suite_tables(suites_dir: Path | None = None) -> list[str]:
    """Tables that have a suite (one expectations/<table>.json each)."""
    return sorted(p.stem for p in Path(suites_dir or expectations_dir()).glob("*.json"))


def validate(frames: dict[str, pl.DataFrame], *, tables: Iterable[str] | None = None,
             capture_year: int | None = None, suites_dir: Path | None = None) -> ValidationReport:
    """Runs each table's suite on its frame (plus the derived columns the suite checks).

    tables: which tables to validate (default: every table in `frames` with a suite); the others
    in `frames` serve only as the targets of integrity checks, which need papers/authors present.
    capture_year: upper bound for papers.year (default: newest captured_at year in `frames`).
    Raises ValueError when a table lacks a column its suite reads or a referenced table is absent.
    """
    from . import gx_runner  # deliberately late: see the module docstring

    started = time.perf_counter()
    suites_dir = Path(suites_dir or expectations_dir())
    with_suite = suite_tables(suites_dir)
    chosen = [t for t in (with_suite if tables is None else list(tables)) if t in frames]
    unknown = [t for t in chosen if t not in with_suite]
    if unknown:
        raise ValueError(f"no suite in {suites_dir} for {unknown}")
    missing = sorted({ref for t in chosen for ref in REFERENCES.get(t, ()) if ref not in frames})
    if missing:
        raise ValueError(f"integrity checks need {missing} in frames (pass empty frames if there are none)")

    year = capture_year if capture_year is not None else _capture_year(frames)
    parameters = {"capture_year": year, "arxiv_topics": sorted(arxiv_taxonomy())}
    runner = gx_runner.runner()

    results: list[ExpectationResult] = []
    failed_rows: dict[str, pl.DataFrame] = {}
    flagged_rows: dict[str, pl.DataFrame] = {}
    for table in progress.start("validate", total=len(chosen), unit="tables").track(chosen):
        loaded = runner.suite(suites_dir / f"{table}.json")
        frame = frames[table]
        prepared = prepare(table, frame, frames)
        absent = [c for c in loaded.columns if c not in prepared.columns]
        if absent:
            raise ValueError(f"{table} lacks columns its suite reads: {absent}")
        # Only the columns the suite reads go to pandas: list columns convert slowly and GX ignores them.
        outcomes = runner.run(loaded, prepared.select(loaded.columns).to_pandas(), parameters)
        table_results, hits = _collect(table, loaded.expectations, outcomes, frame, loaded.row_key)
        results += table_results
        blocked = hits.filter(pl.col("blocking"))[ROW_INDEX].unique()
        failing = rows_by_failure(frame, hits)
        if failing.height:
            is_blocked = pl.col(ROW_INDEX).is_in(blocked.implode())
            if (bad := failing.filter(is_blocked)).height:
                failed_rows[table] = bad
            if (flagged := failing.filter(~is_blocked)).height:
                flagged_rows[table] = flagged
        del prepared, outcomes
        release_memory()  # this table's pandas copy and GX's work: the next table starts lower

    return ValidationReport(
        results=results, failed_rows=failed_rows, flagged_rows=flagged_rows,
        row_counts={t: frames[t].height for t in chosen}, capture_year=year,
        unchecked=tuple(sorted(t for t in frames if t not in with_suite)),
        seconds=time.perf_counter() - started, parameters={"capture_year": year})


def _collect(table: str, expectations: tuple[dict, ...], outcomes: list, frame: pl.DataFrame,
             row_key: tuple[str, ...]) -> tuple[list[ExpectationResult], pl.DataFrame]:
    """GX results (in suite order) -> ExpectationResults, plus (row_index, label, blocking) for
    every offending row. Type and columns come from the suite as written: GX's copy has the
    parameters substituted and a batch_id added."""
    from .gx_runner import PARTIAL, ROW_LEVEL_KEY

    results, labels, indices, blocking_flags = [], [], [], []
    for expectation, outcome in zip(expectations, outcomes, strict=True):
        meta = expectation["meta"]
        detail = outcome.result or {}
        exception = None
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            exception = str(outcome.exception_info.get("exception_message"))
        index = [int(i) for i in detail.get(ROW_LEVEL_KEY) or []]
        keys = (frame[index[:PARTIAL]].select(row_key).to_dicts() if index and row_key else [])
        result = ExpectationResult(
            table=table, expectation=expectation["type"], columns=expectation_columns(expectation["kwargs"]),
            blocking=bool(meta["blocking"]), success=bool(outcome.success),
            unexpected_count=detail.get("unexpected_count"),
            unexpected_values=[_plain(v) for v in detail.get("partial_unexpected_list") or []][:PARTIAL],
            unexpected_keys=keys, why=str(meta["why"]),
            row_level=ROW_LEVEL_KEY in detail, exception=exception)
        results.append(result)
        labels += [result.label] * len(index)
        indices += index
        blocking_flags += [result.blocking] * len(index)
    hits = pl.DataFrame({ROW_INDEX: indices, "label": labels, "blocking": blocking_flags},
                        schema={ROW_INDEX: pl.UInt32, "label": pl.String, "blocking": pl.Boolean})
    return results, hits


def _plain(value: Any) -> Any:
    """numpy scalars and NaN -> plain Python, so the report serialises as JSON/markdown cleanly."""
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", 1) == 0:
        value = item()
    if isinstance(value, float) and value != value:
        return None
    return value
