"""The only module that touches great_expectations; it is imported inside validate() because
importing GX costs ~4 s, which every Dagster process and CLI command would otherwise pay."""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core import ExpectationSuite
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.execution_engine import pandas_execution_engine

# GX fingerprints every pandas batch under HASH_THRESHOLD bytes (pd.util.hash_pandas_object over
# every cell) only to label the batch; nothing here reads that label, and at 10^6 papers the
# hashing was 46 % of validation. A threshold of 0 skips it; every expectation still runs.
pandas_execution_engine.HASH_THRESHOLD = 0

from .report import expectation_columns

# GX names the offending rows of a map expectation under this key (COMPLETE results only).
ROW_LEVEL_KEY = "unexpected_index_list"
PARTIAL = 5
# Position of an expectation in its suite, put into meta at load time (not stored in the JSON).
INDEX = "_suite_index"


@dataclass(frozen=True)
class LoadedSuite:
    table: str
    suite: Any                      # ExpectationSuite
    expectations: tuple[dict, ...]  # as in the JSON (plus INDEX), to rebuild a suite of the failed ones
    row_key: tuple[str, ...]        # identifies a row in the report's examples
    columns: tuple[str, ...]        # every column the expectations read (real and derived)


class _Runner:
    """One ephemeral context, one pandas data source and one batch definition per table, made once:
    building them is what costs, a validation run on a small frame is tens of milliseconds."""

    def __init__(self) -> None:
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.source = self.context.data_sources.add_pandas("papertrail_frames")
        self._batches: dict[str, Any] = {}
        self._suites: dict[tuple[str, float], LoadedSuite] = {}
        self._lock = threading.Lock()

    def batch_definition(self, table: str):
        if table not in self._batches:
            asset = self.source.add_dataframe_asset(table)
            self._batches[table] = asset.add_batch_definition_whole_dataframe("whole")
        return self._batches[table]

    def suite(self, path: Path) -> LoadedSuite:
        # Keyed by mtime so an edited suite is picked up by a long-lived process (dagster dev).
        key = (str(path), path.stat().st_mtime)
        if key not in self._suites:
            self._suites[key] = load_suite(path)
        return self._suites[key]

    def run(self, loaded: LoadedSuite, frame: pd.DataFrame, parameters: dict) -> list:
        """Results in suite order. COMPLETE (which names the offending rows) costs about twice
        BASIC per expectation, so it runs only for the expectations BASIC saw fail."""
        with self._lock:  # the context's stores are not documented as thread-safe
            batch = self.batch_definition(loaded.table).get_batch(batch_parameters={"dataframe": frame})
            results = list(batch.validate(loaded.suite, expectation_parameters=parameters,
                                          result_format={"result_format": "BASIC"}).results)
            results = _in_suite_order(results, len(loaded.expectations))
            failed = [i for i, r in enumerate(results) if not r.success and not _raised(r)]
            if failed:
                again = ExpectationSuite(name=f"{loaded.table}__failed",
                                         expectations=[loaded.expectations[i] for i in failed])
                detail = batch.validate(again, expectation_parameters=parameters, result_format={
                    "result_format": "COMPLETE", "partial_unexpected_count": PARTIAL,
                    "return_unexpected_index_query": False})
                for result in detail.results:
                    results[result.expectation_config.meta[INDEX]] = result
            _release(batch)
        return _in_suite_order(results, len(loaded.expectations))


def _release(batch) -> None:
    """The execution engine keeps every batch's pandas frame and resolved metrics for the life of
    the context (one per process): at 10^6 papers that held 1.3 GB into the publish."""
    engine = batch.data.execution_engine
    engine.batch_manager.reset_batch_cache()
    engine.batch_manager.batch_data_cache.clear()
    metrics = getattr(engine, "_metric_cache", None)  # a private attribute: skip it if GX renames it
    if isinstance(metrics, dict):
        metrics.clear()


def _in_suite_order(results: list, n: int) -> list:
    # GX returns results grouped by its own scheduling, not in suite order.
    ordered = sorted(results, key=lambda r: r.expectation_config.meta[INDEX])
    if [r.expectation_config.meta[INDEX] for r in ordered] != list(range(n)):
        raise RuntimeError("GX results do not match the suite's expectations one to one")
    return ordered


def _raised(result) -> bool:
    return bool(result.exception_info and result.exception_info.get("raised_exception"))


def load_suite(path: Path) -> LoadedSuite:
    """Reads a suite the way GX writes it (ExpectationSuite.to_json_dict())."""
    data = json.loads(path.read_text("utf-8"))
    for expectation in data["expectations"]:
        meta = expectation.get("meta") or {}
        if not isinstance(meta.get("blocking"), bool) or not meta.get("why"):
            raise ValueError(f"{path.name}: {expectation['type']} needs meta.blocking (bool) and meta.why")
    expectations = [dict(e, meta={**e["meta"], INDEX: i}) for i, e in enumerate(data["expectations"])]
    suite = ExpectationSuite(**{**data, "expectations": expectations})
    columns: list[str] = []
    for expectation in data["expectations"]:
        columns.extend(c for c in expectation_columns(expectation["kwargs"]) if c not in columns)
    row_key = tuple(data.get("meta", {}).get("row_key") or ())
    return LoadedSuite(table=data["name"], suite=suite, expectations=tuple(expectations),
                       row_key=row_key, columns=tuple(columns))


_RUNNER: _Runner | None = None
_RUNNER_PID: int | None = None


def runner() -> _Runner:
    """The process's runner; a forked child (multiprocess executors) builds its own."""
    global _RUNNER, _RUNNER_PID
    if _RUNNER is None or _RUNNER_PID != os.getpid():
        _RUNNER, _RUNNER_PID = _Runner(), os.getpid()
    return _RUNNER
