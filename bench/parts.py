"""One run in parts vs one process: `python -m bench.parts [--pages N | --lines N] [--parts K]`.

Runs the job `refresh` (every step in this process; the parse on every CPU with a pool of its
own) and the job `refresh_in_parts` (multiprocess executor: every step its own process, the parse
in K parts side by side) on the same captures, each into its own warehouse, and compares every
table's and view's fingerprint (tests/helpers.py). Prints one JSON line with the wall seconds and
each step's seconds of the split run, and writes bench/results/parts-<time>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def refresh_in_parts():
    from papertrail.pipelines.definitions import defs
    return defs.resolve_job_def("refresh_in_parts")


def _config(db: Path, captures: Path, parts: int | None = None) -> dict:
    config = {"resources": {"papertrail": {"config": {"db_path": str(db), "captures": [str(captures)]}}},
              "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    if parts is not None:
        config["ops"] = {"parsed_records": {"ops": {"plan_parse": {"config": {"parts": parts}}}}}
    return config


def _fingerprints(db: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.helpers import fingerprint, rows
    names = [f"{s}.{t}" for s, t in rows(db, "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN "
                                            "('core', 'audit', 'analytics_data') UNION ALL SELECT schema_name, view_name "
                                            "FROM duckdb_views() WHERE schema_name = 'analytics' ORDER BY 1, 2")]
    return {name: fingerprint(db, name) for name in names if name != "audit.runs"}


def _step_seconds(instance, run_id: str) -> dict:
    """Each step's seconds from start to success, from the run's event log."""
    started, took = {}, {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not event.step_key:
            continue
        if event.is_step_start:
            started[event.step_key] = entry.timestamp
        elif event.is_step_success and event.step_key in started:
            took[event.step_key] = round(entry.timestamp - started[event.step_key], 2)
    return took


def main(argv: list[str] | None = None) -> int:
    from dagster import DagsterInstance, execute_job, reconstructable

    from papertrail.pipelines.definitions import defs

    ap = argparse.ArgumentParser(prog="python -m bench.parts", description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000, help="author pages (bench/pages.py) as the input")
    ap.add_argument("--lines", type=int, default=0, help="instead: realistic snapshot lines (bench/resolution_scale.py)")
    ap.add_argument("--parts", type=int, default=0, help="parts of the parse (0: one per CPU)")
    args = ap.parse_args(argv)
    if args.lines:
        from .resolution_scale import write_snapshot
        source, _ = write_snapshot(args.lines, "realistic")
        label = f"{args.lines} realistic snapshot lines"
    else:
        from .pages import page_folder
        source = page_folder(args.pages)
        label = f"{args.pages} author pages"
    work = Path(tempfile.mkdtemp(prefix="parts-", dir=ROOT / "bench" / "data"))
    try:
        captures = work / "captures"
        captures.mkdir()
        for path in ([source] if source.is_file() else sorted(source.glob("page-*.html"))):
            os.link(path, captures / path.name)
        out = {"input": label, "cpus": len(os.sched_getaffinity(0)), "loadavg_at_start": os.getloadavg()}
        one_db, parts_db = work / "one" / "w.duckdb", work / "parts" / "w.duckdb"
        one_db.parent.mkdir()
        parts_db.parent.mkdir()
        (work / "dagster").mkdir()
        with DagsterInstance.local_temp(str(work / "dagster")) as instance:
            started = time.perf_counter()
            one = defs.resolve_job_def("refresh").execute_in_process(instance=instance, run_config=_config(one_db, captures))
            out["one_process"] = {"ok": one.success, "seconds": round(time.perf_counter() - started, 1),
                                  "steps": _step_seconds(instance, one.run_id)}
            started = time.perf_counter()
            with execute_job(reconstructable(refresh_in_parts), instance=instance,
                             run_config=_config(parts_db, captures, args.parts)) as split:
                out["in_parts"] = {"ok": split.success, "seconds": round(time.perf_counter() - started, 1),
                                   "steps": _step_seconds(instance, split.run_id)}
        if out["one_process"]["ok"] and out["in_parts"]["ok"]:
            a, b = _fingerprints(one_db), _fingerprints(parts_db)
            out["relations_compared"] = len(a)
            out["same_warehouse"] = a == b
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"parts-{stamp}.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out))
    return 0 if out.get("same_warehouse") else 1


if __name__ == "__main__":
    sys.exit(main())
